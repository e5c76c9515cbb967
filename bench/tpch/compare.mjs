// Compares two engines' answers to a TPC-H query.
//
// Rows are compared in order where the query's ORDER BY determines it fully. Elsewhere the ORDER BY columns
// must match row by row and the rows as a whole are compared after sorting both sides.

/** Output columns of each query's ORDER BY, and whether they order every row. */
const kOrder = {
  q01: { keys: [0, 1], total: true },
  q02: { keys: [0, 2, 1, 3], total: true },
  q03: { keys: [1, 2], total: false },
  q04: { keys: [0], total: true },
  q05: { keys: [1], total: false },
  q06: { keys: [], total: true },
  q07: { keys: [0, 1, 2], total: true },
  q08: { keys: [0], total: true },
  q09: { keys: [0, 1], total: true },
  q10: { keys: [2], total: false },
  q11: { keys: [1], total: false },
  q12: { keys: [0], total: true },
  q13: { keys: [1, 0], total: true },
  q14: { keys: [], total: true },
  q15: { keys: [0], total: true },
  q16: { keys: [3, 0, 1, 2], total: true },
  q17: { keys: [], total: true },
  q18: { keys: [4, 3], total: false },
  q19: { keys: [], total: true },
  q20: { keys: [0], total: true },
  q21: { keys: [1, 0], total: true },
  q22: { keys: [0], total: true },
};

const kNumber = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Return a value as a number where it is one (JSON number or numeric text), else as text; null stays. */
function normalize(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const text = String(value);
  return kNumber.test(text.trim()) ? Number(text) : text;
}

/** Return whether two values agree: numbers within 1e-6 relative (or the column's absolute tolerance). */
function valuesEqual(a, b, absTolerance) {
  a = normalize(a);
  b = normalize(b);
  if (typeof a === 'number' && typeof b === 'number') {
    const diff = Math.abs(a - b);
    return diff <= absTolerance || diff <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
  }
  return a === b;
}

function compareValues(a, b) {
  a = normalize(a);
  b = normalize(b);
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a !== typeof b) return typeof a < typeof b ? -1 : 1;
  return a < b ? -1 : 1;
}

function compareRows(x, y) {
  for (let i = 0; i < x.length; i++) {
    const c = compareValues(x[i], y[i]);
    if (c !== 0) return c;
  }
  return 0;
}

/** Money columns (DECIMAL of scale 2 or less in the reference) may differ by a cent; others by 1e-9. */
function absoluteTolerances(referenceColumns) {
  return referenceColumns.map(({ type }) => {
    const scale = /^DECIMAL\(\d+,(\d+)\)$/.exec(type ?? '');
    return scale && Number(scale[1]) <= 2 ? 0.01 : 1e-9;
  });
}

function show(row) {
  return JSON.stringify(row);
}

/**
 * Return null when `actual` answers query `name` as `expected` does, else a description of the first
 * difference. Both are {columns: [{name, type}], rows: [[...]]}; `expected` supplies the column types.
 */
export function compareAnswers(name, actual, expected) {
  const { keys, total } = kOrder[name] ?? { keys: [], total: false };
  const tolerances = absoluteTolerances(expected.columns);
  if (actual.rows.length !== expected.rows.length) {
    return `row count ${actual.rows.length} vs ${expected.rows.length}`;
  }
  if ((actual.columns?.length ?? expected.columns.length) !== expected.columns.length) {
    return `column count ${actual.columns?.length} vs ${expected.columns.length}`;
  }
  const rowDiff = (a, b, columns, i, what) => {
    for (const c of columns) {
      if (!valuesEqual(a[c], b[c], tolerances[c])) {
        return `${what} ${i + 1}, column ${expected.columns[c].name}: ${show(a[c])} vs ${show(b[c])}` +
          `\n    basin:  ${show(a)}\n    duckdb: ${show(b)}`;
      }
    }
    return null;
  };
  const allColumns = expected.columns.map((_, i) => i);
  if (!total) {
    for (let i = 0; i < actual.rows.length; i++) {
      const diff = rowDiff(actual.rows[i], expected.rows[i], keys, i, 'row');
      if (diff) return diff;
    }
  }
  const a = total ? actual.rows : [...actual.rows].sort(compareRows);
  const b = total ? expected.rows : [...expected.rows].sort(compareRows);
  for (let i = 0; i < a.length; i++) {
    const diff = rowDiff(a[i], b[i], allColumns, i, total ? 'row' : 'sorted row');
    if (diff) return diff;
  }
  return null;
}
