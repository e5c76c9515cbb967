// Completion of bare column names: CodeMirror's SQL completion offers a table's columns after "table.",
// while people type `SELECT country, count(*) FROM demo.clicks` and expect "country" offered unqualified.
// This source offers the columns of every table the statement around the cursor names, wherever it names
// it (FROM, JOIN, TUMBLE(...)), so completion works on the select list written after the FROM clause too.

import type { Completion, CompletionContext, CompletionResult, CompletionSource } from "@codemirror/autocomplete";
import { statementAt } from "./sql_text";

/// Table name ("clicks", "demo.clicks") to its column names, as the catalog gives them.
export type ColumnsByTable = Record<string, string[]>;

/// The tables of `columns` that `statement` names, each as a whole word (quoted or not), case-insensitively.
export function tablesIn(statement: string, columns: ColumnsByTable): string[] {
  const text = statement.replace(/"/g, "").toLowerCase();
  return Object.keys(columns).filter((table) => {
    const name = table.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`(^|[^\\w.])${name}($|[^\\w])`).test(text);
  });
}

/// A completion source offering the columns of the tables the current statement names.
export function columnCompletion(columns: () => ColumnsByTable): CompletionSource {
  return (context: CompletionContext): CompletionResult | null => {
    const word = context.matchBefore(/\w*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    // After "x." the SQL language's own completion offers x's columns.
    if (context.state.sliceDoc(word.from - 1, word.from) === ".") return null;
    const known = columns();
    const statement = statementAt(context.state.doc.toString(), context.pos);
    const from = new Map<string, string[]>();
    for (const table of tablesIn(statement, known)) {
      for (const column of known[table]) from.set(column, [...(from.get(column) ?? []), table]);
    }
    if (from.size === 0) return null;
    const options: Completion[] = [...from].map(([column, tables]) => ({
      label: column,
      type: "property",
      detail: tables.join(", "),
      boost: 10,  // a column of the statement's tables before keywords and other tables
    }));
    return { from: word.from, options, validFor: /^\w*$/ };
  };
}
