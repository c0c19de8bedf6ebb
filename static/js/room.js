// A room: the live feed (newest first), presence by country, and the report forms.
//
// The socket is a hint, the database is the truth: on every (re)connect the
// page sends {"type": "resume", "after_seq": highest seq seen} and the server
// replays what was missed; duplicates are dropped by seq. Posting goes over
// the socket, and over REST when the socket is down or slow to answer; the
// same client_id makes either idempotent.

import {
  LiveSocket,
  api,
  countryTag,
  el,
  gettext,
  interpolate,
  ngettext,
  pageData,
  showLiveState,
  uuid4,
} from "./common.js";
import { renderReport } from "./render.js";

const data = pageData();
const feed = document.getElementById("feed");
const feedEmpty = document.getElementById("feed-empty");
const bySeq = new Map();
let highestSeq = 0;

// --- the feed ------------------------------------------------------------------

function addReport(report) {
  if (!report || typeof report.seq !== "number" || bySeq.has(report.seq)) return false;
  const node = el("li", { class: "feed-item", dataset: { seq: report.seq } }, renderReport(report));
  bySeq.set(report.seq, node);
  highestSeq = Math.max(highestSeq, report.seq);
  // Newest first: before the first item with a lower seq, so a gap filled late lands in place.
  const next = [...feed.children].find((child) => Number(child.dataset.seq) < report.seq);
  feed.insertBefore(node, next || null);
  feedEmpty.hidden = true;
  return true;
}

for (const report of data.feed || []) addReport(report);
feedEmpty.hidden = bySeq.size > 0;
window.ccRoom = { highestSeq: () => highestSeq, count: () => bySeq.size };

// --- presence --------------------------------------------------------------------

function renderPresence(online) {
  const list = document.getElementById("presence");
  list.replaceChildren();
  const byCountry = new Map();
  for (const group of online || []) {
    if (!byCountry.has(group.country)) byCountry.set(group.country, []);
    byCountry.get(group.country).push(group);
  }
  if (!byCountry.size) {
    list.append(el("li", { class: "muted" }, gettext("Nobody else is here.")));
    return;
  }
  for (const [country, groups] of byCountry) {
    const officers = groups.reduce((n, g) => n + g.officers.length, 0);
    list.append(
      el(
        "li",
        { class: "presence-country", dataset: { country } },
        countryTag(country),
        " ",
        el("span", { class: "presence-count" }, interpolate(ngettext("%s officer", "%s officers", officers), [officers])),
        el(
          "ul",
          { class: "presence-agencies" },
          groups.map((g) => el("li", {}, el("span", { class: "agency" }, g.agency), ": ", g.officers.join(", "))),
        ),
      ),
    );
  }
}

// --- the socket ----------------------------------------------------------------------

let pending = null; // {clientId, resolve, timer}

function settlePending(clientId, outcome) {
  if (pending && pending.clientId === clientId) {
    clearTimeout(pending.timer);
    const { resolve } = pending;
    pending = null;
    resolve(outcome);
  }
}

const socket = new LiveSocket(`/ws/rooms/${data.room}/`, {
  onOpen: (s) => s.send({ type: "resume", after_seq: highestSeq }),
  onState: (state, code) => {
    showLiveState(state, code);
    // Who is online is only known while connected.
    document.getElementById("presence").classList.toggle("is-stale", state !== "online");
    if (state !== "online" && pending) settlePending(pending.clientId, { via: "socket-lost" });
  },
  onMessage: (message, s) => {
    switch (message.type) {
      case "report.created":
        addReport(message.report);
        break;
      case "resume.done":
        if (message.more) s.send({ type: "resume", after_seq: Math.max(highestSeq, message.last_seq) });
        break;
      case "presence":
        renderPresence(message.online);
        break;
      case "report.ack":
        settlePending(message.client_id, { ok: true, seq: message.seq, id: message.id });
        break;
      case "error":
        if (message.client_id) settlePending(message.client_id, { ok: false, code: message.code, message: message.message, errors: message.errors });
        break;
      default:
        break;
    }
  },
});

// --- the form -------------------------------------------------------------------------

const form = document.getElementById("report-form");
if (form) setUpForm(form);

function setUpForm(form) {
  const summary = document.getElementById("form-errors");
  const status = document.getElementById("form-status");
  const button = document.getElementById("post-button");
  const handling = document.getElementById("f-handling");
  const recipientsField = document.getElementById("recipients-field");
  let clientId = uuid4();
  let fieldCounter = 0;

  const kind = () => form.querySelector('input[name="kind"]:checked').value;

  function showKind() {
    const current = kind();
    for (const section of form.querySelectorAll("[data-kinds]")) {
      section.hidden = !section.dataset.kinds.split(" ").includes(current);
    }
    if (current === "hit" && !form.querySelector('[data-lines="seizures"]').children.length) addLine("seizures");
  }

  function renumber(name) {
    const list = form.querySelector(`[data-lines="${name}"]`);
    [...list.children].forEach((line, index) => {
      line.querySelector("[data-n]").textContent = String(index + 1);
      line.querySelector("fieldset").dataset.path = `${name}[${index}]`;
      for (const input of line.querySelectorAll("[data-field]")) {
        input.dataset.path = `${name}[${index}].${input.dataset.field}`;
      }
    });
  }

  function addLine(name) {
    const list = form.querySelector(`[data-lines="${name}"]`);
    const line = document.getElementById(`tpl-${name}`).content.firstElementChild.cloneNode(true);
    for (const input of line.querySelectorAll("[data-field]")) {
      fieldCounter += 1;
      input.id = `f-${name}-${fieldCounter}`;
      const label = line.querySelector(`label[data-for="${input.dataset.field}"]`);
      if (label) label.htmlFor = input.id;
    }
    line.querySelector("[data-remove]").addEventListener("click", () => {
      line.remove();
      renumber(name);
      const first = list.querySelector("input, select");
      (first || form.querySelector(`[data-add="${name}"]`)).focus();
    });
    list.append(line);
    renumber(name);
    return line;
  }

  for (const button of form.querySelectorAll("[data-add]")) {
    button.addEventListener("click", () => {
      const line = addLine(button.dataset.add);
      line.querySelector("input, select").focus();
    });
  }
  for (const radio of form.querySelectorAll('input[name="kind"]')) radio.addEventListener("change", showKind);
  handling.addEventListener("change", () => {
    recipientsField.hidden = handling.value !== "red";
  });
  showKind();

  // --- reading the form into a report ---

  const value = (path) => {
    const input = form.querySelector(`[data-path="${path}"]`);
    return input ? input.value.trim() : "";
  };
  const intOrNull = (text) => (text === "" ? null : Number(text));
  const compact = (object) => {
    const out = {};
    for (const [k, v] of Object.entries(object)) if (v !== "" && v !== null && v !== undefined) out[k] = v;
    return Object.keys(out).length ? out : null;
  };

  function lines(name) {
    const list = form.querySelector(`[data-lines="${name}"]`);
    return [...list.children].map((line) => {
      const item = {};
      for (const input of line.querySelectorAll("[data-field]")) {
        const text = input.value.trim();
        if (text === "") continue;
        item[input.dataset.field] = input.type === "number" ? Number(text) : text;
      }
      return item;
    });
  }

  function read() {
    const k = kind();
    const report = { client_id: clientId, kind: k, handling: handling.value };
    const body = form.querySelector('[data-path="body"]').value;
    if (body.trim()) report.body = body;
    const location = compact({ name: value("location.name"), country: value("location.country"), site_type: value("location.site_type") });
    if (location) report.location = location;
    const occurred = value("occurred_at");
    if (occurred) report.occurred_at = new Date(occurred).toISOString(); // the viewer's local time, sent as UTC
    if (k === "check") {
      report.checks_count = intOrNull(value("checks_count"));
      const outcome = form.querySelector('input[name="outcome"]:checked');
      if (outcome) report.outcome = outcome.value;
    }
    if (k === "hit") report.seizures = lines("seizures");
    if (k === "intel") {
      const people = lines("people").filter((p) => Object.keys(p).length);
      if (people.length) report.people = people;
      const selectors = lines("selectors").filter((s) => Object.keys(s).length);
      if (selectors.length) report.selectors = selectors;
    }
    if (k !== "update") {
      const party = (role) => compact({ name: value(`parcel.${role}.name`), phone: value(`parcel.${role}.phone`), address: value(`parcel.${role}.address`) });
      const parcel = compact({
        tracking_number: value("parcel.tracking_number"),
        carrier: value("parcel.carrier"),
        origin_country: value("parcel.origin_country"),
        destination_country: value("parcel.destination_country"),
        declared_content: value("parcel.declared_content"),
        weight_g: intOrNull(value("parcel.weight_g")),
        sender: party("sender"),
        recipient: party("recipient"),
      });
      if (parcel) report.parcel = parcel;
    }
    if (handling.value === "red") {
      const names = value("recipients").split(",").map((s) => s.trim()).filter(Boolean);
      if (names.length) report.recipients = names;
    }
    return report;
  }

  // --- checking before sending (the server checks again) ---

  function check(report) {
    const errors = {};
    const add = (path, message) => (errors[path] = errors[path] || []).push(message);
    // The browser's own constraints (numbers, ranges, lengths, emails) on visible fields.
    // Empty fields are left to the rules below, which say what is missing in our words.
    for (const input of form.querySelectorAll("input[data-path], select[data-path], textarea[data-path]")) {
      if (input.closest("[hidden]") || input.type === "radio" || input.value.trim() === "") continue;
      if (!input.checkValidity()) add(input.dataset.path, input.validationMessage);
    }
    if (report.kind === "check" && !report.outcome) add("outcome", gettext("A check needs an outcome: clear, suspicious or hit."));
    if (report.kind === "check" && report.checks_count === null) add("checks_count", gettext("Say how many items were checked."));
    if (report.kind === "hit") {
      if (!report.seizures.length) add("seizures", gettext("A hit needs at least one seizure line."));
      report.seizures.forEach((line, i) => {
        if (!line.category) add(`seizures[${i}].category`, gettext("Choose a category."));
        if (!Number.isInteger(line.quantity) || line.quantity < 1) add(`seizures[${i}].quantity`, gettext("Give a whole number of 1 or more."));
      });
    }
    if (report.kind === "update" && !report.body) add("body", gettext("An update needs a text."));
    if (report.kind === "intel" && !(report.body || report.people || report.selectors || report.parcel)) {
      add("body", gettext("Intelligence needs a text, people, a parcel or selectors."));
    }
    if (report.kind === "intel") {
      lines("selectors").forEach((s, i) => {
        if (!Object.keys(s).length) return;
        if (!s.type) add(`selectors[${i}].type`, gettext("Choose the selector's type."));
        if (!s.value) add(`selectors[${i}].value`, gettext("Give the selector's value."));
      });
    }
    return errors;
  }

  // --- showing errors by field path ---

  function clearErrors() {
    summary.hidden = true;
    summary.querySelector("ul").replaceChildren();
    for (const node of form.querySelectorAll(".field-error")) node.remove();
    for (const node of form.querySelectorAll("[aria-invalid]")) {
      node.removeAttribute("aria-invalid");
      node.removeAttribute("aria-describedby");
    }
  }

  function targetFor(path) {
    // "parcel.sender.name" -> that input; else its closest known parent: "parcel.sender", "parcel".
    let candidate = path;
    while (candidate) {
      const node = form.querySelector(`[data-path="${CSS.escape(candidate)}"]`);
      if (node && !node.closest("[hidden]")) return node;
      const cut = Math.max(candidate.lastIndexOf("."), candidate.lastIndexOf("["));
      candidate = cut > 0 ? candidate.slice(0, cut) : "";
    }
    return null;
  }

  function describe(target, path) {
    // The words the officer sees next to the field, not the API's path.
    if (!target) return path === "non_field_errors" ? "" : path;
    const label = target.id && form.querySelector(`label[for="${CSS.escape(target.id)}"]`);
    const own = label ? label.firstChild.textContent.trim() : (target.querySelector("legend, summary") || {}).textContent;
    const line = target.closest(".line");
    const lineLegend = line && line.querySelector("legend");
    const prefix = lineLegend && !target.matches("fieldset") ? `${lineLegend.textContent.trim()} – ` : "";
    return `${prefix}${(own || path).trim()}`;
  }

  function showErrors(errors) {
    clearErrors();
    const items = summary.querySelector("ul");
    let first = null;
    for (const [path, messages] of Object.entries(errors)) {
      const text = messages.join(" ");
      const target = targetFor(path);
      const name = describe(target, path);
      if (target && !target.id) {
        fieldCounter += 1;
        target.id = `f-group-${fieldCounter}`;
      }
      items.append(
        el("li", {}, name ? el("a", { href: target ? `#${target.id}` : "#report-form" }, name) : null, name ? ": " : "", text),
      );
      if (target) {
        const details = target.closest("details");
        if (details) details.open = true;
        const id = `err-${path.replace(/[^a-zA-Z0-9]/g, "-")}`;
        const message = el("p", { class: "field-error", id }, text);
        if (["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName)) {
          target.setAttribute("aria-invalid", "true");
          target.setAttribute("aria-describedby", id);
          (target.closest(".field") || target.parentElement).append(message);
        } else {
          target.append(message);
        }
        first = first || target;
      }
    }
    summary.hidden = false;
    summary.focus();
    return first;
  }

  // --- sending ---

  function viaSocket(report) {
    return new Promise((resolve) => {
      if (!socket.send({ type: "report.create", report })) {
        resolve({ via: "no-socket" });
        return;
      }
      pending = { clientId: report.client_id, resolve, timer: setTimeout(() => settlePending(report.client_id, { via: "timeout" }), 8000) };
    });
  }

  async function viaRest(report) {
    try {
      const { ok, status: code, data: body } = await api(`/api/v1/rooms/${data.room}/reports/`, { method: "POST", body: report });
      if (ok) {
        addReport(body);
        return { ok: true, seq: body.seq, id: body.id };
      }
      if (code === 400) return { ok: false, code: "invalid", errors: body || {} };
      return { ok: false, code: String(code), message: (body && body.detail) || gettext("The server refused the report.") };
    } catch {
      return { ok: false, code: "offline", message: gettext("You are offline. The report is kept here: send it again when the connection is back.") };
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (button.disabled) return;
    const report = read();
    const errors = check(report);
    if (Object.keys(errors).length) {
      showErrors(errors);
      status.textContent = "";
      return;
    }
    clearErrors();
    button.disabled = true;
    status.textContent = gettext("Sending…");
    let outcome = await viaSocket(report);
    if (outcome.via) outcome = await viaRest(report); // the socket could not answer: REST, same client_id
    button.disabled = false;
    if (outcome.ok) {
      status.textContent = interpolate(gettext("Report #%s posted."), [outcome.seq]);
      const k = kind();
      form.reset();
      for (const list of form.querySelectorAll("[data-lines]")) list.replaceChildren();
      form.querySelector(`input[name="kind"][value="${k}"]`).checked = true;
      recipientsField.hidden = true;
      showKind();
      clientId = uuid4();
    } else if (outcome.errors && Object.keys(outcome.errors).length) {
      status.textContent = gettext("The report has errors.");
      showErrors(outcome.errors);
    } else {
      status.textContent = outcome.message || gettext("The report could not be posted.");
      showErrors({ non_field_errors: [status.textContent] });
    }
  });
}
