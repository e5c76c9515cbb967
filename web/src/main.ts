import "./styles.css";
import { h } from "./dom";
import { Router, type Page } from "./router";
import { sqlPage } from "./pages/sql";
import { queriesPage } from "./pages/queries";
import { chartsPage, chartBuilderPage } from "./pages/charts";
import { dashboardsPage, dashboardPage } from "./pages/dashboards";
import { catalogPage } from "./pages/catalog";
import { topicPage } from "./pages/topic";
import { dagsPage, dagPage } from "./pages/dags";

/// The left nav: a section is highlighted while the route starts with one of its prefixes.
const sections = [
  { path: "/sql", label: "SQL", icon: "▶", prefixes: ["/sql"] },
  { path: "/queries", label: "Queries", icon: "☰", prefixes: ["/queries"] },
  { path: "/charts", label: "Charts", icon: "▦", prefixes: ["/charts"] },
  { path: "/dashboards", label: "Dashboards", icon: "▤", prefixes: ["/dashboards"] },
  { path: "/catalog", label: "Catalog", icon: "◫", prefixes: ["/catalog", "/topics"] },
  { path: "/dags", label: "Workflows", icon: "⇶", prefixes: ["/dags"] },
];

/// Every page by its route ("/charts/:id"): a new page is one line here (and a section above if the nav
/// should list it).
const routes: [string, Page][] = [
  ["/sql", sqlPage],
  ["/queries", queriesPage],
  ["/charts", chartsPage],
  ["/charts/new", chartBuilderPage],
  ["/charts/:id", chartBuilderPage],
  ["/dashboards", dashboardsPage],
  ["/dashboards/:id", dashboardPage],
  ["/catalog", catalogPage],
  ["/catalog/:kind/:schema/:name", catalogPage],
  ["/catalog/:kind/:name", catalogPage],
  ["/topics/:name", topicPage],
  ["/dags", dagsPage],
  ["/dags/:name", dagPage],
];

const links = sections.map((s) =>
  h("a", { href: "#" + s.path }, h("span", { class: "icon" }, s.icon), s.label),
);
const content = h("main", { class: "content" });
const app = document.getElementById("app")!;
app.append(
  h(
    "nav",
    { class: "sidebar" },
    h("a", { class: "brand", href: "#/sql" }, h("img", { src: "/favicon.svg", alt: "" }), "Basin"),
    ...links,
    h("div", { class: "grow" }),
    h("a", { class: "api-link", href: "/api/openapi.json", target: "_blank" }, "REST API"),
  ),
  content,
);

const router = new Router(content, "/sql", (path) => {
  sections.forEach((s, i) => links[i].classList.toggle("active", s.prefixes.some((p) => path.startsWith(p))));
});
for (const [pattern, page] of routes) router.add(pattern, page);
router.render();
