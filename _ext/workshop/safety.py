"""Content rules for contributor files (talk and speaker pages): no raw HTML or LaTeX, no file
inclusion, no script or data URLs, only directives and roles from an allowed list, images and
downloads only from the contributor's own files. Organizer pages are not restricted.

The Markdown is tokenized with MyST's own parser, so the rules see what the build will see,
and every violation names its line.
"""

from __future__ import annotations

import posixpath
import re
from functools import cache

from .errors import Problem, WorkshopError
from .frontmatter import split_front_matter

ALLOWED_DIRECTIVES = frozenset({
    "math", "note", "tip", "hint", "important", "warning", "caution", "attention", "seealso",
    "admonition", "figure", "image", "table", "list-table", "code-block", "code", "footbibliography",
})  # fmt: skip
ALLOWED_ROLES = frozenset({
    "footcite", "footcite:p", "footcite:t", "cite", "cite:p", "cite:t", "cite:ps", "cite:ts",
    "math", "sub", "sup", "abbr", "code", "eq", "ref", "doc", "date",
})  # fmt: skip
DIRECTIVES_WITH_PATH = frozenset({"figure", "image"})
BAD_SCHEMES = re.compile(r"^\s*(javascript|vbscript|data|file)\s*:", re.I)
BAD_URL_IN_TEXT = re.compile(r"(\]\(|<|href\s*=\s*['\"]?)\s*(javascript|vbscript|data|file)\s*:", re.I)
DIRECTIVE_INFO = re.compile(r"^\{([^}\s]+)\}\s*(.*)$")


@cache
def _parser():
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    extensions = {"dollarmath", "amsmath", "colon_fence", "deflist", "attrs_inline"}
    return create_md_parser(MdParserConfig(enable_extensions=extensions), RendererHTML)


class _Checker:
    def __init__(self, file: str, page_id: str, folder: str) -> None:
        self.file = file
        self.page_id = page_id
        self.folder = folder
        self.problems: list[WorkshopError] = []

    def add(self, message: str, line: int) -> None:
        self.problems.append(WorkshopError(message, self.file, line, Problem.SAFETY))

    def own_file(self, path: str, line: int, what: str) -> None:
        """Images and downloads: the contributor's own files, next to the page, nothing else."""
        if BAD_SCHEMES.match(path) or re.match(r"^[a-z][a-z0-9+.-]*://", path, re.I):
            self.add(f"{what} '{path}' must be a file of yours in {self.folder}/, not an address", line)
            return
        resolved = posixpath.normpath(posixpath.join(self.folder, path)) if not path.startswith("/") else path
        name = resolved.removeprefix(self.folder + "/")
        inside = resolved.startswith(self.folder + "/") and "/" not in name.removeprefix(self.page_id + "/")
        mine = name.startswith((f"{self.page_id}/", f"{self.page_id}-", f"{self.page_id}."))
        if not inside or not mine:
            self.add(
                f"{what} '{path}' is not one of your files: name it {self.folder}/{self.page_id}-<name> "
                f"(or put it in {self.folder}/{self.page_id}/)",
                line,
            )

    def tokens(self, text: str, offset: int) -> None:
        for token in _parser().parse(text):
            line = (token.map[0] + 1 + offset) if token.map else offset + 1
            if token.type in ("html_block", "html_inline"):
                self.add(
                    "raw HTML is not allowed in a talk or speaker page: use Markdown (comments: '% ...')",
                    line,
                )
            elif token.type in ("fence", "colon_fence"):
                self.directive(token, line)
            elif token.type == "inline":
                self.inline(token, line)

    def directive(self, token, line: int) -> None:
        match = DIRECTIVE_INFO.match(token.info.strip())
        if not match:
            return  # a plain code block
        name, argument = match.group(1), match.group(2).strip()
        if name not in ALLOWED_DIRECTIVES:
            allowed = ", ".join(sorted(ALLOWED_DIRECTIVES))
            self.add(
                f"directive '{{{name}}}' is not allowed in a talk or speaker page (allowed: {allowed})", line
            )
            return
        if name in DIRECTIVES_WITH_PATH and argument:
            self.own_file(argument, line, "image")
        body, skipped = _directive_body(token.content)
        if name not in ("math", "code-block", "code") and body.strip():
            self.tokens(body, line + skipped)

    def inline(self, token, line: int) -> None:
        current = line
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                current += 1
            elif child.type == "html_inline":
                self.add("raw HTML is not allowed in a talk or speaker page: use Markdown", current)
            elif child.type == "myst_role":
                name = child.meta.get("name", "")
                if name not in ALLOWED_ROLES:
                    self.add(f"role '{{{name}}}' is not allowed in a talk or speaker page", current)
            elif child.type == "link_open" and BAD_SCHEMES.match(str(child.attrs.get("href", ""))):
                self.add(f"link to '{child.attrs['href']}' is not allowed: use an http(s) address", current)
            elif child.type == "image":
                self.own_file(str(child.attrs.get("src", "")), current, "image")


def _directive_body(content: str) -> tuple[str, int]:
    """The directive's content without its options (':key: value' lines or a '---' block)."""
    lines = content.split("\n")
    skipped = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        skipped = end + 1
    else:
        while skipped < len(lines) and re.match(r"^:[\w-]+:", lines[skipped]):
            skipped += 1
    return "\n".join(lines[skipped:]), skipped


def _front_matter_values(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _front_matter_values(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for item in value:
            yield from _front_matter_values(item, path)
    elif value is not None:
        yield path, value


def check_own_file(path: str, file: str, page_id: str, folder: str, line: int = 1) -> list[WorkshopError]:
    checker = _Checker(file, page_id, folder)
    checker.own_file(path, line, "photo")
    return checker.problems


def strip_raw(doctree) -> None:
    """Defense in depth: whatever the checks said, a contributor page never emits raw output."""
    from docutils import nodes

    for node in list(doctree.findall(nodes.raw)):
        node.parent.remove(node)


def check_content(text: str, file: str, page_id: str, folder: str) -> list[WorkshopError]:
    """Every rule, for one contributor page's source text."""
    checker = _Checker(file, page_id, folder)
    fm_text, first_line = split_front_matter(text)
    body_start = 0
    if fm_text is not None:
        from . import sourceyaml

        try:
            data = sourceyaml.parse(fm_text, file, line_offset=first_line - 1)
        except WorkshopError:
            data = None  # reported by the front matter checks
        for key, value in _front_matter_values(data or {}):
            if BAD_SCHEMES.match(str(value)):
                checker.add(f"'{key}' holds a script or data address: only http(s) addresses", value.line)
        myst = (data or {}).get("myst") if isinstance(data, dict) else None
        if isinstance(myst, dict):
            for key in myst:
                if key != "html_meta":
                    checker.add(f"'myst: {key}' is not allowed in a talk or speaker page", myst.line_of(key))
        body_start = fm_text.count("\n") + 2
    body = "\n".join(text.split("\n")[body_start:])
    checker.tokens(body, body_start)
    for number, line in enumerate(text.split("\n"), 1):
        if number > body_start and BAD_URL_IN_TEXT.search(line):
            checker.add("a script or data address is not allowed: use an http(s) address", number)
    return sorted(set(checker.problems), key=lambda p: (p.line or 0, p.message))
