// The web UI in headless Chromium (Debian's chromium, driven by playwright-core) against a real `basin
// server`, as a person uses it:
//  - the editor completes a table's name and, in a statement naming that table, its columns;
//  - run a query and see its answer in the grid and the history; scroll 100,000 rows; cancel a running
//    statement; download a result as CSV;
//  - build a bar chart from a result and save it; put it on a new dashboard refreshing every second; reload
//    the page and see the chart drawn with its rows again (and refreshing);
//  - shared filters: a {{variable}} in one chart's SQL and a column filter on another's result;
//  - find a table in the catalog browser with its search box and see its statistics and rows;
//  - a topic's page showing an event posted meanwhile arrive;
//  - a DAG's graph and its run's grid turning green, and a task's log.
// Every wait is for a condition with a deadline; no sleeps.
//
//   node web_ui_test.mjs http://127.0.0.1:PORT   (CHROMIUM: the browser, default /usr/bin/chromium)
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { readFile } from "node:fs/promises";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../web/package.json"));
const { chromium } = require("playwright-core");

const base = process.argv[2];
const TIMEOUT = 20_000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  // --no-sandbox: tests run as root in CI, where Chromium's sandbox refuses to start.
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  timeout: TIMEOUT,
});
const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
const page = await context.newPage();
page.setDefaultTimeout(TIMEOUT);
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(e.message));
// A cancelled statement answers 400, which Chromium logs as a failed resource: not an error of the page.
page.on("console", (m) => m.type() === "error" && !/status of 400/.test(m.text()) && pageErrors.push(m.text()));

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
const sql = (text) => api("POST", "/api/v1/sql", { sql: text });
const waitFor = (predicate, arg) => page.waitForFunction(predicate, arg, { timeout: TIMEOUT });

/// Replace the editor's text with `text` (closing the completion popup typing opens).
async function typeInEditor(text) {
  await page.click(".sql-page .cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.type(text);
  await page.keyboard.press("Escape");
}

/// Replace the editor's text with `text` and run it with Ctrl+Enter.
async function runInEditor(text) {
  await typeInEditor(text);
  await page.keyboard.press("Control+Enter");
}

/// Wait for the results grid showing `rows` rows with a cell reading `text`.
const waitForGridCell = (rows, text) =>
  waitFor(([rows, text]) => [...document.querySelectorAll(`.results .grid[data-rows="${rows}"] .grid-row .grid-cell`)]
    .some((cell) => cell.textContent === text), [rows, text]);

/// The labels the open completion popup offers.
const completions = () => page.$$eval(".cm-tooltip-autocomplete li .cm-completionLabel", (items) => items.map((i) => i.textContent));
const waitForCompletion = (label) =>
  waitFor((label) => [...document.querySelectorAll(".cm-tooltip-autocomplete li .cm-completionLabel")]
    .some((i) => i.textContent === label), label);

/// Type `name` into the open name dialog and submit it.
async function answerNameDialog(name) {
  await page.fill(".modal-input", name);
  await page.keyboard.press("Enter");
  await page.waitForSelector(".modal-backdrop", { state: "detached" });
}

const waitForHash = (pattern) => waitFor((source) => new RegExp(source).test(location.hash), pattern.source);
const hashId = async () => Number((await page.evaluate(() => location.hash)).split(/[/?]/)[2]);

try {
  step = "tables and a topic to work on";
  await sql("CREATE TABLE web_orders (id BIGINT NOT NULL, amount DECIMAL(10,2))");
  await sql("INSERT INTO web_orders VALUES (1, 9.50), (2, 12.25)");
  await sql("CREATE TABLE web_users (name VARCHAR)");
  await sql("CREATE TOPIC web_events (user_id BIGINT, url VARCHAR) WITH (partitions = 2)");
  await api("POST", "/api/v1/topics/web_events/events", [{ user_id: 1, url: "/first" }]);

  step = "open the SQL editor";
  await page.goto(`${base}/#/sql`, { waitUntil: "load" });
  check((await page.title()) === "Basin", `page title ${await page.title()}`);
  await page.waitForSelector(".sql-page .cm-content");

  step = "complete a table's name, then a column of the table the statement names";
  await typeInEditor("SELECT * FROM web_ord");
  await page.keyboard.press("Control+Space");
  await waitForCompletion("web_orders");
  await typeInEditor("SELECT  FROM web_orders");
  await page.keyboard.press("Home");
  for (let i = 0; i < "SELECT ".length; i++) await page.keyboard.press("ArrowRight");
  await page.keyboard.type("amo");
  await waitForCompletion("amount");
  check(!(await completions()).includes("name"), `a column of a table the statement does not name is offered: ${await completions()}`);
  // Take the completion with a click. CodeMirror ignores clicks in the first moments after the popup
  // opens (its interactionDelay), so click until the text changes, with a deadline.
  const editorText = () => page.$eval(".sql-page .cm-content", (e) => e.textContent);
  for (const deadline = Date.now() + TIMEOUT; (await editorText()) !== "SELECT amount FROM web_orders";) {
    check(Date.now() < deadline, `after completion the editor holds: ${await editorText()}`);
    await page.locator(".cm-tooltip-autocomplete li").filter({ has: page.locator(".cm-completionLabel", { hasText: /^amount$/ }) })
      .click({ timeout: 1000 }).catch(() => {});
  }

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

  step = "cancel a running statement";
  await runInEditor("SELECT pg_sleep(60)");
  await page.waitForSelector("[data-action=cancel]:not([disabled])");
  await page.click("[data-action=cancel]");
  await waitFor(() => document.querySelector("[data-role=sql-status]")?.textContent === "Cancelled");
  await page.waitForSelector(".results .notice.info >> text=Cancelled after");
  check(await page.$eval("[data-action=cancel]", (b) => b.disabled), "Cancel is still enabled after the statement ended");

  step = "download a result as CSV";
  await runInEditor("SELECT 'k' || x AS k, x * 10 AS v FROM generate_series(1, 3) g(x)");
  await waitForGridCell(3, "k3");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("button:text-is('Download CSV')")]);
  const csv = await readFile(await download.path(), "utf8");
  check(csv === "k,v\nk1,10\nk2,20\nk3,30\n" || csv === "k,v\r\nk1,10\r\nk2,20\r\nk3,30\r\n", `downloaded CSV: ${JSON.stringify(csv)}`);
  check(download.suggestedFilename().endsWith(".csv"), `download named ${download.suggestedFilename()}`);

  step = "chart the result";
  await page.click("button:text-is('Chart')");
  await waitForHash(/^#\/charts\/new$/);
  await page.waitForSelector('.chart-preview .chart[data-rows="3"] canvas');
  await page.selectOption("select[name=type]", "bar");
  await page.selectOption("select[name=x]", "k");
  await page.check('input[name=y][value="v"]');
  await page.waitForSelector('.chart-preview .chart-bar[data-rows="3"] canvas');

  step = "save the chart";
  await page.click("[data-action=save-chart]");
  await answerNameDialog("Test bar chart");
  await waitForHash(/^#\/charts\/\d+$/);
  const chartId = await hashId();
  const chart = await api("GET", `/api/v1/charts/${chartId}`);
  check(chart.name === "Test bar chart" && chart.type === "bar" && chart.x === "k" && chart.y.join() === "v",
    `saved chart ${JSON.stringify(chart)}`);

  step = "a dashboard with the chart";
  await page.goto(`${base}/#/dashboards`, { waitUntil: "load" });
  await page.click("[data-action=new-dashboard]");
  await answerNameDialog("Test dashboard");
  await waitForHash(/^#\/dashboards\/\d+$/);
  const dashboardId = await hashId();
  await page.waitForSelector(`select[name=add-chart] option[value="${chartId}"]`, { state: "attached" });
  await page.selectOption("select[name=add-chart]", String(chartId));
  await page.click("[data-action=add-chart]");
  const card = `.card[data-chart-id="${chartId}"]`;
  await page.waitForSelector(`${card} .chart[data-rows="3"] canvas`);
  const saved = () => waitFor(() => document.querySelector("[data-role=save-status]")?.textContent === "Saved");
  await saved();
  await page.selectOption("select[name=refresh]", "1");
  await saved();
  const dashboard = await api("GET", `/api/v1/dashboards/${dashboardId}`);
  check(dashboard.charts.length === 1 && dashboard.charts[0].chart_id === chartId && dashboard.refresh_seconds === 1,
    `saved dashboard ${JSON.stringify(dashboard)}`);

  step = "reload the dashboard";
  await page.reload({ waitUntil: "load" });
  await page.waitForSelector(`${card} .chart[data-rows="3"] canvas`);
  check((await page.$eval("select[name=refresh]", (e) => e.value)) === "1", "the refresh choice is lost on reload");
  const cardTitle = await page.$eval(`${card} .card-header a`, (e) => e.textContent);
  check(cardTitle === "Test bar chart", `card title ${cardTitle}`);
  // The chart drew bars: ECharts painted its canvas.
  const painted = await page.$eval(`${card} canvas`, (canvas) => {
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let colored = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && (data[i] < 200 || data[i + 2] < 200)) colored++;
    return colored;
  });
  check(painted > 500, `the chart's canvas is (nearly) blank: ${painted} colored pixels`);
  // Refreshed every second: the footer's time moves on.
  const footer = await page.$eval(`${card} .card-footer`, (e) => e.textContent);
  await waitFor(([selector, before]) => document.querySelector(selector)?.textContent !== before, [`${card} .card-footer`, footer]);

  step = "shared filters: a variable and a column filter";
  const orders = await api("POST", "/api/v1/charts", {
    name: "Order by id", type: "table", sql: "SELECT id, amount FROM web_orders WHERE CAST(id AS VARCHAR) = {{order_id}} OR {{order_id}} = ''",
  });
  await api("PUT", `/api/v1/dashboards/${dashboardId}`, {
    ...dashboard, charts: [...dashboard.charts, { chart_id: orders.id, w: 6, h: 4 }], filters: [{ name: "order_id", value: "", values_sql: "SELECT id FROM web_orders ORDER BY id" }],
  });
  await page.reload({ waitUntil: "load" });
  const ordersCard = `.card[data-chart-id="${orders.id}"]`;
  await page.waitForSelector(`${ordersCard} .chart[data-rows="2"]`);
  // The box offers the values its query lists (Grafana's query variable).
  await waitFor(() => [...document.querySelectorAll("#filter-values-order_id option")].map((o) => o.value).join() === "1,2");
  await page.fill("input[name=filter-order_id]", "2");
  await page.press("input[name=filter-order_id]", "Enter");
  await page.waitForSelector(`${ordersCard} .chart[data-rows="1"] .grid-cell:text-is("12.25")`);
  await page.waitForSelector(`${card} .chart[data-rows="3"]`);  // no {{order_id}}, no column order_id
  await page.click("[data-action=add-filter]");
  await answerNameDialog("k");
  await page.click("[data-action=filter-values-k]");
  await answerNameDialog("SELECT 'k' || x FROM generate_series(1, 3) g(x)");
  await waitFor(() => [...document.querySelectorAll("#filter-values-k option")].map((o) => o.value).join() === "k1,k2,k3");
  await page.fill("input[name=filter-k]", "k2");
  await page.press("input[name=filter-k]", "Enter");
  await page.waitForSelector(`${card}[data-filtered-by="k"] .chart[data-rows="1"] canvas`);
  await page.waitForSelector(`${ordersCard} .chart[data-rows="1"]`);  // it has no column k
  await saved();
  const filters = (await api("GET", `/api/v1/dashboards/${dashboardId}`)).filters;
  check(JSON.stringify(filters) === JSON.stringify([
    { name: "order_id", value: "2", values_sql: "SELECT id FROM web_orders ORDER BY id" },
    { name: "k", value: "k2", values_sql: "SELECT 'k' || x FROM generate_series(1, 3) g(x)" },
  ]),
    `saved filters ${JSON.stringify(filters)}`);
  // A link may set a filter's value (as Grafana's var-NAME).
  await page.goto(`${base}/#/dashboards/${dashboardId}?var-order_id=1&var-k=`, { waitUntil: "load" });
  await page.waitForSelector(`${ordersCard} .chart[data-rows="1"] .grid-cell:text-is("9.50")`);
  await page.waitForSelector(`${card}[data-filtered-by=""] .chart[data-rows="3"]`);

  step = "the catalog browser";
  await page.goto(`${base}/#/catalog`, { waitUntil: "load" });
  await page.waitForSelector(".tree-item");
  await page.fill("input[name=search]", "amount");  // a column name finds its table
  await waitFor(() => {
    const items = [...document.querySelectorAll(".tree-item")].map((e) => e.textContent);
    return items.some((t) => t.includes("web_orders")) && !items.some((t) => t.includes("web_users"));
  });
  await page.click(".tree-item:has-text('web_orders')");
  await waitForHash(/^#\/catalog\/table\/public\/web_orders$/);
  await waitFor(() => document.querySelector(".detail .stats")?.textContent.includes("2Rows"));
  await waitFor(() => [...document.querySelectorAll(".detail .grid-cell")].some((c) => c.textContent === "12.25"));

  step = "a topic's events arriving live";
  await page.fill("input[name=search]", "web_events");
  await page.click(".tree-item:has-text('web_events')");
  await page.click("[data-action=watch-live]");
  await waitForHash(/^#\/topics\/web_events$/);
  await page.waitForSelector(".live-feed td:text-is('/first')");
  await api("POST", "/api/v1/topics/web_events/events", [{ user_id: 7, url: "/arrived-live" }]);
  await page.waitForSelector(".live-feed tr.new td:text-is('/arrived-live')");
  await waitFor(() => Number(document.querySelector(".live-feed table")?.dataset.arrived) >= 1);

  step = "the workflows page";
  const created = await fetch(base + "/api/v1/dags", {
    method: "POST",
    body: "name: web_flow\ntasks:\n  first: {kind: noop}\n  second: {kind: shell, depends_on: [first], command: \"echo hi\"}\n",
  });
  check(created.status === 201, `POST /api/v1/dags answered ${created.status}`);
  await api("POST", "/api/v1/dags/web_flow/runs", {});
  await page.goto(`${base}/#/dags`, { waitUntil: "load" });
  // The page redraws every 2 s: find and click in one step in the page, so the element cannot go stale.
  const clickIn = (selector, text) => waitFor(([s, t]) => {
    const e = [...document.querySelectorAll(s)].find((x) => x.textContent.includes(t));
    if (e) e.click();
    return Boolean(e);
  }, [selector, text]);
  await clickIn("a", "web_flow");
  await waitForHash(/^#\/dags\/web_flow$/);
  // The graph has both tasks, and the run's cells turn green (success) in the grid.
  await page.waitForSelector("svg.dag-graph g[data-task=second]");
  await waitFor(() => document.querySelectorAll(".dag-grid td[data-state=success]").length === 2);
  await clickIn(".dag-grid td[data-state=success]:last-child", "");
  await waitFor(() => document.querySelector(".dag-logs")?.textContent.includes("try 1: success"));

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
