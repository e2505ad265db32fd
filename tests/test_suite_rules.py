"""Rules of the test suite itself: no assertion on elapsed wall time (a busy machine fails it;
bound the work instead: CPU time, counts, sizes). A wait with a timeout is fine."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
WALL_CLOCKS = {"time", "time_ns", "monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns"}


def _is_wall_clock(node: ast.AST) -> bool:
    """time.time(), time.monotonic(), time.perf_counter() (and their _ns), timeit."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute):
        return (
            func.attr in WALL_CLOCKS and isinstance(func.value, ast.Name) and func.value.id == "time"
        ) or (isinstance(func.value, ast.Name) and func.value.id == "timeit")
    return isinstance(func, ast.Name) and func.id in WALL_CLOCKS - {"time"} | {"timeit"}


def wall_clock_assertions(source: str) -> list[int]:
    """The lines of the assertions that read a wall clock, directly or through a name assigned
    from one (in the same function or module)."""
    tree = ast.parse(source)
    clocked: set[str] = set()
    for node in ast.walk(tree):
        assigned = isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign) and node.value is not None
        if assigned and any(_is_wall_clock(n) for n in ast.walk(node.value)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            clocked |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    grew = True
    while grew:  # elapsed = time.monotonic() - start; late = elapsed > 1
        grew = False
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(
                isinstance(n, ast.Name) and n.id in clocked for n in ast.walk(node.value)
            ):
                for target in node.targets:
                    names = {n.id for n in ast.walk(target) if isinstance(n, ast.Name)} - clocked
                    if names:
                        clocked |= names
                        grew = True
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and any(
            _is_wall_clock(n) or (isinstance(n, ast.Name) and n.id in clocked) for n in ast.walk(node.test)
        ):
            lines.append(node.lineno)
    return sorted(lines)


@pytest.mark.parametrize("path", sorted(TESTS.glob("*.py")), ids=lambda p: p.name)
def test_no_assertion_on_wall_time(path):
    assert wall_clock_assertions(path.read_text(encoding="utf-8")) == [], path.name


def test_the_rule_sees_an_assertion_on_wall_time():
    assert wall_clock_assertions(
        "import time\nstart = time.perf_counter()\nwork()\nassert time.perf_counter() - start < 1\n"
    ) == [4]
    assert wall_clock_assertions(
        "import time\ndef f():\n    t0 = time.monotonic()\n    work()\n    spent = time.monotonic() - t0\n"
        "    assert spent < 1, spent\n"
    ) == [6]
    assert wall_clock_assertions("assert time.time() > 0\n") == [1]
    # CPU time and a wait loop with a timeout are fine
    assert (
        wall_clock_assertions(
            "import time\nstart = time.process_time()\nwork()\nassert time.process_time() - start < 1\n"
            "end = time.monotonic() + 60\nwhile time.monotonic() < end:\n    if done():\n        break\n"
        )
        == []
    )
