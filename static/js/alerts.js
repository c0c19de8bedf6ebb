// The alert inbox: one page of alerts (filtered and paged by the server), kept live.
import { api, gettext, interpolate, ngettext, pageData } from "./common.js";
import { acknowledge, onAlert } from "./alert-feed.js";
import { renderAlert } from "./render.js";

const list = document.getElementById("alert-list");
const heading = document.getElementById("alert-list-heading");
const empty = document.getElementById("alerts-empty");
const arrived = document.getElementById("alerts-arrived");
const data = pageData();
// New alerts join the list only when it shows the newest of all alerts (first page, no filter).
const live = Boolean(data.live);
const alerts = new Map();
const baseTitle = document.title.replace(/^\(\d+\) /, "");
let missed = 0;

document.addEventListener("alerts:count", (event) => {
  const count = Number(event.detail) || 0;
  document.title = count > 0 ? `(${count}) ${baseTitle}` : baseTitle;
});

function items() {
  return [...list.children].filter((item) => !item.hidden);
}

/** After Acknowledge the focus goes to the next alert still to work on, else the list heading. */
function focusAfter(alertId) {
  const all = items();
  const at = all.findIndex((item) => Number(item.dataset.id) === alertId);
  const open = (item) => alerts.get(Number(item.dataset.id))?.alert.state !== "acknowledged";
  const next = all.slice(at + 1).find(open) || all.slice(0, Math.max(at, 0)).find(open);
  const target = next ? next.querySelector("article") : heading;
  target.focus();
}

function ack(alert) {
  focusAfter(alert.id);
  acknowledge(alert.id);
}

function place(alert, { initial = false } = {}) {
  const previous = alerts.get(alert.id);
  const node = renderAlert(alert, { onAck: ack });
  alerts.set(alert.id, { alert, item: previous ? previous.item : null });
  if (previous) {
    const hadFocus = previous.item.contains(document.activeElement);
    previous.item.replaceChildren(node);
    if (hadFocus) node.focus();
    return;
  }
  const item = document.createElement("li");
  item.dataset.id = String(alert.id);
  item.append(node);
  alerts.get(alert.id).item = item;
  // Newest first, by creation time then id.
  const after = [...list.children].find((child) => {
    const other = alerts.get(Number(child.dataset.id));
    return other && (other.alert.created_at < alert.created_at || (other.alert.created_at === alert.created_at && other.alert.id < alert.id));
  });
  list.insertBefore(item, after || null);
  if (live && !initial) countOneMore();
}

function countOneMore() {
  const total = document.getElementById("alert-total");
  const count = Number(total.dataset.count || 0) + 1;
  total.dataset.count = String(count);
  total.textContent = interpolate(ngettext("%s alert", "%s alerts", count), [count]);
}

function refresh() {
  empty.hidden = list.children.length > 0;
}

function noteMissed() {
  missed += 1;
  arrived.hidden = false;
  arrived.replaceChildren(
    interpolate(ngettext("%s new alert arrived. ", "%s new alerts arrived. ", missed), [missed]),
    Object.assign(document.createElement("a"), { href: "/alerts/", textContent: gettext("Show the newest") }),
  );
}

for (const alert of data.alerts || []) place(alert, { initial: true });
refresh();

onAlert(async (message) => {
  if (message.type === "alert.created") {
    if (live) place(message.alert);
    else if (!alerts.has(message.alert.id)) noteMissed();
  } else if (message.type === "alert.updated") {
    // an acknowledgement carries id and state; a pair that gained a selector, the whole alert
    const known = alerts.get(message.alert.id);
    if (known) place({ ...known.alert, ...message.alert });
    else if (message.alert.match && live) place(message.alert);
  } else if (message.type === "alerts.resync" && live) {
    const { ok, data: page } = await api("/api/v1/alerts/?page_size=25");
    if (ok && page) for (const alert of page.results) place(alert);
  }
  refresh();
});
