#!/usr/bin/env node
// TPC-H runner: generates the data, runs the 22 queries on Basin and on DuckDB, prints both engines' times
// side by side and checks that their answers agree. See README.md for the options.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compareAnswers } from './compare.mjs';
import { kTables, kTpchDir, loadStatements, median, queryStatements, schemaStatements } from './sql.mjs';

function parseOptions(argv) {
  const options = {
    sf: process.env.SF ?? '1',
    threads: Number(process.env.THREADS ?? 2),
    runs: Number(process.env.RUNS ?? 1),
    queries: Array.from({ length: 22 }, (_, i) => i + 1),
    basin: process.env.BASIN,
    basinArgs: (process.env.BASIN_ARGS ?? '').split(/\s+/).filter(Boolean),
    dbgen: process.env.DBGEN ?? join(kTpchDir, 'build', 'dbgen'),
    data: process.env.DATA,
    duckdb: true,
    basinRun: true,
    lake: process.env.LAKE !== '0',
    timeout: Number(process.env.TIMEOUT ?? 3600),
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--sf': options.sf = value(); break;
      case '--threads': options.threads = Number(value()); break;
      case '--runs': options.runs = Number(value()); break;
      case '--queries': options.queries = value().split(',').map(Number).sort((a, b) => a - b); break;
      case '--basin': options.basin = value(); break;
      case '--dbgen': options.dbgen = value(); break;
      case '--data': options.data = value(); break;
      case '--timeout': options.timeout = Number(value()); break;
      case '--no-duckdb': case '--basin-only': options.duckdb = false; break;
      case '--duckdb-only': options.basinRun = false; break;
      case '--no-lake': options.lake = false; break;
      default:
        console.error(`unknown option ${argv[i]}\nusage: run.mjs [--sf N] [--threads N] [--runs N] ` +
          '[--queries 1,3,6] [--basin PATH] [--dbgen PATH] [--data DIR] [--timeout S]\n' +
          '                     [--no-duckdb|--basin-only] [--duckdb-only] [--no-lake]');
        process.exit(2);
    }
  }
  if (options.queries.some((q) => !(q >= 1 && q <= 22))) throw new Error('--queries takes numbers 1..22');
  for (const key of ['basin', 'dbgen']) if (options[key]) options[key] = resolve(options[key]);
  options.data = resolve(options.data ?? join(kTpchDir, 'data', `sf${options.sf}`));
  return options;
}

/** Generate the data unless a completed generation for this SF is already there. */
function ensureData({ sf, data, dbgen }) {
  const marker = join(data, '.complete');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === String(sf)) return;
  if (!existsSync(dbgen)) throw new Error(`no dbgen at ${dbgen}: build it with 'make -C bench/tpch dbgen'`);
  console.log(`generating SF ${sf} into ${data}`);
  const start = performance.now();
  const result = spawnSync(dbgen, ['--sf', String(sf), '--out', data], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`dbgen failed (status ${result.status})`);
  writeFileSync(marker, `${sf}\n`);
  console.log(`generated in ${((performance.now() - start) / 1000).toFixed(1)} s`);
}

/** An engine's outcome where every query failed the same way. */
function failedEverywhere(message, queries) {
  return { load: {}, queries: Object.fromEntries(queries.map(({ name }) => [name, { error: { message } }])) };
}

/** Map the JSON lines of `basin sql` to the statements that produced them, one line each. */
function interpretBasinOutput(statements, child) {
  const outputs = (child.stdout ?? '').split('\n').filter((l) => l.startsWith('{')).map((line) => {
    try { return JSON.parse(line); } catch { return { error: { message: `unparsable output: ${line}` } }; }
  });
  const stderr = (child.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
  const exit = child.error ? String(child.error.message)
    : child.signal ? `signal ${child.signal}` : `status ${child.status}`;
  const result = { load: {}, queries: {}, problems: [], warnings: [] };
  const missing = { error: { message: 'not reached: basin stopped early' } };
  if (outputs.length < statements.length) {
    result.problems.push(`stopped after ${outputs.length} of ${statements.length} statements ` +
      `(exited with ${exit}${stderr ? `: ${stderr}` : ''})`);
  }
  const perQuery = {};
  statements.forEach((statement, i) => {
    const output = outputs[i] ?? missing;
    if (output === missing && statement.kind !== 'query') return;
    if (statement.kind === 'query') {
      (perQuery[statement.name] ??= []).push(output);
    } else if (output.error && statement.kind === 'setting') {
      result.warnings.push(`${statement.sql} failed (${output.error.message}); Basin used its default`);
    } else if (output.error) {
      const firstLine = statement.sql.split('\n')[0];
      result.problems.push(`${statement.kind} statement failed: ${output.error.message} [${firstLine}]`);
    } else if (statement.kind === 'load') {
      result.load[statement.table] = output.elapsed_ms;
    }
  });
  for (const [name, runs] of Object.entries(perQuery)) {
    const failed = runs.find((r) => r.error || !r.rows);
    const last = runs[runs.length - 1];
    result.queries[name] = failed
      ? { error: failed.error ?? { message: `not a query result: ${JSON.stringify(failed)}` } }
      : { ms: median(runs.map((r) => r.elapsed_ms)), columns: last.columns, rows: last.rows };
  }
  return result;
}

/** Run `statements` in one `basin sql` process (cwd `work`, extra `args`); return its outcome. */
function runBasinProcess(options, statements, args, work, scriptName) {
  const script = join(work, `${scriptName}.sql`);
  writeFileSync(script, statements.map(({ sql }) => `${sql};\n`).join(''));
  const rssFile = join(work, `${scriptName}.max_rss`);
  // GNU time reports the child's max RSS in KiB; it is absent on some machines, then so is the figure.
  const timeArgv = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', '%M', '-o', rssFile] : [];
  const argv = [...timeArgv, options.basin, 'sql', '--format', 'json', '--timer', '-f', script, ...args,
    ...options.basinArgs];
  const start = performance.now();
  const child = spawnSync(argv[0], argv.slice(1), {
    cwd: work, encoding: 'utf8', maxBuffer: 1 << 30, timeout: options.timeout * 1000,
  });
  const result = interpretBasinOutput(statements, child);
  result.wall_ms = performance.now() - start;
  if (existsSync(rssFile)) {
    const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
    result.max_rss_kb = Number(lines[lines.length - 1]) || undefined;
  }
  return result;
}

/**
 * Run the workload on Basin. `memory`: one process, tables in memory (`--data :memory:`). `lake`: tables
 * persisted as Iceberg tables in a data directory by one process (schema and load), queried by a second
 * one, so that the queries read the lake's Parquet files, as a user's next session would.
 */
function runBasin(options, mode) {
  const queries = queryStatements(options.queries);
  if (!options.basin || !existsSync(options.basin)) {
    return failedEverywhere(`no Basin binary (${options.basin ?? 'set BASIN or --basin'})`, queries);
  }
  const setting = { kind: 'setting', sql: `SET threads = ${options.threads}` };
  const load = [setting];
  for (const sql of schemaStatements()) load.push({ kind: 'schema', sql });
  for (const { table, sql } of loadStatements(options.data)) load.push({ kind: 'load', table, sql });
  const run = [];
  for (const { name, sql } of queries) {
    for (let i = 0; i < options.runs; i++) run.push({ kind: 'query', name, sql });
  }
  const work = mkdtempSync(join(tmpdir(), 'basin-tpch-'));
  try {
    if (mode === 'memory') return runBasinProcess(options, [...load, ...run], ['--data', ':memory:'], work, 'all');
    const args = ['--data', join(work, 'lake')];
    const loaded = runBasinProcess(options, load, args, work, 'load');
    const queried = runBasinProcess(options, [setting, ...run], args, work, 'queries');
    return {
      load: loaded.load, queries: queried.queries, max_rss_kb: queried.max_rss_kb,
      problems: [...loaded.problems, ...queried.problems], warnings: [...loaded.warnings, ...queried.warnings],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Run the workload on DuckDB in a node child of its own (see duckdb_worker.mjs). */
function runDuckDB(options) {
  const { data: dataDir, threads, runs, queries } = options;
  const config = { dataDir, threads, runs, queries };
  const child = spawnSync(process.execPath, [join(kTpchDir, 'duckdb_worker.mjs'), JSON.stringify(config)], {
    cwd: kTpchDir, encoding: 'utf8', maxBuffer: 1 << 30, timeout: options.timeout * 1000,
  });
  if (child.status !== 0) {
    const why = (child.stderr ?? '').trim().split('\n').slice(0, 3).join(' | ') || child.error?.message;
    return failedEverywhere(`DuckDB worker failed: ${why} (did 'make -C bench/tpch deps' run?)`,
      queryStatements(options.queries));
  }
  return JSON.parse(child.stdout);
}

const fmtMs = (ms) => (ms === undefined || ms === null ? '-' : ms.toFixed(1));
const fmtMiB = (kb) => (kb ? `${(kb / 1024).toFixed(0)} MiB` : '-');
const sum = (values) => values.reduce((a, b) => a + (b ?? 0), 0);

/** Print the table and the MISMATCH/ERROR lines; return the number of problems. */
function report(options, basin, lake, duck) {
  const notes = [];
  const errors = new Map();  // message -> queries, so that one cause is reported once
  let problems = 0;
  const pad = (cell, i) => (i === 0 ? String(cell).padEnd(8) : String(cell).padStart(11));
  const row = (...cells) => console.log(cells.map(pad).join(' ').trimEnd());
  console.log(`\nTPC-H SF ${options.sf}, ${options.threads} threads, median of ${options.runs} run(s)`);
  row('query', 'basin ms', 'lake ms', 'duckdb ms', 'ratio', 'lake/mem', 'rows', 'answer');
  const both = { basin: 0, duck: 0 };
  for (const { name } of queryStatements(options.queries)) {
    const b = basin?.queries[name];
    const l = lake?.queries[name];
    const d = duck?.queries[name];
    for (const [engine, r] of [['basin', b], ['basin (lake)', l], ['duckdb', d]]) {
      if (r?.error) {
        const message = `${engine}: ${r.error.code ? `${r.error.code} ` : ''}${r.error.message}`;
        errors.set(message, [...(errors.get(message) ?? []), name]);
        problems++;
      }
    }
    let answer = '-';
    if (b?.rows && d?.rows) {
      const diff = compareAnswers(name, b, d) ?? (l?.rows ? compareAnswers(name, l, d) : null);
      answer = diff ? 'MISMATCH' : 'ok';
      if (diff) {
        notes.push(`MISMATCH ${name}: ${diff}`);
        problems++;
      }
      both.basin += b.ms ?? 0;
      both.duck += d.ms ?? 0;
    }
    const ratio = b?.ms && d?.ms ? (b.ms / d.ms).toFixed(2) : '-';
    const lakeRatio = b?.ms && l?.ms ? (l.ms / b.ms).toFixed(2) : '-';
    const rows = d?.rows?.length ?? b?.rows?.length ?? '-';
    const ms = (r) => (r?.error ? 'error' : fmtMs(r?.ms));
    row(name, ms(b), ms(l), ms(d), ratio, lakeRatio, rows, answer);
  }
  const totalOf = (r) => (r ? sum(Object.values(r.queries).map((q) => q.ms)) : undefined);
  if (basin && duck) {
    const ratio = both.duck ? (both.basin / both.duck).toFixed(2) : '-';
    row('both ok', fmtMs(both.basin), '', fmtMs(both.duck), ratio, '', '', '(queries both engines answered)');
  }
  const lakeRatio = totalOf(basin) && totalOf(lake) ? (totalOf(lake) / totalOf(basin)).toFixed(2) : '-';
  row('total', fmtMs(totalOf(basin)), fmtMs(totalOf(lake)), fmtMs(totalOf(duck)), '', lakeRatio);
  const loadOf = (r) => (Object.keys(r?.load ?? {}).length === kTables.length ? sum(Object.values(r.load)) : null);
  row('load', fmtMs(loadOf(basin)), fmtMs(loadOf(lake)), fmtMs(loadOf(duck)));
  row('peak RSS', fmtMiB(basin?.max_rss_kb), fmtMiB(lake?.max_rss_kb), fmtMiB(duck?.max_rss_kb));
  for (const [message, names] of errors) notes.push(`ERROR ${names.join(',')} ${message}`);
  for (const [engine, r] of [['basin', basin], ['basin (lake)', lake]]) {
    for (const problem of r?.problems ?? []) {
      notes.push(`ERROR ${engine} ${problem}`);
      problems++;
    }
    for (const warning of r?.warnings ?? []) notes.push(`WARNING ${engine} ${warning}`);
  }
  if (notes.length) console.log(`\n${notes.join('\n')}`);
  return problems;
}

function main() {
  const options = parseOptions(process.argv.slice(2));
  ensureData(options);
  const basin = options.basinRun ? runBasin(options, 'memory') : undefined;
  const lake = options.basinRun && options.lake ? runBasin(options, 'lake') : undefined;
  const duck = options.duckdb ? runDuckDB(options) : undefined;
  const problems = report(options, basin, lake, duck);
  process.exitCode = problems ? 1 : 0;
}

main();
