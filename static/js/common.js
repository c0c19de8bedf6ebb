// Shared by every page: translation helpers, safe DOM building, times in the
// viewer's zone, a self-healing WebSocket and the connection banner.
//
// Nothing a user wrote ever goes through innerHTML: every element is built
// with createElement and every text is set with textContent.

// Django's JavaScript catalog (/jsi18n/) defines these; the fallbacks keep a page usable without it.
const gettext = window.gettext || ((s) => s);
const ngettext = window.ngettext || ((s, p, n) => (n === 1 ? s : p));
const interpolate = window.interpolate || ((f, obj, named) =>
  named ? f.replace(/%\((\w+)\)s/g, (_, k) => String(obj[k])) : f.replace(/%s/g, () => String(obj.shift())));

export { gettext, ngettext, interpolate };

/** el("p", {class: "x", dataset: {seq: 1}}, "text", child) -> an element; strings become text nodes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function pageData() {
  const node = document.getElementById("page-data");
  return node ? JSON.parse(node.textContent) : {};
}

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

/** fetch() for our own JSON API with the session cookie and CSRF token. */
export async function api(path, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { ok: response.ok, status: response.status, data };
}

// --- countries and labels ------------------------------------------------------

export function flag(code) {
  if (!code || !/^[A-Za-z]{2}$/.test(code)) return "";
  return String.fromCodePoint(...[...code.toUpperCase()].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
}

/** A country as a flag (decorative) plus its code, with the name as a tooltip where known. */
export function countryTag(code, names = {}) {
  return el(
    "span",
    { class: "country" },
    el("span", { "aria-hidden": "true" }, flag(code)),
    " ",
    el("abbr", { title: names[code] || code }, code || "?"),
  );
}

export const KIND_LABELS = {
  check: gettext("Check"),
  hit: gettext("Hit"),
  intel: gettext("Intelligence"),
  update: gettext("Update"),
};

export const CATEGORY_LABELS = {
  firearm: gettext("Firearms"),
  firearm_part: gettext("Firearm parts"),
  ammunition: gettext("Ammunition"),
  other_weapon: gettext("Other weapons"),
  explosive: gettext("Explosives"),
  other: gettext("Other"),
};

export const OUTCOME_LABELS = {
  clear: gettext("Clear"),
  suspicious: gettext("Suspicious"),
  hit: gettext("Hit"),
};

export const HANDLING_LABELS = {
  clear: "TLP:CLEAR",
  green: "TLP:GREEN",
  amber: "TLP:AMBER",
  "amber+strict": "TLP:AMBER+STRICT",
  red: "TLP:RED",
};

export function handlingTag(handling) {
  return el("span", { class: `tlp tlp-${String(handling).replace("+", "")}` }, HANDLING_LABELS[handling] || handling);
}

// --- times ---------------------------------------------------------------------

export const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

const formats = {
  datetime: new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
  }),
  time: new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short" }),
  hour: new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }),
};

export function formatTime(iso, style = "datetime") {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return (formats[style] || formats.datetime).format(date);
}

/** <time datetime=UTC> in the viewer's zone, the zone named; the UTC value stays as the tooltip. */
export function timeTag(iso, style = "datetime") {
  return el("time", { datetime: iso, title: iso }, formatTime(iso, style));
}

export function localiseTimes(root = document) {
  for (const node of root.querySelectorAll("time[datetime]")) {
    if (node.dataset.localised) continue;
    node.title = node.getAttribute("datetime");
    node.textContent = formatTime(node.getAttribute("datetime"), node.dataset.style || "datetime");
    node.dataset.localised = "1";
  }
}

export function timeZoneLabel() {
  const short = new Intl.DateTimeFormat(undefined, { timeZoneName: "short" })
    .formatToParts(new Date())
    .find((p) => p.type === "timeZoneName");
  return short ? `${timeZone} (${short.value})` : timeZone;
}

// --- the connection banner --------------------------------------------------------

const offlineSockets = new Set();
let bannerTimer = null;

function updateBanner() {
  const banner = document.getElementById("connection-status");
  if (!banner) return;
  clearTimeout(bannerTimer);
  if (offlineSockets.size === 0) {
    banner.hidden = true;
    document.body.classList.remove("is-offline");
    return;
  }
  // A short grace period: a socket that reconnects at once is not worth a banner.
  bannerTimer = setTimeout(() => {
    if (offlineSockets.size) {
      banner.hidden = false;
      document.body.classList.add("is-offline");
    }
  }, navigator.onLine ? 1500 : 0);
}

// Close codes that mean "do not come back": no credentials, not allowed, no such thing.
const FINAL_CLOSE_CODES = new Set([4401, 4403, 4404]);

/**
 * A WebSocket that reconnects by itself with backoff and says when it is offline.
 * onOpen runs on every (re)connect: that is where a client asks for what it missed.
 */
export class LiveSocket {
  constructor(path, { onMessage, onOpen, onState } = {}) {
    this.path = path;
    this.onMessage = onMessage || (() => {});
    this.onOpen = onOpen || (() => {});
    this.onState = onState || (() => {});
    this.attempt = 0;
    this.ws = null;
    this.timer = null;
    this.stopped = false;
    this.state = "connecting";
    window.addEventListener("offline", () => this.dropForOffline());
    window.addEventListener("online", () => this.reconnectNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && !this.isOpen()) this.reconnectNow();
    });
    this.connect();
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}${this.path}`;
  }

  setState(state, detail) {
    this.state = state;
    if (state === "online" || state === "refused") offlineSockets.delete(this);
    else offlineSockets.add(this);
    updateBanner();
    this.onState(state, detail);
  }

  isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  connect() {
    clearTimeout(this.timer);
    if (this.stopped) return;
    if (!navigator.onLine) {
      this.setState("offline");
      // The "online" event brings us back; poll slowly in case it never comes.
      this.timer = setTimeout(() => this.connect(), 5000);
      return;
    }
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (ws !== this.ws) return;
      this.attempt = 0;
      this.setState("online");
      this.onOpen(this);
    });
    ws.addEventListener("message", (event) => {
      if (ws !== this.ws) return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      this.onMessage(message, this);
    });
    ws.addEventListener("close", (event) => {
      if (ws !== this.ws) return;
      this.ws = null;
      if (FINAL_CLOSE_CODES.has(event.code)) {
        this.stopped = true;
        this.setState("refused", event.code);
        return;
      }
      this.setState("offline", event.code);
      this.scheduleReconnect(event.code === 4008 ? 0 : undefined);
    });
  }

  scheduleReconnect(delay) {
    clearTimeout(this.timer);
    if (this.stopped) return;
    if (delay === undefined) {
      const base = Math.min(15000, 500 * 2 ** this.attempt);
      delay = base / 2 + Math.random() * (base / 2);
      this.attempt += 1;
    }
    this.timer = setTimeout(() => this.connect(), delay);
  }

  /** The browser says the network is gone: stop trusting the socket now. */
  dropForOffline() {
    if (this.stopped) return;
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close();
    clearTimeout(this.timer);
    this.setState("offline");
  }

  reconnectNow() {
    if (this.stopped || this.isOpen()) return;
    if (this.ws && this.ws.readyState === WebSocket.CONNECTING) return;
    this.attempt = 0;
    this.connect();
  }

  send(message) {
    if (!this.isOpen()) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }
}

/** The live state badge of a page: "Live", "Offline, reconnecting…", "Not allowed". */
export function showLiveState(state, code) {
  const node = document.getElementById("live-state");
  if (!node) return;
  node.dataset.state = state;
  if (state === "online") node.textContent = gettext("Live");
  else if (state === "refused") node.textContent = code === 4403 ? gettext("Access ended") : gettext("Not available");
  else if (state === "connecting") node.textContent = gettext("Connecting…");
  else node.textContent = gettext("Offline, reconnecting…");
}

export function uuid4() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function number(value) {
  return new Intl.NumberFormat().format(value || 0);
}
