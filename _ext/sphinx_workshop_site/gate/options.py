"""The options an allowed directive may take on a contributor page, checked before it runs.

The directives themselves are allowed by name in gate/pages.py; their options reach code that trusts
its caller: Sphinx's ``{code-block}`` turns ``:emphasize-lines: 1-60000000`` into a list of 60
million numbers before it looks at the block. So every option is on an allow-list per directive,
and numbers are bounded: line numbers by the block's own line count, everything else by
``MAX_NUMBER``. A refused option is dropped (the directive runs without it) and reported. Pure Python.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MAX_NUMBER = 10_000  # a start line, a scale, a dedent or a row count past this is no abstract's
ADMONITION = ("class", "name")
CODE_BLOCK = ("caption", "class", "dedent", "emphasize-lines", "force", "lineno-start", "linenos", "name")
IMAGE = ("alt", "align", "class", "height", "name", "scale", "target", "width")
# `class`/`figclass` are here: their values are checked on the doctree with every other class
# (allowlist.ALLOWED_CLASSES); `name` is, for {ref}: its id is checked with every other id (ids.py).
# `loading` (`embed` writes the image as a data: address) and math's `nowrap` are not.
ALLOWED_OPTIONS: dict[str, tuple[str, ...]] = {
    "math": ("class", "label", "name"),
    "admonition": ADMONITION,
    **{
        kind: ADMONITION
        for kind in ("note", "tip", "hint", "important", "warning", "caution", "attention", "seealso")
    },
    "figure": (*IMAGE, "figclass", "figwidth"),
    "image": tuple(option for option in IMAGE if option != "name"),  # an image node takes no id
    "table": ("align", "class", "name", "width", "widths"),
    "list-table": ("align", "class", "header-rows", "name", "stub-columns", "width", "widths"),
    "code-block": CODE_BLOCK,
    "code": ("class", "force", "name", "number-lines"),
    "footbibliography": (),
}
NUMBERS = {"dedent", "lineno-start", "number-lines", "scale", "header-rows", "stub-columns"}
LINE_RANGE = re.compile(r"^\s*([0-9]*)\s*-\s*([0-9]*)\s*$")
LINE = re.compile(r"^[0-9]+$")


def check_options(name: str, options: dict, content: Sequence[str]) -> tuple[dict, list[tuple[str, str]]]:
    """(the options the directive may run with, (option, message) for each option refused)."""
    allowed = ALLOWED_OPTIONS.get(name, ())
    kept, messages = {}, []
    for option, value in options.items():
        if option not in allowed:
            others = ", ".join(f":{o}:" for o in allowed) or "none"
            messages.append(
                (
                    option,
                    f"option ':{option}:' is not allowed on '{{{name}}}' in a talk or speaker page: "
                    f"remove it (allowed: {others})",
                )
            )
        elif problem := _value_problem(option, value, content):
            messages.append((option, f"option ':{option}:' of '{{{name}}}' {problem}"))
        else:
            kept[option] = value
    return kept, messages


def _value_problem(option: str, value, content: Sequence[str]) -> str | None:
    if option == "emphasize-lines":
        return line_spec_problem(str(value), len(content))
    if option == "dedent" and isinstance(value, int) and 0 <= value <= MAX_NUMBER:
        indent = min((len(line) - len(line.lstrip()) for line in content if line.strip()), default=0)
        if value > indent:  # Sphinx would cut text off (and warn at a wrong file name)
            return f"is {value}, more than the block's indentation ({indent}): use at most {indent}"
    if option in NUMBERS and isinstance(value, int | float) and not 0 <= value <= MAX_NUMBER:
        return f"is {value}, outside 0 to {MAX_NUMBER:,}: use a smaller number"
    if option == "widths" and isinstance(value, list) and len(value) > MAX_NUMBER:
        return f"lists {len(value):,} widths: give one per column"
    return None


def line_spec_problem(spec: str, lines: int) -> str | None:
    """What is wrong with a line spec ('1,3-5,8-') for a block of ``lines`` lines, without making
    the list of lines it names (linear in the spec's length)."""
    named = 0
    for part in spec.split(","):
        part = part.strip()
        if match := LINE_RANGE.match(part):
            first, last = match.group(1), match.group(2)
            if not first and not last:
                return f"'{spec[:40]}' has a '-' with no line number: write e.g. '2-4'"
            start = int(first[:8]) if first else 1
            end = int(last[:8]) if last else lines
            if len(first) > 8 or len(last) > 8 or end > lines or start > end or start < 1:
                return (
                    f"names lines {part[:40]} but the block has {lines} line(s): name lines from 1 to {lines}"
                )
            named += end - start + 1
        elif LINE.match(part):
            if not 1 <= int(part[:8]) <= lines or len(part) > 8:
                return (
                    f"names line {part[:40]} but the block has {lines} line(s): name lines from 1 to {lines}"
                )
            named += 1
        else:
            return f"'{spec[:40]}' is not a list of lines: write e.g. '1,3-5'"
        if named > lines:
            return f"'{spec[:40]}…' names more lines than the block has ({lines}): name each line once"
    return None
