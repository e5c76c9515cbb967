// Dashboards: a grid of saved charts that refresh on their own (down to every second), share filters
// (components/filters.ts), and keep their layout (each change is saved at once).

import { charts, dashboards, type DashboardFilter, type DashboardItem, type SavedChart, type SavedDashboard } from "../api";
import { createChart, type ChartView } from "../components/chart";
import { createFilterBar } from "../components/filter_bar";
import { columnFilters, filteredSql, savedFilters, withUrlValues } from "../components/filters";
import { askName } from "../components/modal";
import { button, count, h, notice, replace } from "../dom";
import { navigate, type Page } from "../router";
import { chartRows } from "./charts";
import { listPage } from "./list";

const REFRESH_CHOICES = [
  { seconds: 0, label: "Off" },
  { seconds: 1, label: "1 s" },
  { seconds: 5, label: "5 s" },
  { seconds: 10, label: "10 s" },
  { seconds: 30, label: "30 s" },
  { seconds: 60, label: "1 min" },
  { seconds: 300, label: "5 min" },
];
const GRID_COLUMNS = 12;
const MAX_HEIGHT = 12;

export const dashboardsPage: Page = (root) =>
  listPage(root, {
    title: "Dashboards",
    create: {
      label: "New dashboard",
      action: async () => {
        const created = await askName("New dashboard", "", (name) => dashboards.create(name, { charts: [] }));
        if (created) navigate(`/dashboards/${created.id}`);
      },
      dataset: { action: "new-dashboard" },
    },
    load: dashboards.list,
    empty: "No dashboards yet: make one and add saved charts to it.",
    headers: ["Charts", "Refresh"],
    cells: (d) => [
      String(d.charts.length),
      REFRESH_CHOICES.find((c) => c.seconds === (d.refresh_seconds ?? 0))?.label ?? `${d.refresh_seconds} s`,
    ],
    href: (d) => `#/dashboards/${d.id}`,
    remove: dashboards.remove,
    confirmDelete: (d) => `Delete the dashboard "${d.name}"? Its charts stay.`,
  });

/// One chart on the dashboard, refreshed in place.
interface Card {
  item: DashboardItem;
  element: HTMLElement;
  body: HTMLElement;
  footer: HTMLElement;
  view: ChartView | null;
  /// The columns of the chart's last result (for the column filters); null before the first.
  columns: string[] | null;
  busy: boolean;
  /// Asked to refresh while busy: refresh once more when done (the filters may have changed).
  again: boolean;
}

export const dashboardPage: Page = (root, params, query) => {
  const id = Number(params.id);
  let dashboard: SavedDashboard | null = null;
  let filters: DashboardFilter[] = [];
  let chartsById = new Map<number, SavedChart>();
  let cards: Card[] = [];
  let timer: number | undefined;
  let disposed = false;

  const title = h("h1", null, "Dashboard");
  const saveStatus = h("span", { class: "status", dataset: { role: "save-status" } });
  const refreshSelect = h("select", { name: "refresh", title: "Refresh every", onchange: () => {
    if (!dashboard) return;
    dashboard.refresh_seconds = Number(refreshSelect.value);
    schedule();
    void save();
  } }, ...REFRESH_CHOICES.map((c) => h("option", { value: String(c.seconds) }, `Refresh: ${c.label}`)));
  const filterBox = h("div");
  const addSelect = h("select", { name: "add-chart" });
  const addButton = button("Add chart", () => addChart(), { dataset: { action: "add-chart" } });
  const grid = h("div", { class: "dashboard-grid" });
  const message = h("div");

  root.append(
    h(
      "div",
      { class: "page dashboard-page" },
      h("header", { class: "toolbar" }, title, saveStatus, h("div", { class: "grow" }), refreshSelect,
        button("Refresh now", () => refreshAll(), { title: "Run every chart's query again" }), addSelect, addButton),
      filterBox,
      message,
      grid,
    ),
  );

  async function load() {
    try {
      const [d, list] = await Promise.all([dashboards.get(id), charts.list()]);
      dashboard = { ...d, charts: d.charts.map((c) => ({ chart_id: c.chart_id, w: c.w ?? 6, h: c.h ?? 4 })) };
      chartsById = new Map(list.map((c) => [c.id, c]));
      title.textContent = d.name;
      refreshSelect.value = String(d.refresh_seconds ?? 0);
      filters = withUrlValues(savedFilters(d), query);
      replace(filterBox, createFilterBar(filters, (next) => {
        filters = next;
        void save();
        refreshAll();
      }));
      replace(addSelect, ...(list.length
        ? list.map((c) => h("option", { value: String(c.id) }, c.name))
        : [h("option", { value: "" }, "(no saved charts)")]));
      addButton.disabled = list.length === 0;
      drawCards();
      schedule();
    } catch (e) {
      replace(message, notice(`Cannot open dashboard ${id}: ${(e as Error).message}`, "error"));
    }
  }

  function drawCards() {
    for (const card of cards) card.view?.dispose();
    cards = (dashboard?.charts ?? []).map(makeCard);
    replace(grid, ...cards.map((c) => c.element));
    if (cards.length === 0) grid.append(h("div", { class: "placeholder wide" }, "Add a saved chart with the picker above."));
    refreshAll();
  }

  function makeCard(item: DashboardItem, index: number): Card {
    const chart = chartsById.get(item.chart_id);
    const body = h("div", { class: "card-body" });
    const footer = h("div", { class: "card-footer" });
    const change = (mutate: (items: DashboardItem[]) => void) => {
      if (!dashboard) return;
      mutate(dashboard.charts);
      drawCards();
      void save();
    };
    const tool = (label: string, hint: string, action: (items: DashboardItem[]) => void) =>
      button(label, () => change(action), { class: "tool", title: hint });
    const element = h(
      "div",
      { class: "card", style: `grid-column: span ${item.w}; grid-row: span ${item.h}`, dataset: { chartId: String(item.chart_id) } },
      h(
        "div",
        { class: "card-header" },
        chart ? h("a", { href: `#/charts/${chart.id}`, title: "Open in the chart builder" }, chart.name) : h("span", { class: "muted" }, "(chart deleted)"),
        h("div", { class: "grow" }),
        tool("◀", "Move earlier", (items) => index > 0 && items.splice(index - 1, 0, ...items.splice(index, 1))),
        tool("▶", "Move later", (items) => index < items.length - 1 && items.splice(index + 1, 0, ...items.splice(index, 1))),
        tool("−", "Narrower", (items) => (items[index].w = Math.max(2, items[index].w - 1))),
        tool("+", "Wider", (items) => (items[index].w = Math.min(GRID_COLUMNS, items[index].w + 1))),
        tool("↑", "Shorter", (items) => (items[index].h = Math.max(2, items[index].h - 1))),
        tool("↓", "Taller", (items) => (items[index].h = Math.min(MAX_HEIGHT, items[index].h + 1))),
        tool("✕", "Remove from the dashboard", (items) => items.splice(index, 1)),
      ),
      body,
      footer,
    );
    return { item, element, body, footer, view: null, columns: null, busy: false, again: false };
  }

  async function refresh(card: Card) {
    const chart = chartsById.get(card.item.chart_id);
    if (!chart || disposed) return;
    if (card.busy) {
      card.again = true;
      return;
    }
    card.busy = true;
    try {
      const result = await chartResult(chart, card);
      if (disposed) return;
      if (card.view) {
        card.view.update(result.rows);
      } else {
        card.view = createChart(chart, result.rows);
        replace(card.body, card.view.element);
      }
      card.element.dataset.filteredBy = result.applied.join(",");
      card.footer.textContent = `${count(result.rows.rows.length, "row")}${result.applied.length ? ` · filtered by ${result.applied.join(", ")}` : ""} · ${new Date().toLocaleTimeString()}`;
      card.element.classList.remove("failed");
    } catch (e) {
      card.view?.dispose();
      card.view = null;
      replace(card.body, notice((e as Error).message, "error"));
      card.element.classList.add("failed");
    } finally {
      card.busy = false;
      if (card.again && !disposed) {
        card.again = false;
        void refresh(card);
      }
    }
  }

  /// Run `chart`'s query under the filters. A column filter needs the result's columns: the first time,
  /// when a column filter is set, the query runs once without it to learn them.
  async function chartResult(chart: SavedChart, card: Card) {
    if (card.columns === null && columnFilters(chart.sql, filters).length > 0) {
      const first = await chartRows(filteredSql(chart.sql, filters, []).sql);
      card.columns = first.columns.map((c) => c.name);
    }
    const { sql, applied } = filteredSql(chart.sql, filters, card.columns ?? []);
    const rows = await chartRows(sql);
    card.columns = rows.columns.map((c) => c.name);  // the same with a column filter: it keeps them all
    return { rows, applied };
  }

  function refreshAll() {
    for (const card of cards) void refresh(card);
  }

  function schedule() {
    window.clearInterval(timer);
    const seconds = dashboard?.refresh_seconds ?? 0;
    if (seconds > 0) timer = window.setInterval(refreshAll, seconds * 1000);
  }

  function addChart() {
    const chartId = Number(addSelect.value);
    if (!dashboard || !chartId) return;
    dashboard.charts.push({ chart_id: chartId, w: 6, h: 4 });
    drawCards();
    void save();
  }

  let saving: Promise<void> = Promise.resolve();
  function save(): Promise<void> {
    // One save at a time, in order: the last layout is the one kept.
    saving = saving.then(async () => {
      if (!dashboard) return;
      saveStatus.textContent = "Saving…";
      try {
        const { charts: items, refresh_seconds } = dashboard;
        await dashboards.update(dashboard.id, dashboard.name, { charts: items, refresh_seconds, filters });
        saveStatus.textContent = "Saved";
      } catch (e) {
        saveStatus.textContent = `Not saved: ${(e as Error).message}`;
      }
    });
    return saving;
  }

  void load();
  return () => {
    disposed = true;
    window.clearInterval(timer);
    for (const card of cards) card.view?.dispose();
  };
};
