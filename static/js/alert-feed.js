// The officer's alerts, live on every page: one /ws/alerts/ socket per page,
// the header's count, and an event other scripts on the page listen to.

import { LiveSocket, api, interpolate, ngettext } from "./common.js";

const listeners = new Set();
const counted = new Set();
let connectedOnce = false;

function badge() {
  return document.getElementById("alert-count");
}

export function setAlertCount(count) {
  const node = badge();
  if (!node) return;
  node.dataset.count = String(count);
  node.textContent = String(count);
  node.classList.toggle("is-zero", count === 0);
  // pages that show the count elsewhere (the alert inbox's title) listen for it
  document.dispatchEvent(new CustomEvent("alerts:count", { detail: count }));
  const link = document.getElementById("alerts-link");
  if (link) {
    link.setAttribute("aria-label", interpolate(ngettext("Alerts: %s new", "Alerts: %s new", count), [count]));
  }
}

export async function refreshAlertCount() {
  const { ok, data } = await api("/api/v1/alerts/?state=new&page_size=1");
  if (ok && data && typeof data.count === "number") setAlertCount(data.count);
}

/** onAlert(fn): fn(message) for every alert.created / alert.updated, and {type: "alerts.resync"} after a reconnect. */
export function onAlert(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function emit(message) {
  for (const fn of listeners) fn(message);
}

function handle(message) {
  if (message.type === "alert.created" && message.alert) {
    if (message.alert.state === "new" && !counted.has(message.alert.id)) {
      counted.add(message.alert.id);
      setAlertCount(Number(badge()?.dataset.count || 0) + 1);
    }
    emit(message);
  } else if (message.type === "alert.updated" && message.alert) {
    refreshAlertCount();
    emit(message);
  }
}

export const alertSocket = badge()
  ? new LiveSocket("/ws/alerts/", {
      onMessage: handle,
      onOpen: () => {
        // Alerts have no resume: after a reconnect, ask the API what we missed.
        if (connectedOnce) {
          refreshAlertCount();
          emit({ type: "alerts.resync" });
        }
        connectedOnce = true;
      },
    })
  : null;

/** Acknowledge over the socket if it is open, else over REST. */
export async function acknowledge(alertId) {
  if (alertSocket && alertSocket.send({ type: "alert.ack", id: alertId })) return true;
  const { ok } = await api(`/api/v1/alerts/${alertId}/ack/`, { method: "POST" });
  if (ok) {
    refreshAlertCount();
    emit({ type: "alert.updated", alert: { id: alertId, state: "acknowledged" } });
  }
  return ok;
}

