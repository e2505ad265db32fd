"""The gate for contributor pages (everything under the talks and speakers folders): what may
be built is decided on what the build's own MyST parser produced, with allow-lists.

A Markdown parser that wraps MyST's does, for a contributor page only:

1. refuse a page that is a link or sits under one (nothing of it is read);
2. hide the front matter from MyST (the workshop reads it, with anchors, aliases and depth
   refused; MyST's own reader would follow aliases without limit and read ``myst:`` settings);
3. turn off file insertion and raw output for the document (``{include}`` and friends cannot read
   a file even if a check missed them);
4. resolve directive and role names through allow-lists while MyST parses (a refused name is a
   ``file:line`` error with "did you mean", and produces nothing); cited keys are checked here;
5. check the resulting doctree (allowlist.py): nodes, classes, addresses, images, math, title,
   the word limit; refused nodes are removed.

Organizer pages are parsed by MyST unchanged.
"""

from __future__ import annotations

import bisect
import os
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive, directives, roles
from myst_parser.mdit_to_docutils.base import token_line
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
from myst_parser.parsers.mdit import create_md_parser
from myst_parser.parsers.sphinx_ import MystParser
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from ..diagnostics import report_all
from ..model.errors import Problem, WorkshopError, closest, did_you_mean
from ..model.frontmatter import front_matter_span, read_talk
from ..model.owners import folder_listing, owner
from ..parallel import in_processes
from ..site.bibliography import shared_keys
from ..site.pages import source_name
from .allowlist import ADMONITIONS, HARD_BREAK, PageRules, check_doctree, check_word_limit, node_line
from .bibfile import MAX_BIB_CHARS, read_entries, split_bib
from .bibmerge import talk_key
from .content import check_size, link_on_path
from .htmlverify import verify_html
from .ids import check_ids
from .links import exclude_patterns_for_links, link_problems, subfolder_files
from .mathpage import expand_page_math
from .options import check_options
from .texcheck import check_dollars

ALLOWED_DIRECTIVES = frozenset(
    {
        "math",
        *ADMONITIONS,
        "figure",
        "image",
        "table",
        "list-table",
        "code-block",
        "code",
        "footbibliography",
    }
)
ALLOWED_ROLES = frozenset(
    {
        "footcite",
        "footcite:p",
        "footcite:t",
        "footcite:ps",
        "footcite:ts",
        "footcite:ct",
        "footcite:cp",
        "math",
        "sub",
        "sup",
        "abbr",
        "code",
        "eq",
        "ref",
        "doc",
        "date",
    }
)
# {cite} as people type it is {footcite} here: each talk keeps its own reference list (its
# footnotes and the {footbibliography} talks.py adds), on the site and in the book.
CITE_ROLES = {
    name: "foot" + name for name in ("cite", "cite:p", "cite:t", "cite:ps", "cite:ts", "cite:ct", "cite:cp")
}
# Names a contributor may know from elsewhere, with what to write here instead.
ROLE_HINTS = {"citep": "cite:p", "citet": "cite:t"}
DIRECTIVE_HINTS = {"bibliography": "footbibliography", "eq": "math", "equation": "math"}
MAX_DIRECTIVE_DEPTH = 6


def gated_page(config, docname: str) -> tuple[str, str] | None:
    """(page id, folder) for any document under the talks or speakers folder, else None."""
    for folder in (config.workshop_talks_dir, config.workshop_speakers_dir):
        if docname.startswith(folder + "/") and docname != f"{folder}/index":
            return docname.removeprefix(folder + "/"), folder
    return None


def front_matter_end(text: str) -> int:
    """The last line either of MyST's front-matter readers would take (0: none)."""
    span = front_matter_span(text)
    return span[1] if span else 0


def blank_front_matter(text: str, end: int) -> str:
    """The text with its first ``end`` lines (the front matter, or at least a front matter
    opening) blank, so that MyST's readers see none and every line keeps its number."""
    if not text.startswith("---"):
        return text
    end = end or 1
    return "\n" * end + "\n".join(text.split("\n")[end:])


class _AnyOption(dict):
    """Accepts every option, so that a refused directive is reported once, by name."""

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> Callable[[Any], Any]:
        return directives.unchanged

    def get(self, key, default=None):
        return directives.unchanged


class _Guard:
    """Directive and role look-ups for one contributor page, installed while MyST parses it."""

    def __init__(self, env, rules: PageRules) -> None:
        self.env = env
        self.rules = rules
        self.depth = 0
        self.wrapped: dict[type, type] = {}
        self.bib_state: tuple[bool, frozenset[str]] | None = None

    def __enter__(self) -> _Guard:
        self.directive_lookup, self.role_lookup = directives.directive, roles.role
        directives.directive, roles.role = self.directive, self.role
        return self

    def __exit__(self, *exc) -> None:
        directives.directive, roles.role = self.directive_lookup, self.role_lookup

    # -- directives -------------------------------------------------------------------

    def directive(self, name: str, language_module, document):
        if name not in ALLOWED_DIRECTIVES:
            hint = DIRECTIVE_HINTS.get(name) or closest(name, ALLOWED_DIRECTIVES)
            hint = f" (did you mean '{{{hint}}}'?)" if hint else ""
            allowed = ", ".join(sorted(ALLOWED_DIRECTIVES))
            return self._refused(
                f"directive '{{{name}}}' is not allowed in a talk or speaker page{hint} (allowed: {allowed})"
            ), []
        found, messages = self.directive_lookup(name, language_module, document)
        if found is None:
            return found, messages
        if found not in self.wrapped:
            self.wrapped[found] = self._counted(found)
        return self.wrapped[found], messages

    def _refused(self, message: str) -> type[Directive]:
        rules = self.rules

        class RefusedDirective(Directive):
            has_content = True
            optional_arguments = 1
            final_argument_whitespace = True
            option_spec = _AnyOption()

            def run(self) -> list[nodes.Node]:
                rules.add(message, self.lineno)
                return []

        return RefusedDirective

    def _counted(self, cls: type) -> type:
        """The directive, refusing nesting past MAX_DIRECTIVE_DEPTH (MyST recurses per level)."""
        guard = self

        def run(directive) -> list[nodes.Node]:
            if guard.depth >= MAX_DIRECTIVE_DEPTH:
                guard.rules.add(
                    f"directives are nested more than {MAX_DIRECTIVE_DEPTH} deep: flatten the page",
                    directive.lineno,
                )
                return []
            directive.options, refused = check_options(directive.name, directive.options, directive.content)
            for option, message in refused:  # before it runs: a refused option never reaches it
                guard.rules.add(message, directive.lineno, needle=f":{option}:")
            guard.depth += 1
            try:
                return cls.run(directive)
            finally:
                guard.depth -= 1

        return type(cls.__name__, (cls,), {"run": run})

    # -- roles ------------------------------------------------------------------------

    def own_bib(self) -> tuple[bool, frozenset[str]]:
        """(whether the page's own .bib file has a problem, the keys written in it), read once
        per page and only for a key the bibliography lacks: its entry may be one the checks
        refused, which has its own message."""
        if self.bib_state is None:
            self.bib_state = (False, frozenset())
            srcdir, rel = self.rules.srcdir, f"{self.rules.folder}/{self.rules.page_id}.bib"
            path = srcdir / rel if srcdir is not None else None
            if path is not None and not link_on_path(srcdir, path) and path.is_file():
                with path.open("rb") as handle:
                    text = handle.read(4 * MAX_BIB_CHARS).decode("utf-8", "replace")
                raw, split_problems = split_bib(text, rel)
                _entries, problems = read_entries(raw, rel)
                keys = frozenset(entry.key for entry in raw if entry.key)
                self.bib_state = (bool(split_problems or problems), keys)
        return self.bib_state

    def role(self, name: str, language_module, lineno: int, reporter):
        name = CITE_ROLES.get(name, name)
        if name not in ALLOWED_ROLES:
            hint = ROLE_HINTS.get(name) or closest(name, ALLOWED_ROLES)
            hint = f" (did you mean '{{{hint}}}'?)" if hint else ""
            message = f"role '{{{name}}}' is not allowed in a talk or speaker page{hint}"
            subtype = Problem.CITATION if name.startswith("cite") else Problem.SAFETY
            return self._refused_role(message, subtype), []
        found, messages = self.role_lookup(name, language_module, lineno, reporter)
        if found is not None and name.startswith("footcite"):
            return self._checked_citation(found, name), messages
        return found, messages

    def _refused_role(self, message: str, subtype: Problem):
        rules = self.rules

        def refused(name, rawtext, text, lineno, inliner, options=None, content=None):
            rules.add(message, lineno, subtype, needle=f"{{{name}}}`")
            return [], []

        return refused

    def _checked_citation(self, role, canonical: str):
        """Each key is resolved in the page's own .bib file (merged as '<page id>/<key>'), else
        among the organizers' shared keys; unknown keys are located errors with "did you mean"
        (over the keys the page may cite, as written). The role sees only resolved keys (and its
        own name, {footcite…}, whichever of {cite…} or {footcite…} was written)."""
        rules, env, guard = self.rules, self.env, self

        def footcite(name, rawtext, text, lineno, inliner, options=None, content=None):
            entries = env.get_domain("cite").bibdata.data.entries
            shared = shared_keys(env.doctreedir)
            keys = [key.strip() for key in text.split(",") if key.strip()]
            resolved: list[str] = []
            is_talk = rules.folder == env.config.workshop_talks_dir  # a speaker page has no .bib
            for key in keys:
                own = talk_key(rules.page_id, key)
                if is_talk and own in entries:
                    resolved.append(own)
                    continue
                if key in entries and (shared is None or key.lower() in shared):
                    resolved.append(key)
                    continue
                broken, written = guard.own_bib()
                if key in written:
                    continue  # its entry is refused, with its own message at the .bib file's line
                if broken:
                    message = (
                        f"cited key '{key}' is in no .bib file that could be read: "
                        f"{rules.folder}/{rules.page_id}.bib has an error (see its message): fix it first"
                    )
                else:
                    prefix = talk_key(rules.page_id, "").lower()
                    citable = [
                        entry[len(prefix) :] if is_talk and entry.lower().startswith(prefix) else entry
                        for entry in entries
                        if (is_talk and entry.lower().startswith(prefix))
                        or shared is None
                        or entry.lower() in shared
                    ]
                    message = (
                        f"cited key '{key}' is in no .bib file{did_you_mean(key, citable)}: "
                        f"add the entry to the {_page_kind(env, rules.page_id)}'s .bib file"
                    )
                rules.add(message, lineno, Problem.CITATION, needle=key)
            if not resolved:
                return [], []
            return role(canonical, rawtext, ",".join(resolved), lineno, inliner, options or {}, content or [])

        return footcite


LONE_DOLLARS = "workshop-lone-dollars"


def _note_lone_dollars(state) -> None:
    """A core rule, after the inline rules (dollarmath took every pair of '$' it could) and before
    text_join (which merges an escape, '\\$', into the text around it): a '$' still in a text
    token is math left open, or a dollar sign not escaped."""
    for token in state.tokens:
        if token.type != "inline":
            continue
        line = token.map[0] if token.map else 1  # MyST's token lines count from 1 here
        for child in token.children or []:
            if child.type == "text" and "$" in child.content:
                state.env.setdefault(LONE_DOLLARS, []).append((line, child.content))


DISPLAY_IN_PARAGRAPH_MESSAGE = (
    "'$$' on its own line inside a paragraph: a display starts a block of its own: put a blank line "
    "before the opening '$$' (and after the closing one)"
)


def _display_in_paragraph(lines: list[str], first: int) -> int | None:
    """The line (1-based) of a '$$' written on its own line right under a paragraph's text, in the
    paragraph that starts at ``first``: MyST does not let a display interrupt a paragraph, so its
    '$'s pair as inline math across lines."""
    number = first
    while 0 < number <= len(lines) and not lines[number - 1].strip():  # MyST's map: where it starts
        number += 1
    first = number
    while number <= len(lines) and lines[number - 1].strip():
        if number > first and lines[number - 1].strip() == "$$":
            return number
        number += 1
    return None


class GatedRenderer(SphinxRenderer):
    """MyST's renderer for a contributor page: no reStructuredText island, located comments."""

    def render_restructuredtext(self, token) -> None:
        rules: PageRules = self.document["workshop-rules"]
        rules.add(
            "directive '{eval-rst}' is not allowed in a talk or speaker page: write Markdown",
            token_line(token, 0),
        )

    def render_hardbreak(self, token) -> None:
        """MyST writes a hard line break ('\\' at a line's end) as raw output: mark those two nodes
        as the renderer's own, so the allow-list tells them from raw output a contributor wrote."""
        super().render_hardbreak(token)
        for node in self.current_node[-2:]:
            node[HARD_BREAK] = True

    def render_code_block(self, token) -> None:
        """Markdown makes a block indented by 4 spaces or a tab into code: on a contributor page
        that is almost always a paragraph indented by mistake (and code escapes the word limit)."""
        super().render_code_block(token)
        rules: PageRules = self.document["workshop-rules"]
        rules.add(
            "indented text becomes a code block: remove the indentation (or fence real code with ```)",
            token_line(token, 0),  # MyST's token lines count from 1 here
            Problem.SAFETY,
        )

    def render_myst_line_comment(self, token) -> None:
        super().render_myst_line_comment(token)
        self.current_node[-1].line = token_line(token, 0)  # MyST's token lines count from 1


class WorkshopMarkdownParser(MystParser):
    """MyST, with the gate around contributor pages."""

    def parse(self, inputstring: str, document: nodes.document) -> None:
        env = document.settings.env
        page = gated_page(env.config, env.docname)
        if page is None:
            super().parse(inputstring, document)
            return
        page_id, folder = page
        source = Path(env.doc2path(env.docname))
        file = source.relative_to(env.srcdir).as_posix()
        rules = PageRules(file, page_id, folder, Path(env.srcdir), source=inputstring.split("\n"))
        source_lines = env.temp_data.get("workshop_source_lines", inputstring.count("\n") + 1)
        refused = env.temp_data.get("workshop_refused", False)  # reported at source-read
        fm_end = front_matter_end(inputstring)
        # Defence in depth: even a directive that got through reads no file and writes no raw output.
        document.settings.file_insertion_enabled = False
        document.settings.raw_enabled = False
        # As MystParser.parse, with the front matter hidden (so no file-level `myst:` settings)
        # and the gated renderer.
        parser = create_md_parser(env.myst_config, GatedRenderer)
        parser.core.ruler.before("text_join", "workshop_lone_dollars", _note_lone_dollars)
        parser.options["document"] = document
        document["workshop-rules"] = rules
        try:
            with _Guard(env, rules):
                tokens_env: dict = {}
                parser.render(blank_front_matter(inputstring, fm_end), tokens_env)
                told: set[int] = set()
                for line, text in tokens_env.get(LONE_DOLLARS, []):
                    if (display := _display_in_paragraph(rules.source, line)) is not None:
                        if display not in told:  # its '$'s paired across lines: one message
                            told.add(display)
                            rules.add(DISPLAY_IN_PARAGRAPH_MESSAGE, display, Problem.MATH)
                        continue
                    rules.add(check_dollars(text), line, Problem.MATH, needle=text)
        except RecursionError:  # markdown-it builds its tree recursively: e.g. 10,000 nested '*'
            document.children.clear()
            parser.render("")  # an empty page, so that MyST's transforms find their settings
            rules.add(
                "the page nests Markdown too deeply (emphasis, brackets, lists or quotes): flatten it", 1
            )
            refused = True
        finally:
            del document["workshop-rules"]
        section = None
        if not refused:  # a refused page is empty: nothing to check
            shown = [node.get("uri", "") for node in document.findall(nodes.image)]  # refused ones too
            expand_page_math(document, rules)  # the page's own math commands and Unicode (mathpage.py)
            check_doctree(document, rules)
            check_ids(document, rules)  # after the allow-list: refused nodes are gone
            _check_comments(document, rules)
            is_talk = folder == env.config.workshop_talks_dir
            if fm_end < source_lines:  # else the front matter is never closed: reported already
                what = _page_kind(env, page_id) if is_talk else "speaker"
                section = _check_title(document, rules, source_lines, inputstring, fm_end, what)
            if section is not None and is_talk and "/" not in page_id:
                limit = env.config.workshop_word_limit
                rules.problems += check_word_limit(section, limit, file, source_lines)
            if is_talk:
                _check_unused_files(shown, rules, inputstring)
        document["workshop-titled"] = section is not None
        if not any(isinstance(child, nodes.section) for child in document.children):
            _placeholder_title(document, page_id)
        problems = sorted(set(rules.problems), key=lambda p: (p.line or 0, p.message))
        if rules.more:
            message = f"{rules.more} more problem(s) on this page: fix the ones above, then build again"
            problems.append(WorkshopError(message, file, 1, Problem.SAFETY))
        report_all(problems)


def _own_files(names: list[str], pages: frozenset[str], page_id: str) -> list[str]:
    """The files ``<page_id>-<name>.<ext>`` of a folder's sorted names that are the page's by the
    one naming rule (owners.owner, also make check-pr's): not another page's (``<page_id>-two.md``,
    its .bib, its ``<page_id>-two-fig.png``), not folders."""
    prefix = f"{page_id}-"
    own = []
    for name in names[bisect.bisect_left(names, prefix) :]:
        if not name.startswith(prefix):
            break
        if os.path.splitext(name)[1] not in (".md", ".bib", "") and owner(name, pages) == page_id:
            own.append(name)
    return own


def _check_unused_files(shown: list[str], rules: PageRules, text: str) -> None:
    """A file of the page's own (``<id>-<name>.<ext>`` next to it) that the page neither shows nor
    lists under 'poster:' is never published: say so at the page, not silently."""
    if rules.srcdir is None:
        return
    own = _own_files(*folder_listing(rules.srcdir / rules.folder), rules.page_id)
    if not own:
        return
    meta = read_talk(rules.page_id, text, rules.file)[0]
    used = {posixpath.normpath(posixpath.join(rules.folder, uri)) for uri in (*shown, *meta.posters)}
    listing = ", list it under 'poster:'" if meta.is_poster else ""  # a talk has no 'poster:'
    for name in own:
        if f"{rules.folder}/{name}" not in used:
            rules.add(
                f"{rules.folder}/{name} is not used by the page, so it is not published: show it "
                f"(![…]({name})){listing}, or delete it",
                1,
                Problem.FILE,
            )


class OneRuleBeforeFootnotes(SphinxTransform):
    """A contributor page that ends with '---' before its footnotes: MyST adds its own rule
    above the footnotes (its footnote transform, priority 623), and docutils then refuses two
    rules in a row (priority 830, a warning with no line). One rule is shown."""

    default_priority = 625

    def apply(self, **kwargs) -> None:
        if not gated_page(self.config, self.env.docname):
            return
        for rule in list(self.document.findall(nodes.transition)):
            if "footnotes" not in rule["classes"] or rule.parent is None:
                continue
            before = rule.previous_sibling()
            while isinstance(before, nodes.section) and before.children:
                before = before[-1]
            if isinstance(before, nodes.transition) and "footnotes" not in before["classes"]:
                before.parent.remove(before)


def _placeholder_title(document: nodes.document, page_id: str) -> None:
    """A page without a title (reported, or refused whole) is listed under its id in the site's
    tables of contents: else Sphinx warns that it has no title, with no location, once for every
    page that shows the sidebar."""
    section = nodes.section("", nodes.title("", page_id), names=[nodes.fully_normalize_name(page_id)])
    document.insert(0, section)
    document.note_implicit_target(section, section)


def _check_comments(document: nodes.document, rules: PageRules) -> None:
    for comment in document.findall(nodes.comment):
        if comment.astext().lstrip().upper().startswith("TODO"):
            rules.add(
                "the page still has a '% TODO' line from the template: do what it says, then delete it",
                node_line(comment),
                Problem.UNFINISHED,
            )


def _page_kind(env, page_id: str) -> str:
    """'talk' or 'poster', as the page's front matter says (read at source-read, before the parse)."""
    return "poster" if env.get_domain("workshop").contribution_type(page_id) == "poster" else "talk"


NO_SPACE_HEADING = re.compile(r" {0,3}(#{1,6})([^#\s].*)")


def _check_title(document, rules: PageRules, source_lines: int, text: str, fm_end: int, what: str):
    """The page's one '# ' title: the section it opens, or None (with the problem noted).
    ``what``: 'talk', 'poster' or 'speaker'."""
    lines = text.split("\n")

    def is_h1(section: nodes.section) -> bool:
        """The heading's own line says '# ', or its text lines end on a setext '===' underline:
        MyST puts a page without H1 under its first '##'."""
        number = node_line(section[0]) or 0
        if not 0 < number <= source_lines:
            return False
        if lines[number - 1].lstrip().startswith("# "):
            return True
        below = number  # the lines after the heading's first, up to its underline
        while below < len(lines) and lines[below].strip() and not lines[below].strip().startswith("="):
            below += 1
        return below < len(lines) and set(lines[below].strip()) == {"="}

    written = [child for child in document.children if isinstance(child, nodes.section) and is_h1(child)]
    if not written or not written[0][0].astext().strip():
        for number in range(fm_end + 1, min(source_lines, len(lines)) + 1):  # '#Title': no space
            if match := NO_SPACE_HEADING.match(lines[number - 1]):
                rules.add(
                    f"'{match.group(1)}{match.group(2)[:40]}' is not a title: Markdown needs a space after "
                    f"'{match.group(1)}' (write '{match.group(1)} {match.group(2)[:40]}')",
                    number,
                    Problem.TITLE,
                )
                return None
        rules.add(
            f"the {what} page has no title: start its body with '# <{what} title>'",
            min(fm_end + 1, source_lines),
            Problem.TITLE,
        )
        return None
    for extra in written[1:]:
        rules.add(
            f"the page has a second '# ' title ('{extra[0].astext()[:60]}'): a page has one '# ' "
            f"title; use '## ' for its sections",
            node_line(extra[0]),
            Problem.TITLE,
        )
    return written[0]


def note_source(app: Sphinx, docname: str, source: list[str]) -> None:
    """source-read, before any other handler: the contributor's own line count (the extension
    may append to the text), and nothing at all of a page that is a link."""
    page = gated_page(app.config, docname)
    app.env.temp_data.pop("workshop_refused", None)
    if page is None:
        return
    file = source_name(app, docname)
    if link := link_on_path(Path(app.srcdir), Path(app.env.doc2path(docname))):
        problem = WorkshopError(
            f"the page must be a regular file, not a link ({link.relative_to(app.srcdir).as_posix()})",
            file,
            1,
            Problem.FILE,
        )
        refused = [problem]
    else:
        refused = check_size(source[0], file)
    if refused:  # nothing of it reaches a parser, a handler or a message: bounded work
        report_all(refused)
        app.env.temp_data["workshop_refused"] = True
        source[0] = ""
    app.env.temp_data["workshop_source_lines"] = source[0].count("\n") + 1


def exclude_subfolder_pages(app: Sphinx, config) -> None:
    """config-inited: only <folder>/<id>.md is a contributor page; nothing deeper is built."""
    for folder in (config.workshop_talks_dir, config.workshop_speakers_dir):
        config.exclude_patterns.append(f"{folder}/*/**")
    folders = [config.workshop_talks_dir, config.workshop_speakers_dir]
    config.exclude_patterns += exclude_patterns_for_links(Path(app.srcdir), folders)  # never walked


def report_subfolder_pages(app: Sphinx, env, docnames: list[str]) -> None:
    """env-before-read-docs (every build): a page in a contributor's folder is an error."""
    srcdir = Path(app.srcdir)
    problems = []
    for folder in (app.config.workshop_talks_dir, app.config.workshop_speakers_dir):
        for path in subfolder_files(srcdir, folder):  # links are not followed: reported below
            if path.suffix in app.config.source_suffix:
                rel = path.relative_to(srcdir).as_posix()
                page = rel.removeprefix(folder + "/").split("/")[0]
                problems.append(
                    WorkshopError(
                        f"pages in {folder}/{page}/ are not built: write the text in {folder}/{page}.md "
                        f"(the folder is for your images)",
                        rel,
                        1,
                        Problem.FILE,
                    )
                )
    folders = [app.config.workshop_talks_dir, app.config.workshop_speakers_dir]
    problems += link_problems(srcdir, folders, app.config.source_suffix)
    report_all(problems)


def no_source_copy_of_links(app: Sphinx, pagename: str, templatename, context: dict, doctree) -> None:
    """html-page-context: a contributor page that is a link is not copied into ``_sources``
    (Sphinx copies the file the link points to: a host file would be published)."""
    if gated_page(app.config, pagename) and link_on_path(Path(app.srcdir), Path(app.env.doc2path(pagename))):
        context["sourcename"] = ""


WRITTEN = "_workshop_written_contributor_pages"


def note_written_page(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: a contributor page this build writes (verified when the build ends).
    Noted in the main process, which resolves every page it writes: with ``-j``, the page
    itself is written in another process, whose notes would be lost. Kept on the application,
    not in ``env.temp_data``: Sphinx copies that for every page it resolves (quadratic)."""
    if app.builder.format == "html" and gated_page(app.config, docname):
        app.__dict__.setdefault(WRITTEN, set()).add(docname)


def _verify_page(path: Path) -> list[str]:
    """The problems of one written page (none when it was not written)."""
    if not path.is_file():
        return []
    return verify_html(path.read_text(encoding="utf-8", errors="replace"))


def verify_written_pages(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: each contributor page written by this build, as the browser will read it
    (htmlverify): an element or attribute outside the allow-lists fails the build at the page's
    file and the page is not published. The pages are read over the build's processes (-j)."""
    if exception is not None or app.builder.format != "html":
        return
    problems = []
    pagenames = sorted(app.__dict__.pop(WRITTEN, set()))
    paths = [Path(app.builder.get_outfilename(pagename)) for pagename in pagenames]
    for pagename, path, found in zip(pagenames, paths, in_processes(app, _verify_page, paths), strict=True):
        if found:
            path.unlink()
            file = source_name(app, pagename)
            for problem in found:
                problems.append(
                    WorkshopError(
                        f"the page's HTML holds what no contributor page may ({problem} of "
                        f"{path.relative_to(app.outdir).as_posix()}): it is not published; "
                        "tell the organizers",
                        file,
                        1,
                        Problem.SAFETY,
                    )
                )
    report_all(problems)


def setup_gate(app: Sphinx) -> None:
    app.add_source_parser(WorkshopMarkdownParser, override=True)
    app.add_transform(OneRuleBeforeFootnotes)
    app.connect("html-page-context", no_source_copy_of_links)
    app.connect("doctree-resolved", note_written_page)
    app.connect("build-finished", verify_written_pages, priority=100)  # before the warnings are saved
    app.connect("source-read", note_source, priority=100)
    app.connect("config-inited", exclude_subfolder_pages)
    app.connect("env-before-read-docs", report_subfolder_pages)
