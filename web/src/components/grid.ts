// The results grid: a virtualized table that draws only the rows in view, so 100,000 rows scroll as
// smoothly as 10. Rows have one fixed height; columns are sized from their names and first values.

import type { Column, Value } from "../api";
import { h } from "../dom";

const ROW_HEIGHT = 26;
const HEADER_HEIGHT = 30;
const OVERSCAN = 8;
const INDEX_WIDTH = 56;
const CHAR_WIDTH = 7.8;

export interface GridOptions {
  /// Draw the grid in a box of its own height (the default fills the parent).
  height?: string;
}

/// A grid of `rows` under `columns`, drawn into the returned element.
export function createGrid(columns: Column[], rows: Value[][], options: GridOptions = {}): HTMLElement {
  const numeric = columns.map((c) => /INT|DECIMAL|REAL|DOUBLE|FLOAT|NUMERIC/i.test(c.type));
  // DECIMAL(p,s) values arrive as JSON numbers: show them with their scale again (12.50, not 12.5).
  const scales = columns.map((c) => Number(/^DECIMAL\(\d+,(\d+)\)$/i.exec(c.type)?.[1] ?? -1));
  const format = (value: Value, c: number) =>
    value === null ? "NULL" : typeof value === "number" && scales[c] >= 0 ? value.toFixed(scales[c]) : String(value);
  const widths = columns.map((c, i) => columnWidth(c, rows, i, format));
  const totalWidth = INDEX_WIDTH + widths.reduce((a, b) => a + b, 0);

  const header = h(
    "div",
    { class: "grid-header", style: `width:${totalWidth}px;height:${HEADER_HEIGHT}px` },
    h("div", { class: "grid-cell index", style: `width:${INDEX_WIDTH}px` }, "#"),
    ...columns.map((c, i) =>
      h(
        "div",
        { class: `grid-cell${numeric[i] ? " num" : ""}`, style: `width:${widths[i]}px`, title: `${c.name} ${c.type}` },
        h("span", { class: "col-name" }, c.name),
        h("span", { class: "col-type" }, c.type),
      ),
    ),
  );
  const body = h("div", {
    class: "grid-body",
    style: `width:${totalWidth}px;height:${Math.max(rows.length * ROW_HEIGHT, 1)}px`,
  });
  const viewport = h("div", { class: "grid-viewport", tabIndex: 0 }, header, body);
  const grid = h("div", { class: "grid", style: options.height ? `height:${options.height}` : "" }, viewport);
  grid.dataset.rows = String(rows.length);

  let first = -1;
  let last = -1;
  const draw = () => {
    const top = Math.max(0, viewport.scrollTop - HEADER_HEIGHT);
    const from = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const to = Math.min(rows.length, Math.ceil((top + viewport.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    if (from === first && to === last) return;
    first = from;
    last = to;
    const fragment = document.createDocumentFragment();
    for (let r = from; r < to; r++) fragment.appendChild(drawRow(r));
    body.replaceChildren(fragment);
  };
  const drawRow = (r: number) => {
    const row = h("div", { class: "grid-row", style: `top:${r * ROW_HEIGHT}px;height:${ROW_HEIGHT}px` });
    row.appendChild(h("div", { class: "grid-cell index", style: `width:${INDEX_WIDTH}px` }, String(r + 1)));
    const values = rows[r];
    for (let c = 0; c < columns.length; c++) {
      const value = values[c];
      const cell = document.createElement("div");
      cell.className = value === null ? "grid-cell null" : numeric[c] ? "grid-cell num" : "grid-cell";
      cell.style.width = `${widths[c]}px`;
      const text = format(value, c);
      cell.textContent = text;
      if (text.length * CHAR_WIDTH > widths[c]) cell.title = text;
      row.appendChild(cell);
    }
    return row;
  };
  let scheduled = false;
  viewport.addEventListener("scroll", () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      draw();
    });
  });
  // Draw once the grid has a size, and again whenever it changes.
  new ResizeObserver(() => {
    first = last = -1;
    draw();
  }).observe(viewport);
  return grid;
}

function columnWidth(column: Column, rows: Value[][], index: number, format: (v: Value, c: number) => string): number {
  let chars = Math.max(column.name.length, column.type.length * 0.8);
  const sample = Math.min(rows.length, 200);
  for (let r = 0; r < sample; r++) chars = Math.max(chars, format(rows[r][index], index).length);
  return Math.round(Math.min(Math.max(chars * CHAR_WIDTH + 24, 64), 420));
}
