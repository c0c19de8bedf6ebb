"""The pages in a real Chromium against a real server (see conftest.py).

Officers of Cyprus and the United States (two browser contexts, each in its
own time zone) share the "Postal hubs" room of the ARMSTRONG VII demo; the
Europol coordinator watches the dashboard.
"""

import itertools
import re

import pytest

from apps.reports.normalise import s10_check_digit

from .conftest import DEMO_PASSWORD, LAPTOP, PHONE

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect
serials = itertools.count(31_415_926)


def tracking_number() -> str:
    """A fresh, valid UPU S10 tracking number."""
    serial = f"{next(serials):08d}"
    return f"CP{serial}{s10_check_digit(serial)}CY"


def open_room(page, name: str = "Postal hubs"):
    page.goto("/")
    page.get_by_role("link", name=name, exact=True).first.click()
    expect(page.locator("#live-state")).to_have_text("Live")
    # Set once; still there later only if the page was never reloaded.
    page.evaluate("window.__notReloaded = true")
    return page


def choose_kind(page, kind: str) -> None:
    page.locator(f'input[name="kind"][value="{kind}"]').check()


def open_parcel(page) -> None:
    page.locator('#report-form details[data-path="parcel"] > summary').click()
    expect(page.locator('[data-path="parcel.tracking_number"]')).to_be_visible()


def post_hit(page, *, body: str, tracking: str, category="firearm", quantity="2") -> None:
    choose_kind(page, "hit")
    page.locator('[data-path="seizures[0].category"]').select_option(category)
    page.locator('[data-path="seizures[0].quantity"]').fill(quantity)
    page.locator('[data-path="body"]').fill(body)
    open_parcel(page)
    page.locator('[data-path="parcel.tracking_number"]').fill(tracking)
    page.get_by_role("button", name="Post report").click()
    expect(page.locator("#form-status")).to_contain_text("posted")


def post_update(page, body: str) -> None:
    choose_kind(page, "update")
    page.locator('[data-path="body"]').fill(body)
    page.get_by_role("button", name="Post report").click()
    expect(page.locator("#form-status")).to_contain_text("posted")


def feed_item(page, text: str):
    return page.locator("#feed .report-body", has_text=text)


def kpi(page, name: str) -> int:
    return int(re.sub(r"\D", "", page.locator(f'[data-kpi="{name}"]').inner_text()) or 0)


def test_a_hit_reaches_the_other_officer_the_alert_and_the_dashboard_live(sign_in, screenshot):
    cy = open_room(sign_in("cy.customs", viewport=LAPTOP, tz="Asia/Nicosia"))
    us = open_room(sign_in("us.customs", viewport=PHONE, tz="America/New_York"))
    coordinator = sign_in("europol.coordinator", viewport=LAPTOP, tz="Europe/Amsterdam")
    coordinator.get_by_role("link", name="Live dashboard").first.click()
    expect(coordinator.locator("#live-state")).to_have_text("Live")
    # functions, not strings: a string would be eval'd in the page, which the CSP refuses
    coordinator.wait_for_function(
        "() => document.querySelector('[data-kpi=hits]').textContent !== '–'"
    )
    hits, open_alerts = kpi(coordinator, "hits"), kpi(coordinator, "alerts")
    expect(cy.locator("#alert-count")).to_have_text("0")

    # A hit whose text holds HTML and script: the other officer sees it live, as text.
    body = 'Pistol in a speaker <b>bold</b><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    parcel = tracking_number()
    post_hit(cy, body=body, tracking=parcel)

    seen = feed_item(us, "Pistol in a speaker")
    expect(seen).to_have_text(body)
    assert seen.locator("b, img, script").count() == 0
    assert us.evaluate("window.__pwned") is None
    assert us.evaluate("window.__notReloaded") is True
    report = us.locator("#feed .report", has_text="Pistol in a speaker")
    expect(report.locator(".kind-badge")).to_have_text("Hit")
    expect(report.locator(".country abbr")).to_have_text("CY")
    expect(report.locator(".tlp")).to_have_text("TLP:GREEN")
    expect(report.locator(".seizures")).to_contain_text("2 × Firearms")
    expect(report.locator(".parcel")).to_contain_text(parcel)
    expect(us.locator("#tz-name")).to_contain_text("America/New_York")
    expect(cy.locator("#tz-name")).to_contain_text("Asia/Nicosia")
    expect(us.locator("#presence")).to_contain_text("CY")

    # The coordinator's counters move without a reload.
    expect(coordinator.locator('[data-kpi="hits"]')).to_have_text(str(hits + 1))
    expect(coordinator.locator("#latest-hits")).to_contain_text("Pistol in a speaker")

    # The US officer reports the same parcel: a cross-match alert reaches the Cypriot officer's header.
    choose_kind(us, "intel")
    us.locator('[data-path="body"]').fill("Same parcel seen on a vendor's shop page.")
    open_parcel(us)
    us.locator('[data-path="parcel.tracking_number"]').fill(parcel)
    us.get_by_role("button", name="Post report").click()
    expect(us.locator("#form-status")).to_contain_text("posted")
    expect(cy.locator("#alert-count")).to_have_text("1")
    expect(coordinator.locator('[data-kpi="alerts"]')).to_have_text(str(open_alerts + 1))
    assert cy.evaluate("window.__notReloaded") is True

    screenshot(cy, "room-laptop")
    screenshot(us, "room-phone")
    screenshot(coordinator, "dashboard-laptop")

    # The inbox says why and links to the reports; acknowledging clears the count.
    cy.get_by_role("link", name=re.compile("^Alerts")).click()
    alert = cy.locator(".alert").first
    expect(alert).to_contain_text("Exact match")
    expect(alert.locator(".alert-why")).to_contain_text(parcel)
    expect(alert.locator(".alert-report a")).to_have_count(2)
    screenshot(cy, "alerts-laptop")
    alert.get_by_role("button", name="Acknowledge").click()
    expect(cy.locator("#alert-count")).to_have_text("0")
    expect(alert.locator(".state-badge")).to_have_text("Acknowledged")
    alert.locator(".alert-report a").first.click()
    expect(cy.locator(".report-page .report-body")).to_have_text(body)
    screenshot(cy, "report-laptop")


def test_the_feed_fills_the_gap_after_the_network_comes_back(sign_in, screenshot):
    cy = open_room(sign_in("cy.customs", tz="Asia/Nicosia"))
    us = open_room(sign_in("us.customs", viewport=PHONE, tz="America/New_York"))

    us.context.set_offline(True)
    expect(us.locator("#connection-status")).to_be_visible()
    expect(us.locator("#live-state")).not_to_have_text("Live")
    post_update(cy, "Posted while the US was offline")
    post_update(cy, "And a second one")
    us.wait_for_timeout(500)
    expect(feed_item(us, "Posted while the US was offline")).to_have_count(0)
    screenshot(us, "room-offline-phone")

    us.context.set_offline(False)

    expect(feed_item(us, "Posted while the US was offline")).to_have_count(1)
    expect(feed_item(us, "And a second one")).to_have_count(1)
    expect(us.locator("#connection-status")).to_be_hidden()
    expect(us.locator("#live-state")).to_have_text("Live")
    assert us.evaluate("window.__notReloaded") is True
    # Newest first, nothing twice.
    seqs = [
        int(s)
        for s in us.locator("#feed > li").evaluate_all("items => items.map(i => i.dataset.seq)")
    ]
    assert seqs == sorted(set(seqs), reverse=True)


def test_the_form_shows_field_errors_before_and_after_sending(sign_in, screenshot):
    cy = open_room(sign_in("cy.customs", tz="Asia/Nicosia"))
    before = cy.evaluate("window.ccRoom.count()")

    # Before sending: a hit without category or quantity is stopped in the page.
    choose_kind(cy, "hit")
    cy.get_by_role("button", name="Post report").click()
    expect(cy.locator("#form-errors")).to_be_visible()
    quantity = cy.locator('[data-path="seizures[0].quantity"]')
    expect(quantity).to_have_attribute("aria-invalid", "true")
    expect(cy.locator(".field-error", has_text="whole number of 1 or more")).to_be_visible()

    # After sending: only the server knows the S10 check digit is wrong.
    cy.locator('[data-path="seizures[0].category"]').select_option("ammunition")
    quantity.fill("50")
    open_parcel(cy)
    tracking = cy.locator('[data-path="parcel.tracking_number"]')
    tracking.fill("RR123456780US")
    cy.get_by_role("button", name="Post report").click()
    expect(tracking).to_have_attribute("aria-invalid", "true")
    expect(cy.locator(".field-error", has_text="check digit")).to_be_visible()
    expect(cy.locator("#form-errors")).to_contain_text("Tracking number: S10 check digit")
    screenshot(cy, "room-form-errors-laptop")
    assert cy.evaluate("window.ccRoom.count()") == before

    # Corrected, it goes through, and the form is ready for the next one.
    tracking.fill("RR123456785US")
    cy.get_by_role("button", name="Post report").click()
    expect(cy.locator("#form-status")).to_contain_text("posted")
    expect(cy.locator("#form-errors")).to_be_hidden()
    expect(cy.locator("#feed .report").first.locator(".seizures")).to_contain_text(
        "50 × Ammunition"
    )


def test_the_main_pages_on_a_laptop_and_a_phone(sign_in, browser, web_server, screenshot):
    anonymous = browser.new_context(viewport=PHONE, base_url=web_server)
    login = anonymous.new_page()
    login.goto("/")
    expect(login.get_by_role("heading", name="Sign in")).to_be_visible()
    screenshot(login, "login-phone")
    anonymous.close()

    for size, viewport in (("laptop", LAPTOP), ("phone", PHONE)):
        page = sign_in("europol.coordinator", viewport=viewport, tz="Europe/Amsterdam")
        expect(page.get_by_role("heading", name="My operations")).to_be_visible()
        screenshot(page, f"home-{size}")
        page.get_by_role("link", name="Results").first.click()
        expect(page.locator("#press-summary")).to_contain_text("ARMSTRONG VII")
        screenshot(page, f"results-{size}")
        page.get_by_role("link", name="Overview").click()
        expect(page.get_by_role("heading", name="Rooms")).to_be_visible()
        screenshot(page, f"operation-{size}")
        page.get_by_role("link", name="Dashboard").click()
        expect(page.locator("#live-state")).to_have_text("Live")
        page.wait_for_function(
            "() => document.querySelector('#country-table tbody').children.length > 0"
        )
        if size == "phone":
            screenshot(page, "dashboard-phone")
        # Keyboard: the skip link is the first stop and takes focus to the content.
        page.keyboard.press("Tab")
        expect(page.locator(".skip-link")).to_be_focused()


def test_posting_falls_back_to_rest_when_the_room_socket_is_down(sign_in):
    us = open_room(sign_in("us.customs", tz="America/New_York"))
    cy = sign_in("cy.customs", tz="Asia/Nicosia")
    # Every room socket of this officer's browser is refused from now on.
    cy.context.route_web_socket(re.compile(r"/ws/rooms/"), lambda ws: ws.close(code=1011))
    cy.goto("/")
    cy.get_by_role("link", name="Postal hubs", exact=True).first.click()
    expect(cy.locator("#live-state")).to_have_text("Offline, reconnecting…")

    post_update(cy, "Sent over REST while the socket was down")

    expect(feed_item(cy, "Sent over REST while the socket was down")).to_have_count(1)
    expect(feed_item(us, "Sent over REST while the socket was down")).to_have_count(1)


def report_parcel(page, kind: str, *, body: str, tracking: str) -> None:
    """Post a report of `kind` on a parcel (the parcel section may still be open)."""
    choose_kind(page, kind)
    if kind == "hit":
        page.locator('[data-path="seizures[0].category"]').select_option("firearm_part")
        page.locator('[data-path="seizures[0].quantity"]').fill("1")
    page.locator('[data-path="body"]').fill(body)
    if not page.locator('#report-form details[data-path="parcel"]').evaluate("d => d.open"):
        open_parcel(page)
    page.locator('[data-path="parcel.tracking_number"]').fill(tracking)
    page.get_by_role("button", name="Post report").click()
    expect(page.locator("#form-status")).to_contain_text("posted")


ACK_EVERY_NEW_ALERT = """async () => {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const page = await (await fetch("/api/v1/alerts/?state=new&page_size=1000")).json();
  for (const alert of page.results) {
    await fetch(`/api/v1/alerts/${alert.id}/ack/`, { method: "POST", headers: { "X-CSRFToken": csrf } });
  }
}"""

# axe-core's `list` and `listitem` rules (the alerts page's one serious violation was
# `#alert-list` holding <article> directly): a list holds list items only, and a list
# item sits in a list.
LIST_SEMANTICS_BROKEN = """() => [
  ...[...document.querySelectorAll("ul, ol, [role=list]")].flatMap((list) =>
    [...list.children]
      .filter((child) => !["LI", "SCRIPT", "TEMPLATE"].includes(child.tagName) && child.getAttribute("role") !== "listitem")
      .map((child) => `${list.id || list.tagName} > ${child.tagName}`)),
  ...[...document.querySelectorAll("li")]
    .filter((item) => !["UL", "OL", "MENU"].includes(item.parentElement.tagName) && item.parentElement.getAttribute("role") !== "list")
    .map((item) => `${item.parentElement.tagName} > LI`),
]"""


def test_the_inbox_counts_unread_alerts_in_its_title_and_moves_focus_after_acknowledge(
    sign_in, screenshot
):
    # given: the Cypriot officer's inbox with nothing new, and two hits of theirs in the room
    inbox = sign_in("cy.customs", tz="Asia/Nicosia")
    inbox.goto("/alerts/")
    inbox.evaluate(ACK_EVERY_NEW_ALERT)
    inbox.reload()
    expect(inbox).to_have_title("Alerts · Command centre")
    expect(inbox.locator("#alert-count")).to_have_text("0")
    before = int(inbox.locator("#alert-total").get_attribute("data-count"))
    cy = open_room(sign_in("cy.customs", tz="Asia/Nicosia"))
    parcels = [tracking_number(), tracking_number()]
    for parcel in parcels:
        report_parcel(cy, "hit", body=f"Revolver parts in parcel {parcel}", tracking=parcel)
    us = open_room(sign_in("us.customs", tz="America/New_York"))

    # when: the US officer reports both parcels, two alerts reach the open inbox live
    for parcel in parcels:
        report_parcel(us, "intel", body=f"Parcel {parcel} on a vendor's page.", tracking=parcel)

    # then: the title counts them, and every reference names its room
    expect(inbox).to_have_title("(2) Alerts · Command centre")
    items = inbox.locator("#alert-list > li")
    expect(inbox.locator("#alert-list > li:has(article.state-new)")).to_have_count(2)
    expect(inbox.locator("#alert-total")).to_have_text(f"{before + 2} alerts")
    first, second = items.nth(0).locator("article"), items.nth(1).locator("article")
    expect(first.locator(".alert-why")).to_contain_text(parcels[1])
    expect(second.locator(".alert-why")).to_contain_text(parcels[0])
    expect(first.locator(".alert-report a").first).to_have_text(re.compile(r"^Postal hubs #\d+$"))
    assert inbox.evaluate(LIST_SEMANTICS_BROKEN) == []
    screenshot(inbox, "alerts-two-new")

    # when: Acknowledge on the first
    first.get_by_role("button", name="Acknowledge").click()

    # then: focus is on the second, the title counts one
    expect(second).to_be_focused()
    expect(inbox).to_have_title("(1) Alerts · Command centre")
    expect(first.locator(".state-badge")).to_have_text("Acknowledged")

    # when the last is acknowledged, focus goes to the list's heading
    second.get_by_role("button", name="Acknowledge").click()
    expect(inbox.locator("#alert-list-heading")).to_be_focused()
    expect(inbox).to_have_title("Alerts · Command centre")
    assert inbox.evaluate(LIST_SEMANTICS_BROKEN) == []


def test_the_inbox_filters_and_pages_without_script(browser, web_server):
    # given: a browser with JavaScript off, signed in as the coordinator (alerts from the demo)
    context = browser.new_context(java_script_enabled=False, base_url=web_server)
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("Username").fill("europol.coordinator")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # when: the filter form is sent
    page.goto("/alerts/")
    page.get_by_label("Match").select_option("exact")
    page.get_by_label("State").select_option("new")
    page.get_by_role("button", name="Show").click()

    # then: the filters are in the address and kept in the form
    expect(page).to_have_url(re.compile(r"state=new.*kind=exact|kind=exact.*state=new"))
    expect(page.get_by_label("Match")).to_have_value("exact")
    expect(page.locator("#alert-total")).to_have_text(re.compile(r"^\d+ alerts?$"))
    context.close()
