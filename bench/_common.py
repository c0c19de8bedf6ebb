"""Small helpers shared by the benchmark scripts (no Django imports here)."""

from __future__ import annotations

import asyncio
import ctypes
import os
import resource
import signal


def raise_nofile_limit(wanted: int = 65536) -> int:
    """Raise RLIMIT_NOFILE towards `wanted` (at most the hard limit); return the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (no orphans after a crash)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def new_event_loop(kind: str = "auto") -> asyncio.AbstractEventLoop:
    """An event loop: uvloop when asked or (for "auto") when installed, else asyncio's."""
    if kind in ("auto", "uvloop"):
        try:
            import uvloop
        except ImportError:
            if kind == "uvloop":
                raise
        else:
            return uvloop.new_event_loop()
    return asyncio.new_event_loop()


_CLK_TCK = os.sysconf("SC_CLK_TCK")


def _proc_table() -> dict[int, tuple[int, float]]:
    """pid -> (ppid, utime+stime in seconds) for every readable process."""
    table: dict[int, tuple[int, float]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                raw = f.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: split after the last ')'.
        fields = raw[raw.rfind(b")") + 2 :].split()
        ppid = int(fields[1])
        cpu = (int(fields[11]) + int(fields[12])) / _CLK_TCK
        table[int(name)] = (ppid, cpu)
    return table


def _task_cpu_seconds(pid: int, fallback: float) -> float:
    """On-CPU time of a process's live threads, in ns precision from schedstat.

    /proc/PID/stat counts in clock ticks (10 ms): too coarse for a 5-second step at low
    rates. Falls back to the stat figure when schedstat is missing.
    """
    total = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/schedstat", "rb") as f:
                total += int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return fallback
    return total / 1e9 if total else fallback


def tree_cpu_seconds(pids: list[int]) -> float | None:
    """User+system CPU seconds of the given processes and all their live descendants.

    Returns None when none of the processes exists. CPU of descendants that already
    exited is not counted (it would only show in cutime once reaped).
    """
    if not pids:
        return None
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _cpu) in table.items():
        children.setdefault(ppid, []).append(pid)
    seen: set[int] = set()
    stack = [p for p in pids if p in table]
    if not stack:
        return None
    total = 0.0
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _task_cpu_seconds(pid, table[pid][1])
        stack.extend(children.get(pid, ()))
    return total


def machine_busy_seconds() -> float:
    """CPU seconds spent not idle by all CPUs since boot (from /proc/stat), all processes."""
    with open("/proc/stat", "rb") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal guest guest_nice; guest is in user.
    busy = sum(fields[:8]) - fields[3] - fields[4]
    return busy / _CLK_TCK
