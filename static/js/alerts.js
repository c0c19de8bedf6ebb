// The alert inbox: alerts rendered from the page's data, new ones live.
import { api, pageData } from "./common.js";
import { acknowledge, onAlert } from "./alert-feed.js";
import { renderAlert } from "./render.js";

const list = document.getElementById("alert-list");
const empty = document.getElementById("alerts-empty");
const showAcknowledged = document.getElementById("show-acknowledged");
const alerts = new Map();

function ack(alert) {
  acknowledge(alert.id);
}

function place(alert) {
  const previous = alerts.get(alert.id);
  const node = renderAlert(alert, { onAck: ack });
  alerts.set(alert.id, { alert, node });
  if (previous) {
    previous.node.replaceWith(node);
    return;
  }
  // Newest first, by creation time then id.
  const after = [...list.children].find((child) => {
    const other = alerts.get(Number(child.dataset.id));
    return other && (other.alert.created_at < alert.created_at || (other.alert.created_at === alert.created_at && other.alert.id < alert.id));
  });
  list.insertBefore(node, after || null);
}

function refresh() {
  const hideAcknowledged = !showAcknowledged.checked;
  let visible = 0;
  for (const { alert, node } of alerts.values()) {
    node.hidden = hideAcknowledged && alert.state === "acknowledged";
    if (!node.hidden) visible += 1;
  }
  empty.hidden = visible > 0;
}

for (const alert of pageData().alerts || []) place(alert);
refresh();
showAcknowledged.addEventListener("change", refresh);

onAlert(async (message) => {
  if (message.type === "alert.created") {
    place(message.alert);
  } else if (message.type === "alert.updated") {
    // an acknowledgement carries id and state; a pair that gained a selector, the whole alert
    const known = alerts.get(message.alert.id);
    if (known) place({ ...known.alert, ...message.alert });
    else if (message.alert.match) place(message.alert);
  } else if (message.type === "alerts.resync") {
    const { ok, data } = await api("/api/v1/alerts/?page_size=100");
    if (ok && data) for (const alert of data.results) place(alert);
  }
  refresh();
});
