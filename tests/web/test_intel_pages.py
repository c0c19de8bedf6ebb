"""The analysts' pages: indicators with their counts, uploading a file of earlier seizures."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.intel.models import ImportRun, ImportStatus, Indicator

from ..intel import conftest as intel
from ..intel.test_imports import BAD_WEIGHT, GOOD_1, HEADER

# the intel tests' fixtures: an analyst of the operation and the indicators they define
analyst = intel.analyst
indicator = intel.indicator
partners = intel.partners


def test_an_analyst_adds_an_indicator_in_the_page_and_sees_its_counts(world, analyst, client):
    client.force_login(analyst)
    url = f"/operations/{world.operation.pk}/indicators/"

    bad = client.post(
        url, {"name": "Heavy", "kind": "weight_range", "params": '{"min_g": -5}', "weight": 10}
    )
    added = client.post(
        url, {"name": "Heavy", "kind": "weight_range", "params": '{"min_g": 1000}', "weight": 10,
              "explanation": "Pistols and parts"},
    )  # fmt: skip
    page = client.get(url)

    assert bad.status_code == 200
    assert "params.min_g: Between 0 and 1000000 grams." in bad.content.decode()
    assert added.status_code == 302
    assert Indicator.objects.get().params == {"min_g": 1000, "max_g": None}
    assert "Heavy" in page.content.decode() and 'data-metric="flagged">0<' in page.content.decode()


def test_an_officer_sees_the_indicators_without_the_form_and_no_imports(
    world, analyst, indicator, client
):
    indicator("origin_country", {"countries": ["US"]}, name="US origin")
    client.force_login(world.gr_officer)

    page = client.get(f"/operations/{world.operation.pk}/indicators/")
    imports = client.get(f"/operations/{world.operation.pk}/imports/")

    assert "US origin" in page.content.decode()
    assert "New indicator" not in page.content.decode()
    assert imports.status_code == 404


def test_uploading_a_file_in_the_page_imports_it_and_lists_the_rejected_rows(
    world, analyst, partners, client, django_capture_on_commit_callbacks
):
    client.force_login(analyst)
    upload = SimpleUploadedFile("earlier.csv", (HEADER + GOOD_1 + BAD_WEIGHT).encode())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/operations/{world.operation.pk}/imports/", {"file": upload})

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == f"/imports/{run.pk}/"
    assert (run.status, run.rows_created, run.rows_rejected) == (ImportStatus.DONE, 1, 1)
    page = client.get(response.url).content.decode()
    assert "parcel.weight_g: Ensure this value is greater than or equal to 1." in page
    listing = client.get(f"/operations/{world.operation.pk}/imports/").content.decode()
    assert "earlier.csv" in listing


def test_a_file_larger_than_the_limit_is_refused_in_the_page_and_nothing_is_queued(
    world, analyst, client, settings, django_capture_on_commit_callbacks
):
    # given a limit of 10 bytes
    settings.INTEL_UPLOAD_MAX_BYTES = 10
    client.force_login(analyst)
    upload = SimpleUploadedFile("earlier.csv", (HEADER + GOOD_1).encode())

    # when the analyst uploads a larger file
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"/operations/{world.operation.pk}/imports/", {"file": upload})

    # then the form names the limit, and no run is recorded or queued
    assert response.status_code == 200
    assert "Larger than 10 bytes: use manage.py import_seizures." in response.content.decode()
    assert (ImportRun.objects.count(), len(callbacks)) == (0, 0)


@pytest.mark.parametrize(
    ("who", "shown"), [("analyst", True), ("coordinator", True), ("gr_officer", False)]
)
def test_the_operation_nav_links_the_intel_pages_for_analysts_and_coordinators(
    world, analyst, client, who, shown
):
    # given an analyst, a coordinator of the operation and an officer taking part
    officer = analyst if who == "analyst" else getattr(world, who)
    client.force_login(officer)

    # when each opens the operation's overview
    page = client.get(f"/operations/{world.operation.pk}/").content.decode()

    # then only the analyst and the coordinator see the links to indicators and imports
    links = (
        f'href="/operations/{world.operation.pk}/indicators/"' in page,
        f'href="/operations/{world.operation.pk}/imports/"' in page,
    )
    assert links == (shown, shown)
