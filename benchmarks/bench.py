"""make bench: build synthetic conferences and measure what the workshop extension costs.

Full builds with the extension and without it (plain Sphinx + MyST, same pages), -j 2 against
serial, incremental rebuilds after editing one abstract's body, its title and the schedule
(wall time, documents re-read and written), peak memory, and the PDF at N = 100.
Medians of several runs. Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.generate import generate

READ = re.compile(r"reading sources\.\.\. \[\s*\d+%\] (\S+)")
WRITE = re.compile(r"writing output\.\.\. \[\s*\d+%\] (\S+)")


def build(src: Path, jobs: int = 1, fresh: bool = True, builder: str = "html") -> dict:
    """One sphinx-build in its own process: wall time, peak RSS, documents read and written."""
    out = src / "_build" / builder
    if fresh and (src / "_build").exists():
        shutil.rmtree(src / "_build")
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-b", builder, "-j", str(jobs),
           "-d", str(src / "_build" / "doctrees"), str(src), str(out)]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=src,
                            env={**os.environ, "NO_COLOR": "1"})  # fmt: skip
    log = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed in {src}:\n{log[-3000:]}")
    log = re.sub(r"\x1b\[[0-9;]*m", "", log)
    return {"wall": wall, "maxrss_mib": usage.ru_maxrss / 1024, "read": set(READ.findall(log)),
            "written": set(WRITE.findall(log))}  # fmt: skip


def median(values: list[float]) -> float:
    return statistics.median(values)


CHECKS_TARGET = 0.10  # the contributor-page checks (the gate) add at most 10 % to a full build


def bench_size(n: int, runs: int, work: Path, parallel: bool, checks: bool) -> dict:
    site = generate(work / f"n{n}", n)
    plain = generate(work / f"n{n}-plain", n, "plain")
    result: dict = {"n": n}
    ext = [build(site) for _ in range(runs)]
    base = [build(plain) for _ in range(runs)]
    result["full_s"] = median([r["wall"] for r in ext])
    result["plain_s"] = median([r["wall"] for r in base])
    result["overhead"] = result["full_s"] / result["plain_s"]
    result["peak_mib"] = max(r["maxrss_mib"] for r in ext)
    result["plain_peak_mib"] = max(r["maxrss_mib"] for r in base)
    if checks:  # the same site without the gate; builds alternate so machine load falls on both
        ungated = generate(work / f"n{n}-ungated", n, "ungated")
        pairs = [(build(site)["wall"], build(ungated)["wall"]) for _ in range(runs)]
        result["gated_s"] = median([gated for gated, _ in pairs])
        result["ungated_s"] = median([plain for _, plain in pairs])
        result["checks_overhead"] = result["gated_s"] / result["ungated_s"] - 1
    if parallel:
        result["parallel_s"] = median([build(site, jobs=2)["wall"] for _ in range(runs)])
        result["parallel_speedup"] = result["full_s"] / result["parallel_s"]
    result["incremental"] = incremental(site, n, runs)
    return result


def incremental(site: Path, n: int, runs: int) -> dict:
    """Edit, rebuild, measure; each edit is applied and undone, so every run starts alike."""
    talk = site / f"abstracts/talk-{n // 2:04d}.md"
    schedule = site / "program/schedule.yaml"
    original_talk, original_schedule = talk.read_text(), schedule.read_text()
    edits = {
        "body": (talk, original_talk, original_talk.replace("The abstract of", "The edited abstract of")),
        "title": (talk, original_talk, original_talk.replace(": low-rank", ": edited low-rank", 1)),
        "schedule": (schedule, original_schedule,
                     original_schedule.replace("talk: talk-0000", "talk: SWAP").replace("talk: talk-0001", "talk: talk-0000")
                     .replace("talk: SWAP", "talk: talk-0001")),
    }  # fmt: skip
    build(site)
    out = {}
    for name, (path, before, after) in edits.items():
        walls, reads, writes = [], [], []
        for _ in range(runs):
            path.write_text(after)
            bump(path)
            r = build(site, fresh=False)
            walls.append(r["wall"])
            reads.append(len(r["read"]))
            writes.append(len(r["written"]))
            path.write_text(before)
            bump(path)
            build(site, fresh=False)
        out[name] = {"wall_s": median(walls), "read": max(reads), "written": max(writes)}
    return out


def bump(path: Path) -> None:
    """Stamp the edit now: Sphinx re-reads a file modified after it last read it. (A stamp in
    the future would make it re-read the file on every build until that time.)"""
    time.sleep(0.01)
    os.utime(path)


def bench_pdf(n: int, work: Path) -> float | None:
    if not all(shutil.which(t) for t in ("latexmk", "xelatex", "xindy")):
        return None
    site = generate(work / f"pdf{n}", n)
    build(site, builder="latex")
    start = time.perf_counter()
    subprocess.run(["make", "-C", str(site / "_build/latex"), "all-pdf",
                    "LATEXMKOPTS=-interaction=nonstopmode -halt-on-error -silent"],
                   check=True, capture_output=True)  # fmt: skip
    latex_time = time.perf_counter() - start
    return latex_time


def table(results: list[dict]) -> str:
    head = ("N", "full s", "plain s", "ratio", "-j2 s", "speedup", "peak MiB",
            "body s/read/wrote", "title s/read/wrote", "schedule s/read/wrote")  # fmt: skip
    rows = [head]
    for r in results:
        inc = r["incremental"]

        def cell(name: str, inc: dict = inc) -> str:
            return f"{inc[name]['wall_s']:.1f}/{inc[name]['read']}/{inc[name]['written']}"

        rows.append((str(r["n"]), f"{r['full_s']:.1f}", f"{r['plain_s']:.1f}", f"{r['overhead']:.2f}",
                     f"{r.get('parallel_s', float('nan')):.1f}", f"{r.get('parallel_speedup', float('nan')):.2f}",
                     f"{r['peak_mib']:.0f}", cell("body"), cell("title"), cell("schedule")))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return "\n".join(" | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10,50,100,500")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--parallel-from", type=int, default=100, help="measure -j 2 from this N on")
    parser.add_argument("--pdf-size", type=int, default=100)
    parser.add_argument(
        "--checks-from", type=int, default=500, help="measure the checks' cost from this N on"
    )
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "results.json")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory(prefix="workshop-bench-") as tmp:
        for n in sizes:
            print(f"N = {n} ...", flush=True)
            results.append(
                bench_size(
                    n, args.runs, Path(tmp), parallel=n >= args.parallel_from, checks=n >= args.checks_from
                )
            )
            print(table(results[-1:]), flush=True)
        pdf = bench_pdf(args.pdf_size, Path(tmp)) if args.pdf_size else None
    summary = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "runs": args.runs,
        "results": results,
        "pdf_latex_s": pdf,
        "pdf_size": args.pdf_size,
    }
    if len(results) > 1:
        by_n = {r["n"]: r["full_s"] for r in results}
        if 50 in by_n and 500 in by_n:
            summary["t500_over_t50"] = by_n[500] / by_n[50]
    args.json.write_text(json.dumps(summary, indent=1, default=sorted) + "\n")
    print()
    print(table(results))
    if pdf is not None:
        print(f"PDF (LaTeX to PDF) at N = {args.pdf_size}: {pdf:.1f} s")
    if "t500_over_t50" in summary:
        print(f"t(500) / t(50) = {summary['t500_over_t50']:.1f}")
    print(f"JSON: {args.json}")
    over = [r for r in results if r.get("checks_overhead", 0) > CHECKS_TARGET]
    for r in results:
        if "checks_overhead" in r:
            print(f"N = {r['n']}: the checks add {r['checks_overhead']:+.1%} "
                  f"({r['gated_s']:.1f} s against {r['ungated_s']:.1f} s; target at most {CHECKS_TARGET:.0%})")  # fmt: skip
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
