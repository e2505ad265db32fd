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


def parse(text: str, file: str, line_offset: int = 0) -> LocMap | LocSeq | LocStr | None:
    """Parse one YAML document into Loc* values; raise WorkshopError on bad syntax.

    ``line_offset`` is added to every line (for YAML embedded in a larger file).
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        problem = err.problem or err.context or "invalid YAML"
        raise WorkshopError(f"YAML syntax error: {problem}", file, line, Problem.YAML) from None
    except yaml.YAMLError as err:  # pragma: no cover - PyYAML marks nearly everything
        raise WorkshopError(f"YAML error: {err}", file, 1 + line_offset, Problem.YAML) from None
    if node is None:
        return None
    return _convert(node, file, line_offset)


def _convert(node: yaml.Node, file: str, offset: int):
    line = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.ScalarNode):
        if node.style is None and _NULL.match(node.value):
            return None
        return LocStr(node.value, line)
    if isinstance(node, yaml.SequenceNode):
        seq = LocSeq(line)
        seq.extend(_convert(item, file, offset) for item in node.value)
        return seq
    if isinstance(node, yaml.MappingNode):
        mapping = LocMap(line)
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1 + offset
            if not isinstance(key_node, yaml.ScalarNode):
                raise WorkshopError(
                    "a key must be a plain word, not a list or mapping",
                    file,
                    key_line,
                    Problem.YAML,
                )
            key = key_node.value
            if key in mapping:
                raise WorkshopError(
                    f"key '{key}' appears twice in this mapping "
                    f"(first on line {mapping.key_lines[key]}): keep one",
                    file,
                    key_line,
                    Problem.YAML,
                )
            mapping.key_lines[key] = key_line
            mapping[key] = _convert(value_node, file, offset)
        return mapping
    raise WorkshopError("unsupported YAML node", file, line, Problem.YAML)  # pragma: no cover
