"""Synthetic conferences for the benchmark: N talks with speakers, per-talk bib files and
citations, math, and a schedule over three days in four rooms.

Two variants of the same pages: ``workshop`` (this project's extension) and ``plain`` (Sphinx
and MyST alone: glob toctrees and a static programme table instead of the directives).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ("Room A", "Room B", "Room C", "Room D")
DAYS = (dt.date(2024, 11, 26), dt.date(2024, 11, 27), dt.date(2024, 11, 28))
SLOT_MINUTES = 10
WORDS = ("tensor", "rank", "matrix", "network", "approximation", "decomposition", "gradient", "layer")

CONF_COMMON = """\
extensions = {extensions}
source_suffix = {{".md": "markdown"}}
exclude_patterns = ["_build"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "attrs_inline"]
bibtex_bibfiles = {bibfiles}
bibtex_default_style = "unsrt"
html_theme = "sphinx_book_theme"
html_baseurl = "https://bench.example.org/"
# At conference scale the sidebar lists the sections, not every talk (the talks index does):
# a full tree on every page makes each page O(N) and the build O(N^2), with or without us.
html_theme_options = {{"max_navbar_depth": 1, "collapse_navbar": True}}
latex_engine = "xelatex"
"""


def slot_time(index: int) -> tuple[dt.date, str, str]:
    """Talk i's day, room, start and end: four rooms in parallel, from 08:00, 10 minutes each."""
    per_day = -(-_total[0] // (len(DAYS) * len(ROOMS)))
    day = DAYS[min(index // (per_day * len(ROOMS)), len(DAYS) - 1)]
    within = index % (per_day * len(ROOMS))
    minutes = 8 * 60 + (within // len(ROOMS)) * SLOT_MINUTES
    start = f"{minutes // 60:02d}:{minutes % 60:02d}"
    end_minutes = minutes + SLOT_MINUTES
    return day, start, f"{end_minutes // 60:02d}:{end_minutes % 60:02d}"


_total = [0]


def talk_text(i: int) -> str:
    words = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(120))
    return (
        f"---\nspeakers: [speaker-{i // 2:04d}]\nkeywords: [{WORDS[i % 8]}, {WORDS[(i + 3) % 8]}]\n---\n\n"
        f"# Talk {i}: low-rank {WORDS[i % 8]} methods with $\\mathbb{{R}}^{{{i}}}$\n\n"
        f"The abstract of talk {i}: {words}. We bound $\\|A - UV^\\top\\|_F \\le \\epsilon$ "
        f"as shown before{{footcite}}`t{i}a` and since{{footcite}}`t{i}b`.\n\n"
        "$$\n\\min_{U,V} \\|A - UV^\\top\\|_F^2\n$$\n"
    )


def bib_text(i: int) -> str:
    return "".join(
        f"@article{{t{i}{suffix},\n  author = {{Author, A{i} and Writer, B}},\n  title = {{Paper {suffix} of talk {i}}},\n"
        f"  journal = {{Journal of Tests}},\n  year = {{20{i % 24:02d}}},\n  doi = {{10.1000/t{i}{suffix}}}\n}}\n\n"
        for suffix in ("a", "b")
    )


def speaker_text(s: int) -> str:
    return f"---\naffiliation: University {s % 37}, City {s % 11}\n---\n\n# Speaker {s:04d} Name\n"


def schedule_yaml(n: int) -> str:
    lines = ["timezone: Europe/Paris", "venue: Benchmark venue", f"rooms: [{', '.join(ROOMS)}]", "days:"]
    by_day: dict[dt.date, list[str]] = {}
    for i in range(n):
        day, start, end = slot_time(i)
        room = ROOMS[i % len(ROOMS)]
        by_day.setdefault(day, []).append(
            f"      - time: {start}-{end}\n        talk: talk-{i:04d}\n        room: {room}"
        )
    for day in DAYS:
        lines.append(f"  - date: {day.isoformat()}\n    slots:")
        lines.append("      - time: 07:40-08:00\n        title: Welcome coffee\n        kind: break")
        lines.extend(by_day.get(day, []))
    return "\n".join(lines) + "\n"


def plain_programme(n: int) -> str:
    rows = ["| Date | Time | Room | Talk |", "|---|---|---|---|"]
    for i in range(n):
        day, start, end = slot_time(i)
        rows.append(
            f"| {day:%A %d %B %Y} | {start}–{end} | {ROOMS[i % len(ROOMS)]} | [Talk {i}](../abstracts/talk-{i:04d}.md) |"
        )
    return "# Programme\n\n" + "\n".join(rows) + "\n"


UNGATED = """\"\"\"Benchmarks only: MyST's parser without the workshop's gate (gate.py).\"\"\"
from myst_parser.parsers.sphinx_ import MystParser


def setup(app):
    app.add_source_parser(MystParser, override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""


def generate(dest: Path, n: int, variant: str = "workshop") -> Path:
    """Write a conference of n talks into dest (a fresh directory) and return it."""
    _total[0] = n
    if dest.exists():
        shutil.rmtree(dest)
    for folder in ("program", "abstracts", "speakers"):
        (dest / folder).mkdir(parents=True)
    speakers = (n + 1) // 2
    for i in range(n):
        (dest / f"abstracts/talk-{i:04d}.md").write_text(talk_text(i), encoding="utf-8")
        (dest / f"abstracts/talk-{i:04d}.bib").write_text(bib_text(i), encoding="utf-8")
    for s in range(speakers):
        (dest / f"speakers/speaker-{s:04d}.md").write_text(speaker_text(s), encoding="utf-8")
    toctree = "```{toctree}\n:hidden:\n\nprogram/index\nabstracts/index\nspeakers/index\n```\n"
    (dest / "index.md").write_text(f"# Benchmark conference\n\n{toctree}", encoding="utf-8")
    glob = "```{toctree}\n:hidden:\n:glob:\n\n*\n```\n"
    if variant in ("workshop", "ungated"):
        shutil.copytree(ROOT / "_ext", dest / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
        extensions = ["myst_parser", "sphinxcontrib.bibtex", "workshop"]
        if variant == "ungated":  # the same site with MyST's own parser back: what the gate costs
            (dest / "_ext/bench_ungated.py").write_text(UNGATED, encoding="utf-8")
            extensions.append("bench_ungated")
        conf = "import sys\nsys.path.insert(0, '_ext')\n" + CONF_COMMON.format(
            extensions=extensions, bibfiles=[]
        )
        (dest / "program/schedule.yaml").write_text(schedule_yaml(n), encoding="utf-8")
        (dest / "program/index.md").write_text(
            "# Programme\n\n```{schedule} schedule.yaml\n```\n", encoding="utf-8"
        )
        (dest / "abstracts/index.md").write_text("# Talks\n\n```{talk-list}\n```\n", encoding="utf-8")
        (dest / "speakers/index.md").write_text(
            f"# Speakers\n\n```{{speaker-list}}\n```\n\n{glob}", encoding="utf-8"
        )
    else:
        bibfiles = [f"abstracts/talk-{i:04d}.bib" for i in range(n)]
        conf = CONF_COMMON.format(extensions=["myst_parser", "sphinxcontrib.bibtex"], bibfiles=bibfiles)
        (dest / "program/index.md").write_text(plain_programme(n), encoding="utf-8")
        (dest / "abstracts/index.md").write_text(f"# Talks\n\n{glob}", encoding="utf-8")
        (dest / "speakers/index.md").write_text(f"# Speakers\n\n{glob}", encoding="utf-8")
        for i in range(n):  # the same pages, with the references section the extension adds
            path = dest / f"abstracts/talk-{i:04d}.md"
            path.write_text(
                path.read_text() + "\n## References\n\n```{footbibliography}\n```\n", encoding="utf-8"
            )
    (dest / "conf.py").write_text(conf, encoding="utf-8")
    return dest
