// Reports and alerts as DOM, from the payloads the API and the sockets send.
// Every value is set as text: a report body with <script> in it shows as text.

import {
  CATEGORY_LABELS,
  KIND_LABELS,
  OUTCOME_LABELS,
  countryTag,
  el,
  gettext,
  handlingTag,
  interpolate,
  number,
  timeTag,
} from "./common.js";

function facts(pairs) {
  const shown = pairs.filter(([, value]) => value !== null && value !== undefined && value !== "");
  if (!shown.length) return null;
  return el("dl", { class: "facts" }, shown.flatMap(([label, value]) => [el("dt", {}, label), el("dd", {}, value)]));
}

function partyText(party) {
  if (!party) return "";
  return [party.name, party.company, party.date_of_birth, party.phone, party.email, party.address]
    .filter(Boolean)
    .join(" · ");
}

function parcelBlock(parcel) {
  if (!parcel) return null;
  const route =
    parcel.origin_country || parcel.destination_country
      ? `${parcel.origin_country || "?"} → ${parcel.destination_country || "?"}`
      : "";
  return el(
    "div",
    { class: "parcel" },
    el("h4", {}, gettext("Parcel")),
    facts([
      [gettext("Tracking number"), parcel.tracking_number],
      [gettext("Carrier"), parcel.carrier],
      [gettext("Route"), route],
      [gettext("Declared content"), parcel.declared_content],
      [gettext("Weight"), parcel.weight_g ? `${number(parcel.weight_g)} g` : ""],
      [gettext("Sender"), partyText(parcel.sender)],
      [gettext("Recipient"), partyText(parcel.recipient)],
    ]),
  );
}

/** One report as an <article>; `link` adds a link to its own page. */
export function renderReport(report, { link = true, names = {} } = {}) {
  const head = el(
    "header",
    { class: "report-head" },
    el("span", { class: `kind-badge kind-${report.kind}` }, KIND_LABELS[report.kind] || report.kind),
    countryTag(report.country, names),
    el("span", { class: "agency" }, report.agency ? report.agency.name : ""),
    el("span", { class: "author" }, report.author || ""),
    handlingTag(report.handling),
    el("span", { class: "seq" }, `#${report.seq}`),
    timeTag(report.created_at),
  );
  const parts = [head];
  if (report.amends) {
    parts.push(el("p", { class: "amends" }, gettext("Amends report"), " ", el("a", { href: `/reports/${report.amends}/` }, `#${report.amends}`)));
  }
  if (report.body) parts.push(el("p", { class: "report-body" }, report.body));
  const location = report.location || {};
  const where = [location.name, location.country ? `(${location.country})` : ""].filter(Boolean).join(" ");
  const checkFacts =
    report.kind === "check"
      ? [
          [gettext("Items checked"), number(report.checks_count)],
          [gettext("Outcome"), el("span", { class: `outcome outcome-${report.outcome}` }, OUTCOME_LABELS[report.outcome] || report.outcome)],
        ]
      : [];
  const list = facts([...checkFacts, [gettext("Where"), where], [gettext("When"), report.occurred_at ? timeTag(report.occurred_at) : ""]]);
  if (list) parts.push(list);
  if (report.seizures && report.seizures.length) {
    parts.push(
      el(
        "ul",
        { class: "seizures", "aria-label": gettext("Seized") },
        report.seizures.map((s) =>
          el("li", {}, el("strong", {}, number(s.quantity)), " × ", CATEGORY_LABELS[s.category] || s.category, s.description ? ` – ${s.description}` : ""),
        ),
      ),
    );
  }
  const parcel = parcelBlock(report.parcel);
  if (parcel) parts.push(parcel);
  if (report.people && report.people.length) {
    parts.push(el("ul", { class: "people", "aria-label": gettext("People and companies") }, report.people.map((p) => el("li", {}, partyText(p)))));
  }
  if (report.selectors && report.selectors.length) {
    parts.push(
      el(
        "ul",
        { class: "selectors", "aria-label": gettext("Selectors") },
        report.selectors.map((s) => el("li", { class: "selector" }, el("span", { class: "selector-type" }, s.type.replace(/_/g, " ")), " ", el("span", { class: "mono" }, s.value))),
      ),
    );
  }
  if (link && report.id) {
    parts.push(el("p", { class: "report-link" }, el("a", { href: `/reports/${report.id}/` }, gettext("Open this report"))));
  }
  return el("article", { class: `report kind-${report.kind}`, dataset: { seq: report.seq, id: report.id } }, parts);
}

function reportReference(report, roomNames) {
  if (report.kind) {
    const summary = report.body ? report.body.slice(0, 140) : KIND_LABELS[report.kind];
    // "Balkan route #3": a report's number says nothing without its room
    const room = roomNames.get(report.room);
    const kind = KIND_LABELS[report.kind] || report.kind;
    return el(
      "li",
      { class: "alert-report" },
      room ? el("span", { class: "report-kind" }, `${kind} `) : null,
      el("a", { href: `/reports/${report.id}/` }, room ? `${room} #${report.seq}` : `${kind} #${report.seq}`),
      " ",
      countryTag(report.country),
      " ",
      el("span", { class: "agency" }, report.agency ? report.agency.name : ""),
      " ",
      handlingTag(report.handling),
      el("span", { class: "excerpt" }, summary),
    );
  }
  // A stub: the officer may not read it, only know that it exists and who holds it.
  return el(
    "li",
    { class: "alert-report stub" },
    interpolate(gettext("A report held by %(agency)s that you may not read"), { agency: report.agency }, true),
    " ",
    countryTag(report.country),
    " ",
    handlingTag(report.handling),
  );
}

const STATE_LABELS = { new: gettext("New"), seen: gettext("Seen"), acknowledged: gettext("Acknowledged") };

/** One alert; `onAck(alert)` is called when its Acknowledge button is pressed. */
export function renderAlert(alert, { onAck } = {}) {
  const match = alert.match || {};
  const roomNames = new Map((alert.rooms || []).map((room) => [room.id, room.name]));
  const title =
    match.kind === "fuzzy"
      ? interpolate(gettext("Similar names (score %(score)s)"), { score: Number(match.score).toFixed(2) }, true)
      : gettext("Exact match");
  // every selector and name the pair shares, strongest first (one line each)
  const shared = match.selectors && match.selectors.length ? match.selectors : match.selector ? [match.selector] : [];
  const why = shared
    .filter((s) => s && s.type)
    .map((s) =>
      el(
        "p",
        { class: "alert-why" },
        el("span", { class: "selector-type" }, String(s.type).replace(/_/g, " ")),
        s.value ? " " : null,
        s.value ? el("span", { class: "mono" }, s.value) : null,
      ),
    );
  const reasons = (match.reasons || []).map((r) => el("li", {}, r));
  const actions = el("div", { class: "alert-actions" });
  if (alert.state !== "acknowledged" && onAck) {
    actions.append(el("button", { type: "button", class: "button button-small", onclick: () => onAck(alert) }, gettext("Acknowledge")));
  }
  return el(
    "article",
    { class: `alert state-${alert.state}`, tabindex: "-1", dataset: { id: alert.id, state: alert.state } },
    el(
      "header",
      { class: "alert-head" },
      el("span", { class: `match-badge match-${match.kind}` }, title),
      el("span", { class: `state-badge state-${alert.state}` }, STATE_LABELS[alert.state] || alert.state),
      timeTag(alert.created_at),
    ),
    why,
    reasons.length ? el("ul", { class: "alert-reasons", "aria-label": gettext("Why the reports matched") }, reasons) : null,
    el("ul", { class: "alert-reports", "aria-label": gettext("The reports") }, (match.reports || []).map((r) => reportReference(r, roomNames))),
    actions,
  );
}
