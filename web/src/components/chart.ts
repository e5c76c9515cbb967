// A chart drawn from a query result: line, bar, area, pie and scatter with Apache ECharts, a big number,
// or a table. The same code draws the builder's preview and the dashboards' cards.

import * as echarts from "echarts/core";
import { BarChart, LineChart, PieChart, ScatterChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent, DataZoomComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
import type { EChartsCoreOption } from "echarts/core";
import type { ChartSpec, RowsResult, Value } from "../api";
import { h } from "../dom";
import { createGrid } from "./grid";

echarts.use([BarChart, LineChart, PieChart, ScatterChart, GridComponent, LegendComponent, TooltipComponent,
  DataZoomComponent, CanvasRenderer]);

export const CHART_TYPES: { type: ChartSpec["type"]; label: string }[] = [
  { type: "bar", label: "Bar" },
  { type: "line", label: "Line" },
  { type: "area", label: "Area" },
  { type: "pie", label: "Pie" },
  { type: "scatter", label: "Scatter" },
  { type: "number", label: "Big number" },
  { type: "table", label: "Table" },
];

/// Most points a chart draws; beyond, the rows are cut (a table shows them all).
const MAX_POINTS = 5000;
/// Most series a `series` column splits the rows into.
const MAX_SERIES = 30;

/// A drawn chart: draw it again with new rows, or let it go.
export interface ChartView {
  element: HTMLElement;
  update(result: RowsResult): void;
  dispose(): void;
}

/// Fill in what `spec` leaves open from `result`'s columns: x the first column, y the first numeric other.
export function completeSpec(spec: ChartSpec, result: RowsResult): ChartSpec {
  const names = result.columns.map((c) => c.name);
  const numeric = result.columns.filter((c) => isNumericType(c.type)).map((c) => c.name);
  const x = spec.x && names.includes(spec.x) ? spec.x : names[0];
  let y = (spec.y ?? []).filter((n) => names.includes(n));
  if (y.length === 0) {
    const candidate = numeric.find((n) => n !== x) ?? numeric[0] ?? names[1] ?? names[0];
    y = candidate ? [candidate] : [];
  }
  const series = spec.series && names.includes(spec.series) ? spec.series : undefined;
  return { ...spec, x, y, series };
}

export function isNumericType(type: string): boolean {
  return /INT|DECIMAL|REAL|DOUBLE|FLOAT|NUMERIC/i.test(type);
}

/// Draw `spec` over `result` into a new element (which the caller places in the page).
export function createChart(spec: ChartSpec, result: RowsResult): ChartView {
  const element = h("div", { class: `chart chart-${spec.type}` });
  let instance: echarts.ECharts | null = null;
  let resize: ResizeObserver | null = null;

  const update = (next: RowsResult) => {
    const full = completeSpec(spec, next);
    element.dataset.rows = String(next.rows.length);
    if (spec.type === "number" || spec.type === "table") {
      element.replaceChildren(spec.type === "number" ? bigNumber(full, next) : createGrid(next.columns, next.rows));
      return;
    }
    if (!instance) {
      instance = echarts.init(element, undefined, { renderer: "canvas" });
      resize = new ResizeObserver(() => instance?.resize());
      resize.observe(element);
    }
    instance.setOption(chartOption(full, next), { notMerge: true });
  };
  update(result);
  return {
    element,
    update,
    dispose: () => {
      resize?.disconnect();
      instance?.dispose();
    },
  };
}

function bigNumber(spec: ChartSpec, result: RowsResult): HTMLElement {
  const column = result.columns.findIndex((c) => c.name === spec.y?.[0]);
  const value = result.rows.length > 0 && column >= 0 ? result.rows[0][column] : null;
  const text = typeof value === "number" ? value.toLocaleString("en-US", { maximumFractionDigits: 4 }) : String(value ?? "–");
  return h("div", { class: "big-number" }, h("div", { class: "value" }, text), h("div", { class: "label" }, spec.y?.[0] ?? ""));
}

function toNumber(value: Value): number | null {
  if (value === null) return null;
  if (typeof value === "number") return value;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function chartOption(spec: ChartSpec, result: RowsResult): EChartsCoreOption {
  const index = (name: string | undefined) => result.columns.findIndex((c) => c.name === name);
  const rows = result.rows.slice(0, MAX_POINTS);
  const xi = index(spec.x);
  const ys = (spec.y ?? []).map(index).filter((i) => i >= 0);
  const base = {
    animation: false,
    tooltip: { trigger: spec.type === "pie" || spec.type === "scatter" ? "item" : "axis" },
    legend: { type: "scroll", bottom: 0 },
    grid: { left: 12, right: 16, top: 16, bottom: 36, containLabel: true },
  };

  if (spec.type === "pie") {
    const yi = ys[0] ?? -1;
    return {
      ...base,
      series: [
        {
          type: "pie",
          radius: ["35%", "70%"],
          data: rows.map((r) => ({ name: String(r[xi] ?? "NULL"), value: yi >= 0 ? toNumber(r[yi]) : null })),
        },
      ],
    };
  }

  if (spec.type === "scatter") {
    const xNumeric = xi >= 0 && isNumericType(result.columns[xi].type);
    return {
      ...base,
      xAxis: { type: xNumeric ? "value" : "category", name: spec.x, scale: true },
      yAxis: { type: "value", scale: true },
      series: ys.map((yi) => ({
        type: "scatter",
        name: result.columns[yi].name,
        symbolSize: 7,
        data: rows.map((r) => [xNumeric ? toNumber(r[xi]) : String(r[xi]), toNumber(r[yi])]),
      })),
    };
  }

  // line, area, bar: x as categories in the order the rows give them.
  const categories: string[] = [];
  const position = new Map<string, number>();
  for (const r of rows) {
    const key = String(r[xi] ?? "NULL");
    if (!position.has(key)) {
      position.set(key, categories.length);
      categories.push(key);
    }
  }
  const kind = spec.type === "bar" ? "bar" : "line";
  // Dots on a line help with a few points and clutter many.
  const extra = { ...(spec.type === "area" ? { areaStyle: { opacity: 0.25 } } : {}), ...(kind === "line" ? { showSymbol: categories.length <= 60 } : {}) };
  let series: object[];
  const si = index(spec.series);
  if (si >= 0 && ys.length > 0) {
    // One series per value of the series column, of the first y column.
    const groups = new Map<string, (number | null)[]>();
    for (const r of rows) {
      const name = String(r[si] ?? "NULL");
      if (!groups.has(name)) {
        if (groups.size >= MAX_SERIES) continue;
        groups.set(name, new Array(categories.length).fill(null));
      }
      groups.get(name)![position.get(String(r[xi] ?? "NULL"))!] = toNumber(r[ys[0]]);
    }
    series = [...groups].map(([name, data]) => ({ type: kind, name, data, ...extra, stack: spec.type === "area" ? "total" : undefined }));
  } else {
    series = ys.map((yi) => {
      const data = new Array<number | null>(categories.length).fill(null);
      for (const r of rows) data[position.get(String(r[xi] ?? "NULL"))!] = toNumber(r[yi]);
      return { type: kind, name: result.columns[yi].name, data, ...extra };
    });
  }
  return {
    ...base,
    xAxis: { type: "category", data: categories, boundaryGap: kind === "bar" },
    yAxis: { type: "value", scale: kind !== "bar" },
    series,
  };
}
