// Sessions: a list of statements run on a fresh engine, each statement timed by itself. Basin runs a session as
// one `basin sql` process and reports each statement's elapsed_ms (--timer), so process start is not counted;
// DuckDB runs it on a new in-memory instance in this process, timed around each statement.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * An outcome per statement: {ms, count} for a statement that changes rows (the COPYs), {ms, columns, rows} for
 * a query, {ms} for the rest, or {error: {message, code?}}.
 */

/**
 * Run `statements` in one `basin sql` process; return one outcome per statement. Tables stay in memory
 * unless `persist`, when they are Iceberg tables in a fresh data directory.
 */
export function basinSession(basin, statements, { args = [], timeout = 3600, persist = false } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'basin-lake-'));
  try {
    const script = join(work, 'session.sql');
    writeFileSync(script, statements.map((sql) => `${sql};\n`).join(''));
    const data = ['--data', persist ? join(work, 'data') : ':memory:'];
    const child = spawnSync(basin, ['sql', '--format', 'json', '--timer', '-f', script, ...data, ...args], {
      cwd: work, encoding: 'utf8', maxBuffer: 1 << 28, timeout: timeout * 1000,
    });
    const lines = (child.stdout ?? '').split('\n').filter((line) => line.startsWith('{'));
    const exit = child.error ? String(child.error.message)
      : child.signal ? `killed by signal ${child.signal}` : `exit status ${child.status}`;
    const stderr = (child.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
    return statements.map((_, i) => {
      if (i >= lines.length) {
        return { error: { message: `basin stopped before this statement (${exit}${stderr ? `: ${stderr}` : ''})` } };
      }
      let out;
      try { out = JSON.parse(lines[i]); } catch { return { error: { message: `unparsable output: ${lines[i]}` } }; }
      if (out.error) return { error: out.error };
      if (out.rows) return { ms: out.elapsed_ms, columns: out.columns, rows: out.rows };
      return { ms: out.elapsed_ms, count: out.rows_affected };
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

let duckdbModule;

/** Load @duckdb/node-api once; throw a message saying how to install it when it is missing. */
async function duckdb() {
  try {
    duckdbModule ??= await import('@duckdb/node-api');
  } catch (error) {
    throw new Error(`cannot load @duckdb/node-api (${error.message}); run 'make -C bench/tpch deps'`);
  }
  return duckdbModule;
}

/**
 * Run `statements` on a new DuckDB, in memory or (`persist`) in a fresh database file; stop at the first
 * error, as the later ones depend on it.
 */
export async function duckdbSession(statements, { persist = false } = {}) {
  const { DuckDBInstance } = await duckdb();
  const work = persist ? mkdtempSync(join(tmpdir(), 'duckdb-lake-')) : null;
  const instance = await DuckDBInstance.create(persist ? join(work, 'bench.duckdb') : ':memory:');
  const connection = await instance.connect();
  const outcomes = [];
  try {
    for (const sql of statements) {
      if (outcomes.at(-1)?.error) {
        outcomes.push({ error: { message: 'not run: an earlier statement of the session failed' } });
        continue;
      }
      try {
        const start = performance.now();
        const reader = await connection.runAndReadAll(sql);
        const ms = performance.now() - start;
        if (/^COPY\b/i.test(sql)) {
          outcomes.push({ ms, count: Number(reader.getRows()[0]?.[0]) });
        } else if (/^SELECT\b/i.test(sql)) {
          const types = reader.columnTypes().map(String);
          const columns = reader.columnNames().map((name, i) => ({ name, type: types[i] }));
          outcomes.push({ ms, columns, rows: reader.getRowsJson() });
        } else {
          outcomes.push({ ms });
        }
      } catch (error) {
        outcomes.push({ error: { message: String(error.message ?? error) } });
      }
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
    if (work) rmSync(work, { recursive: true, force: true });
  }
  return outcomes;
}
