// The SQL editor: write, run (Ctrl+Enter) and cancel, see the rows, keep the query (history, saved queries), take
// the result to the chart builder or download it as CSV.

import { ApiError, QUERY_CANCELED, cancelQuery, downloadCsv, isRows, newQueryId, queries, runSql, type RowsResult, type SavedQuery } from "../api";
import { createEditor } from "../components/editor";
import { createGrid } from "../components/grid";
import { askName } from "../components/modal";
import { button, count, h, replace } from "../dom";
import { addHistory, clearHistory, draft, loadHistory, type HistoryEntry } from "../history";
import { navigate, type Page } from "../router";
import { setChartDraft } from "./charts";

/// The most rows the grid receives; the whole result is one CSV download away.
const GRID_LIMIT = 100_000;

export const sqlPage: Page = (root, _params, query) => {
  let saved: SavedQuery | null = null;
  let lastRows: { sql: string; result: RowsResult } | null = null;
  /// The statement running now: its query_id, and the way to stop waiting for it.
  let running: { queryId: string; controller: AbortController } | null = null;

  const title = h("h1", null, "SQL");
  const runButton = button("Run", () => void run(), { class: "primary", title: "Run the statement at the cursor (Ctrl+Enter)" });
  const cancelButton = button("Cancel", () => void cancel(), {
    disabled: true,
    dataset: { action: "cancel" },
    title: "Stop the running statement on the server",
  });
  const status = h("span", { class: "status", dataset: { role: "sql-status" } });
  const saveButton = button("Save", () => void save(), { title: "Save as a named query" });
  const chartButton = button("Chart", () => {
    if (!lastRows) return;
    setChartDraft({ sql: lastRows.sql, type: "bar" });
    navigate("/charts/new");
  }, { disabled: true, title: "Build a chart from this result" });
  const csvButton = button("Download CSV", () => lastRows && downloadCsv(lastRows.sql), {
    disabled: true,
    title: "Download the whole result as CSV",
  });
  const historyToggle = button("History", () => historyPane.classList.toggle("hidden"), { title: "Show or hide the query history" });
  const editorPane = h("div", { class: "editor-pane" });
  const historyList = h("ul", { class: "history-list" });
  const historyPane = h(
    "aside",
    { class: "history-pane" },
    h("div", { class: "pane-title" }, "History", button("Clear", () => (clearHistory(), drawHistory([])), { class: "link" })),
    historyList,
  );
  const results = h("section", { class: "results" }, h("div", { class: "placeholder" }, "Run a query to see its rows here (Ctrl+Enter)."));

  root.append(
    h(
      "div",
      { class: "page sql-page" },
      h("header", { class: "toolbar" }, title, runButton, cancelButton, status, h("div", { class: "grow" }), saveButton, chartButton, csvButton, historyToggle),
      h("div", { class: "sql-main" }, editorPane, historyPane),
      results,
    ),
  );

  const editor = createEditor(editorPane, draft.get() ?? "SELECT 42 AS answer", () => void run(), (text) => draft.set(text));
  editor.focus();

  const drawHistory = (entries: HistoryEntry[]) => {
    replace(
      historyList,
      ...entries.map((e) =>
        h(
          "li",
          { class: e.ok ? "" : "failed", title: "Click to put it in the editor", onclick: () => (editor.setText(e.sql), editor.focus()) },
          h("code", null, e.sql.length > 300 ? e.sql.slice(0, 300) + "…" : e.sql),
          h("span", { class: "meta" }, new Date(e.at).toLocaleString(), e.ok && e.rows !== undefined ? ` · ${count(e.rows, "row")}` : e.ok ? "" : " · failed"),
        ),
      ),
    );
    if (entries.length === 0) historyList.append(h("li", { class: "empty" }, "Queries you run appear here."));
  };
  drawHistory(loadHistory());

  const showSaved = (q: SavedQuery | null) => {
    saved = q;
    title.textContent = q ? q.name : "SQL";
    saveButton.textContent = q ? "Save changes" : "Save";
  };

  const queryId = Number(query.get("query"));
  if (queryId > 0) {
    queries
      .get(queryId)
      .then((q) => {
        showSaved(q);
        editor.setText(q.sql);
      })
      .catch((e) => replace(results, h("div", { class: "notice error" }, `Cannot open query ${queryId}: ${(e as Error).message}`)));
  }

  async function run() {
    const sql = editor.statementAtCursor();
    if (!sql || running) return;
    const current = { queryId: newQueryId(), controller: new AbortController() };
    running = current;
    runButton.disabled = true;
    cancelButton.disabled = false;
    status.textContent = "Running…";
    const started = performance.now();
    try {
      const result = await runSql(sql, { limit: GRID_LIMIT, queryId: current.queryId, signal: current.controller.signal });
      const ms = Math.round(performance.now() - started);
      if (isRows(result)) {
        lastRows = { sql, result };
        status.textContent = `${count(result.rows.length, "row")}${result.truncated ? ` (the first ${GRID_LIMIT.toLocaleString("en-US")}; download CSV for all)` : ""} · ${ms} ms`;
        replace(results, result.columns.length ? createGrid(result.columns, result.rows) : h("div", { class: "placeholder" }, "No columns."));
        drawHistory(addHistory({ sql, at: Date.now(), ok: true, rows: result.rows.length, ms }));
      } else {
        lastRows = null;
        status.textContent = `OK · ${ms} ms`;
        replace(results, h("div", { class: "notice info" }, `OK: ${count(result.rows_affected, "row")} affected.`));
        drawHistory(addHistory({ sql, at: Date.now(), ok: true, ms }));
        editor.refreshSchema();  // DDL may have made or dropped tables
      }
    } catch (e) {
      if (e instanceof DOMException && e.name === "AbortError") return;  // the page was left
      lastRows = null;
      const error = e as ApiError;
      if (error.code === QUERY_CANCELED) {
        status.textContent = "Cancelled";
        replace(results, h("div", { class: "notice info" }, `Cancelled after ${Math.round(performance.now() - started)} ms.`));
      } else {
        status.textContent = "Failed";
        replace(results, h("div", { class: "notice error" }, h("strong", null, `Error ${error.code ?? ""}: `), error.message));
      }
      drawHistory(addHistory({ sql, at: Date.now(), ok: false }));
    } finally {
      if (running === current) {
        running = null;
        runButton.disabled = false;
        cancelButton.disabled = true;
        chartButton.disabled = csvButton.disabled = lastRows === null;
      }
    }
  }

  /// Stop the running statement on the server; its request then fails with SQLSTATE 57014.
  async function cancel() {
    const current = running;
    if (!current) return;
    cancelButton.disabled = true;
    status.textContent = "Cancelling…";
    try {
      // A statement sent a moment ago may not run under its id yet: ask again while it is awaited.
      for (let attempt = 0; running === current && !(await cancelQuery(current.queryId)); attempt++) {
        if (attempt === 20) throw new Error("the server does not know the statement");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } catch (e) {
      if (running === current) status.textContent = `Cannot cancel: ${(e as Error).message}`;
    }
  }

  async function save() {
    const sql = editor.text().trim();
    if (!sql) return;
    if (saved) {
      try {
        showSaved(await queries.update(saved.id, saved.name, { sql }));
        status.textContent = "Saved";
      } catch (e) {
        status.textContent = `Not saved: ${(e as Error).message}`;
      }
      return;
    }
    const created = await askName("Save query", "", (name) => queries.create(name, { sql }));
    if (created) {
      showSaved(created);
      status.textContent = "Saved";
      history.replaceState(null, "", `#/sql?query=${created.id}`);
    }
  }

  // Leaving the page stops the statement too: nobody is waiting for its rows.
  return () => {
    if (!running) return;
    void cancelQuery(running.queryId).catch(() => {});
    running.controller.abort();
  };
};
