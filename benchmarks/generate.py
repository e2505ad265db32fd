"""Synthetic conferences for the benchmark: N contributions (a fifth of them talks, the rest
posters), two per speaker, a bib file per contribution with two citations, math, and a schedule:
talks in parallel rooms over several days, each day ending with its poster sessions.

Two variants of the same pages: ``workshop`` (this project's extension) and ``plain`` (Sphinx
and MyST alone: glob toctrees and a static programme table instead of the directives).
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROOM_NAMES = tuple(f"Room {letter}" for letter in "ABCDEFGH")
FIRST_DAY = dt.date(2024, 11, 26)
WORDS = ("tensor", "rank", "matrix", "network", "approximation", "decomposition", "gradient", "layer")
TALK_SHARE = 5  # one contribution in five is a talk, the rest are posters

CONF_COMMON = """\
project = "Bench'24"
extensions = {extensions}
source_suffix = {{".md": "markdown"}}
exclude_patterns = ["_build", "_ext"]  # the extension is copied in: its own .md files are not pages
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


# A day: welcome coffee, talks in parallel rooms from 08:30 in 15-minute slots until 16:30, a
# break, then the day's poster sessions (one per room, 17:00-19:00). Every time is within the day.
WELCOME = ("08:00", "08:30")
TALKS_FROM = 8 * 60 + 30
TALK_MINUTES = 15
TALK_SLOTS_PER_ROOM = 32  # 08:30-16:30
BREAK = ("16:30", "17:00")
POSTERS = ("17:00", "19:00")
TARGET_DAYS = 3  # rooms are added (up to eight) before days are


@dataclass(frozen=True)
class Layout:
    """Where every contribution goes: talks over days and rooms, posters in each day's sessions."""

    talks: int
    posters: int
    rooms: tuple[str, ...]
    days: tuple[dt.date, ...]

    @classmethod
    def for_contributions(cls, n: int) -> Layout:
        talks = (n + TALK_SHARE - 1) // TALK_SHARE
        posters = n - talks
        per_day_capacity = TARGET_DAYS * TALK_SLOTS_PER_ROOM
        rooms = min(len(ROOM_NAMES), max(2, -(-talks // per_day_capacity)))
        days = max(min(2, max(talks, posters)), -(-talks // (rooms * TALK_SLOTS_PER_ROOM)), 1)
        dates = tuple(FIRST_DAY + dt.timedelta(days=d) for d in range(days))
        return cls(talks, posters, ROOM_NAMES[:rooms], dates)

    def talk_slot(self, t: int) -> tuple[dt.date, str, str, str]:
        """Talk t's day, room, start and end (HH:MM within the day)."""
        per_day = -(-self.talks // len(self.days))
        day, within = divmod(t, per_day)
        row, room = divmod(within, len(self.rooms))
        assert row < TALK_SLOTS_PER_ROOM, (t, row)  # the layout guarantees it
        start = TALKS_FROM + row * TALK_MINUTES
        return self.days[day], self.rooms[room], _hhmm(start), _hhmm(start + TALK_MINUTES)

    def poster_sessions(self) -> list[tuple[dt.date, str, list[int]]]:
        """(day, room, poster numbers in board order): each day's posters over its rooms."""
        per_day = -(-self.posters // len(self.days)) if self.posters else 0
        sessions = []
        for d, day in enumerate(self.days):
            todays = list(range(d * per_day, min(self.posters, (d + 1) * per_day)))
            per_room = -(-len(todays) // len(self.rooms)) if todays else 0
            for r, room in enumerate(self.rooms):
                chunk = todays[r * per_room : (r + 1) * per_room]
                if chunk:
                    sessions.append((day, room, chunk))
        return sessions


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def talk_id(t: int) -> str:
    return f"talk-{t:04d}"


def poster_id(p: int) -> str:
    return f"poster-{p:04d}"


# Names and title words in other scripts (the book sets each in a font of its own): every
# SCRIPTS_EVERY-th speaker's name and contribution's title has one.
SCRIPT_NAMES = (
    "Αλέξανδρος Παπαδόπουλος",
    "Дмитрий Иванов",
    "张伟",
    "محمد عبد الرحمن",
    "अमित शर्मा",
    "דוד כהן",
    "山田 さくら",
)
SCRIPT_WORDS = ("Λόγος", "Тензоры", "张量", "نماذج منخفضة الرتبة", "निम्न रैंक", "מודלים", "テンソル")
SCRIPTS_EVERY = 10
GIVEN = ("Anna", "Bruno", "Chiara", "Daniel", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas")
FAMILY_PARTS = ("Ber", "Cas", "Dun", "Fal", "Gor", "Hal", "Kel", "Lor", "Mar", "Nor", "Pel", "Ros")


def speaker_name(s: int) -> str:
    """Unique, filed by a family name that varies (the author index and the speakers part sort
    them); every SCRIPTS_EVERY-th also written in another script."""
    rest, given = divmod(s, len(GIVEN))
    parts = []
    for _ in range(3):
        rest, part = divmod(rest, len(FAMILY_PARTS))
        parts.append(FAMILY_PARTS[part])
    family = parts[0] + (parts[1] + parts[2]).lower()
    name = f"{GIVEN[given]} {family}"
    if s % SCRIPTS_EVERY == SCRIPTS_EVERY - 1:
        name += f" ({SCRIPT_NAMES[(s // SCRIPTS_EVERY) % len(SCRIPT_NAMES)]})"
    return name


def abstract_text(kind: str, i: int, speaker: int) -> str:
    """A talk or poster page: front matter, a title with math, 120 words, two citations, math."""
    words = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(120))
    label = "Talk" if kind == "talk" else "Poster"
    front = f"speakers: [speaker-{speaker:04d}]\nkeywords: [{WORDS[i % 8]}, {WORDS[(i + 3) % 8]}]\n"
    if kind == "poster":
        front = "type: poster\n" + front
    key = f"{kind[0]}{i}"
    script = ""
    if i % SCRIPTS_EVERY == SCRIPTS_EVERY // 2:
        script = f" ({SCRIPT_WORDS[(i // SCRIPTS_EVERY) % len(SCRIPT_WORDS)]})"
    return (
        f"---\n{front}---\n\n"
        f"# {label} {i}: low-rank {WORDS[i % 8]} methods with $\\mathbb{{R}}^{{{i}}}${script}\n\n"
        f"The abstract of {kind} {i}: {words}. We bound $\\|A - UV^\\top\\|_F \\le \\epsilon$ "
        f"as shown before{{footcite}}`{key}a` and since{{footcite}}`{key}b`.\n\n"
        "$$\n\\min_{U,V} \\|A - UV^\\top\\|_F^2\n$$\n"
    )


def bib_text(kind: str, i: int) -> str:
    key = f"{kind[0]}{i}"
    return "".join(
        f"@article{{{key}{suffix},\n  author = {{Author, A{i} and Writer, B}},\n"
        f"  title = {{Paper {suffix} of {kind} {i}}},\n"
        f"  journal = {{Journal of Tests}},\n  year = {{20{i % 24:02d}}},\n  doi = {{10.1000/{key}{suffix}}}\n}}\n\n"
        for suffix in ("a", "b")
    )


def speaker_text(s: int) -> str:
    return f"---\naffiliation: University {s % 37}, City {s % 11}\n---\n\n# {speaker_name(s)}\n"


def contributions(layout: Layout) -> list[tuple[str, str, int]]:
    """(kind, id, number) of every contribution; two contributions per speaker."""
    return [("talk", talk_id(t), t) for t in range(layout.talks)] + [
        ("poster", poster_id(p), p) for p in range(layout.posters)
    ]


def schedule_yaml(layout: Layout) -> str:
    lines = [
        "timezone: Europe/Paris",
        "venue: Benchmark venue",
        f"rooms: [{', '.join(layout.rooms)}]",
        "days:",
    ]
    by_day: dict[dt.date, list[str]] = {day: [] for day in layout.days}
    for t in range(layout.talks):
        day, room, start, end = layout.talk_slot(t)
        by_day[day].append(f"      - time: {start}-{end}\n        talk: {talk_id(t)}\n        room: {room}")
    sessions: dict[dt.date, list[str]] = {day: [] for day in layout.days}
    for day, room, posters in layout.poster_sessions():
        listed = ", ".join(poster_id(p) for p in posters)
        sessions[day].append(
            f"      - time: {POSTERS[0]}-{POSTERS[1]}\n        title: Poster session {room[-1]}\n"
            f"        kind: poster\n        room: {room}\n        posters: [{listed}]"
        )
    for d, day in enumerate(layout.days):
        lines.append(f"  - date: {day.isoformat()}\n    label: Day {d + 1}\n    slots:")
        lines.append(
            f"      - time: {WELCOME[0]}-{WELCOME[1]}\n        title: Welcome coffee\n        kind: break"
        )
        lines.extend(by_day[day])
        lines.append(f"      - time: {BREAK[0]}-{BREAK[1]}\n        title: Coffee break\n        kind: break")
        lines.extend(sessions[day])
    return "\n".join(lines) + "\n"


def plain_programme(layout: Layout) -> str:
    rows = ["| Date | Time | Room | Contribution |", "|---|---|---|---|"]
    for t in range(layout.talks):
        day, room, start, end = layout.talk_slot(t)
        rows.append(
            f"| {day:%A %d %B %Y} | {start}–{end} | {room} | [Talk {t}](../abstracts/{talk_id(t)}.md) |"
        )
    for day, room, posters in layout.poster_sessions():
        for board, p in enumerate(posters, 1):
            rows.append(
                f"| {day:%A %d %B %Y} | {POSTERS[0]}–{POSTERS[1]} | {room} | "
                f"Board {board}: [Poster {p}](../abstracts/{poster_id(p)}.md) |"
            )
    return "# Programme\n\n" + "\n".join(rows) + "\n"


WORKSHOP_CONF = """\
workshop_acronym = "Bench'24"
workshop_full_name = "Benchmark Workshop on Low-Rank Methods"
workshop_organizers = ["Anna Organizer", "Bruno Organizer"]
"""

# The book's root, as the real site's proceedings.md: the programme, the abstracts, the speakers.
PROCEEDINGS = """\
# Bench'24: book of abstracts

## Programme

```{book-programme}
```

## Abstracts

```{talk-list}
:toctree-only:
```

## Speakers

```{book-speakers}
```
"""


UNGATED = """\"\"\"Benchmarks only: MyST's parser without the workshop's gate (gate.py). A talk's
bib keys are stored as <talk>/<key> (bibfile.py); the gate's citation check rewrites them, so
here a plain prefix does that and nothing else.\"\"\"
from docutils.parsers.rst import roles
from myst_parser.parsers.sphinx_ import MystParser


def _own_keys(role):
    def cite(name, rawtext, text, lineno, inliner, options=None, content=None):
        docname = inliner.document.settings.env.docname
        if docname.startswith("abstracts/"):
            page = docname.split("/", 1)[1]
            text = ",".join(f"{page}/{key.strip()}" for key in text.split(","))
        return role(name, rawtext, text, lineno, inliner, options or {}, content or [])

    return cite


def _wrap(app):
    roles._roles["footcite"] = _own_keys(roles._roles["footcite"])


def setup(app):
    app.add_source_parser(MystParser, override=True)
    app.connect("builder-inited", _wrap)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""


def generate(dest: Path, n: int, variant: str = "workshop") -> Path:
    """Write a conference of n contributions (a fifth of them talks, the rest posters) into dest
    (a fresh directory) and return it."""
    layout = Layout.for_contributions(n)
    if dest.exists():
        shutil.rmtree(dest)
    for folder in ("program", "abstracts", "speakers"):
        (dest / folder).mkdir(parents=True)
    items = contributions(layout)
    for number, (kind, item_id, i) in enumerate(items):
        (dest / f"abstracts/{item_id}.md").write_text(abstract_text(kind, i, number // 2), encoding="utf-8")
        (dest / f"abstracts/{item_id}.bib").write_text(bib_text(kind, i), encoding="utf-8")
    for s in range((len(items) + 1) // 2):
        (dest / f"speakers/speaker-{s:04d}.md").write_text(speaker_text(s), encoding="utf-8")
    toctree = "```{toctree}\n:hidden:\n\nprogram/index\nabstracts/index\nspeakers/index\n```\n"
    (dest / "index.md").write_text(f"# Benchmark conference\n\n{toctree}", encoding="utf-8")
    glob = "```{toctree}\n:hidden:\n:glob:\n\n*\n```\n"
    if variant in ("workshop", "ungated"):
        shutil.copytree(ROOT / "_ext", dest / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
        extensions = ["myst_parser", "sphinxcontrib.bibtex", "sphinx_workshop_site"]
        if variant == "ungated":  # the same site with MyST's own parser back: what the gate costs
            (dest / "_ext/bench_ungated.py").write_text(UNGATED, encoding="utf-8")
            extensions.append("bench_ungated")
        conf = "import sys\nsys.path.insert(0, '_ext')\n" + CONF_COMMON.format(
            extensions=extensions, bibfiles=[]
        )
        conf += WORKSHOP_CONF
        (dest / "proceedings.md").write_text(PROCEEDINGS, encoding="utf-8")  # the book (make pdf)
        (dest / "program/schedule.yaml").write_text(schedule_yaml(layout), encoding="utf-8")
        (dest / "program/index.md").write_text(
            "# Programme\n\n```{schedule} schedule.yaml\n```\n", encoding="utf-8"
        )
        (dest / "abstracts/index.md").write_text("# Contributions\n\n```{talk-list}\n```\n", encoding="utf-8")
        (dest / "speakers/index.md").write_text("# Speakers\n\n```{speaker-list}\n```\n", encoding="utf-8")
    else:
        bibfiles = [f"abstracts/{item_id}.bib" for _kind, item_id, _i in items]
        conf = CONF_COMMON.format(extensions=["myst_parser", "sphinxcontrib.bibtex"], bibfiles=bibfiles)
        (dest / "program/index.md").write_text(plain_programme(layout), encoding="utf-8")
        (dest / "abstracts/index.md").write_text(f"# Contributions\n\n{glob}", encoding="utf-8")
        (dest / "speakers/index.md").write_text(f"# Speakers\n\n{glob}", encoding="utf-8")
        for _kind, item_id, _i in items:  # the same pages, with the references section the extension adds
            path = dest / f"abstracts/{item_id}.md"
            text = path.read_text().replace("type: poster\n", "")  # plain Sphinx has no contribution types
            path.write_text(text + "\n## References\n\n```{footbibliography}\n```\n", encoding="utf-8")
    (dest / "conf.py").write_text(conf, encoding="utf-8")
    return dest
