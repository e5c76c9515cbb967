// The bar of a dashboard's shared filters: a value box per filter, a button to add one and to remove each.

import type { DashboardFilter } from "../api";
import { button, h, replace } from "../dom";
import { FILTER_NAME } from "./filters";
import { askName } from "./modal";

const HINT =
  "Charts whose SQL holds {{NAME}} get the value there as a string literal; " +
  "charts whose result has a column NAME keep the rows where it equals the value (empty: no filter).";

/// A filter bar over `initial`; `onChange` gets the whole new list after each change (a value committed
/// with Enter or by leaving its box, a filter added or removed).
export function createFilterBar(initial: DashboardFilter[], onChange: (filters: DashboardFilter[]) => void): HTMLElement {
  let filters = initial.map((f) => ({ ...f }));
  const bar = h("div", { class: "filter-bar" });
  const commit = (next: DashboardFilter[]) => {
    filters = next;
    draw();
    onChange(filters.map((f) => ({ ...f })));
  };
  const add = async () => {
    const name = await askName("New filter", "", async (name) => {
      if (!FILTER_NAME.test(name)) throw new Error("A filter's name is a SQL identifier: letters, digits and _, not first a digit.");
      if (filters.some((f) => f.name === name)) throw new Error(`There is a filter "${name}" already.`);
      return name;
    });
    if (name) commit([...filters, { name, value: "" }]);
  };
  const draw = () => {
    replace(
      bar,
      h("span", { class: "filter-title", title: "Shared filters: they apply to every chart on this dashboard" }, "Filters"),
      ...filters.map((f, i) => {
        const input = h("input", { type: "search", name: `filter-${f.name}`, value: f.value, placeholder: "(any)", title: HINT.replace(/NAME/g, f.name) });
        input.addEventListener("change", () => commit(filters.map((g, j) => (j === i ? { ...g, value: input.value } : g))));
        return h("label", { class: "filter" }, h("span", { class: "filter-name" }, f.name), input,
          button("✕", () => commit(filters.filter((_, j) => j !== i)), { class: "tool", title: `Remove the filter ${f.name}` }));
      }),
      button("+ Filter", () => void add(), { class: "link", dataset: { action: "add-filter" }, title: HINT.replace(/NAME/g, "name") }),
    );
  };
  draw();
  return bar;
}
