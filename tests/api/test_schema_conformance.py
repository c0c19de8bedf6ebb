"""Schemathesis against the live OpenAPI schema: the API answers as its schema says.

One real uvicorn process on the session's own PostgreSQL database and Redis namespace,
seeded with reports (full, stubbed by handling), a match and its alerts, an indicator and
an import with its matches, so that lists and payloads are not empty. Schemathesis then
loads `/api/v1/schema/` from the server and runs its examples, coverage (boundary and
negative values, unknown fields) and fuzzing phases with an officer's token against every
operation, and with an analyst's against those whose answers depend on the role; it checks
four things per response: no 5xx, the body matches the documented schema, the status code
is documented, the content type is documented. Seeded and bounded by example counts (six
per operation and phase, plus the coverage phase's own cases), not by a clock.
"""

import json
import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest
import schemathesis
from schemathesis.engine import events, from_schema

from tests.integration.conftest import (
    OPERATION,
    PASSWORD,
    _manage,
    http_json,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.services

CHECKS = (
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
)
MAX_EXAMPLES = 6
ANALYST = "it.analyst"
TOKEN_PATH = "/api/v1/auth/token/"
# Operations whose answers depend on the caller's role: analysts and coordinators write.
ROLE_PATHS = r"/(indicators|imports|score)/"
TRACKING = "RR473124829GB"


@dataclass
class Tally:
    requests: int = 0
    failures: Counter = field(default_factory=Counter)
    seen: list[str] = field(default_factory=list)
    operations: set[str] = field(default_factory=set)
    statuses: Counter = field(default_factory=Counter)


@dataclass
class Api:
    http: str
    tokens: dict[str, str]
    # a seeded object per path parameter
    ids: dict[str, int] = field(default_factory=dict)


def _post(api: Api, username: str, path: str, body: dict) -> dict:
    status, answer = http_json(
        f"{api.http}{path}", method="POST", body=body, token=api.tokens[username]
    )
    assert status in (200, 201), (path, status, answer)
    return answer


def _seed(stack, api: Api, workdir) -> dict[str, int]:
    """Reports full and red, a match and its alerts, an indicator, an import and its matches."""
    live = f"/api/v1/rooms/{stack.rooms['live']}/reports/"
    sender = {
        "name": "Dimitrios Vlachos",
        "date_of_birth": "1975-03-04",
        "phone": "+30 694 123 4567",
    }
    parcel = {
        "tracking_number": TRACKING,
        "carrier": "ELTA",
        "origin_country": "GR",
        "destination_country": "DE",
        "declared_content": "spare parts",
        "weight_g": 1800,
        "sender": sender,
        "recipient": {"name": "Hans Weber", "address": "Hauptstrasse 1, Berlin"},
    }
    hit = {
        "client_id": str(uuid.uuid4()),
        "kind": "hit",
        "handling": "amber",
        "body": "Glock in a gearbox",
        "occurred_at": "2026-11-17T08:30:00Z",
        "location": {"name": "Athens hub", "country": "GR", "site_type": "postal_hub",
                     "lat": 37.9, "lon": 23.7},
        "seizures": [{"category": "firearm", "quantity": 1, "description": "Glock 17"}],
        "parcel": parcel,
        "people": [sender],
        "selectors": [{"type": "email", "value": "gun@example.org"}],
    }  # fmt: skip
    check = {
        "client_id": str(uuid.uuid4()),
        "kind": "check",
        "outcome": "suspicious",
        "checks_count": 3,
        "parcel": {"tracking_number": TRACKING},
    }
    red = {
        "client_id": str(uuid.uuid4()),
        "kind": "intel",
        "handling": "red",
        "body": f"Sender of {TRACKING} also ships to Sofia",
        "recipients": ["it.de"],
    }
    hit = _post(api, "it.gr", live, hit)
    posted = [hit, _post(api, "it.bg", live, check)]
    posted.append(_post(api, "it.bg", live, red))
    indicator = {"name": "Route GR-DE", "kind": "route", "weight": 20,
                 "params": {"origin": ["GR"], "destination": ["DE"]}}  # fmt: skip
    indicator = _post(
        api, ANALYST, f"/api/v1/operations/{stack.operation_id}/indicators/", indicator
    )
    # Cross-matching runs here as the worker would (there is none), then an import
    # matching the same parcel, through the command an analyst would run.
    ids = ", ".join(str(report["id"]) for report in posted)
    _manage(
        stack.env,
        "shell",
        "-c",
        "from apps.crossmatch.services import report_match\n"
        f"for report_id in ({ids}):\n"
        "    report_match(report_id)\n",
    )
    earlier = workdir / "earlier.json"
    row = {
        "reference": "EARLIER-1",
        "country": "GR",
        "agency": "IT Hellenic Customs",
        "kind": "hit",
        "occurred_at": "2020-03-15T08:30:00Z",
        "seizures": [{"category": "ammunition", "quantity": 50}],
        "parcel": {"tracking_number": TRACKING, "sender": {"name": "Dimitrios Vlachos"}},
    }
    earlier.write_text(json.dumps([row]))
    # Without a broker the command runs the import's matching tasks in its own process.
    in_process = {k: v for k, v in stack.env.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    _manage(in_process, "import_seizures", str(earlier), "--operation", OPERATION,
            "--officer", ANALYST)  # fmt: skip
    return {"report": hit["id"], "indicator": indicator["id"]}


def _page(api: Api, username: str, path: str) -> list[dict]:
    status, body = http_json(f"{api.http}{path}", token=api.tokens[username])
    assert status == 200, body
    return body["results"]


@pytest.fixture(scope="module")
def api(stack, tmp_path_factory):
    """One server, the officers' tokens (an analyst added to the stack's four), seeded data."""
    _manage(stack.env, "create_officer", ANALYST, "--password", PASSWORD, "--country", "NL",
            "--agency", "IT Europol", "--kind", "coordinator", "--role", "analyst",
            "--operation", OPERATION)  # fmt: skip
    workdir = tmp_path_factory.mktemp("schemathesis")
    server = start_server(stack, workdir)
    try:
        tokens = {}
        for username in ("it.gr", "it.bg", "it.de", ANALYST):
            status, body = http_json(
                f"{server.http}/api/v1/auth/token/",
                method="POST",
                body={"username": username, "password": PASSWORD},
            )
            assert status == 200, body
            tokens[username] = body["token"]
        api = Api(http=server.http, tokens=tokens)
        seeded = _seed(stack, api, workdir)
        # the payloads under test are not empty: alerts with a stub, an import with matches
        alerts = _page(api, "it.gr", "/api/v1/alerts/")
        runs = _page(api, ANALYST, f"/api/v1/operations/{stack.operation_id}/imports/")
        assert alerts and runs[0]["matches_found"] >= 1, (alerts, runs)
        api.ids.update(
            operation_id=stack.operation_id,
            room_id=stack.rooms["live"],
            report_id=seeded["report"],
            indicator_id=seeded["indicator"],
            alert_id=alerts[0]["id"],
            run_id=runs[0]["id"],
        )
        yield api
    finally:
        stop_server(server)


def run_schemathesis(api: Api, token: str, *, only: str | None = None) -> Tally:
    """Every documented operation (or those whose path matches `only`) but the token endpoint.

    Run by schemathesis's own engine: its examples, coverage and fuzzing phases. Operations
    whose answers depend on the role (ROLE_PATHS) get the coverage phase only in the analyst's
    run; the officer's run fuzzes them too, and is refused as documented.
    """
    operations = [
        # Fuzzing the token endpoint would lock out the officers this run authenticates as
        # (wrong passwords) or revoke the very token it uses (DELETE).
        {"include-path": TOKEN_PATH, "enabled": False},
        {"include-path-regex": ROLE_PATHS, "phases": {"coverage": {"enabled": only is not None}}},
    ]
    if only is not None:
        operations.append({"exclude-path-regex": only, "enabled": False})
    config = schemathesis.Config.from_dict({
        "seed": 20261202,
        "base-url": api.http,
        "request-timeout": 10,
        "cache": {"enabled": False},  # nothing written beside the checkout
        "headers": {"Authorization": f"Token {token}"},
        # The seeded objects: with made-up ids every case would stop at a 404 before its
        # body or query is looked at. (A made-up id's 404 is checked by test_schema.py.)
        "parameters": {f"path.{name}": value for name, value in api.ids.items()},
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "mode": "all",
            "database": "none",
            "no-shrink": True,
        },
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        "phases": {
            # No links are declared between operations; the other phases cover each one.
            "stateful": {"enabled": False},
            # Undocumented methods answer 405 by DRF itself; not what these checks are about.
            "coverage": {"unexpected-methods": [], "generate-duplicate-query-parameters": False},
        },
        "operations": operations,
    })  # fmt: skip
    schema = schemathesis.openapi.from_url(
        f"{api.http}/api/v1/schema/?format=json",
        config=config,
        headers={"Authorization": f"Token {token}"},
    )

    tally = Tally()
    for event in from_schema(schema).execute():
        if isinstance(event, events.FatalError):
            raise event.exception
        if isinstance(event, events.NonFatalError):
            tally.failures["engine error"] += 1
            tally.seen.append(f"{event.label}: {event.info.title}: {event.value}")
            continue
        if not isinstance(event, (events.ScenarioFinished, events.FuzzScenarioFinished)):
            continue
        recorder = event.recorder
        tally.requests += len(recorder.interactions)
        if recorder.interactions:
            tally.operations.add(recorder.label)
        for interaction in recorder.interactions.values():
            if interaction.response is not None:
                tally.statuses[f"{interaction.response.status_code // 100}xx"] += 1
        for case_id, checks in recorder.checks.items():
            for check in checks:
                if check.status.value != "failure":
                    continue
                tally.failures[check.name] += 1
                if len(tally.seen) < 20:
                    tally.seen.append(_describe(check.name, recorder, case_id))
    return tally


def _describe(check: str, recorder, case_id: str) -> str:
    case = recorder.cases[case_id].value
    answer = recorder.interactions.get(case_id)
    response = answer.response if answer else None
    return (
        f"{check}: {case.method} {case.formatted_path} query={case.query} "
        f"body={str(case.body)[:300]} -> {getattr(response, 'status_code', None)} "
        f"{(response.content[:300] if response is not None else b'')!r}"
    )


def documented_operations(base_url: str, token: str, only: str | None) -> set[str]:
    status, schema = http_json(f"{base_url}/api/v1/schema/?format=json", token=token)
    assert status == 200
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if path != TOKEN_PATH and (only is None or re.search(only, path))
    }


@pytest.mark.parametrize(("username", "only"), [("it.gr", None), (ANALYST, ROLE_PATHS)])
def test_the_api_answers_as_its_schema_says(api, username, only, capsys):
    # given a live server, its schema and one officer's token
    started = time.monotonic()

    # when schemathesis runs the operations with that token
    tally = run_schemathesis(api, api.tokens[username], only=only)

    # then every response is documented and conforms: no 5xx, no undocumented status or type
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nschemathesis as {username}: {len(tally.operations)} operations, "
            f"{tally.requests} requests in {elapsed:.1f} s "
            f"({', '.join(f'{k} {v}' for k, v in sorted(tally.statuses.items()))}); failures: "
            + ", ".join(f"{name} {tally.failures[name]}" for name in CHECKS)
        )
    assert dict(tally.failures) == {}, "\n".join(tally.seen)
    # and no operation went untested
    assert tally.operations == documented_operations(api.http, api.tokens[username], only)
