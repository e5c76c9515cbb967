// Charts: the list of saved charts, and the builder that draws any query's result as a line, bar, area,
// pie or scatter chart, a big number or a table, and saves it.

import { charts, isRows, runSql, type ChartSpec, type RowsResult, type SavedChart } from "../api";
import { CHART_TYPES, completeSpec, createChart, type ChartView } from "../components/chart";
import { createEditor } from "../components/editor";
import { substitute, variablesIn } from "../components/filters";
import { askName } from "../components/modal";
import { button, count, h, notice, replace } from "../dom";
import { navigate, type Page } from "../router";
import { listPage } from "./list";

/// Rows a chart's query may return to be drawn.
export const CHART_ROW_LIMIT = 10_000;

const DRAFT_KEY = "basin.chartDraft";

/// Hand a query (and a first guess of its chart) to the builder at #/charts/new.
export function setChartDraft(spec: ChartSpec): void {
  sessionStorage.setItem(DRAFT_KEY, JSON.stringify(spec));
}

function takeChartDraft(): ChartSpec {
  const text = sessionStorage.getItem(DRAFT_KEY);
  try {
    if (text) return JSON.parse(text) as ChartSpec;
  } catch {
    // a draft from another version: start afresh
  }
  return { sql: "SELECT 'a' AS label, 1 AS value\nUNION ALL SELECT 'b', 3", type: "bar" };
}

/// Run a chart's query; its rows, or a thrown ApiError.
export async function chartRows(sql: string): Promise<RowsResult> {
  const result = await runSql(sql, { limit: CHART_ROW_LIMIT });
  if (!isRows(result)) throw new Error("The query returned no rows to draw (it is not a SELECT).");
  return result;
}

export const chartsPage: Page = (root) =>
  listPage(root, {
    title: "Charts",
    create: { label: "New chart", action: () => (sessionStorage.removeItem(DRAFT_KEY), navigate("/charts/new")) },
    load: charts.list,
    empty: "No saved charts yet: run a query and press Chart, or start a new one.",
    headers: ["Type"],
    cells: (c) => [CHART_TYPES.find((t) => t.type === c.type)?.label ?? c.type],
    href: (c) => `#/charts/${c.id}`,
    remove: charts.remove,
    confirmDelete: (c) => `Delete the chart "${c.name}"? Dashboards showing it will say it is gone.`,
  });

export const chartBuilderPage: Page = (root, params) => {
  const id = params.id ? Number(params.id) : null;
  let saved: SavedChart | null = null;
  let spec: ChartSpec = id ? { sql: "", type: "bar" } : takeChartDraft();
  let result: RowsResult | null = null;
  let view: ChartView | null = null;

  const title = h("h1", null, id ? "Chart" : "New chart");
  const status = h("span", { class: "status" });
  const saveButton = button("Save chart", () => void save(), { class: "primary", dataset: { action: "save-chart" } });
  const runButton = button("Run", () => void run(), { dataset: { action: "run-chart" }, title: "Run the query (Ctrl+Enter)" });
  const typeSelect = h("select", { name: "type", onchange: () => setSpec({ type: typeSelect.value as ChartSpec["type"] }) },
    ...CHART_TYPES.map((t) => h("option", { value: t.type }, t.label)));
  const xSelect = h("select", { name: "x", onchange: () => setSpec({ x: xSelect.value }) });
  const seriesSelect = h("select", { name: "series", onchange: () => setSpec({ series: seriesSelect.value || undefined }) });
  const yList = h("div", { class: "checks" });
  const editorBox = h("div", { class: "editor-pane small" });
  const preview = h("div", { class: "chart-preview" }, h("div", { class: "placeholder" }, "Run the query to draw its chart."));

  root.append(
    h(
      "div",
      { class: "page builder-page" },
      h("header", { class: "toolbar" }, title, status, h("div", { class: "grow" }), saveButton),
      h(
        "div",
        { class: "builder" },
        h(
          "div",
          { class: "builder-controls" },
          h("label", { class: "field" }, h("span", null, "Query"), editorBox),
          h("div", { class: "row" }, runButton),
          h("label", { class: "field" }, h("span", null, "Chart type"), typeSelect),
          h("label", { class: "field" }, h("span", null, "X axis (pie: labels)"), xSelect),
          h("div", { class: "field" }, h("span", null, "Y values"), yList),
          h("label", { class: "field" }, h("span", null, "Series (split by)"), seriesSelect),
        ),
        preview,
      ),
    ),
  );
  const editor = createEditor(editorBox, spec.sql, () => void run(), (text) => (spec = { ...spec, sql: text }));

  const drawControls = () => {
    typeSelect.value = spec.type;
    const names = result?.columns.map((c) => c.name) ?? [];
    replace(xSelect, ...names.map((n) => h("option", { value: n }, n)));
    xSelect.value = spec.x ?? "";
    replace(seriesSelect, h("option", { value: "" }, "(none)"), ...names.map((n) => h("option", { value: n }, n)));
    seriesSelect.value = spec.series ?? "";
    replace(
      yList,
      ...names.map((n) =>
        h("label", { class: "check" },
          h("input", {
            type: "checkbox", name: "y", value: n, checked: spec.y?.includes(n) ?? false,
            onchange: () => setSpec({ y: [...yList.querySelectorAll<HTMLInputElement>("input:checked")].map((i) => i.value) }),
          }),
          n),
      ),
    );
    if (names.length === 0) yList.append(h("span", { class: "muted" }, "Run the query to pick columns."));
  };

  const draw = () => {
    if (!result) return;
    if (view) {
      view.dispose();
      view = null;
    }
    view = createChart(spec, result);
    replace(preview, view.element);
  };

  const setSpec = (change: Partial<ChartSpec>) => {
    spec = { ...spec, ...change };
    if (result) spec = completeSpec(spec, result);
    drawControls();
    draw();
  };

  async function run() {
    spec = { ...spec, sql: editor.text() };
    runButton.disabled = true;
    status.textContent = "Running…";
    try {
      // A chart made for a dashboard's filters ({{name}}) is previewed with each variable empty.
      const variables = [...variablesIn(spec.sql)];
      result = await chartRows(substitute(spec.sql, variables.map((name) => ({ name, value: "" }))));
      spec = completeSpec(spec, result);
      status.textContent = count(result.rows.length, "row") +
        (variables.length ? ` (with ${variables.map((n) => `{{${n}}}`).join(", ")} = '')` : "");
      drawControls();
      draw();
    } catch (e) {
      result = null;
      status.textContent = "Failed";
      replace(preview, notice((e as Error).message, "error"));
    } finally {
      runButton.disabled = false;
    }
  }

  async function save() {
    const body: ChartSpec = { sql: editor.text(), type: spec.type, x: spec.x, y: spec.y, series: spec.series };
    if (saved) {
      try {
        saved = await charts.update(saved.id, saved.name, body);
        status.textContent = "Saved";
      } catch (e) {
        status.textContent = `Not saved: ${(e as Error).message}`;
      }
      return;
    }
    const created = await askName("Save chart", "", (name) => charts.create(name, body));
    if (!created) return;
    saved = created;
    title.textContent = created.name;
    status.textContent = "Saved";
    saveButton.textContent = "Save changes";
    history.replaceState(null, "", `#/charts/${created.id}`);
  }

  if (id) {
    charts
      .get(id)
      .then((chart) => {
        saved = chart;
        spec = { sql: chart.sql, type: chart.type, x: chart.x, y: chart.y, series: chart.series };
        title.textContent = chart.name;
        saveButton.textContent = "Save changes";
        editor.setText(chart.sql);
        return run();
      })
      .catch((e) => replace(preview, notice(`Cannot open chart ${id}: ${(e as Error).message}`, "error")));
  } else {
    drawControls();
    void run();
  }
  return () => view?.dispose();
};
