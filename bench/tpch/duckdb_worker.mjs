// Runs the TPC-H load and queries on DuckDB in a process of its own, so that its max RSS is DuckDB's alone.
// Usage: node duckdb_worker.mjs '{"dataDir":..., "threads":2, "runs":1, "queries":[1,2]}'
// Prints one JSON object: {load: {table: ms}, queries: {q01: {ms, runs, columns, rows} | {error}},
// max_rss_kb}.
import { DuckDBInstance } from '@duckdb/node-api';
import { performance } from 'node:perf_hooks';
import { loadStatements, median, queryStatements, schemaStatements } from './sql.mjs';

const options = JSON.parse(process.argv[2]);
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run(`SET threads = ${Number(options.threads)}`);

const output = { load: {}, queries: {} };
for (const sql of schemaStatements()) await connection.run(sql);
for (const { table, sql } of loadStatements(options.dataDir)) {
  const start = performance.now();
  await connection.run(sql);
  output.load[table] = performance.now() - start;
}

for (const { name, sql } of queryStatements(options.queries)) {
  try {
    const times = [];
    let reader;
    for (let run = 0; run < options.runs; run++) {
      const start = performance.now();
      reader = await connection.runAndReadAll(sql);
      times.push(performance.now() - start);
    }
    output.queries[name] = {
      ms: median(times),
      runs: times,
      columns: reader.columnNames().map((n, i) => ({ name: n, type: String(reader.columnTypes()[i]) })),
      rows: reader.getRowsJson(),
    };
  } catch (error) {
    output.queries[name] = { error: { message: String(error.message ?? error) } };
  }
}
output.max_rss_kb = process.resourceUsage().maxRSS;
process.stdout.write(JSON.stringify(output));
