"""Run the fan-out benchmark against both baselines and print one comparison table.

    python -m bench.compare --clients 500 --step-seconds 5 \
        --channels-steps 1,2,5,10,20,50 --websockets-steps 10,50,100,200 --json out.json

Targets: `websockets` (bench.baseline_websockets), `channels` (bench.baseline_channels
under uvicorn, stock), and on request `channels-lean` (the same with
BENCH_LEAN_DISPATCH=1: report.created events skip Channels' per-event
aclose_old_connections thread hop). For each target it starts the server itself (its own process group, killed with this
process), waits for the port, runs `python -m bench.fanout` against it with
--server-pid (and --redis-pid for Channels), stops the server, and collects the JSON.
Everything is bounded by --max-seconds; the Redis database of the Channels baseline
(default redis://127.0.0.1:6379/14, a database only the benchmark uses) is flushed
before its run so stale group members of an earlier, killed run cannot inflate its
group_send.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench._common import die_with_parent, machine_busy_seconds, raise_nofile_limit

REPO = Path(__file__).resolve().parent.parent
_children: list[subprocess.Popen[bytes]] = []


def _kill_children() -> None:
    for proc in _children:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass


def _on_signal(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


_NICE = 0


def _child_setup() -> None:
    """In each child: die with this process, and take the asked-for scheduling priority."""
    die_with_parent()
    if _NICE:
        os.nice(_NICE)


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start a server in its own process group; it dies with us (PDEATHSIG + atexit)."""
    proc = subprocess.Popen(
        cmd,
        cwd=REPO,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_child_setup,  # noqa: PLW1509 - no threads in this process
    )
    _children.append(proc)
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGINT (graceful: consumers leave their groups), then SIGTERM, then SIGKILL."""
    for sig, wait in ((signal.SIGINT, 8), (signal.SIGTERM, 3), (signal.SIGKILL, 3)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except OSError:
            return
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            continue


def wait_for_port(proc: subprocess.Popen[bytes], port: int, timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening")
        if port_open(port):
            return
        time.sleep(0.1)
    raise RuntimeError(f"port {port} not open after {timeout:.0f}s")


def wait_until_quiet(max_busy_pct: float, max_wait: float) -> float:
    """Wait (at most max_wait s) until the machine's CPU use over 2 s is under max_busy_pct
    of one core: other people's tests on a shared 2-core box would skew every figure.
    Returns the last busy percentage seen."""
    end = time.monotonic() + max_wait
    while True:
        before = machine_busy_seconds()
        time.sleep(2)
        busy = 100 * (machine_busy_seconds() - before) / 2
        if busy < max_busy_pct or time.monotonic() >= end:
            return busy
        print(f"   machine busy {busy:.0f}% of a core (others' work); waiting...", flush=True)


def redis_pid_and_flush(url: str, flush: bool) -> int | None:
    """The local redis-server's pid (from INFO, if /proc shows it here); flush the bench DB."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        if flush:
            client.flushdb()
        pid = int(client.info("server")["process_id"])
    except redis.RedisError as exc:
        raise RuntimeError(f"Redis at {url}: {exc}") from exc
    finally:
        client.close()
    try:
        comm = Path(f"/proc/{pid}/comm").read_text()
    except OSError:
        return None
    return pid if "redis" in comm else None


def run_target(
    name: str, args: argparse.Namespace, deadline: float, log_dir: Path
) -> dict[str, Any]:
    python = sys.executable
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
    redis_pid = None
    if name == "websockets":
        port, steps = args.websockets_port, args.websockets_steps
        cmd = [python, "-m", "bench.baseline_websockets", "--port", str(port)]
    else:
        port, steps = args.channels_port, args.channels_steps
        env.update(
            DJANGO_SETTINGS_MODULE="bench.baseline_channels.settings", REDIS_URL=args.redis_url
        )
        env.pop("BENCH_LEAN_DISPATCH", None)
        if name == "channels-lean":
            env["BENCH_LEAN_DISPATCH"] = "1"
        cmd = [
            python,
            "-m",
            "uvicorn",
            "bench.baseline_channels.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ]
        redis_pid = redis_pid_and_flush(args.redis_url, flush=not args.no_flush)
    if port_open(port):
        raise RuntimeError(f"port {port} is already in use")

    print(f"\n=== {name}: {' '.join(cmd[1:])}", flush=True)
    if args.quiet_pct:
        wait = min(args.quiet_wait, max(0.0, deadline - time.monotonic() - 60))
        busy = wait_until_quiet(args.quiet_pct, wait)
        print(f"   machine busy {busy:.0f}% of a core before the run", flush=True)
    server = start(cmd, env, log_dir / f"{name}-server.log")
    try:
        wait_for_port(server, port, timeout=min(30.0, max(1.0, deadline - time.monotonic())))
        out = log_dir / f"{name}-fanout.json"
        remaining = deadline - time.monotonic()
        fanout = [
            python,
            "-m",
            "bench.fanout",
            "--url",
            f"ws://127.0.0.1:{port}",
            "--room",
            "1",
            "--clients",
            str(args.clients),
            "--posters",
            str(args.posters),
            "--procs",
            str(args.procs),
            "--steps",
            steps,
            "--step-seconds",
            str(args.step_seconds),
            "--drain-seconds",
            str(args.drain_seconds),
            "--client",
            args.client,
            "--server-pid",
            str(server.pid),
            "--max-seconds",
            str(max(5.0, remaining - 15)),
            "--json",
            str(out),
        ]
        if args.deflate:
            fanout.append("--deflate")
        if redis_pid:
            fanout += ["--redis-pid", str(redis_pid)]
        proc = subprocess.Popen(
            fanout,
            cwd=REPO,
            env=env,
            start_new_session=True,
            preexec_fn=_child_setup,  # noqa: PLW1509 - no threads in this process
        )
        _children.append(proc)
        try:
            proc.wait(max(5.0, remaining - 5))
        except subprocess.TimeoutExpired:
            print(f"!! {name}: fanout still running at --max-seconds, killed", flush=True)
            stop(proc)
        if not out.exists():
            return {"target": name, "error": f"fanout exited with {proc.returncode}, no JSON"}
        result = json.loads(out.read_text())
        result["target"] = name
        result["server_cmd"] = " ".join(cmd[1:])
        return result
    finally:
        stop(server)


def cell(x: Any, width: int, spec: str = ".1f") -> str:
    return f"{'-':>{width}}" if x is None else f"{x:>{width}{spec}}"


def print_table(results: list[dict[str, Any]]) -> None:
    print("\n=== comparison (latency in ms; CPU in us per delivery, % of one core)")
    print(
        f"{'server':<13} {'rate':>5} {'sent':>5} {'expected':>8} {'loss%':>6} {'deliv/s':>8} "
        f"{'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'srv_us/d':>8} {'srv%':>5} "
        f"{'rds_us/d':>8} {'cli%':>5} {'oth%':>5}"
    )
    for r in results:
        if "error" in r:
            print(f"{r['target']:<13} error: {r['error']}")
            continue
        for s in r["steps"]:
            print(
                f"{r['target']:<13} {s['rate']:>5g} {s['posts_sent']:>5d} {s['expected']:>8d} "
                f"{cell(s['loss_pct'], 6, '.2f')} {cell(s['delivered_per_s'], 8, '.0f')} "
                f"{cell(s['p50_ms'], 7)} {cell(s['p95_ms'], 7)} {cell(s['p99_ms'], 7)} "
                f"{cell(s['max_ms'], 7)} {cell(s['server_us_per_delivery'], 8)} "
                f"{cell(s['server_cpu_pct'], 5, '.0f')} "
                f"{cell(s['redis_us_per_delivery'], 8)} {cell(s['client_cpu_pct'], 5, '.0f')} "
                f"{cell(s.get('other_cpu_pct'), 5, '.0f')}"
            )
    print()
    for r in results:
        if "error" in r:
            continue
        healthy = [
            s
            for s in r["steps"]
            if s["p99_with_loss_ms"] is not None and s["p99_with_loss_ms"] < 1000
        ]
        us = sorted(
            s["server_us_per_delivery"] for s in healthy if s["server_us_per_delivery"] is not None
        )
        peak = max((s["delivered_per_s"] for s in r["steps"]), default=None)
        print(
            f"{r['target']}: {r.get('connected')}/{r['clients']} receivers connected; "
            f"server CPU {us[0] if us else '-'}-{us[-1] if us else '-'} us/delivery "
            f"(steps with p99 < 1 s); peak {peak} deliveries/s; highest rate with p99 < 100 ms: "
            f"{r.get('max_rate_p99_under_100ms')} posts/s, < 200 ms: "
            f"{r.get('max_rate_p99_under_200ms')} posts/s"
            + (f"; {r['stopped']}" if r.get("stopped") else "")
        )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Fan-out: bare websockets vs bare Channels.")
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--posters", type=int, default=2)
    parser.add_argument("--procs", type=int, default=2, help="receiver processes of fanout")
    parser.add_argument("--client", choices=["raw", "websockets"], default="raw")
    parser.add_argument("--deflate", action="store_true", help="with --client websockets")
    parser.add_argument("--channels-steps", default="1,2,5,10,20,50")
    parser.add_argument("--websockets-steps", default="10,50,100,200")
    parser.add_argument("--step-seconds", type=float, default=5)
    parser.add_argument("--drain-seconds", type=float, default=5)
    parser.add_argument(
        "--targets",
        default="websockets,channels",
        help="comma-separated, in order: websockets, channels, channels-lean (Channels "
        "without the per-event aclose_old_connections thread hop, BENCH_LEAN_DISPATCH=1)",
    )
    parser.add_argument("--websockets-port", type=int, default=8101)
    parser.add_argument("--channels-port", type=int, default=8102)
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    parser.add_argument(
        "--no-flush",
        action="store_true",
        help="do not FLUSHDB the --redis-url database before the Channels run",
    )
    parser.add_argument("--max-seconds", type=float, default=900, help="bound on everything")
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="niceness increment for the servers and the load generator; negative (root) "
        "gives the benchmark priority over other work on a shared machine",
    )
    parser.add_argument(
        "--quiet-pct",
        type=float,
        default=20,
        help="before each target wait until the machine's CPU use is under "
        "this %% of one core (0: do not wait)",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=120,
        help="wait at most this long for a quiet machine, then run anyway",
    )
    parser.add_argument("--log-dir", help="server logs and per-run JSON (default: a temp dir)")
    parser.add_argument("--json", dest="json_out", help="write all results to this file")
    args = parser.parse_args(argv)
    args.targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = set(args.targets) - {"websockets", "channels", "channels-lean"}
    if unknown:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    if urlsplit(args.redis_url).path in ("", "/", "/0") and not args.no_flush:
        parser.error("refusing to FLUSHDB database 0: give a bench database or --no-flush")
    return args


def main(argv: list[str] | None = None) -> int:
    global _NICE  # read by _child_setup in the forked children
    args = parse_args(argv)
    _NICE = args.nice
    deadline = time.monotonic() + args.max_seconds
    raise_nofile_limit()
    atexit.register(_kill_children)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix="bench-compare-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    print(f"logs and per-run JSON in {log_dir}")
    results = []
    try:
        for name in args.targets:
            if time.monotonic() > deadline - 20:
                results.append({"target": name, "error": "skipped: --max-seconds reached"})
                continue
            try:
                results.append(run_target(name, args, deadline, log_dir))
            except RuntimeError as exc:
                results.append({"target": name, "error": str(exc)})
    finally:
        _kill_children()
    print_table(results)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2))
    return 0 if all("error" not in r for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
