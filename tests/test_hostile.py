"""The hostile-submission suite (issue 13): what a hostile pull request adds, built as CI builds it.

Every case (tests/hostile_payloads.py) is judged where its harm would show: the build either
fails with a ``file:line`` message naming the hostile file, or its output is harmless: no secret
(a file outside the project, conf.py, an environment variable, /etc/passwd) in any output file or
message, no script, script link, ``http-equiv`` meta or theme class from a contributor, exports
that parse, never a traceback, never a hang (time limit) or a runaway (memory limit).

Every case has its own talk or speaker id: the classes whose cases keep to files of their own are
built together (one Sphinx run, one `make check`); a class that edits a file of the project (the
schedule, the scheduled talk alpha) or whose work is bounded (resources) is built on its own.
Then each case asserts its own ``file:line``.
"""

from __future__ import annotations

import html
import os
import re
import resource
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import icalendar
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, SPHINX_FLAGS, Batch, Build, copy_site, require_tool, sphinx_process
from hostile_payloads import GROUPS, LATEX_PAYLOADS, SECRET_ENV, SECRET_FILE, Case, talk
from lxml import etree
from sphinx_workshop_site.cli import check_project

BUILD_TIMEOUT = 120  # seconds for one build of a small project (a clean one takes about 3)
MEMORY_LIMIT = 2 * 1024**3  # address space of a build
RUN = uuid.uuid4().hex[:12]
FILE_TOKEN = f"FILE-SECRET-{RUN}"  # in a file outside the project
CONF_TOKEN = f"CONF-SECRET-{RUN}"  # in conf.py
ENV_TOKEN = f"ENV-SECRET-{RUN}"  # in the build's environment
TOKENS = (FILE_TOKEN, CONF_TOKEN, ENV_TOKEN)
PASSWD_LINE = "root:x:0:0:"  # the first line of /etc/passwd
# The real site's MyST settings (attrs, colon fences, amsmath), so the payloads meet its parser.
CONF_EXTRA = f"""
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "attrs_inline"]
myst_heading_anchors = 3
# {CONF_TOKEN}
"""
SCRIPT_URL = re.compile(r"^(?:javascript|vbscript|data|file):", re.I)
THEME_CLASSES = {"fixed-top", "modal", "show", "bd-header", "d-none"}


@dataclass
class Result:
    root: Path
    outdir: Path
    returncode: int | None  # None: stopped at the time limit
    output: str
    seconds: float

    def located(self, file: str, line: int, message: str) -> list[str]:
        pattern = re.compile(
            rf"^(?:.*/)?{re.escape(file)}:{line}: (?:WARNING|ERROR|CRITICAL): .*{re.escape(message)}"
        )
        return [text for text in self.output.splitlines() if pattern.match(text)]


def children_cpu() -> float:
    """CPU seconds used by this process's finished children: work done, whatever the machine's load
    (a wall-clock limit fails on a busy machine; the build's own time limit is BUILD_TIMEOUT)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def make_project(base: Path, cases: dict[str, Case], site: bool = False) -> Path:
    """A copy of the test root (or of the real site) with the cases' files and links, a secret
    file and folder next to it, and a token in conf.py."""
    base.mkdir(parents=True, exist_ok=True)
    secret = base / "secret.txt"
    secret.write_text(f"{FILE_TOKEN}\n", encoding="utf-8")
    secret_dir = base / "secret-dir"
    secret_dir.mkdir(exist_ok=True)
    (secret_dir / "a.png").write_text(f"{FILE_TOKEN}\n", encoding="utf-8")
    root = base / "site"
    if site:
        copy_site(root)
    else:
        shutil.copytree(ROOT / "tests/roots/test-schedule", root)
    with (root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(CONF_EXTRA if not site else f"\n# {CONF_TOKEN}\n")
    for hostile in cases.values():
        for rel, content in hostile.files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                content = content.replace(SECRET_FILE, str(secret))
                if site:  # the real site has no speaker 'ada'
                    content = content.replace("speakers: [ada]", "speakers: [cohen]")
                path.write_text(content, encoding="utf-8", newline="")
            else:
                path.write_bytes(content)
        for rel, target in hostile.links.items():
            target = target.replace("@SECRET@", str(secret)).replace("@SECRET_DIR@", str(secret_dir))
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, root / rel)
    return root


def build(root: Path, builder: str = "html", *extra: str, timeout: float = BUILD_TIMEOUT) -> Result:
    """sphinx-build as CI runs it (-W --keep-going -n), with a secret in its environment, under
    a time and a memory limit."""
    outdir = root / "_build" / builder
    start = children_cpu()
    returncode, output = sphinx_process(
        root,
        [*SPHINX_FLAGS, "-b", builder, *extra, str(root), str(outdir)],
        env={"PYTHONPATH": str(ROOT / "_ext"), SECRET_ENV: ENV_TOKEN},
        timeout=timeout,
        preexec_fn=_limit_memory,
    )
    return Result(root, outdir, returncode, output, children_cpu() - start)


# The classes built together: each case in files of its own (ids fm-, in-, sub-, js-, bib-, mj-,
# tex-, ln-, at-), nothing edited that another case reads.
TOGETHER = (
    "front-matter",
    "inclusion",
    "subfolder",
    "script-links",
    "mathjax",
    "latex",
    "symlinks",
    "classes",
)


def build_of(group: str) -> str:
    """The name of the build that holds the class ``group``."""
    return "pages" if group in TOGETHER else group


def cases_of(name: str) -> dict[str, Case]:
    """The cases of a build, as '<class>: <case>'."""
    return {
        f"{g}: {n}": case for g, cases in GROUPS.items() if build_of(g) == name for n, case in cases.items()
    }


BUILDS = sorted({build_of(group) for group in GROUPS})


def test_cases_built_together_have_files_of_their_own():
    """No two cases of one build write or link the same file."""
    for name in BUILDS:
        paths = [p for case in cases_of(name).values() for p in [*case.files, *case.links]]
        assert len(paths) == len(set(paths)), name


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The build that holds a class of attack, made the first time a case of the class asks for it."""
    results: dict[str, Result] = {}

    def get(group: str) -> Result:
        name = build_of(group)
        if name not in results:
            root = make_project(tmp_path_factory.mktemp(name), cases_of(name))
            results[name] = build(root, timeout=BUILD_TIMEOUT)
        return results[name]

    return get


@pytest.fixture(scope="module")
def checked(built):
    """`make check`'s problems for the build that holds a class, once per build."""
    results: dict[str, list[str]] = {}

    def get(group: str) -> list[str]:
        name = build_of(group)
        if name not in results:
            results[name] = [str(p) for p in check_project(built(group).root)]
        return results[name]

    return get


# ---------------------------------------------------------------------------- harmless output


def leaks(result: Result) -> list[str]:
    """Every output file or message that holds a secret or a line of /etc/passwd."""
    found = [f"the build's messages hold {token}" for token in TOKENS if token in result.output]
    if PASSWD_LINE in result.output:
        found.append("the build's messages hold /etc/passwd")
    for path in (result.root / "_build").rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            found += [f"{path.relative_to(result.root)} holds {t}" for t in TOKENS if t.encode() in data]
            if PASSWD_LINE.encode() in data:
                found.append(f"{path.relative_to(result.root)} holds /etc/passwd")
    return found


def html_harms(page: Path) -> list[str]:
    """What a contributor could do to a reader with this page: scripts, script links, refresh or
    CSP meta, event handlers, theme classes, fixed-position styles."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    harms = []
    for meta in soup.find_all("meta"):
        if meta.get("http-equiv") is not None or any(
            not re.fullmatch(r"[\w:.-]+", key) for key in meta.attrs
        ):
            harms.append(f"meta {meta.attrs}")
    for script in soup.find_all("script"):
        src, body = script.get("src", ""), script.string or ""
        if script.get("type") == "application/ld+json":
            if "<" in body:  # JSON-LD escapes '<': nothing can close the element early
                harms.append(f"unescaped JSON-LD {body[:120]}")
        elif (src and re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", src, re.I)) or "alert(" in body:  # local only
            harms.append(f"script {str(script)[:120]}")
    for article in soup.select("article, div.body, main"):  # the page body (book theme, alabaster)
        if page.name != "search.html":  # the theme's own search page script
            harms += [f"script in the page body: {str(s)[:120]}" for s in article.find_all("script")]
        for tag in article.find_all(True):
            harms += [f"theme class {c} on <{tag.name}>" for c in tag.get("class", []) if c in THEME_CLASSES]
    for tag in soup.find_all(True):
        for key, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if key.startswith("on") and "alert(" in value:
                harms.append(f"event handler {key}={value[:80]}")
            if key in ("href", "src", "action", "formaction", "xlink:href", "data"):
                squashed = re.sub(r"[\x00-\x20]", "", html.unescape(value))
                if SCRIPT_URL.match(squashed):
                    harms.append(f"{key}={value[:80]} on <{tag.name}>")
            if key == "style" and "fixed" in value.replace(" ", ""):
                harms.append(f"style {value[:80]} on <{tag.name}>")
    return harms


def assert_located(result: Result, hostile: Case) -> None:
    for file, line, message in hostile.expect:
        about = [text for text in result.output.splitlines() if file in text] or result.output.splitlines()[
            -20:
        ]
        assert result.located(file, line, message), f"no '{file}:{line}: ... {message}' in:\n" + "\n".join(
            about
        )


def assert_sound(result: Result) -> None:
    """Never a hang, a crash or a traceback; nothing secret anywhere."""
    assert result.returncode is not None, f"the build hung (over {BUILD_TIMEOUT} s):\n{result.output[-3000:]}"
    assert result.returncode in (0, 1), result.output[-3000:]
    for crash in ("Traceback", "Exception occurred", "RecursionError", "MemoryError"):
        assert crash not in result.output, result.output[-5000:]
    assert not leaks(result), leaks(result)


PAGE_SUFFIXES = (".md", ".rst")


def pages_of(result: Result, hostile: Case) -> list[Path]:
    """The HTML each of the case's pages would be built to."""
    out = []
    for rel in hostile.files:
        path = Path(rel)
        if path.suffix in PAGE_SUFFIXES:
            out.append(result.outdir / path.with_suffix(".html"))
    return out


def assert_pages_as_refused_or_built(result: Result, hostile: Case) -> list[Path]:
    """A refused case's pages are not built; every other case's pages are, so that a reader
    gets them and the harm checks see them (a page not built would pass them unseen, e.g. when
    the last check, htmlverify, took down a page the gate let through). The built pages."""
    pages = pages_of(result, hostile)
    if hostile.refused:
        assert not [p for p in pages if p.exists()], "a refused page was built"
        return []
    missing = [str(p.relative_to(result.outdir)) for p in pages if not p.exists()]
    assert not missing, f"not built (a case whose pages are not built says refused=True): {missing}"
    return pages


CASES = [(group, name) for group, cases in GROUPS.items() for name in cases]


def _param(group: str, name: str):
    hostile = GROUPS[group][name]
    marks = [pytest.mark.xfail(strict=True, reason=hostile.xfail)] if hostile.xfail else []
    return pytest.param(group, name, marks=marks, id=f"{group}: {name}")


@pytest.mark.parametrize(("group", "name"), [_param(g, n) for g, n in CASES])
def test_hostile_case(built, group, name):
    """The build fails at the case's file:line (when it must), and publishes nothing harmful."""
    hostile = GROUPS[group][name]
    result = built(group)
    assert_sound(result)
    assert_located(result, hostile)
    if hostile.expect:
        assert result.returncode == 1
    for page in assert_pages_as_refused_or_built(result, hostile):
        assert not html_harms(page), (page, html_harms(page))


def test_the_classes_built_together_say_nothing_else(built, checked):
    """Every message of the shared build, and of its check, names a file of one of its cases:
    no case made another file fail."""
    result = built(TOGETHER[0])
    batch = Batch(
        Build(result.root, result.outdir, result.returncode or 0, result.output), checked(TOGETHER[0])
    )
    files = {path for case in cases_of("pages").values() for path in [*case.files, *case.links]}
    assert batch.warnings() and batch.unexpected(files) == []


def test_every_page_of_every_build_is_harmless(built):
    """Pages not under test too: the programme, the speaker grid, the talk list, the home page."""
    for name in BUILDS:
        result = built(next(g for g in GROUPS if build_of(g) == name))
        for page in result.outdir.rglob("*.html"):
            assert not html_harms(page), (name, page, html_harms(page))


def test_the_resource_cases_build_fast(built):
    """Nineteen hostile pages and files (alias bombs, megabytes of nesting, adversarial text for
    regular expressions, 80,000 bib entries), under the memory limit, in one build."""
    result = built("resources")
    assert_sound(result)
    assert result.seconds < 60, f"{result.seconds:.0f} s of CPU"


def test_pages_in_a_contributor_folder_are_not_built(built):
    result = built("subfolder")
    for hostile in GROUPS["subfolder"].values():
        for rel in hostile.files:
            stem = rel.rsplit(".", 1)[0]
            assert not (result.outdir / f"{stem}.html").exists(), rel
            assert not list((result.outdir / "_sources").glob(f"{stem}*")), rel


def test_linked_pages_are_not_published_not_even_as_sources(built):
    result = built("symlinks")
    for hostile in GROUPS["symlinks"].values():
        for rel in hostile.links:
            assert not (result.outdir / "_sources" / f"{rel}.txt").exists(), rel


@pytest.mark.parametrize("group", [g for g in GROUPS if g != "resources"])
def test_check_reports_what_the_build_reports(checked, group):
    """`python -m sphinx_workshop_site check` is the build: the same file:line for every case of the class."""
    problems = checked(group)
    for name, hostile in GROUPS[group].items():
        if hostile.xfail:
            continue
        for file, line, message in hostile.expect:
            assert any(p.startswith(f"{file}:{line}: ") and message in p for p in problems), (name, problems)


# ------------------------------------------------------------------------------------ exports

FORBIDDEN_IN_EXPORTS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


@pytest.mark.parametrize("group", ["tracebacks", "control-exports"])
def test_exports_parse_and_carry_no_control_character(built, group):
    """schedule.xml is well-formed XML 1.0 with no injected element, program.ics parses, one
    line per property, nothing raw."""
    result = built(group)
    assert_sound(result)
    out = result.outdir
    xml = etree.parse(str(out / "schedule.xml"))
    assert not xml.xpath("//script | //b | //venue/*")
    calendar = icalendar.Calendar.from_ical((out / "program.ics").read_bytes())
    summaries = [str(event.get("SUMMARY")) for event in calendar.walk("VEVENT")]
    assert summaries and all("\n" not in s and "\r" not in s for s in summaries), summaries
    assert len(calendar.walk("VCALENDAR")) == 1
    for name in ("schedule.xml", "schedule.json", "program.ics", "abstracts/alpha.ics"):
        text = (out / name).read_text(encoding="utf-8")
        assert not FORBIDDEN_IN_EXPORTS.search(text), (name, FORBIDDEN_IN_EXPORTS.search(text))
    if group == "tracebacks":  # the setext title, on two lines in the source, is one line everywhere
        assert "A title on two lines" in summaries, summaries


# ------------------------------------------------------------------------------------ the PDF

# What contributor text may say about TeX (as text, code, a title): allowed, and escaped.
ESCAPED_TALK = talk(
    "Text about \\input{/etc/passwd}, \\openin1 and \\special{x}; then \\end{document} and \\write18{id}.\n\n"
    "```latex\n\\catcode`\\@=11 \\csname input\\endcsname{/etc/passwd} \\end{document}\n```\n\n"
    "Inline `\\loop\\iftrue\\repeat` code. SentinelAfterTheEnd.",
    title="\\\\input{/etc/passwd} \\\\end{document}",
)
RAW_TEX = [
    "\\input{/etc/passwd}",
    "\\openin",
    "\\special{",
    "\\write18",
    "\\catcode`",
    "\\csname input",
    "\\loop",
    "\\immediate",
    "^^5c",
    "\\def\\alpha",
    "\\newcommand{\\x}",
    "\\read1",
]


@pytest.fixture(scope="module")
def latex_book(tmp_path_factory):
    """The LaTeX builder on the math and file-name attacks, and on a talk that writes TeX as text."""
    cases = (
        GROUPS["latex"] | GROUPS["mathjax"] | {"escaped": Case({"abstracts/tex-text.md": ESCAPED_TALK}, [])}
    )
    root = make_project(tmp_path_factory.mktemp("latex-book"), cases, site=True)
    return build(root, "latex", "-t", "proceedings", timeout=300)


def contributor_tex(tex: str) -> str:
    """The book's lines that came from the hostile talks (between workshop-source markers)."""
    kept, inside = [], 0
    for line in tex.splitlines():
        if line.startswith("% workshop-source: abstracts/"):
            inside += 1 if re.match(r"% workshop-source: abstracts/(?:tex|mj)-", line) else 0
        elif line.startswith("% workshop-source-end"):
            inside = max(inside - 1, 0)
        elif inside:
            kept.append(line)
    return "\n".join(kept)


def test_no_contributor_tex_reaches_the_book(latex_book):
    assert_sound(latex_book)
    for hostile in GROUPS["latex"].values():
        assert_located(latex_book, hostile)
    book = (latex_book.outdir / "lorainne24-proceedings.tex").read_text(encoding="utf-8")
    tex = contributor_tex(book)
    assert "SentinelAfterTheEnd" in tex and "workshop-source: abstracts/tex-input" in book
    for raw in RAW_TEX:
        assert raw not in tex, raw
    assert book.count("\\end{document}") == 1, "a talk ended the book"
    assert "\\href{javascript" not in tex and "\\style{" not in tex
    for name in LATEX_PAYLOADS:
        assert f"tex-img-{name}" not in tex
    for path in latex_book.outdir.iterdir():  # no contributor file with a hostile name is copied
        assert not re.search(r"[%#{}\\~$^ ]", path.name), path.name


def test_the_book_of_the_escaped_talk_is_whole_and_clean(tmp_path):
    """End to end: TeX written as text in a talk is printed, not run; the sandboxed LaTeX run
    finishes, the book is whole (the text after '\\end{document}' is in it), with no host file,
    no attachment and no JavaScript."""
    for tool in ("xelatex", "bwrap", "pdftotext", "pdfdetach"):
        require_tool(tool, "the PDF case needs TeX and poppler-utils (see README)")
    root = make_project(tmp_path, {"escaped": Case({"abstracts/tex-text.md": ESCAPED_TALK}, [])}, site=True)
    result = build(root, "latex", "-t", "proceedings", timeout=300)
    assert result.returncode == 0, result.output[-3000:]
    tex = result.outdir / "lorainne24-proceedings.tex"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "_ext"), SECRET_ENV: ENV_TOKEN, "PDF_TIMEOUT": "240"}
    run = subprocess.run(
        [sys.executable, "-m", "sphinx_workshop_site.book.latexrun", str(result.outdir), "--name", tex.stem],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    pdf = tex.with_suffix(".pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "SentinelAfterTheEnd" in text.replace("\n", " ")
    assert "input{/etc/passwd}" in text.replace("\n", "")  # printed as text
    assert PASSWD_LINE not in text and not any(token in text for token in TOKENS)
    attachments = subprocess.run(["pdfdetach", "-list", str(pdf)], capture_output=True, text=True).stdout
    assert attachments.strip().startswith("0 embedded files"), attachments
    assert b"/JavaScript" not in pdf.read_bytes() and b"/JS" not in pdf.read_bytes()


# ------------------------------------------------------------------------------ the real site


@pytest.fixture(scope="module")
def real_site(tmp_path_factory):
    """The real site with one hostile talk and speaker of each kind the theme could act on."""
    hostile_talk = talk(
        "[Log in again]{.fixed-top} [x](javascript:alert(1)) $\\style{position:fixed}{x}$\n\n"
        "```{literalinclude} " + SECRET_FILE + "\n```",
        front='speakers: [cohen]\nmyst:\n  html_meta:\n    "http-equiv=refresh": "0; url=https://evil.example/"\n',
    )
    cases = {
        "hostile": Case({"abstracts/zz-hostile.md": hostile_talk}, []),
        "linked speaker": Case({}, [], links={"speakers/zz-linked.md": "@SECRET@"}),
    }
    root = make_project(tmp_path_factory.mktemp("real"), cases, site=True)
    cohen = root / "abstracts/cohen.md"  # a scheduled talk, its title made setext over two lines
    text = cohen.read_text(encoding="utf-8")
    cohen.write_text(
        re.sub(r"^# (.+)$", r"\1\nand more\n========", text, count=1, flags=re.M), encoding="utf-8"
    )
    return build(root, timeout=300)


def test_the_real_site_refuses_each_attack_at_its_line(real_site):
    assert_sound(real_site)
    page = "abstracts/zz-hostile.md"
    for line, message in [
        (3, "'myst' key is not allowed"),
        (10, "class 'fixed-top'"),
        (10, "script or data address"),
        (10, "'\\style' is not allowed"),
        (12, "'{literalinclude}' is not allowed"),
    ]:
        assert real_site.located(page, line, message), (line, message, real_site.output[-3000:])
    assert real_site.located("speakers/zz-linked.md", 1, "not a link")


def test_the_real_site_publishes_nothing_harmful(real_site):
    assert not leaks(real_site), leaks(real_site)
    for page in real_site.outdir.rglob("*.html"):
        assert not html_harms(page), (page, html_harms(page))
    calendar = icalendar.Calendar.from_ical((real_site.outdir / "program.ics").read_bytes())
    summaries = [str(event.get("SUMMARY")) for event in calendar.walk("VEVENT")]
    assert all("\n" not in s for s in summaries)
    etree.parse(str(real_site.outdir / "schedule.xml"))
