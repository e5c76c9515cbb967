// A topic's events as they arrive: the newest records on top, each new one highlighted, with the rate of
// arrival, read again every second (the topic's last records and offsets, GET /api/v1/topics/{topic}).

import { getTopic, type RowsResult, type TopicDetails, type Value } from "../api";
import { button, bytes, count, h, notice, replace, stat } from "../dom";
import { type Page } from "../router";

const POLL_MS = 1000;
/// Records asked for at each poll: more than arrive in a second on a busy demo topic.
const SAMPLE = 200;
/// Records the feed keeps.
const FEED_SIZE = 200;

interface Arrived {
  key: string;
  values: Value[];
  at: number;
}

export const topicPage: Page = (root, params) => {
  const name = params.name;
  let timer: number | undefined;
  let columns: RowsResult["columns"] = [];
  let feed: Arrived[] = [];
  const seen = new Set<string>();
  let first = true;
  let previous: { messages: number; at: number } | null = null;
  /// The topic's message count when the page opened: what arrived since is the difference.
  let openedWith: number | null = null;

  const live = h("input", { type: "checkbox", name: "live", checked: true });
  const rate = h("span", { class: "status", dataset: { role: "rate" } });
  const stats = h("div", { class: "stats" });
  const body = h("div", { class: "live-feed" }, h("div", { class: "placeholder" }, "Loading…"));
  root.append(
    h("div", { class: "page topic-page" },
      h("header", { class: "toolbar" },
        h("h1", null, name), h("span", { class: "kind" }, "topic · live"), rate, h("div", { class: "grow" }),
        h("label", { class: "check", title: `Read the topic every ${POLL_MS / 1000} s` }, live, "Live"),
        button("Catalog", () => (location.hash = `#/catalog/topic/${encodeURIComponent(name)}`), { title: "The topic's schema, configs and partitions" })),
      h("div", { class: "page-body" }, stats, body)),
  );

  let busy = false;
  const poll = async () => {
    if (busy) return;  // a slow answer: skip a beat rather than pile requests up
    busy = true;
    try {
      show(await getTopic(name, SAMPLE));
    } catch (e) {
      replace(body, notice((e as Error).message, "error"));
    } finally {
      busy = false;
    }
  };

  function show(topic: TopicDetails) {
    const now = performance.now();
    if (previous && now > previous.at) {
      const perSecond = ((topic.messages - previous.messages) * 1000) / (now - previous.at);
      rate.textContent = `${perSecond.toFixed(perSecond < 10 ? 1 : 0)} events/s`;
    }
    previous = { messages: topic.messages, at: now };
    openedWith ??= topic.messages;
    replace(stats,
      stat("Messages", topic.messages.toLocaleString("en-US")),
      stat("Arrived since opened", (topic.messages - openedWith).toLocaleString("en-US")),
      stat("Partitions", String(topic.partition_count)),
      stat("Size", bytes(topic.size_bytes)));
    if ("error" in topic.sample) {
      replace(body, notice(`${topic.sample.error.code}: ${topic.sample.error.message}`, "error"));
      return;
    }
    columns = topic.sample.columns;
    const partition = columns.findIndex((c) => c.name === "_partition");
    const offset = columns.findIndex((c) => c.name === "_offset");
    // The sample is newest first: new records are those not seen before, in that order.
    const fresh: Arrived[] = [];
    for (const values of topic.sample.rows) {
      const key = `${values[partition]}:${values[offset]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      fresh.push({ key, values, at: now });
    }
    feed = [...fresh, ...feed].slice(0, FEED_SIZE);
    // Forget the oldest keys (a Set iterates in insertion order) once well past what the feed shows.
    for (const key of seen) {
      if (seen.size <= FEED_SIZE * 4) break;
      seen.delete(key);
    }
    draw(first ? 0 : fresh.length, topic.messages - openedWith);
    first = false;
  }

  function draw(fresh: number, arrived: number) {
    if (feed.length === 0) {
      replace(body, h("div", { class: "placeholder" }, "No events yet: they appear here as they arrive."));
      return;
    }
    const table = h("table", { class: "list feed", dataset: { rows: String(feed.length), arrived: String(arrived) } },
      h("thead", null, h("tr", null, ...columns.map((c) => h("th", null, c.name)))),
      h("tbody", null, ...feed.map((record, i) =>
        h("tr", { class: i < fresh ? "new" : "" }, ...record.values.map((v) => h("td", { class: v === null ? "null" : "" }, v === null ? "NULL" : String(v)))))));
    replace(body, h("p", { class: "muted" }, `The newest ${count(feed.length, "event")}, newest first; new ones are highlighted.`), table);
  }

  const schedule = () => {
    window.clearInterval(timer);
    if (live.checked) timer = window.setInterval(() => void poll(), POLL_MS);
  };
  live.addEventListener("change", schedule);
  void poll();
  schedule();
  return () => window.clearInterval(timer);
};
