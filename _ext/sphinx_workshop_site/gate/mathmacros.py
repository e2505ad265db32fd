"""Math as people type it, made into the math both renderers read, before the allow-list
(texcheck) reads it: a page's own commands expanded, Unicode math characters written as TeX.

- ``\\newcommand``, ``\\renewcommand``, ``\\providecommand`` (``*`` too) and
  ``\\DeclareMathOperator`` (``*`` too) in a page's math are *expanded here*: the definitions are
  removed, each use is replaced by its body with its arguments (``#1`` … ``#9``) put in. Neither
  MathJax nor LaTeX ever sees a definition, so nothing leaks from one page (or one talk of the
  book) to another, and what is printed is what the allow-list checked.
- Bounded: at most 9 arguments, 100 definitions a page; a definition may use only commands
  defined before it (never itself: no loops), its body is checked by the allow-list, and no
  formula grows past ``texcheck.MAX_LENGTH`` characters once expanded (nor a body).
- ``α``, ``∈``, ``ℝ``, ``≤``, ``→``, ``‖``, ``x²`` … typed in math become ``\\alpha``, ``\\in``,
  ``\\mathbb{R}``, ``\\leq``, ``\\to``, ``\\|``, ``x^{2}`` (not inside ``\\text{…}``, where they are
  text); a character with no TeX command is left for the allow-list to name.
- Labels: ``\\label``, ``\\eqref`` and ``\\ref`` are checked within the page (a label used
  twice, a reference to a label the page does not have).

Line numbers are kept: an expansion is written on the line of its use (the newlines it took
are put back after it), a definition leaves only its newlines. Pure Python, no Sphinx, no
docutils: ``expand_page_macros(texts) -> (texts, problems)``; mathpage.py applies it to a page.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from .budgets import MAX_EXPANSION_WORK, MAX_PAGE_EXPANSION, MAX_PAGE_EXPANSION_WORK
from .texcheck import (
    MATH_VOCABULARY,
    MAX_DEPTH,
    MAX_LENGTH,
    REFUSED,
    SIZED,
    SPECIAL,
    TEXT_COMMANDS,
    check_math,
)

MAX_ARGUMENTS = 9
MAX_DEFINITIONS = 100  # per page
DEFINING = frozenset({"newcommand", "renewcommand", "providecommand", "DeclareMathOperator"})
# Names a page may not define: what the allow-list reads with rules of its own, and what it refuses.
UNDEFINABLE = frozenset(REFUSED) | SPECIAL | SIZED | DEFINING | {"operatorname"}
# Problems of a body that depend on where it is used: checked again, in place, once expanded.
IN_CONTEXT = ("'&' outside an alignment", "only works in an equation written on its own lines")
LABEL = re.compile(r"[A-Za-z0-9:._-]{1,64}\Z")  # what reaches \label{…} in the .tex

TOKEN = re.compile(r"\\[A-Za-z]+|\\.|.", re.DOTALL)
SPACES = frozenset(" \t\n\r")
ENDS_WITH_WORD = re.compile(r"(?<!\\)(?:\\\\)*\\[A-Za-z]+\Z")
DEFINITION = re.compile(
    r"\\(?:newcommand|renewcommand|providecommand|DeclareMathOperator)\*?[ \t\n]*\{?[ \t\n]*\\([A-Za-z]+)"
)
REFERENCE = re.compile(r"\\(label|eqref|ref)[ \t]*\{([^{}\n]*)\}")

# -- Unicode -----------------------------------------------------------------------------------
# What unicode-math and amssymb agree a character is (ε is \varepsilon, ϵ is \epsilon).
UNICODE_MATH: dict[str, str] = {
    # Greek: the rest of the lower and upper case letters by name, below.
    "ε": "\\varepsilon",
    "ϵ": "\\epsilon",
    "φ": "\\varphi",
    "ϕ": "\\phi",
    "θ": "\\theta",
    "ϑ": "\\vartheta",
    "ϰ": "\\varkappa",
    "ϱ": "\\varrho",
    "ϖ": "\\varpi",
    "ς": "\\varsigma",
    "ϝ": "\\digamma",
    "\u00b5": "\\mu",
    "ο": "o",
    "\u2206": "\\Delta",
    "\u2126": "\\Omega",
    "∏": "\\prod",
    "∑": "\\sum",
    # letter-like
    "ℝ": "\\mathbb{R}",
    "ℕ": "\\mathbb{N}",
    "ℤ": "\\mathbb{Z}",
    "ℚ": "\\mathbb{Q}",
    "ℂ": "\\mathbb{C}",
    "ℙ": "\\mathbb{P}",
    "ℍ": "\\mathbb{H}",
    "ℓ": "\\ell",
    "ℏ": "\\hbar",
    "ℵ": "\\aleph",
    "ℑ": "\\Im",
    "ℜ": "\\Re",
    "℘": "\\wp",
    "ℎ": "h",
    "ℒ": "\\mathcal{L}",
    "ℋ": "\\mathcal{H}",
    "ℐ": "\\mathcal{I}",
    "ℛ": "\\mathcal{R}",
    "ℬ": "\\mathcal{B}",
    "ℰ": "\\mathcal{E}",
    "ℱ": "\\mathcal{F}",
    "ℳ": "\\mathcal{M}",
    "ℭ": "\\mathfrak{C}",
    "ℌ": "\\mathfrak{H}",
    "ℨ": "\\mathfrak{Z}",
    "ı": "\\imath",
    "ȷ": "\\jmath",
    "ð": "\\eth",
    "∂": "\\partial",
    "∇": "\\nabla",
    "∞": "\\infty",
    "∅": "\\emptyset",
    "∀": "\\forall",
    "∃": "\\exists",
    "∄": "\\nexists",
    "¬": "\\neg",
    "⊤": "\\top",
    "⊥": "\\perp",
    "⟂": "\\perp",
    "′": "'",
    "″": "''",
    "‴": "'''",
    "°": "^{\\circ}",
    "†": "\\dagger",
    "‡": "\\ddagger",
    "∠": "\\angle",
    "△": "\\triangle",
    "□": "\\square",
    "■": "\\blacksquare",
    "∎": "\\blacksquare",
    "★": "\\bigstar",
    "✓": "\\checkmark",
    # operators
    "±": "\\pm",
    "∓": "\\mp",
    "×": "\\times",
    "÷": "\\div",
    "·": "\\cdot",
    "⋅": "\\cdot",
    "∘": "\\circ",
    "∗": "\\ast",
    "⋆": "\\star",
    "•": "\\bullet",
    "∙": "\\bullet",
    "⊗": "\\otimes",
    "⊕": "\\oplus",
    "⊖": "\\ominus",
    "⊙": "\\odot",
    "⊘": "\\oslash",
    "∪": "\\cup",
    "∩": "\\cap",
    "⊔": "\\sqcup",
    "⊓": "\\sqcap",
    "⊎": "\\uplus",
    "∧": "\\wedge",
    "∨": "\\vee",
    "∖": "\\setminus",
    "−": "-",
    "‐": "-",
    "–": "-",
    "∕": "/",
    "∐": "\\coprod",
    "∫": "\\int",
    "∬": "\\iint",
    "∭": "\\iiint",
    "∮": "\\oint",
    "⋃": "\\bigcup",
    "⋂": "\\bigcap",
    "⨁": "\\bigoplus",
    "⨂": "\\bigotimes",
    "⨀": "\\bigodot",
    "⋁": "\\bigvee",
    "⋀": "\\bigwedge",
    "⊠": "\\boxtimes",
    "⊞": "\\boxplus",
    "⋉": "\\ltimes",
    "⋊": "\\rtimes",
    "≀": "\\wr",
    "√": "\\surd",
    # relations
    "≤": "\\leq",
    "≥": "\\geq",
    "≦": "\\leqq",
    "≧": "\\geqq",
    "⩽": "\\leqslant",
    "⩾": "\\geqslant",
    "≠": "\\neq",
    "≈": "\\approx",
    "≡": "\\equiv",
    "∼": "\\sim",
    "≃": "\\simeq",
    "≅": "\\cong",
    "≊": "\\approxeq",
    "∝": "\\propto",
    "≪": "\\ll",
    "≫": "\\gg",
    "≺": "\\prec",
    "≻": "\\succ",
    "⪯": "\\preceq",
    "⪰": "\\succeq",
    "≼": "\\preccurlyeq",
    "≽": "\\succcurlyeq",
    "∈": "\\in",
    "∉": "\\notin",
    "∋": "\\ni",
    "⊂": "\\subset",
    "⊃": "\\supset",
    "⊆": "\\subseteq",
    "⊇": "\\supseteq",
    "⊊": "\\subsetneq",
    "⊋": "\\supsetneq",
    "⊏": "\\sqsubset",
    "⊐": "\\sqsupset",
    "⊑": "\\sqsubseteq",
    "⊒": "\\sqsupseteq",
    "∣": "\\mid",
    "∤": "\\nmid",
    "∥": "\\parallel",
    "∦": "\\nparallel",
    "⊢": "\\vdash",
    "⊣": "\\dashv",
    "⊨": "\\models",
    "≍": "\\asymp",
    "≐": "\\doteq",
    "≜": "\\triangleq",
    "≲": "\\lesssim",
    "≳": "\\gtrsim",
    "≮": "\\nless",
    "≯": "\\ngtr",
    "≰": "\\nleq",
    "≱": "\\ngeq",
    "≔": ":=",
    "≕": "=:",
    "∴": "\\therefore",
    "∵": "\\because",
    "⋘": "\\lll",
    "⋙": "\\ggg",
    "⊲": "\\vartriangleleft",
    "⊳": "\\vartriangleright",
    "⊴": "\\trianglelefteq",
    "⊵": "\\trianglerighteq",
    "≗": "\\circeq",
    "∽": "\\backsim",
    # arrows
    "→": "\\to",
    "←": "\\leftarrow",
    "↔": "\\leftrightarrow",
    "⇒": "\\Rightarrow",
    "⇐": "\\Leftarrow",
    "⇔": "\\Leftrightarrow",
    "↦": "\\mapsto",
    "⟶": "\\longrightarrow",
    "⟵": "\\longleftarrow",
    "⟷": "\\longleftrightarrow",
    "⟹": "\\Longrightarrow",
    "⟸": "\\Longleftarrow",
    "⟺": "\\Longleftrightarrow",
    "⟼": "\\longmapsto",
    "↑": "\\uparrow",
    "↓": "\\downarrow",
    "↕": "\\updownarrow",
    "⇑": "\\Uparrow",
    "⇓": "\\Downarrow",
    "↗": "\\nearrow",
    "↘": "\\searrow",
    "↙": "\\swarrow",
    "↖": "\\nwarrow",
    "↪": "\\hookrightarrow",
    "↩": "\\hookleftarrow",
    "↠": "\\twoheadrightarrow",
    "⇝": "\\rightsquigarrow",
    "⇀": "\\rightharpoonup",
    "⇌": "\\rightleftharpoons",
    "⇉": "\\rightrightarrows",
    "↛": "\\nrightarrow",
    "⇏": "\\nRightarrow",
    "⊸": "\\multimap",
    # delimiters and dots
    "‖": "\\|",
    "⟨": "\\langle",
    "⟩": "\\rangle",
    "⌊": "\\lfloor",
    "⌋": "\\rfloor",
    "⌈": "\\lceil",
    "⌉": "\\rceil",
    "…": "\\dots",
    "⋯": "\\cdots",
    "⋮": "\\vdots",
    "⋱": "\\ddots",
    # spaces
    "\u00a0": " ",
    "\u2002": "\\enspace",
    "\u2003": "\\quad",
    "\u2009": "\\,",
    "\u202f": "\\,",
    "\u2005": "\\;",
    "\u205f": "\\:",
}
SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀ", "0123456789+-=()niT", strict=True))
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼ", "0123456789+-=()aeoxhklmnpstij", strict=True))
# Mathematical alphanumeric symbols (𝐱, 𝒜, 𝔽, 𝕂, 𝖷, 𝚡) by the style in their name.
STYLES = {
    "BOLD": "\\mathbf",
    "ITALIC": "",
    "BOLD ITALIC": "\\boldsymbol",
    "SCRIPT": "\\mathcal",
    "BOLD SCRIPT": "\\mathcal",
    "FRAKTUR": "\\mathfrak",
    "BOLD FRAKTUR": "\\mathfrak",
    "DOUBLE-STRUCK": "\\mathbb",
    "SANS-SERIF": "\\mathsf",
    "MONOSPACE": "\\mathtt",
}
# Only capitals in these (amssymb's \mathbb and LaTeX's \mathcal have no small letters).
CAPITALS_ONLY = frozenset({"\\mathcal", "\\mathbb"})
MATH_LETTER = re.compile(r"MATHEMATICAL (.+?) (CAPITAL|SMALL) ([A-Z]+)\Z|MATHEMATICAL (.+?) DIGIT ([A-Z]+)\Z")
DIGITS = {name: str(i) for i, name in enumerate("ZERO ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE".split())}  # noqa: SIM905
GREEK_NAME = re.compile(r"GREEK (CAPITAL|SMALL) LETTER ([A-Z]+)\Z")
LOOKALIKE_CAPITALS = frozenset("ABEZHIKMNOPTX")  # Greek capitals written as Latin ones


def greek(letter_case: str, word: str) -> str | None:
    """'\\alpha' for (SMALL, ALPHA); 'A' for (CAPITAL, ALPHA) — TeX has no \\Alpha."""
    name = {"LAMDA": "lambda"}.get(word, word.lower())
    if letter_case == "SMALL":
        return f"\\{name}" if name in MATH_VOCABULARY else None
    if name.capitalize() in MATH_VOCABULARY:
        return f"\\{name.capitalize()}"
    latin = {
        "alpha": "A",
        "beta": "B",
        "epsilon": "E",
        "zeta": "Z",
        "eta": "H",
        "iota": "I",
        "kappa": "K",
        "mu": "M",
        "nu": "N",
        "omicron": "O",
        "rho": "P",
        "tau": "T",
        "chi": "X",
    }.get(name)
    return f"\\mathrm{{{latin}}}" if latin else None


def unicode_tex(char: str) -> str | None:
    """The TeX for one character typed in math, or None when it has none here."""
    if char in UNICODE_MATH:
        return UNICODE_MATH[char]
    name = unicodedata.name(char, "")
    if found := GREEK_NAME.match(name):
        return greek(*found.groups())
    if (found := MATH_LETTER.match(name)) is None:
        return None
    if found.group(5):  # a styled digit
        style, text = found.group(4), DIGITS.get(found.group(5))
    else:
        style, letter_case, word = found.groups()[:3]
        if len(word) == 1:
            text = word if letter_case == "CAPITAL" else word.lower()
        else:  # a styled Greek letter (𝛂): bold
            text = greek(letter_case, word)
            style = "BOLD ITALIC" if text and style.startswith("BOLD") else "ITALIC" if text else style
    command = STYLES.get(style)
    if text is None or command is None or (command in CAPITALS_ONLY and not text.isupper()):
        return None
    return f"{command}{{{text}}}" if command else text


# -- Expansion ---------------------------------------------------------------------------------


class Stop(Exception):
    """The formula has a problem that ends its reading (noted already)."""


@dataclass
class Macro:
    arguments: int
    body: list  # str pieces, and int n for #n
    where: tuple[int, int]  # (formula, position) of its definition


@dataclass
class Page:
    texts: list[str]
    macros: dict[str, Macro] = field(default_factory=dict)
    refused: set[str] = field(default_factory=set)  # defined on the page by a refused definition
    problems: list[tuple[int, int, str]] = field(default_factory=list)
    defined_at: dict[str, tuple[int, int]] = field(default_factory=dict)  # each name's LAST definition
    definitions: int = 0


def expand_page_macros(
    texts: list[str], named: dict[int, str] | None = None
) -> tuple[list[str | None], list[tuple[int, int, str]]]:
    """A page's formulas in reading order → (the formulas to print, problems).

    Each formula comes back expanded, or None when it must not be printed (a problem with it is
    noted, or it uses a command whose definition was refused), or '' when it held only
    definitions. Problems are (formula index, 0-based line in that formula, message).
    ``named``: {formula index: label} of the displays named outside their math (``$$ … $$ (X)``,
    ``:label: X``), which ``\\eqref{X}`` may refer to as to a ``\\label{X}``.
    """
    page = Page(texts)
    for index, tex in enumerate(texts):
        if "\\" in tex and len(tex) <= MAX_LENGTH:
            for found in DEFINITION.finditer(tex):
                page.defined_at[found.group(1)] = (index, found.start())  # one place a name: O(1) later
    result: list[str | None] = []
    grown = 0  # characters the page's commands added, all formulas together
    work = 0  # pieces and characters they put out, all formulas together (empty pieces too)
    for index, tex in enumerate(texts):
        if work > MAX_PAGE_EXPANSION_WORK or grown > MAX_PAGE_EXPANSION:  # said once: not expanded
            result.append(None)
            continue
        if len(tex) > MAX_LENGTH or (tex.isascii() and "\\" not in tex):
            result.append(tex)  # too long: the allow-list says so; plain ASCII: nothing to do
            continue
        reader = Reader(page, index, tex)
        try:
            pieces = reader.expand(0, len(reader.tokens), 0, text=False, parameters=None)
            expanded = join(pieces)
            if len(expanded) > MAX_LENGTH:
                reader.problem(
                    0,
                    f"with its commands expanded the formula is {len(expanded)} characters "
                    f"long: at most {MAX_LENGTH}; split it",
                )
        except Stop:
            expanded = None
        work += reader.work
        if work > MAX_PAGE_EXPANSION_WORK and not reader.failed:  # said once, at the first over
            if work - reader.work <= MAX_PAGE_EXPANSION_WORK:
                reader.problem(
                    0,
                    f"the page's commands put out more than {MAX_PAGE_EXPANSION_WORK:,} "
                    "pieces, all formulas together: write the math out",
                    stop=False,
                )
            reader.failed = True
        if expanded is not None and not reader.failed:
            grown += max(0, len(expanded) - len(tex))
            if grown > MAX_PAGE_EXPANSION:  # each formula within its length, the page not: MathJax
                if grown - len(expanded) + len(tex) <= MAX_PAGE_EXPANSION:  # said once, at the first
                    reader.problem(
                        0,
                        f"the page's commands expand its math by more than "
                        f"{MAX_PAGE_EXPANSION:,} characters (here and after): write fewer "
                        "uses, or shorter commands",
                        stop=False,
                    )
                reader.failed = True
        result.append(None if reader.failed else expanded if expanded.strip() else "")
    check_labels(result, page, named or {})
    return result, page.problems


def join(pieces: list) -> str:
    """The pieces as one text, a space kept where a command name would run into a letter."""
    out: list[str] = []
    last = ""
    for piece in pieces:
        if not piece:
            continue
        if last and piece[0].isascii() and piece[0].isalpha() and ENDS_WITH_WORD.search(last[-64:]):
            out.append(" ")
        out.append(piece)
        last = piece
    return "".join(out)


class Reader:
    """One formula of the page, read token by token."""

    def __init__(self, page: Page, index: int, tex: str) -> None:
        self.page = page
        self.index = index
        self.tex = tex
        self.tokens = [(m.group(), m.start()) for m in TOKEN.finditer(tex)]
        self.failed = False
        self.work = 0  # pieces and characters the uses put out: bounded whatever the bodies are

    def problem(self, position: int, message: str, stop: bool = True) -> None:
        self.page.problems.append((self.index, self.tex.count("\n", 0, position), message))
        self.failed = True
        if stop:
            raise Stop

    def at(self, k: int) -> int:
        return self.tokens[k][1] if k < len(self.tokens) else len(self.tex)

    def skip_spaces(self, k: int, end: int) -> int:
        while k < end and self.tokens[k][0] in SPACES:
            k += 1
        return k

    def group_end(self, k: int, end: int) -> int | None:
        """The index of the '}' closing the '{' at ``k`` (before ``end``), or None."""
        depth = 0
        for j in range(k, end):
            token = self.tokens[j][0]
            if token == "{":
                depth += 1
            elif token == "}":
                depth -= 1
                if depth == 0:
                    return j
        return None

    def expand(self, start: int, end: int, depth: int, text: bool, parameters: int | None) -> list:
        """Tokens [start, end) as pieces: definitions read (and dropped), uses replaced.
        ``parameters``: inside the body of a definition with that many arguments (#1 … allowed)."""
        if depth > MAX_DEPTH:
            self.problem(
                self.at(start), f"commands used inside each other more than {MAX_DEPTH} deep: simplify"
            )
        tokens = self.tokens
        pieces: list = []
        groups: list[bool | str] = []  # for each open '{': is it text? '$': math inside text
        text_next = False
        k = start
        while k < end:
            token, position = tokens[k]
            k += 1
            if token[0] == "\\" and len(token) > 1 and token[1].isalpha():
                name = token[1:]
                if name in DEFINING:
                    if parameters is not None or depth:
                        self.problem(
                            position,
                            f"'\\{name}' inside another command or definition: write "
                            "each definition on its own, outside the math it defines",
                        )
                    k = self.define(name, k, end, position)
                    pieces.append("\n" * self.tex.count("\n", position, self.at(k)))
                    continue
                if name in self.page.macros:
                    k = self.use(name, k, end, depth, text, parameters, pieces, position)
                    continue
                if name in self.page.refused:
                    self.failed = True  # its definition's message is the one to read
                    raise Stop
                if name not in MATH_VOCABULARY and self.defined_later(name, position):
                    self.problem(
                        position, f"'\\{name}' is used before its definition: move the definition up"
                    )
                text_next = name in TEXT_COMMANDS
                pieces.append(token)
                continue
            in_text = groups[-1] is True if groups else text
            if token == "{":
                groups.append(text_next or in_text)
            elif token == "}" and groups:
                while len(groups) > 1 and groups[-1] == "$":
                    groups.pop()  # a '$' never closed: the allow-list says so
                groups.pop()
            elif token == "$" and (in_text or (groups and groups[-1] == "$")):
                if in_text:
                    groups.append("$")  # \text{if $x ≥ 0$}: math again
                else:
                    groups.pop()
            elif token == "#" and parameters is not None:
                number = tokens[k][0] if k < end else ""
                if not (number.isdigit() and 1 <= int(number) <= parameters):
                    shown = f"#{number}" if number.isdigit() else "#"
                    needs = f"#1 … #{parameters}" if parameters else "no #"
                    self.problem(
                        position,
                        f"'{shown}' in a definition with {parameters} argument(s): "
                        f"use {needs} (write \\# for a hash sign)",
                    )
                pieces.append(int(number))
                k += 1
                continue
            elif not token.isascii() and not (text_next or in_text):
                k = self.character(token, k, end, pieces)
                continue
            if token not in SPACES:
                text_next = False
            pieces.append(token)
        return pieces

    def character(self, char: str, k: int, end: int, pieces: list) -> int:
        """A Unicode character in math (not text): its TeX, a run of x²³ as x^{23}."""
        for table, mark in ((SUPERSCRIPTS, "^"), (SUBSCRIPTS, "_")):
            if char in table:
                run = [table[char]]
                while k < end and self.tokens[k][0] in table:
                    run.append(table[self.tokens[k][0]])
                    k += 1
                pieces.append(f"{mark}{{{''.join(run)}}}")
                return k
        pieces.append(unicode_tex(char) or char)  # no command: the allow-list names the character
        return k

    def defined_later(self, name: str, position: int) -> bool:
        last = self.page.defined_at.get(name)
        return last is not None and last > (self.index, position)

    # -- a definition ---------------------------------------------------------------------

    def define(self, command: str, k: int, end: int, position: int) -> int:
        """Read the definition after ``\\<command>`` (token ``k``); return where reading goes on.
        A refused definition is noted (the formula is not printed) and skipped; its uses are
        not printed either, without a message of their own."""
        tokens = self.tokens
        usage = (
            "\\DeclareMathOperator{\\rank}{rank}"
            if command == "DeclareMathOperator"
            else f"\\{command}{{\\R}}{{\\mathbb{{R}}}} or \\{command}{{\\norm}}[1]{{\\lVert #1 \\rVert}}"
        )
        star = k < end and tokens[k][0] == "*"
        k = self.skip_spaces(k + star, end)
        name = ""
        if k < end and tokens[k][0] == "{":  # {\R}
            inner = self.skip_spaces(k + 1, end)
            close = self.skip_spaces(inner + 1, end)
            if close < end and tokens[close][0] == "}" and self.is_word(tokens[inner][0]):
                name, k = tokens[inner][0][1:], close + 1
        elif k < end and self.is_word(tokens[k][0]):  # \R
            name, k = tokens[k][0][1:], k + 1
        if not name:
            self.problem(position, f"'\\{command}' needs a command name and its body: {usage}")
        where = f"'\\{command}' of '\\{name}'"
        self.page.definitions += 1
        if self.page.definitions > MAX_DEFINITIONS:
            self.problem(position, f"more than {MAX_DEFINITIONS} definitions on one page: write the math out")
        arguments, optional = 0, False
        k = self.skip_spaces(k, end)
        if command != "DeclareMathOperator" and k < end and tokens[k][0] == "[":
            close = next((j for j in range(k + 1, min(end, k + 6)) if tokens[j][0] == "]"), None)
            number = "".join(token for token, _ in tokens[k + 1 : close]).strip() if close else ""
            if not (number.isdigit() and int(number) <= MAX_ARGUMENTS):
                self.refuse(
                    name,
                    position,
                    f"{where}: the number of arguments must be 0 to {MAX_ARGUMENTS}, as in [2]",
                )
            arguments = int(number)
            k = self.skip_spaces(close + 1, end)
            if k < end and tokens[k][0] == "[":  # [default]: skipped to find the body
                optional = True
                close = next((j for j in range(k + 1, end) if tokens[j][0] == "]"), end)
                k = self.skip_spaces(close + 1, end)
        if not (k < end and tokens[k][0] == "{") or (close := self.group_end(k, end)) is None:
            self.refuse(name, position, f"{where} needs its body in braces: {usage}")
        body_start, after = k + 1, close + 1
        if name in UNDEFINABLE:
            return self.refuse(
                name, position, f"{where}: '\\{name}' cannot be redefined here; choose another name", after
            )
        if optional:
            return self.refuse(
                name,
                position,
                f"{where}: an optional argument ([…] after the number) is not "
                "supported: make every argument a {…} one",
                after,
            )
        if command == "providecommand" and (name in self.page.macros or name in MATH_VOCABULARY):
            return after  # LaTeX keeps the command that exists
        for token, at in tokens[body_start:close]:
            if token == f"\\{name}":
                return self.refuse(
                    name,
                    at,
                    f"{where} uses '\\{name}' itself: TeX would loop forever; write the math out",
                    after,
                )
            later = self.is_word(token) and token[1:] not in self.page.macros
            if later and self.defined_later(token[1:], at):
                return self.refuse(
                    name,
                    at,
                    f"{where} uses '{token}', which is defined after it: "
                    f"move the definition of '{token}' above it",
                    after,
                )
        try:
            body = self.expand(body_start, close, 1, text=False, parameters=arguments)
        except Stop:
            return self.refuse(name, position, "", after)  # noted already
        if command == "DeclareMathOperator":
            body = ["\\operatorname", "*" if star else "", "{", *body, "}"]
        shown = join([" x " if isinstance(piece, int) else piece for piece in body])
        if len(shown) > MAX_LENGTH:
            return self.refuse(
                name,
                position,
                f"{where}: its body is more than {MAX_LENGTH} characters once expanded: write the math out",
                after,
            )
        found = [
            (line, message)
            for line, message in check_math(shown, display=True)
            if not any(part in message for part in IN_CONTEXT)
        ]
        if found:
            line, message = found[0]
            at = self.at(body_start)
            line_start = at + sum(len(part) + 1 for part in self.tex[at:].split("\n", line)[:line])
            return self.refuse(name, line_start, f"{where}: {message}", after)
        body = [piece.replace("\n", " ") if isinstance(piece, str) else piece for piece in body]
        self.page.macros[name] = Macro(arguments, body, (self.index, position))
        self.page.refused.discard(name)
        return after

    def refuse(self, name: str, position: int, message: str, after: int | None = None) -> int:
        """Note a refused definition; go on reading after it (``after``) when its end is known."""
        if message:
            self.problem(position, message, stop=False)
        self.failed = True
        if name:
            self.page.refused.add(name)
            self.page.macros.pop(name, None)
        if after is None:
            raise Stop  # the rest of a definition that could not be read is no math to print
        return after

    @staticmethod
    def is_word(token: str) -> bool:
        return len(token) > 1 and token[0] == "\\" and token[1].isalpha()

    # -- a use ----------------------------------------------------------------------------

    def use(self, name, k, end, depth, text, parameters, pieces, position) -> int:
        """Put the body of ``\\name`` (token k-1) into ``pieces``, its arguments read from token k."""
        macro = self.page.macros[name]
        arguments: list[list] = []
        for _ in range(macro.arguments):
            k = self.skip_spaces(k, end)
            token = self.tokens[k][0] if k < end else ""
            if token in ("", "}", "&"):
                example = "{…}" * macro.arguments
                self.problem(position, f"'\\{name}' needs {macro.arguments} argument(s): \\{name}{example}")
            if token == "{":
                close = self.group_end(k, end)
                if close is None:
                    self.problem(self.at(k), "'{' is not closed: add '}'")
                arguments.append(self.expand(k + 1, close, depth + 1, text, parameters))
                k = close + 1
            else:
                arguments.append(self.expand(k, k + 1, depth + 1, text, parameters))
                k += 1
        # What this use puts out, counted before it is built (pieces and characters: an empty body
        # repeated costs as much as a long one); the formula's own length is checked at its end.
        weights = [len(a) + sum(len(p) for p in a if isinstance(p, str)) for a in arguments]
        self.work += sum(1 + len(p) if isinstance(p, str) else weights[p - 1] for p in macro.body)
        if self.work > MAX_EXPANSION_WORK:
            self.problem(
                position,
                f"with '\\{name}' expanded the formula grows past "
                f"{MAX_EXPANSION_WORK:,} pieces: use the commands inside each other less, or "
                "write the math out",
            )
        for piece in macro.body:
            if isinstance(piece, int):
                pieces.extend(p.replace("\n", " ") if isinstance(p, str) else p for p in arguments[piece - 1])
            else:
                pieces.append(piece)
        pieces.append("\n" * self.tex.count("\n", position, self.at(k)))
        return k


# -- Labels ------------------------------------------------------------------------------------


def check_labels(texts: list[str | None], page: Page, named: dict[int, str]) -> None:
    """Within a page: a label used twice, a reference to a label it does not have."""
    labels: dict[str, int] = {}
    references = []
    for index, tex in enumerate(texts):
        if (label := named.get(index)) is not None:
            if label in labels:
                page.problems.append(
                    (
                        index,
                        0,
                        f"the equation name '{label}' is used twice on this page: give each equation its own",
                    )
                )
            labels[label] = index
        if not tex or "\\" not in tex:
            continue
        for found in REFERENCE.finditer(tex):
            kind, label = found.groups()
            if not LABEL.match(label):
                continue  # the allow-list says what a label may be
            line = tex.count("\n", 0, found.start())
            if kind != "label":
                references.append((index, line, kind, label))
            elif label in labels:
                page.problems.append(
                    (
                        index,
                        line,
                        f"'\\label{{{label}}}' is used twice on this page: give each equation its own label",
                    )
                )
            else:
                labels[label] = index
    for index, line, kind, label in references:
        if label not in labels:
            close = difflib.get_close_matches(label, list(labels), n=1, cutoff=0.7)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            page.problems.append(
                (
                    index,
                    line,
                    (
                        f"'\\{kind}{{{label}}}' refers to no '\\label{{{label}}}' on this page{hint}: "
                        f"label an equation written on its own lines (\\begin{{equation}}…"
                        f"\\label{{{label}}}), or name a $$ … $$ block: $$ … $$ ({label})"
                    ),
                )
            )


# --------------------------------------------------------------------------- math as text

_NORMS = {r"\|": "‖", r"\lVert": "‖", r"\rVert": "‖", r"\Vert": "‖", r"\lvert": "|", r"\rvert": "|"}
_NORM = re.compile("|".join(re.escape(k) + (r"(?![A-Za-z])" if k[-1].isalpha() else "") for k in _NORMS))
_GROUPED_SCRIPT = re.compile(r"([_^])\{([^{}]{2,})\}")


# Symbols pylatexenc does not know (it would drop them: 'a \\ne b' read 'a b'), among the
# commands texcheck allows without an argument.
_MORE_SYMBOLS = {
    "ne": "≠",
    "iff": "⟺",
    "implies": "⟹",
    "impliedby": "⟸",
    "gets": "←",
    "owns": "∋",
    "models": "⊨",
    "ncong": "≇",
    "nsim": "≁",
    "land": "∧",
    "lor": "∨",
    "neg": "¬",
    "bot": "⊥",
    "colon": ":",
    "bmod": "mod",
    **{
        name: name
        for name in ("arg", "cot", "coth", "csc", "deg", "det", "dim", "gcd", "hom", "ker", "lg", "sec")
    },
    "Pr": "Pr",
}
# The one rule of spacing in math as text. The relations and binary operators math_as_text writes
# for commands ('\\in' -> '∈', '\\times' -> '×') have one space on each side whatever the source
# ('W\\in\\mathbb{R}' -> 'W ∈ ℝ', not 'W∈ℝ'; pylatexenc keeps a space after a command only
# when a letter follows it), as TeX spaces them; an operator that is a sign (first, or after an
# opening bracket, a comma, a script mark, a relation or another operator: '±1', 'f(·)', '90^∘')
# has none after it. What the writer typed as characters ('a+b=c', 'x_(i=1)') keeps their spacing.
RELATIONS = "∈∉∋∌≤≥≦≧⩽⩾≠≈≡≢∼≁≃≅≇∝≪≫⊂⊃⊆⊇⊊⊋⊄⊅⊈⊉≺≻⪯⪰≼≽⊥∥∦⊢⊣⊨≐≔≜≍⊏⊐⊑⊒≮≯≰≱→←↔⇒⇐⇔↦⟶⟵⟷⟹⟸⟺⟼↪↩"
OPERATORS = "×·⋅±∓⊗⊕⊖⊙⊘∘∙∪∩∧∨∖⋆÷∗⊎⊓⊔⋄−"
_INFIX = re.compile(f"[ ]*([{RELATIONS}{OPERATORS}])[ ]*")
_BEFORE_A_SIGN = "([{,;:^_=<>" + RELATIONS + OPERATORS
_CLOSING_MATH = ")]},;"


def _spaced(text: str) -> str:
    """``text`` (one line) with its relations and operators spaced by the rule above."""

    def space(match: re.Match) -> str:
        char, before = match.group(1), text[match.start() - 1] if match.start() else ""
        last = match.end() == len(text) or text[match.end()] in _CLOSING_MATH
        if char in OPERATORS and (not before or before in _BEFORE_A_SIGN):  # a sign
            return (" " if match.group().startswith(" ") and before else "") + char
        return ("" if not before or before in "([{" else " ") + char + ("" if last else " ")

    return _INFIX.sub(space, text)


# '\\pmod{n}' or '\\pmod n' -> '(mod n)' (pylatexenc drops the word and keeps its argument)
_PMOD = re.compile(r"\\pmod\s*(?:\{([^{}]*)\}|(\\[A-Za-z]+|\w))")


@functools.cache
def _latex_to_text():
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    symbols = [MacroTextSpec(name, text) for name, text in _MORE_SYMBOLS.items()]
    context = get_default_latex_context_db()
    context.add_context_category("workshop-symbols", macros=symbols, prepend=True)
    return LatexNodes2Text(context, math_mode="text", strict_latex_spaces="based-on-source")


@functools.lru_cache(maxsize=4096)  # a title's formula is read on every page that lists it
def math_as_text(formula: str) -> str:
    """A formula as readable text, where no math can be shown (the PDF outline's bookmarks, the
    titles and descriptions of the calendar, frab and JSON-LD exports, a link to a caption): the one
    TeX-to-text of the package. '\\|X - \\hat{X}\\|_F \\le (1+\\epsilon)' -> '‖X − X̂‖_F ≤ (1+ϵ)',
    '\\frac{a}{b}' -> 'a/b', '\\log n' -> 'log n', 'W\\in\\mathbb{R}^{m\\times n}' -> 'W ∈ ℝ^(m × n)'."""
    formula = _GROUPED_SCRIPT.sub(r"\1(\2)", _NORM.sub(lambda m: _NORMS[m.group()], formula))
    formula = _PMOD.sub(lambda m: rf" (\mathrm{{mod}}\ {m.group(1) or m.group(2)})", formula)
    try:
        text = _latex_to_text().latex_to_text(formula)
    except Exception:  # a formula the checks accepted that pylatexenc cannot read: its letters
        text = re.sub(r"\\[A-Za-z]+|[{}]", "", formula)
    return _spaced(re.sub(r"\s+", " ", text.replace(" - ", " − ")).strip())


# --------------------------------------------------------------------------- prose as text

_MARK = object()  # a footnote or citation mark, a comment: left out, and the space before it
_BREAK = object()  # a hard line break
_CLOSING = ".,;:!?)]}…"  # no space before these where a mark was left out
_BLANKS = re.compile(r"[ \t\r\n]+")  # a soft line break is a space (a no-break space is kept)


def _pieces(node):
    """The text of an inline node, in order: strings, _MARK and _BREAK."""
    from docutils import nodes

    if isinstance(node, nodes.Text):
        yield str(node)
    elif isinstance(node, nodes.math | nodes.math_block):
        yield math_as_text(node.astext())
    elif isinstance(node, nodes.raw):  # raw markup is never text; the gate lets only a hard break in
        if node.get("format") == "html" and node.astext().strip() == "<br />":
            yield _BREAK
    elif isinstance(
        node, nodes.footnote_reference | nodes.citation_reference | nodes.system_message | nodes.comment
    ):
        yield _MARK
    else:
        for child in node.children:
            yield from _pieces(child)


def _inline(node) -> str:
    """A paragraph, a title, a name: one line but for its hard breaks; a left-out mark takes the
    space before it away ('may not exist [1].' -> 'may not exist.')."""
    lines, line, spaced = [], "", False
    for piece in _pieces(node):
        if piece is _MARK:
            kept = line.rstrip()
            spaced, line = spaced or kept != line, kept
        elif piece is _BREAK:
            lines.append(line)
            line, spaced = "", False
        elif piece:
            if spaced and not piece[0].isspace() and piece[0] not in _CLOSING:
                line += " "
            line, spaced = line + piece, False
    lines.append(line)
    return "\n".join(_BLANKS.sub(" ", line).strip() for line in lines)


def plain_text(node) -> str:
    """A docutils node as plain text: the one doctree-to-text of the package (a title, a name, a
    caption, the prose of an abstract). Its math is read by ``math_as_text`` ('$\\frac{a}{b}$' ->
    'a/b', never 'fracab' nor raw TeX). A paragraph is one line (but for its hard breaks); blocks
    are separated by an empty line; a list's items are each on their own line ('• ' or '1. '), an
    admonition's title and text are paragraphs. Code, tables, figures, footnotes, comments, raw
    markup and system messages are left out, and a footnote or citation mark with the space
    before it."""
    from docutils import nodes

    if isinstance(node, nodes.bullet_list | nodes.enumerated_list):
        if isinstance(node, nodes.enumerated_list):
            start, prefix, suffix = node.get("start", 1), node.get("prefix", ""), node.get("suffix", ".")
            marks = [f"{prefix}{start + i}{suffix}" for i in range(len(node.children))]
        else:
            marks = ["•"] * len(node.children)
        return "\n".join(
            mark + " " + _blocks(item.children, "\n") for mark, item in zip(marks, node.children, strict=True)
        )
    if isinstance(node, nodes.Text | nodes.TextElement | nodes.Inline):
        return _inline(node)
    return _blocks(
        node.children, "\n" if isinstance(node, nodes.list_item | nodes.definition_list_item) else "\n\n"
    )


def _blocks(children, separator: str) -> str:
    """The prose blocks among ``children``, each read by ``plain_text``; the others left out."""
    from docutils import nodes

    prose = (
        nodes.paragraph,
        nodes.title,
        nodes.math_block,
        nodes.bullet_list,
        nodes.enumerated_list,
        nodes.definition_list,
        nodes.definition_list_item,
        nodes.term,
        nodes.definition,
        nodes.block_quote,
        nodes.Admonition,
    )
    texts = (plain_text(child).strip() for child in children if isinstance(child, prose))
    return separator.join(text for text in texts if text)


def abstract_text(node) -> str:
    """The prose of a page as plain text: the one text of a talk's abstract in its page's
    description (``<meta name="description">``, OpenGraph, JSON-LD), the calendars, frab and
    schedule.json. ``node`` is the page's section (what comes before its first subsection, its
    title left out) or one paragraph; read by ``plain_text``."""
    from docutils import nodes

    from ..model.safetext import clean_text

    if isinstance(node, nodes.section):
        blocks = itertools.takewhile(lambda child: not isinstance(child, nodes.section), node.children[1:])
        text = _blocks(blocks, "\n\n")
    else:
        text = plain_text(node)
    return clean_text(text)
