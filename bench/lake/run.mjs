#!/usr/bin/env node
// Lake-storage benchmark: CSV load, Parquet write and Parquet scans of TPC-H lineitem on Basin and DuckDB, with
// one thread and with all threads, best of N runs, printed side by side. See README.md for the options.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { basinSession, duckdbSession } from './engines.mjs';
import { createLineitem, kScans, loadLineitem, scanParquet, writeParquet } from './workload.mjs';

const kLakeDir = dirname(fileURLToPath(import.meta.url));
const kEngines = ['basin', 'duckdb'];

function parseOptions(argv) {
  const options = {
    sf: process.env.SF ?? '1',
    runs: Number(process.env.RUNS ?? 3),
    threads: [1, availableParallelism()],
    basin: process.env.BASIN ?? join(kLakeDir, '..', '..', 'build', 'basin'),
    basinArgs: (process.env.BASIN_ARGS ?? '').split(/\s+/).filter(Boolean),
    engines: kEngines,
    timeout: Number(process.env.TIMEOUT ?? 1800),
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--sf': options.sf = value(); break;
      case '--runs': options.runs = Number(value()); break;
      case '--threads':
        options.threads = value().split(',').map((t) => (t === 'all' ? availableParallelism() : Number(t)));
        break;
      case '--basin': options.basin = value(); break;
      case '--tpch-data': options.tpchData = value(); break;
      case '--out': options.out = value(); break;
      case '--timeout': options.timeout = Number(value()); break;
      case '--basin-only': options.engines = ['basin']; break;
      case '--duckdb-only': options.engines = ['duckdb']; break;
      default:
        console.error(`unknown option ${argv[i]}\nusage: run.mjs [--sf N] [--runs N] [--threads 1,all] ` +
          '[--basin PATH] [--tpch-data DIR] [--out DIR] [--timeout S] [--basin-only|--duckdb-only]');
        process.exit(2);
    }
  }
  options.threads = [...new Set(options.threads)];
  options.basin = resolve(options.basin);
  options.tpchData = resolve(options.tpchData ?? join(kLakeDir, '..', 'tpch', 'data', `sf${options.sf}`));
  options.out = resolve(options.out ?? join(kLakeDir, 'data', `sf${options.sf}`));
  return options;
}

/** Run one session on an engine; a missing Basin binary fails every statement of it. */
async function session(engine, statements, options, persist = false) {
  if (engine === 'duckdb') return duckdbSession(statements, { persist });
  if (!existsSync(options.basin)) {
    return statements.map(() => ({ error: { message: `no Basin binary at ${options.basin}` } }));
  }
  return basinSession(options.basin, statements, { args: options.basinArgs, timeout: options.timeout, persist });
}

/** Show on stderr that a row's runs are done, since a whole benchmark takes minutes. */
function progress(r, engines) {
  const times = engines.map((e) => `${e} ${r[e].error ? 'FAIL' : `${r[e].best_ms?.toFixed(0)} ms`}`);
  process.stderr.write(`.. ${r.operation}, threads ${r.threads}: ${times.join(', ')}\n`);
}

/** A measurement: one operation on one engine, the best of its runs. */
class Measurement {
  constructor(sql) {
    this.sql = sql;
    this.runs_ms = [];
  }

  add(outcome) {
    if (outcome.error) this.error ??= outcome.error;
    else this.runs_ms.push(outcome.ms);
    this.count ??= outcome.count;
    if (outcome.rows) this.answer = { columns: outcome.columns, rows: outcome.rows };
  }

  get best_ms() {
    return this.error || !this.runs_ms.length ? undefined : Math.min(...this.runs_ms);
  }
}

/** Return a value as a number where it is one (JSON number or numeric text), else as text. */
function normalize(value) {
  if (value === null || value === undefined) return null;
  const text = String(value);
  return /^[-+]?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

/** Return null when two one-row answers are equal, exactly, else what differs. Reading must not lose a cent. */
function answerDiff(a, b) {
  const [x, y] = [a.rows[0] ?? [], b.rows[0] ?? []];
  if (a.rows.length !== b.rows.length || x.length !== y.length) {
    return `shape ${a.rows.length}x${x.length} vs ${b.rows.length}x${y.length}`;
  }
  const column = x.findIndex((v, i) => normalize(v) !== normalize(y[i]));
  return column < 0 ? null : `column ${column + 1} (${b.columns[column]?.name}): ${x[column]} vs ${y[column]}`;
}

/** Load lineitem.tbl and write it as Parquet in one session per run: the write needs the loaded table. */
async function measureLoadAndWrite(options, files, tblBytes, row) {
  for (const threads of options.threads) {
    const load = row('csv load', threads, tblBytes, () => loadLineitem(options.tpchData));
    const write = row('parquet write', threads, tblBytes, (e) => writeParquet(e, files[e]));
    for (let run = 0; run < options.runs; run++) {
      for (const engine of options.engines) {
        const statements = [`SET threads = ${threads}`, createLineitem(), load[engine].sql, write[engine].sql];
        const outcomes = await session(engine, statements, options);
        for (const setup of outcomes.slice(0, 2)) if (setup.error) load[engine].add(setup);
        load[engine].add(outcomes[2]);
        write[engine].add(outcomes[3]);
      }
    }
    progress(load, options.engines);
    progress(write, options.engines);
    // Into persistent storage: Basin's Iceberg table (Parquet files, manifests, a commit), DuckDB's database file.
    const stored = row('csv load, persisted', threads, tblBytes, () => loadLineitem(options.tpchData));
    for (let run = 0; run < options.runs; run++) {
      for (const engine of options.engines) {
        const statements = [`SET threads = ${threads}`, createLineitem(), stored[engine].sql];
        const outcomes = await session(engine, statements, options, true);
        for (const setup of outcomes.slice(0, 2)) if (setup.error) stored[engine].add(setup);
        stored[engine].add(outcomes[2]);
      }
    }
    progress(stored, options.engines);
  }
}

/** Run each scan on each engine over each engine's file, a session per run. */
async function measureScans(options, files, fileBytes, row) {
  for (const threads of options.threads) {
    for (const scan of Object.keys(kScans)) {
      for (const writer of options.engines) {
        const label = kScans[scan].label ?? `read ${kScans[scan].columns} cols`;
        const read = row(`${label}, ${writer}'s file`, threads, fileBytes[writer],
          () => scanParquet(scan, files[writer]));
        read.scan = scan;
        for (let run = 0; run < options.runs; run++) {
          for (const engine of options.engines) {
            if (!existsSync(files[writer])) {
              read[engine].add({ error: { message: `no ${files[writer]}: ${writer}'s parquet write failed` } });
              continue;
            }
            const outcomes = await session(engine, [`SET threads = ${threads}`, read[engine].sql], options);
            read[engine].add(outcomes[0].error ? outcomes[0] : outcomes[1]);
          }
        }
        progress(read, options.engines);
      }
    }
  }
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const tbl = join(options.tpchData, 'lineitem.tbl');
  if (!existsSync(tbl)) throw new Error(`no ${tbl}: generate it with 'make -C bench/tpch data SF=${options.sf}'`);
  const tblBytes = statSync(tbl).size;
  mkdirSync(options.out, { recursive: true });
  const files = Object.fromEntries(kEngines.map((e) => [e, join(options.out, `${e}.parquet`)]));
  for (const file of Object.values(files)) rmSync(file, { force: true });

  const rows = [];  // one per operation and thread count: {operation, threads, bytes, basin, duckdb}
  const row = (operation, threads, bytes, sqlOf) => {
    const measurements = options.engines.map((e) => [e, new Measurement(sqlOf(e))]);
    const r = { operation, threads, bytes, ...Object.fromEntries(measurements) };
    rows.push(r);
    return r;
  };
  await measureLoadAndWrite(options, files, tblBytes, row);
  const sizeOf = (file) => (existsSync(file) ? statSync(file).size : undefined);
  const fileBytes = Object.fromEntries(kEngines.map((e) => [e, sizeOf(files[e])]));
  await measureScans(options, files, fileBytes, row);

  // Group the rows by operation, in the order the operations ran, then by thread count.
  const order = [...new Set(rows.map((r) => r.operation))];
  rows.sort((a, b) => order.indexOf(a.operation) - order.indexOf(b.operation) || a.threads - b.threads);
  const failures = checkResults(rows, options);
  const lineitemRows = rows.flatMap((r) => options.engines.map((e) => r[e].count)).find((c) => c > 0);
  printTable(rows, options, { lineitemRows, tblBytes, fileBytes });
  for (const failure of failures) console.log(failure);

  const json = join(options.out, 'results.json');
  writeFileSync(json, JSON.stringify({
    date: new Date().toISOString(), sf: options.sf, runs: options.runs, basin: options.basin,
    basin_commit: gitCommit(options.basin), lineitem_rows: lineitemRows, lineitem_tbl_bytes: tblBytes,
    parquet_bytes: fileBytes,
    results: rows.map(({ operation, threads, bytes, basin, duckdb }) => ({
      operation, threads, input_bytes: bytes, basin: summary(basin, lineitemRows, bytes),
      duckdb: summary(duckdb, lineitemRows, bytes), ratio: ratio(basin, duckdb) ?? null,
    })),
    failures,
  }, null, 2) + '\n');
  console.log(`\nresults: ${json}`);
  process.exitCode = failures.length ? 1 : 0;
}

/** Return FAIL and MISMATCH lines: errors, row counts that differ, scan answers that differ between engines. */
function checkResults(rows, options) {
  const failures = [];
  for (const r of rows) {
    for (const engine of options.engines) {
      const m = r[engine];
      if (m.error) {
        failures.push(`FAIL ${engine} ${r.operation}, threads ${r.threads}: ` +
          `${m.error.code ? `${m.error.code} ` : ''}${m.error.message}\n  statement: ${m.sql}`);
      }
    }
  }
  const counts = rows.flatMap((r) => options.engines.filter((e) => r[e].count !== undefined)
    .map((e) => ({ what: `${e} ${r.operation} threads ${r.threads}`, count: r[e].count })));
  for (const { what, count } of counts) {
    if (count !== counts[0].count) {
      failures.push(`MISMATCH ${what} reports ${count} rows, ${counts[0].what} ${counts[0].count}`);
    }
  }
  // Every scan of either file by either engine must give the answer DuckDB gives on its own file (or, without
  // DuckDB, Basin on its own file).
  for (const scan of Object.keys(kScans)) {
    const reads = rows.filter((r) => r.scan === scan);
    const answers = reads.flatMap((r) => options.engines.filter((e) => r[e].answer)
      .map((e) => ({ what: `${e} ${r.operation} threads ${r.threads}`, answer: r[e].answer })));
    const reference = answers.find(({ what }) => /^duckdb .*duckdb's file/.test(what)) ?? answers[0];
    for (const { what, answer } of answers) {
      const diff = answerDiff(answer, reference.answer);
      if (diff) failures.push(`MISMATCH ${what} vs ${reference.what}: ${diff}`);
    }
  }
  return failures;
}

/** Return DuckDB's time over Basin's (>1: Basin is faster), or undefined without both. */
function ratio(basin, duckdb) {
  return basin?.best_ms && duckdb?.best_ms ? duckdb.best_ms / basin.best_ms : undefined;
}

function summary(m, lineitemRows, bytes) {
  if (!m) return null;
  const s = m.best_ms && m.best_ms / 1000;
  return {
    sql: m.sql, best_ms: m.best_ms ?? null, runs_ms: m.runs_ms, error: m.error ?? null,
    rows_per_s: s && lineitemRows ? lineitemRows / s : null, mb_per_s: s && bytes ? bytes / 1e6 / s : null,
    answer: m.answer?.rows[0],
  };
}

function printTable(rows, options, { lineitemRows, tblBytes, fileBytes }) {
  const mb = (bytes) => (bytes ? `${(bytes / 1e6).toFixed(1)} MB` : 'missing');
  console.log(`\nlineitem SF ${options.sf}: ${lineitemRows ?? '?'} rows, lineitem.tbl ${mb(tblBytes)}; ` +
    `parquet (zstd) by basin ${mb(fileBytes.basin)}, by duckdb ${mb(fileBytes.duckdb)}; best of ${options.runs}`);
  console.log('MB/s counts lineitem.tbl bytes for csv load and parquet write, the Parquet file\'s bytes for ' +
    'reads; ratio = duckdb ms / basin ms (>1: Basin faster)\n');
  const widths = [30, 7, 10, 10, 12, 12, 10, 10, 6];
  const line = (...cells) => console.log(cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i])
    : String(c).padStart(widths[i]))).join(' ').trimEnd());
  line('operation', 'threads', 'basin ms', 'duckdb ms', 'basin Mrow/s', 'duckdb Mrow/s', 'basin MB/s',
    'duckdb MB/s', 'ratio');
  for (const r of rows) {
    const cells = kEngines.map((e) => {
      const m = r[e];
      if (!m) return ['-', '-', '-'];
      if (m.error) return ['FAIL', '-', '-'];
      const s = m.best_ms / 1000;
      return [m.best_ms.toFixed(0), lineitemRows ? (lineitemRows / s / 1e6).toFixed(2) : '-',
        r.bytes ? (r.bytes / 1e6 / s).toFixed(0) : '-'];
    });
    const q = ratio(r.basin, r.duckdb);
    line(r.operation, r.threads, cells[0][0], cells[1][0], cells[0][1], cells[1][1], cells[0][2], cells[1][2],
      q ? q.toFixed(2) : '-');
  }
  console.log('');
}

/** Return the commit of the git tree the Basin binary was built in, if it sits in one. */
function gitCommit(basin) {
  try {
    const options = { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] };
    return execFileSync('git', ['-C', dirname(basin), 'rev-parse', 'HEAD'], options).trim();
  } catch {
    return null;
  }
}

await main();
