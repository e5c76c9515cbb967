// The REST API of `basin server` (GET /api/openapi.json describes it), typed for the UI.

export interface Column {
  name: string;
  type: string;
}
export type Value = string | number | boolean | null;
export interface RowsResult {
  columns: Column[];
  rows: Value[][];
  truncated?: boolean;
}
export interface CountResult {
  ok: true;
  rows_affected: number;
}
export interface ApiErrorBody {
  error: { code: string; message: string };
}
export type SqlResult = RowsResult | CountResult;

/// An error the server answered with (its SQLSTATE and message), or a network failure (code "network").
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, "network", `cannot reach the server: ${(e as Error).message}`);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(response.status, String(response.status), text.slice(0, 300) || response.statusText);
  }
  if (!response.ok) {
    const error = (json as ApiErrorBody).error ?? { code: String(response.status), message: response.statusText };
    throw new ApiError(response.status, error.code, error.message);
  }
  return json as T;
}

export function isRows(result: SqlResult): result is RowsResult {
  return (result as RowsResult).columns !== undefined;
}

export interface RunOptions {
  /// At most this many rows come back (`truncated` then says so).
  limit?: number;
  /// A name for the statement while it runs, so that cancelQuery(queryId) can stop it.
  queryId?: string;
  signal?: AbortSignal;
}

/// Run one statement.
export function runSql(sql: string, options: RunOptions = {}): Promise<SqlResult> {
  return request<SqlResult>("POST", "/api/v1/sql", { sql, limit: options.limit, query_id: options.queryId }, options.signal);
}

/// Ask the server to stop the statement running under `queryId`; false when none runs (it had ended).
export async function cancelQuery(queryId: string): Promise<boolean> {
  try {
    await request<unknown>("DELETE", `/api/v1/queries/running/${encodeURIComponent(queryId)}`);
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return false;
    throw e;
  }
}

/// The SQLSTATE of a statement that was cancelled.
export const QUERY_CANCELED = "57014";

/// A fresh query_id.
export function newQueryId(): string {
  return `ui-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/// Download `sql`'s result as a CSV file: the server streams it (format csv) straight to the browser's
/// download, so it never sits whole in the page.
export function downloadCsv(sql: string): void {
  const form = document.createElement("form");
  form.method = "POST";
  form.action = "/api/v1/sql";
  form.style.display = "none";
  for (const [name, value] of Object.entries({ sql, format: "csv" })) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
  form.remove();
}

// ---- Catalog ----

export interface ColumnInfo {
  name: string;
  type: string;
  nullable: boolean;
  comment: string;
}
export interface TopicSummary {
  name: string;
  partition_count: number;
  messages: number;
  size_bytes: number;
  columns: ColumnInfo[];
}
export interface SinkRow {
  name: string;
  topic: string;
  table: string;
  lag: number | null;
  landed_records: number;
  last_commit: string | null;
  error: string | null;
}
export interface Catalog {
  schemas: {
    name: string;
    tables: { name: string; comment: string; columns: ColumnInfo[] }[];
    views: { name: string }[];
  }[];
  topics: TopicSummary[];
  sinks: SinkRow[] | ApiErrorBody;
}
export type ResultOrError = RowsResult | ApiErrorBody;
export interface TableDetails {
  schema: string;
  name: string;
  kind: "table" | "view";
  comment: string;
  columns: ColumnInfo[];
  row_count: number | null;
  size_bytes: number | null;
  snapshots: ResultOrError | null;
  sample: ResultOrError;
}
export interface TopicDetails extends TopicSummary {
  partitions: { partition: number; log_start_offset: number; high_watermark: number; size_bytes: number }[];
  configs: Record<string, string>;
  schema: string;
  key: string;
  timestamp: string;
  sample: ResultOrError;
}

const path = (...parts: string[]) => parts.map(encodeURIComponent).join("/");

export const getCatalog = () => request<Catalog>("GET", "/api/v1/catalog");
export const getTable = (schema: string, table: string) =>
  request<TableDetails>("GET", `/api/v1/tables/${path(schema, table)}`);
export const getTopic = (topic: string, sample?: number) =>
  request<TopicDetails>("GET", `/api/v1/topics/${path(topic)}${sample === undefined ? "" : `?sample=${sample}`}`);

// ---- Saved objects ----

interface Saved {
  id: number;
  name: string;
  created_at: string;
  updated_at: string;
}
export interface SavedQuery extends Saved {
  sql: string;
}
export type ChartType = "line" | "bar" | "area" | "pie" | "scatter" | "number" | "table";
export interface ChartSpec {
  sql: string;
  type: ChartType;
  x?: string;
  y?: string[];
  series?: string;
}
export interface SavedChart extends Saved, ChartSpec {}
export interface DashboardItem {
  chart_id: number;
  w: number;
  h: number;
}
/// One shared filter of a dashboard: a name and its value.
export interface DashboardFilter {
  name: string;
  value: string;
  /// A query whose first column lists the values to offer (Grafana's query variable).
  values_sql?: string;
}
export interface DashboardSpec {
  charts: DashboardItem[];
  refresh_seconds?: number;
  /// Shared filters (components/filters.ts says how they apply).
  filters?: DashboardFilter[];
  /// The one filter of earlier versions, {{filter}}: read, no longer written.
  filter?: string;
}
export interface SavedDashboard extends Saved, DashboardSpec {}

/// Create, list, read, replace and delete one kind of saved object.
function collection<T extends Saved, Spec>(base: string, list: string) {
  return {
    list: async () => (await request<Record<string, T[]>>("GET", base))[list],
    get: (id: number) => request<T>("GET", `${base}/${id}`),
    create: (name: string, spec: Spec) => request<T>("POST", base, { ...spec, name }),
    update: (id: number, name: string, spec: Spec) => request<T>("PUT", `${base}/${id}`, { ...spec, name }),
    remove: (id: number) => request<void>("DELETE", `${base}/${id}`),
  };
}

export const queries = collection<SavedQuery, { sql: string }>("/api/v1/queries", "queries");
export const charts = collection<SavedChart, ChartSpec>("/api/v1/charts", "charts");
export const dashboards = collection<SavedDashboard, DashboardSpec>("/api/v1/dashboards", "dashboards");
