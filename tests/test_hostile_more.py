"""More of the hostile-submission suite (issue 13 follow-up): holes found after the gate landed.

Built as CI builds them (tests/test_hostile.py's project, limits and checks): directive options
that make Sphinx allocate without bound, links to host folders under the contributor folders,
element ids that collide with the theme's, and messages that said the wrong thing.
"""

from __future__ import annotations

import os
import re
import time

import pytest
from hostile_payloads import Case, speaker, talk
from sphinx_workshop_site.cli import check_project
from test_hostile import assert_located, assert_sound, build, html_harms, make_project

OUTSIDE = "host-only-name-7f3a"  # a folder outside the project; its paths must never be printed


@pytest.fixture(scope="module")
def linked_folders(tmp_path_factory):
    """Links to folders outside the project, at the top of the contributor folders and inside a
    contributor's own folder, and a link to '/'."""
    base = tmp_path_factory.mktemp("links")
    outside = base / OUTSIDE
    (outside / "deeper" / "deepest").mkdir(parents=True)
    for folder in (outside, outside / "deeper", outside / "deeper" / "deepest"):
        (folder / f"{OUTSIDE}-page.md").write_text("# Host page\n", encoding="utf-8")
    root = make_project(base, {})
    os.symlink(outside, root / "abstracts" / "x-dir")
    os.symlink("/", root / "speakers" / "root-dir")
    (root / "abstracts" / "alpha").mkdir()
    os.symlink(outside / "deeper", root / "abstracts" / "alpha" / "figures")
    os.symlink(outside / f"{OUTSIDE}-page.md", root / "abstracts" / "alpha" / "linked.md")
    return build(root)


def test_a_linked_folder_is_reported_once_and_never_walked(linked_folders):
    result = linked_folders
    assert_sound(result)
    assert result.returncode == 1
    for rel in (
        "abstracts/x-dir",
        "speakers/root-dir",
        "abstracts/alpha/figures",
        "abstracts/alpha/linked.md",
    ):
        lines = [
            line for line in result.output.splitlines() if f"{rel} is a link: add the file itself" in line
        ]
        assert len(lines) == 1 and lines[0].startswith(f"{rel}:1: WARNING"), (rel, result.output[-3000:])
    assert OUTSIDE not in result.output, result.output[-3000:]
    assert "/proc" not in result.output and "/usr" not in result.output
    assert not any(OUTSIDE in str(path) for path in (result.root / "_build").rglob("*"))


def test_check_reports_the_linked_folders(linked_folders):
    problems = [str(p) for p in check_project(linked_folders.root)]
    assert any(p.startswith("abstracts/x-dir:1: abstracts/x-dir is a link") for p in problems), problems
    assert not any(OUTSIDE in p for p in problems), problems


# ---------------------------------------------------------------------------- directive options

CODE = "x = 1\ny = 2\n"


def fenced(options: str, directive: str = "code-block", argument: str = "python", body: str = CODE) -> str:
    """A directive on line 7 of a talk page, its options from line 8 on."""
    return f"```{{{directive}}} {argument}\n{options}\n{body}```"


OPTIONS = {
    "emphasize 60 million lines": Case(
        {"abstracts/opt-huge.md": talk(fenced(":emphasize-lines: 1-60000000"))},
        [("abstracts/opt-huge.md", 8, "':emphasize-lines:' of '{code-block}' names lines 1-60000000")],
    ),
    "many ranges, each in bounds": Case(  # 8 kB: within the paragraph budget (budgets.py)
        {"abstracts/opt-many.md": talk(fenced(":emphasize-lines: " + ",".join(["1-2"] * 2000)))},
        [("abstracts/opt-many.md", 8, "names more lines than the block has (2)")],
    ),
    "a huge start line": Case(
        {"abstracts/opt-start.md": talk(fenced(":linenos:\n:lineno-start: 99999999999"))},
        [("abstracts/opt-start.md", 9, "':lineno-start:' of '{code-block}' is 99999999999")],
    ),
    "a theme class (checked on the doctree)": Case(
        {"abstracts/opt-class.md": talk(fenced(":class: fixed-top"))},
        [("abstracts/opt-class.md", 8, "class 'fixed-top' is not allowed")],
    ),
    "a figure class and an embedded image": Case(
        {
            "abstracts/opt-fig.md": talk(
                fenced(":figclass: modal show\n:loading: embed", "figure", "opt-fig-a.png", "Cap\n")
            )
        },
        [
            ("abstracts/opt-fig.md", 8, "class 'modal' is not allowed"),
            ("abstracts/opt-fig.md", 9, "option ':loading:' is not allowed on '{figure}'"),
        ],
    ),
    "dedent past the indentation": Case(
        {"abstracts/opt-dedent.md": talk(fenced(":dedent: 4", body="  x = 1\n"))},
        [
            (
                "abstracts/opt-dedent.md",
                8,
                "':dedent:' of '{code-block}' is 4, more than the block's indentation (2)",
            )
        ],
    ),
    "math nowrap": Case(
        {"abstracts/opt-math.md": talk(fenced(":nowrap:", "math", "", "x^2\n"))},
        [("abstracts/opt-math.md", 8, "option ':nowrap:' is not allowed on '{math}'")],
    ),
    "a good line spec": Case({"abstracts/opt-good.md": talk(fenced(":emphasize-lines: 2"))}, []),
}


@pytest.fixture(scope="module")
def options_build(tmp_path_factory):
    from hostile_payloads import PNG_1X1

    root = make_project(tmp_path_factory.mktemp("options"), OPTIONS)
    (root / "abstracts" / "opt-fig-a.png").write_bytes(PNG_1X1)
    return build(root)


@pytest.mark.parametrize("name", [n for n in OPTIONS if OPTIONS[n].expect])
def test_a_refused_option_is_located_before_the_directive_runs(options_build, name):
    """Within the memory limit (2 GB: Sphinx's own parse of '1-60000000' needs 2.4 GB), at the
    option's own line, and Sphinx's message with its doubled file name ('zed.md.md') never comes."""
    assert_sound(options_build)
    assert_located(options_build, OPTIONS[name])
    assert options_build.returncode == 1
    assert ".md.md" not in options_build.output and "line number spec" not in options_build.output


def test_a_refused_option_is_dropped_and_a_good_one_kept(options_build):
    out = options_build.outdir / "abstracts"
    assert out.joinpath("opt-good.html").read_text(encoding="utf-8").count('class="hll"') == 1
    huge = out.joinpath("opt-huge.html").read_text(encoding="utf-8")
    assert "hll" not in huge and "x" in huge  # the block is published, without the option
    for page in out.glob("opt-*.html"):
        assert not html_harms(page), html_harms(page)
        assert "data:image" not in page.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------- element ids

IDS_PAGE = talk(
    "[Log in]{#main-content} and [there](https://example.org){#pst-header} and `code`{#codeid}\n\n"
    "## Main content\n\n"
    "(pst-back-to-top)=\n## Third\n\n"
    "(my-label)=\n## Second\n\n"
    "See {ref}`my-label`, {eq}`eq1` and a note[^n].\n\n"
    "$$x$$ (eq1)\n\n"
    "[^n]: A note."
)  # lines: 7 the attrs, 9 a heading, 11 a reserved label, 14 a good label


@pytest.fixture(scope="module")
def ids_build(tmp_path_factory):
    cases = {"ids": Case({"abstracts/ids.md": IDS_PAGE}, [])}
    return build(make_project(tmp_path_factory.mktemp("ids"), cases))


def test_ids_set_by_the_contributor_are_refused_at_their_line(ids_build):
    assert_sound(ids_build)
    assert ids_build.returncode == 1
    for line, message in [
        (7, "an element id ('{#main-content}') is not allowed"),
        (7, "an element id ('{#pst-header}') is not allowed"),
        (7, "an element id ('{#codeid}') is not allowed"),
        (11, "the name 'pst-back-to-top' is taken by the site's page layout"),
    ]:
        assert ids_build.located("abstracts/ids.md", line, message), (line, message, ids_build.output[-3000:])
    assert "Traceback" not in ids_build.output


def test_only_the_parsers_own_ids_are_published(ids_build):
    """What the parser makes stays (headings, labels for {ref}, equations, footnotes); nothing
    takes an id of the page layout; a heading whose slug is one gets the page's prefix."""
    page = (ids_build.outdir / "abstracts" / "ids.html").read_text(encoding="utf-8")
    ids = set(re.findall(r' id="([^"]+)"', page))
    assert not ids & {"main-content", "pst-header", "pst-back-to-top", "codeid"}, ids
    assert {"ids-main-content", "my-label", "second", "third", "equation-eq1"} <= ids, ids
    assert 'href="#my-label"' in page
    assert r"\(\eqref{abstracts:ids:eq1}\)" in page  # {eq}: MathJax writes the link with the number
    assert "Log in" in page and "code" in page  # the text stays, without its id


# ------------------------------------------------------------------------------------- messages

MESSAGES = {
    "a title starting with a bidi control": Case(
        {"abstracts/msg-bidi.md": talk("Text.", title="\u202eEvil title")},
        [("abstracts/msg-bidi.md", 5, "the text holds a bidi control (U+202E): remove it")],
    ),
    "no title at all": Case(
        {"abstracts/msg-untitled.md": "---\nspeakers: [ada]\n---\n\nJust text.\n"},
        [("abstracts/msg-untitled.md", 4, "the talk page has no title")],
    ),
    "a homepage with TeX in it": Case(
        {
            "speakers/msg-eve.md": speaker(
                "affiliation: Inria\nhomepage: https://example.org/}\\input{/etc/hostname}\\def\\x{\n"
            )
        },
        [
            (
                "speakers/msg-eve.md",
                3,
                "'homepage' must be an http:// or https:// address: '}' (character 21) is not allowed in an address",
            )
        ],
    ),
    "a page that is a link": Case(
        {}, [("speakers/msg-linked.md", 1, "not a link")], links={"speakers/msg-linked.md": "@SECRET@"}
    ),
}


@pytest.fixture(scope="module")
def messages_build(tmp_path_factory):
    return build(make_project(tmp_path_factory.mktemp("messages"), MESSAGES))


@pytest.mark.parametrize("name", list(MESSAGES))
def test_each_message_says_what_is_wrong_at_its_line(messages_build, name):
    assert_sound(messages_build)
    assert_located(messages_build, MESSAGES[name])
    assert messages_build.returncode == 1


def test_a_title_with_a_bidi_control_is_still_a_title(messages_build):
    """The control is reported (and dropped), the title is not said to be missing."""
    assert "msg-bidi.md:4: WARNING: the talk page has no title" not in messages_build.output
    assert not [
        line for line in messages_build.output.splitlines() if "msg-bidi" in line and "no title" in line
    ]
    page = (messages_build.outdir / "abstracts" / "msg-bidi.html").read_text(encoding="utf-8")
    assert "Evil title" in page and "\u202e" not in page


def test_a_page_without_a_title_gives_one_message_not_one_per_page(messages_build):
    """Sphinx's 'toctree contains reference to document … that doesn't have a title' came once
    for every page that shows the sidebar, with no location."""
    assert "doesn't have a title" not in messages_build.output, messages_build.output[-3000:]
    untitled = [
        line for line in messages_build.output.splitlines() if "msg-untitled" in line and "WARNING" in line
    ]
    assert len(untitled) == 1, untitled


# ----------------------------------------------------------------------- the checks on their own


@pytest.mark.parametrize(
    ("spec", "lines", "problem"),
    [
        ("1,3-5,7-", 8, None),
        ("-2", 3, None),
        ("1-60000000", 3, "names lines 1-60000000 but the block has 3 line(s)"),
        ("0", 3, "names line 0"),
        ("4-2", 5, "names lines 4-2"),
        ("1-3,2", 3, "names more lines than the block has (3)"),
        ("-", 3, "has a '-' with no line number"),
        ("1;2", 3, "is not a list of lines"),
        ("²", 3, "is not a list of lines"),  # a digit to str.isdigit, not to int()
        ("1" + "0" * 50, 3, "but the block has 3 line(s)"),
    ],
)
def test_line_specs_are_read_without_making_the_list(spec, lines, problem):
    from sphinx_workshop_site.gate.options import line_spec_problem

    found = line_spec_problem(spec, lines)
    assert (found is None) if problem is None else (problem in found), found


@pytest.mark.parametrize("spec", [",".join(["1-2"] * 300_000), "1-" + "9" * 1_000_000, " " * 1_000_000 + "-"])
def test_line_spec_checks_are_linear(spec):
    """1 MB specs (more than a page may hold) under a second each."""
    from sphinx_workshop_site.gate.options import line_spec_problem

    start = time.process_time()
    assert line_spec_problem(spec, 2) is not None
    assert time.process_time() - start < 1


def test_options_outside_the_allow_list_are_dropped():
    from sphinx_workshop_site.gate.options import check_options

    kept, refused = check_options("figure", {"alt": "A", "loading": "embed", "scale": 10**9}, [])
    assert kept == {"alt": "A"}
    assert [option for option, _message in refused] == ["loading", "scale"]
    kept, refused = check_options("footbibliography", {"filter": "True"}, [])
    assert kept == {} and "allowed: none" in refused[0][1]


def test_links_are_found_without_following_them(tmp_path):
    from sphinx_workshop_site.gate.links import folder_links, links_in, subfolder_files

    (tmp_path / "outside" / "deep").mkdir(parents=True)
    (tmp_path / "outside" / "deep" / "p.md").write_text("x", encoding="utf-8")
    (tmp_path / "abstracts" / "alpha").mkdir(parents=True)
    (tmp_path / "abstracts" / "alpha" / "own.md").write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "outside", tmp_path / "abstracts" / "x-dir")
    os.symlink(tmp_path / "outside" / "deep" / "p.md", tmp_path / "abstracts" / "linked.md")
    os.symlink(tmp_path / "outside" / "deep" / "p.md", tmp_path / "abstracts" / "alpha" / "img.png")
    os.symlink("/", tmp_path / "abstracts" / "alpha" / "root")
    assert links_in(tmp_path, "abstracts") == [
        "abstracts/alpha/img.png",
        "abstracts/alpha/root",
        "abstracts/linked.md",
        "abstracts/x-dir",
    ]
    # a page or image link is reported where it is used (the gate, the image check)
    assert folder_links(tmp_path, ["abstracts"], [".md"]) == ["abstracts/alpha/root", "abstracts/x-dir"]
    assert subfolder_files(tmp_path, "abstracts") == [tmp_path / "abstracts" / "alpha" / "own.md"]
