"""The simulator's HTTP client (httpx) against a real server thread."""

import asyncio

import pycountry
import pytest
from rest_framework.authtoken.models import Token

from apps.accounts.models import Country
from apps.reports.models import Report
from apps.tools.simulation import Http
from tests.factories import report_data


@pytest.fixture
def countries(transactional_db):
    """The countries the data migration loads; an earlier transactional test's flush took them."""
    Country.objects.bulk_create(
        [Country(code=c.alpha_2, name=c.name) for c in pycountry.countries], ignore_conflicts=True
    )


def test_the_simulators_client_posts_a_report_and_reads_the_answers(countries, world, live_server):
    token = Token.objects.get(user=world.gr_officer).key
    data = report_data("update", body="Hub 3 staffed.")

    async def session():
        http = Http(live_server.url, token, "http://127.0.0.1")
        try:
            posted = await http.request("POST", f"/api/v1/rooms/{world.postal.pk}/reports/", data)
            refused = await http.request("POST", f"/api/v1/rooms/{world.balkan.pk}/reports/", data)
            return posted, refused
        finally:
            await http.close()

    (status, body), (refused_status, _) = asyncio.run(session())

    assert (status, body["body"], body["seq"]) == (201, "Hub 3 staffed.", 1)
    assert refused_status == 403  # not a member of that room
    assert list(Report.objects.values_list("room_id", "body")) == [
        (world.postal.pk, "Hub 3 staffed.")
    ]
