// node-postgres (npm `pg`, a PostgreSQL client in JavaScript that shares no code with libpq) against
// `basin server`: parameterized queries through the extended protocol, named prepared statements, types
// parsed from PostgreSQL's text formats (int8 and numeric as strings, timestamps as Dates, arrays), errors
// with their SQLSTATE and position, a pool of concurrent sessions, and SCRAM-SHA-256 when given a password.
// Usage: node pg_node_test.mjs PORT BENCH_DIR [USER PASSWORD]
import { createRequire } from 'node:module'
import path from 'node:path'

const [port, bench, user, password] = process.argv.slice(2)
const require = createRequire(path.join(bench, 'package.json'))
const pg = require('pg')

const config = { host: '127.0.0.1', port: Number(port), database: 'basin', user: user || 'basin', password }

function check (ok, message) {
  if (!ok) throw new Error(message)
}
function same (a, b, message) {
  check(JSON.stringify(a) === JSON.stringify(b), `${message}: got ${JSON.stringify(a)}, want ${JSON.stringify(b)}`)
}

const client = new pg.Client(config)
await client.connect()

const who = await client.query('SELECT current_user AS name, version() AS v')
same(who.rows[0].name, config.user, 'current_user')
check(who.rows[0].v.startsWith('PostgreSQL 16.0 (Basin)'), 'version()')

await client.query('DROP TABLE IF EXISTS js_orders')
await client.query(`CREATE TABLE js_orders (id INTEGER NOT NULL, customer VARCHAR, amount DECIMAL(10,2),
                    big BIGINT, paid BOOLEAN, at TIMESTAMP, tags VARCHAR[])`)
const insert = 'INSERT INTO js_orders VALUES ($1, $2, $3, $4, $5, $6, $7)'
const inserted = await client.query(insert, [1, 'ann', '12.50', '9007199254740993', true, new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), ['a', 'b c']])
same(inserted.rowCount, 1, 'rows inserted')
same(inserted.command, 'INSERT', 'command')
await client.query(insert, [2, "o'brien", 7, 3, false, '2024-02-03 04:05:06', null])
await client.query(insert, [3, null, null, null, null, null, []])

// Parameters typed by their context: an integer column, a text column, a LIKE pattern.
const byId = await client.query('SELECT id, customer, amount, big, paid, at, tags FROM js_orders WHERE id = $1', [1])
same(byId.rows.length, 1, 'rows by id')
const row = byId.rows[0]
same(row.id, 1, 'int4 is a number')
same(row.customer, 'ann', 'varchar')
same(row.amount, '12.50', 'numeric is a string')
same(row.big, '9007199254740993', 'int8 is a string, exactly')
same(row.paid, true, 'boolean')
check(row.at instanceof Date && row.at.getTime() === new Date(2024, 0, 2, 3, 4, 5).getTime(), `timestamp: ${row.at}`)
same(row.tags, ['a', 'b c'], 'varchar[] is an array')
same(byId.fields.map(f => f.dataTypeID), [23, 25, 1700, 20, 16, 1114, 1009], 'column type OIDs')

const quoted = await client.query('SELECT id FROM js_orders WHERE customer = $1', ["o'brien"])
same(quoted.rows, [{ id: 2 }], 'a quote in a parameter is data')
const like = await client.query('SELECT count(*)::int AS n FROM js_orders WHERE customer LIKE $1 OR amount > $2', ['a%', 5])
same(like.rows[0].n, 2, 'LIKE and > with parameters')
const nulls = await client.query('SELECT id FROM js_orders WHERE customer IS NOT DISTINCT FROM $1', [null])
same(nulls.rows, [{ id: 3 }], 'a NULL parameter')
const empty = await client.query('SELECT tags FROM js_orders WHERE id = $1', [3])
same(empty.rows[0].tags, [], 'an empty array')

// Named prepared statements, parsed once and run again.
for (const id of [1, 2]) {
  const r = await client.query({ name: 'customer-by-id', text: 'SELECT customer FROM js_orders WHERE id = $1', values: [id] })
  same(r.rows.length, 1, `named statement, id ${id}`)
}
const arrays = await client.query({ text: 'SELECT id, paid FROM js_orders WHERE id < $1 ORDER BY id', values: [3], rowMode: 'array' })
same(arrays.rows, [[1, true], [2, false]], 'rowMode array')

// An UPDATE and a DELETE report their counts.
same((await client.query('UPDATE js_orders SET paid = $1 WHERE id <> $2', [true, 3])).rowCount, 2, 'rows updated')
same((await client.query('DELETE FROM js_orders WHERE id = $1', [3])).rowCount, 1, 'rows deleted')

// Errors carry PostgreSQL's fields; the session goes on.
try {
  await client.query('SELECT nope FROM js_orders WHERE id = $1', [1])
  check(false, 'an unknown column must fail')
} catch (e) {
  same(e.code, '42703', 'SQLSTATE')
  same(e.position, '8', 'position')
  check(e.message.includes('column "nope" does not exist'), `message: ${e.message}`)
}
try {
  await client.query('SELECT id FROM js_orders WHERE id = $1', ['one'])
  check(false, 'a bad integer must fail')
} catch (e) {
  same(e.code, '22P02', 'invalid_text_representation')
}
same((await client.query('SELECT count(*)::int AS n FROM js_orders')).rows[0].n, 2, 'the session goes on')

// A pool: sessions side by side.
const pool = new pg.Pool({ ...config, max: 4 })
const sums = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(i => pool.query('SELECT $1::int * 2 AS twice', [i])))
same(sums.map(r => r.rows[0].twice), [2, 4, 6, 8, 10, 12, 14, 16], 'concurrent queries in a pool')
await pool.end()

await client.query('DROP TABLE js_orders')
await client.end()
console.log(`node pg (${config.user}): ok`)
