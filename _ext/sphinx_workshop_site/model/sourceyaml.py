"""YAML reading that keeps line numbers and never guesses types.

PyYAML's resolvers turn ``13:45`` into 825 and ``2024-11-26`` into a date. Every
scalar here stays the string that was written; the model decides what it means.
"""

from __future__ import annotations

import re

import yaml

from .errors import Problem, WorkshopError

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


class LocStr(str):
    """A string scalar that remembers its 1-based line."""

    line: int

    def __new__(cls, value: str, line: int) -> LocStr:
        obj = super().__new__(cls, value)
        obj.line = line
        return obj


class LocMap(dict):
    """A mapping that remembers its own line and the line of each key."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LocSeq(list):
    """A sequence that remembers its line."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line


def decode(data: bytes, file: str, line_offset: int = 0) -> str:
    """Decode UTF-8 (a leading BOM is dropped); name the line of a bad byte."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1 + line_offset
        raise WorkshopError(
            f"byte 0x{data[err.start]:02x} is not UTF-8: save the file as UTF-8",
            file,
            line,
            Problem.ENCODING,
        ) from None
    # CRLF and lone CR line ends read like LF ones.
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Bounded work for any input: no anchors or aliases (a 400-byte "billion laughs" would expand
# to gigabytes), no tags (they name Python types), limited nesting and size.
MAX_DEPTH = 20
MAX_NODES = 50_000
# A syntax error found by libyaml is worded and located again by PyYAML's pure-Python parser (its
# messages are the clearer ones) when the text is small; the pure parser is 20 to 40 times slower.
MAX_REREAD_CHARS = 20_000
# Without libyaml, the pure parser reads at most this much (a 500-talk programme is about 40 kB).
MAX_PURE_CHARS = 200_000
# YAML reads these as line breaks, a text editor and git do not: line numbers would disagree.
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")
# What PyYAML's reader refuses (C0 controls but tab and line ends, DEL, surrogates, ...), found first
# so the line is exact whichever parser runs.
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_CORE_TAG = "tag:yaml.org,2002:"
ANCHOR_MESSAGE = "YAML anchors and aliases (&name, *name) are not allowed: write the value out"
DEPTH_MESSAGE = f"the YAML is nested more than {MAX_DEPTH} levels deep: flatten it"


def parse(text: str, file: str, line_offset: int = 0) -> LocMap | LocSeq | LocStr | None:
    """Parse one YAML document into Loc* values; raise WorkshopError on bad syntax.

    ``line_offset`` is added to every line (for YAML embedded in a larger file). Values are built
    from the parser's events, one at a time, so anchors, aliases, tags, deep nesting and too many
    values are refused where they start, before any of them is expanded.
    """
    for pattern, what in ((_YAML_ONLY_BREAKS, "invisible line break"), (_NON_PRINTABLE, "control character")):
        if odd := pattern.search(text):
            line = text.count("\n", 0, odd.start()) + 1 + line_offset
            message = f"the {what} U+{ord(odd.group()):04X} is not allowed: delete it"
            raise WorkshopError(message, file, line, Problem.YAML)
    fast = getattr(yaml, "CSafeLoader", None)  # libyaml: the same events, 20 to 40 times faster
    if fast is not None:
        try:
            return _Builder(file, line_offset).build(yaml.parse(text, Loader=fast))
        except yaml.YAMLError as err:
            if len(text) > MAX_REREAD_CHARS:
                raise _located(err, file, line_offset, text) from None
    elif len(text) > MAX_PURE_CHARS:
        message = f"the YAML has {len(text):,} characters, over the limit of {MAX_PURE_CHARS:,}"
        raise WorkshopError(message + ": is it the right file?", file, 1 + line_offset, Problem.YAML)
    try:
        return _Builder(file, line_offset).build(yaml.parse(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as err:
        raise _located(err, file, line_offset, text) from None


def _located(err: yaml.YAMLError, file: str, offset: int, text: str = "") -> WorkshopError:
    if isinstance(err, yaml.MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        line = (mark.line + 1 if mark else 1) + offset
        problem = err.problem or err.context or "invalid YAML"
        if "maximum nesting depth" in problem:  # libyaml's own limit, met before ours in huge files
            return WorkshopError(DEPTH_MESSAGE, file, line, Problem.YAML)
        if problem == "mapping values are not allowed here" and mark is not None:
            return WorkshopError(_colon_message(text, mark.line), file, line, Problem.YAML)
        return WorkshopError(f"YAML syntax error: {problem}", file, line, Problem.YAML)
    return WorkshopError(f"YAML error: {err}", file, 1 + offset, Problem.YAML)  # pragma: no cover


def _colon_message(text: str, index: int) -> str:
    """PyYAML's 'mapping values are not allowed here', in the project's words: a second ': ' in
    a value (``affiliation: Inria: Lyon``), with the line as it should be written."""
    lines = text.split("\n")
    written = lines[index].strip() if 0 <= index < len(lines) else ""
    key, _, value = written.partition(": ")
    if key and value and not value.startswith(("'", '"', "[", "{")):
        shown = value.strip().replace("\\", "\\\\").replace('"', '\\"')
        name = key.strip().lstrip("- ").strip()[:40]
        return (
            f"YAML syntax error: the value of '{name}' holds ': ', which YAML reads as "
            f'a new key: put the value in quotes, {key.strip()[:40]}: "{shown[:200]}"'
        )
    return "YAML syntax error: a ':' followed by a space inside a value: put the value in quotes"


_NO_KEY = object()


class _Frame:
    """An open mapping or sequence, and (for a mapping) the key waiting for its value."""

    __slots__ = ("container", "key")

    def __init__(self, container: LocMap | LocSeq) -> None:
        self.container = container
        self.key = _NO_KEY


class _Builder:
    """Loc* values from a stream of parser events, with an explicit stack (no recursion)."""

    def __init__(self, file: str, offset: int) -> None:
        self.file = file
        self.offset = offset
        self.stack: list[_Frame] = []
        self.root = None
        self.nodes = 0
        self.documents = 0

    def fail(self, message: str, event: yaml.Event) -> None:
        raise WorkshopError(message, self.file, self.line(event), Problem.YAML)

    def line(self, event: yaml.Event) -> int:
        return event.start_mark.line + 1 + self.offset

    def build(self, events) -> LocMap | LocSeq | LocStr | None:
        for event in events:
            if isinstance(event, yaml.AliasEvent):
                self.fail(ANCHOR_MESSAGE, event)
            if isinstance(event, yaml.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    self.fail(
                        "a second YAML document starts here: a file holds one (remove the '---')", event
                    )
            elif isinstance(event, yaml.NodeEvent):
                self.node(event)
            elif isinstance(event, yaml.CollectionEndEvent):
                frame = self.stack.pop()
                self.add(frame.container, event)
        return self.root

    def node(self, event: yaml.NodeEvent) -> None:
        if event.anchor is not None:
            self.fail(ANCHOR_MESSAGE, event)
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = "!!" + tag.removeprefix(_CORE_TAG) if tag.startswith(_CORE_TAG) else tag
            self.fail(f"YAML tags ('{shown}') are not allowed: write the plain value", event)
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.fail(f"the YAML holds more than {MAX_NODES:,} values: is it the right file?", event)
        if isinstance(event, yaml.ScalarEvent):
            plain = event.style in (None, "")  # PyYAML says None, libyaml ''
            self.add(
                None if plain and _NULL.match(event.value) else LocStr(event.value, self.line(event)), event
            )
            return
        frame = self.stack[-1] if self.stack else None
        if frame is not None and isinstance(frame.container, LocMap) and frame.key is _NO_KEY:
            self.fail("a key must be a plain word, not a list or mapping", event)
        if len(self.stack) >= MAX_DEPTH:
            self.fail(DEPTH_MESSAGE, event)
        container = (
            LocMap(self.line(event))
            if isinstance(event, yaml.MappingStartEvent)
            else LocSeq(self.line(event))
        )
        self.stack.append(_Frame(container))

    def add(self, value, event: yaml.Event) -> None:
        """Put a finished value where it belongs: the root, a list, a key, or a key's value."""
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        container = frame.container
        if isinstance(container, LocSeq):
            container.append(value)
        elif frame.key is not _NO_KEY:
            container[frame.key] = value
            frame.key = _NO_KEY
        else:
            # a scalar key (containers were refused when they started)
            key = event.value
            line = self.line(event)
            if key in container:
                self.fail(
                    f"key '{key}' appears twice in this mapping "
                    f"(first on line {container.key_lines[key]}): keep one",
                    event,
                )
            container.key_lines[key] = line
            frame.key = key
