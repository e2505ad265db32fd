"""BibTeX files: valid BibTeX works (@string macros within their own file, '#', month names, DOIs
given as addresses), what could act in the book or the site is refused at file:line (@preamble,
unknown entry types, LaTeX commands, script addresses, control characters, links), keys belong
to their talk (the organizers' shared keys compare by content), and the work is bounded for any
input."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import ROOT, Batch, build_batch, require_tool, write_files
from sphinx_workshop_site.cli import check_project
from sphinx_workshop_site.gate.bibfile import MAX_BIB_ENTRIES, read_bib
from sphinx_workshop_site.gate.bibmerge import files_in_base, merge
from sphinx_workshop_site.gate.bibtext import decode, plain

TALK = "---\nspeakers: [ada]\nkeywords: [tensors]\n---\n\n# {title}\n\nAs shown in {{footcite}}`{key}`.\n"
ENTRY = "@article{{{key},\n  author = {{Doe, Jane}},\n  title = {{{title}}},\n  journal = {{J}},\n  year = {{2020}}\n}}\n"
GOOD = ENTRY.format(key="k1", title="A paper")


def talk(key: str, title: str = "Alpha talk") -> str:
    return TALK.format(title=title, key=key)


def misc(fields: str, key: str = "k1") -> str:
    """An entry on lines 1.. of its file: '@misc{k1,' is line 1, the first field line 2."""
    return f"@misc{{{key},\n  title = {{A work}},\n{fields}\n}}\n"


# --------------------------------------------------------------------------- refused input

CASES = {
    # name: ({file: content}, file with the problem, line, message part)
    "string without '='": (
        {"abstracts/alpha.bib": '% refs\n@string{psy "Psychological Review"}\n' + GOOD},
        "abstracts/alpha.bib",
        2,
        "@string: '=' expected: write it as @string{name = {value}}",
    ),
    "string without value": (
        {"abstracts/alpha.bib": "\n\n@string{psy = }\n" + GOOD},
        "abstracts/alpha.bib",
        3,
        "@string: field value expected",
    ),
    "macro not defined": (
        {"abstracts/alpha.bib": GOOD.replace("{J}", "psy")},
        "abstracts/alpha.bib",
        4,
        "bib entry 'k1': 'psy' is not defined: define it above with @string{psy = {...}}",
    ),
    "macro of another file": (
        {
            "abstracts/alpha.bib": '@string{psy = "Psychological Review"}\n' + GOOD.replace("{J}", "psy"),
            "abstracts/beta.bib": ENTRY.format(key="k2", title="B").replace("{J}", "psy"),
        },
        "abstracts/beta.bib",
        4,
        "bib entry 'k2': 'psy' is not defined",
    ),
    "macro used before its @string": (
        {"abstracts/alpha.bib": GOOD.replace("{J}", "psy") + '@string{psy = "P"}\n'},
        "abstracts/alpha.bib",
        4,
        "'psy' is not defined",
    ),
    "preamble": (
        {"abstracts/alpha.bib": GOOD + '\n@preamble{"\\makeatletter\\input{/etc/passwd}"}\n'},
        "abstracts/alpha.bib",
        8,
        "@preamble is not allowed: it puts LaTeX code into the book",
    ),
    "entry type typo": (
        {"abstracts/alpha.bib": GOOD.replace("@article", "@artcle")},
        "abstracts/alpha.bib",
        1,
        "unknown entry type '@artcle' (did you mean 'article'?)",
    ),
    "entry type unknown": (
        {"abstracts/alpha.bib": "\n" + GOOD.replace("@article", "@script")},
        "abstracts/alpha.bib",
        2,
        "unknown entry type '@script': use one of article, book",
    ),
    "doi not a doi": (
        {"abstracts/alpha.bib": misc("  doi = {see the paper}")},
        "abstracts/alpha.bib",
        3,
        "field 'doi': 'see the paper' is not a DOI",
    ),
    "doi as a script": (
        {"abstracts/alpha.bib": misc("  doi = {javascript:alert(1)}")},
        "abstracts/alpha.bib",
        3,
        "field 'doi': 'javascript:alert(1)' is not a DOI",
    ),
    "url javascript": (
        {"abstracts/alpha.bib": misc("  year = 2020,\n  url = {javascript:alert(document.cookie)}")},
        "abstracts/alpha.bib",
        4,
        "field 'url': 'javascript:' addresses are not allowed",
    ),
    "url data": (
        {"abstracts/alpha.bib": misc('  url = "data:text/html,<script>alert(1)</script>"')},
        "abstracts/alpha.bib",
        3,
        "field 'url': 'data:' addresses are not allowed",
    ),
    "url file": (
        {"abstracts/alpha.bib": misc("  URL = {file:///etc/passwd}")},
        "abstracts/alpha.bib",
        3,
        "field 'url': 'file:' addresses are not allowed",
    ),
    "url relative": (
        {"abstracts/alpha.bib": misc("  url = {../conf.py}")},
        "abstracts/alpha.bib",
        3,
        "is not a full address",
    ),
    "eprint address": (
        {"abstracts/alpha.bib": misc("  eprint = {vbscript:msgbox(1)}")},
        "abstracts/alpha.bib",
        3,
        "field 'eprint': 'vbscript:' addresses are not allowed",
    ),
    "howpublished url": (
        {"abstracts/alpha.bib": misc("  howpublished = {\\url{javascript:alert(1)}}")},
        "abstracts/alpha.bib",
        3,
        "field 'howpublished': \\url{...}: 'javascript:' addresses are not allowed",
    ),
    "url in a title": (
        {"abstracts/alpha.bib": misc("  note = {x},\n  series = {\\url{https://example.org}}")},
        "abstracts/alpha.bib",
        4,
        "'\\url' is not allowed in a bib field (field 'series')",
    ),
    "input in a title": (
        {"abstracts/alpha.bib": GOOD.replace("A paper", "A \\input{/etc/passwd} paper")},
        "abstracts/alpha.bib",
        3,
        "'\\input' is not allowed in a bib field (field 'title'): fields are data, not LaTeX code",
    ),
    "def in a macro": (
        {"abstracts/alpha.bib": '@string{evil = "\\def\\x{y}"}\n' + GOOD.replace("{J}", "evil")},
        "abstracts/alpha.bib",
        5,
        "'\\def' is not allowed in a bib field (field 'journal')",
    ),
    "command typo": (
        {"abstracts/alpha.bib": GOOD.replace("A paper", "A \\emhp{new} paper")},
        "abstracts/alpha.bib",
        3,
        "'\\emhp' is not allowed in a bib field (field 'title') (did you mean 'emph'?)",
    ),
    "command in math": (
        {"abstracts/alpha.bib": GOOD.replace("A paper", "On $\\input{x}$")},
        "abstracts/alpha.bib",
        3,
        "bib entry 'k1': field 'title': '\\input' is not allowed in math",
    ),
    "dollar never closed": (
        {"abstracts/alpha.bib": GOOD.replace("A paper", "A 5$ paper")},
        "abstracts/alpha.bib",
        3,
        "a '$' in field 'title' is never closed: write \\$ for a dollar sign",
    ),
    "control character": (
        {"abstracts/alpha.bib": GOOD.replace("{J}", "{J\x1b[31m}")},
        "abstracts/alpha.bib",
        4,
        "bib entry 'k1': invisible character U+001B",
    ),
    "bidi override": (
        {"abstracts/alpha.bib": "\n" + GOOD.replace("A paper", "A \u202eparep")},
        "abstracts/alpha.bib",
        4,
        "invisible character U+202E (RIGHT-TO-LEFT OVERRIDE): delete it",
    ),
    "field twice": (
        {"abstracts/alpha.bib": GOOD.replace("  year", "  Title = {Other},\n  year")},
        "abstracts/alpha.bib",
        5,
        "bib entry 'k1': field 'title' is given twice",
    ),
    "too many authors": (
        {"abstracts/alpha.bib": GOOD.replace("Doe, Jane", "A and " * 100 + "B")},
        "abstracts/alpha.bib",
        2,
        "field 'author': over 100 names: give the first ones, then 'and others'",
    ),
    "article without author": (
        {"abstracts/alpha.bib": "\n" + GOOD.replace("  author = {Doe, Jane},\n", "")},
        "abstracts/alpha.bib",
        2,
        "bib entry 'k1': @article entries need the field 'author': add it, or make the entry a @misc",
    ),
    "article with empty author": (
        {"abstracts/alpha.bib": GOOD.replace("Doe, Jane", "")},
        "abstracts/alpha.bib",
        1,
        "@article entries need the field 'author'",
    ),
    "book without publisher": (
        {"abstracts/alpha.bib": GOOD.replace("@article", "@book").replace("journal", "note")},
        "abstracts/alpha.bib",
        1,
        "@book entries need the field 'publisher'",
    ),
    "bad author list": (
        {"abstracts/alpha.bib": GOOD.replace("Doe, Jane", "Doe, Jane, Jr, X")},
        "abstracts/alpha.bib",
        2,
        "field 'author': Too many commas",
    ),
    "too many entries": (
        {
            "abstracts/alpha.bib": "".join(
                f"@misc{{k{i},\n  title = {{W{i}}}\n}}\n" for i in range(MAX_BIB_ENTRIES + 5)
            )
        },
        "abstracts/alpha.bib",
        3 * MAX_BIB_ENTRIES + 1,
        f"more than {MAX_BIB_ENTRIES} entries in one bib file",
    ),
    "key differs in one file": (
        {"abstracts/alpha.bib": GOOD + "\n" + GOOD.replace("A paper", "Another")},
        "abstracts/alpha.bib",
        8,
        "bib key 'k1' in abstracts/alpha.bib:8 differs from the entry in abstracts/alpha.bib:1: cite it under another key",
    ),
    "key differs in one file, case of the key": (
        {"abstracts/alpha.bib": GOOD + "\n" + GOOD.replace("k1", "K1").replace("2020", "2021")},
        "abstracts/alpha.bib",
        8,
        "bib key 'K1' in abstracts/alpha.bib:8 differs from the entry in abstracts/alpha.bib:1: cite it under another key, or delete one of the two",
    ),
    # bib keys belong to their talk: a talk cites its own file's keys (and the organizers' shared ones)
    "another talk's key": (
        {"abstracts/alpha.md": talk("k1"), "abstracts/beta.bib": GOOD},
        "abstracts/alpha.md",
        8,
        "cited key 'k1' is in no .bib file: add the entry to the talk's .bib file",
    ),
    "another talk's key, as organizer pages cite it": (
        {"abstracts/alpha.md": talk("beta/k1"), "abstracts/beta.bib": GOOD},
        "abstracts/alpha.md",
        8,
        "cited key 'beta/k1' is in no .bib file: add the entry",
    ),
    "own key misspelt": (
        {
            "abstracts/alpha.md": talk("smith2021"),
            "abstracts/alpha.bib": GOOD.replace("k1", "smith2020"),
            "abstracts/beta.bib": GOOD.replace("k1", "smith2021x"),
        },
        "abstracts/alpha.md",
        8,
        "cited key 'smith2021' is in no .bib file (did you mean 'smith2020'?): add the entry",
    ),
}


# The cases are built together, once as make html and once as make check: each under talk ids
# of its own, '<id>' for the test root's talk alpha, '<id>-b' for beta (a talk's .bib file comes
# with its talk page, as alpha.bib with alpha.md).
ROOT_TALKS = {
    name: (ROOT / f"tests/roots/test-schedule/abstracts/{name}.md").read_text() for name in ("alpha", "beta")
}


def case_id(prefix: str, name: str) -> str:
    return f"{prefix}-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def renamed(own: str, text: str) -> str:
    """The test root's talks 'alpha' and 'beta' renamed '<own>' and '<own>-b' (their files, the
    messages that name them, a citation 'beta/k1' of another talk's entry)."""
    return re.sub(r"\b(alpha|beta)(?=[./])", lambda m: own if m[1] == "alpha" else f"{own}-b", text)


def placed(own: str, files: dict[str, str], *located) -> tuple[dict[str, str], ...]:
    """A case's files (and its file, line, message) under the talk ids '<own>' and '<own>-b'."""
    out = {
        renamed(own, rel): renamed(own, text) if isinstance(text, str) else text
        for rel, text in files.items()
    }
    for rel in list(out):
        page = rel.removesuffix(".bib") + ".md"
        if rel.endswith(".bib") and page not in out:
            out[page] = ROOT_TALKS["beta" if page.endswith("-b.md") else "alpha"]
    return (out, *(renamed(own, x) if isinstance(x, str) else x for x in located))


REFUSED = {case_id("rb", name): placed(case_id("rb", name), *CASES[name]) for name in CASES}
# The real build, with the talk citing the refused entry (sphinxcontrib-bibtex crashed on some)
REAL = ["string without '='", "article without author", "preamble", "url javascript"]
REFUSED |= {
    case_id("real", name): placed(
        case_id("real", name), {**CASES[name][0], "abstracts/alpha.md": talk("k1")}, *CASES[name][1:]
    )
    for name in REAL
}
SECRET = "@misc{k1,\n  title = {TOPSECRET}\n}\n"
# Links and folders where a bib file should be (ids of their own; made by the fixture)
LINKED = {
    "abstracts/ln-secret.bib": "@SECRET@",  # a file outside the project
    "abstracts/ln-conf.bib": "@CONF@",  # the project's conf.py
    "abstracts/ln-host.bib": "/etc/hostname" if Path("/etc/hostname").exists() else "/etc/passwd",
}
LINK_PAGES = {
    "abstracts/ln-secret.md": talk("k1"),
    "abstracts/ln-conf.md": ROOT_TALKS["beta"],
    "abstracts/ln-host.md": ROOT_TALKS["alpha"],
    "abstracts/ln-folder.md": ROOT_TALKS["alpha"],
}


@pytest.fixture(scope="module")
def refused(tmp_path_factory) -> Batch:
    """Every refused case, the real-build cases and the links, in one project: built once."""
    base = tmp_path_factory.mktemp("refused")
    root = base / "schedule"
    shutil.copytree(ROOT / "tests/roots/test-schedule", root)
    for files, *_ in REFUSED.values():
        write_files(root, files)
    write_files(root, LINK_PAGES)
    (base / "secret.bib").write_text(SECRET)
    for rel, target in LINKED.items():
        os.symlink(
            target.replace("@SECRET@", str(base / "secret.bib")).replace("@CONF@", str(root / "conf.py")),
            root / rel,
        )
    (root / "abstracts/ln-folder.bib").mkdir()
    return build_batch(root)


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_bib(refused, case):
    _files, file, line, message = REFUSED[case_id("rb", case)]
    refused.assert_located(file, line, message)
    assert "Traceback" not in refused.build.output and "Exception" not in refused.build.output


def test_the_refused_cases_built_together_say_nothing_else(refused):
    """No case's message lands on another file, no traceback: the cases did not interfere."""
    files = {rel for files, *_ in REFUSED.values() for rel in files} | set(LINKED) | set(LINK_PAGES)
    assert refused.unexpected(files | {"abstracts/ln-folder.bib"}) == []
    assert "Traceback" not in refused.build.output and "Exception" not in refused.build.output


@pytest.mark.parametrize(
    "command",
    [
        "\\input{x}",
        "\\include{x}",
        "\\def\\a{b}",
        "\\write18{ls}",
        "\\immediate",
        "\\special{pdf:x}",
        "\\csname x\\endcsname",
        "\\catcode`\\@=11",
        "\\openin1=x",
        "\\read1 to\\x",
        "\\newcommand{\\x}{y}",
        "\\let\\a\\b",
        "\\end{document}",
        "\\loop",
        "\\href{javascript:x}{y}",
        "\\url{https://x.org}",
        "\\makeatletter",
        "\\usepackage{x}",
        "\\expandafter",
        "\\noexpand",
        "\\catcode`\\^^M=13",
        "\\cite{x}",
    ],
)
def test_latex_commands_are_refused(command):
    text = GOOD.replace("A paper", f"A {command} paper")
    entries, problems = read_bib(text, "abstracts/alpha.bib")
    assert entries == []
    assert [(p.location, "is not allowed in a bib field (field 'title')" in p.message) for p in problems] == [
        ("abstracts/alpha.bib:3", True)
    ]


def test_math_in_a_field_is_kept_limited():
    title = "An $\\ell_1$ and $\\mathcal{O}(n^2)$ bound, 5\\$"
    entries, problems = read_bib(GOOD.replace("A paper", title), "abstracts/alpha.bib")
    assert problems == []
    pieces = decode(dict(entries[0].fields)["title"].replace("{", "").replace("}", ""))
    assert [p for p in pieces if p[0] == "math"] == [
        ("math", "\\ell_1", None),
        ("math", "\\mathcal{O}(n^2)", None),
    ]
    assert "".join(p[1] for p in pieces if p[0] == "text") == "An  and  bound, 5$"


@pytest.mark.parametrize(
    ("written", "shown"),
    [("a\\\\b", "a b"), ("a\\-b", "ab"), ("x\\,y", "x\u2009y"), ("a\\/b", "ab"), ("A {\\TeX} b", "A TeX b")],
)
def test_spacing_commands_are_text(written, shown):
    """Line breaks, soft hyphens and thin spaces are typography, not code: shown as text."""
    entries, problems = read_bib(GOOD.replace("A paper", written), "abstracts/alpha.bib")
    assert problems == []
    assert plain(dict(entries[0].fields)["title"]) == shown


@pytest.mark.parametrize("case", REAL)
def test_fails_the_real_build_in_one_line(refused, case):
    """A malformed @string and a missing required field crashed sphinxcontrib-bibtex (traceback)."""
    _files, file, line, message = REFUSED[case_id("real", case)]
    build = refused.build
    assert build.returncode != 0
    assert "Traceback" not in build.output and "Exception occurred" not in build.output
    assert any(w.startswith(f"{file}:{line}: WARNING: ") and message in w for w in build.output.splitlines())


# --------------------------------------------------------------------------- valid BibTeX works


def _page(app, name: str) -> str:
    return (Path(app.outdir) / f"abstracts/{name}.html").read_text(encoding="utf-8")


# Valid BibTeX, each case under talk ids of its own ('<id>', '<id>-b'), built together once: the
# build must say nothing at all, and each talk shows its own references.
MACROS_BIB = (
    '@string{psy = "Psychological Review"}\n@STRING(ed = {Ada})\n'
    "@article{k1,\n  author = ed # { Lovelace},\n  title = {On engines},\n"
    '  journal = psy # " Letters",\n  year = 1843,\n  month = oct\n}\n'
)
DOIS = [
    "https://doi.org/10.1137/07070111X",
    "http://dx.doi.org/10.1137/07070111X",
    "doi:10.1137/07070111X",
    "DOI: 10.1137/07070111X",
    "{10.1137/07070111X}",
    "10.1137/07070111X",
]
ACCENTS_BIB = (
    "@online{k1,\n  author = {M{\\\"u}ller, J{\\'e}r{\\^o}me and Gar\\c{c}on, Fran\\c{c}ois and "
    "{\\O}stergaard, {\\AA}sa and Stra{\\ss}er, {\\L}ukasz},\n"
    "  title = {\\emph{Sparse} \\textbf{and} \\TeX{} \\& {PCA}: 50\\% faster~now},\n"
    "  year = 2024,\n  url = {https://example.org/a\\_b?x=1},\n"
    "  howpublished = {\\url{https://example.org/page}}\n}\n"
    "@conference{k2,\n  author = {Doe, Jane},\n  title = {Proc paper},\n  booktitle = {Proc},\n  year = 2020\n}\n"
)
VALID = {
    "vb-macros": {"abstracts/alpha.bib": MACROS_BIB, "abstracts/alpha.md": talk("k1")},
    "vb-own-macros": {
        "abstracts/alpha.bib": '@string{jr = "Journal of Alpha"}\n' + GOOD.replace("{J}", "jr"),
        "abstracts/beta.bib": '@string{jr = "Beta Letters"}\n@string{oct = "Octobre"}\n'
        + ENTRY.format(key="k2", title="B paper")
        .replace("{J}", "jr")
        .replace("year", "month = oct,\n  year"),
        "abstracts/alpha.md": talk("k1"),
        "abstracts/beta.md": talk("k2", "Beta talk").replace("[ada]", "[ada, bob]"),
    },
    "vb-accents": {
        "abstracts/alpha.bib": ACCENTS_BIB,
        "abstracts/alpha.md": talk("k1").replace("{footcite}`k1`", "{footcite}`k1,k2`"),
    },
} | {
    f"vb-doi-{i}": {
        "abstracts/alpha.bib": GOOD.replace("  year", f"  doi = {{{written}}},\n  year"),
        "abstracts/alpha.md": talk("k1"),
    }
    for i, written in enumerate(DOIS)
}
VALID = {own: placed(own, files)[0] for own, files in VALID.items()}


@pytest.fixture(scope="module")
def valid(tmp_path_factory) -> Batch:
    root = tmp_path_factory.mktemp("valid") / "schedule"
    shutil.copytree(ROOT / "tests/roots/test-schedule", root)
    for files in VALID.values():
        write_files(root, files)
    return build_batch(root)


def valid_page(valid: Batch, own: str) -> str:
    """The case's talk page, after checking that the build said nothing about its files."""
    for rel in VALID[own]:
        assert valid.about(rel) == [], valid.about(rel)
        assert [p for p in valid.check if p.startswith(f"{rel}:")] == []
    return valid.build.page(f"abstracts/{own}.html")


def test_valid_bibtex_builds_without_a_word(valid):
    assert valid.build.returncode == 0, valid.build.output[-3000:]
    assert "WARNING" not in valid.build.output, valid.build.output
    assert valid.check == []


def test_string_macros_concatenation_and_months(valid):
    page = valid_page(valid, "vb-macros")
    assert "Psychological Review Letters" in page
    assert "Ada Lovelace" in page
    assert "October 1843" in page


def test_a_macro_never_changes_another_files_references(valid):
    """Two files define the same macro name differently: each file's entries get their own."""
    alpha, beta = valid_page(valid, "vb-own-macros"), valid.build.page("abstracts/vb-own-macros-b.html")
    assert "Journal of Alpha" in alpha and "Beta Letters" not in alpha
    assert "Beta Letters" in beta and "Journal of Alpha" not in beta
    assert "Octobre 2020" in beta
    assert not [p for p in valid.check if p.startswith("abstracts/vb-own-macros")]


@pytest.mark.parametrize("index", range(len(DOIS)), ids=DOIS)
def test_doi_is_normalised(valid, index):
    page = valid_page(valid, f"vb-doi-{index}")
    assert 'href="https://doi.org/10.1137/07070111X"' in page
    assert "doi.org/http" not in page and "doi.org/doi" not in page.lower().replace("doi.org/10", "")


def test_accents_formatting_and_types_are_allowed(valid):
    page = valid_page(valid, "vb-accents")
    assert "Müller" in page and "Garçon" in page and "Øster" in page and "Straßer" in page
    # pybtex shows no formatting command: the merged file holds their text
    assert "Sparse and TeX &amp; PCA: 50% faster" in page and "\\emph" not in page
    assert 'href="https://example.org/a_b?x=1"' in page
    assert "Proc paper" in page


def test_shared_key_compares_by_content(build_root, rootdir, tmp_path):
    """The organizers' shared files (bibtex_bibfiles) hold one work under one key: the same work
    in two of them, fields in another order, other spacing and name case, is one entry."""
    reordered = (
        '@ARTICLE{k1,\n    YEAR={2020}, Journal = "J",\n title   =   {A   paper},\n Author={Doe, Jane}}\n'
    )
    root = tmp_path / "schedule"
    shutil.copytree(rootdir / "test-schedule", root)
    (root / "refs").mkdir()
    conf = (root / "conf.py").read_text().replace("bibtex_bibfiles: list[str] = []", SHARED_CONF)
    files = {
        "conf.py": conf,
        "refs/alpha.bib": GOOD,
        "refs/beta.bib": "% the same work\n" + reordered,
        "abstracts/alpha.md": talk("k1"),
        "abstracts/beta.md": talk("k1", "Beta talk").replace("[ada]", "[ada, bob]"),
    }
    app, warnings = build_root("schedule", files)
    assert "WARNING" not in warnings, warnings
    assert "A paper" in _page(app, "beta") and "A paper" in _page(app, "alpha")
    assert check_project(tmp_path / "schedule") == []


# --------------------------------------------------------------------------- pull requests


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.org",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        cwd=root,
        check=True,
        capture_output=True,
    )


def _repo(root: Path, base: dict[str, str], added: dict[str, str]) -> Path:
    """A project whose base branch ('base') has the files ``base``; ``added`` is being added."""
    require_tool("git", "the base branch tells which bib file is new")
    write_files(root, base)
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "base")
    _git(root, "branch", "base")
    write_files(root, added)
    return root


SHARED_CONF = 'bibtex_bibfiles = ["refs/alpha.bib", "refs/beta.bib"]'


@pytest.fixture
def repo_with_base(rootdir, tmp_path):
    """The organizers' shared files (bibtex_bibfiles): the base branch has refs/beta.bib;
    refs/alpha.bib, with another work under its key, is being added."""
    root = tmp_path / "schedule"
    shutil.copytree(rootdir / "test-schedule", root)
    (root / "refs").mkdir()
    conf = (root / "conf.py").read_text().replace("bibtex_bibfiles: list[str] = []", SHARED_CONF)
    base = {"conf.py": conf, "refs/beta.bib": GOOD}
    return _repo(root, base, {"refs/alpha.bib": "\n" + GOOD.replace("A paper", "My paper")})


def test_conflict_blames_the_file_being_added(build_root, repo_with_base, monkeypatch):
    monkeypatch.setenv("WORKSHOP_BASE", "base")
    expected = (
        "refs/alpha.bib:2: bib key 'k1' in refs/alpha.bib:2 differs from the entry in "
        "refs/beta.bib:1 (refs/alpha.bib is the file being added; refs/beta.bib is already "
        "on base): cite it under another key, or copy that entry unchanged"
    )
    assert [str(p) for p in check_project(repo_with_base)] == [expected]
    _app, warnings = build_root("schedule")
    assert expected.replace(":2: ", ":2: WARNING: ", 1) in warnings, warnings
    assert "refs/beta.bib:1: WARNING" not in warnings


def test_conflict_without_a_base_names_both_files(repo_with_base, monkeypatch):
    monkeypatch.setenv("WORKSHOP_BASE", "no-such-branch")
    assert [str(p) for p in check_project(repo_with_base)] == [
        "refs/beta.bib:1: bib key 'k1' in refs/beta.bib:1 differs from the entry in "
        "refs/alpha.bib:2: cite it under another key, or copy that entry unchanged"
    ]


def test_files_in_base(repo_with_base, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_BASE", "base")
    files = files_in_base(repo_with_base)
    assert "refs/beta.bib" in files and "refs/alpha.bib" not in files
    # relative to the project when it is a folder of the repository
    assert "beta.bib" in files_in_base(repo_with_base / "refs")
    monkeypatch.setenv("WORKSHOP_BASE", "no-such-branch")
    assert files_in_base(repo_with_base) is None
    monkeypatch.setenv("WORKSHOP_BASE", "--output=/tmp/x")
    assert files_in_base(repo_with_base) is None
    monkeypatch.delenv("WORKSHOP_BASE")
    assert files_in_base(repo_with_base) is None  # no origin/main here
    plain = tmp_path / "not-a-repo"
    plain.mkdir()
    assert files_in_base(plain) is None
    monkeypatch.setenv("PATH", str(plain))  # no git at all
    assert files_in_base(repo_with_base) is None


def test_two_pull_requests_with_one_key_merge(build_root, rootdir, tmp_path, monkeypatch):
    """Two contributions, each with its own work under the key 'k1': the one on the base branch
    and the one being added both pass, and each talk shows its own work."""
    root = tmp_path / "schedule"
    shutil.copytree(rootdir / "test-schedule", root)
    beta = {
        "abstracts/beta.bib": GOOD,
        "abstracts/beta.md": talk("k1", "Beta talk").replace("[ada]", "[ada, bob]"),
    }
    alpha = {
        "abstracts/alpha.bib": "\n" + GOOD.replace("A paper", "My paper"),
        "abstracts/alpha.md": talk("k1"),
    }
    _repo(root, beta, alpha)
    for base in ("base", "no-such-branch"):
        monkeypatch.setenv("WORKSHOP_BASE", base)
        assert check_project(root) == []
    app, warnings = build_root("schedule")
    assert "WARNING" not in warnings, warnings
    assert "My paper" in _page(app, "alpha") and "A paper" not in _page(app, "alpha")
    assert "A paper" in _page(app, "beta") and "My paper" not in _page(app, "beta")


def test_talk_keys_are_named_by_their_talk_in_the_merged_file():
    """The merged file sphinxcontrib-bibtex reads: '<id>/<key>' for a talk's entry (DBLP's ':'
    and '/' kept), a shared file's keys as written; one file's own duplicate is still refused."""
    dblp = "DBLP:journals/corr/abs-2106-09685"
    merged, entries, problems = merge(
        [
            ("refs.bib", GOOD.replace("k1", "shared1")),
            ("abstracts/alpha.bib", GOOD + ENTRY.format(key=dblp, title="LoRA")),
            ("abstracts/beta.bib", GOOD.replace("A paper", "Another")),
        ],
        talks={"abstracts/alpha.bib": "alpha", "abstracts/beta.bib": "beta"},
    )
    assert problems == []
    assert sorted(entries) == ["alpha/DBLP:journals/corr/abs-2106-09685", "alpha/k1", "beta/k1", "shared1"]
    assert entries["alpha/k1"].key == "k1" and entries["beta/k1"].file == "abstracts/beta.bib"
    assert "@article{alpha/k1," in merged and "@article{shared1," in merged
    _merged, _entries, problems = merge(
        [("abstracts/alpha.bib", GOOD + "\n" + GOOD.replace("A paper", "Another"))],
        talks={"abstracts/alpha.bib": "alpha"},
    )
    assert [str(p) for p in problems] == [
        "abstracts/alpha.bib:8: bib key 'k1' in abstracts/alpha.bib:8 differs from the entry in "
        "abstracts/alpha.bib:1: cite it under another key, or delete one of the two"
    ]


def test_a_shared_key_named_as_a_talks_entry_is_refused():
    _merged, entries, problems = merge(
        [
            ("abstracts/alpha.bib", GOOD),
            ("refs.bib", "\n" + GOOD.replace("k1", "alpha/k1").replace("2020", "2021")),
        ],
        talks={"abstracts/alpha.bib": "alpha"},
    )
    assert [str(p) for p in problems] == [
        "refs.bib:2: bib key 'alpha/k1' in refs.bib:2 is the name the entry 'k1' of abstracts/alpha.bib:1 "
        "is cited under from other pages: rename it"
    ]
    assert entries["alpha/k1"].file == "abstracts/alpha.bib"


# --------------------------------------------------------------------------- links


def test_linked_bib_is_refused_and_not_read(refused):
    for name in ("ln-secret", "ln-conf"):
        refused.assert_located(f"abstracts/{name}.bib", 1, "the bib file must be a regular file, not a link")
    assert "Traceback" not in refused.build.output
    assert "TOPSECRET" not in refused.build.page("abstracts/ln-secret.html")
    merged = refused.build.outdir / ".doctrees/workshop-references.bib"
    assert "k1" in merged.read_text() and "TOPSECRET" not in merged.read_text()
    assert (
        "abstracts/ln-secret.bib:1: the bib file must be a regular file, not a link: copy the references into it"
        in refused.check
    )


def test_bib_under_a_linked_folder_is_refused(build_root, rootdir, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "refs.bib").write_text(GOOD)
    root = tmp_path / "schedule"
    shutil.copytree(rootdir / "test-schedule", root)
    os.symlink(elsewhere, root / "refs")
    conf = (
        (root / "conf.py")
        .read_text()
        .replace("bibtex_bibfiles: list[str] = []", 'bibtex_bibfiles = ["refs/refs.bib"]')
    )
    _app, warnings = build_root("schedule", {"conf.py": conf})
    assert "refs/refs.bib:1: WARNING: the bib file must be a regular file, not a link" in warnings, warnings
    assert any(str(p).startswith("refs/refs.bib:1: the bib file must be") for p in check_project(root))


def test_linked_bib_fails_the_real_build_without_a_traceback(refused):
    """A symlinked .bib crashed every build of the site."""
    build = refused.build
    assert build.returncode != 0
    assert "Traceback" not in build.output and "Exception occurred" not in build.output
    assert "abstracts/ln-host.bib:1: WARNING: the bib file must be a regular file, not a link" in build.output


def test_folder_named_bib_is_refused(refused):
    assert "abstracts/ln-folder.bib:1: WARNING: the bib file must be a regular file" in refused.build.output
    assert [p for p in refused.check if p.startswith("abstracts/ln-folder.")] == [
        "abstracts/ln-folder.bib:1: the bib file must be a regular file"
    ]


# --------------------------------------------------------------------------- bounded work


def test_80000_tiny_entries_are_refused_fast():
    text = "@misc{k,}\n" * 80_000  # 800,000 characters: under the size limit
    assert len(text) < 1_000_000
    start = time.process_time()
    _merged, entries, problems = merge([("abstracts/alpha.bib", text)])
    elapsed = time.process_time() - start
    assert elapsed < 0.25, elapsed
    assert entries == {}
    assert [str(p) for p in problems] == [
        f"abstracts/alpha.bib:{MAX_BIB_ENTRIES + 1}: more than {MAX_BIB_ENTRIES} entries in one bib file: "
        "keep only the works it cites"
    ]


ADVERSARIAL = {
    # name: (text of about 1 MB, message part)
    "entries never closed": ("@misc{" * 160_000, "is never closed"),
    "deep braces": (
        "@misc{k,\n title = " + "{" * 450_000 + "}" * 450_000 + "\n}\n",
        "more than 20,000 fields, braces",
    ),
    "nested braces": (
        "@misc{k,\n title = " + "{" * 150 + "}" * 150 + "\n}\n" + "% " + "x" * 990_000,
        "too many nested braces",
    ),
    "at signs": ("@" * 990_000, None),
    "long type name": ("@" + "a" * 990_000, None),
    "accents": ("@misc{k,\n title = {" + "\\'e" * 330_000 + "}\n}\n", None),
    "commands": (
        "@misc{k,\n title = {" + "\\emph{x}" * 120_000 + "}\n}\n",
        "more than 20,000 fields, braces",
    ),
    "dollars": ("@misc{k,\n title = {" + "$\\alpha$" * 120_000 + "}\n}\n", None),
    "concatenations": (
        "@misc{k,\n title = " + "{a} # " * 160_000 + "{b}\n}\n",
        "more than 20,000 fields, braces",
    ),
    "fields": ("@misc{k,\n" + "a = {b},\n" * 110_000 + "}\n", "more than 20,000 fields, braces"),
    "fields in many entries": (
        "".join(f"@misc{{k{i},\n" + "a = {b},\n" * 30 + "}\n" for i in range(200)),
        "given twice",
    ),
    "author list": ("@misc{k,\n author = {" + "A and " * 160_000 + "B}\n}\n", "over 100 names"),
    "author lists": (
        "".join(f"@misc{{k{i},\n author = {{{'A and ' * 99}B}}\n}}\n" for i in range(200)),
        "over 2,000 names in the file",
    ),
    "a shape per entry": (
        "".join(f"@misc{{k{i},\n title = {{x}},\n shape{i} = {{y}}\n}}\n" for i in range(200)),
        None,
    ),
    "strings": ("@string{a = {" + "x" * 990_000 + "}}\n", None),
    "doi": ("@misc{k,\n doi = {10.1000/" + "x" * 990_000 + "}\n}\n", None),
}


@pytest.mark.parametrize("case", sorted(ADVERSARIAL))
def test_adversarial_bib_is_checked_in_under_a_second(case):
    text, message = ADVERSARIAL[case]
    assert len(text) <= 1_000_000
    start = time.process_time()
    _merged, _entries, problems = merge([("abstracts/alpha.bib", text)])
    elapsed = time.process_time() - start
    assert elapsed < 1.0, elapsed
    if message:
        assert any(message in p.message for p in problems), problems


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (GOOD.replace("{A paper},", "{A paper}"), 3),
        (GOOD.replace("{A paper},", '"A paper"\n'), 3),  # a blank line before the next field
        (GOOD.replace("{J},", "{J}"), 4),
        ("@misc{k1,\n  year = 2020\n  title = {A work}\n}\n", 2),
    ],
)
def test_missing_comma_is_named_at_its_line(text, line):
    _entries, problems = read_bib(text, "a.bib")
    assert [(p.line, p.message) for p in problems] == [
        (
            line,
            f"bib entry 'k1': a comma is missing at the end of line {line}? (each field but the last has one)",
        )
    ]


def test_other_syntax_errors_keep_the_parsers_words():
    _entries, problems = read_bib(GOOD.replace("{J},", "{J}, x y,"), "a.bib")
    assert len(problems) == 1 and "comma is missing" not in problems[0].message
