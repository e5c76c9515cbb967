// The catalog browser: schemas with their tables and views, topics and sinks, a search box over names and
// columns, and for one object its columns, statistics, snapshots and sample rows (a topic's last records;
// its events arriving live are on pages/topic.ts).

import { getCatalog, getTable, getTopic, type Catalog, type ColumnInfo, type ResultOrError } from "../api";
import { createGrid } from "../components/grid";
import { bytes, button, count, h, notice, replace, stat } from "../dom";
import { draft } from "../history";
import { navigate, type Page } from "../router";
import { listTable } from "./list";

export const catalogPage: Page = (root, params) => {
  let catalog: Catalog | null = null;
  const search = h("input", { type: "search", name: "search", placeholder: "Search tables, topics, columns…", class: "search" });
  const tree = h("div", { class: "tree" });
  const detail = h("section", { class: "detail" });
  root.append(
    h(
      "div",
      { class: "page catalog-page" },
      h("header", { class: "toolbar" }, h("h1", null, "Catalog"), h("div", { class: "grow" }),
        button("Reload", () => void load(), { title: "Read the catalog again" })),
      h("div", { class: "catalog" }, h("aside", { class: "catalog-nav" }, search, tree), detail),
    ),
  );
  search.addEventListener("input", () => drawTree());

  const selected = params.kind === "table" ? `table:${params.schema}.${params.name}` : params.kind === "topic" ? `topic:${params.name}` : "";

  async function load() {
    try {
      catalog = await getCatalog();
      drawTree();
    } catch (e) {
      replace(tree, notice((e as Error).message, "error"));
    }
  }

  function drawTree() {
    if (!catalog) return;
    const needle = search.value.trim().toLowerCase();
    const matches = (name: string, columns: ColumnInfo[] = []) =>
      !needle || name.toLowerCase().includes(needle) || columns.some((c) => c.name.toLowerCase().includes(needle));
    const item = (key: string, href: string, icon: string, label: string, hint: string) =>
      h("a", { class: `tree-item${key === selected ? " selected" : ""}`, href, title: hint },
        h("span", { class: `badge ${icon}` }, icon), h("span", { class: "label" }, label));
    const groups: HTMLElement[] = [];
    for (const schema of catalog.schemas) {
      const items = [
        ...schema.tables.filter((t) => matches(t.name, t.columns)).map((t) =>
          item(`table:${schema.name}.${t.name}`, `#/catalog/table/${enc(schema.name)}/${enc(t.name)}`, "T", t.name, `${count(t.columns.length, "column")}${t.comment ? ` · ${t.comment}` : ""}`)),
        ...schema.views.filter((v) => matches(v.name)).map((v) =>
          item(`table:${schema.name}.${v.name}`, `#/catalog/table/${enc(schema.name)}/${enc(v.name)}`, "V", v.name, "view")),
      ];
      if (items.length || (!needle && schema.name)) groups.push(group(`Schema ${schema.name}`, items, "No tables."));
    }
    const topics = catalog.topics.filter((t) => matches(t.name, t.columns));
    groups.push(group("Topics", topics.map((t) =>
      item(`topic:${t.name}`, `#/catalog/topic/${enc(t.name)}`, "K", t.name, `${count(t.partition_count, "partition")} · ${count(t.messages, "message")}`)), "No topics."));
    const sinks = Array.isArray(catalog.sinks) ? catalog.sinks.filter((s) => matches(s.name)) : [];
    groups.push(group("Sinks", sinks.map((s) => {
      const [schema, table] = s.table.split(".");
      return item(`sink:${s.name}`, `#/catalog/table/${enc(schema)}/${enc(table)}`, "S", s.name,
        `${s.topic} → ${s.table}${s.lag !== null ? ` · lag ${s.lag}` : ""}${s.error ? ` · ${s.error}` : ""}`);
    }), "No sinks."));
    replace(tree, ...groups);
  }

  const group = (title: string, items: HTMLElement[], empty: string) =>
    h("div", { class: "tree-group" }, h("div", { class: "tree-title" }, title), ...(items.length ? items : [h("div", { class: "tree-empty" }, empty)]));

  function openInEditor(sql: string) {
    draft.set(sql);
    navigate("/sql");
  }

  async function showTable(schema: string, name: string) {
    replace(detail, h("div", { class: "placeholder" }, "Loading…"));
    try {
      const t = await getTable(schema, name);
      const qualified = t.schema === "public" ? quote(t.name) : `${quote(t.schema)}.${quote(t.name)}`;
      replace(
        detail,
        h("div", { class: "detail-head" },
          h("h2", null, `${t.schema}.${t.name}`, h("span", { class: "kind" }, t.kind)),
          h("div", { class: "grow" }),
          button("Query", () => openInEditor(`SELECT * FROM ${qualified} LIMIT 100`), { class: "primary" })),
        t.comment ? h("p", { class: "muted" }, t.comment) : null,
        h("div", { class: "stats" },
          stat("Rows", t.row_count === null ? "–" : t.row_count.toLocaleString("en-US")),
          stat("Size", bytes(t.size_bytes)),
          stat("Columns", String(t.columns.length)),
          t.snapshots && "rows" in t.snapshots ? stat("Snapshots", String(t.snapshots.rows.length)) : null),
        h("h3", null, "Columns"),
        columnsTable(t.columns),
        h("h3", null, "Sample rows"),
        rowsBox(t.sample),
        t.snapshots ? h("h3", null, "Snapshots") : null,
        t.snapshots ? rowsBox(t.snapshots) : null,
      );
    } catch (e) {
      replace(detail, notice((e as Error).message, "error"));
    }
  }

  async function showTopic(name: string) {
    replace(detail, h("div", { class: "placeholder" }, "Loading…"));
    try {
      const t = await getTopic(name);
      replace(
        detail,
        h("div", { class: "detail-head" },
          h("h2", null, t.name, h("span", { class: "kind" }, "topic")),
          h("div", { class: "grow" }),
          h("a", { class: "button", href: `#/topics/${enc(t.name)}`, dataset: { action: "watch-live" } }, "Watch live"),
          button("Query", () => openInEditor(`SELECT * FROM ${quote(t.name)} ORDER BY _timestamp DESC LIMIT 100`), { class: "primary" })),
        h("div", { class: "stats" },
          stat("Partitions", String(t.partition_count)), stat("Messages", t.messages.toLocaleString("en-US")), stat("Size", bytes(t.size_bytes))),
        h("h3", null, "Schema"),
        t.schema ? h("pre", { class: "schema" }, t.schema,
          t.key ? `\nkey: ${t.key}` : "", t.timestamp ? `\ntimestamp: ${t.timestamp}` : "") : h("p", { class: "muted" }, "No schema: each record's value is read as the column value."),
        h("h3", null, "Columns"),
        columnsTable(t.columns),
        Object.keys(t.configs).length ? h("h3", null, "Configs") : null,
        Object.keys(t.configs).length ? listTable(["Config", "Value"], Object.entries(t.configs)) : null,
        h("h3", null, "Partitions"),
        listTable(["Partition", "Start offset", "End offset", "Size"],
          t.partitions.map((p) => [String(p.partition), String(p.log_start_offset), String(p.high_watermark), bytes(p.size_bytes)])),
        h("h3", null, "Last records"),
        rowsBox(t.sample),
      );
    } catch (e) {
      replace(detail, notice((e as Error).message, "error"));
    }
  }

  void load();
  if (params.kind === "table") void showTable(params.schema, params.name);
  else if (params.kind === "topic") void showTopic(params.name);
  else if (params.kind) navigate("/catalog");
  else replace(detail, h("div", { class: "placeholder" }, "Pick a table, a view or a topic to see its columns, statistics and rows."));
};

const enc = encodeURIComponent;
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function columnsTable(columns: ColumnInfo[]): HTMLElement {
  return listTable(["Column", "Type", "Nullable", "Comment"],
    columns.map((c) => [h("code", null, c.name), c.type, c.nullable ? "yes" : "no", c.comment || ""]));
}

function rowsBox(result: ResultOrError): HTMLElement {
  if ("error" in result) return notice(`${result.error.code}: ${result.error.message}`, "error");
  if (result.rows.length === 0) return h("p", { class: "muted" }, "No rows.");
  return createGrid(result.columns, result.rows, { height: `${Math.min(result.rows.length, 12) * 26 + 48}px` });
}
