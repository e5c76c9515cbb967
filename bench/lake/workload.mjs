// The lake benchmark's SQL, the same text for Basin and DuckDB except where a line says otherwise. The
// lineitem schema and its CSV load come from bench/tpch, so both benchmarks load the table the same way.
import { loadStatements, schemaStatements } from '../tpch/sql.mjs';

/** Return the CREATE TABLE lineitem statement of bench/tpch/schema.sql. */
export function createLineitem() {
  return schemaStatements().find((sql) => /^CREATE TABLE lineitem\b/i.test(sql));
}

/** Return bench/tpch/load.sql.in's COPY of lineitem.tbl from dataDir. */
export function loadLineitem(dataDir) {
  return loadStatements(dataDir).find(({ table }) => table === 'lineitem').sql;
}

/**
 * Return the COPY writing lineitem to a Parquet file with each engine's default codec made explicit
 * where it differs: Basin writes zstd by default, DuckDB snappy, so DuckDB is told COMPRESSION zstd.
 */
export function writeParquet(engine, file) {
  const options = engine === 'duckdb' ? 'FORMAT parquet, COMPRESSION zstd' : 'FORMAT parquet';
  return `COPY lineitem TO '${file}' (${options})`;
}

/**
 * The scans of a Parquet file. `wide` reads every value of all 16 columns: the sums need every number, and
 * neither engine answers max() from Parquet statistics today, so no column chunk is skipped. `narrow` reads 2.
 */
export const kScans = {
  wide: {
    columns: 16,
    select: 'count(*), sum(l_orderkey), sum(l_partkey), sum(l_suppkey), sum(l_linenumber), sum(l_quantity), ' +
      'sum(l_extendedprice), sum(l_discount), sum(l_tax), max(l_returnflag), max(l_linestatus), ' +
      'max(l_shipdate), max(l_commitdate), max(l_receiptdate), max(l_shipinstruct), max(l_shipmode), ' +
      'max(l_comment), sum(length(l_comment))',
  },
  narrow: { columns: 2, select: 'count(*), sum(l_extendedprice), max(l_shipdate)' },
  // A filter on two low-cardinality text columns (dictionary-encoded in both engines' files), as TPC-H Q12
  // and Q19 have: about a fifth of the rows pass.
  filtered: {
    columns: 3,
    label: 'filter 3 cols',
    select: 'count(*), sum(l_quantity)',
    where: "l_shipmode IN ('MAIL', 'SHIP') AND l_shipinstruct <> 'DELIVER IN PERSON'",
  },
};

/** Return the SELECT running scan `name` over a Parquet file. */
export function scanParquet(name, file) {
  const { select, where } = kScans[name];
  return `SELECT ${select} FROM read_parquet('${file}')${where ? ` WHERE ${where}` : ''}`;
}
