// The SQL editor's query history, kept in this browser's localStorage (newest first, without repeats).

const KEY = "basin.history";
const MAX = 100;

export interface HistoryEntry {
  sql: string;
  at: number;  // ms since the epoch
  ok: boolean;
  rows?: number;
  ms?: number;
}

export function loadHistory(): HistoryEntry[] {
  try {
    const entries = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    return Array.isArray(entries) ? entries : [];
  } catch {
    return [];
  }
}

export function addHistory(entry: HistoryEntry): HistoryEntry[] {
  const entries = [entry, ...loadHistory().filter((e) => e.sql !== entry.sql)].slice(0, MAX);
  localStorage.setItem(KEY, JSON.stringify(entries));
  return entries;
}

export function clearHistory(): void {
  localStorage.removeItem(KEY);
}

/// The editor's text between visits.
export const draft = {
  get: (): string | null => localStorage.getItem("basin.draft"),
  set: (sql: string) => localStorage.setItem("basin.draft", sql),
};
