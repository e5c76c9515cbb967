// A dashboard's shared filters, each a name and a value, applied to every chart on the dashboard in one of
// two ways (as Grafana's variables and Superset's filter bar do):
//  - a variable: where a chart's SQL holds {{name}}, the value goes there as a SQL string literal
//    (`WHERE country = {{country}}`, `WHERE url LIKE '%' || {{q}} || '%'`);
//  - a column filter: a chart whose SQL does not hold {{name}} but whose result has a column `name` shows
//    only the rows whose `name` equals the value (compared as text). An empty value filters nothing.

import type { DashboardFilter } from "../api";

/// What a filter may be called: an SQL identifier, so that it can name a column.
export const FILTER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/// The variables `sql` uses ({{name}}).
export function variablesIn(sql: string): Set<string> {
  return new Set([...sql.matchAll(VARIABLE)].map((m) => m[1]));
}

const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
const identifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

/// `sql` with each {{name}} replaced by its filter's value as a string literal. Throws when `sql` uses a
/// variable no filter defines.
export function substitute(sql: string, filters: DashboardFilter[]): string {
  const missing = [...variablesIn(sql)].filter((name) => !filters.some((f) => f.name === name));
  if (missing.length) {
    throw new Error(`The chart's SQL uses ${missing.map((n) => `{{${n}}}`).join(", ")}: add a filter of that name.`);
  }
  return sql.replace(VARIABLE, (_, name: string) => literal(filters.find((f) => f.name === name)!.value));
}

/// The filters that would filter `sql`'s result by a column: set, and not used as variables in it.
export function columnFilters(sql: string, filters: DashboardFilter[]): DashboardFilter[] {
  const used = variablesIn(sql);
  return filters.filter((f) => f.value !== "" && !used.has(f.name));
}

/// The SQL a chart runs on the dashboard: `sql` with its variables substituted and, when its result has
/// (`columns`) a column a column filter names, wrapped to keep only the rows that match. `applied` names
/// the filters that filter it by a column.
export function filteredSql(sql: string, filters: DashboardFilter[], columns: string[]): { sql: string; applied: string[] } {
  const base = substitute(sql, filters).trim().replace(/;\s*$/, "");
  const applied: { column: string; value: string }[] = [];
  for (const f of columnFilters(sql, filters)) {
    const column = columns.find((c) => c.toLowerCase() === f.name.toLowerCase());
    if (column !== undefined) applied.push({ column, value: f.value });
  }
  if (applied.length === 0) return { sql: base, applied: [] };
  const where = applied.map((a) => `CAST(${identifier(a.column)} AS VARCHAR) = ${literal(a.value)}`).join(" AND ");
  return { sql: `SELECT * FROM (\n${base}\n) AS filtered WHERE ${where}`, applied: applied.map((a) => a.column) };
}

/// The filters a dashboard saved: `filters`, or the single `filter` ({{filter}}) of earlier versions.
export function savedFilters(dashboard: { filters?: DashboardFilter[]; filter?: string }): DashboardFilter[] {
  if (Array.isArray(dashboard.filters)) {
    return dashboard.filters.filter((f) => typeof f?.name === "string" && FILTER_NAME.test(f.name))
      .map((f) => ({
        name: f.name,
        value: typeof f.value === "string" ? f.value : "",
        ...(typeof f.values_sql === "string" && f.values_sql.trim() ? { values_sql: f.values_sql } : {}),
      }));
  }
  return dashboard.filter !== undefined ? [{ name: "filter", value: dashboard.filter }] : [];
}

/// `filters` with the values the page's address gives (`#/dashboards/3?var-country=DE`, as Grafana links).
export function withUrlValues(filters: DashboardFilter[], query: URLSearchParams): DashboardFilter[] {
  const result = filters.map((f) => ({ ...f, value: query.get(`var-${f.name}`) ?? f.value }));
  for (const [key, value] of query) {
    const name = key.startsWith("var-") ? key.slice(4) : "";
    if (FILTER_NAME.test(name) && !result.some((f) => f.name === name)) result.push({ name, value });
  }
  return result;
}
