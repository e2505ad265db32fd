"""The reference's generated parts (``docs/reference.md``), made from the code's own lists so that
the documentation cannot drift from what the build accepts: the settings, the front matter keys,
the directives, roles and options a contributor page may use, and the TeX a formula may hold.

``make docs`` rewrites each part between its two markers; a test keeps the file current.
"""

from __future__ import annotations

from collections.abc import Callable

from . import config
from .gate import options, texcheck
from .gate import pages as gate
from .model import frontmatter


def _codes(names) -> str:
    return ", ".join(f"`{n}`" for n in sorted(names))


def front_matter_keys() -> str:
    rows = ["| where | keys |", "|---|---|"]
    rows.append(f"| a talk's or poster's page | {_codes(frontmatter.TALK_KEYS)} |")
    rows.append(f"| (a poster's only) | {_codes(frontmatter.POSTER_ONLY_KEYS)} |")
    rows.append(f"| an entry of `authors:` | {_codes(frontmatter.AUTHOR_KEYS)} |")
    rows.append(f"| a speaker's page | {_codes(frontmatter.SPEAKER_KEYS)} |")
    return "\n".join(rows)


def directives_and_roles() -> str:
    cite = ", ".join(f"`{{{a}}}` (as `{{{b}}}`)" for a, b in sorted(gate.CITE_ROLES.items()))
    hints = [*gate.DIRECTIVE_HINTS.items(), *gate.ROLE_HINTS.items()]
    lines = [
        f"- **Directives:** {_codes(gate.ALLOWED_DIRECTIVES)}.",
        f"- **Roles:** {_codes(gate.ALLOWED_ROLES)}; also {cite}: each talk keeps its own references.",
        "- **Names from elsewhere** are refused with what to write instead: "
        + ", ".join(f"`{a}` → `{b}`" for a, b in sorted(hints))
        + ".",
        f"- **Options** of an image or figure: {_codes(options.IMAGE)}; of a code block: "
        f"{_codes(options.CODE_BLOCK)}; of an admonition: {_codes(options.ADMONITION)}.",
    ]
    return "\n".join(lines)


def tex_vocabulary() -> str:
    return "\n".join(
        [
            f"- **Commands** (`\\name`): {_codes(texcheck.MATH_VOCABULARY)}.",
            f"- **In `\\text{{…}}`:** {_codes(texcheck.TEXT_VOCABULARY)}.",
            f"- **Environments:** {_codes(texcheck.ENVIRONMENTS)}.",
            f"- **Limits:** {texcheck.MAX_LENGTH:,} characters a formula, nesting depth "
            f"{texcheck.MAX_DEPTH}.",
        ]
    )


SECTIONS: dict[str, Callable[[], str]] = {
    "settings": config.settings_table,
    "front-matter": front_matter_keys,
    "directives": directives_and_roles,
    "tex": tex_vocabulary,
}


def begin(name: str) -> str:
    return f"<!-- generated: {name} (make docs; do not edit by hand) -->"


def end(name: str) -> str:
    return f"<!-- end generated: {name} -->"


def with_generated(text: str) -> str:
    """``text`` with every generated part between its markers made anew; a part whose markers
    are missing is an error (the reference names them all)."""
    for name, make in SECTIONS.items():
        head, found, rest = text.partition(begin(name))
        _, found_end, tail = rest.partition(end(name))
        if not (found and found_end):
            raise ValueError(f"the markers of the generated part {name!r} are missing")
        text = f"{head}{begin(name)}\n{make()}\n{end(name)}{tail}"
    return text
