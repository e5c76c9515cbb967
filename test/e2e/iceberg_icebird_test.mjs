// Iceberg interop: Basin writes tables (inserts, deletes, updates, a second schema, list columns), and
// icebird, an Iceberg reader no one here wrote, reads them from the folders alone (version-hint.text,
// metadata, Avro manifests, Parquet data and position-delete files). Its rows must equal Basin's.
// Usage: node iceberg_icebird_test.mjs BASIN WORK_DIR BENCH_DIR
import { execFileSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import path from 'node:path'

const [basin, work, bench] = process.argv.slice(2)
const { icebergRead, icebergMetadata, icebergCreate } = await import(pathToFileURL(path.join(bench, 'node_modules/icebird/src/index.js')))

// icebird fetches URLs; Iceberg tables here live at absolute paths. Serve those from disk.
const httpFetch = globalThis.fetch
globalThis.fetch = async (url, init = {}) => {
  const u = String(url)
  if (!u.startsWith('/')) return httpFetch(url, init)
  let size
  try { size = statSync(u).size } catch { return new Response(null, { status: 404, statusText: 'Not Found' }) }
  if (init.method === 'HEAD') return new Response(null, { status: 200, headers: { 'Content-Length': String(size) } })
  return new Response(readFileSync(u), { status: 200, headers: { 'Content-Length': String(size) } })
}

const data = path.join(work, 'data')
function sql(text) {
  const out = execFileSync(basin, ['sql', '--data', data, '--format', 'json', '-c', text], { encoding: 'utf8' })
  return out.trim().split('\n').map(line => JSON.parse(line))
}

let failures = 0
function check(name, ok, detail) {
  console.log(`${ok ? 'ok' : 'FAIL'} ${name}${ok ? '' : ': ' + detail}`)
  if (!ok) failures++
}

// Values as both sides print them: numbers as numbers, lists as Basin prints them ("[a, NULL]"), the rest as
// strings.
function normalize(v) {
  if (v === null || v === undefined) return null
  if (Array.isArray(v)) return `[${v.map(e => (e === null || e === undefined ? 'NULL' : String(normalize(e)))).join(', ')}]`
  if (typeof v === 'bigint') return Number(v)
  if (v instanceof Date) return v.toISOString().slice(0, 10)
  return v
}

async function compare(name, table, columns) {
  const tableUrl = path.join(data, 'lake', 'public', table)
  const expected = sql(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY 1`)[0].rows
  const rows = await icebergRead({ tableUrl })
  const actual = rows.map(r => columns.map(c => normalize(r[c])))
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  check(name, JSON.stringify(actual) === JSON.stringify(expected),
    `icebird ${JSON.stringify(actual).slice(0, 400)} vs basin ${JSON.stringify(expected).slice(0, 400)}`)
}

sql(`CREATE TABLE events (id BIGINT NOT NULL, kind VARCHAR, amount DOUBLE, qty INTEGER);
     INSERT INTO events SELECT x, 'k' || (x % 5), x * 0.5, (x % 7)::INTEGER FROM generate_series(1, 5000) g(x);
     INSERT INTO events VALUES (9001, NULL, NULL, NULL)`)
await compare('appends', 'events', ['id', 'kind', 'amount', 'qty'])

sql(`DELETE FROM events WHERE id % 3 = 0`)
await compare('after position deletes', 'events', ['id', 'kind', 'amount', 'qty'])

sql(`UPDATE events SET kind = 'updated', qty = -1 WHERE id < 100`)
await compare('after updates', 'events', ['id', 'kind', 'amount', 'qty'])

sql(`CREATE TABLE small AS SELECT x AS k, 'v' || x AS v FROM generate_series(1, 10) g(x); DELETE FROM small WHERE k > 5`)
await compare('created as select, then deleted from', 'small', ['k', 'v'])

const metadata = await icebergMetadata({ tableUrl: path.join(data, 'lake', 'public', 'events') })
check('metadata: format version 2', metadata['format-version'] === 2, metadata['format-version'])
check('metadata: four snapshots', metadata.snapshots.length === 4, metadata.snapshots.length)
check('metadata: required id', metadata.schemas[0].fields[0].required === true, JSON.stringify(metadata.schemas[0].fields[0]))

// A partitioned table: each data file holds one partition, manifests carry the partition tuples.
sql(`CREATE TABLE parts (id BIGINT PRIMARY KEY, d DATE, kind VARCHAR, qty INTEGER)
       PARTITIONED BY (month(d), bucket(4, id), kind, truncate(10, qty));
     INSERT INTO parts SELECT x, DATE '2024-01-01' + (x % 90)::INTEGER, CASE WHEN x % 4 > 0 THEN 'k' || (x % 4) END,
       (x % 35)::INTEGER FROM generate_series(1, 2000) g(x)`)
await compare('partitioned', 'parts', ['id', 'd', 'kind', 'qty'])
sql(`DELETE FROM parts WHERE id % 7 = 0; UPDATE parts SET kind = 'moved', d = DATE '2023-12-31' WHERE id < 50`)
await compare('partitioned, after deletes and updates', 'parts', ['id', 'd', 'kind', 'qty'])
const parts = await icebergMetadata({ tableUrl: path.join(data, 'lake', 'public', 'parts') })
const spec = parts['partition-specs'].find(s => s['spec-id'] === parts['default-spec-id'])
check('metadata: partition spec', JSON.stringify(spec.fields.map(f => [f.name, f.transform, f['field-id']])) ===
  JSON.stringify([['d_month', 'month', 1000], ['id_bucket', 'bucket[4]', 1001], ['kind', 'identity', 1002],
    ['qty_trunc', 'truncate[10]', 1003]]), JSON.stringify(spec))
check('metadata: identifier fields', JSON.stringify(parts.schemas[0]['identifier-field-ids']) === '[1]',
  JSON.stringify(parts.schemas[0]))

// Schema changes: files written before them are read by field id, under the new names and columns.
sql(`CREATE TABLE evolve (id BIGINT NOT NULL, a VARCHAR, b INTEGER);
     INSERT INTO evolve SELECT x, 'a' || x, x * 2 FROM generate_series(1, 20) g(x);
     ALTER TABLE evolve ADD COLUMN c DOUBLE;
     INSERT INTO evolve VALUES (21, 'a21', 42, 2.5);
     ALTER TABLE evolve DROP COLUMN b;
     ALTER TABLE evolve RENAME COLUMN a TO renamed;
     DELETE FROM evolve WHERE id % 4 = 0`)
await compare('after ADD, DROP and RENAME COLUMN', 'evolve', ['id', 'renamed', 'c'])

// List columns: Iceberg list types whose elements have field ids of their own, as Parquet 3-level lists
// (NULL lists, empty lists, NULL elements), after deletes, updates and an added list column.
sql(`CREATE TABLE listy (id BIGINT NOT NULL, tags VARCHAR[], nums INTEGER[]);
     INSERT INTO listy SELECT x, CASE WHEN x % 10 = 0 THEN NULL WHEN x % 10 = 1 THEN '{}' ELSE ARRAY['t' || (x % 7), NULL] END,
       ARRAY[x::INTEGER, NULL, (x * 2)::INTEGER] FROM generate_series(1, 3000) g(x);
     DELETE FROM listy WHERE id % 3 = 0;
     UPDATE listy SET tags = ARRAY['updated'] WHERE id < 50;
     ALTER TABLE listy ADD COLUMN later BIGINT[];
     INSERT INTO listy VALUES (5001, NULL, '{}', ARRAY[1, NULL])`)
await compare('list columns, after deletes, updates and ADD COLUMN', 'listy', ['id', 'tags', 'nums', 'later'])
const listy = await icebergMetadata({ tableUrl: path.join(data, 'lake', 'public', 'listy') })
const listFields = listy.schemas.find(s => s['schema-id'] === listy['current-schema-id']).fields
check('metadata: list types with element ids after the column ids',
  JSON.stringify(listFields.map(f => [f.id, f.type.type ?? f.type, f.type['element-id'], f.type.element])) ===
    JSON.stringify([[1, 'long', null, null], [2, 'list', 4, 'string'], [3, 'list', 5, 'int'], [6, 'list', 7, 'long']]
      .map(([id, t, e, el]) => [id, t, e ?? undefined, el ?? undefined])) && listy['last-column-id'] === 7,
  JSON.stringify(listFields) + ` last-column-id ${listy['last-column-id']}`)

// A table created by icebird (its metadata file, not Basin's) is registered, written by Basin, read by both.
import { mkdirSync, writeFileSync, appendFileSync } from 'node:fs'
const foreign = path.join(work, 'foreign_table')
await icebergCreate({
  tableUrl: foreign,
  schema: { type: 'struct', 'schema-id': 0, fields: [
    { id: 1, name: 'k', required: true, type: 'long' },
    { id: 2, name: 'label', required: false, type: 'string' },
  ] },
  writerFactory: (file) => {
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, '')
    return { appendBytes: (bytes) => appendFileSync(file, bytes), finish: () => {} }
  },
})
sql(`CALL system.register_table(table => 'registered', metadata_file => '${foreign}');
     INSERT INTO registered VALUES (1, 'one'), (2, 'two'), (3, NULL);
     DELETE FROM registered WHERE k = 2`)
const expected = sql(`SELECT k, label FROM registered ORDER BY k`)[0].rows
check('registered icebird table: Basin writes and reads', JSON.stringify(expected) === JSON.stringify([[1, 'one'], [3, null]]),
  JSON.stringify(expected))
const foreignRows = (await icebergRead({ tableUrl: foreign })).map(r => [normalize(r.k), normalize(r.label)])
  .sort((a, b) => a[0] - b[0])
check('registered icebird table: icebird reads Basin\'s commits', JSON.stringify(foreignRows) === JSON.stringify(expected),
  JSON.stringify(foreignRows))
const scanned = sql(`SELECT count(*) FROM iceberg_scan('${foreign}')`)[0].rows
check('iceberg_scan by path', JSON.stringify(scanned) === '[[2]]', JSON.stringify(scanned))

// Manifest merging: past commit.manifest.min-count-to-merge manifests, older ones are rewritten as EXISTING
// entries (with their sequence numbers), which readers must still resolve.
sql(`CREATE TABLE merged (id INTEGER, v VARCHAR);
     ALTER TABLE merged SET ('commit.manifest.min-count-to-merge' = '3');
     INSERT INTO merged VALUES (1, 'a'); INSERT INTO merged VALUES (2, 'b'); INSERT INTO merged VALUES (3, 'c');
     DELETE FROM merged WHERE id = 2; INSERT INTO merged VALUES (4, 'd'); INSERT INTO merged VALUES (5, 'e');
     DELETE FROM merged WHERE id = 4`)
await compare('after manifest merges', 'merged', ['id', 'v'])
const mergedCount = sql(`SELECT count(*) FROM "merged$manifests"`)[0].rows[0][0]
check('manifests merged', mergedCount <= 4, `${mergedCount} manifests`)

// DuckDB reads the Parquet data files of Basin's Iceberg tables (the rows of an append-only table).
import { readdirSync } from 'node:fs'
sql(`CREATE TABLE typed (i INTEGER, b BIGINT, d DECIMAL(12,2), s VARCHAR, dt DATE, ts TIMESTAMP, f DOUBLE, ok BOOLEAN);
     INSERT INTO typed SELECT x, x::BIGINT * 1000000000, x * 1.25, 's' || x, DATE '2024-01-01' + x, TIMESTAMP '2024-01-01 00:00:00' + x * INTERVAL '1 hour',
       x / 3.0, x % 2 = 0 FROM generate_series(1, 3000) g(x);
     INSERT INTO typed VALUES (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`)
const dataDir = path.join(data, 'lake', 'public', 'typed', 'data')
const files = readdirSync(dataDir).filter(f => f.endsWith('.parquet')).map(f => `'${path.join(dataDir, f)}'`)
const { DuckDBInstance } = await import(pathToFileURL(path.join(bench, 'node_modules/@duckdb/node-api/lib/index.js')))
const duck = await (await DuckDBInstance.create(':memory:')).connect()
const aggregate = `count(*), count(i), sum(i), sum(b), sum(d), max(s), max(dt)::VARCHAR, max(ts)::VARCHAR, round(sum(f), 6), count(*) FILTER (WHERE ok)`
const duckRows = (await duck.runAndReadAll(`SELECT ${aggregate} FROM read_parquet([${files.join(', ')}])`)).getRowsJson()
const basinRows = sql(`SELECT ${aggregate} FROM typed`)[0].rows
const numeric = v => (/^-?\d+(\.\d+)?$/.test(String(v)) ? Number(v) : String(v))
const same = JSON.stringify(duckRows[0].map(numeric)) === JSON.stringify(basinRows[0].map(numeric))
check('DuckDB reads the data files of an Iceberg table', same, `duckdb ${JSON.stringify(duckRows)} vs basin ${JSON.stringify(basinRows)}`)

process.exit(failures ? 1 : 0)
