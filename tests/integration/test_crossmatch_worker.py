"""Cross-matching with a real Celery worker on Redis, alerts on real sockets.

Two server processes and one worker share PostgreSQL and Redis. Officers of
two countries post matching reports through different servers; their alert
sockets hear about it from the worker.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
import websockets

from .conftest import ROOT, _manage, http_json, wait_until

pytestmark = pytest.mark.services


class Worker:
    def __init__(self, env: dict, log_path) -> None:
        self.log_path = log_path
        self.out = open(log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "commandcentre", "worker", "-l", "info",
             "--concurrency", "1", "--pool", "prefork", "-n", f"it-{uuid.uuid4().hex[:6]}@%h",
             "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=self.out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while b"ready." not in log_path.read_bytes():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker did not start:\n{self.log()}")
            time.sleep(0.2)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def tasks(self, state: str, task: str = "apps.crossmatch.tasks.match_report_task") -> list:
        """The lines where the worker logged a `task` as `state` (received, succeeded)."""
        text = self.log_path.read_text(errors="replace")
        return [line for line in text.splitlines() if f"{task}[" in line and f"] {state}" in line]

    def idle(self) -> bool:
        """Every task it took (earlier tests' included) is done: none is waiting in it."""
        done = len(self.tasks("succeeded")) + len(self.tasks("raised"))
        return len(self.tasks("received")) == done

    def children(self) -> list[int]:
        done = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        )
        return [int(pid) for pid in done.stdout.split()]

    def kill(self) -> None:
        """SIGKILL the worker and its pool: no warm shutdown, nothing acknowledged."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.out.close()


@pytest.fixture
def worker(stack, servers, tmp_path):
    started = [Worker(stack.env, tmp_path / "worker.log")]
    yield started
    for one in started:
        one.kill()


def post(server, token, room, data) -> dict:
    status, body = http_json(
        f"{server.http}/api/v1/rooms/{room}/reports/", method="POST", body=data, token=token
    )
    assert status == 201, body
    return body


def shell(stack, code: str) -> str:
    return _manage(stack.env, "shell", "-c", code).strip().splitlines()[-1]


def celery_call(stack, task: str, **kwargs) -> str:
    """Send `task` to the broker; its id."""
    done = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "commandcentre", "call", task,
         "--kwargs", json.dumps(kwargs)],
        cwd=ROOT, env=stack.env, check=True, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return done.stdout.strip()


async def next_alert(socket, timeout: float = 15.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), deadline - time.monotonic()))
        if frame["type"] == "alert.created":
            return frame["alert"]


def alerts_socket(server, token):
    return websockets.connect(
        f"{server.ws}/ws/alerts/",
        additional_headers={"Authorization": f"Token {token}"},
        origin=f"http://127.0.0.1:{server.port}",
    )


def phone() -> str:
    return f"+30 694 {uuid.uuid4().int % 10**7:07d}"


async def test_two_countries_post_matching_reports_and_both_sockets_get_the_alert(
    stack, servers, worker
):
    gr, bg = stack.tokens["it.gr"], stack.tokens["it.bg"]
    number = phone()
    # The alert socket accepts only once it is in its officer's group
    # (AlertConsumer.connect): open, it is subscribed before the worker publishes.
    gr_socket, bg_socket = alerts_socket(servers[0], gr), alerts_socket(servers[1], bg)
    async with gr_socket as gr_alerts, bg_socket as bg_alerts:
        hit = post(servers[0], gr, stack.rooms["live"], {
            "client_id": str(uuid.uuid4()), "kind": "hit", "handling": "green",
            "seizures": [{"category": "firearm", "quantity": 1}],
            "parcel": {"sender": {"phone": number}},
        })  # fmt: skip
        intel = post(servers[1], bg, stack.rooms["fault"], {
            "client_id": str(uuid.uuid4()), "kind": "intel", "body": f"Buyer called from {number}.",
        })  # fmt: skip

        seen_by_gr, seen_by_bg = await asyncio.gather(next_alert(gr_alerts), next_alert(bg_alerts))

    for alert in (seen_by_gr, seen_by_bg):
        assert alert["match"]["kind"] == "exact"
        assert alert["match"]["selector"]["type"] == "phone"
        assert [r["id"] for r in alert["match"]["reports"]] == [hit["id"], intel["id"]]


async def test_alert_about_a_red_report_says_only_who_holds_it(stack, servers, worker):
    gr, bg = stack.tokens["it.gr"], stack.tokens["it.bg"]
    number = phone()
    async with alerts_socket(servers[1], bg) as bg_alerts:  # open: subscribed
        secret = post(servers[0], gr, stack.rooms["live"], {
            "client_id": str(uuid.uuid4()), "kind": "intel", "handling": "red",
            "body": f"Informant says the courier uses {number}.",
        })  # fmt: skip
        post(servers[1], bg, stack.rooms["live"], {
            "client_id": str(uuid.uuid4()), "kind": "intel", "body": f"Parcel sender {number}.",
        })  # fmt: skip
        alert = await next_alert(bg_alerts)

    held = alert["match"]["reports"][0]
    assert held == {"id": secret["id"], "agency": "IT Hellenic Customs", "country": "GR",
                    "handling": "red"}  # fmt: skip
    assert "Informant" not in json.dumps(alert)


def test_worker_killed_mid_task_and_the_match_is_still_made(stack, servers, worker, tmp_path):
    gr, bg = stack.tokens["it.gr"], stack.tokens["it.bg"]
    number = phone()
    first = post(servers[0], gr, stack.rooms["live"], {
        "client_id": str(uuid.uuid4()), "kind": "intel", "body": f"Vendor phone {number}.",
    })  # fmt: skip
    matched = (f"from apps.reports.models import Report; "
               f"print(Report.objects.get(pk={first['id']}).matched_at is not None)")  # fmt: skip
    wait_until(lambda: shell(stack, matched) == "True" and worker[0].idle(), 20, worker[0].log)

    # Freeze the pool process: the next task is handed to it and never finished.
    taken = len(worker[0].tasks("received"))
    for pid in worker[0].children():
        os.kill(pid, signal.SIGSTOP)
    second = post(servers[1], bg, stack.rooms["live"], {
        "client_id": str(uuid.uuid4()), "kind": "intel", "body": f"Same phone {number} here.",
    })  # fmt: skip
    # the idle worker has taken the second task (and handed it to the frozen pool)
    wait_until(lambda: len(worker[0].tasks("received")) > taken, 20, worker[0].log)
    worker[0].kill()
    count = f"from apps.crossmatch.models import Match; print(Match.objects.filter(report_a={first['id']}, report_b={second['id']}).count())"  # fmt: skip
    assert shell(stack, count) == "0"

    worker.append(Worker(stack.env, tmp_path / "worker-2.log"))
    celery_call(stack, "apps.crossmatch.tasks.sweep_unmatched_reports_task", older_than_seconds=0)
    wait_until(lambda: shell(stack, count) == "1", 30, worker[1].log)


def test_a_task_run_twice_makes_no_duplicate_matches_or_alerts(stack, servers, worker):
    gr, bg = stack.tokens["it.gr"], stack.tokens["it.bg"]
    number = phone()
    first = post(servers[0], gr, stack.rooms["live"], {
        "client_id": str(uuid.uuid4()), "kind": "intel", "body": f"Phone {number}.",
    })  # fmt: skip
    second = post(servers[0], bg, stack.rooms["live"], {
        "client_id": str(uuid.uuid4()), "kind": "intel", "body": f"Phone {number} again.",
    })  # fmt: skip
    counts = (
        "from apps.crossmatch.models import Match; from apps.alerts.models import Alert; "
        f"m = Match.objects.filter(report_a={first['id']}, report_b={second['id']}); "
        "print(m.count(), Alert.objects.filter(match__in=m).count())"
    )
    wait_until(lambda: not shell(stack, counts).startswith("0"), 20, worker[0].log)
    before = shell(stack, counts)

    shell(stack, f"from apps.reports.models import Report; "
                 f"print(Report.objects.filter(pk={second['id']}).update(matched_at=None))")  # fmt: skip
    matched_again = (
        "from apps.reports.models import Report; "
        f"print(Report.objects.get(pk={second['id']}).matched_at is not None)"
    )
    task_ids = [
        celery_call(stack, "apps.crossmatch.tasks.match_report_task", report_id=second["id"])
        for _ in range(2)
    ]

    def both_ran() -> bool:  # the worker logs each run done
        done = "\n".join(worker[0].tasks("succeeded"))
        return all(f"[{task_id}]" in done for task_id in task_ids)

    wait_until(both_ran, 30, worker[0].log)

    assert shell(stack, matched_again) == "True"
    assert shell(stack, counts) == before
    assert before.split()[0] == "1"
