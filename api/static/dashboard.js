// The analytics dashboard. It asks the endpoint exactly what the store's admin page asks
// (mode, start = end - N days, end = today UTC or the date handed over by `runner up`)
// with the admin token kept in this tab's sessionStorage, and draws the answer.
// An error hides every number: a failed request never shows a dashboard of zeros.
"use strict";

(function () {
  const TOKEN_KEY = "dashboard.token";
  const LANG_KEY = "dashboard.lang";
  const API = "api/analytics/dashboard-stats/";
  const REFRESH_MS = 30000;
  const DAY_MS = 86400000;
  const COLORS = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#0ea5e9", "#64748b"];
  const TIMELINE = ["product_view", "add_to_cart", "begin_checkout", "purchase",
    "checkout_started", "payment_info_entered", "order_completed"];
  const ERRORS = ["payment_error", "checkout_error", "payment_confirmation_error", "address_error"];
  // numbers are shown the store's way (es-CO) in both languages; money is COP
  const FORMATS = {
    int: new Intl.NumberFormat("es-CO", { maximumFractionDigits: 0 }),
    cop: new Intl.NumberFormat("es-CO", {
      style: "currency", currency: "COP", minimumFractionDigits: 0, maximumFractionDigits: 2,
    }),
    pct: new Intl.NumberFormat("es-CO", { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    num: new Intl.NumberFormat("es-CO", { maximumFractionDigits: 1 }),
  };

  // the defaults come with the page (api/page.py writes the project's param defaults)
  const state = { mode: document.body.dataset.defaultMode,
    days: Number(document.body.dataset.defaultDays),
    end: null, lang: "es", data: null, problem: null,
    seq: 0, controller: null, lastLoad: 0, query: "" };
  const charts = {};
  const $ = (selector) => document.querySelector(selector);

  function t(key, vars) {
    let text = (window.I18N[state.lang] || window.I18N.es)[key] || key;
    for (const [name, value] of Object.entries(vars || {})) text = text.replace(`{${name}}`, value);
    return text;
  }

  function format(kind, value) {
    if (typeof value !== "number") return "—";
    return kind === "pct" ? `${FORMATS.pct.format(value)} %` : FORMATS[kind].format(value);
  }

  // -- the token and the period ------------------------------------------------------------

  // `runner up` hands over `#token=...&end=YYYY-MM-DD`: a fragment never reaches a server
  // or its logs. The token moves to sessionStorage and leaves the address bar at once.
  function readFragment() {
    const params = new URLSearchParams(location.hash.slice(1));
    const end = params.get("end");
    if (end && /^\d{4}-\d{2}-\d{2}$/.test(end) && !Number.isNaN(Date.parse(end))) state.end = end;
    const token = params.get("token");
    if (token) {
      sessionStorage.setItem(TOKEN_KEY, token);
      const keep = state.end ? `#end=${state.end}` : "";
      history.replaceState(null, "", location.pathname + location.search + keep);
    }
  }

  function isoDate(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }

  // what the admin page sends: end = today (UTC), start = end - N days
  function period() {
    const end = state.end || isoDate(Date.now());
    const start = isoDate(Date.parse(`${end}T00:00:00Z`) - state.days * DAY_MS);
    return { start, end };
  }

  // -- loading -----------------------------------------------------------------------------

  async function load() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) return askForToken(null);
    if (state.controller) state.controller.abort();
    const controller = new AbortController();
    const seq = ++state.seq;
    state.controller = controller;
    const { start, end } = period();
    const query = `mode=${state.mode}&start=${start}&end=${end}`;
    setBusy(true);
    let response, body;
    try {
      response = await fetch(`${API}?${query}`, {
        headers: { Authorization: `Bearer ${token}` }, signal: controller.signal, cache: "no-store",
      });
      body = await response.json().catch(() => null);
    } catch (err) {
      if (err.name === "AbortError") return;
      if (seq === state.seq) fail({ status: 0 });
      return;
    }
    if (seq !== state.seq) return;
    state.lastLoad = Date.now();
    if (response.ok && body) {
      state.query = query;
      show(body);
    } else {
      fail({ status: response.status, body, retryAfter: response.headers.get("Retry-After") });
    }
  }

  function setBusy(busy) {
    $("#main").setAttribute("aria-busy", String(busy));
    if (busy) {
      document.body.dataset.state = "loading";
      $("#status").textContent = t("loading");
    }
  }

  function show(data) {
    state.data = data;
    state.problem = null;
    $("#error").hidden = true;
    $("#sign-in").hidden = true;
    $("#sign-out").hidden = false;
    $("#dashboard").hidden = false;
    render();
    setBusy(false);
    document.body.dataset.query = state.query;
    document.body.dataset.state = "ready";
  }

  function fail(problem) {
    state.data = null;
    state.problem = problem;
    $("#dashboard").hidden = true;
    if (problem.status === 401 || problem.status === 403) {
      sessionStorage.removeItem(TOKEN_KEY);
      askForToken(problem);
    }
    renderProblem();
    setBusy(false);
    $("#status").textContent = "";
    document.body.dataset.state = "error";
  }

  function askForToken(problem) {
    state.problem = problem;
    $("#dashboard").hidden = true;
    $("#sign-out").hidden = true;
    $("#sign-in").hidden = false;
    $("#status").textContent = problem ? "" : t("needToken");
    if (!problem) document.body.dataset.state = "signed-out";
  }

  function problemText(problem) {
    const detail = (problem.body && (problem.body.description || problem.body.title)) || "";
    switch (problem.status) {
      case 0: return t("eNetwork");
      case 401: return t("e401");
      case 403: return t("e403");
      case 400: return t("e400", { detail });
      case 503: return t("e503", { seconds: problem.retryAfter || "5" });
      default: return t("eOther", { status: problem.status });
    }
  }

  function renderProblem() {
    const box = $("#error");
    box.hidden = !state.problem;
    box.textContent = state.problem ? problemText(state.problem) : "";
    box.dataset.status = state.problem ? String(state.problem.status) : "";
  }

  // -- drawing -----------------------------------------------------------------------------

  function render() {
    const data = state.data;
    const { start, end } = period();
    $("#period").textContent = t("periodText",
      { start, end, days: state.days, mode: t(data.mode === "unique" ? "unique" : "total") });
    $("#status").textContent = t("updated", { time: new Date().toLocaleTimeString(state.lang) });
    for (const el of document.querySelectorAll("[data-field]")) {
      const value = el.dataset.field.split(".").reduce((o, k) => (o == null ? undefined : o[k]), data);
      el.dataset.value = value === undefined ? "" : String(value);
      el.textContent = format(el.dataset.format, value);
    }
    renderList("top_products", data.top_products, (p) => [p.slug, p.count]);
    renderList("top_viewed_products", data.top_viewed_products, (p) => [p.slug, p.count]);
    renderList("traffic_sources", data.traffic_sources, (s) => [s.source, s.sessions]);
    renderList("whatsapp_sessions_list", data.whatsapp_sessions_list, (s) => [s, null]);
    renderPerformance(data.product_performance || []);
    renderCharts(data);
  }

  function renderList(name, items, pair) {
    const list = document.querySelector(`[data-list="${name}"]`);
    list.replaceChildren();
    for (const item of items || []) {
      const [key, value] = pair(item);
      const li = document.createElement("li");
      li.dataset.key = key;
      const label = document.createElement("span");
      label.textContent = key;
      li.append(label);
      if (value !== null) {
        const count = document.createElement("strong");
        count.dataset.value = String(value);
        count.textContent = format("int", value);
        li.append(" ", count);
      }
      list.append(li);
    }
    if (!list.children.length) emptyRow(list, "li");
  }

  function emptyRow(parent, tag) {
    const row = document.createElement(tag);
    row.className = "empty";
    row.textContent = t("empty");
    parent.append(row);
  }

  function renderPerformance(rows) {
    const body = $("#performance tbody");
    body.replaceChildren();
    for (const row of rows) {
      const tr = document.createElement("tr");
      tr.dataset.slug = row.slug;
      const name = document.createElement("th");
      name.scope = "row";
      name.textContent = row.name;
      name.title = row.slug;
      tr.append(name);
      const units = row.purchases_units === undefined ? "" : ` (${format("int", row.purchases_units)})`;
      for (const [key, kind] of [["views", "int"], ["add_to_cart", "int"], ["purchases", "int"],
        ["conversion_rate", "pct"]]) {
        const td = document.createElement("td");
        td.dataset.key = key;
        td.dataset.value = String(row[key]);
        td.textContent = format(kind, row[key]) + (key === "purchases" ? units : "");
        tr.append(td);
      }
      body.append(tr);
    }
    if (!rows.length) {
      const tr = document.createElement("tr");
      emptyRow(tr, "td");
      tr.firstChild.colSpan = 5;
      body.append(tr);
    }
  }

  function renderCharts(data) {
    const days = (data.events_timeline || []).map((d) => d.date);
    const sales = Object.fromEntries((data.sales_by_day || []).map((d) => [d.date, d.count]));
    chart("events-chart", "line", days, TIMELINE.map((type, i) => ({
      label: t(type), data: data.events_timeline.map((d) => d[type]),
      borderColor: COLORS[i], backgroundColor: COLORS[i], hidden: i >= 4, tension: 0.2,
    })));
    chart("sales-chart", "bar", days, [{
      label: t("purchases"), data: days.map((d) => sales[d] || 0), backgroundColor: COLORS[0],
    }]);
    chart("errors-chart", "bar", (data.errors_timeline || []).map((d) => d.date),
      ERRORS.map((type, i) => ({
        label: t(type), data: data.errors_timeline.map((d) => d[type]), backgroundColor: COLORS[i + 3],
      })), true);
  }

  function chart(id, type, labels, datasets, stacked) {
    if (charts[id]) {
      charts[id].data.labels = labels;
      charts[id].data.datasets = datasets;
      charts[id].update();
      return;
    }
    charts[id] = new window.Chart(document.getElementById(id), {
      type,
      data: { labels, datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { stacked: Boolean(stacked) },
          y: { stacked: Boolean(stacked), beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
  }

  // -- controls ----------------------------------------------------------------------------

  function press(attribute, value) {
    for (const button of document.querySelectorAll(`[${attribute}]`)) {
      button.setAttribute("aria-pressed", String(button.getAttribute(attribute) === value));
    }
  }

  function setLanguage(lang) {
    state.lang = window.I18N[lang] ? lang : "es";
    sessionStorage.setItem(LANG_KEY, state.lang);
    document.documentElement.lang = state.lang;
    press("data-lang", state.lang);
    for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    for (const el of document.querySelectorAll("[data-i18n-aria]")) {
      el.setAttribute("aria-label", t(el.dataset.i18nAria));
    }
    if (state.data) render();
    if (state.problem) renderProblem();
    if (!state.data && !state.problem && !sessionStorage.getItem(TOKEN_KEY)) {
      $("#status").textContent = t("needToken");
    }
  }

  function wireControls() {
    for (const button of document.querySelectorAll("[data-mode]")) {
      button.addEventListener("click", () => {
        state.mode = button.dataset.mode;
        press("data-mode", state.mode);
        load();
      });
    }
    for (const button of document.querySelectorAll("[data-days]")) {
      button.addEventListener("click", () => {
        state.days = Number(button.dataset.days);
        press("data-days", button.dataset.days);
        load();
      });
    }
    for (const button of document.querySelectorAll("[data-lang]")) {
      button.addEventListener("click", () => setLanguage(button.dataset.lang));
    }
  }

  function wireSignIn() {
    $("#sign-in").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = $("#token-input");
      const token = input.value.trim().replace(/^Bearer\s+/i, "");
      input.value = "";
      if (!token) return;
      sessionStorage.setItem(TOKEN_KEY, token);
      load();
    });
    $("#sign-out").addEventListener("click", () => {
      sessionStorage.removeItem(TOKEN_KEY);
      if (state.controller) state.controller.abort();
      state.seq++; // an answer still on its way is not drawn
      state.data = null;
      askForToken(null);
      renderProblem();
      setBusy(false);
    });
  }

  // refresh every 30 s while the page is visible, and on coming back after longer
  function wireRefresh() {
    setInterval(() => {
      if (document.visibilityState === "visible" && sessionStorage.getItem(TOKEN_KEY)) load();
    }, REFRESH_MS);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && sessionStorage.getItem(TOKEN_KEY)
        && Date.now() - state.lastLoad >= REFRESH_MS) load();
    });
  }

  readFragment();
  wireControls();
  wireSignIn();
  wireRefresh();
  setLanguage(sessionStorage.getItem(LANG_KEY) || "es");
  load();
})();
