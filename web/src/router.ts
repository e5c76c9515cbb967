// Hash routes ("#/charts/3"): the server serves one page, and every view is addressable and reloadable.

/// A page draws itself into `root`; it may return a function that stops what it started (timers, charts).
export type Page = (root: HTMLElement, params: Record<string, string>, query: URLSearchParams) => (() => void) | void;

interface Route {
  segments: string[];
  page: Page;
}

export class Router {
  private routes: Route[] = [];
  private cleanup: (() => void) | void = undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly fallback: string,
    private readonly onNavigate: (path: string) => void,
  ) {
    window.addEventListener("hashchange", () => this.render());
  }

  /// Serve `pattern` ("/charts/:id") with `page`.
  add(pattern: string, page: Page): this {
    this.routes.push({ segments: pattern.split("/").filter(Boolean), page });
    return this;
  }

  /// Draw the page the location names (or go to the fallback).
  render(): void {
    const hash = location.hash.replace(/^#/, "");
    const [path, search = ""] = hash.split("?", 2);
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    for (const route of this.routes) {
      const params = match(route.segments, parts);
      if (!params) continue;
      if (this.cleanup) this.cleanup();
      this.root.replaceChildren();
      this.onNavigate("/" + parts.join("/"));
      this.cleanup = route.page(this.root, params, new URLSearchParams(search));
      return;
    }
    location.replace("#" + this.fallback);
  }
}

function match(segments: string[], parts: string[]): Record<string, string> | null {
  if (segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    if (segments[i].startsWith(":")) params[segments[i].slice(1)] = parts[i];
    else if (segments[i] !== parts[i]) return null;
  }
  return params;
}

/// Go to `path` ("/charts/3").
export function navigate(path: string): void {
  location.hash = "#" + path;
}
