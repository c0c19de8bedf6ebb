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


HELLENIC_POLICE = (
    "reference,country,agency,agency_kind,kind,body\n"
    "GR-1,GR,Hellenic Police,police,update,first\n"
    "GR-2,GR,Hellenic Customs,,update,second\n"
)


@pytest.fixture
def waiting_run(world, analyst, client, django_capture_on_commit_callbacks):
    """An upload through the page that waits for "Hellenic Police" (GR); and Greece Police."""
    from apps.accounts.models import Country

    from ..factories import AgencyFactory

    police = AgencyFactory(
        country=Country.objects.get(code="GR"), name="Greece Police", kind="police"
    )
    client.force_login(analyst)
    upload = SimpleUploadedFile("earlier.csv", HELLENIC_POLICE.encode())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/operations/{world.operation.pk}/imports/", {"file": upload})
    client.logout()
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.NEEDS_AGENCIES
    return run, police


def test_an_analyst_maps_an_unknown_agency_in_the_page_and_the_file_loads(
    world, analyst, waiting_run, client, django_capture_on_commit_callbacks
):
    from apps.accounts.models import AgencyAlias

    run, police = waiting_run
    client.force_login(analyst)

    page = client.get(f"/imports/{run.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/imports/{run.pk}/agencies/",
            {"country": "GR", "name": "Hellenic Police", "target": f"agency:{police.pk}"},
        )

    assert "Agencies to map" in page and "Hellenic Police (GR, 1 row) is" in page
    assert f'<option value="agency:{police.pk}">Greece Police (police)</option>' in page
    assert '<option value="kind:border">border guard</option>' in page
    assert response.status_code == 302 and response.url == f"/imports/{run.pk}/"
    run.refresh_from_db()
    assert (run.status, run.rows_created) == (ImportStatus.DONE, 2)
    assert AgencyAlias.objects.get().agency == police
    after = client.get(response.url).content.decode()
    assert "Hellenic Police is mapped." in after and "Agencies to map" not in after


def test_a_mapping_without_a_choice_is_shown_again_with_its_error_and_changes_nothing(
    world, analyst, waiting_run, client
):
    run, _police = waiting_run
    client.force_login(analyst)

    response = client.post(
        f"/imports/{run.pk}/agencies/", {"country": "GR", "name": "Hellenic Police", "target": ""}
    )

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    run.refresh_from_db()
    assert run.status == ImportStatus.NEEDS_AGENCIES


def test_other_officers_may_not_map_agencies_in_the_page(world, waiting_run, client):
    from apps.accounts.models import AgencyAlias, Role

    from ..factories import OfficerFactory

    run, police = waiting_run
    other_analyst = OfficerFactory(
        username="bg.analyst", agency=world.bg_officer.agency, role=Role.ANALYST
    )
    data = {"country": "GR", "name": "Hellenic Police", "target": f"agency:{police.pk}"}

    client.force_login(other_analyst)
    page = client.get(f"/imports/{run.pk}/").content.decode()
    refused = client.post(f"/imports/{run.pk}/agencies/", data)
    client.force_login(world.gr_officer)
    hidden = client.post(f"/imports/{run.pk}/agencies/", data)

    assert "Agencies to map" in page and "<select" not in page  # listed, no form
    assert (refused.status_code, hidden.status_code) == (403, 404)
    run.refresh_from_db()
    assert run.status == ImportStatus.NEEDS_AGENCIES and not AgencyAlias.objects.exists()
