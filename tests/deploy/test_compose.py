"""The deployment recipe: docker-compose.yml, the Dockerfile and .dockerignore.

No Docker engine is needed. docker-compose.yml is interpolated the way Compose
does it, with test values for what an operator must set, then validated
against the Compose Specification's JSON schema and checked for what the
deployment relies on. The commands are parsed by the installed uvicorn and
celery command lines themselves, so a misspelt or mistyped option fails here
rather than in production.
"""

from __future__ import annotations

import ast
import copy
import importlib.resources
import json
import re
import shlex
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
SETTINGS_FILE = ROOT / "commandcentre" / "settings.py"

# What an operator must set before `docker compose up`; test values stand in.
OPERATOR_ENV = {
    "SECRET_KEY": "test-secret-key",
    "POSTGRES_PASSWORD": "test-db-password",
    "ALLOWED_HOSTS": "cc.example.org",
}
APP_SERVICES = ("migrate", "web", "worker", "beat")
LONG_RUNNING_SERVICES = ("db", "redis", "web", "worker", "beat")
ASGI_APPLICATION = "commandcentre.asgi:application"
WEB_HEALTH_URL = "http://127.0.0.1:8000/healthz/"


# --- Compose interpolation -----------------------------------------------------

_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*)|(?P<invalid>))"
)
_BRACED = re.compile(
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:-|-|:\?|\?|:\+|\+)(?P<arg>.*))?", re.S
)


class InterpolationError(ValueError):
    pass


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Substitute $VAR, ${VAR}, ${VAR:-default}, ${VAR:?error} ... as Compose does.

    Stricter than Compose in one way: a variable that is unset and has no
    default is an error here (Compose warns and uses ""), so the file must give
    every optional variable a default.
    """

    def replace(match: re.Match[str]) -> str:
        if match["escaped"] is not None:
            return "$"
        if match["named"] is not None:
            return _lookup(match["named"], None, "", env)
        braced = match["braced"]
        parts = _BRACED.fullmatch(braced) if braced is not None else None
        if parts is None or "$" in (parts["arg"] or ""):
            raise InterpolationError(f"invalid interpolation in {text!r}")
        return _lookup(parts["name"], parts["op"], parts["arg"] or "", env)

    return _VARIABLE.sub(replace, text)


def _lookup(name: str, op: str | None, arg: str, env: Mapping[str, str]) -> str:
    value = env.get(name)
    if op is None:
        if value is None:
            raise InterpolationError(f"{name} is not set and has no default")
        return value
    missing = (value is None or value == "") if op.startswith(":") else value is None
    if op in (":-", "-"):
        return arg if missing else value
    if op in (":?", "?"):
        if missing:
            raise InterpolationError(f"{name}: {arg}")
        return value
    return "" if missing else arg  # :+ and +


def interpolate_tree(node: Any, env: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, dict):
        return {key: interpolate_tree(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolate_tree(item, env) for item in node]
    return node


def load_compose(**env: str) -> dict[str, Any]:
    """docker-compose.yml as Compose sees it, with OPERATOR_ENV and env set."""
    raw = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return interpolate_tree(raw, {**OPERATOR_ENV, **env})


@cache
def _compose() -> dict[str, Any]:
    return load_compose()


def compose() -> dict[str, Any]:
    return copy.deepcopy(_compose())


def service(name: str) -> dict[str, Any]:
    return compose()["services"][name]


def argv(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command)


# --- the Compose Specification schema ------------------------------------------


@cache
def compose_schema() -> dict[str, Any]:
    # check-jsonschema vendors the Compose Specification's JSON schema
    # (github.com/compose-spec/compose-spec, schema/compose-spec.json,
    # Apache-2.0; the licence ships beside it as licenses/LICENSE.compose-spec)
    # and refreshes it with each release: pinning the package pins the schema.
    resource = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads(resource.joinpath("compose-spec.json").read_text(encoding="utf-8"))


def schema_errors(document: dict[str, Any]) -> list[str]:
    schema = compose_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    return sorted(
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in validator.iter_errors(document)
    )


# --- the settings, read without importing them ----------------------------------


@cache
def settings_env_reads() -> dict[str, ast.Call]:
    """Every env("NAME", ...) / env.bool("NAME", ...) call in settings.py, by NAME."""
    reads: dict[str, ast.Call] = {}
    for node in ast.walk(ast.parse(SETTINGS_FILE.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        func, first = node.func, node.args[0]
        is_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "env"
        )
        if is_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
            reads[first.value] = node
    return reads


def settings_default(name: str) -> Any:
    call = settings_env_reads()[name]
    defaults = [kw.value for kw in call.keywords if kw.arg == "default"] or call.args[1:2]
    return _arithmetic(defaults[0])


def _arithmetic(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return _arithmetic(node.left) * _arithmetic(node.right)
    raise ValueError(f"not a constant: {ast.dump(node)}")


# --- the command lines, parsed by the programs themselves ----------------------


def uvicorn_options(command: list[str]) -> dict[str, Any]:
    from uvicorn.main import main

    assert command[0] == "uvicorn"
    return main.make_context("uvicorn", command[1:]).params


def celery_options(command: list[str]) -> tuple[str, str, dict[str, Any]]:
    """(app, subcommand, the subcommand's options) as `celery` would parse them."""
    from celery import Celery
    from celery.bin.base import CLIContext
    from celery.bin.celery import celery

    assert command[0] == "celery"
    # Option callbacks want an app; a bare one, so commandcentre is not imported.
    obj = CLIContext(app=Celery("parse-only", set_as_current=False), no_color=True, workdir=None)
    context = celery.make_context("celery", command[1:], obj=obj)
    rest = [*getattr(context, "_protected_args", []), *context.args]
    name, subcommand, rest = celery.resolve_command(context, rest)
    return context.params["app"], name, subcommand.make_context(name, rest, parent=context).params


# --- the Dockerfile and .dockerignore -------------------------------------------


@cache
def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


def dockerfile(keyword: str) -> list[str]:
    return [arguments for name, arguments in dockerfile_instructions() if name == keyword]


def dockerfile_index(predicate: Callable[[str, str], bool]) -> int:
    return next(i for i, (k, a) in enumerate(dockerfile_instructions()) if predicate(k, a))


def _ignore_regex(pattern: str) -> re.Pattern[str]:
    # Docker's rules without character classes: * and ? stay inside one path
    # segment, ** spans any number of them.
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def dockerignored(path: str) -> bool:
    """Whether .dockerignore keeps `path` (relative to the repo root) out of the build."""
    ignored = False
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    for line in (line.strip() for line in lines):
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        regex = _ignore_regex(line.lstrip("!").strip().removeprefix("./").strip("/"))
        parts = path.split("/")
        # A pattern that matches a directory excludes everything under it.
        if any(regex.fullmatch("/".join(parts[:n])) for n in range(1, len(parts) + 1)):
            ignored = not negated
    return ignored


# === the tests ===================================================================


def test_interpolation_follows_compose_rules() -> None:
    env = {"SET": "value", "EMPTY": ""}

    assert interpolate("a$$b ${SET} $SET", env) == "a$b value value"
    assert interpolate("${EMPTY:-d}|${EMPTY-d}|${UNSET-d}|${UNSET:-}", env) == "d||d|"
    assert interpolate("${SET:+alt}|${EMPTY:+alt}|${EMPTY+alt}", env) == "alt||alt"
    with pytest.raises(InterpolationError, match="EMPTY: must be set"):
        interpolate("${EMPTY:?must be set}", env)
    with pytest.raises(InterpolationError, match="UNSET is not set"):
        interpolate("${UNSET}", env)
    with pytest.raises(InterpolationError, match="invalid interpolation"):
        interpolate("price in $5", env)


@pytest.mark.parametrize("name", sorted(OPERATOR_ENV))
def test_compose_refuses_to_start_without_what_the_operator_must_set(name: str) -> None:
    raw = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    env = {key: value for key, value in OPERATOR_ENV.items() if key != name}

    with pytest.raises(InterpolationError, match=f"^{name}: set {name}"):
        interpolate_tree(raw, env)


def test_schema_is_the_compose_specification() -> None:
    schema = compose_schema()

    assert schema["title"] == "Compose Specification"
    jsonschema.validators.validator_for(schema).check_schema(schema)


def test_compose_file_is_valid_against_the_compose_specification() -> None:
    assert schema_errors(compose()) == []


def _bogus_condition(document: dict[str, Any]) -> None:
    document["services"]["web"]["depends_on"] = {"db": {"condition": "bogus"}}


def _misspelt_key(document: dict[str, Any]) -> None:
    worker = document["services"]["worker"]
    worker["dependson"] = worker.pop("depends_on")


def _wordy_retries(document: dict[str, Any]) -> None:
    document["services"]["db"]["healthcheck"]["retries"] = ["ten"]


def _command_as_mapping(document: dict[str, Any]) -> None:
    document["services"]["beat"]["command"] = {"celery": "beat"}


@pytest.mark.parametrize(
    ("break_it", "where"),
    [
        (_bogus_condition, "services/web/depends_on"),
        (_misspelt_key, "services/worker"),
        (_wordy_retries, "services/db/healthcheck/retries"),
        (_command_as_mapping, "services/beat/command"),
    ],
)
def test_schema_validation_rejects_a_broken_copy(
    break_it: Callable[[dict[str, Any]], None], where: str
) -> None:
    broken = compose()
    break_it(broken)

    errors = schema_errors(broken)

    assert any(error.startswith(f"{where}: ") for error in errors), errors
    # Nothing else is wrong: the rest of the errors are that service's own
    # properties, left unevaluated by the one that failed.
    broken_service = "/".join(where.split("/")[:2])
    assert all(error.startswith(broken_service) for error in errors), errors


def test_every_service_the_app_needs_exists() -> None:
    assert set(compose()["services"]) == {"db", "redis", "migrate", "web", "worker", "beat"}


@pytest.mark.parametrize("name", LONG_RUNNING_SERVICES)
def test_long_running_services_have_a_healthcheck_and_restart(name: str) -> None:
    spec = service(name)

    assert spec["restart"] == "unless-stopped"
    healthcheck = spec["healthcheck"]
    assert not healthcheck.get("disable", False)
    assert healthcheck["test"][0] in ("CMD", "CMD-SHELL")
    assert len(healthcheck["test"]) >= 2


def test_migrate_runs_once_and_is_not_restarted() -> None:
    migrate = service("migrate")

    assert argv(migrate["command"]) == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"


def test_depends_on_conditions_order_the_start() -> None:
    healthy = {"condition": "service_healthy"}
    migrated = {"condition": "service_completed_successfully"}
    services = compose()["services"]

    assert {name: spec.get("depends_on") for name, spec in services.items()} == {
        "db": None,
        "redis": None,
        "migrate": {"db": healthy},
        "web": {"migrate": migrated, "db": healthy, "redis": healthy},
        "worker": {"migrate": migrated, "db": healthy, "redis": healthy},
        "beat": {"migrate": migrated, "redis": healthy},
    }


def test_app_services_run_the_image_built_from_this_dockerfile() -> None:
    services = compose()["services"]

    assert {services[name]["build"] for name in APP_SERVICES} == {"."}
    assert len({services[name]["image"] for name in APP_SERVICES}) == 1
    assert not any("entrypoint" in services[name] for name in APP_SERVICES)


def test_db_and_redis_keep_their_data_in_named_volumes() -> None:
    document = compose()
    db, redis = document["services"]["db"], document["services"]["redis"]

    assert db["image"] == "postgres:16"
    assert db["volumes"] == ["pgdata:/var/lib/postgresql/data"]
    assert argv(db["healthcheck"]["test"][1:])[0] == "pg_isready"
    assert redis["image"] == "redis:7"
    assert redis["volumes"] == ["redisdata:/data"]
    assert argv(redis["command"]) == ["redis-server", "--appendonly", "yes"]
    assert "redis-cli ping" in " ".join(redis["healthcheck"]["test"][1:])
    assert set(document["volumes"]) == {"pgdata", "redisdata"}


def test_app_services_get_database_and_redis_urls_of_the_compose_services() -> None:
    document = compose()
    services = document["services"]
    db_env = services["db"]["environment"]

    environments = [services[name]["environment"] for name in APP_SERVICES]

    assert all(environment == environments[0] for environment in environments)
    app_env = environments[0]
    database = environ.Env.db_url_config(app_env["DATABASE_URL"])
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"]) == ("db", 5432)
    assert database["NAME"] == db_env["POSTGRES_DB"]
    assert database["USER"] == db_env["POSTGRES_USER"]
    assert database["PASSWORD"] == db_env["POSTGRES_PASSWORD"] == "test-db-password"
    redis_url = urlsplit(app_env["REDIS_URL"])
    assert (redis_url.scheme, redis_url.hostname, redis_url.port) == ("redis", "redis", 6379)
    assert {database["HOST"], redis_url.hostname} <= set(services)
    assert app_env["SECRET_KEY"] == "test-secret-key"
    assert app_env["ALLOWED_HOSTS"] == "cc.example.org"
    assert app_env["DEBUG"] == "0"


def test_every_variable_given_to_the_app_is_read_by_the_settings() -> None:
    app_env = service("web")["environment"]
    read_by_settings = set(settings_env_reads())

    assert set(app_env) - read_by_settings == set()
    assert {
        "DATABASE_URL",
        "REDIS_URL",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "DEBUG",
        "WS_MAX_FRAME_BYTES",
    } <= set(app_env)


def test_web_runs_uvicorn_on_the_asgi_application_with_the_frame_limit() -> None:
    command = argv(service("web")["command"])

    options = uvicorn_options(command)

    assert "--ws-max-size" in command
    assert options["app"] == ASGI_APPLICATION
    assert (options["host"], options["port"], options["workers"]) == ("0.0.0.0", 8000, 2)
    assert options["proxy_headers"] is True
    assert options["forwarded_allow_ips"] == "*"
    assert options["ws_max_size"] == 1048576


def test_web_frame_limit_is_above_the_one_the_consumers_answer_with_an_error_event() -> None:
    web = load_compose(WS_SERVER_MAX_BYTES="2097152")["services"]["web"]

    options = uvicorn_options(argv(web["command"]))

    assert options["ws_max_size"] == 2097152
    assert uvicorn_options(argv(service("web")["command"]))["ws_max_size"] > settings_default(
        "WS_MAX_FRAME_BYTES"
    )


def test_worker_and_beat_run_celery_on_the_commandcentre_app() -> None:
    worker_app, worker_command, worker = celery_options(argv(service("worker")["command"]))
    beat_app, beat_command, beat = celery_options(argv(service("beat")["command"]))

    assert (worker_app, worker_command, worker["concurrency"]) == ("commandcentre", "worker", 2)
    # The healthcheck pings celery@$HOSTNAME: the node name must stay the default.
    assert worker["hostname"] == f"celery@{socket.gethostname()}"
    assert (beat_app, beat_command) == ("commandcentre", "beat")
    # The app user cannot write to /app, the default place for the schedule.
    assert beat["schedule"].startswith("/tmp/")


def test_worker_healthcheck_pings_the_worker_in_its_own_container() -> None:
    test = service("worker")["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL"
    # `$$` in the file reaches the container's shell as `$HOSTNAME`.
    command = argv(test[1].replace("$HOSTNAME", "c0ffee123456"))

    app, subcommand, options = celery_options(command)

    assert (app, subcommand, options["command"]) == ("commandcentre", "inspect", "ping")
    assert options["destination"] == ["celery@c0ffee123456"]


class _HealthzServer(ThreadingHTTPServer):
    status = 200
    requests: list[tuple[str, dict[str, str]]]


class _HealthzHandler(BaseHTTPRequestHandler):
    server: _HealthzServer

    def do_GET(self) -> None:
        self.server.requests.append((self.path, dict(self.headers)))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def healthz_server(status: int) -> Iterator[_HealthzServer]:
    server = _HealthzServer(("127.0.0.1", 0), _HealthzHandler)
    server.status, server.requests = status, []
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def run_web_healthcheck(server: _HealthzServer, allowed_hosts: str) -> int:
    test = service("web")["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    assert WEB_HEALTH_URL in test[3]
    script = test[3].replace(WEB_HEALTH_URL, f"http://127.0.0.1:{server.server_port}/healthz/")
    env = {"ALLOWED_HOSTS": allowed_hosts}
    return subprocess.run([sys.executable, "-c", script], env=env, timeout=20).returncode


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [("cc.example.org,www.example.org", "cc.example.org"), (".example.org", "example.org")],
)
def test_web_healthcheck_asks_healthz_as_an_allowed_host_over_https(
    allowed_hosts: str, host: str
) -> None:
    with healthz_server(200) as server:
        returncode = run_web_healthcheck(server, allowed_hosts)

    assert returncode == 0
    [(path, headers)] = server.requests
    assert path == "/healthz/"
    assert headers["Host"] == host
    assert headers["X-Forwarded-Proto"] == "https"


def test_web_healthcheck_fails_when_healthz_does() -> None:
    with healthz_server(503) as server:
        returncode = run_web_healthcheck(server, "cc.example.org")

    assert returncode != 0
    assert len(server.requests) == 1


def test_beat_healthcheck_checks_the_broker_it_sends_to() -> None:
    test = service("beat")["healthcheck"]["test"]

    assert test[:3] == ["CMD", "python", "-c"]
    assert "os.environ['REDIS_URL']" in test[3]
    assert ".ping()" in test[3]


def test_dockerfile_builds_on_python_312_slim_and_installs_the_pinned_requirements() -> None:
    copy_requirements = dockerfile_index(lambda k, a: k == "COPY" and "requirements.txt" in a)
    pip_install = dockerfile_index(lambda k, a: k == "RUN" and "pip install" in a)
    copy_project = dockerfile_index(lambda k, a: k == "COPY" and a.split() == [".", "."])

    assert dockerfile("FROM") == ["python:3.12-slim"]
    assert "-r requirements.txt" in dockerfile_instructions()[pip_install][1]
    # The dependency layer comes first, so a code change does not reinstall it.
    assert copy_requirements < pip_install < copy_project


def test_dockerfile_collects_static_files_with_a_dummy_secret_for_that_step_only() -> None:
    collectstatic = dockerfile_index(lambda k, a: k == "RUN" and "collectstatic" in a)
    copy_project = dockerfile_index(lambda k, a: k == "COPY" and a.split() == [".", "."])
    run = dockerfile_instructions()[collectstatic][1]

    assert copy_project < collectstatic
    assert "python manage.py collectstatic --noinput" in run
    assert re.match(r"SECRET_KEY=\S+ ", run)
    assert not any("SECRET_KEY" in a for k, a in dockerfile_instructions() if k in ("ENV", "ARG"))


def test_dockerfile_runs_as_a_non_root_user_and_exposes_8000() -> None:
    users = dockerfile("USER")
    last_user = dockerfile_index(lambda k, a: k == "USER" and a == users[-1])
    cmd = dockerfile_index(lambda k, a: k == "CMD")

    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert last_user < cmd
    assert dockerfile("EXPOSE") == ["8000"]


def test_dockerfile_cmd_serves_the_same_application_as_the_web_service() -> None:
    [cmd] = dockerfile("CMD")
    shell, flag, script = json.loads(cmd)
    assert (shell, flag) == ("sh", "-c")
    assert script.startswith("exec ")
    web_options = uvicorn_options(argv(service("web")["command"]))

    def image_options(**env: str) -> dict[str, Any]:
        # The shell expands ${VAR:-default} as Compose does.
        return uvicorn_options([interpolate(word, env) for word in shlex.split(script)[1:]])

    compared = (
        "app",
        "host",
        "port",
        "workers",
        "ws_max_size",
        "proxy_headers",
        "forwarded_allow_ips",
    )
    assert dockerfile("ENTRYPOINT") == []
    assert {key: image_options()[key] for key in compared} == {
        key: web_options[key] for key in compared
    }
    assert image_options(WS_SERVER_MAX_BYTES="65536")["ws_max_size"] == 65536


def test_dockerignore_keeps_secrets_and_local_state_out_but_not_the_app() -> None:
    for path in (
        ".env",
        ".env.production",
        ".git/config",
        ".venv/bin/python",
        "commandcentre.sqlite3",
        "staticfiles/admin/css/base.css",
        "apps/reports/__pycache__/models.cpython-312.pyc",
    ):
        assert dockerignored(path), path
    for path in (
        "manage.py",
        "requirements.txt",
        "commandcentre/settings.py",
        "commandcentre/asgi.py",
        "apps/reports/models.py",
        "apps/reports/migrations/0001_initial.py",
        "static/app.js",
        "templates/base.html",
        "locale/de/LC_MESSAGES/django.mo",
    ):
        assert not dockerignored(path), path
