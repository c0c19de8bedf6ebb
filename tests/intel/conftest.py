import io

import pytest

from apps.accounts.models import Role
from apps.intel.imports import import_file, import_run_start
from apps.intel.services import indicator_create

from ..factories import OfficerFactory


@pytest.fixture
def analyst(world):
    """An analyst of the coordinating body (Europol), which takes part in the operation."""
    return OfficerFactory(username="analyst", agency=world.coordinator.agency, role=Role.ANALYST)


@pytest.fixture
def run_import(world, analyst, django_capture_on_commit_callbacks):
    """run_import(text, fmt="csv", officer=analyst) -> ImportRun, on-commit work (matching) run."""

    def _run(text: str, fmt: str = "csv", officer=None, name: str = "earlier.csv", **options):
        officer = officer or analyst
        with django_capture_on_commit_callbacks(execute=True):
            run = import_run_start(
                operation=world.operation, officer=officer, name=name, file_format=fmt
            )
            run = import_file(run, io.BytesIO(text.encode()), **options)
        run.refresh_from_db()
        return run

    return _run


@pytest.fixture
def indicator(world, analyst):
    """indicator(kind, params, name=..., weight=...) -> Indicator, made by the analyst."""

    def _make(kind: str, params: dict, name: str | None = None, weight: float = 10.0):
        return indicator_create(
            operation=world.operation,
            officer=analyst,
            data={
                "name": name or kind,
                "kind": kind,
                "params": params,
                "weight": weight,
                "explanation": f"{kind} rule",
            },
        )

    return _make


@pytest.fixture
def partners(world):
    """Agencies the import tests' files name besides the world's, known before they import:
    DE Zoll, FR Douane and SE Tullverket (customs), and "Τελωνείο" an alias of GR's
    Hellenic Customs."""
    from apps.accounts.models import Agency
    from apps.accounts.services import agency_alias_add, agency_get_or_create

    for country, name in (("DE", "Zoll"), ("FR", "Douane"), ("SE", "Tullverket")):
        agency_get_or_create(country=country, name=name, kind="customs")
    agency_alias_add(agency=Agency.objects.get(name="Hellenic Customs"), name="Τελωνείο")
