// A page listing saved objects (queries, charts, dashboards), and plain tables of facts.

import { button, h, notice, replace } from "../dom";

type Cell = Node | string | number | null;

/// A table with `headers` and one row per entry of `rows`.
export function listTable(headers: string[], rows: Cell[][], className = "list"): HTMLTableElement {
  return h(
    "table",
    { class: className },
    h("thead", null, h("tr", null, ...headers.map((t) => h("th", null, t)))),
    h("tbody", null, ...rows.map((r) => h("tr", null, ...r.map((c) => h("td", null, c ?? "–"))))),
  );
}

export interface ListPageOptions<T extends { id: number; name: string; updated_at: string }> {
  title: string;
  /// The toolbar's primary button.
  create: { label: string; action: () => void; dataset?: Record<string, string> };
  load: () => Promise<T[]>;
  /// Said when there is nothing to list.
  empty: string;
  /// The columns between the name (a link to `href`) and the update time.
  headers: string[];
  cells: (item: T) => Cell[];
  href: (item: T) => string;
  remove: (id: number) => Promise<void>;
  /// The question asked before deleting.
  confirmDelete: (item: T) => string;
}

/// Draw into `root` a page listing `options.load()`'s objects with their name, columns, update time and a
/// delete button.
export function listPage<T extends { id: number; name: string; updated_at: string }>(root: HTMLElement, options: ListPageOptions<T>): void {
  const body = h("div", { class: "page-body" }, h("div", { class: "placeholder" }, "Loading…"));
  root.append(
    h(
      "div",
      { class: "page" },
      h("header", { class: "toolbar" }, h("h1", null, options.title), h("div", { class: "grow" }),
        button(options.create.label, options.create.action, { class: "primary", dataset: options.create.dataset })),
      body,
    ),
  );
  const load = () =>
    options
      .load()
      .then((items) => replace(body, items.length ? table(items) : h("div", { class: "placeholder" }, options.empty)))
      .catch((e) => replace(body, notice((e as Error).message, "error")));
  const table = (items: T[]) =>
    listTable(
      ["Name", ...options.headers, "Updated", ""],
      items.map((item) => [
        h("a", { href: options.href(item) }, item.name),
        ...options.cells(item),
        new Date(item.updated_at).toLocaleString(),
        button("Delete", async () => {
          if (!confirm(options.confirmDelete(item))) return;
          await options.remove(item.id).catch((e) => alert((e as Error).message));
          void load();
        }, { class: "link danger" }),
      ]),
    );
  void load();
}
