import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.accounts import signin
from apps.accounts.models import Country, Role
from apps.core import presence as presence_module
from apps.reports.services import report_create

from .factories import AgencyFactory, OfficerFactory, RoomFactory, join, report_data, take_part


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Unit tests run Celery tasks in-process even when REDIS_URL names a broker;
    tests marked `services` start real workers and keep the broker."""
    from commandcentre.celery import app

    if request.node.get_closest_marker("services"):
        yield
        return
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def _own_signin_counts(monkeypatch):
    """Each test counts failed sign-ins afresh: the cache (Redis in the second pass)
    outlives a test, and every test client signs in from the same address."""
    monkeypatch.setattr(signin, "KEY_PREFIX", f"signin.{uuid.uuid4().hex}")


@pytest.fixture
def world(db):
    """One operation, two rooms, three countries.

    - room `postal`: members GR customs, BG customs and the coordinator body
    - room `balkan`: members AL police and the coordinator body
    - DE police takes part in the operation but is in no room
    - FR police does not take part at all
    """
    from types import SimpleNamespace

    gr = AgencyFactory(
        country=Country.objects.get(code="GR"), name="Hellenic Customs", kind="customs"
    )
    bg = AgencyFactory(
        country=Country.objects.get(code="BG"), name="Bulgarian Customs", kind="customs"
    )
    al = AgencyFactory(
        country=Country.objects.get(code="AL"), name="Albanian Police", kind="police"
    )
    de = AgencyFactory(country=Country.objects.get(code="DE"), name="German Police", kind="police")
    fr = AgencyFactory(country=Country.objects.get(code="FR"), name="French Police", kind="police")
    europol = AgencyFactory(
        country=Country.objects.get(code="NL"), name="Europol", kind="coordinator"
    )
    postal = RoomFactory(name="Postal hubs")
    balkan = RoomFactory(name="Balkan route", operation=postal.operation)
    join(postal, gr, bg, europol)
    join(balkan, al, europol)
    take_part(postal.operation, de)
    return SimpleNamespace(
        operation=postal.operation,
        postal=postal,
        balkan=balkan,
        gr_officer=OfficerFactory(username="gr.officer", agency=gr),
        gr_liaison=OfficerFactory(username="gr.liaison", agency=gr, role=Role.LIAISON),
        bg_officer=OfficerFactory(username="bg.officer", agency=bg),
        al_officer=OfficerFactory(username="al.officer", agency=al, role=Role.LIAISON),
        de_officer=OfficerFactory(username="de.officer", agency=de),
        fr_officer=OfficerFactory(username="fr.officer", agency=fr),
        coordinator=OfficerFactory(username="coordinator", agency=europol, role=Role.COORDINATOR),
    )


@pytest.fixture
def post(world, django_capture_on_commit_callbacks):
    """post(author, room, **fields) -> Report, through the real service.

    What the service does on commit (publish, cross-match in-process) runs
    as it would after a real commit.
    """

    def _post(author, room, kind="update", **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return report_create(room=room, author=author, data=report_data(kind, **fields)).report

    return _post


@pytest.fixture
def api_as():
    """api_as(officer) -> an APIClient that sends the officer's token."""

    def _client(officer) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {officer.auth_token.key}")
        return client

    return _client


@pytest.fixture
def audit_lines():
    """The lines written to the audit logger during the test (it does not propagate)."""
    import logging

    lines: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    logger = logging.getLogger("commandcentre.audit")
    handler = _Collect(level=logging.INFO)
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


# --- sockets through the real ASGI application (helpers: tests/sockets.py) -----------

SOCKET_WAIT = 3  # seconds: the longest any single socket event may take


@pytest.fixture
def countries(transactional_db):
    """The countries the data migration loads; the flush after each test took them.

    Socket tests (transactional) use it with `embedded_realtime`: see tests/sockets.py.
    """
    import pycountry

    Country.objects.bulk_create(
        [
            Country(code=c.alpha_2, name=getattr(c, "common_name", None) or c.name)
            for c in pycountry.countries
        ],
        ignore_conflicts=True,
    )


@pytest.fixture
def embedded_realtime(settings, monkeypatch):
    """In-memory layer and presence, eager Celery: no state leaks between tests."""
    settings.REDIS_URL = ""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.WS_RECHECK_SECONDS = 60.0  # rechecks happen only when a test triggers one
    monkeypatch.setattr(presence_module, "_presence", None)
    from commandcentre.celery import app as celery_app

    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def keys(world) -> dict[str, str]:
    """API token of every officer of the world, by username."""
    return dict(Token.objects.values_list("user__username", "key"))


@pytest.fixture
async def sockets():
    """open(path, headers) -> communicator; every one is disconnected at the end."""
    from commandcentre.asgi import application

    opened: list[WebsocketCommunicator] = []

    async def _open(path: str, headers: list[tuple[bytes, bytes]]) -> WebsocketCommunicator:
        communicator = WebsocketCommunicator(application, path, headers=headers)
        opened.append(communicator)
        return communicator

    yield _open
    for communicator in opened:
        await communicator.disconnect(timeout=SOCKET_WAIT)
    # The consumers' database thread keeps its connection (CONN_MAX_AGE); close
    # it, or the test database cannot be dropped at the end of the session.
    await sync_to_async(connections.close_all)()
