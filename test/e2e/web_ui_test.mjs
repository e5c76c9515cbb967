// The web UI in headless Chromium against a real `basin server`, as a person uses it: run a query and see
// its answer in the grid; scroll 100,000 rows; build a bar chart from a small result and save it; put it
// on a new dashboard, set the dashboard to refresh every second, reload the page and see the chart drawn
// with its rows again (and refreshing); find a table in the catalog browser with its search box; see a
// DAG's graph and its run's grid turn green, and a task's log. Every wait
// is for a condition with a deadline; no sleeps.
//
//   node web_ui_test.mjs http://127.0.0.1:PORT   (CHROMIUM: the browser, default /usr/bin/chromium)
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../web/package.json"));
const puppeteer = require("puppeteer-core");

const base = process.argv[2];
const TIMEOUT = 20_000;

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  // --no-sandbox: tests run as root in CI, where Chromium's sandbox refuses to start.
  args: ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage"],
  timeout: TIMEOUT,
});
const page = await browser.newPage();
page.setDefaultTimeout(TIMEOUT);
await page.setViewport({ width: 1400, height: 900 });
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(e.message));
page.on("console", (m) => m.type() === "error" && pageErrors.push(m.text()));

let step = "start";
const check = (condition, message) => {
  if (!condition) throw new Error(message);
};
const api = async (method, route, body) => {
  const response = await fetch(base + route, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  check(response.ok, `${method} ${route}: ${response.status} ${await response.clone().text()}`);
  return response.status === 204 ? null : response.json();
};

/// Replace the editor's text with `sql` and run it with Ctrl+Enter.
async function runInEditor(sql) {
  await page.waitForSelector(".sql-page .cm-content");
  await page.click(".sql-page .cm-content");
  await page.keyboard.down("Control");
  await page.keyboard.press("a");
  await page.keyboard.up("Control");
  await page.keyboard.press("Backspace");
  // Typed text opens the completion popup; Escape closes it so that nothing is inserted by accident.
  await page.keyboard.type(sql);
  await page.keyboard.press("Escape");
  await page.keyboard.down("Control");
  await page.keyboard.press("Enter");
  await page.keyboard.up("Control");
}

/// Wait for a grid showing `rows` rows with a cell reading `text`.
async function waitForGridCell(rows, text) {
  await page.waitForFunction(
    (rows, text) =>
      [...document.querySelectorAll(`.results .grid[data-rows="${rows}"] .grid-row .grid-cell`)].some(
        (cell) => cell.textContent === text,
      ),
    { timeout: TIMEOUT },
    rows,
    text,
  );
}

/// Type `name` into the open name dialog and submit it.
async function answerNameDialog(name) {
  await page.waitForSelector(".modal-input");
  await page.type(".modal-input", name);
  await page.keyboard.press("Enter");
  await page.waitForSelector(".modal-backdrop", { hidden: true });
}

const waitForHash = (pattern) =>
  page.waitForFunction((source) => new RegExp(source).test(location.hash), { timeout: TIMEOUT }, pattern.source);

try {
  step = "open the SQL editor";
  await page.goto(`${base}/#/sql`, { waitUntil: "load" });
  const title = await page.title();
  check(title === "Basin", `page title ${title}`);

  step = "run SELECT 42 AS answer";
  await runInEditor("SELECT 42 AS answer");
  await waitForGridCell(1, "42");
  const header = await page.$eval(".results .grid-header", (e) => e.textContent);
  check(header.includes("answer"), `grid header ${header}`);
  const historyText = await page.$eval(".history-list", (e) => e.textContent);
  check(historyText.includes("SELECT 42 AS answer"), `history ${historyText}`);

  step = "100,000 rows in the grid";
  const started = Date.now();
  await runInEditor("SELECT x, x * 2 AS doubled FROM generate_series(1, 100000) g(x)");
  await waitForGridCell(100000, "1");
  const drawnRows = await page.$$eval(".results .grid-row", (rows) => rows.length);
  check(drawnRows < 200, `the grid drew ${drawnRows} rows of 100,000: it is not virtualized`);
  await page.$eval(".results .grid-viewport", (v) => (v.scrollTop = v.scrollHeight));
  await waitForGridCell(100000, "200000");
  console.log(`web_ui_test: 100,000 rows shown and scrolled to the last in ${Date.now() - started} ms`);

  step = "chart a small result";
  await runInEditor("SELECT 'k' || x AS k, x * 10 AS v FROM generate_series(1, 3) g(x)");
  await waitForGridCell(3, "k3");
  await page.click("xpath/.//button[normalize-space()='Chart']");
  await waitForHash(/^#\/charts\/new$/);
  await page.waitForSelector('.chart-preview .chart[data-rows="3"] canvas');
  await page.select("select[name=type]", "bar");
  await page.select("select[name=x]", "k");
  const yChecked = await page.$eval('input[name=y][value="v"]', (e) => e.checked);
  if (!yChecked) await page.click('input[name=y][value="v"]');
  await page.waitForSelector('.chart-preview .chart-bar[data-rows="3"] canvas');

  step = "save the chart";
  await page.click("[data-action=save-chart]");
  await answerNameDialog("Test bar chart");
  await waitForHash(/^#\/charts\/\d+$/);
  const chartId = Number((await page.evaluate(() => location.hash)).split("/")[2]);
  const chart = await api("GET", `/api/v1/charts/${chartId}`);
  check(chart.name === "Test bar chart" && chart.type === "bar" && chart.x === "k" && chart.y.join() === "v",
    `saved chart ${JSON.stringify(chart)}`);

  step = "a dashboard with the chart";
  await page.goto(`${base}/#/dashboards`, { waitUntil: "load" });
  await page.click("[data-action=new-dashboard]");
  await answerNameDialog("Test dashboard");
  await waitForHash(/^#\/dashboards\/\d+$/);
  const dashboardId = Number((await page.evaluate(() => location.hash)).split("/")[2]);
  await page.waitForSelector(`select[name=add-chart] option[value="${chartId}"]`);
  await page.select("select[name=add-chart]", String(chartId));
  await page.click("[data-action=add-chart]");
  const card = `.card[data-chart-id="${chartId}"]`;
  await page.waitForSelector(`${card} .chart[data-rows="3"] canvas`);
  const savedStatus = () =>
    page.waitForFunction(() => document.querySelector("[data-role=save-status]")?.textContent === "Saved", { timeout: TIMEOUT });
  await savedStatus();
  await page.select("select[name=refresh]", "1");
  await savedStatus();
  const dashboard = await api("GET", `/api/v1/dashboards/${dashboardId}`);
  check(dashboard.charts.length === 1 && dashboard.charts[0].chart_id === chartId && dashboard.refresh_seconds === 1,
    `saved dashboard ${JSON.stringify(dashboard)}`);

  step = "reload the dashboard";
  await page.reload({ waitUntil: "load" });
  await page.waitForSelector(`${card} .chart[data-rows="3"] canvas`);
  const refresh = await page.$eval("select[name=refresh]", (e) => e.value);
  check(refresh === "1", `refresh after reload: ${refresh}`);
  const cardTitle = await page.$eval(`${card} .card-header a`, (e) => e.textContent);
  check(cardTitle === "Test bar chart", `card title ${cardTitle}`);
  // The chart drew bars: ECharts painted its canvas.
  const painted = await page.$eval(`${card} canvas`, (canvas) => {
    const context = canvas.getContext("2d");
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let colored = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && (data[i] < 200 || data[i + 2] < 200)) colored++;
    return colored;
  });
  check(painted > 500, `the chart's canvas is (nearly) blank: ${painted} colored pixels`);
  // Refreshed every second: the footer's time moves on.
  const footer = await page.$eval(`${card} .card-footer`, (e) => e.textContent);
  await page.waitForFunction((selector, before) => document.querySelector(selector)?.textContent !== before,
    { timeout: TIMEOUT }, `${card} .card-footer`, footer);

  step = "the catalog browser";
  await api("POST", "/api/v1/sql", { sql: "CREATE TABLE web_orders (id BIGINT NOT NULL, amount DECIMAL(10,2))" });
  await api("POST", "/api/v1/sql", { sql: "INSERT INTO web_orders VALUES (1, 9.50), (2, 12.25)" });
  await api("POST", "/api/v1/sql", { sql: "CREATE TABLE web_users (name VARCHAR)" });
  await page.goto(`${base}/#/catalog`, { waitUntil: "load" });
  await page.waitForSelector(".tree-item");
  await page.type("input[name=search]", "amount");  // a column name finds its table
  await page.waitForFunction(() => {
    const items = [...document.querySelectorAll(".tree-item")].map((e) => e.textContent);
    return items.some((t) => t.includes("web_orders")) && !items.some((t) => t.includes("web_users"));
  }, { timeout: TIMEOUT });
  await page.click("xpath/.//a[contains(@class,'tree-item')][contains(., 'web_orders')]");
  await waitForHash(/^#\/catalog\/table\/public\/web_orders$/);
  await page.waitForFunction(() => document.querySelector(".detail .stats")?.textContent.includes("2Rows"), { timeout: TIMEOUT });
  await page.waitForFunction(
    () => [...document.querySelectorAll(".detail .grid-cell")].some((c) => c.textContent === "12.25"),
    { timeout: TIMEOUT });

  step = "the workflows page";
  const created = await fetch(base + "/api/v1/dags", {
    method: "POST",
    body: "name: web_flow\ntasks:\n  first: {kind: noop}\n  second: {kind: shell, depends_on: [first], command: \"echo hi\"}\n",
  });
  check(created.status === 201, `POST /api/v1/dags answered ${created.status}`);
  await api("POST", "/api/v1/dags/web_flow/runs", {});
  await page.goto(`${base}/#/dags`, { waitUntil: "load" });
  // The page redraws every 2 s: find and click in one step in the page, so the element cannot go stale.
  const clickIn = (selector, text) => page.waitForFunction((s, t) => {
    const e = [...document.querySelectorAll(s)].find((x) => x.textContent.includes(t));
    if (e) e.click();
    return Boolean(e);
  }, { timeout: TIMEOUT }, selector, text);
  await clickIn("a", "web_flow");
  await waitForHash(/^#\/dags\/web_flow$/);
  // The graph has both tasks, and the run's cells turn green (success) in the grid.
  await page.waitForSelector("svg.dag-graph g[data-task=second]");
  await page.waitForFunction(() => document.querySelectorAll(".dag-grid td[data-state=success]").length === 2, { timeout: TIMEOUT });
  await clickIn(".dag-grid td[data-state=success]:last-child", "");
  await page.waitForFunction(() => document.querySelector(".dag-logs")?.textContent.includes("try 1: success"), { timeout: TIMEOUT });

  check(pageErrors.length === 0, `errors in the page: ${pageErrors.join("; ")}`);
  console.log("web_ui_test: all checks passed");
} catch (e) {
  console.error(`FAIL (${step}): ${e.message}`);
  if (pageErrors.length) console.error(`errors in the page: ${pageErrors.join("; ")}`);
  try {
    const shot = path.join(process.env.WORK || "/tmp", "web_ui_failure.png");
    await page.screenshot({ path: shot });
    console.error(`screenshot: ${shot}`);
  } catch {}
  process.exitCode = 1;
} finally {
  await browser.close();
}
