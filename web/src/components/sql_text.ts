// Splitting SQL text into statements, outside quotes and comments.

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
