"""make bench: build synthetic conferences (N contributions, a fifth of them talks, the rest
posters) and measure what the workshop extension costs and how it scales.

The site as `make html` builds it (``-j auto``: every core), and serially at the sizes of
--serial-at (the speedup of the second core); the same pages built by plain Sphinx + MyST +
sphinxcontrib-bibtex (--plain-at); the contributor-page checks against MyST's own parser
(--checks-at); incremental rebuilds after editing one poster's body, a talk's title and the
schedule (wall time, documents re-read and written); peak memory (the build's processes
together); the programme page's size and time to first paint in Chromium; and the book of
abstracts as `make pdf` makes it (--pdf-sizes): wall time, XeLaTeX runs, pages, peak memory, an
abstract edited, and whether its outline, speakers part and author index hold every
contribution and person. Medians of several runs where a run takes under a minute (one run from
--one-run-from on). Every number is written with the machine's load average: the machine is
shared. Prints a table, writes JSON, and fails when a target is missed (``missed_targets``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.generate import Layout, generate, poster_id, speaker_name, talk_id

JOBS = "auto"  # as make html (JOBS ?= auto)

# Targets (issue 26), checked at every measured N where they apply.
FULL_BUILD_MAX_S = 300.0  # a full build at N = 5,000 within 5 minutes on this machine's 2 cores
PARALLEL_SPEEDUP_MIN = 1.6  # -j 2 against one process, at the sizes of --serial-at (1,000)
POSTER_EDIT_MAX_S = 15.0  # editing one poster's body: rebuilt within 15 s...
POSTER_EDIT_READ = 1  # ...re-reading that page only...
POSTER_EDIT_WRITTEN_MAX = 3  # ...and rewriting at most 3 pages (it, its toctree parent, one more)
PEAK_MAX_MIB = 1536.0  # the build's processes together, under 1.5 GiB
CHECKS_TARGET = 0.10  # the contributor-page checks (the gate) add at most 10 % (CPU time)
PROGRAMME_MAX_BYTES = 2_000_000  # the programme page stays usable
FIRST_PAINT_MAX_S = 2.0
PDF_MAX_S = 600.0  # make pdf at N = 1,000 within 10 minutes
PDF_EDIT_READ = 1  # an abstract edited: the book's Sphinx build reads that page only
XELATEX_RUNS_MAX = 3  # the cross-references settle in 2 or 3 runs (latexrun stops at 5)
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
UNDEFINED = re.compile(r"Reference `[^']*' on page \d+ undefined|There were undefined references")


# --------------------------------------------------------------------------- measuring


def load() -> float:
    """The machine's load average over the last minute (other engineers share its 2 cores)."""
    return round(os.getloadavg()[0], 2)


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            out.setdefault(parent, []).append(int(entry.name))
    return out


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeMemory(threading.Thread):
    """The peak of a process and its descendants together (proportional set size: the pages
    forked processes share are counted once), sampled every 0.2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            tree, todo, children = [], [self.pid], _children()
            while todo:
                pid = todo.pop()
                tree.append(pid)
                todo += children.get(pid, [])
            self.peak_kib = max(self.peak_kib, sum(_pss_kib(pid) for pid in tree))


def run(cmd: list[str], cwd: Path, env: dict | None = None, timeout: float | None = None) -> dict:
    """One command in its own process: wall time, CPU time (with its descendants), peak memory
    (the largest process, and the tree together), the load before and after, its output."""
    before = load()
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        start_new_session=True,  # a group of its own: stopped with its forked processes
    )
    memory = TreeMemory(proc.pid)
    memory.start()
    # at the time limit the whole group (a forked process left alive keeps the output open);
    # not Popen.kill, which may reap the process before wait4 reads its resource usage
    timer = threading.Timer(timeout, os.killpg, (proc.pid, signal.SIGKILL)) if timeout else None
    if timer:
        timer.start()
    log = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    memory.done.set()
    memory.join()
    if timer:
        timer.cancel()
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "maxrss_mib": usage.ru_maxrss / 1024,  # the largest process (Linux: of the tree)
        "peak_mib": max(memory.peak_kib, usage.ru_maxrss) / 1024,
        "load": [before, load()],
        "status": os.waitstatus_to_exitcode(status),
        "log": re.sub(r"\x1b\[[0-9;]*m", "", log),
    }


def build(
    src: Path, jobs: str = JOBS, fresh: bool = True, builder: str = "html", extra: tuple = (), timeout=None
) -> dict:
    """One sphinx-build as `make html` runs it (-j auto unless ``jobs``): wall and CPU time, peak
    memory, documents read and written."""
    out = src / "_build" / builder
    doctrees = src / "_build" / ("doctrees" if builder == "html" else f"doctrees-{builder}")
    if fresh and out.exists():
        shutil.rmtree(out)
    if fresh and doctrees.exists():
        shutil.rmtree(doctrees)
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-b", builder, "-j", str(jobs)]
    cmd += [*extra, "-d", str(doctrees), str(src), str(out)]
    started = time.time_ns()
    result = run(cmd, src, timeout=timeout)
    if result["status"] != 0:
        if timeout and result["wall"] >= timeout:
            return {**result, "timed_out": True, "read": set(), "written": set()}
        raise SystemExit(f"build failed in {src}:\n{result['log'][-3000:]}")
    # With -j the log names chunks ('first .. last'), not pages: what was read and written is
    # told by the files (a page's doctree, its HTML) this build wrote.
    read = {d for d in _documents(doctrees, ".doctree", src) if _since(doctrees / f"{d}.doctree", started)}
    written = {d for d in _documents(out, ".html", src) if _since(out / f"{d}.html", started)}
    return {**result, "read": read, "written": written if builder == "html" else set()}


def _documents(folder: Path, suffix: str, src: Path) -> set[str]:
    """The documents (pages with a source) that have a file with ``suffix`` under ``folder``."""
    found = set()
    for path in folder.rglob(f"*{suffix}"):
        docname = path.relative_to(folder).as_posix().removesuffix(suffix)
        if (src / f"{docname}.md").is_file():
            found.add(docname)
    return found


def _since(path: Path, started_ns: int) -> bool:
    try:
        return path.stat().st_mtime_ns >= started_ns
    except OSError:
        return False


def median(values: list[float]) -> float:
    return statistics.median(values)


def timed(results: list[dict]) -> dict:
    """Median wall and CPU time of runs, their largest peak, the load around them."""
    return {
        "wall_s": median([r["wall"] for r in results]),
        "cpu_s": median([r["cpu"] for r in results]),
        "peak_mib": max(r["peak_mib"] for r in results),
        "maxrss_mib": max(r["maxrss_mib"] for r in results),
        "runs": len(results),
        "load": [min(r["load"][0] for r in results), max(r["load"][1] for r in results)],
    }


# --------------------------------------------------------------------------- the site


def bench_size(
    n: int, runs: int, work: Path, *, serial_runs: int, checks: bool, plain: bool, plain_timeout: float
) -> dict:
    """One size: ``runs`` of each measurement, and ``serial_runs`` alternated pairs of builds with
    ``-j auto`` and in one process (none: the speedup is not measured)."""
    layout = Layout.for_contributions(n)
    site = generate(work / f"n{n}", n)
    result: dict = {
        "n": n,
        "talks": layout.talks,
        "posters": layout.posters,
        "rooms": len(layout.rooms),
        "days": len(layout.days),
        "runs": runs,
    }
    if serial_runs:  # -j auto and one process alternated, so that the machine's load falls on both
        pairs = [(build(site), build(site, jobs="1")) for _ in range(serial_runs)]
        result["full"] = timed([p for p, _ in pairs])
        result["serial"] = timed([s for _, s in pairs])
        result["parallel_speedup"] = median([s["wall"] / p["wall"] for p, s in pairs])
        build(site)  # the output below is the parallel build's
    else:
        result["full"] = timed([build(site) for _ in range(runs)])
    result["programme"] = programme_page(site / "_build/html/program/index.html")
    if plain:  # the same pages, plain Sphinx + MyST + sphinxcontrib-bibtex, the same command
        plain_site = generate(work / f"n{n}-plain", n, "plain")
        base = [build(plain_site, timeout=plain_timeout) for _ in range(runs)]
        if any(b.get("timed_out") for b in base):
            result["plain"] = {"timed_out_after_s": plain_timeout, "load": base[-1]["load"]}
        else:
            result["plain"] = timed(base)
            result["plain_ratio"] = result["full"]["wall_s"] / result["plain"]["wall_s"]
        shutil.rmtree(plain_site)
    if checks:  # the same site without the gate, one process, alternated
        ungated = generate(work / f"n{n}-ungated", n, "ungated")
        pairs = [(build(site, jobs="1"), build(ungated, jobs="1")) for _ in range(runs)]
        result["gated"] = timed([g for g, _ in pairs])
        result["ungated"] = timed([u for _, u in pairs])
        result["checks_overhead"] = result["gated"]["cpu_s"] / result["ungated"]["cpu_s"] - 1
        result["checks_overhead_wall"] = result["gated"]["wall_s"] / result["ungated"]["wall_s"] - 1
        shutil.rmtree(ungated)
        build(site)
    result["incremental"] = incremental(site, layout, runs)
    shutil.rmtree(site)  # 5,000 contributions take a gigabyte of output
    return result


def programme_page(page: Path, loads: int = 3) -> dict:
    """The programme page's size, and its time to first paint in Chromium (median of fresh loads
    from disk, each in a new browser context): what a visitor waits for before seeing anything."""
    from playwright.sync_api import sync_playwright

    paints, loaded = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            for _ in range(loads):
                context = browser.new_context()
                tab = context.new_page()
                tab.goto(page.as_uri(), wait_until="load", timeout=120_000)
                timing = tab.evaluate(
                    """() => {
                        const paint = performance.getEntriesByName("first-contentful-paint")[0];
                        const nav = performance.getEntriesByType("navigation")[0];
                        return {paint: paint ? paint.startTime : null, load: nav.loadEventEnd,
                                elements: document.getElementsByTagName("*").length};
                    }"""
                )
                if timing["paint"] is None:
                    raise SystemExit(f"{page}: Chromium reported no first contentful paint")
                paints.append(timing["paint"] / 1000)
                loaded.append(timing["load"] / 1000)
                context.close()
        finally:
            browser.close()
    return {
        "bytes": page.stat().st_size,
        "first_paint_s": median(paints),
        "load_s": median(loaded),
        "elements": timing["elements"],
        "load": load(),
    }


def incremental(site: Path, layout: Layout, runs: int) -> dict:
    """Edit, rebuild (as make html: -j auto), measure; each edit is applied and undone, so every
    run starts alike."""
    if layout.posters:  # the body edit a poster presenter makes (a talk's when there are none)
        body_page = site / f"abstracts/{poster_id(layout.posters // 2)}.md"
    else:
        body_page = site / f"abstracts/{talk_id(layout.talks // 2)}.md"
    talk = site / f"abstracts/{talk_id(layout.talks // 2)}.md"
    schedule = site / "program/schedule.yaml"
    original_body, original_talk = body_page.read_text(), talk.read_text()
    original_schedule = schedule.read_text()
    edits = {
        "body": (
            body_page,
            original_body,
            original_body.replace("The abstract of", "The edited abstract of"),
        ),
        "title": (talk, original_talk, original_talk.replace(": low-rank", ": edited low-rank", 1)),
        "schedule": (
            schedule,
            original_schedule,
            original_schedule.replace("talk: talk-0000", "talk: SWAP")
            .replace("talk: talk-0001", "talk: talk-0000")
            .replace("talk: SWAP", "talk: talk-0001"),
        ),
    }
    out = {}
    for name, (path, before, after) in edits.items():
        results, reads, writes = [], [], []
        for _ in range(runs):
            path.write_text(after)
            bump(path)
            r = build(site, fresh=False)
            results.append(r)
            reads.append(len(r["read"]))
            writes.append(len(r["written"]))
            path.write_text(before)
            bump(path)
            build(site, fresh=False)
        out[name] = {**timed(results), "read": max(reads), "written": max(writes)}
    return out


def bump(path: Path) -> None:
    """Stamp the edit now: Sphinx re-reads a file modified after it last read it. (A stamp in
    the future would make it re-read the file on every build until that time.)"""
    time.sleep(0.01)
    os.utime(path)


# --------------------------------------------------------------------------- the book


def make_pdf(site: Path, fresh: bool) -> dict:
    """As `make pdf`: the LaTeX builder with -t proceedings (-j auto), then latexrun."""
    sphinx = build(site, fresh=fresh, builder="latex", extra=("-t", "proceedings"))
    latex = run(
        [
            sys.executable,
            "-m",
            "sphinx_workshop_site.book.latexrun",
            str(site / "_build/latex"),
            "--copy-to",
            str(site / "_build/pdf"),
        ],
        site,
        env={"PYTHONPATH": str(site / "_ext"), "PDF_TIMEOUT": str(int(PDF_MAX_S * 3))},
    )
    if latex["status"] != 0:
        raise SystemExit(f"make pdf failed in {site}:\n{latex['log'][-3000:]}")
    runs = re.search(r"XeLaTeX ran (\d+) times", latex["log"])
    return {
        "wall_s": sphinx["wall"] + latex["wall"],
        "sphinx_s": sphinx["wall"],
        "latex_s": latex["wall"],
        "cpu_s": sphinx["cpu"] + latex["cpu"],
        "xelatex_runs": int(runs.group(1)) if runs else None,
        "peak_mib": max(sphinx["peak_mib"], latex["peak_mib"]),
        "read": len(sphinx["read"]),
        "load": [sphinx["load"][0], latex["load"][1]],
    }


def book_contents(site: Path, layout: Layout) -> dict:
    """What a 1,000-page book needs: its outline (parts, then every contribution, numbered in
    order), its speakers part (every speaker) and author index (every speaker, each with their
    contributions), every cross-reference resolved, the page count."""
    import pikepdf

    pdf_path = next((site / "_build/pdf").glob("*.pdf"))
    tex = next((site / "_build/latex").glob("*-proceedings.tex")).read_text(encoding="utf-8")
    log = next((site / "_build/latex").glob("*-proceedings.log")).read_text(
        encoding="utf-8", errors="replace"
    )
    speakers = (layout.talks + layout.posters + 1) // 2
    with pikepdf.open(pdf_path) as pdf:
        pages = len(pdf.pages)
        with pdf.open_outline() as outline:
            parts = [(item.title, [child.title for child in item.children]) for item in outline.root]
    contributions = [title for _part, children in parts for title in children]
    numbered = [int(m.group(1)) for t in contributions if (m := re.match(r"(\d+)\. ", t))]
    index = tex[tex.index(r"\begin{sphinxtheindex}") :] if r"\begin{sphinxtheindex}" in tex else ""
    index = index.replace("\u00a0", " ")  # a name's spaces do not break there
    entries = re.findall(r"\\item \\sphinxstyleindexentry\{(.*)", index)
    refs = sum(entry.count(r"\pageref{workshop-talk-") for entry in entries)
    shown_speakers = tex.count(r"\workshopspeaker{")
    filed = [speaker_name(s).split(" (")[0].split(" ", 1) for s in range(speakers)]  # given, family
    missing_names = [f"{family}, {given}" for given, family in filed if f"{family}, {given}" not in index]
    checks = {
        "outline_parts": [title for title, _children in parts],
        "outline_contributions": len(contributions),
        "outline_in_order": numbered == list(range(1, layout.talks + layout.posters + 1)),
        "speakers_part": shown_speakers,
        "author_index_entries": len(entries),
        "author_index_refs": refs,
        "author_index_missing": len(missing_names),
        "undefined_references": len(UNDEFINED.findall(log)),
    }
    checks["correct"] = (
        checks["outline_contributions"] == layout.talks + layout.posters
        and checks["outline_in_order"]
        and {"Programme", "Abstracts", "Speakers", "Author index"} <= set(checks["outline_parts"])
        and shown_speakers == speakers
        and len(entries) == speakers
        and refs == layout.talks + layout.posters
        and not missing_names
        and checks["undefined_references"] == 0
    )
    return {"pages": pages, **checks}


def bench_pdf(n: int, work: Path) -> dict | None:
    if not all(shutil.which(t) for t in ("xelatex", "bwrap")):
        return None
    layout = Layout.for_contributions(n)
    site = generate(work / f"pdf{n}", n)
    result = {"n": n, "full": make_pdf(site, fresh=True)}
    result.update(book_contents(site, layout))
    page = site / f"abstracts/{poster_id(layout.posters // 2) if layout.posters else talk_id(0)}.md"
    original = page.read_text()
    page.write_text(original.replace("The abstract of", "The edited abstract of"))
    bump(page)
    result["abstract_edit"] = make_pdf(site, fresh=False)
    page.write_text(original)
    shutil.rmtree(site)
    return result


# --------------------------------------------------------------------------- targets


def missed_targets(results: list[dict], books: list[dict] | None = None) -> list[str]:
    """One line per target a measured size misses (an empty list: every target met)."""
    missed = []
    for r in results:
        n = f"N = {r['n']}"
        full = r["full"]
        if full["wall_s"] > FULL_BUILD_MAX_S:
            missed.append(f"{n}: full build {full['wall_s']:.0f} s, over the {FULL_BUILD_MAX_S:.0f} s target")
        if full["peak_mib"] >= PEAK_MAX_MIB:
            missed.append(f"{n}: peak memory {full['peak_mib']:.0f} MiB, not under {PEAK_MAX_MIB:.0f} MiB")
        if "parallel_speedup" in r and r["parallel_speedup"] < PARALLEL_SPEEDUP_MIN:
            missed.append(
                f"{n}: -j {JOBS} is {r['parallel_speedup']:.2f}x one process "
                f"({full['wall_s']:.1f} s against {r['serial']['wall_s']:.1f} s), under {PARALLEL_SPEEDUP_MIN}x"
            )
        body = r["incremental"]["body"]
        what = "a poster's" if r.get("posters") else "a talk's"
        if body["read"] != POSTER_EDIT_READ or body["written"] > POSTER_EDIT_WRITTEN_MAX:
            missed.append(
                f"{n}: editing {what} body re-read {body['read']} and rewrote {body['written']} pages "
                f"(target: {POSTER_EDIT_READ} and at most {POSTER_EDIT_WRITTEN_MAX})"
            )
        if body["wall_s"] > POSTER_EDIT_MAX_S:
            missed.append(
                f"{n}: editing {what} body took {body['wall_s']:.1f} s, over {POSTER_EDIT_MAX_S:.0f} s"
            )
        programme = r["programme"]
        if programme["bytes"] > PROGRAMME_MAX_BYTES:
            missed.append(
                f"{n}: the programme page is {programme['bytes'] / 1e6:.1f} MB, "
                f"over {PROGRAMME_MAX_BYTES / 1e6:.0f} MB (split it per day)"
            )
        if programme["first_paint_s"] > FIRST_PAINT_MAX_S:
            missed.append(
                f"{n}: the programme page paints first after {programme['first_paint_s']:.1f} s, "
                f"over {FIRST_PAINT_MAX_S:.0f} s (split it per day)"
            )
        if r.get("checks_overhead", 0) > CHECKS_TARGET:
            missed.append(
                f"{n}: the contributor-page checks add {r['checks_overhead']:+.1%} CPU time "
                f"({r['gated']['cpu_s']:.1f} s against {r['ungated']['cpu_s']:.1f} s), over {CHECKS_TARGET:.0%}"
            )
    for book in books or []:
        n = f"the book at N = {book['n']}"
        if book["n"] >= 1000 and book["full"]["wall_s"] > PDF_MAX_S:
            missed.append(f"{n}: make pdf took {book['full']['wall_s']:.0f} s, over {PDF_MAX_S:.0f} s")
        for run_name in ("full", "abstract_edit"):
            runs = book[run_name]["xelatex_runs"]
            if runs is None or runs > XELATEX_RUNS_MAX:
                missed.append(f"{n} ({run_name}): XeLaTeX ran {runs} times, more than {XELATEX_RUNS_MAX}")
        if book["abstract_edit"]["read"] != PDF_EDIT_READ:
            missed.append(
                f"{n}: editing an abstract re-read {book['abstract_edit']['read']} pages (target: {PDF_EDIT_READ})"
            )
        if not book["correct"]:
            missed.append(f"{n}: the outline, speakers part or author index is not complete (see the JSON)")
    return missed


# --------------------------------------------------------------------------- report


def table(results: list[dict]) -> str:
    head = (
        "N",
        "talks/posters",
        "full s (-j)",
        "serial s",
        "speedup",
        "plain s",
        "ratio",
        "peak MiB",
        "programme kB",
        "paint s",
        "body s/read/wrote",
        "title s/read/wrote",
        "schedule s/read/wrote",
        "load",
    )
    rows = [head]
    for r in results:
        inc = r["incremental"]

        def cell(name: str, inc: dict = inc) -> str:
            return f"{inc[name]['wall_s']:.1f}/{inc[name]['read']}/{inc[name]['written']}"

        plain = r.get("plain", {})
        rows.append(
            (
                str(r["n"]),
                f"{r['talks']}/{r['posters']}",
                f"{r['full']['wall_s']:.1f}",
                f"{r['serial']['wall_s']:.1f}" if "serial" in r else "-",
                f"{r['parallel_speedup']:.2f}" if "parallel_speedup" in r else "-",
                f"{plain['wall_s']:.1f}"
                if "wall_s" in plain
                else (f">{plain['timed_out_after_s']:.0f}" if plain else "-"),
                f"{r['plain_ratio']:.2f}" if "plain_ratio" in r else "-",
                f"{r['full']['peak_mib']:.0f}",
                f"{r['programme']['bytes'] / 1000:.0f}",
                f"{r['programme']['first_paint_s']:.2f}",
                cell("body"),
                cell("title"),
                cell("schedule"),
                "-".join(f"{x:.1f}" for x in r["full"]["load"]),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return "\n".join(" | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows)


def sizes(text: str) -> list[int]:
    return [int(s) for s in text.split(",") if s]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,500,1000,5000", help="numbers of contributions")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one-run-from", type=int, default=1000, help="one run each from this N on")
    parser.add_argument("--serial-at", default="1000", help="also build in one process at these N (speedup)")
    parser.add_argument("--speedup-runs", type=int, default=3, help="alternated pairs for the speedup")
    parser.add_argument("--plain-at", default="1000,5000", help="the plain Sphinx build at these N")
    parser.add_argument("--plain-timeout", type=float, default=1800, help="stop a plain build after this (s)")
    parser.add_argument("--checks-at", default="500", help="measure the checks' cost at these N")
    parser.add_argument("--pdf-sizes", default="100,1000", help="make pdf at these N (empty: none)")
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "results.json")
    args = parser.parse_args()
    serial_at, checks_at, plain_at = sizes(args.serial_at), sizes(args.checks_at), sizes(args.plain_at)
    results: list[dict] = []
    books: list[dict] = []

    def save() -> list[str]:
        """The JSON so far (after every size: an hour's measurements survive a later failure)."""
        missed = missed_targets(results, books)
        summary = {
            "command": "make bench" + (f" BENCH_ARGS='{' '.join(sys.argv[1:])}'" if sys.argv[1:] else ""),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "load_average_at_end": os.getloadavg(),
            },
            "jobs": JOBS,
            "results": results,
            "books": books,
            "missed_targets": missed,
        }
        args.json.write_text(json.dumps(summary, indent=1, default=sorted) + "\n")
        return missed

    with tempfile.TemporaryDirectory(prefix="workshop-bench-") as tmp:
        for n in sizes(args.sizes):
            print(f"N = {n} ... (load average {load():.1f})", flush=True)
            runs = args.runs if n < args.one_run_from else 1
            results.append(
                bench_size(
                    n,
                    runs,
                    Path(tmp),
                    serial_runs=args.speedup_runs if n in serial_at else 0,
                    checks=n in checks_at,
                    plain=n in plain_at,
                    plain_timeout=args.plain_timeout,
                )
            )
            save()
            print(table(results[-1:]), flush=True)
        for n in sizes(args.pdf_sizes):
            print(f"make pdf, N = {n} ... (load average {load():.1f})", flush=True)
            book = bench_pdf(n, Path(tmp))
            if book is None:
                print("make pdf: no TeX or bubblewrap here, not measured")
                break
            books.append(book)
            save()
            print(json.dumps(book, indent=1), flush=True)
    missed = save()
    print()
    print(table(results))
    for r in results:
        if "checks_overhead" in r:
            print(
                f"N = {r['n']}: the checks add {r['checks_overhead']:+.1%} CPU time, {r['checks_overhead_wall']:+.1%} "
                f"wall time (target at most {CHECKS_TARGET:.0%} CPU)"
            )
    for book in books:
        full = book["full"]
        print(
            f"make pdf, N = {book['n']}: {full['wall_s']:.0f} s (Sphinx {full['sphinx_s']:.0f} s, LaTeX "
            f"{full['latex_s']:.0f} s, {full['xelatex_runs']} XeLaTeX runs), {book['pages']} pages, "
            f"{full['peak_mib']:.0f} MiB; an abstract edited: {book['abstract_edit']['wall_s']:.0f} s, "
            f"{book['abstract_edit']['read']} page read; complete: {book['correct']}"
        )
    print(f"JSON: {args.json}")
    for line in missed:
        print(f"target missed: {line}")
    print("every target met" if not missed else f"{len(missed)} target(s) missed")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
