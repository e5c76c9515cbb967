// Workflows: the DAGs (and the files that did not load), and per DAG its graph, coloured by the latest
// run, and a grid of its recent runs (a column per run, a row per task) coloured by state, with a task
// attempt's logs on click. Over /api/v1/dags (docs/workflows.md); refreshed every 2 s.

import { button, h, notice, replace } from "../dom";
import type { Page } from "../router";
import { listTable } from "./list";

interface DagTask {
  id: string;
  kind: string;
  depends_on: string[];
  trigger: string;
}
interface Dag {
  name: string;
  file: string;
  schedule: string | null;
  on_table: string | null;
  timezone: string;
  paused: boolean;
  next_run: string | null;
  tasks: DagTask[];
}
interface DagList {
  dags: Dag[];
  errors: { file: string; line: number; message: string }[];
}
interface Run {
  run_id: number;
  state: string;
  run_type: string;
  logical_date: string;
  start: string;
  end: string;
  task_states: Record<string, string>;
}
interface Attempt {
  task: string;
  try_number: number;
  state: string;
  start: string;
  end: string;
  log: string;
}

const kColors: Record<string, string> = {
  success: "#2e9d5b",
  failed: "#d64545",
  upstream_failed: "#e08a2b",
  running: "#3b82f6",
  up_for_retry: "#e6c229",
  skipped: "#b9a3d6",
  queued: "#c9ced6",
  none: "#e3e6ea",
};
const color = (state: string | undefined) => kColors[state ?? "none"] ?? kColors.none;

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(json?.error?.message ?? response.statusText);
  return json as T;
}

function page(root: HTMLElement, title: string, actions: Node[], body: HTMLElement): void {
  root.append(
    h("div", { class: "page" }, h("header", { class: "toolbar" }, h("h1", null, title), h("div", { class: "grow" }), ...actions), body),
  );
}

/// Refresh `draw` every 2 s until the page is left.
function every2s(draw: () => Promise<void>): () => void {
  let stopped = false;
  const tick = async () => {
    await draw().catch(() => undefined);
    if (!stopped) timer = window.setTimeout(tick, 2000);
  };
  let timer = window.setTimeout(tick, 0);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

export const dagsPage: Page = (root) => {
  const body = h("div", { class: "page-body" }, h("div", { class: "placeholder" }, "Loading…"));
  page(root, "Workflows", [], body);
  return every2s(async () => {
    try {
      const list = await call<DagList>("GET", "/api/v1/dags");
      const rows = list.dags.map((d) => [
        h("a", { href: `#/dags/${encodeURIComponent(d.name)}` }, d.name),
        d.on_table ? `on new snapshots of ${d.on_table}` : d.schedule ?? "manual",
        d.timezone,
        d.paused ? "paused" : "active",
        d.next_run ? new Date(d.next_run).toLocaleString() : null,
        d.tasks.length,
      ]);
      replace(
        body,
        ...list.errors.map((e) => notice(e.message, "error")),
        rows.length
          ? listTable(["DAG", "Schedule", "Time zone", "State", "Next run", "Tasks"], rows)
          : h("div", { class: "placeholder" }, "No DAGs yet: put a YAML file in the data directory's dags/ folder."),
      );
    } catch (e) {
      replace(body, notice((e as Error).message, "error"));
    }
  });
};

/// The DAG as layers left to right (a task one column after its deepest upstream task), edges as lines.
function graph(dag: Dag, states: Record<string, string>): SVGSVGElement {
  const depth = new Map<string, number>();
  const depthOf = (id: string): number => {
    if (depth.has(id)) return depth.get(id)!;
    const task = dag.tasks.find((t) => t.id === id)!;
    const d = task.depends_on.length ? Math.max(...task.depends_on.map(depthOf)) + 1 : 0;
    depth.set(id, d);
    return d;
  };
  const rows = new Map<number, number>();
  const at = new Map<string, { x: number; y: number }>();
  for (const t of dag.tasks) {
    const d = depthOf(t.id);
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    at.set(t.id, { x: 20 + d * 170, y: 20 + row * 46 });
  }
  const width = 40 + (Math.max(0, ...[...rows.keys()]) + 1) * 170;
  const height = 40 + Math.max(1, ...[...rows.values()]) * 46;
  const ns = "http://www.w3.org/2000/svg";
  const el = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text) e.textContent = text;
    return e;
  };
  const svg = el("svg", { width, height, class: "dag-graph" }) as SVGSVGElement;
  for (const t of dag.tasks) {
    for (const up of t.depends_on) {
      const a = at.get(up)!, b = at.get(t.id)!;
      svg.append(el("line", { x1: a.x + 140, y1: a.y + 15, x2: b.x, y2: b.y + 15, stroke: "#9aa3ad", "stroke-width": 1.5 }));
    }
  }
  for (const t of dag.tasks) {
    const p = at.get(t.id)!;
    const g = el("g", { "data-task": t.id });
    g.append(el("rect", { x: p.x, y: p.y, width: 140, height: 30, rx: 6, fill: color(states[t.id]), stroke: "#6b7580" }));
    g.append(el("text", { x: p.x + 8, y: p.y + 19, "font-size": 12, fill: "#111" }, `${t.id} (${t.kind})`));
    g.append(el("title", {}, `${t.id}: ${states[t.id] ?? "no run yet"}`));
    svg.append(g);
  }
  return svg;
}

export const dagPage: Page = (root, params) => {
  const name = params.name;
  const base = `/api/v1/dags/${encodeURIComponent(name)}`;
  const status = h("span", { class: "status" });
  const body = h("div", { class: "page-body" }, h("div", { class: "placeholder" }, "Loading…"));
  const logs = h("div", { class: "dag-logs" });
  let paused = false;
  const pause = button("Pause", async () => {
    await call("POST", `${base}/${paused ? "unpause" : "pause"}`).catch((e) => alert((e as Error).message));
    void draw();
  });
  const trigger = button("Trigger", async () => {
    await call("POST", `${base}/runs`, {}).catch((e) => alert((e as Error).message));
    void draw();
  }, { class: "primary" });
  page(root, name, [status, pause, trigger], body);

  const showLogs = async (run: number, task: string) => {
    const answer = await call<{ attempts: Attempt[] }>("GET", `${base}/runs/${run}/tasks/${encodeURIComponent(task)}/logs`);
    replace(
      logs,
      h("h3", null, `Run ${run}, task ${task}`),
      ...answer.attempts.map((a) =>
        h("div", null, h("div", { class: "muted" }, `try ${a.try_number}: ${a.state} (${a.start} .. ${a.end || "running"})`),
          h("pre", { class: "sql-snippet", style: "background:#f6f7f9;padding:8px;border-radius:6px" }, a.log || "(no output)")),
      ),
    );
  };
  const grid = (dag: Dag, runs: Run[]) => {
    const shown = runs.slice(0, 25).reverse();  // oldest left
    const cell = (run: Run, task: string) => {
      const state = run.task_states[task] ?? "none";
      return h("td", {
        title: `run ${run.run_id} (${run.run_type}, ${run.logical_date}): ${task} ${state}`,
        style: `background:${color(state)};width:18px;height:18px;cursor:pointer;border:2px solid #fff`,
        dataset: { state },
        onclick: () => void showLogs(run.run_id, task).catch((e) => replace(logs, notice((e as Error).message, "error"))),
      });
    };
    return h(
      "table",
      { class: "dag-grid", style: "border-collapse:collapse;margin-top:16px" },
      h("tr", null, h("td", null, ""), ...shown.map((r) =>
        h("td", { title: `run ${r.run_id}: ${r.state}`, style: `background:${color(r.state)};height:8px;border:2px solid #fff` }))),
      ...dag.tasks.map((t) => h("tr", null, h("td", { style: "padding-right:10px;font-size:12px" }, t.id), ...shown.map((r) => cell(r, t.id)))),
    );
  };
  const draw = async () => {
    try {
      const [dag, list] = await Promise.all([call<Dag>("GET", base), call<{ runs: Run[] }>("GET", `${base}/runs?limit=25`)]);
      paused = dag.paused;
      pause.textContent = paused ? "Unpause" : "Pause";
      status.textContent = `${dag.schedule ?? (dag.on_table ? "on " + dag.on_table : "manual")} · ${dag.timezone}${paused ? " · paused" : ""}`;
      replace(body, graph(dag, list.runs[0]?.task_states ?? {}), list.runs.length ? grid(dag, list.runs) : h("p", { class: "muted" }, "No runs yet."), logs);
    } catch (e) {
      replace(body, notice((e as Error).message, "error"));
    }
  };
  return every2s(draw);
};
