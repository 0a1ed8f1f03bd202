// The explorer's page: vanilla JavaScript, no libraries, nothing from the network but
// this server. Texts come from the server's catalogue (meta.texts); numbers are
// formatted in the page's language. Every text from the instance is set as text
// (textContent), never as HTML.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
let META = null;
let SESSION = null;
let STATE = null;
let NF = null;
const timing = { clicked: null, lastMs: null, history: [] };
window.explorerTiming = timing;

// ---------------------------------------------------------------- helpers
function T(key, params) {
  let text = (META && META.texts[key]) || key;
  for (const [k, v] of Object.entries(params || {})) text = text.split("{" + k + "}").join(String(v));
  return text;
}
const FORMATS = {};
function fmt(x, decimals) {
  if (x === null || x === undefined) return T("none");
  const d = decimals || 0;
  if (!FORMATS[d]) FORMATS[d] = new Intl.NumberFormat(NF, { minimumFractionDigits: d, maximumFractionDigits: d });
  return FORMATS[d].format(x);
}
function fmtLoad(x) { return fmt(x, 3); }
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}
function sv(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}
function $(id) { return document.getElementById(id); }
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
function muni(code) { return META.municipalities.find((m) => m.code === code); }
function groupLabel(id) { const g = META.groups.find((x) => x.id === id); return g ? g.label : id; }

async function call(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
  const reply = await fetch(path, options);
  let data = null;
  try { data = await reply.json(); } catch (e) { data = { message: T("err.body") }; }
  return { ok: reply.ok, status: reply.status, data };
}

function notice(text) {
  const box = $("notice");
  box.textContent = text || "";
  box.hidden = !text;
}

// ---------------------------------------------------------------- start
async function start() {
  const meta = await call("GET", "/api/meta");
  META = meta.data;
  NF = META.lang === "nl" ? "nl-NL" : "en-GB";
  document.title = T("title") + " – " + META.name;
  $("title").textContent = T("title") + ": " + META.name;
  for (const [id, key] of [["h-history", "history"], ["h-try", "try"], ["h-keep", "keep"], ["undo", "undo"],
    ["save", "save"], ["load-label", "load"], ["h-map", "map"], ["map-note", "map_note"],
    ["h-loads", "loads"], ["loads-note", "loads_note"], ["h-places", "places"], ["vs-base", "vs_base"],
    ["h-covers", "covers"], ["h-sites", "sites"], ["cancel", "cancel"]]) $(id).textContent = T(key);
  $("undo").addEventListener("click", () => post("/api/undo", {}));
  $("cancel").addEventListener("click", () => post("/api/cancel", {}));
  $("load").addEventListener("change", loadScenario);
  await newSession();
  buildForms();
  poll();
}

async function newSession() {
  const s = await call("POST", "/api/session", {});
  SESSION = s.data.session;
  $("save").setAttribute("href", "/api/scenario?session=" + encodeURIComponent(SESSION));
}

async function post(path, body, form) {
  timing.clicked = performance.now();
  showBusy(true);
  const reply = await call("POST", path, Object.assign({ session: SESSION }, body));
  if (form) for (const e of form.querySelectorAll(".err")) e.textContent = "";
  if (!reply.ok || reply.data.ok === false) {
    timing.clicked = null;
    showBusy(STATE && STATE.job);
    const target = form || document;
    const slot = target.querySelector('.err[data-for="' + (reply.data.field || "") + '"]') ||
      (form && form.querySelector(".err[data-for=form]"));
    if (slot) slot.textContent = reply.data.message; else notice(reply.data.message);
    if (reply.status === 404 && reply.data.field === "session") { await newSession(); }
    return false;
  }
  notice("");
  return true;
}

async function poll() {
  let after = -1;
  for (;;) {
    try {
      const r = await call("GET", "/api/state?session=" + encodeURIComponent(SESSION) + "&after=" + after + "&wait=20");
      if (r.status === 404) { await newSession(); after = -1; continue; }
      if (!r.ok) throw new Error(r.data.message);
      after = r.data.version;
      render(r.data);
    } catch (e) {
      notice(T("offline"));
      await new Promise((ok) => setTimeout(ok, 2000));
    }
  }
}

// ---------------------------------------------------------------- rendering
function showBusy(job) {
  const box = $("progress");
  if (!job) { box.hidden = true; document.body.dataset.busy = "0"; return; }
  box.hidden = false;
  document.body.dataset.busy = "1";
  let text = T("busy", { n: job.step === undefined ? "" : job.step });
  if (job.pool_count) text += ": " + T("busy_pool", { pool: job.pool, i: job.pool_index, count: job.pool_count });
  if (job.seconds !== undefined) text += " – " + T("seconds", { s: fmt(job.seconds, 1) });
  $("progress-text").textContent = text;
}

function render(state) {
  const before = STATE;
  STATE = state;
  const pending = state.shown !== state.steps.length - 1;
  showBusy(state.job || (pending ? { step: state.steps.length - 1 } : null));
  if (state.notice) notice(state.notice);
  else if ($("notice").textContent === T("offline")) notice("");
  renderHistory(state);
  const viewChanged = !before || before.shown !== state.shown || (before.view === null) !== (state.view === null) ||
    before.steps.length !== state.steps.length || (before.base === null) !== (state.base === null);
  if (viewChanged && state.view) {
    renderView(state.view, state.base || state.view);
    if (timing.clicked !== null && !pending) {
      timing.lastMs = performance.now() - timing.clicked;
      timing.history.push(timing.lastMs);
      timing.clicked = null;
    }
  }
  document.body.dataset.shown = String(state.shown);
  document.body.dataset.steps = String(state.steps.length);
  document.body.dataset.version = String(state.version);
}

function renderHistory(state) {
  const list = clear($("history"));
  for (const s of state.steps) {
    const li = el("li", { "data-n": s.n, class: s.n === state.shown ? "shown" : (s.n > state.shown ? "pending" : "") },
      el("span", { text: s.words }));
    if (s.n < state.steps.length - 1) {
      li.append(el("button", { type: "button", class: "back", text: T("back_to"),
        onclick: () => post("/api/undo", { to: s.n }) }));
    }
    list.append(li);
  }
  $("undo").disabled = state.steps.length <= 1;
}

function deltaClass(now, then) {
  if (now === null || then === null || now === undefined || then === undefined || now === then) return "";
  return now > then ? "up" : "down";
}

function renderView(view, base) {
  const head = clear($("headline"));
  head.append(el("span", { class: "badge" + (view.closing ? "" : " bad"), id: "status", text: view.status_text }));
  if (view.max_load !== null) head.append(el("span", { text: T("max_load") + ": " + fmtLoad(view.max_load) }));
  head.append(el("span", { text: T("pool") + ": " + view.pool_text }));
  const baseBy = Object.fromEntries(base.municipalities.map((m) => [m.code, m]));
  renderMap(view, baseBy);
  renderLoads(view, baseBy);
  renderPlaces(view, baseBy);
  renderCovers(view);
  renderSites(view);
  renderShort(view);
  refreshForms(view);
}

function loadRange(view, baseBy) {
  const xs = [];
  for (const m of view.municipalities) { if (m.load !== null) xs.push(m.load); const b = baseBy[m.code]; if (b && b.load !== null) xs.push(b.load); }
  if (!xs.length) return null;
  let lo = Math.min(...xs), hi = Math.max(...xs);
  lo = Math.floor((lo - 0.02) * 20) / 20;
  hi = Math.ceil((hi + 0.005) * 20) / 20;
  if (hi - lo < 0.1) hi = lo + 0.1;
  return [Math.max(0, lo), hi];
}

function renderMap(view, baseBy) {
  const box = clear($("map"));
  const size = 60, gap = 4;
  const rows = Math.max(...META.municipalities.map((m) => m.row)) + 1;
  const cols = Math.max(...META.municipalities.map((m) => m.col)) + 1;
  const svg = sv("svg", { id: "tile-map", viewBox: `0 0 ${cols * (size + gap)} ${rows * (size + gap)}`,
    width: "100%", role: "img", "aria-label": T("map") });
  const range = loadRange(view, baseBy) || [0, 1];
  const byCode = Object.fromEntries(view.municipalities.map((m) => [m.code, m]));
  for (const m of META.municipalities) {
    const v = byCode[m.code];
    const share = v.load === null ? 0 : Math.min(1, Math.max(0, (v.load - range[0]) / (range[1] - range[0])));
    const light = 88 - 45 * share;
    const b = baseBy[m.code] || v;
    const moved = Object.keys(v.groups).some((g) => v.groups[g].places !== null && b.groups[g].places !== null &&
      v.groups[g].places !== b.groups[g].places);
    const cls = deltaClass(v.load, b.load) || (moved ? "moved" : "");
    const g = sv("g", { transform: `translate(${m.col * (size + gap)},${m.row * (size + gap)})` });
    const rect = sv("rect", { class: "tile " + cls, "data-code": m.code, width: size, height: size, rx: 4,
      fill: `hsl(210, 45%, ${light}%)` });
    rect.append(sv("title", {}, m.name + " – " + T("col.load") + " " + fmtLoad(v.load)));
    rect.addEventListener("click", () => pickMunicipality(m.code));
    g.append(rect);
    const short = m.name.length > 10 ? m.name.slice(0, 9) + "…" : m.name;
    g.append(sv("text", { x: size / 2, y: 24, "text-anchor": "middle", "pointer-events": "none",
      fill: light < 60 ? "#fff" : "#1b1f24" }, short));
    g.append(sv("text", { x: size / 2, y: 42, "text-anchor": "middle", "pointer-events": "none",
      fill: light < 60 ? "#fff" : "#1b1f24" }, v.load === null ? T("none") : fmt(v.load, 2)));
    svg.append(g);
  }
  box.append(svg);
}

function renderLoads(view, baseBy) {
  const box = clear($("loads"));
  const range = loadRange(view, baseBy);
  if (!range) return;
  const [lo, hi] = range;
  const left = 150, width = 420, bar = 13, rowH = 17;
  const rows = [];
  for (const region of META.regions) {
    rows.push({ region });
    const members = view.municipalities.filter((m) => m.region === region && m.load !== null)
      .sort((a, b) => b.load - a.load || a.name.localeCompare(b.name));
    for (const m of members) rows.push({ m });
  }
  const height = rows.length * rowH + 30;
  const svg = sv("svg", { id: "load-chart", viewBox: `0 0 ${left + width + 60} ${height}`, width: "100%",
    role: "img", "aria-label": T("loads") });
  const x = (v) => left + ((v - lo) / (hi - lo)) * width;
  const ticks = [];
  const step = hi - lo > 0.6 ? 0.2 : (hi - lo > 0.25 ? 0.1 : 0.05);
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) ticks.push(t);
  for (const t of ticks) {
    svg.append(sv("line", { class: "axis", x1: x(t), x2: x(t), y1: 14, y2: height - 4 }));
    svg.append(sv("text", { x: x(t), y: 10, "text-anchor": "middle" }, fmt(t, 2)));
  }
  if (lo <= 1 && hi >= 1) svg.append(sv("line", { class: "ref-line", x1: x(1), x2: x(1), y1: 14, y2: height - 4 }));
  rows.forEach((r, i) => {
    const y = 20 + i * rowH;
    if (r.region) {
      svg.append(sv("text", { x: 0, y: y + 11, "font-weight": "bold" }, r.region));
      return;
    }
    const m = r.m, b = baseBy[m.code];
    const cls = deltaClass(m.load, b ? b.load : null);
    svg.append(sv("text", { x: left - 6, y: y + 11, "text-anchor": "end" }, m.name));
    const rect = sv("rect", { class: "bar " + cls, "data-code": m.code, x: left, y, height: bar,
      width: Math.max(1, x(m.load) - left) });
    rect.append(sv("title", {}, m.name + ": " + fmtLoad(m.load)));
    svg.append(rect);
    if (b && b.load !== null) svg.append(sv("line", { class: "base-tick", x1: x(b.load), x2: x(b.load), y1: y - 1, y2: y + bar + 1 }));
    svg.append(sv("text", { x: x(m.load) + 4, y: y + 11 }, fmtLoad(m.load)));
  });
  box.append(svg);
}

function bounds(g) {
  const parts = [];
  if (g.min !== null) parts.push(T("min", { n: fmt(g.min) }));
  if (g.max !== null) parts.push(T("max", { n: fmt(g.max) }));
  return parts.join(", ");
}

function signed(d) { return d > 0 ? "+" + fmt(d) : fmt(d); }

function renderPlaces(view, baseBy) {
  const box = clear($("places"));
  const table = el("table", { id: "places-table" });
  table.append(el("thead", {}, el("tr", {},
    ...["col.municipality", "col.group", "col.target", "col.places", "col.delta", "col.bounds", "col.load"]
      .map((k, i) => el("th", { class: i >= 2 && i !== 5 ? "num" : "", text: T(k) })))));
  const body = el("tbody");
  for (const region of META.regions) {
    const members = view.municipalities.filter((m) => m.region === region);
    let target = 0, places = 0, baseSum = 0;
    for (const m of members) for (const [gid, g] of Object.entries(m.groups)) {
      target += g.target; places += g.places || 0;
      baseSum += (baseBy[m.code] && baseBy[m.code].groups[gid].places) || 0;
    }
    const d = view.closing || view.status !== "infeasible" ? places - baseSum : 0;
    body.append(el("tr", { class: "region", "data-region": region },
      el("td", { colspan: 2, text: T("total", { name: region }) }), el("td", { class: "num", text: fmt(target) }),
      el("td", { class: "num", text: view.closing || view.status !== "infeasible" ? fmt(places) : T("none") }),
      el("td", { class: "num " + (d ? (d > 0 ? "up" : "down") : ""), text: d ? signed(d) : "" }), el("td"), el("td")));
    for (const m of members) {
      const b = baseBy[m.code];
      META.groups.forEach((grp, i) => {
        const g = m.groups[grp.id];
        const then = b ? b.groups[grp.id].places : null;
        const cls = deltaClass(g.places, then);
        const delta = g.places !== null && then !== null ? g.places - then : 0;
        const tr = el("tr", { class: i === 0 ? "muni" : "", "data-code": m.code, "data-group": grp.id },
          el("td", { text: i === 0 ? m.name : "" }), el("td", { text: grp.label }),
          el("td", { class: "num", text: fmt(g.target) }),
          el("td", { class: "num places " + cls, text: fmt(g.places) }),
          el("td", { class: "num delta", text: delta ? signed(delta) : "" }),
          el("td", { text: bounds(g) }),
          el("td", { class: "num " + (i === 0 ? deltaClass(m.load, b ? b.load : null) : ""),
            text: i === 0 ? fmtLoad(m.load) : "" }));
        tr.addEventListener("dblclick", () => pickMunicipality(m.code, grp.id));
        body.append(tr);
      });
    }
  }
  table.append(body);
  box.append(table);
}

function simpleTable(id, headers, rows) {
  const table = el("table", { id });
  table.append(el("thead", {}, el("tr", {}, ...headers.map(([k, num]) => el("th", { class: num ? "num" : "", text: T(k) })))));
  const body = el("tbody");
  for (const r of rows) body.append(el("tr", {}, ...r.map(([text, num]) => el("td", { class: num ? "num" : "", text }))));
  table.append(body);
  return table;
}

function renderCovers(view) {
  const box = clear($("covers"));
  if (!view.covers) return;
  box.append(simpleTable("covers-table",
    [["col.pool"], ["col.group"], ["col.target", 1], ["col.places", 1], ["col.exchanged_out", 1], ["col.credited", 1], ["col.margin", 1]],
    view.covers.map((c) => [[c.pool], [c.group_label], [fmt(c.target), 1], [fmt(c.places), 1],
      [fmt(c.exchanged_out), 1], [fmt(c.credited), 1], [signed(c.margin), 1]])));
  box.append(el("h3", { text: T("exchanges") }));
  if (!view.exchanges.length) { box.append(el("p", { text: T("no_exchanges") })); return; }
  box.append(simpleTable("exchanges-table",
    [["col.pool"], ["col.from"], ["col.to"], ["col.places", 1], ["col.credited", 1], ["col.date"]],
    view.exchanges.map((f) => [[f.pool], [f.from_label], [f.to_label], [fmt(f.places), 1], [fmt(f.credited), 1],
      [f.date || T("deadline")]])));
}

function renderSites(view) {
  const box = clear($("sites"));
  if (!META.has_sites) { box.append(el("p", { text: T("no_sites") })); return; }
  const rows = view.sites.map((s) => [
    [(muni(s.municipality) || { name: s.municipality }).name], [s.name || s.id], [s.groups.join(", ")], [s.status_text],
    [fmt(s.capacity), 1], [[s.available_from, s.available_until].filter(Boolean).join(" – ") || T("none")],
    [s.counts ? T("yes") : T("no") + ": " + s.reason],
    [s.opened === null ? T("none") : (s.opened ? T("yes") : T("no"))], [s.places === null ? T("none") : fmt(s.places), 1]]);
  const table = simpleTable("sites-table", [["col.municipality"], ["col.site"], ["col.groups"], ["col.status"],
    ["col.capacity", 1], ["col.available"], ["col.counts"], ["col.opened"], ["col.places", 1]], rows);
  view.sites.forEach((s, i) => {
    const tr = table.tBodies[0].rows[i];
    tr.dataset.site = s.id;
    if (!s.counts) tr.cells[6].classList.add("no");
  });
  box.append(table);
}

function renderShort(view) {
  const box = clear($("short-box"));
  const d = view.diagnosis;
  box.hidden = !d && !view.message;
  if (view.message) box.append(el("p", { text: view.message }));
  if (!d) return;
  box.append(el("h2", { text: T("short") }));
  if (d.shortfall.length) {
    box.append(simpleTable("short-table", [["col.pool"], ["col.group"], ["col.target", 1], ["col.short_places", 1]],
      d.shortfall.map((p) => [[p.pool], [p.group_label], [fmt(p.target), 1], [fmt(p.places), 1]])));
  }
  d.bottlenecks.forEach((words, i) => {
    box.append(el("h3", { text: T("bottleneck", { n: i + 1 }) }));
    box.append(el("ul", {}, ...words.map((w) => el("li", { text: w }))));
  });
  box.append(el("h3", { text: T("repairs") }));
  if (!d.repairs.length) box.append(el("p", { text: T("no_repairs") }));
  const list = el("ol", { id: "repairs" });
  for (const r of d.repairs) {
    const item = el("li", { "data-rank": r.rank }, el("span", { text: r.words.join("; ") }));
    if (r.max_load !== null) item.append(el("span", { class: "note", text: " (" + T("repair_load", { load: fmtLoad(r.max_load) }) + ") " }));
    item.append(el("button", { type: "button", class: "apply-repair", text: T("apply_repair"),
      onclick: () => post("/api/repair", { rank: r.rank }) }));
    item.append(el("span", { class: "err", "data-for": "repair" }));
    list.append(item);
  }
  box.append(list);
  box.append(el("details", {}, el("summary", { text: T("all_lines") }), el("pre", { class: "lines", text: d.lines.join("\n") })));
}

// ---------------------------------------------------------------- what-if forms
function field(name, labelKey, input) {
  input.name = name;
  input.id = "f-" + input.form_id + "-" + name;
  return el("label", {}, el("span", { text: T(labelKey) }), input, el("span", { class: "err", "data-for": name }));
}
function select(options, value) {
  const s = el("select");
  for (const [v, text] of options) s.append(el("option", { value: v, text, selected: v === value }));
  return s;
}
function textInput(value, kind) { return el("input", { type: kind || "text", value: value === undefined ? "" : value, inputmode: kind ? null : "decimal" }); }

function whatifForm(id, titleKey, kind, fields, extra) {
  const form = el("form", { class: "whatif", id: "form-" + id, "data-kind": kind }, el("h3", { text: T(titleKey) }));
  for (const [name, key, input] of fields) { input.form_id = id; form.append(field(name, key, input)); }
  form.append(el("button", { type: "submit", text: T("apply") }), el("span", { class: "err", "data-for": "form" }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { kind };
    for (const [name] of fields) {
      const input = form.elements[name];
      body[name] = input.type === "checkbox" ? input.checked : input.value;
    }
    Object.assign(body, extra ? extra(form) : {});
    await post("/api/whatif", body, form);
  });
  return form;
}

function buildForms() {
  const forms = clear($("forms"));
  const munis = META.municipalities.slice().sort((a, b) => a.name.localeCompare(b.name)).map((m) => [m.code, m.name]);
  const groups = META.groups.map((g) => [g.id, g.label]);
  forms.append(whatifForm("offer", "form.offer", "bound", [
    ["municipality", "form.municipality", select(munis)],
    ["group", "form.group", select(groups)],
    ["op", "form.op", select(["cap", "fix", "min", "clear"].map((o) => [o, T("op." + o)]))],
    ["value", "form.value", textInput("")]]));
  if (META.has_sites) {
    const siteForm = whatifForm("site", "form.site", "site", [
      ["site", "form.site", select([])],
      ["op", "form.site_op", select(["exclude", "include", "set"].map((o) => [o, T("op." + o)]))],
      ["capacity", "form.capacity", textInput("")],
      ["min_size", "form.min_size", textInput("")],
      ["available_from", "form.available_from", textInput("", "date")],
      ["available_until", "form.available_until", textInput("", "date")]]);
    siteForm.elements.site.addEventListener("change", () => fillSite(siteForm));
    forms.append(siteForm);
  }
  forms.append(whatifForm("exchange", "form.exchange", "exchange", [
    ["from", "form.from", select(groups, groups.length > 1 ? groups[1][0] : null)],
    ["to", "form.to", select(groups, groups[0] ? groups[0][0] : null)],
    ["on", "form.on", el("input", { type: "checkbox", checked: true })],
    ["rate", "form.rate", textInput("1")]]));
  forms.append(whatifForm("import", "form.import", "import_share", [
    ["group", "form.group", select(groups)],
    ["on", "form.on", el("input", { type: "checkbox", checked: true })],
    ["share", "form.share", textInput("")]]));
  forms.append(whatifForm("pool", "form.pool", "pool", [
    ["pool", "form.pool", select(["municipality", "region", "province"].map((p) => [p, T("pool." + p)]))]]));
}

function refreshForms(view) {
  const form = $("form-site");
  if (form) {
    const s = form.elements.site;
    const chosen = s.value;
    clear(s);
    for (const site of view.sites) {
      const where = (muni(site.municipality) || { name: site.municipality }).name;
      s.append(el("option", { value: site.id, text: where + ": " + (site.name || site.id), selected: site.id === chosen }));
    }
    if (chosen) s.value = chosen;
    fillSite(form);
  }
  $("form-pool").elements.pool.value = view.pool;
  const imp = $("form-import");
  const share = view.import_shares.find((x) => x.group === imp.elements.group.value);
  if (share && !imp.elements.share.value) imp.elements.share.value = fmt(share.share * 100, share.share * 100 % 1 ? 2 : 0);
}

function fillSite(form) {
  const view = STATE && STATE.view;
  if (!view) return;
  const site = view.sites.find((x) => x.id === form.elements.site.value);
  if (!site) return;
  form.elements.capacity.value = site.capacity;
  form.elements.min_size.value = site.min_size === null ? "" : site.min_size;
  form.elements.available_from.value = site.available_from;
  form.elements.available_until.value = site.available_until;
}

function pickMunicipality(code, group) {
  const form = $("form-offer");
  form.elements.municipality.value = code;
  if (group) form.elements.group.value = group;
  for (const r of document.querySelectorAll("#tile-map rect.tile")) r.classList.toggle("selected", r.dataset.code === code);
  form.elements.value.focus();
}

async function loadScenario(event) {
  const file = event.target.files[0];
  if (!file) return;
  const text = await file.text();
  await post("/api/load", { text }, $("keep-box"));
  event.target.value = "";
}

document.addEventListener("DOMContentLoaded", start);
