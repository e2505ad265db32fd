"""Hostile contributor files for tests/test_hostile.py, grouped by class of attack.

Each case is the files a hostile pull request adds (and links it creates), and where the build
must stop it: ``expect`` lists ``(file, line, part of the message)``; an empty list means the
build may pass, and then only the harmless-output checks decide. Every page of a case is built
(and checked as a reader gets it) unless the case says it is ``refused``: then none is. Cases of one group are built
together (one Sphinx run per group), so every case uses its own talk or speaker id.

``SECRET_FILE`` stands for a file outside the project (test_hostile.py writes it, with a unique
token, two folders above the project's ``abstracts/``); ``SECRET_ENV`` is the name of an
environment variable the build runs with (its value is another token); conf.py carries a third.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SECRET_REL = "../../secret.txt"  # from abstracts/ or speakers/: the file next to the project
SECRET_FILE = "@SECRET_FILE@"  # replaced by the secret's absolute path
SECRET_ENV = "SECRET_TOKEN"


@dataclass
class Case:
    files: dict[str, str | bytes]
    expect: list[tuple[str, int, str]]
    links: dict[str, str] = field(default_factory=dict)  # path in the project -> link target
    xfail: str | None = None  # a known hole, reported to the integrator
    refused: bool = False  # its pages are not built (a page missing from any other case fails)


def talk(body: str, front: str = "speakers: [ada]\n", title: str = "A hostile talk") -> str:
    """A talk page whose body starts on line 7 (with the default one-line front matter)."""
    return f"---\n{front}---\n\n# {title}\n\n{body}\n"


def speaker(front: str, name: str = "Eve Mallory") -> str:
    return f"---\n{front}---\n\n# {name}\n"


def case(page: str, text: str | bytes, line: int | None, message: str = "", **kwargs) -> Case:
    expect = [] if line is None else [(page, line, message)]
    return Case({page: text}, expect, **kwargs)


PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
INCLUDE_CONF = "```{include} ../conf.py\n```"

# -- The scanner and the parser disagree on where the front matter ends -----------------------
FRONT_MATTER = {
    "yaml document end '...'": case(
        "abstracts/fm-dots.md",
        "---\nspeakers: [ada]\n...\n\n# T\n\n" + INCLUDE_CONF + "\n",
        7,
        "directive '{include}' is not allowed",
    ),
    "byte order mark": case(
        "abstracts/fm-bom.md", "\ufeff" + talk(INCLUDE_CONF), 7, "directive '{include}' is not allowed"
    ),
    "CRLF line ends": case(
        "abstracts/fm-crlf.md",
        talk(INCLUDE_CONF).replace("\n", "\r\n").encode(),
        7,
        "directive '{include}' is not allowed",
    ),
    "lone CR line ends": case(
        "abstracts/fm-cr.md",
        talk("```{literalinclude} /etc/passwd\n```").replace("\n", "\r").encode(),
        7,
        "'{literalinclude}' is not allowed",
    ),
    "a second --- block": case(
        "abstracts/fm-second.md",
        "---\nspeakers: [ada]\n---\n---\nx: |\n  ```{include} ../conf.py\n  ```\n---\n\n# T\n\n"
        "```{literalinclude} /proc/self/environ\n```\n",
        12,
        "directive '{literalinclude}' is not allowed",
    ),
    "unclosed front matter then include": case(
        "abstracts/fm-unclosed.md",
        "---\nspeakers: [ada]\n\n# T\n\n"
        + INCLUDE_CONF
        + "\n\n```{literalinclude} "
        + SECRET_FILE
        + "\n```\n",
        1,
    ),
    "closing --- with trailing spaces": case(
        "abstracts/fm-trailing.md",
        "---\nspeakers: [ada]\n---   \n\n# T\n\n" + INCLUDE_CONF + "\n",
        7,
        "directive '{include}' is not allowed",
    ),
    "four-dash fence": case(
        "abstracts/fm-four.md",
        "----\nspeakers: [ada]\n----\n\n# T\n\n" + INCLUDE_CONF + "\n",
        7,
        "directive '{include}' is not allowed",
    ),
    "indented closing ---": case(
        "abstracts/fm-indent.md",
        "---\nspeakers: [ada]\n ---\n\n# T\n\n" + INCLUDE_CONF + "\n",
        3,
        "an indented '---'",
    ),
    "front matter as a YAML block scalar holding Markdown": case(
        "abstracts/fm-block.md",
        "---\nspeakers: [ada]\nkeywords: [a]\nx: |\n---\n\n# T\n\n" + INCLUDE_CONF + "\n",
        4,
    ),
    "myst html_meta refresh": case(
        "abstracts/fm-refresh.md",
        talk(
            "Text.",
            front='speakers: [ada]\nmyst:\n  html_meta:\n    "http-equiv=refresh": "0; url=https://evil.example/"\n',
        ),
        3,
        "'myst' ",
    ),
    "myst html_meta csp": case(
        "abstracts/fm-csp.md",
        talk(
            "Text.",
            front='speakers: [ada]\nmyst:\n  html_meta:\n    "http-equiv=Content-Security-Policy": "script-src \'none\'"\n',
        ),
        3,
        "'myst' ",
    ),
    "myst html_meta attribute breakout": case(
        "abstracts/fm-breakout.md",
        talk(
            "Text.",
            front="speakers: [ada]\nmyst:\n  html_meta:\n    'x\"><script>alert(1)</script><meta a': y\n",
        ),
        3,
        "'myst' ",
    ),
    "myst enable raw html extension": case(
        "abstracts/fm-ext.md",
        talk(
            "<script>alert(1)</script>", front="speakers: [ada]\nmyst:\n  enable_extensions: [html_image]\n"
        ),
        3,
        "'myst' ",
    ),
    "speaker page html_meta": case(
        "speakers/fm-eve.md",
        speaker(
            'affiliation: X\nmyst:\n  html_meta:\n    "http-equiv=refresh": "0; url=https://evil.example/"\n'
        ),
        3,
        "'myst' ",
    ),
}

# -- File inclusion --------------------------------------------------------------------------
INCLUSION = {
    "include conf.py": case(
        "abstracts/in-conf.md", talk(INCLUDE_CONF), 7, "directive '{include}' is not allowed"
    ),
    "include /etc/passwd": case(
        "abstracts/in-passwd.md",
        talk("```{include} /etc/passwd\n```"),
        7,
        "directive '{include}' is not allowed",
    ),
    "literalinclude /proc/self/environ": case(
        "abstracts/in-environ.md",
        talk("```{literalinclude} /proc/self/environ\n```"),
        7,
        "directive '{literalinclude}' is not allowed",
    ),
    "literalinclude the secret, nested in a note": case(
        "abstracts/in-nested.md",
        talk(":::{note}\nSee:\n\n```{literalinclude} " + SECRET_REL + "\n```\n:::"),
        10,
        "directive '{literalinclude}' is not allowed",
    ),
    "csv-table :file:": case(
        "abstracts/in-csv.md",
        talk("```{csv-table} T\n:file: " + SECRET_FILE + "\n```"),
        7,
        "directive '{csv-table}' is not allowed",
    ),
    "raw :file:": case(
        "abstracts/in-raw.md",
        talk("```{raw} html\n:file: /etc/passwd\n```"),
        7,
        "directive '{raw}' is not allowed",
    ),
    "eval-rst include": case(
        "abstracts/in-evalrst.md",
        talk("```{eval-rst}\n.. include:: /proc/self/environ\n   :literal:\n```"),
        7,
        "'{eval-rst}' is not allowed",
    ),
    "download role": case(
        "abstracts/in-download.md",
        talk("Get {download}`the config <../conf.py>`."),
        7,
        "role '{download}' is not allowed",
    ),
    "markdown link to ../conf.py": case(
        "abstracts/in-link-conf.md", talk("Read [the config](../conf.py)."), 7, "is not allowed"
    ),
    "markdown link to /etc/passwd": case(
        "abstracts/in-link-passwd.md",
        talk("Read [users](/etc/passwd)."),
        7,
        "cross-reference target not found",
    ),
    "markdown link to the secret": case(
        "abstracts/in-link-secret.md", talk("Read [it](" + SECRET_REL + ")."), 7, "is not allowed"
    ),
    "file: url": case("abstracts/in-fileurl.md", talk("Read [it](file:///etc/passwd)."), 7, "not allowed"),
    "image of ../../etc/passwd": case(
        "abstracts/in-img.md", talk("![x](../../etc/passwd)"), 7, "is not one of your files"
    ),
    "image of the secret, absolute": case(
        "abstracts/in-img-abs.md", talk("![x](" + SECRET_FILE + ")"), 7, "is not one of your files"
    ),
    "figure of ../conf.py": case(
        "abstracts/in-figure.md",
        talk("```{figure} ../conf.py\nA caption.\n```"),
        7,
        "is not one of your files",
    ),
    "own-prefixed image escaping with ..": case(
        "abstracts/in-dotdot.md", talk("![x](in-dotdot/../../conf.py)"), 7, "is not one of your files"
    ),
    "image named like the page but not an image": case(
        "abstracts/in-fake.md",
        talk("![x](in-fake-x.png)"),
        7,
        "is not a PNG file",
    ),
    "speaker photo of /etc/passwd": case(
        "speakers/in-eve.md", speaker("affiliation: X\nphoto: /etc/passwd\n"), 1, "is not one of your files"
    ),
}
INCLUSION["image named like the page but not an image"].files["abstracts/in-fake-x.png"] = b"not an image\n"

# -- Pages in a contributor's folder are not built ----------------------------------------------
SUBFOLDER = {
    "page in abstracts/<id>/": case(
        "abstracts/sub-a/x.md", "# Hidden\n\n" + INCLUDE_CONF + "\n", 1, "are not built", refused=True
    ),
    "page two folders down": case(
        "abstracts/sub-b/deep/y.md", "# Deep\n\n<script>alert(1)</script>\n", 1, "are not built", refused=True
    ),
    "page in speakers/<id>/": case(
        "speakers/sub-c/z.md", "# Z\n\n[x](javascript:alert(1))\n", 1, "are not built", refused=True
    ),
    "rst page in a contributor folder": case(
        "abstracts/sub-d/r.rst", ".. include:: /etc/passwd\n", None, refused=True
    ),
}

# -- Links that run script --------------------------------------------------------------------
SCRIPT = "a script or data address is not allowed"
SCRIPT_LINKS = {
    "javascript:": case("abstracts/js-plain.md", talk("[click](javascript:alert(1))"), 7, SCRIPT),
    "vbscript:": case("abstracts/js-vb.md", talk("[click](vbscript:msgbox(1))"), 7, "not allowed"),
    "data:": case("abstracts/js-data.md", talk("[click](data:text/html;base64,PHNjcmlwdD4=)"), 7, SCRIPT),
    "mixed case JaVaScRiPt:": case("abstracts/js-case.md", talk("[click](JaVaScRiPt:alert(1))"), 7, SCRIPT),
    "tab inside java\\tscript:": case(
        "abstracts/js-tab.md", talk("[click](<java\tscript:alert(1)>)"), 7, "target not found"
    ),
    "entity-encoded j": case("abstracts/js-entity.md", talk("[click](&#106;avascript:alert(1))"), 7, SCRIPT),
    "entity-encoded colon": case(
        "abstracts/js-colon.md", talk("[click](javascript&colon;alert(1))"), 7, "not allowed"
    ),
    "percent-encoded": case(
        "abstracts/js-percent.md", talk("[click](javascript%3Aalert(1))"), 7, "target not found"
    ),
    "autolink": case("abstracts/js-autolink.md", talk("<javascript:alert(1)>"), 7, SCRIPT),
    "reference definition": case(
        "abstracts/js-refdef.md", talk("[click][r]\n\n[r]: javascript:alert(1)"), 9, SCRIPT
    ),
    "leading space and control": case(
        "abstracts/js-space.md", talk("[click](< javascript:alert(1)>)"), 7, "not allowed"
    ),
    "image :target:": case(
        "abstracts/js-target.md",
        talk("```{image} js-target-a.png\n:target: javascript:alert(1)\n```"),
        8,
        "not allowed",
    ),
    "figure :target:": case(
        "abstracts/js-figtarget.md",
        talk("```{figure} js-figtarget-a.png\n:target: JaVaScRiPt:alert(1)\n\nCaption.\n```"),
        8,
        "not allowed",
    ),
    "image wrapped in a link": case(
        "abstracts/js-imglink.md", talk("[![x](js-imglink-a.png)](javascript:alert(1))"), 7, SCRIPT
    ),
    "link in a footnote": case(
        "abstracts/js-footnote.md", talk("Text[^1].\n\n[^1]: [x](javascript:alert(1))"), 9, SCRIPT
    ),
    "protocol-relative link": case(
        "abstracts/js-proto.md", talk("[x](//evil.example/phish)"), 7, "target not found"
    ),
    "homepage javascript:": case(
        "speakers/js-eve.md",
        speaker('affiliation: X\nhomepage: "javascript:alert(1)"\n'),
        3,
        "must be an http",
    ),
    "homepage mixed case with entity": case(
        "speakers/js-mallory.md",
        speaker('affiliation: X\nhomepage: "JaVaScRiPt&colon;alert(1)"\n'),
        3,
        "must be an http",
    ),
    "orcid breaking out": case(
        "speakers/js-trent.md",
        speaker('affiliation: X\norcid: "0000-0002-1825-0097\\"><script>alert(1)</script>"\n'),
        3,
        "is not of the form",
    ),
    "orcid as a script url": case(
        "speakers/js-peggy.md",
        speaker('affiliation: X\norcid: "javascript:alert(1)"\n'),
        3,
        "is not of the form",
    ),
}
for _name, _id in [
    ("image :target:", "js-target"),
    ("figure :target:", "js-figtarget"),
    ("image wrapped in a link", "js-imglink"),
]:
    SCRIPT_LINKS[_name].files[f"abstracts/{_id}-a.png"] = PNG_1X1


def _bib_case(page_id: str, fields: str, line: int, message: str = "") -> Case:
    body = "Cited {footcite}`k1`.\n\n```{footbibliography}\n```"
    return Case(
        {
            f"abstracts/{page_id}.md": talk(body),
            f"abstracts/{page_id}.bib": "@misc{k1,\n  title = {T},\n" + fields + "}\n",
        },
        [(f"abstracts/{page_id}.bib", line, message)],
    )


SCRIPT_LINKS.update(
    {
        "bib url javascript:": _bib_case(
            "bib-url", "  url = {javascript:alert(1)},\n", 3, "'javascript:' addresses"
        ),
        "bib url data:": _bib_case(
            "bib-data", "  url = {data:text/html,<script>alert(1)</script>},\n", 3, "'data:' addresses"
        ),
        "bib doi javascript:": _bib_case("bib-doi", "  doi = {javascript:alert(1)},\n", 3, "is not a DOI"),
        "bib howpublished url": _bib_case(
            "bib-how", "  howpublished = {\\url{javascript:alert(1)}},\n", 3, "'javascript:' addresses"
        ),
        "bib eprint": _bib_case(
            "bib-eprint",
            "  eprint = {javascript:alert(1)},\n  eprinttype = {arxiv},\n",
            3,
            "'javascript:' addresses",
        ),
    }
)

# -- MathJax: commands that link, style or load ------------------------------------------------
MATHJAX = {
    name: case(f"abstracts/mj-{slug}.md", talk(body), 7, f"'\\{command}' is not allowed in math")
    for name, slug, body, command in [
        ("\\href", "href", r"Go $\href{javascript:alert(1)}{x}$.", "href"),
        (
            "\\style overlay",
            "style",
            r"$$\style{position:fixed;top:0;left:0;width:100vw;height:100vh}{\text{Log in}}$$",
            "style",
        ),
        ("\\class", "class", r"$\class{fixed-top}{x}$", "class"),
        ("\\cssId", "cssid", r"$\cssId{main-content}{x}$", "cssId"),
        ("\\unicode", "unicode", r"$\unicode{x202E}$", "unicode"),
        ("\\require", "require", r"$\require{html}\href{javascript:alert(1)}{x}$", "require"),
        ("\\href in a math block", "block", "```{math}\n\\href{javascript:alert(1)}{x}\n```", "href"),
        ("\\href in the math role", "role", r"{math}`\href{javascript:alert(1)}{x}`", "href"),
    ]
}
MATHJAX["\\href in the title"] = case(
    "abstracts/mj-title.md",
    talk("Text.", title=r"A $\href{javascript:alert(1)}{x}$ title"),
    5,
    "'\\href' is not allowed in math",
)

# -- LaTeX injection through math and file names ---------------------------------------------
LATEX_PAYLOADS = {  # name: (math, the command the checker names)
    "input": (r"\input{/etc/passwd}", r"'\input'"),
    "openin": (r"\openin1=/etc/passwd", r"'\openin'"),
    "read": (r"\read1 to\x", r"'\read'"),
    "def": (r"\def\alpha{\input{/etc/passwd}}", r"'\def'"),
    "catcode": (r"\catcode`\@=11", r"'\catcode'"),
    "special": (r"\special{pdf:fstream @x (/etc/passwd)}", r"'\special'"),
    "write18": (r"\immediate\write18{id}", r"'\write'"),
    "csname": (r"\csname input\endcsname{/etc/passwd}", r"'\csname'"),
    "end-document": (r"x \end{document}", r"'\end{document}'"),
    "loop": (r"\loop x \repeat", r"'\loop'"),
    "caret-caret": (r"^^5cinput{/etc/passwd}", "'^^'"),
    "newcommand": (r"\newcommand{\x}{\x}\x", r"'\newcommand'"),
}
LATEX = {
    f"math {name}": case(f"abstracts/tex-{name}.md", talk(f"${payload}$"), 7, command)
    for name, (payload, command) in LATEX_PAYLOADS.items()
}
LATEX.update(
    {
        "display math input": case(
            "abstracts/tex-display.md", talk("$$\n\\input{/etc/passwd}\n$$"), 7, "'\\input'"
        ),
        "amsmath environment with openin": case(
            "abstracts/tex-align.md",
            talk("\\begin{align}\n\\openin1=/etc/passwd\n\\end{align}"),
            8,
            "'\\openin'",
        ),
        "bib field with input": _bib_case(
            "tex-bib", "  note = {$\\input{/etc/passwd}$},\n", 3, "'\\input' is not allowed"
        ),
    }
)
for _name, _special in [
    ("percent", "%"),
    ("hash", "#1"),
    ("braces", "{x}"),
    ("backslash", "\\input"),
    ("tilde", "~"),
    ("dollar", "$x$"),
    ("space", " a"),
    ("caret", "^^5c"),
    ("upper", "X"),
]:
    _file = f"tex-img-{_name}-{_special}.png"
    LATEX[f"image name with {_name}"] = Case(
        {f"abstracts/tex-img-{_name}.md": talk(f"![x](<{_file}>)"), f"abstracts/{_file}": PNG_1X1},
        [(f"abstracts/tex-img-{_name}.md", 7, "must be lower-case letters")],
    )

# -- Links in the file system -----------------------------------------------------------------
SYMLINKS = {
    "linked page": Case(
        {}, [("abstracts/ln-page.md", 1, "not a link")], links={"abstracts/ln-page.md": "@SECRET@"}
    ),
    "linked page inside the project": Case(
        {}, [("abstracts/ln-inner.md", 1, "not a link")], links={"abstracts/ln-inner.md": "alpha.md"}
    ),
    "linked image": Case(
        {"abstracts/ln-img.md": talk("![x](ln-img-a.png)")},
        [("abstracts/ln-img.md", 7, "not a link")],
        links={"abstracts/ln-img-a.png": "@SECRET@"},
    ),
    "image in a linked folder": Case(
        {"abstracts/ln-dir.md": talk("![x](ln-dir/a.png)")},
        [("abstracts/ln-dir.md", 7, "not a link")],
        links={"abstracts/ln-dir": "@SECRET_DIR@"},
    ),
    "linked bib": Case(
        {"abstracts/ln-bib.md": talk("Text.")},
        [("abstracts/ln-bib.bib", 1, "not a link")],
        links={"abstracts/ln-bib.bib": "@SECRET@"},
    ),
    "linked speaker page": Case(
        {}, [("speakers/ln-eve.md", 1, "not a link")], links={"speakers/ln-eve.md": "/etc/passwd"}
    ),
}

# -- Resources: bounded work for any input ----------------------------------------------------
ALIAS_BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
)
ADVERSARIAL_TEXTS = {
    "dollars": "$ " * 60_000,
    "backslash brackets": "\\( \\[ " * 30_000,
    "brackets": "[" * 100_000 + "]" * 90_000,
    "emphasis": "*a _b " * 30_000,
    "backticks": "`" * 190_000,
    "angle brackets": "<" * 190_000,
    "cite-like": "\\cite{" * 30_000,
    "role-like": "{footcite}`" * 15_000,
    "links": "[a](" * 45_000,
    "words": "word-" * 38_000,
}
RESOURCES = {
    "alias bomb in front matter": case(
        "abstracts/rs-bomb.md", talk("Text.", front="speakers: [ada]\n" + ALIAS_BOMB), 3, "anchors"
    ),
    "a megabyte of [[[[ in front matter": case(
        "abstracts/rs-nest.md",
        talk("Text.", front="speakers: " + "[" * 1_000_000 + "\n"),
        1,
        "over the limit",
    ),
    "front matter nested 1000 deep within the size limit": case(
        "abstracts/rs-nest-small.md",
        talk("Text.", front="speakers: " + "[" * 1000 + "ada" + "]" * 1000 + "\n"),
        2,
        "nested more than",
    ),
    "directives nested 60 deep": case(
        "abstracts/rs-directives.md",
        talk(
            "".join(":" * (63 - i) + "{note}\n" for i in range(60))
            + "x\n"
            + "".join(":" * (4 + i) + "\n" for i in range(60))
        ),
        19,
        "nested more than 6 deep",
    ),
    "blockquotes nested 5000 deep": case("abstracts/rs-quotes.md", talk(">" * 5000 + " x"), None),
    "lists nested 400 deep": case(
        "abstracts/rs-lists.md", talk("".join("  " * i + "- x\n" for i in range(400))), None
    ),
    # 4,900 deep: a paragraph within the budget of 10,000 characters (a longer one is refused before MyST, test_budgets)
    "emphasis nested 4900 deep": case(
        "abstracts/rs-emph.md", talk("*" * 4900 + "x" + "*" * 4900), 1, "too deeply"
    ),
    "80,000 bib entries": Case(
        {
            "abstracts/rs-bib.md": talk("Text."),
            "abstracts/rs-bib.bib": "".join(f"@a{{{i:x},}}\n" for i in range(80_000)),
        },
        [("abstracts/rs-bib.bib", 201, "entries")],
    ),
    "a megabyte bib of braces": Case(
        {
            "abstracts/rs-bibbrace.md": talk("Text."),
            "abstracts/rs-bibbrace.bib": "@misc{k, title = " + "{" * 300_000 + "}\n",
        },
        [("abstracts/rs-bibbrace.bib", 1, "never closed")],
    ),
} | {
    f"199 kB of {name}": case(f"abstracts/rs-re-{name.replace(' ', '-')}.md", talk(text[:199_000]), None)
    for name, text in ADVERSARIAL_TEXTS.items()
}
SCHEDULE_BOMB = {
    "alias bomb in the schedule": Case(
        {
            "program/schedule.yaml": "timezone: Europe/Paris\nvenue: V\nrooms: [R]\n"
            + ALIAS_BOMB
            + "days: []\n"
        },
        [("program/schedule.yaml", 4, "anchors")],
    ),
}
SCHEDULE_NEST = {
    "a megabyte of [[[[ in the schedule": Case(
        {"program/schedule.yaml": "timezone: Europe/Paris\nvenue: " + "[" * 1_000_000 + "\n"},
        [("program/schedule.yaml", 2, "nested more than 20")],
    ),
}

# -- Tracebacks ---------------------------------------------------------------------------------
TRACEBACKS = {
    "setext title on a scheduled talk": case(
        "abstracts/alpha.md", "---\nspeakers: [ada]\n---\n\nA title on\ntwo lines\n=========\n\nText.\n", None
    ),
    "setext title with a hard break": case(
        "abstracts/tb-hard.md", "---\nspeakers: [ada]\n---\n\nA title\\\nbroken\n===\n\nText.\n", None
    ),
    "malformed @string": Case(
        {
            "abstracts/tb-string.md": talk("Text."),
            "abstracts/tb-string.bib": "@string{foo = }\n@misc{k, title = foo}\n",
        },
        [("abstracts/tb-string.bib", 1, "@string")],
    ),
    "undefined macro": Case(
        {
            "abstracts/tb-macro.md": talk("Text."),
            "abstracts/tb-macro.bib": "@misc{k, title = nosuchmacro # {x}}\n",
        },
        [("abstracts/tb-macro.bib", 1, "is not defined")],
    ),
    "unclosed entry": Case(
        {"abstracts/tb-open.md": talk("Text."), "abstracts/tb-open.bib": "@misc{k,\n  title = {open\n"},
        [("abstracts/tb-open.bib", 1, "never closed")],
    ),
    "bib @preamble": Case(
        {"abstracts/tb-pre.md": talk("Text."), "abstracts/tb-pre.bib": '@preamble{"\\input{/etc/passwd}"}\n'},
        [("abstracts/tb-pre.bib", 1, "@preamble is not allowed")],
    ),
    "directives nested in backtick fences": case(
        "abstracts/tb-fences.md",
        talk(
            "".join("`" * (70 - i) + "{note}\n" for i in range(60))
            + "x\n"
            + "".join("`" * (11 + i) + "\n" for i in range(60))
        ),
        13,
        "nested more than 6 deep",
    ),
}


# -- Control characters into the exports --------------------------------------------------------
CONTROL = {
    "escape in a talk title": case(
        "abstracts/cc-title.md", talk("Text.", title="Title \x1b[31m red"), 5, "control character (U+001B)"
    ),
    "line separator in a talk title": case(
        "abstracts/cc-sep.md", talk("Text.", title="Title\u2028BEGIN:VEVENT"), 5, "line separator"
    ),
    "vertical tab in a speaker name": case(
        "speakers/cc-eve.md",
        speaker("affiliation: X\n", name="Eve\x0bMallory"),
        5,
        "control character (U+000B)",
    ),
    "form feed in a keyword": case(
        "abstracts/cc-kw.md",
        talk("Text.", front='speakers: [ada]\nkeywords: ["a\\fb"]\n'),
        3,
        "",
    ),
    "bidi override in an affiliation": case(
        "speakers/cc-bidi.md", speaker('affiliation: "X \\u202e evil"\n'), 2, ""
    ),
}

# The only hostile talk of its build, scheduled: its exports are written (the build passes when
# the hole is open) and must parse and stay clean.
CONTROL_EXPORTS = {
    "control characters in a scheduled talk's keywords, authors and speaker": Case(
        {
            "abstracts/alpha.md": talk(
                "Text.",
                front='speakers: [cc-ada]\nkeywords: ["k\\x1b[2J", "l\\u2028m"]\nauthors:\n'
                '  - name: "Ann\\x07 Bell"\n    affiliation: "Uni\\u0085 X"\n',
            ),
            "speakers/cc-ada.md": speaker('affiliation: "Lab\\x0c Y"\n', name="Ada Lovelace"),
        },
        [
            ("abstracts/alpha.md", 3, ""),
            ("abstracts/alpha.md", 5, ""),
            ("abstracts/alpha.md", 6, ""),
            ("speakers/cc-ada.md", 2, ""),
        ],
    ),
}

# Refused in the schedule, each on its line.
SCHEDULE_CONTROL = (
    "timezone: Europe/Paris\nvenue: Test venue\nrooms: [Main room]\ndays:\n  - date: 2024-11-26\n    slots:\n"
    '      - time: 09:00-09:30\n        title: "Coffee \\x07 bell"\n        kind: break\n'
    '      - time: 09:30-10:00\n        title: "Walk\\u2028END:VEVENT"\n        kind: break\n'
    '      - time: 10:00-10:30\n        title: "Tab\\tand\\u202eevil"\n        kind: break\n'
    "      - time: 10:30-11:30\n        talk: alpha\n"
)
CONTROL["control characters in schedule titles"] = Case(
    {"program/schedule.yaml": SCHEDULE_CONTROL},
    [
        ("program/schedule.yaml", 8, "control character"),
        ("program/schedule.yaml", 11, "line separator"),
        ("program/schedule.yaml", 14, "tab"),
    ],
)
# Allowed in the schedule, and must come out well-formed and inert in every export.
SCHEDULE_MARKUP = (
    'timezone: Europe/Paris\nvenue: "</venue><script>alert(1)</script>"\nrooms: [Main room]\ndays:\n'
    "  - date: 2024-11-26\n    slots:\n"
    '      - time: 10:00-10:30\n        title: "]]></title><script>alert(1)</script> & <b> END:VCALENDAR"\n'
    "        kind: break\n      - time: 10:30-11:30\n        talk: alpha\n"
)
CONTROL_EXPORTS["markup in schedule titles and venue"] = Case({"program/schedule.yaml": SCHEDULE_MARKUP}, [])

# -- Classes and attributes the theme would act on -------------------------------------------
CLASSES = {
    "span .fixed-top": case(
        "abstracts/at-span.md", talk("[Log in again]{.fixed-top}"), 7, "class 'fixed-top'"
    ),
    "link .modal": case(
        "abstracts/at-link.md", talk("[Log in](https://evil.example/){.modal .show}"), 7, "class 'modal'"
    ),
    "image .fixed-top": case(
        "abstracts/at-img.md", talk("![x](at-img-a.png){.fixed-top}"), 7, "class 'fixed-top'"
    ),
    "emphasis .bd-header": case("abstracts/at-em.md", talk("*x*{.bd-header}"), None),
    "code .d-none": case("abstracts/at-code.md", talk("`x`{.d-none}"), 7, "class 'd-none'"),
    "style attribute": case("abstracts/at-style.md", talk('[x]{style="position:fixed;inset:0"}'), None),
    "onclick attribute": case("abstracts/at-onclick.md", talk('[x]{onclick="alert(1)"}'), None),
    "admonition :class:": case(
        "abstracts/at-adm.md", talk("```{note}\n:class: fixed-top\n\nx\n```"), 8, "class 'fixed-top'"
    ),
    "figure :figclass:": case(
        "abstracts/at-fig.md",
        talk("```{figure} at-fig-a.png\n:figclass: fixed-top\n\nCaption.\n```"),
        8,
        "class 'fixed-top'",
    ),
}
CLASSES["image .fixed-top"].files["abstracts/at-img-a.png"] = PNG_1X1
CLASSES["figure :figclass:"].files["abstracts/at-fig-a.png"] = PNG_1X1

GROUPS: dict[str, dict[str, Case]] = {
    "front-matter": FRONT_MATTER,
    "inclusion": INCLUSION,
    "subfolder": SUBFOLDER,
    "script-links": SCRIPT_LINKS,
    "mathjax": MATHJAX,
    "latex": LATEX,
    "symlinks": SYMLINKS,
    "resources": RESOURCES,
    "schedule-bomb": SCHEDULE_BOMB,
    "schedule-nest": SCHEDULE_NEST,
    "tracebacks": TRACEBACKS,
    "control": CONTROL,
    "control-exports": CONTROL_EXPORTS,
    "classes": CLASSES,
}
INCLUSION.update(
    {
        "speaker photo of /conf.py": case(
            "speakers/in-photo.md",
            speaker("affiliation: X\nphoto: /conf.py\n"),
            1,
            "is not one of your files",
        ),
        "speaker photo of ../conf.py": case(
            "speakers/in-photo2.md",
            speaker("affiliation: X\nphoto: ../conf.py\n"),
            1,
            "is not one of your files",
        ),
        "speaker photo own-named but linked elsewhere": case(
            "speakers/in-photo3.md", speaker("affiliation: X\nphoto: in-photo3-a.png\n"), 1, "not a link"
        ),
    }
)
INCLUSION["speaker photo own-named but linked elsewhere"].links["speakers/in-photo3-a.png"] = "@SECRET@"

# -- More variants, in the builds above ---------------------------------------------------------
INCLUSION.update(
    {
        "include in a list item": case(
            "abstracts/in-list.md",
            talk("- item\n\n  ```{include} ../conf.py\n  ```"),
            9,
            "'{include}' is not allowed",
        ),
        "include in a block quote": case(
            "abstracts/in-quote.md",
            talk("> ```{include} /etc/passwd\n> ```"),
            7,
            "'{include}' is not allowed",
        ),
        "include in a footnote": case(
            "abstracts/in-footnote.md",
            talk("Text[^a].\n\n[^a]: Note.\n\n    ```{include} ../conf.py\n    ```"),
            11,
            "'{include}' is not allowed",
        ),
        "figure :target: to ../conf.py": case(
            "abstracts/in-figtarget.md",
            talk("```{figure} in-figtarget-a.png\n:target: ../conf.py\n\nCaption.\n```"),
            8,
            "not allowed",
        ),
        "speaker photo as a data: address": case(
            "speakers/in-photo4.md",
            speaker('affiliation: X\nphoto: "data:image/png;base64,iVBORw0KGgo="\n'),
            1,
            "not an address",
        ),
    }
)
INCLUSION["figure :target: to ../conf.py"].files["abstracts/in-figtarget-a.png"] = PNG_1X1
SCRIPT_LINKS.update(
    {
        "link title breaking out": case(
            "abstracts/js-title.md", talk('[x](https://example.org "a\\" onmouseover=\\"alert(1)")'), None
        ),
        "image alt breaking out": case(
            "abstracts/js-alt.md", talk('```{image} js-alt-a.png\n:alt: x" onerror="alert(1)\n```'), None
        ),
        "admonition title with a script": case(
            "abstracts/js-adm.md",
            talk(":::{admonition} <script>alert(1)</script>\nText.\n:::"),
            8,
            "raw HTML",
        ),
        "heading with an attribute breakout": case(
            "abstracts/js-heading.md", talk('## x" onclick="alert(1)\n\nText.'), None
        ),
        "ref role to a script address": case(
            "abstracts/js-ref.md", talk("See {ref}`x <javascript:alert(1)>`."), 7, "undefined label"
        ),
        "image width with css": case(
            "abstracts/js-width.md",
            talk("```{image} js-width-a.png\n:width: 100px;position:fixed\n```"),
            8,
            "no valid measure",
        ),
    }
)
SCRIPT_LINKS["image alt breaking out"].files["abstracts/js-alt-a.png"] = PNG_1X1
SCRIPT_LINKS["image width with css"].files["abstracts/js-width-a.png"] = PNG_1X1
