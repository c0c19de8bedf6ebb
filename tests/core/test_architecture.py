"""The house's floors (docs/architecture.md), checked on the code as it stands."""

import os
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

pytestmark = pytest.mark.once  # no database or services: the first pass only

ROOT = Path(__file__).resolve().parents[2]


def test_apps_import_only_downwards():
    """import-linter's contracts (.importlinter): floors, core alone, services above edges."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_no_module_imports_itself_through_others():
    """0 import cycles among the apps' modules, imports inside functions included."""
    graph = grimp.build_graph("apps", include_external_packages=False)
    modules = sorted(graph.modules)
    index = {m: i for i, m in enumerate(modules)}
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & set(modules)) for m in modules}
    # Tarjan's strongly connected components, iteratively
    counter, stack, on_stack = [0], [], set()
    low, order, cycles = {}, {}, []
    for start in modules:
        if start in order:
            continue
        work = [(start, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                order[node] = low[node] = counter[0]
                counter[0] += 1
                stack.append(node)
                on_stack.add(node)
            children = edges[node]
            if child < len(children):
                work.append((node, child + 1))
                nxt = children[child]
                if nxt not in order:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], order[nxt])
                continue
            for nxt in children:
                if nxt in on_stack:
                    low[node] = min(low[node], low[nxt])
            if low[node] == order[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    assert index and cycles == []


def test_services_and_selectors_type_check():
    """mypy (with django-stubs) on the service and selector layers and the write path: no errors."""
    layers = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("apps/*/services.py"))
    layers += sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("apps/*/selectors.py"))
    layers += ["apps/reports/write.py", "apps/reports/hooks.py"]  # the one write path
    layers += ["apps/crossmatch/candidates.py", "apps/crossmatch/blocking.py"]  # the matcher
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", *layers],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "DEBUG": "1", "DATABASE_URL": "sqlite:///:memory:"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]


def test_ruff_lint_and_format_hold():
    """ruff: lint and import order clean, and the code formatted (100 columns)."""
    ruff = str(Path(sys.executable).with_name("ruff"))
    paths = ["apps", "commandcentre", "tests", "bench", "manage.py"]
    lint = subprocess.run([ruff, "check", *paths], cwd=ROOT, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout[-3000:]
    form = subprocess.run(
        [ruff, "format", "--check", *paths], cwd=ROOT, capture_output=True, text=True
    )
    assert form.returncode == 0, form.stdout[-3000:]
