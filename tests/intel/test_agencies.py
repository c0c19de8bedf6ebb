"""An import's agencies: resolved by name or alias before any row loads, never guessed."""

import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from apps.accounts.models import Agency, AgencyAlias, Country, Role
from apps.accounts.selectors import agencies_resolve
from apps.accounts.services import agency_alias_add
from apps.intel.imports import import_file, import_run_map_agencies, import_run_start
from apps.intel.models import ImportedReport, ImportRun, ImportStatus
from apps.intel.services import IntelRefused
from apps.reports.models import Report

from ..factories import AgencyFactory, OfficerFactory

HEADER = "reference,country,agency,agency_kind,kind,body\n"
HELLENIC_POLICE = (
    HEADER
    + "GR-1,GR,Hellenic Police,police,update,first\n"
    + "GR-2,GR,  hellénic   POLICE ,,update,second\n"
    + "GR-3,GR,Hellenic Customs,,update,third\n"
)


@pytest.fixture
def greek_police(world):
    """The Greek police as the operation knows it: "Greece Police"."""
    return AgencyFactory(
        country=Country.objects.get(code="GR"), name="Greece Police", kind="police"
    )


@pytest.fixture
def upload(world, analyst, api_as, django_capture_on_commit_callbacks):
    """upload(text) -> the run as the API answers it, its task run."""

    def _upload(text: str, officer=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = api_as(officer or analyst).post(
                f"/api/v1/operations/{world.operation.pk}/imports/",
                {"file": SimpleUploadedFile("earlier.csv", text.encode())},
                format="multipart",
            )
        assert response.status_code == 202, response.data
        return ImportRun.objects.get(pk=response.data["id"])

    return _upload


@pytest.fixture
def audit_log(caplog):
    """The audit log (which does not propagate to the root logger) in caplog."""
    caplog.set_level(logging.INFO, logger="commandcentre.audit")
    logging.getLogger("commandcentre.audit").addHandler(caplog.handler)
    yield caplog
    logging.getLogger("commandcentre.audit").removeHandler(caplog.handler)


def reports_by_agency(run) -> list[tuple[str, str]]:
    return sorted(Report.objects.filter(import_record__run=run).values_list("body", "agency__name"))


def test_an_alias_resolves_the_rows_agency_to_the_existing_one_and_creates_none(
    world, greek_police, run_import
):
    # given "Hellenic Police" is known as another name of Greece's police
    agency_alias_add(agency=greek_police, name="Hellenic Police")
    agencies_before = Agency.objects.count()

    # when a file names it, once with its kind and once in other case, accents and spacing
    run = run_import(HELLENIC_POLICE)

    # then its rows are Greece Police's, and no agency was made beside it
    assert (run.status, run.agencies_unknown, run.agencies_created) == (ImportStatus.DONE, [], [])
    assert reports_by_agency(run) == [
        ("first", "Greece Police"),
        ("second", "Greece Police"),
        ("third", "Hellenic Customs"),
    ]
    assert Agency.objects.count() == agencies_before


def test_an_unknown_agency_stops_the_run_before_any_row_loads(world, greek_police, run_import):
    agencies_before = Agency.objects.count()

    # when a file names an agency no agency or alias of its country is called
    run = run_import(HELLENIC_POLICE)

    # then the run waits for it, listing it with its rows, and nothing is loaded or created
    assert run.status == ImportStatus.NEEDS_AGENCIES
    assert run.agencies_unknown == [
        {"country": "GR", "name": "Hellenic Police", "kinds": ["police"], "rows": 2}
    ]
    assert (run.rows_total, Report.objects.count(), ImportedReport.objects.count()) == (0, 0, 0)
    assert Agency.objects.count() == agencies_before


def test_the_kind_tells_apart_agencies_whose_names_fold_alike(world):
    gr = Country.objects.get(code="GR")
    police = AgencyFactory(country=gr, name="Finance Guard", kind="police")
    customs = AgencyFactory(country=gr, name="FINANCE GUARD", kind="customs")
    keys = [("GR", "finance guard", "customs"), ("GR", "Finance guard", ""), ("BG", "Zoll", "")]

    assert agencies_resolve(keys) == {
        ("GR", "finance guard", "customs"): customs.pk,
        ("GR", "Finance guard", ""): None,  # which one is for an analyst to say
        ("BG", "Zoll", ""): None,
    }
    # and an alias says which one the name means when the kind does not
    agency_alias_add(agency=police, name="Finance guard")
    assert agencies_resolve(keys[1:2]) == {keys[1]: police.pk}


def test_an_alias_that_is_another_agencys_name_is_refused(world, greek_police):
    from apps.accounts.services import AccountError

    with pytest.raises(AccountError, match="the name of Hellenic Customs"):
        agency_alias_add(agency=greek_police, name="HELLENIC customs")
    assert AgencyAlias.objects.count() == 0


def test_mapping_over_the_api_stores_the_alias_and_loads_the_upload(
    world, analyst, greek_police, api_as, upload, django_capture_on_commit_callbacks, audit_log
):
    # given an upload that waits for "Hellenic Police", its file kept
    run = upload(HELLENIC_POLICE)
    assert run.status == ImportStatus.NEEDS_AGENCIES and run.source is not None
    client = api_as(analyst)
    detail = client.get(f"/api/v1/imports/{run.pk}/").data
    assert detail["agencies_unknown"] == [
        {"country": "GR", "name": "Hellenic Police", "kinds": ["police"], "rows": 2}
    ]

    # when the analyst says it is Greece Police
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/imports/{run.pk}/agencies/",
            {"agencies": [{"country": "GR", "name": "hellenic police", "agency": greek_police.pk}]},
            format="json",
        )

    # then the name is remembered as its alias and the file is loaded
    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["agencies_unknown"]) == ("queued", [])
    run.refresh_from_db()
    assert (run.status, run.rows_created, run.source) == (ImportStatus.DONE, 3, None)
    assert reports_by_agency(run)[0] == ("first", "Greece Police")
    alias = AgencyAlias.objects.get()
    assert (alias.country_id, alias.name, alias.agency, alias.created_by) == (
        "GR",
        "Hellenic Police",
        greek_police,
        analyst,
    )
    assert (
        f"import run={run.pk} agencies mapped=GR:Hellenic Police=agency {greek_police.pk} "
        "left=0 by=analyst" in audit_log.text
    )
    # and the next file that names it loads at once
    again = upload(HELLENIC_POLICE.replace("GR-", "GR-B"))
    assert (again.status, again.rows_created) == (ImportStatus.DONE, 3)


def test_a_coordinator_creates_the_unknown_agency_with_the_kind_they_choose(
    world, upload, api_as, django_capture_on_commit_callbacks
):
    run = upload(HELLENIC_POLICE)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.coordinator).post(
            f"/api/v1/imports/{run.pk}/agencies/",
            {"agencies": [{"country": "GR", "name": "Hellenic Police", "kind": "police"}]},
            format="json",
        )

    assert response.status_code == 200, response.data
    assert response.data["agencies_created"] == ["Hellenic Police (GR, police)"]
    created = Agency.objects.get(name="Hellenic Police")
    assert (created.country_id, created.kind) == ("GR", "police")
    run.refresh_from_db()
    assert (run.status, run.rows_created) == (ImportStatus.DONE, 3)


def test_other_officers_may_not_map_an_imports_agencies_and_nothing_changes(
    world, greek_police, upload, api_as
):
    run = upload(HELLENIC_POLICE)
    other_analyst = OfficerFactory(
        username="bg.analyst", agency=world.bg_officer.agency, role=Role.ANALYST
    )
    body = {"agencies": [{"country": "GR", "name": "Hellenic Police", "agency": greek_police.pk}]}
    url = f"/api/v1/imports/{run.pk}/agencies/"

    refused = api_as(other_analyst).post(url, body, format="json")
    hidden = api_as(world.gr_officer).post(url, body, format="json")

    assert refused.status_code == 403
    assert refused.data["detail"] == (
        "Only the import's analyst and the operation's coordinators map its agencies."
    )
    assert hidden.status_code == 404
    run.refresh_from_db()
    assert run.status == ImportStatus.NEEDS_AGENCIES and len(run.agencies_unknown) == 1
    assert AgencyAlias.objects.count() == 0 and Report.objects.count() == 0


@pytest.mark.parametrize(
    "body, errors",
    [
        (
            {"agencies": [{"country": "GR", "name": "Hellenic Police"}]},
            {
                "agencies[0]": [
                    "Give `agency` (an existing agency of that country) or `kind` (to create one)."
                ]
            },
        ),
        (
            {"agencies": [{"country": "GR", "name": "Hellenic Police", "kind": "army"}]},
            {"agencies[0].kind": ['"army" is not a valid choice.']},
        ),
        (
            {"agencies": [{"country": "GR", "name": "Hellenic Navy", "kind": "police"}]},
            {"agencies[0].name": ["'Hellenic Navy' (GR) is not an unknown agency of this import."]},
        ),
        (
            {"agencies": [{"country": "GR", "name": "Hellenic Police", "agency": "BG"}]},
            {"agencies[0].agency": ["No agency BG in GR."]},
        ),
        ({"agencies": []}, {"agencies": ["This list may not be empty."]}),
        ({"agencies": [], "force": True}, {"force": ["Unknown field."]}),
        (["GR"], {"non_field_errors": ["Send a JSON object."]}),
    ],
)
def test_bad_mappings_get_field_errors_and_change_nothing(
    world, analyst, greek_police, upload, api_as, body, errors
):
    run = upload(HELLENIC_POLICE)
    bulgarian = world.bg_officer.agency.pk
    if body and isinstance(body, dict) and body["agencies"]:
        if body["agencies"][0].get("agency") == "BG":
            body["agencies"][0]["agency"] = bulgarian
            errors = {"agencies[0].agency": [f"No agency {bulgarian} in GR."]}

    response = api_as(analyst).post(f"/api/v1/imports/{run.pk}/agencies/", body, format="json")

    assert (response.status_code, response.data) == (400, errors)
    run.refresh_from_db()
    assert run.status == ImportStatus.NEEDS_AGENCIES and len(run.agencies_unknown) == 1
    assert AgencyAlias.objects.count() == 0 and not Agency.objects.filter(kind="army").exists()


def test_a_run_that_is_not_waiting_for_agencies_takes_no_mapping(world, analyst, run_import):
    run = run_import(HEADER + "GR-1,GR,Hellenic Customs,,update,first\n")

    with pytest.raises(IntelRefused) as refused:
        import_run_map_agencies(
            run=run,
            officer=analyst,
            data={"agencies": [{"country": "GR", "name": "Hellenic Customs", "kind": "customs"}]},
        )

    assert refused.value.code == "not_waiting"


def test_a_command_run_mapped_in_the_page_says_to_run_the_command_again(
    world, analyst, greek_police
):
    # given a run the command started (no upload kept) waiting for an agency
    run = import_run_start(
        operation=world.operation, officer=analyst, name="x.csv", file_format="csv"
    )
    run = import_file(run, io.BytesIO(HELLENIC_POLICE.encode()))
    assert run.status == ImportStatus.NEEDS_AGENCIES

    # when it is mapped by the service the edges call
    run = import_run_map_agencies(
        run=run,
        officer=analyst,
        data={
            "agencies": [{"country": "GR", "name": "Hellenic Police", "agency": greek_police.pk}]
        },
    )

    # then the alias is kept and the run says what to do; nothing was loaded
    assert run.status == ImportStatus.FAILED
    assert "run the command again" in run.failure
    assert AgencyAlias.objects.filter(agency=greek_police).exists()
    assert Report.objects.count() == 0


def test_the_command_lists_unknown_agencies_and_loads_nothing_without_a_mapping(
    world, analyst, greek_police, tmp_path, capsys
):
    path = tmp_path / "earlier.csv"
    path.write_text(HELLENIC_POLICE, encoding="utf-8")

    with pytest.raises(CommandError, match="1 unknown agencies"):
        call_command(
            "import_seizures", str(path), operation=str(world.operation.pk), officer="analyst",
            no_progress=True,
        )  # fmt: skip

    out = capsys.readouterr().out
    assert "GR  Hellenic Police  (2 rows, agency_kind police)" in out
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    "options, agency, kind",
    [
        ({"agency": ["Hellenic Police=Greece Police"]}, "Greece Police", "police"),
        ({"agency": ["GR:hellenic police=GREECE POLICE"]}, "Greece Police", "police"),
        ({"create_unknown_agencies": "as-given"}, "Hellenic Police", "police"),
        ({"create_unknown_agencies": "border"}, "Hellenic Police", "border"),
    ],
)
def test_the_command_maps_unknown_agencies_as_told_and_loads_the_file(
    world, analyst, greek_police, tmp_path, capsys, django_capture_on_commit_callbacks,
    options, agency, kind,
):  # fmt: skip
    path = tmp_path / "earlier.csv"
    path.write_text(HELLENIC_POLICE, encoding="utf-8")

    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "import_seizures", str(path), operation=str(world.operation.pk), officer="analyst",
            no_progress=True, **options,
        )  # fmt: skip

    run = ImportRun.objects.get()
    assert (run.status, run.rows_created) == (ImportStatus.DONE, 3)
    first = Report.objects.get(body="first")
    assert (first.agency.name, first.agency.kind) == (agency, kind)
    assert "3 created" in capsys.readouterr().out
