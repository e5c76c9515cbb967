// The bar of a dashboard's shared filters: a value box per filter (offering the values its query lists, if
// it has one), a button to add a filter, and per filter buttons to set its values query and to remove it.

import { isRows, runSql, type DashboardFilter } from "../api";
import { button, h, replace } from "../dom";
import { FILTER_NAME } from "./filters";
import { askName } from "./modal";

const HINT =
  "Charts whose SQL holds {{NAME}} get the value there as a string literal; " +
  "charts whose result has a column NAME keep the rows where it equals the value (empty: no filter).";
/// Most values a filter's box offers.
const MAX_VALUES = 500;

/// The distinct values of the first column of `sql`'s result, as text, in the order it gives them.
async function listValues(sql: string): Promise<string[]> {
  const result = await runSql(sql, { limit: MAX_VALUES });
  if (!isRows(result)) return [];
  return [...new Set(result.rows.map((r) => (r[0] === null ? "" : String(r[0]))))];
}

/// A filter bar over `initial`; `onChange` gets the whole new list after each change (a value committed
/// with Enter or by leaving its box, a filter added or removed, a values query set).
export function createFilterBar(initial: DashboardFilter[], onChange: (filters: DashboardFilter[]) => void): HTMLElement {
  let filters = initial.map((f) => ({ ...f }));
  const bar = h("div", { class: "filter-bar" });
  const commit = (next: DashboardFilter[]) => {
    filters = next;
    draw();
    onChange(filters.map((f) => ({ ...f })));
  };
  const update = (i: number, change: Partial<DashboardFilter>) =>
    commit(filters.map((f, j) => (j === i ? { ...f, ...change } : f)));
  const add = async () => {
    const name = await askName("New filter", "", async (name) => {
      if (!FILTER_NAME.test(name)) throw new Error("A filter's name is a SQL identifier: letters, digits and _, not first a digit.");
      if (filters.some((f) => f.name === name)) throw new Error(`There is a filter "${name}" already.`);
      return name;
    });
    if (name) commit([...filters, { name, value: "" }]);
  };
  const setValuesQuery = async (i: number) => {
    const sql = await askName(`Values of ${filters[i].name}`, filters[i].values_sql ?? "", async (sql) => {
      if (sql) await listValues(sql);  // a query that fails is said here, not later
      return sql;
    }, { placeholder: "SELECT DISTINCT country FROM demo.clicks ORDER BY 1 (empty: none)", optional: true });
    if (sql !== null) update(i, { values_sql: sql || undefined });
  };

  const filterBox = (f: DashboardFilter, i: number) => {
    const input = h("input", { type: "search", name: `filter-${f.name}`, value: f.value, placeholder: "(any)", title: HINT.replace(/NAME/g, f.name) });
    input.addEventListener("change", () => update(i, { value: input.value }));
    let values: HTMLDataListElement | null = null;
    if (f.values_sql) {
      values = h("datalist", { id: `filter-values-${f.name}` });
      input.setAttribute("list", values.id);
      const list = values;
      listValues(f.values_sql)
        .then((options) => replace(list, ...options.map((v) => h("option", { value: v }))))
        .catch((e) => (input.title = `The values query failed: ${(e as Error).message}`));
    }
    return h("label", { class: "filter" }, h("span", { class: "filter-name" }, f.name), input, values,
      button("⋯", () => void setValuesQuery(i), { class: "tool", title: `The values ${f.name} offers: a query whose first column lists them`, dataset: { action: `filter-values-${f.name}` } }),
      button("✕", () => commit(filters.filter((_, j) => j !== i)), { class: "tool", title: `Remove the filter ${f.name}` }));
  };

  const draw = () =>
    replace(
      bar,
      h("span", { class: "filter-title", title: "Shared filters: they apply to every chart on this dashboard" }, "Filters"),
      ...filters.map(filterBox),
      button("+ Filter", () => void add(), { class: "link", dataset: { action: "add-filter" }, title: HINT.replace(/NAME/g, "name") }),
    );
  draw();
  return bar;
}
