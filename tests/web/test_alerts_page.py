"""The alert inbox page: filters and pages by the query string (no script needed), the
unread count in the title, list semantics, and report references that name their room."""

import re

import pytest
from django.urls import reverse

from apps.alerts.models import Alert, AlertState
from apps.web import selectors

from .test_views import page_data

pytestmark = pytest.mark.django_db

PHONE_2 = "+30 697 765 4321"


@pytest.fixture
def inbox(world, post):
    """GR's alerts: exact with BG (postal), exact with a red AL report (balkan, unreadable to GR),
    fuzzy with a green AL report (balkan)."""
    bg = post(world.bg_officer, world.postal, "intel", body="Phone +30 694 123 4567.")
    red = post(world.al_officer, world.balkan, "intel", handling="red", body=f"Call {PHONE_2}.")
    green = post(
        world.al_officer, world.balkan, "intel", handling="green",
        people=[{"name": "Dimitrios Konstantinidis-Vlachos", "date_of_birth": "1975-03-04"}],
    )  # fmt: skip
    gr = post(
        world.gr_officer, world.postal, "intel", body=f"Phone 6941234567, also {PHONE_2}.",
        people=[{"name": "Dimitris Konstantinidis", "date_of_birth": "1975-03-04"}],
    )  # fmt: skip
    return {"bg": bg, "red": red, "green": green, "gr": gr}


def others(response, mine) -> set[int]:
    assert response.status_code == 200
    return {
        r["id"]
        for alert in page_data(response)["alerts"]
        for r in alert["match"]["reports"]
        if r["id"] != mine.pk
    }


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def test_the_title_counts_the_new_alerts(client, world, inbox):
    client.force_login(world.gr_officer)
    assert title(client.get(reverse("alerts"))) == "(3) Alerts · Command centre"

    Alert.objects.filter(officer=world.gr_officer).update(state=AlertState.ACKNOWLEDGED)
    assert title(client.get(reverse("alerts"))) == "Alerts · Command centre"


def test_the_list_holds_list_items_only(client, world, inbox):
    client.force_login(world.gr_officer)
    content = client.get(reverse("alerts")).content.decode()
    assert '<ul id="alert-list" class="alert-list" aria-labelledby="alert-list-heading"' in content
    assert '<h2 id="alert-list-heading" class="alert-list-heading" tabindex="-1">' in content


def test_the_filters_work_from_the_query_string(client, world, inbox):
    client.force_login(world.gr_officer)
    url = reverse("alerts")

    assert others(client.get(url, {"kind": "fuzzy"}), inbox["gr"]) == {inbox["green"].pk}
    assert others(client.get(url, {"country": "BG"}), inbox["gr"]) == {inbox["bg"].pk}
    # the red report in the Balkan room is a stub to GR: the room filter does not find it
    assert others(client.get(url, {"room": world.postal.pk}), inbox["gr"]) == {
        inbox["bg"].pk, inbox["red"].pk, inbox["green"].pk
    }  # fmt: skip
    # GR's agency is no member of the Balkan room: it is no choice, and says so
    response = client.get(url, {"room": world.balkan.pk})
    assert response.status_code == 200
    assert 'id="id_room_error"' in response.content.decode()
    assert len(page_data(response)["alerts"]) == 3  # the bad filter is not applied


def test_the_state_filter_and_live_flag(client, world, inbox):
    client.force_login(world.gr_officer)
    Alert.objects.filter(officer=world.gr_officer, match__report_a=inbox["bg"]).update(
        state=AlertState.ACKNOWLEDGED
    )
    acknowledged = client.get(reverse("alerts"), {"state": "acknowledged"})
    assert others(acknowledged, inbox["gr"]) == {inbox["bg"].pk}
    assert page_data(acknowledged)["live"] is False
    assert page_data(client.get(reverse("alerts")))["live"] is True


def test_a_bad_filter_value_is_a_field_error_not_a_crash(client, world, inbox):
    client.force_login(world.gr_officer)
    response = client.get(reverse("alerts"), {"state": "unread", "country": "Greece", "page": "x"})
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_state_error"' in content and 'id="id_country_error"' in content
    assert len(page_data(response)["alerts"]) == 3


def test_the_inbox_is_paged_with_links_that_keep_the_filters(client, world, inbox, monkeypatch):
    monkeypatch.setattr(selectors, "INBOX_PAGE", 1)
    client.force_login(world.gr_officer)

    first = client.get(reverse("alerts"), {"kind": "exact"})
    second = client.get(reverse("alerts"), {"kind": "exact", "page": 2})

    assert len(page_data(first)["alerts"]) == len(page_data(second)["alerts"]) == 1
    assert others(first, inbox["gr"]) | others(second, inbox["gr"]) == {
        inbox["bg"].pk, inbox["red"].pk
    }  # fmt: skip
    assert 'rel="next" href="?kind=exact&amp;page=2"' in first.content.decode()
    assert 'rel="prev" href="?kind=exact&amp;page=1"' in second.content.decode()
    assert page_data(second)["live"] is False


def test_report_references_can_name_their_room(client, world, inbox):
    client.force_login(world.gr_officer)
    data = page_data(client.get(reverse("alerts"), {"kind": "fuzzy"}))
    (alert,) = data["alerts"]
    assert {r["name"] for r in alert["rooms"]} == {"Postal hubs", "Balkan route"}
