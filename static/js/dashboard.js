// The coordinator's dashboard: running totals from /ws/operations/{id}/dashboard/
// (a snapshot, then deltas), drawn with Chart.js; who is online, the latest hits
// and the open alerts come from a small JSON view, refreshed when they change.

import {
  CATEGORY_LABELS,
  KIND_LABELS,
  LiveSocket,
  api,
  countryTag,
  el,
  formatTime,
  gettext,
  number,
  pageData,
  showLiveState,
} from "./common.js";
import { acknowledge, onAlert } from "./alert-feed.js";
import { renderAlert, renderReport } from "./render.js";

const data = pageData();
let stats = data.stats;
const labels = data.labels;
let live = data.live;

const KINDS = ["check", "hit", "intel", "update"];
const CATEGORIES = ["firearm", "firearm_part", "ammunition", "other_weapon", "explosive", "other"];
const COLOURS = { check: "#1f5fbf", hit: "#b3261e", intel: "#6b3fa0", update: "#5b6673" };
const CATEGORY_COLOURS = ["#b3261e", "#d9480f", "#8a5a00", "#6b3fa0", "#1f5fbf", "#5b6673"];
const MAX_HOURS = 72;

// --- the totals ---------------------------------------------------------------------

function applyDelta(delta) {
  for (const [scope, key, metric, amount] of delta) {
    if (scope === "total") {
      stats.total[metric] = (stats.total[metric] || 0) + amount;
      continue;
    }
    stats[scope] = stats[scope] || {};
    const bucket = (stats[scope][key] = stats[scope][key] || {});
    bucket[metric] = (bucket[metric] || 0) + amount;
  }
}

const m = (bucket, metric) => (bucket && bucket[metric]) || 0;

function setKpi(name, text) {
  const node = document.querySelector(`[data-kpi="${name}"]`);
  if (node && node.textContent !== text) {
    node.textContent = text;
    node.parentElement.classList.remove("changed");
    void node.offsetWidth; // restart the highlight
    node.parentElement.classList.add("changed");
  }
}

function renderKpis() {
  const total = stats.total || {};
  const participants = stats.participants || {};
  const hits = m(total, "hits");
  const items = m(total, "items_checked");
  setKpi("officers", number(participants.officers));
  setKpi("countries", number(participants.countries));
  setKpi("online", live.online === null || live.online === undefined ? "–" : number(live.online));
  setKpi("items_checked", number(items));
  setKpi("checks", number(m(total, "kind.check")));
  setKpi("hits", number(hits));
  setKpi("hit_rate", items ? new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 }).format((hits / items) * 1000) : "–");
  setKpi("alerts", number(live.alerts.count));
}

function renderSeizedList() {
  const list = document.getElementById("seized-list");
  list.replaceChildren(
    ...CATEGORIES.flatMap((c) => [el("dt", {}, CATEGORY_LABELS[c]), el("dd", { dataset: { category: c } }, number(m(stats.total, `seized.${c}`)))]),
  );
}

function countryRows() {
  return Object.entries(stats.country || {})
    .map(([code, bucket]) => ({ code, bucket }))
    .sort((a, b) => m(b.bucket, "reports") - m(a.bucket, "reports") || a.code.localeCompare(b.code));
}

function renderCountryTable(rows) {
  const body = document.querySelector("#country-table tbody");
  body.replaceChildren(
    ...rows.map(({ code, bucket }) =>
      el(
        "tr",
        { dataset: { country: code } },
        el("th", { scope: "row" }, countryTag(code, labels.countries), " ", labels.countries[code] || ""),
        ...["reports", "items_checked", "hits", "seized.firearm", "seized.firearm_part", "seized.ammunition", "seized.other_weapon"].map((metric) =>
          el("td", { dataset: { metric } }, number(m(bucket, metric))),
        ),
      ),
    ),
  );
}

function hourRows() {
  const hours = Object.keys(stats.hour || {}).sort();
  return hours.slice(-MAX_HOURS).map((key) => ({ key, iso: `${key}:00:00Z`, bucket: stats.hour[key] }));
}

function renderTimelineTable(rows) {
  const body = document.querySelector("#timeline-table tbody");
  body.replaceChildren(
    ...rows
      .slice()
      .reverse()
      .map(({ iso, bucket }) =>
        el(
          "tr",
          {},
          el("th", { scope: "row" }, el("time", { datetime: iso }, formatTime(iso, "hour"))),
          el("td", {}, number(m(bucket, "reports"))),
          el("td", {}, number(m(bucket, "kind.check"))),
          el("td", {}, number(m(bucket, "hits"))),
        ),
      ),
  );
}

// --- the charts ------------------------------------------------------------------------

const charts = {};

function baseOptions(extra = {}) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { position: "bottom", labels: { color: "#1b1f24" } } },
    scales: {
      x: { stacked: true, ticks: { color: "#1b1f24" }, grid: { display: false } },
      y: { stacked: true, beginAtZero: true, ticks: { color: "#1b1f24", precision: 0 } },
    },
    ...extra,
  };
}

function makeCharts() {
  if (!window.Chart) return false;
  charts.seized = new window.Chart(document.getElementById("chart-seized"), {
    type: "bar",
    data: { labels: CATEGORIES.map((c) => CATEGORY_LABELS[c]), datasets: [{ label: gettext("Seized"), data: [], backgroundColor: CATEGORY_COLOURS }] },
    options: baseOptions({ indexAxis: "y", plugins: { legend: { display: false } } }),
  });
  charts.country = new window.Chart(document.getElementById("chart-country"), {
    type: "bar",
    data: { labels: [], datasets: KINDS.map((k) => ({ label: KIND_LABELS[k], data: [], backgroundColor: COLOURS[k] })) },
    options: baseOptions(),
  });
  charts.timeline = new window.Chart(document.getElementById("chart-timeline"), {
    type: "bar",
    data: { labels: [], datasets: KINDS.map((k) => ({ label: KIND_LABELS[k], data: [], backgroundColor: COLOURS[k] })) },
    options: baseOptions(),
  });
  return true;
}

function renderCharts(countries, hours) {
  if (!charts.seized) return;
  charts.seized.data.datasets[0].data = CATEGORIES.map((c) => m(stats.total, `seized.${c}`));
  charts.seized.update("none");
  charts.country.data.labels = countries.map((r) => r.code);
  charts.country.data.datasets.forEach((dataset, i) => {
    dataset.data = countries.map((r) => m(r.bucket, `kind.${KINDS[i]}`));
  });
  charts.country.update("none");
  charts.timeline.data.labels = hours.map((h) => formatTime(h.iso, "hour"));
  charts.timeline.data.datasets.forEach((dataset, i) => {
    dataset.data = hours.map((h) => m(h.bucket, `kind.${KINDS[i]}`));
  });
  charts.timeline.update("none");
}

// --- latest hits and open alerts --------------------------------------------------------------

function renderLive() {
  const hits = document.getElementById("latest-hits");
  hits.replaceChildren(...live.hits.map((r) => el("li", { class: "feed-item" }, renderReport(r, { names: labels.countries }))));
  document.getElementById("hits-empty").hidden = live.hits.length > 0;
  const alerts = document.getElementById("open-alerts");
  alerts.replaceChildren(
    ...live.alerts.items.map((a) =>
      el("li", {}, renderAlert(a, { onAck: async (alert) => { await acknowledge(alert.id); scheduleLive(200); } })),
    ),
  );
  document.getElementById("open-alerts-empty").hidden = live.alerts.items.length > 0;
}

let liveTimer = null;
function scheduleLive(delay = 1000) {
  clearTimeout(liveTimer);
  liveTimer = setTimeout(async () => {
    try {
      const { ok, data: fresh } = await api(`/operations/${data.operation}/dashboard/live/`);
      if (ok && fresh) {
        live = fresh;
        renderLive();
        scheduleRender();
      }
    } catch {
      // offline: the next delta or the periodic refresh tries again
    }
  }, delay);
}
setInterval(() => scheduleLive(0), 20000);

// --- drawing, at most a few times a second however fast deltas come ---------------------------

let drawPending = false;
function scheduleRender() {
  if (drawPending) return;
  drawPending = true;
  setTimeout(() => {
    drawPending = false;
    const countries = countryRows();
    const hours = hourRows();
    renderKpis();
    renderSeizedList();
    renderCountryTable(countries);
    renderTimelineTable(hours);
    renderCharts(countries, hours);
  }, 250);
}

function start() {
  makeCharts();
  renderLive();
  scheduleRender();
}

if (document.readyState === "complete") start();
else window.addEventListener("load", start);

new LiveSocket(`/ws/operations/${data.operation}/dashboard/`, {
  onState: showLiveState,
  onMessage: (message) => {
    if (message.type === "stats.snapshot") {
      stats = message.stats;
      scheduleRender();
    } else if (message.type === "stats.delta") {
      applyDelta(message.delta);
      // A new hit changes the latest-hits list: fetch it (a LIMIT read, not a recount).
      if (message.delta.some(([scope, , metric]) => scope === "total" && metric === "hits")) scheduleLive();
      scheduleRender();
    }
  },
});

onAlert(() => scheduleLive(300));
window.ccDashboard = { stats: () => stats, live: () => live };
