"""Reading .bib files entry by entry, so that every problem names its file and line, and
merging the files into the one sphinxcontrib-bibtex reads.

Bib keys belong to their talk: an entry of ``abstracts/<id>.bib`` is named ``<id>/<key>`` in the
merged file (``talk_key``), so two talks may use one key for different works, and each talk's
citations resolve in its own file (gate/pages.py). The organizers' files (``bibtex_bibfiles``) are
shared: their keys are merged as written, and one key there is one work.

A .bib file is data, not code. Each file is read on its own: its ``@string`` macros (and the
month names) are expanded inside that file, so one talk's macros never reach another talk's
references. What the merged file holds is plain entries with braced, expanded values: no
``@string``, no ``@preamble``, entry types from ``ENTRY_TYPES`` only, field values with the
accent and formatting commands of ``TEXT_COMMANDS`` only, DOIs bare and URLs allowed by
``urls.url_problem``. The work is linear in the size of the input and bounded by
``MAX_BIB_CHARS`` and ``MAX_BIB_ENTRIES`` per file, checked before anything is parsed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..model.errors import Problem, WorkshopError, did_you_mean
from ..model.safetext import forbidden_in_file
from ..model.schedule import MONTHS as MONTH_NAMES  # the one list of month names
from .bibtext import Budget, Refused, to_bibtex
from .content import stacked_marks
from .urls import doi_problem, normalise_doi, url_problem

MAX_BIB_CHARS = 1_000_000
MAX_BIB_ENTRIES = 200
MAX_BIB_TOKENS = 20_000  # fields, braces and '#' concatenations in one file
MAX_NAMES = 100  # authors (or editors) of one entry: BibTeX's "and others" says the rest
MAX_FILE_NAMES = 2_000  # authors and editors of all the entries of one file
STYLE = "unsrt"  # the pybtex style entries are formatted with to check them (conf.py's bibtex_default_style)
RULES_VERSION = 6  # change it with the rules: cached results of older rules are then not used

# The entry types pybtex's styles can format, and the usual aliases of others (mapped for the
# merged file: a type the style does not know would crash the build).
ENTRY_TYPES = (
    "article",
    "book",
    "booklet",
    "inbook",
    "incollection",
    "inproceedings",
    "manual",
    "mastersthesis",
    "misc",
    "phdthesis",
    "proceedings",
    "techreport",
    "unpublished",
    "online",
    "software",
    "dataset",
    "patent",
)
ENTRY_TYPE_ALIASES = {
    "conference": "inproceedings",
    "electronic": "online",
    "www": "online",
    "thesis": "phdthesis",
    "report": "techreport",
}

# The fields a style prints (pybtex's unsrt, alpha, plain; sphinxcontrib-bibtex's author-year
# labels): read, checked and passed on. Every other field (abstract, file, keywords, groups,
# mendeley-groups, urldate, annote, timestamp, biburl, ...) is dropped unread: nothing in it can
# hurt, or refuse the entry.
TEXT_FIELDS = frozenset(
    {
        "title",
        "booktitle",
        "journal",
        "volume",
        "number",
        "series",
        "pages",
        "chapter",
        "edition",
        "publisher",
        "address",
        "organization",
        "institution",
        "school",
        "howpublished",
        "note",
        "type",
        "year",
        "month",
        "key",
        "isbn",
    }
)
URL_FIELDS = ("url",)
URL_TEXT_FIELDS = ("howpublished", "note")  # may hold \url{...} and \href{...}{...}
PERSON_FIELDS = ("author", "editor")
ADDRESS_FIELDS = ("doi", "url", "eprint", "pubmed")  # printed as written (raw), links built from them
PRINTED_FIELDS = TEXT_FIELDS | frozenset(PERSON_FIELDS) | frozenset(ADDRESS_FIELDS)
# BibLaTeX's names for fields the BibTeX styles print (Better BibLaTeX, Zotero's BibLaTeX export):
# read under the BibTeX name when the entry does not also give that one.
BIBLATEX_FIELDS = {"journaltitle": "journal", "location": "address", "date": "year"}
BIBLATEX_DATE = re.compile(r"\s*(\d{4})(?:-(\d{2}))?")
# 'jul', '{jul}', 'Jul.', '7' as reference managers write a month: printed as its name
MONTHS = {
    **{name[:3].lower(): name for name in MONTH_NAMES},
    **{name.lower(): name for name in MONTH_NAMES},
    **{str(n): name for n, name in enumerate(MONTH_NAMES, 1)},
}

ENTRY_START = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")
KEY = re.compile(r"\s*([^,\s{}()]+)\s*,")
BRACES = re.compile(r"[{}]")
BRACES_AND_PARENS = re.compile(r"[{}()]")
NOT_PLAIN = re.compile(r"[^\t\n\r\x20-\x7e]")  # candidates for the control-character check
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
ARXIV_ID = re.compile(r"^[A-Za-z0-9.+/_-]{1,100}$")  # 2106.09685, math/0211159, 2106.09685v2
WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class RawEntry:
    """One ``@kind{...}`` as written, before parsing."""

    kind: str  # lower-case: article, string, preamble, ...
    key: str | None  # None for @string and @preamble
    text: str
    file: str
    line: int


@dataclass(frozen=True)
class BibEntry:
    """An entry after its file's macros are expanded: what the merged file holds."""

    kind: str  # lower-case, aliases mapped (conference -> inproceedings)
    key: str
    fields: tuple[tuple[str, str], ...]  # (lower-case name, expanded value), in written order
    file: str
    line: int

    @property
    def content(self) -> tuple:
        """What two copies must share to be one work: not field order, not spacing or name case."""
        return self.kind, tuple(
            sorted((name, WHITESPACE.sub(" ", value).strip()) for name, value in self.fields)
        )

    @property
    def text(self) -> str:
        """Plain BibTeX: every value braced and already expanded (values have balanced braces)."""
        body = "".join(f",\n  {name} = {{{value}}}" for name, value in self.fields)
        return f"@{self.kind}{{{self.key}{body}\n}}"


def _error(message: str, file: str, line: int, subtype: Problem = Problem.BIB) -> WorkshopError:
    return WorkshopError(message, file, line, subtype)


def split_bib(text: str, file: str) -> tuple[list[RawEntry], list[WorkshopError]]:
    """Split into entries by balanced braces; text between entries is a comment, as in BibTeX.

    Stops at the entry past ``MAX_BIB_ENTRIES``: nothing after it is looked at."""
    entries: list[RawEntry] = []
    problems: list[WorkshopError] = []
    pos, line, line_pos, tokens = 0, 1, 0, 0
    while match := ENTRY_START.search(text, pos):
        kind = match.group(1).lower()
        line += text.count("\n", line_pos, match.start())  # counted once per character: linear
        line_pos = match.start()
        close = "}" if match.group(2) == "{" else ")"
        depth, end, segment = 1, None, match.end()
        for brace in (BRACES if close == "}" else BRACES_AND_PARENS).finditer(text, match.end()):
            tokens += 1  # pybtex's work is per token: braces, and '=' and '#' on the entry's own level
            if depth == 1:
                tokens += text.count("=", segment, brace.start()) + text.count("#", segment, brace.start())
            depth += 1 if brace.group() in "{(" else -1
            if depth == 1:
                segment = brace.end()
            elif depth == 0:
                end = brace.end()
                break
        if end is None:
            problems.append(_error(f"@{kind} entry is never closed: a '{close}' is missing", file, line))
            break
        body = text[match.end() : end - 1]
        pos = end
        if kind == "comment":
            continue
        if tokens > MAX_BIB_TOKENS:
            message = (
                f"more than {MAX_BIB_TOKENS:,} fields, braces and '#' in one bib file: is it the right file?"
            )
            problems.append(_error(message, file, line))
            break
        if len(entries) == MAX_BIB_ENTRIES:
            problems.append(
                _error(
                    f"more than {MAX_BIB_ENTRIES} entries in one bib file: keep only the works it cites",
                    file,
                    line,
                )
            )
            break
        key = None
        entry_text = text[match.start() : end]
        if kind not in ("string", "preamble"):
            key_match = KEY.match(body)
            if not key_match:
                found = _key_problem(body, kind, file, line)
                problems.append(found[0])
                if found[1] is None:
                    continue
                # read on with the key mended: the entry's other mistakes are told in the same round
                key, written = found[1]
                start = len(match.group()) + body.index(written)
                entry_text = (
                    entry_text[:start] + key + ("" if found[2] else ",") + entry_text[start + len(written) :]
                )
            else:
                key = key_match.group(1)
        entries.append(RawEntry(kind, key, entry_text, file, line))
    return entries, problems


SPACED_KEY = re.compile(r"\s*([^,\s{}()=]+(?:[ \t]+[^,\s{}()=]+)+)[ \t]*,")
KEY_THEN_FIELD = re.compile(r"\s*([^,\s{}()=]+)[ \t]*\n\s*[A-Za-z][\w-]*\s*=")


def _key_problem(body: str, kind: str, file: str, line: int):
    """(the error, (mended key, key as written) or None, whether the comma is there)."""
    if spaced := SPACED_KEY.match(body):
        written = spaced.group(1)
        mended = re.sub(r"\s+", "_", written)
        message = (
            f"bib key '{written}' has a space: a key is one word; write '{mended}' here and where it is cited"
        )
        return _error(message, file, line), (mended, written), True
    if bare := KEY_THEN_FIELD.match(body):
        message = f"bib entry '{bare.group(1)}': a comma is missing after the key, at the end of line {line}"
        return _error(message, file, line), (bare.group(1), bare.group(1)), False
    return _error(f"@{kind} entry has no key before its first ','", file, line), None, True


def _mended_key(problem: WorkshopError) -> bool:
    """A key problem split_bib read on from (the entry's other mistakes are told too)."""
    return "has a space: a key is one word" in problem.message or "a comma is missing after the key" in (
        problem.message
    )


def _control_character(text: str) -> tuple[int, str] | None:
    """(offset, character) of the first control or invisible formatting character, if any: the
    rule of every other source (safetext; U+200C and U+200D, which Persian and Indic names need,
    are text)."""
    return forbidden_in_file(text) if NOT_PLAIN.search(text) else None


def _invisible(raw: RawEntry, found: tuple[int, str], line: int) -> WorkshopError:
    char = found[1]
    name = unicodedata.name(char, "a control character")
    where = f"bib entry '{raw.key}'" if raw.key else f"@{raw.kind}"
    return _error(f"{where}: invisible character U+{ord(char):04X} ({name}): delete it", raw.file, line)


def _not_printed(name: str, written: dict[str, str]) -> bool:
    """An eprint of another archive than arXiv (the styles would print it as an arXiv link)."""
    if name != "eprint":
        return False
    archive = (written.get("archiveprefix") or written.get("eprinttype") or "arxiv").strip(" {}")
    return archive.lower() != "arxiv"


def _strip_braces(value: str) -> str:
    """``{{10.1/x}}`` -> ``10.1/x``: protective braces around an address or a DOI."""
    value = value.strip()
    while value.startswith("{") and value.endswith("}") and _balanced(value[1:-1]):
        value = value[1:-1].strip()
    return value


def _balanced(text: str) -> bool:
    depth = 0
    for brace in BRACES.finditer(text):
        depth += 1 if brace.group() == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def _unescape_address(value: str) -> str:
    """Addresses are written with LaTeX escapes in .bib files (``\\_``, ``\\%``): the address itself."""
    return re.sub(r"\\([_%&#~$])", r"\1", _strip_braces(value))


def _text_problem(name: str, value: str, budget: Budget) -> tuple[str | None, str]:
    """(why a printed field cannot be shown or None, its value as the merged file holds it)."""
    try:
        links, math = name in URL_TEXT_FIELDS, name not in PERSON_FIELDS
        return None, to_bibtex(value, name, links=links, math=math, budget=budget)
    except Refused as err:
        return str(err), value


def _address_problems(name: str, value: str) -> tuple[str | None, str]:
    """(why the field's address may not be published or None, the value to keep)."""
    if name == "doi":
        doi = normalise_doi(_unescape_address(value))
        problem = doi_problem(doi)
        if problem is None and re.search(r"[\\{}\"\s]", doi):
            problem = f"'{doi[:80]}' is not a DOI (a DOI looks like 10.1234/abc)"
        return (f"field 'doi': {problem}" if problem else None), doi
    if name in URL_FIELDS:
        address = _unescape_address(value)
        problem = url_problem(address)
        return (f"field '{name}': {problem}" if problem else None), address
    if name == "eprint":
        address = _unescape_address(value)
        scheme = SCHEME.match(address)
        # an arXiv id ("2301.00774", "arXiv:2301.00774") is no address; anything with a scheme is
        if scheme and scheme.group(1).lower() != "arxiv":
            problem = url_problem(address)
            return (f"field 'eprint': {problem}" if problem else None), address
        identifier = re.sub(r"^arxiv:\s*", "", address, flags=re.I)
        if not ARXIV_ID.match(identifier):
            return f"field 'eprint': '{identifier[:80]}' is not an arXiv id (like 2106.09685)", value
        return None, identifier
    if name == "pubmed":
        identifier = _strip_braces(value)
        problem = None if identifier.isdigit() else f"field 'pubmed': '{identifier[:80]}' is not a PubMed id"
        return problem, identifier
    return None, value


def _parser_detail(err: Exception) -> str:
    from pybtex.database.input.bibtex import UndefinedMacro

    if isinstance(err, UndefinedMacro):
        name = str(err.args[0]) if err.args else "?"
        name = getattr(err, "message", name)
        return (
            f"'{name}' is not defined: define it above with @string{{{name} = {{...}}}} in this file, "
            "or write the value in braces"
        )
    detail = re.sub(r"^.*?line \d+:\s*", "", str(err)).strip()
    return detail or getattr(err, "error_type", "syntax error")


FIELD_END = re.compile(r"^\s*[A-Za-z][\w-]*\s*=\s*\S.*?[}\"\w]\s*$")


def _field_without_comma(text: str, offset: int) -> int | None:
    """The 0-based line before ``offset`` (blank lines skipped) when it is a whole field with no
    comma at its end and ``offset`` starts another field: the usual cause of "'}' expected"."""
    lines = text.split("\n")
    if not 0 < offset < len(lines) or not re.match(r"\s*[A-Za-z][\w-]*\s*=", lines[offset]):
        return None
    before = offset - 1
    while before > 0 and not lines[before].strip():
        before -= 1
    return before if FIELD_END.match(lines[before]) else None


def _scan(entry: RawEntry, macros) -> tuple[tuple | None, list[int], WorkshopError | None]:
    """pybtex's low-level parser on one entry, with the file's macros; field lines recorded."""
    from pybtex.database.input.bibtex import LowLevelParser
    from pybtex.scanner import PybtexSyntaxError

    field_lines: list[int] = []

    class Locating(LowLevelParser):
        def parse_field(self):
            name = self.optional([self.NAME])
            if not name:
                return
            self.current_field_name = name.value
            field_lines.append(self.lineno)
            self.required([self.EQUALS])
            self.parse_value()

    what = f"bib entry '{entry.key}'" if entry.key else f"@{entry.kind}"
    try:
        commands = list(Locating(entry.text, macros=macros))
    except PybtexSyntaxError as err:
        offset = max((getattr(err, "lineno", None) or 1) - 1, 0)
        detail = _parser_detail(err)
        if "expected" in detail and (before := _field_without_comma(entry.text, offset)) is not None:
            line = entry.line + before
            message = (
                f"{what}: a comma is missing at the end of line {line}? (each field but the last has one)"
            )
            return None, [], _error(message, entry.file, line)
        return None, [], _error(f"{what}: {detail}", entry.file, entry.line + offset)
    except Exception as err:  # never a traceback for a contributor's file
        return None, [], _error(f"{what}: {err}", entry.file, entry.line)
    if len(commands) != 1:
        return None, [], _error(f"{what} cannot be read", entry.file, entry.line)
    return commands[0], field_lines, None


def read_entries(
    raw_entries: list[RawEntry], file: str, style: str = STYLE
) -> tuple[list[BibEntry], list[WorkshopError]]:
    """Expand each file's macros in its own entries and check every field."""
    from pybtex.bibtex.utils import split_name_list
    from pybtex.database import Person
    from pybtex.database.input.bibtex import month_names
    from pybtex.textutils import normalize_whitespace
    from pybtex.utils import CaseInsensitiveDict

    macros = CaseInsensitiveDict(month_names)  # this file's own: @string never leaves its file
    entries: list[BibEntry] = []
    problems: list[WorkshopError] = []
    names_in_file = 0
    budget = Budget()  # the LaTeX parser's work for this file
    for raw in raw_entries:
        # an entry's fields are looked at one by one below: a character in a field no style
        # prints (a soft hyphen pasted into an abstract) refuses nothing
        head = raw.text if raw.kind in ("string", "preamble") else raw.text[: raw.text.find(",") + 1]
        if (found := _control_character(head)) is not None:
            problems.append(_invisible(raw, found, raw.line + head.count("\n", 0, found[0])))
            continue
        if raw.kind == "preamble":
            problems.append(
                _error(
                    "@preamble is not allowed: it puts LaTeX code into the book; delete it and write "
                    "accents in the fields themselves (e.g. {\\'e})",
                    file,
                    raw.line,
                )
            )
            continue
        if raw.kind == "string":
            _result, _lines, err = _scan(raw, macros)
            if err is not None:
                hint = "" if "is not defined" in err.message else ": write it as @string{name = {value}}"
                problems.append(_error(f"{err.message}{hint}", err.file, err.line))
            continue
        kind = ENTRY_TYPE_ALIASES.get(raw.kind, raw.kind)
        if kind not in ENTRY_TYPES:
            hint = did_you_mean(raw.kind, ENTRY_TYPES + tuple(ENTRY_TYPE_ALIASES))
            problems.append(
                _error(
                    f"unknown entry type '@{raw.kind}'{hint}: use one of {', '.join(ENTRY_TYPES)}",
                    file,
                    raw.line,
                )
            )
            continue
        result, field_lines, err = _scan(raw, macros)
        if err is not None:
            problems.append(err)
            continue
        _command, (key, written_fields) = result
        fields: list[tuple[str, str]] = []
        seen: set[str] = set()
        bad = False
        written = {name.lower(): "".join(parts) for name, parts in written_fields}
        for (name, parts), field_line in zip(written_fields, field_lines, strict=False):
            line = raw.line + field_line - 1
            lower = name.lower()
            if lower in seen:
                problems.append(_error(f"bib entry '{key}': field '{lower}' is given twice", file, line))
                bad = True
                continue
            seen.add(lower)
            if (alias := BIBLATEX_FIELDS.get(lower)) is not None and alias not in written:
                if lower == "date":  # 2023-03-15: the year, and the month when the entry has none
                    if (date := BIBLATEX_DATE.match("".join(parts))) is None:
                        continue
                    if date.group(2) and "month" not in written and 1 <= int(date.group(2)) <= 12:
                        fields.append(("month", MONTH_NAMES[int(date.group(2)) - 1]))
                    parts = [date.group(1)]
                lower = alias
            if lower not in PRINTED_FIELDS or _not_printed(lower, written):
                continue  # no style prints it: dropped, not judged
            joined = "".join(parts)
            if (found := _control_character(joined)) is not None:
                problems.append(_invisible(raw, found, line + joined.count("\n", 0, found[0])))
                bad = True
                continue
            value = normalize_whitespace(joined)
            problem = None
            if lower in PERSON_FIELDS:  # counted as written, before the text is read
                names_in_file += (count := len(split_name_list(value)))
                if count > MAX_NAMES:
                    problem = (
                        f"field '{lower}': over {MAX_NAMES} names: give the first ones, then 'and others'"
                    )
                elif names_in_file > MAX_FILE_NAMES:
                    problem = (
                        f"field '{lower}': over {MAX_FILE_NAMES:,} names in the file: is it the right file?"
                    )
            if problem is None and lower in ADDRESS_FIELDS:
                problem, value = _address_problems(lower, value)
            elif problem is None:
                problem, value = _text_problem(lower, value, budget)
            if problem is None and lower in PERSON_FIELDS:
                try:
                    for person in split_name_list(value):
                        Person(person)
                except Exception as person_err:  # pybtex raises plain errors for a bad name
                    problem = f"field '{lower}': {person_err}"
            if problem is None and lower == "month":
                value = MONTHS.get(value.strip("{} .").lower(), value)
            if problem is not None:
                if problem:  # "": the file's LaTeX budget, already reported
                    problems.append(_error(f"bib entry '{key}': {problem}", file, line))
                bad = True
            fields.append((lower, value))
        if bad:
            continue
        entry = BibEntry(kind, key, tuple(fields), file, raw.line)
        if (problem := _format_problem(entry, style)) is not None:
            problems.append(_error(f"bib entry '{key}': {problem}", file, raw.line))
            continue
        entries.append(entry)
    return entries, problems


_STYLES: dict = {}
_SHAPES: dict[tuple, str | None] = {}  # (style, type, fields present and empty) -> problem


def _format_problem(entry: BibEntry, style_name: str) -> str | None:
    """Format the entry as the build will: a missing required field is an exception there.

    Whether it is missing depends on the entry's type and which fields it has, not on their
    text: one formatting (pybtex takes a millisecond) per shape, of an entry of that shape."""
    shape = (
        style_name,
        entry.kind,
        tuple(sorted((name, bool(value.strip())) for name, value in entry.fields)),
    )
    if shape not in _SHAPES:
        _SHAPES[shape] = _format_shape(*shape)
    return _SHAPES[shape]


def _format_shape(style_name: str, kind: str, fields: tuple[tuple[str, bool], ...]) -> str | None:
    from pybtex.database import Entry, Person
    from pybtex.plugin import find_plugin
    from pybtex.style.template import FieldIsMissing

    try:
        if style_name not in _STYLES:
            _STYLES[style_name] = find_plugin("pybtex.style.formatting", style_name)()
        style = _STYLES[style_name]
    except Exception:  # an unknown style is the configuration's problem, reported by Sphinx
        return None
    # pybtex reads an empty name list as no such field at all
    persons = {name: [Person("Doe, Jane")] for name, filled in fields if name in PERSON_FIELDS and filled}
    values = [(name, "1" if filled else "") for name, filled in fields if name not in PERSON_FIELDS]
    entry = Entry(kind, fields=values, persons=persons)
    entry.key = "key"
    try:
        style.format_entry("1", entry)
    except FieldIsMissing as err:
        return f"@{kind} entries need the field '{err.field_name}': add it, or make the entry a @misc"
    except Exception as err:  # never a traceback in the build for a contributor's entry
        return f"an @{kind} entry with these fields cannot be formatted ({err}): make it a @misc"
    return None


def read_bib(text: str, file: str, style: str = STYLE) -> tuple[list[BibEntry], list[WorkshopError]]:
    """One file's entries, macros expanded, every problem located; bounded before any parsing."""
    if len(text) > MAX_BIB_CHARS:
        message = f"the bib file is over {MAX_BIB_CHARS:,} characters: is it the right file?"
        return [], [_error(message, file, 1)]
    if found := stacked_marks(text):  # the page budget: marks piled on one character hang XeTeX
        return [], [_error(found[1], file, found[0])]
    raw_entries, problems = split_bib(text, file)
    if problems and not all(_mended_key(p) for p in problems):  # broken or oversized: nothing merged
        return [], problems
    entries, found = read_entries(raw_entries, file, style)
    if problems:  # a key mended to read on: every mistake told, nothing merged
        return [], problems + found
    return entries, problems + found
