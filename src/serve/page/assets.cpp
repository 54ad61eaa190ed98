// The status page's stylesheet and script, inlined in every page: no CDN and no second request.
// The script only ever writes data with textContent and setAttribute (never innerHTML), so that
// hostile target names and error text stay text.
#include "serve/page/render.hpp"

namespace fleetcheck::serve::page {

const std::string_view page_css = R"css(
:root{--ok:#1a7f37;--bad:#c7130a;--warn:#9a6700;--unk:#6e7781;--bg:#fff;--fg:#1f2328;--line:#d0d7de}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--line:#30363d;--ok:#3fb950;--bad:#f85149;--warn:#d29922;--unk:#8b949e}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg)}
header,main,footer{max-width:1200px;margin:0 auto;padding:0 12px}
h1{font-size:1.4em;margin:.6em 0 .2em}h2{font-size:1.1em;margin:1em 0 .4em}
a{color:inherit}
.st-healthy{--c:var(--ok)}.st-unhealthy{--c:var(--bad)}.st-degraded{--c:var(--warn)}.st-unknown{--c:var(--unk)}
.counts span[class]{color:var(--c);font-weight:600}
.badge{display:inline-block;padding:0 .5em;border-radius:1em;background:var(--c);color:#fff;font-size:.85em}
.groups{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:6px}
.groups li{border:1px solid var(--line);border-left:4px solid var(--c);border-radius:4px;padding:2px 8px}
.groups .n{color:var(--unk);font-size:.85em}
.filter{display:flex;flex-wrap:wrap;gap:6px;margin-bottom:6px}
.filter input{flex:1 1 12em;min-width:0}
.filter input,.filter select,.filter button{font:inherit;padding:4px 6px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 6px;border-bottom:1px solid var(--line);vertical-align:top}
td.name small{display:block;color:var(--unk)}
tr.st-unhealthy td:first-child,tr.st-degraded td:first-child{border-left:4px solid var(--c)}
td.error{word-break:break-word;max-width:28em}
td.spark{color:var(--unk)}
.pages{margin:8px 0}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}
.facts dt{color:var(--unk)}.facts dd{margin:0;word-break:break-word}
.chart{width:100%;height:160px;border:1px solid var(--line)}
.chart .fail{fill:var(--bad)}.chart .pass{fill:var(--ok)}.chart .axis{font-size:10px;fill:var(--unk)}
footer{color:var(--unk);font-size:.8em;margin-top:1em}
@media (max-width:700px){
 thead{display:none}
 table,tbody,tr,td{display:block;width:100%}
 tr{border:1px solid var(--line);border-radius:6px;margin-bottom:8px;padding:4px}
 td{border:0;padding:2px 4px}
 td.up{display:inline-block;width:auto}
 td.up::before{content:"uptime ";color:var(--unk)}
}
)css";

const std::string_view page_js = R"js(
(function () {
  "use strict";
  var every = 5000;
  var form = document.getElementById("filter");
  var svgNS = "http://www.w3.org/2000/svg";
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function pct(v) { return v === null ? "\u2013" : (v * 100).toFixed(2) + "%"; }
  function spark(ms) {
    if (!ms.length) return null;
    var w = 90, h = 20, top = Math.max(1, Math.max.apply(null, ms));
    var step = ms.length > 1 ? w / (ms.length - 1) : 0, pts = [];
    for (var i = 0; i < ms.length; i++)
      pts.push((i * step).toFixed(1) + "," + (h - 1 - ms[i] / top * (h - 2)).toFixed(1));
    var svg = document.createElementNS(svgNS, "svg");
    svg.setAttribute("class", "spark"); svg.setAttribute("width", w); svg.setAttribute("height", h);
    svg.setAttribute("viewBox", "0 0 " + w + " " + h); svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "latency, last " + Math.round(ms[ms.length - 1]) + " ms");
    var line = document.createElementNS(svgNS, "polyline");
    line.setAttribute("fill", "none"); line.setAttribute("stroke", "currentColor");
    line.setAttribute("stroke-width", "1.5"); line.setAttribute("points", pts.join(" "));
    svg.appendChild(line);
    return svg;
  }
  function badge(state) { return el("span", "badge st-" + state, state); }
  function row(t) {
    var tr = el("tr", "st-" + t.state);
    var name = el("td", "name"), a = el("a", null, t.name);
    a.setAttribute("href", "/targets/" + encodeURIComponent(t.name));
    name.appendChild(a); name.appendChild(el("small", null, t.group)); tr.appendChild(name);
    var st = el("td"); st.appendChild(badge(t.state));
    if (t.silenced || t.maintenance) {
      st.appendChild(document.createTextNode(" "));
      st.appendChild(el("small", "held", t.silenced ? "silenced" : "maintenance"));
    }
    tr.appendChild(st);
    tr.appendChild(el("td", "up", pct(t.uptime_24h)));
    tr.appendChild(el("td", "up", pct(t.uptime_7d)));
    var sp = el("td", "spark"), svg = spark(t.latency_ms); if (svg) sp.appendChild(svg);
    tr.appendChild(sp);
    tr.appendChild(el("td", "error", t.error));
    var since = el("td", "since"); since.appendChild(el("time", null, t.since || ""));
    tr.appendChild(since);
    return tr;
  }
  function group(g) {
    var li = el("li", "st-" + g.state), a = el("a", null, g.name || "(no group)");
    a.setAttribute("href", "/?group=" + encodeURIComponent(g.name));
    li.appendChild(a); li.appendChild(document.createTextNode(" "));
    li.appendChild(badge(g.state)); li.appendChild(document.createTextNode(" "));
    li.appendChild(el("span", "n", (g.counts.healthy + g.counts.degraded) + "/" + g.counts.total + " up"));
    return li;
  }
  function replace(id, items, make) {
    var box = document.getElementById(id), fresh = document.createDocumentFragment();
    items.forEach(function (x) { fresh.appendChild(make(x)); });
    box.replaceChildren(fresh);
  }
  function query() {
    var p = new URLSearchParams(location.search), out = new URLSearchParams();
    ["q", "group", "state", "page", "per_page"].forEach(function (k) { if (p.get(k)) out.set(k, p.get(k)); });
    return out;
  }
  function apply(data) {
    Object.keys(data.summary).forEach(function (k) {
      var c = document.querySelector('[data-count="' + k + '"]');
      if (c) c.textContent = data.summary[k];
    });
    replace("groups", data.groups, group);
    replace("rows", data.rows, row);
    document.getElementById("matching").textContent = data.matching + " matching";
    var pages = document.getElementById("pages").querySelector("span");
    if (pages) pages.textContent = "page " + (data.page + 1) + " of " + data.pages;
    var when = document.getElementById("updated");
    when.textContent = "updated " + new Date().toISOString();
    when.setAttribute("data-live", "1");
  }
  function refresh() {
    fetch("/api/v1/status?" + query().toString(), { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(apply)
      .catch(function (e) { document.getElementById("updated").textContent = "refresh failed: " + e.message; })
      .finally(function () { setTimeout(refresh, every); });
  }
  // Typing in the search box filters without a round trip of the whole page.
  var typing;
  form.q.addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(function () {
      var p = new URLSearchParams(new FormData(form)); p.delete("page");
      history.replaceState(null, "", "/?" + p.toString());
      fetch("/api/v1/status?" + query().toString()).then(function (r) { return r.json(); }).then(apply);
    }, 250);
  });
  refresh();
})();
)js";

}  // namespace fleetcheck::serve::page
