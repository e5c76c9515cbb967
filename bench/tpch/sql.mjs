// The benchmark's SQL: schema, load statements and queries, shared by the Basin and DuckDB paths.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const kTpchDir = dirname(fileURLToPath(import.meta.url));
export const kTables = ['region', 'nation', 'supplier', 'part', 'partsupp', 'customer', 'orders', 'lineitem'];

/** Split a script into statements at semicolons outside quotes, dropping '--' comments. */
export function splitStatements(text) {
  const statements = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
      current += '\n';
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      current += text.slice(i, end + 1);
      i = end;
    } else if (c === ';') {
      if (current.trim()) statements.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}

/** Return the CREATE TABLE statements. */
export function schemaStatements() {
  return splitStatements(readFileSync(join(kTpchDir, 'schema.sql'), 'utf8'));
}

/** Return [{table, sql}] loading each table from dataDir, in kTables order. */
export function loadStatements(dataDir) {
  const text = readFileSync(join(kTpchDir, 'load.sql.in'), 'utf8').replaceAll('@DIR@', dataDir);
  return splitStatements(text).map((sql) => ({ table: sql.match(/^COPY\s+(\w+)/i)[1], sql }));
}

/** Return [{name: 'q01', sql}] for the query numbers asked for. */
export function queryStatements(numbers) {
  return numbers.map((n) => {
    const name = `q${String(n).padStart(2, '0')}`;
    const [sql] = splitStatements(readFileSync(join(kTpchDir, 'queries', `${name}.sql`), 'utf8'));
    return { name, sql };
  });
}

/** Return the median of a list of numbers, or null for an empty list. */
export function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
