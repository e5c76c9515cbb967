// Driven by parquet_duckdb_test.sh: node parquet_duckdb_test.cjs PARQUET_CAT WORK_DIR BENCH_DIR BASIN
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');
const [cat, work, bench, basin] = process.argv.slice(2);
const { DuckDBInstance } = require(path.join(bench, 'node_modules/@duckdb/node-api'));

// Every type Basin reads, with NULLs in every column (each at its own rhythm). Fractions of timestamps and
// intervals are whole milliseconds or microseconds where Basin's types hold no more.
const SOURCE = `
  SELECT
    CASE WHEN i % 7 = 0 THEN NULL ELSE i % 2 = 0 END AS b,
    CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 200 - 100)::TINYINT END AS ti,
    CASE WHEN i % 13 = 0 THEN NULL ELSE (i % 30000 - 15000)::SMALLINT END AS si,
    CASE WHEN i % 5 = 0 THEN NULL ELSE (i * 7919 % 2000000 - 1000000)::INTEGER END AS i32,
    CASE WHEN i % 17 = 0 THEN NULL ELSE i * 1000003 - 50000000000 END::BIGINT AS i64,
    (i % 250)::UTINYINT AS u8,
    (i * 3)::UINTEGER AS u32,
    CASE WHEN i % 3 = 0 THEN NULL ELSE (i * 0.25)::REAL END AS f32,
    CASE WHEN i % 4 = 0 THEN NULL ELSE i * 1.5 - 3 END::DOUBLE AS f64,
    (i % 9000 * 0.1)::DECIMAL(4,1) AS d4,
    CASE WHEN i % 9 = 0 THEN NULL ELSE (i * 1.01 - 500)::DECIMAL(9,2) END AS d9,
    (i * 123456.789)::DECIMAL(18,3) AS d18,
    CASE WHEN i % 8 = 0 THEN NULL ELSE (i::DECIMAL(38,0) * 1000000000000000000000 + i)::DECIMAL(38,0) END AS d38,
    CASE WHEN i % 6 = 0 THEN NULL ELSE 'v' || (i % 100) END AS low_card,
    CASE WHEN i % 10 = 0 THEN NULL ELSE 'unique string number ' || i || repeat('x', i % 40) END AS high_card,
    ('blob' || (i % 37))::BLOB AS bl,
    DATE '2000-01-01' + (i % 20000)::INTEGER AS dt,
    CASE WHEN i % 12 = 0 THEN NULL ELSE TIME '00:00:00' + INTERVAL (i * 1000003 % 86400000000) MICROSECOND END AS tm,
    TIMESTAMP '1990-01-01' + INTERVAL (i * 1234567) MICROSECOND AS ts,
    (TIMESTAMP '1990-01-01' + INTERVAL (i * 1234) MILLISECOND)::TIMESTAMP_MS AS ts_ms,
    (TIMESTAMP '1990-01-01' + INTERVAL (i * 1234) MICROSECOND)::TIMESTAMP_NS AS ts_ns,
    (TIMESTAMPTZ '2020-06-01 00:00:00+00' + INTERVAL (i * 777) SECOND) AS tstz,
    CASE WHEN i % 14 = 0 THEN NULL ELSE INTERVAL (i % 13) MONTH + INTERVAL (i % 40) DAY + INTERVAL (i * 17) MILLISECOND END AS iv
  FROM range(70000) t(i)`;
// Columns whose text DuckDB and Basin print alike, checked through parquet_cat's CSV.
const CSV_COLUMNS = ['b', 'ti', 'si', 'i32', 'i64', 'u8', 'u32', 'd4', 'd9', 'd18', 'd38', 'low_card', 'high_card', 'dt'];

let failed = 0;
function check(name, ok, detail) {
  console.log(`${ok ? 'ok' : 'FAIL'} - ${name}${ok || !detail ? '' : ': ' + detail}`);
  if (!ok) failed++;
}

// Nested columns as Basin maps them: LISTs (NULL, empty, NULL elements), STRUCT fields as parent.child
// columns (a nested STRUCT too); the MAP column is left out by Basin.
const NESTED = `
  SELECT i AS id, CASE WHEN i % 5 = 0 THEN NULL WHEN i % 7 = 0 THEN [] ELSE [i, NULL, i * 2] END AS l,
         {'a': i, 'b': 'x' || i, 'c': {'d': i % 100}} AS s, ['s' || i, NULL] AS sl, MAP {'k': i} AS m
  FROM range(30000) t(i)`;

function run(args, program = cat) {
  const r = spawnSync(program, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  return { ok: r.status === 0, out: r.stdout, err: r.stderr };
}

async function main() {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const scalar = async (sql) => (await con.runAndReadAll(sql)).getRows()[0][0];
  await con.run(`CREATE TABLE src AS ${SOURCE}`);
  const lit = (p) => `'${p.replace(/'/g, "''")}'`;
  for (const version of ['v1', 'v2']) {
    for (const codec of ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4_raw']) {
      const name = `${codec}_${version}`;
      const duck = path.join(work, `duck_${name}.parquet`);
      const basin = path.join(work, `basin_${name}.parquet`);
      await con.run(`COPY src TO ${lit(duck)} (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 25000,
                     PARQUET_VERSION ${version})`);
      // (a) Basin reads DuckDB's file: as CSV ...
      const csv = run([duck]);
      check(`${name}: parquet_cat reads DuckDB's file`, csv.ok, csv.err);
      if (csv.ok) {
        const csvPath = path.join(work, `${name}.csv`);
        require('fs').writeFileSync(csvPath, csv.out);
        const cols = CSV_COLUMNS.map((c) => `${c}::VARCHAR AS ${c}`).join(', ');
        const diff = await scalar(`SELECT count(*) FROM (
            (SELECT ${CSV_COLUMNS.join(', ')} FROM read_csv(${lit(csvPath)}, header = true, all_varchar = true)
             EXCEPT ALL SELECT ${cols} FROM read_parquet(${lit(duck)}))
            UNION ALL
            (SELECT ${cols} FROM read_parquet(${lit(duck)}) EXCEPT ALL
             SELECT ${CSV_COLUMNS.join(', ')} FROM read_csv(${lit(csvPath)}, header = true, all_varchar = true)))`);
        check(`${name}: CSV rows equal DuckDB's`, Number(diff) === 0, `${diff} rows differ`);
      }
      // ... and rewritten with Basin's writer: (b) DuckDB reads Basin's file, every column compared.
      const copy = run(['--copy', duck, basin, codec]);
      check(`${name}: Basin rewrites DuckDB's file`, copy.ok, copy.err);
      if (copy.ok) {
        const count = await scalar(`SELECT count(*) FROM read_parquet(${lit(basin)})`);
        check(`${name}: DuckDB reads Basin's file`, Number(count) === 70000, `${count} rows`);
        const diff = await scalar(`SELECT count(*) FROM (
            (SELECT * FROM read_parquet(${lit(duck)}) EXCEPT ALL SELECT * FROM read_parquet(${lit(basin)}))
            UNION ALL
            (SELECT * FROM read_parquet(${lit(basin)}) EXCEPT ALL SELECT * FROM read_parquet(${lit(duck)})))`);
        check(`${name}: Basin's file holds DuckDB's rows`, Number(diff) === 0, `${diff} rows differ`);
      }
    }
  }
  // (c) Basin's SQL engine scans DuckDB's nested files (each codec): every value compared as text.
  for (const codec of ['uncompressed', 'snappy', 'gzip', 'zstd']) {
    const duck = path.join(work, `nested_${codec}.parquet`);
    const csvPath = path.join(work, `nested_${codec}.csv`);
    await con.run(`COPY (${NESTED}) TO ${lit(duck)} (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 7000)`);
    const sql = `COPY (SELECT id, l::VARCHAR AS l, "s.a" AS sa, "s.b" AS sb, "s.c.d" AS scd, sl::VARCHAR AS sl
                 FROM ${lit(duck)}) TO ${lit(csvPath)} (FORMAT csv, HEADER)`;
    const r = run(['sql', '-c', sql], basin);
    check(`nested ${codec}: Basin reads DuckDB's nested file`, r.ok && !/Error/.test(r.out + r.err), r.out + r.err);
    const mine = `SELECT id::VARCHAR AS id, l::VARCHAR AS l, s.a::VARCHAR AS sa, s.b AS sb, s.c.d::VARCHAR AS scd,
                  sl::VARCHAR AS sl FROM read_parquet(${lit(duck)})`;
    const theirs = `SELECT * FROM read_csv(${lit(csvPath)}, header = true, all_varchar = true)`;
    const diff = await scalar(`SELECT count(*) FROM ((${mine} EXCEPT ALL ${theirs}) UNION ALL (${theirs} EXCEPT ALL ${mine}))`);
    check(`nested ${codec}: Basin's rows equal DuckDB's`, Number(diff) === 0, `${diff} rows differ`);
  }
  console.log(failed ? `${failed} failed` : 'all passed');
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
