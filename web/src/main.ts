import "./styles.css";
import { h } from "./dom";
import { Router } from "./router";
import { sqlPage } from "./pages/sql";
import { queriesPage } from "./pages/queries";
import { chartsPage, chartBuilderPage } from "./pages/charts";
import { dashboardsPage, dashboardPage } from "./pages/dashboards";
import { catalogPage } from "./pages/catalog";
import { dagsPage, dagPage } from "./pages/dags";

const sections = [
  { path: "/sql", label: "SQL", icon: "▶" },
  { path: "/queries", label: "Queries", icon: "☰" },
  { path: "/charts", label: "Charts", icon: "▦" },
  { path: "/dashboards", label: "Dashboards", icon: "▤" },
  { path: "/catalog", label: "Catalog", icon: "◫" },
  { path: "/dags", label: "Workflows", icon: "⇶" },
];

const links = sections.map((s) =>
  h("a", { href: "#" + s.path, dataset: { section: s.path } }, h("span", { class: "icon" }, s.icon), s.label),
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

new Router(content, "/sql", (path) => {
  for (const link of links) link.classList.toggle("active", path.startsWith(link.dataset.section!));
})
  .add("/sql", sqlPage)
  .add("/queries", queriesPage)
  .add("/charts", chartsPage)
  .add("/charts/new", chartBuilderPage)
  .add("/charts/:id", chartBuilderPage)
  .add("/dashboards", dashboardsPage)
  .add("/dashboards/:id", dashboardPage)
  .add("/catalog", catalogPage)
  .add("/catalog/:kind/:schema/:name", catalogPage)
  .add("/catalog/:kind/:name", catalogPage)
  .add("/dags", dagsPage)
  .add("/dags/:name", dagPage)
  .render();
