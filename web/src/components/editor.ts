// The SQL editor: CodeMirror 6 with PostgreSQL highlighting and completion of keywords, and of the
// catalog's tables, views, topics and their columns (fetched once per page load, refreshed on demand).

import { basicSetup } from "codemirror";
import { EditorView, keymap } from "@codemirror/view";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import { PostgreSQL, sql, type SQLNamespace } from "@codemirror/lang-sql";
import { getCatalog } from "../api";
import { columnCompletion, type ColumnsByTable } from "./column_completion";
import { statementAt } from "./sql_text";

let schemaPromise: Promise<ColumnsByTable> | null = null;
/// The last catalog fetched, for the column completion (which must answer at once).
let knownColumns: ColumnsByTable = {};

/// Tables, views and topics with their columns, as CodeMirror's SQL completion wants them: unqualified in
/// `public`, `schema.table` elsewhere.
export function completionSchema(refresh = false): Promise<ColumnsByTable> {
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
        knownColumns = namespace;
        return namespace;
      })
      .catch(() => knownColumns);
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
  const sqlLanguage = (schema: SQLNamespace) => [
    sql({ dialect: PostgreSQL, schema, upperCaseKeywords: true }),
    PostgreSQL.language.data.of({ autocomplete: columnCompletion(() => knownColumns) }),
  ];
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
