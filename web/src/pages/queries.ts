// Saved queries: open one in the editor, or delete it.

import { queries } from "../api";
import { h } from "../dom";
import { draft } from "../history";
import { navigate, type Page } from "../router";
import { listPage } from "./list";

export const queriesPage: Page = (root) =>
  listPage(root, {
    title: "Saved queries",
    create: { label: "New query", action: () => (draft.set(""), navigate("/sql")) },
    load: queries.list,
    empty: "No saved queries yet: write one in the SQL editor and press Save.",
    headers: ["SQL"],
    cells: (q) => [h("code", { class: "sql-snippet" }, q.sql.length > 120 ? q.sql.slice(0, 120) + "…" : q.sql)],
    href: (q) => `#/sql?query=${q.id}`,
    remove: queries.remove,
    confirmDelete: (q) => `Delete the query "${q.name}"?`,
  });
