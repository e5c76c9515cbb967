// A small helper to build DOM trees without a framework.

type Child = Node | string | number | null | undefined | false;
type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], "style" | "dataset">> & {
  class?: string;
  style?: string;
  dataset?: Record<string, string>;
};

/// Create a `tag` element with `props` (properties such as onclick, value, title; `class`, `style` and
/// `dataset` as attributes) and `children` (strings become text; null and false are skipped).
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props<K> | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined) continue;
      if (key === "class") element.className = value as string;
      else if (key === "style") element.setAttribute("style", value as string);
      else if (key === "dataset") Object.assign(element.dataset, value);
      else (element as unknown as Record<string, unknown>)[key] = value;
    }
  }
  append(element, ...children);
  return element;
}

/// Append `children` to `parent`.
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/// Replace everything in `parent` with `children`.
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

/// A button that runs `action` on click.
export function button(label: string, action: () => void, props: Props<"button"> = {}): HTMLButtonElement {
  return h("button", { type: "button", onclick: () => void action(), ...props }, label);
}

/// "1,234 rows", "1 row".
export function count(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}

/// A byte count as "12.3 MB".
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "–";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/// A short message under a page's toolbar: an error (red) or a note.
export function notice(text: string, kind: "error" | "info" = "info"): HTMLElement {
  return h("div", { class: `notice ${kind}` }, text);
}

/// A figure with its label, as the catalog and topic pages show statistics.
export function stat(label: string, value: string): HTMLElement {
  return h("div", { class: "stat" }, h("div", { class: "stat-value" }, value), h("div", { class: "stat-label" }, label));
}
