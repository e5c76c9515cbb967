// The SQL editor: CodeMirror 6 with PostgreSQL highlighting and completion of keywords, and of the
// catalog's tables, views, topics and their columns (fetched once per page load, refreshed on demand).

import { basicSetup } from "codemirror";
import { EditorView, keymap } from "@codemirror/view";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import { PostgreSQL, sql, type SQLNamespace } from "@codemirror/lang-sql";
import { getCatalog } from "../api";

let schemaPromise: Promise<SQLNamespace> | null = null;

/// Tables, views and topics with their columns, as CodeMirror's SQL completion wants them: unqualified in
/// `public`, `schema.table` elsewhere.
export function completionSchema(refresh = false): Promise<SQLNamespace> {
  if (!schemaPromise || refresh) {
    schemaPromise = getCatalog()
      .then((catalog) => {
        const namespace: Record<string, string[]> = {};
        for (const schema of catalog.schemas) {
          const prefix = schema.name === "public" ? "" : `${schema.name}.`;
          for (const t of schema.tables) namespace[prefix + t.name] = t.columns.map((c) => c.name);
          for (const v of schema.views) namespace[prefix + v.name] = [];
        }
        for (const topic of catalog.topics) namespace[topic.name] = topic.columns.map((c) => c.name);
        return namespace as SQLNamespace;
      })
      .catch(() => ({}) as SQLNamespace);
  }
  return schemaPromise;
}

export interface SqlEditor {
  view: EditorView;
  text(): string;
  setText(text: string): void;
  /// The text to run: the selection, else the statement the cursor is in.
  statementAtCursor(): string;
  focus(): void;
  /// Fetch the catalog again for completion (after DDL).
  refreshSchema(): void;
}

/// An editor in `parent` holding `doc`; Ctrl+Enter (Cmd+Enter) calls `onRun`, every change `onChange`.
export function createEditor(
  parent: HTMLElement,
  doc: string,
  onRun: () => void,
  onChange: (text: string) => void = () => {},
): SqlEditor {
  const language = new Compartment();
  const sqlLanguage = (schema: SQLNamespace) => sql({ dialect: PostgreSQL, schema, upperCaseKeywords: true });
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        Prec.highest(
          keymap.of([
            { key: "Mod-Enter", run: () => (onRun(), true) },
            { key: "Shift-Enter", run: () => (onRun(), true) },
          ]),
        ),
        basicSetup,
        language.of(sqlLanguage({})),
        EditorView.lineWrapping,
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange(update.state.doc.toString());
        }),
        EditorView.theme({ "&": { height: "100%" }, ".cm-scroller": { fontFamily: "var(--mono)" } }),
      ],
    }),
  });
  const useSchema = (refresh: boolean) =>
    completionSchema(refresh).then((schema) => view.dispatch({ effects: language.reconfigure(sqlLanguage(schema)) }));
  useSchema(false);

  return {
    view,
    text: () => view.state.doc.toString(),
    setText: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    statementAtCursor: () => {
      const { from, to } = view.state.selection.main;
      const text = view.state.doc.toString();
      if (from !== to) return text.slice(from, to);
      return statementAt(text, from);
    },
    focus: () => view.focus(),
    refreshSchema: () => void useSchema(true),
  };
}

/// The statement of `text` around offset `at`: statements end at `;` outside quotes and comments. At the
/// very end of a statement (after its `;`) that statement; when the cursor sits in blank space, the
/// nearest one before it.
export function statementAt(text: string, at: number): string {
  const bounds: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      i = close < 0 ? text.length : close;
    } else if (c === "-" && text[i + 1] === "-") {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === ";") {
      bounds.push([start, i + 1]);
      start = i + 1;
    }
  }
  bounds.push([start, text.length]);
  // Each statement from its first non-blank character.
  const statements = bounds
    .filter(([s, e]) => text.slice(s, e).replace(/;/g, "").trim() !== "")
    .map(([s, e]) => [s + (text.slice(s, e).length - text.slice(s, e).trimStart().length), e]);
  if (statements.length === 0) return "";
  let chosen = statements[0];
  for (const b of statements) if (b[0] <= at) chosen = b;
  return text.slice(chosen[0], chosen[1]).trim();
}
