#!/usr/bin/env node
// Web UI benchmark: how long the UI in headless Chromium (Debian's chromium, driven by playwright-core from
// web/node_modules) takes to show a 100,000-row result and to draw a 12-chart dashboard, against a `basin
// server` on a fresh data directory. Median (and min, max) of N runs. See README.md.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const { chromium } = createRequire(join(here, "../../web/package.json"))("playwright-core");

const options = {
  basin: resolve(process.env.BASIN ?? join(here, "../../build/basin")),
  chromium: process.env.CHROMIUM ?? "/usr/bin/chromium",
  runs: Number(process.env.RUNS ?? 5),
  rows: 100_000,
};
for (let i = 2; i < process.argv.length; i++) {
  const [flag, inline] = process.argv[i].split("=", 2);
  const value = () => inline ?? process.argv[++i];
  if (flag === "--basin") options.basin = resolve(value());
  else if (flag === "--chromium") options.chromium = value();
  else if (flag === "--runs") options.runs = Number(value());
  else {
    console.error(`unknown option ${process.argv[i]}\nusage: run.mjs [--basin PATH] [--chromium PATH] [--runs N]`);
    process.exit(2);
  }
}

const TIMEOUT = 60_000;
const ROWS_SQL = `SELECT x AS id, x * 2 AS doubled, 'row ' || x AS label, x / 7.0 AS ratio FROM generate_series(1, ${options.rows}) g(x)`;

/// Start `basin server` on a fresh data directory; its HTTP base address and a way to stop it.
async function startServer() {
  const data = mkdtempSync(join(tmpdir(), "basin-web-bench-"));
  const server = spawn(options.basin, ["server", "--data", join(data, "data"), "--http-port", "0", "--pg-port", "0", "--kafka-port", "0"],
    { stdio: ["ignore", "pipe", "inherit"] });
  const base = await new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (chunk) => {
      out += chunk;
      const match = /http listening on (\S+)/.exec(out);
      if (match) resolve(`http://${match[1]}`);
    });
    server.on("exit", (code) => reject(new Error(`basin server exited (${code}) before listening`)));
  });
  return {
    base,
    stop: async () => {
      const exited = new Promise((resolve) => server.on("exit", resolve));
      server.kill("SIGTERM");
      await exited;
      rmSync(data, { recursive: true, force: true });
    },
  };
}

async function api(base, method, route, body) {
  const response = await fetch(base + route, {
    method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

/// The 12 charts of the dashboard: every type, over a 100,000-row table of events.
const CHARTS = [
  ["Events per minute", "line", "SELECT minute, count(*) AS events FROM bench_events GROUP BY 1 ORDER BY 1", "minute", ["events"]],
  ["Revenue per minute", "area", "SELECT minute, sum(revenue) AS revenue FROM bench_events GROUP BY 1 ORDER BY 1", "minute", ["revenue"]],
  ["Events by country", "bar", "SELECT country, count(*) AS events FROM bench_events GROUP BY 1 ORDER BY 2 DESC", "country", ["events"]],
  ["Events by device", "pie", "SELECT device, count(*) AS events FROM bench_events GROUP BY 1", "device", ["events"]],
  ["Duration against revenue", "scatter", "SELECT duration, revenue FROM bench_events WHERE id % 50 = 0", "duration", ["revenue"]],
  ["Events", "number", "SELECT count(*) AS events FROM bench_events", undefined, ["events"]],
  ["Revenue", "number", "SELECT sum(revenue) AS revenue FROM bench_events", undefined, ["revenue"]],
  ["Top pages", "table", "SELECT page, count(*) AS events, sum(revenue) AS revenue FROM bench_events GROUP BY 1 ORDER BY 2 DESC", "page", ["events"]],
  ["Country by device", "bar", "SELECT country, device, count(*) AS events FROM bench_events GROUP BY 1, 2 ORDER BY 1, 2", "country", ["events"], "device"],
  ["Minute by device", "line", "SELECT minute, device, count(*) AS events FROM bench_events GROUP BY 1, 2 ORDER BY 1, 2", "minute", ["events"], "device"],
  ["Average duration", "number", "SELECT avg(duration) AS duration FROM bench_events", undefined, ["duration"]],
  ["Last events", "table", "SELECT * FROM bench_events ORDER BY id DESC LIMIT 200", "id", ["revenue"]],
];

async function setUp(base) {
  await api(base, "POST", "/api/v1/sql", { sql: "CREATE TABLE bench_events (id BIGINT, minute BIGINT, country VARCHAR, device VARCHAR, page VARCHAR, duration INTEGER, revenue DOUBLE)" });
  await api(base, "POST", "/api/v1/sql", {
    sql: "INSERT INTO bench_events SELECT x, x / 1000, 'C' || (x % 17), 'D' || (x % 4), '/page/' || (x % 50), " +
      "CAST(x % 997 AS INTEGER), (x % 113) / 10.0 FROM generate_series(1, 100000) g(x)",
  });
  const ids = [];
  for (const [name, type, sql, x, y, series] of CHARTS) ids.push((await api(base, "POST", "/api/v1/charts", { name, type, sql, x, y, series })).id);
  const dashboard = await api(base, "POST", "/api/v1/dashboards", { name: "Twelve charts", charts: ids.map((chart_id) => ({ chart_id, w: 4, h: 4 })) });
  return dashboard.id;
}

/// Milliseconds from submitting the 100,000-row query (Ctrl+Enter) to the grid showing its first rows, and
/// from setting the grid's scroll to its end to the last row showing.
async function measureRows(page, base) {
  await page.goto(`${base}/#/queries`);
  await page.evaluate((sql) => localStorage.setItem("basin.draft", sql), ROWS_SQL);
  await page.goto(`${base}/#/sql`);
  await page.waitForSelector(".sql-page .cm-content");
  await page.click(".sql-page .cm-content");
  const start = await page.evaluate(() => performance.now());
  await page.keyboard.press("Control+Enter");
  const shown = await page.waitForFunction((rows) => {
    const cells = document.querySelectorAll(`.results .grid[data-rows="${rows}"] .grid-row:first-child .grid-cell`);
    return cells.length > 1 && cells[1].textContent === "1" && performance.now();
  }, options.rows, { polling: "raf", timeout: TIMEOUT });
  const scrollStart = await page.evaluate(() => {
    const viewport = document.querySelector(".results .grid-viewport");
    viewport.scrollTop = viewport.scrollHeight;
    return performance.now();
  });
  const scrolled = await page.waitForFunction((last) =>
    [...document.querySelectorAll(".results .grid-row .grid-cell:nth-child(2)")].some((c) => c.textContent === last) && performance.now(),
  String(options.rows), { polling: "raf", timeout: TIMEOUT });
  return { show: (await shown.jsonValue()) - start, scroll: (await scrolled.jsonValue()) - scrollStart };
}

/// Milliseconds from navigating to the dashboard to all 12 charts drawn with their rows.
async function measureDashboard(page, base, id) {
  await page.goto("about:blank");
  const start = Date.now();
  await page.goto(`${base}/#/dashboards/${id}`, { waitUntil: "commit" });
  await page.waitForFunction((n) => {
    const charts = [...document.querySelectorAll(".card .chart[data-rows]")];
    return charts.length === n && charts.every((c) => c.querySelector("canvas, .big-number, .grid-row"));
  }, CHARTS.length, { polling: "raf", timeout: TIMEOUT });
  return Date.now() - start;
}

/// Milliseconds for the same 100,000-row result fetched as the UI fetches it, without a browser.
async function measureFetch(base) {
  const start = performance.now();
  const result = await (await fetch(`${base}/api/v1/sql`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ sql: ROWS_SQL, limit: options.rows }),
  })).json();
  if (result.rows.length !== options.rows) throw new Error(`fetched ${result.rows.length} rows`);
  return performance.now() - start;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const summary = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${median(values).toFixed(0).padStart(6)} ms   (min ${sorted[0].toFixed(0)}, max ${sorted.at(-1).toFixed(0)})`;
};

const server = await startServer();
const browser = await chromium.launch({ executablePath: options.chromium, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
try {
  const dashboardId = await setUp(server.base);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const fetches = [], shows = [], scrolls = [], dashboards = [];
  await measureRows(page, server.base);  // a first run warms the server and the browser's caches
  await measureDashboard(page, server.base, dashboardId);
  for (let run = 0; run < options.runs; run++) {
    fetches.push(await measureFetch(server.base));
    const rows = await measureRows(page, server.base);
    shows.push(rows.show);
    scrolls.push(rows.scroll);
    dashboards.push(await measureDashboard(page, server.base, dashboardId));
  }
  console.log(`Web UI in headless Chromium ${browser.version()} against basin server; median of ${options.runs} runs`);
  console.log(`  100,000 rows x 4 columns: submit -> grid shows rows  ${summary(shows)}`);
  console.log(`    the same JSON fetched by node, no browser         ${summary(fetches)}`);
  console.log(`  100,000 rows: scroll to the end -> last row drawn    ${summary(scrolls)}`);
  console.log(`  12-chart dashboard: navigation -> all 12 drawn       ${summary(dashboards)}`);
} finally {
  await browser.close();
  await server.stop();
}
