"""Where a build's time goes: a synthetic conference of N contributions built in one process
under cProfile, its time split by part (Sphinx, MyST, the gate, the templates and the theme's
navigation, the exports and cards, the written pages' verification).

    .venv/bin/python benchmarks/profile.py 5000            # generate, build, profile, report
    .venv/bin/python benchmarks/profile.py --report x.prof # report an existing profile

Under the profiler a build takes about twice as long (Python function calls cost more): the
shares, not the seconds, are what to read. One process (``-j 1``): cProfile sees only the
process it runs in. The result of N = 5,000 is in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import pstats
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.generate import generate

# (label, file path fragment, function name): the cumulative time of the matching functions
# (a function called inside another of the same part is not counted twice: each row is one
# function's cumulative time, or the sum over functions that never call each other).
PARTS: list[tuple[str, str, tuple[str, ...]]] = [
    ("whole build", "sphinx/application.py", ("build",)),
    ("start: the bib files merged (config-inited)", "site/bibliography.py", ("merge_bibfiles",)),
    (
        "start: sphinxcontrib-bibtex parses the merged .bib",
        "sphinxcontrib/bibtex/bibfile.py",
        ("parse_bibdata",),
    ),
    ("READING", "sphinx/builders/__init__.py", ("read",)),
    ("  docutils settings per page (Sphinx)", "sphinx/util/docutils.py", ("_get_settings",)),
    ("  the gate's parse (MyST inside it)", "gate/pages.py", ("parse",)),
    ("    MyST render (markdown-it, docutils nodes)", "markdown_it/main.py", ("render",)),
    ("      footcite (sphinxcontrib-bibtex, pybtex)", "sphinxcontrib/bibtex/foot_roles.py", ("run",)),
    ("  transforms at read (docutils, Sphinx, MyST)", "sphinx/transforms/__init__.py", ("apply_transforms",)),
    (
        "  our source-read handlers",
        "sphinx_workshop_site",
        ("read_talk_source", "read_speaker_source", "note_source", "check_prose_dates"),
    ),
    ("  our doctree-read: texts for the exports", "exports/head.py", ("collect_texts",)),
    ("WRITING", "sphinx/builders/__init__.py", ("write",)),
    ("  doctrees loaded and resolved", "sphinx/environment/__init__.py", ("get_and_resolve_doctree",)),
    ("    post-transforms", "sphinx/environment/__init__.py", ("apply_post_transforms",)),
    ("      ours: placeholders resolved", "site/resolve.py", ("resolve_placeholders",)),
    ("  search index fed", "sphinx/builders/html/__init__.py", ("index_page",)),
    ("  HTML translation and the page written", "sphinx/builders/html/__init__.py", ("write_doc",)),
    (
        "    the page's template (html-page-context, Jinja)",
        "sphinx/builders/html/__init__.py",
        ("handle_page",),
    ),
    (
        "      theme: its sidebar templates (pydata)",
        "pydata_sphinx_theme/__init__.py",
        ("update_and_remove_templates",),
    ),
    ("      ours: meta, JSON-LD (page_head)", "exports/head.py", ("page_head",)),
    ("      ours: citation meta (page_citation)", "exports/citing.py", ("page_citation",)),
    ("      ours: compact sidebar (sidebar_sections)", "site/theme.py", ("sidebar_sections",)),
    ("      templates rendered (Jinja)", "sphinx/jinja2glue.py", ("render",)),
    ("BUILD-FINISHED: exports", "exports/publish.py", ("write_exports",)),
    ("  programme formats (program.ics, frab XML/JSON)", "exports/formats.py", ("write_all",)),
    ("  link cards (one PNG per contribution)", "exports/head.py", ("write_cards",)),
    ("BUILD-FINISHED: written pages verified", "gate/pages.py", ("verify_written_pages",)),
    ("BUILD-FINISHED: icon fonts cut", "site/icons.py", ("cut_icon_fonts",)),
    (
        "BUILD-FINISHED: Sphinx's finish (search index, assets)",
        "sphinx/builders/html/__init__.py",
        ("finish",),
    ),
]


def report(profile: Path) -> str:
    stats = pstats.Stats(str(profile)).stats  # {(file, line, name): (cc, nc, tt, ct, callers)}
    total = max(row[3] for row in stats.values())
    lines = [f"{'seconds':>8} {'share':>6}  part (cumulative, under cProfile)"]
    for label, fragment, names in PARTS:
        seconds = sum(
            row[3] for (file, _line, name), row in stats.items() if fragment in file and name in names
        )
        lines.append(f"{seconds:8.1f} {seconds / total:6.1%}  {label}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("n", nargs="?", type=int, default=1000, help="contributions")
    parser.add_argument("--report", type=Path, help="report this profile instead of building")
    parser.add_argument("--keep", type=Path, help="write the profile here")
    args = parser.parse_args()
    if args.report:
        print(report(args.report))
        return 0
    with tempfile.TemporaryDirectory(prefix="workshop-profile-") as tmp:
        site = generate(Path(tmp) / f"n{args.n}", args.n)
        profile = args.keep or Path(tmp) / "build.prof"
        command = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "sphinx"]
        command += [
            "-W",
            "--keep-going",
            "-n",
            "-q",
            "-b",
            "html",
            "-j",
            "1",
            str(site),
            str(site / "_build/html"),
        ]
        subprocess.run(command, check=True)
        print(report(profile))
    return 0


if __name__ == "__main__":
    sys.exit(main())
