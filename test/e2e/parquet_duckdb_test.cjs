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

// LIST columns of every element type Basin and DuckDB share, for Basin's writer: NULL lists, empty lists and
// NULL elements at their own rhythms, and a few long lists (more elements than a page holds).
const LISTS = `
  SELECT i AS id,
    CASE WHEN i % 11 = 3 THEN NULL WHEN i % 13 = 5 THEN [] ELSE [i % 2 = 0, NULL, i % 3 = 0] END AS lb,
    [(i % 30000 - 15000)::SMALLINT, NULL] AS ls,
    CASE WHEN i % 7 = 0 THEN NULL ELSE [i::INTEGER, NULL, (i * 7919 % 2000000 - 1000000)::INTEGER] END AS li,
    CASE WHEN i % 5 = 0 THEN [] ELSE [i * 1000003 - 50000000000, NULL] END AS ll,
    [(i * 0.25)::REAL, NULL] AS lf,
    CASE WHEN i % 9 = 0 THEN NULL ELSE [i * 1.5 - 3, NULL, i / 7] END::DOUBLE[] AS ld,
    [(i * 1.01 - 500)::DECIMAL(9,2), NULL] AS ld9,
    [(i * 123456.789)::DECIMAL(18,3)] AS ld18,
    [(i::DECIMAL(38,0) * 1000000000000000000000 + i)::DECIMAL(38,0), NULL] AS ld38,
    CASE WHEN i % 6 = 0 THEN [] ELSE ['v' || (i % 100), NULL, 'unique string number ' || i || repeat('x', i % 40)] END AS lstr,
    [('blob' || (i % 37))::BLOB] AS lbl,
    [DATE '2000-01-01' + (i % 20000)::INTEGER, NULL] AS ldt,
    [TIME '00:00:00' + INTERVAL (i * 1000003 % 86400000000) MICROSECOND] AS ltm,
    [TIMESTAMP '1990-01-01' + INTERVAL (i * 1234567) MICROSECOND, NULL] AS lts,
    [TIMESTAMPTZ '2020-06-01 00:00:00+00' + INTERVAL (i * 777) SECOND] AS ltz,
    CASE WHEN i % 14 = 0 THEN NULL ELSE [INTERVAL (i % 13) MONTH + INTERVAL (i % 40) DAY + INTERVAL (i * 17) MILLISECOND, NULL] END AS liv,
    CASE WHEN i % 4999 = 1 THEN range(i, i + 70000) WHEN i % 3 = 0 THEN NULL ELSE range(i % 4) END AS long
  FROM range(40000) t(i)`;

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
    // Rewritten by Basin's writer (STRUCT fields as flat columns, LISTs as lists): DuckDB reads the lists back.
    const rewritten = path.join(work, `nested_basin_${codec}.parquet`);
    const copy = run(['--copy', duck, rewritten, codec]);
    check(`nested ${codec}: Basin rewrites DuckDB's nested file`, copy.ok, copy.err);
    if (copy.ok) {
      const lists = (f) => `SELECT id, l, sl FROM read_parquet(${lit(f)})`;
      const back = await scalar(`SELECT count(*) FROM ((${lists(duck)} EXCEPT ALL ${lists(rewritten)})
                                  UNION ALL (${lists(rewritten)} EXCEPT ALL ${lists(duck)}))`);
      check(`nested ${codec}: DuckDB reads Basin's lists`, Number(back) === 0, `${back} rows differ`);
    }
  }
  // (d) Basin's writer writes LIST columns of every type (parquet_cat, and COPY on several threads): DuckDB
  // reads the same rows, and takes the elements' statistics for what they are.
  await con.run(`CREATE TABLE lists AS ${LISTS}`);
  const rowsDiffer = async (a, b) => Number(await scalar(`SELECT count(*) FROM (
      (SELECT * FROM read_parquet(${lit(a)}) EXCEPT ALL SELECT * FROM read_parquet(${lit(b)}))
      UNION ALL (SELECT * FROM read_parquet(${lit(b)}) EXCEPT ALL SELECT * FROM read_parquet(${lit(a)})))`));
  for (const codec of ['uncompressed', 'snappy', 'zstd']) {
    const duck = path.join(work, `lists_duck_${codec}.parquet`);
    const basin = path.join(work, `lists_basin_${codec}.parquet`);
    await con.run(`COPY lists TO ${lit(duck)} (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 16000)`);
    const copy = run(['--copy', duck, basin, codec]);
    check(`lists ${codec}: Basin rewrites DuckDB's list columns`, copy.ok, copy.err);
    if (!copy.ok) continue;
    const types = async (f) => JSON.stringify((await con.runAndReadAll(
      `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(${lit(f)}))`)).getRows());
    check(`lists ${codec}: DuckDB sees Basin's columns as lists of the same types`, await types(basin) === await types(duck),
      `${await types(basin)} vs ${await types(duck)}`);
    const diff = await rowsDiffer(duck, basin);
    check(`lists ${codec}: DuckDB reads Basin's lists as it wrote them`, diff === 0, `${diff} rows differ`);
    // Row group statistics of the elements: DuckDB's min and max of each INTEGER element chunk.
    const stats = await scalar(`SELECT count(*) FROM (
        SELECT row_group_id, stats_min_value::INTEGER AS lo, stats_max_value::INTEGER AS hi
        FROM parquet_metadata(${lit(basin)}) WHERE path_in_schema = 'li, list, element') m
      JOIN (SELECT (id // 30000) AS g, min(e) AS lo, max(e) AS hi
            FROM (SELECT id, unnest(li) AS e FROM read_parquet(${lit(duck)})) GROUP BY g) x
        ON m.row_group_id = x.g AND m.lo = x.lo AND m.hi = x.hi`);
    check(`lists ${codec}: element statistics are the elements' bounds`, Number(stats) === 2, `${stats} of 2 row groups`);
  }
  const viaSql = path.join(work, 'lists_basin_sql.parquet');
  const duckLists = path.join(work, 'lists_duck_zstd.parquet');
  const r = run(['sql', '-c', `COPY (SELECT * FROM ${lit(duckLists)}) TO ${lit(viaSql)} (FORMAT parquet, ROW_GROUP_SIZE 7000)`], basin);
  check('lists: Basin\'s COPY writes them on its threads', r.ok && !/Error/.test(r.out + r.err), r.out + r.err);
  if (r.ok) {
    const diff = await rowsDiffer(duckLists, viaSql);
    check('lists: DuckDB reads the rows COPY wrote', diff === 0, `${diff} rows differ`);
  }
  console.log(failed ? `${failed} failed` : 'all passed');
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
