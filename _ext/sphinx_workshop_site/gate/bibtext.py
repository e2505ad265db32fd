"""The LaTeX of a printed .bib field as the site and the book show it. Sphinx-free.

Reference managers write fields in LaTeX (``\\textendash``, ``{\\"o}``, ``{\\TH}``, ``\\&``,
``$\\beta$``, ``\\href{…}{…}``). pybtex would show most of it as raw TeX, so each printed field
is read here (pylatexenc's parser) and written again for the merged file as:

- text: every accent, letter and symbol command pylatexenc knows turned into its Unicode
  character (plus the Vietnamese ``\\uhorn``/``\\ohorn`` it lacks), formatting commands
  (``\\emph{x}``, ``{\\bf x}``) giving way to their text, braces kept (they keep a word's case);
- math (``$…$``, ``\\(…\\)``): checked by the project's math allow-list (``texcheck.check_math``)
  and written as a token that the docutils backend (bibliography.py) turns into a math node:
  MathJax on the site, ``\\(…\\)`` in the book;
- ``\\url{…}`` and ``\\href{…}{…}`` (in ``note`` and ``howpublished``): their address checked by
  ``urls.url_problem``, written as a link token;
- a character pybtex's LaTeX decoder would change (``%``, ``$``, ``~``, ``\\``, ``{``, ``}``): a
  literal-text token.

Any other command (``\\input``, ``\\write``, ``\\catcode``, ``\\def``, …) is refused by name.

A token is ``{`` U+E000, a kind letter, hexadecimal UTF-8, U+E001 ``}``: braced, so pybtex's case
changes leave it alone; hexadecimal, so its LaTeX decoder has nothing to decode. Decoding checks
a math token again, so a token typed by hand can produce nothing the allow-list would refuse.
"""

from __future__ import annotations

import re
import unicodedata

from .budgets import MAX_BLOCK_CHARS
from .urls import url_problem

OPEN, CLOSE = "\ue000", "\ue001"
TOKEN = re.compile(f"{OPEN}([mtl])([0-9a-fA-F]*)(?:\\.([0-9a-fA-F]*))?{CLOSE}")
# one printed field: a paragraph of the page's budget (at 18x escaping, within TeX's line buffer);
# an abstract is not printed (and not read)
MAX_FIELD_CHARS = MAX_BLOCK_CHARS
MAX_MATH_LENGTH = 2_000  # one formula in a reference

# Accent commands and the combining character each puts on its letter.
ACCENTS = {
    "'": "\u0301",
    '"': "\u0308",
    "^": "\u0302",
    "`": "\u0300",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "d": "\u0323",
    "b": "\u0331",
    "t": "\u0361",
    "r": "\u030a",
    "k": "\u0328",
}
# Letters and symbols pylatexenc does not know (T5 encoding's Vietnamese letters, TeX logos, …).
EXTRA_SYMBOLS = {
    "uhorn": "ư",
    "Uhorn": "Ư",
    "ohorn": "ơ",
    "Ohorn": "Ơ",
    "textless": "<",
    "textgreater": ">",
    "textbar": "|",
    "textunderscore": "_",
    "textdollar": "$",
    "TeX": "TeX",
    "LaTeX": "LaTeX",
    "LaTeXe": "LaTeX2e",
    "BibTeX": "BibTeX",
    "XeTeX": "XeTeX",
    "LuaTeX": "LuaTeX",
    "textquotesingle": "'",
    "textquotedbl": '"',
    "slash": "/",
    "textasciigrave": "`",
    ",": "\u2009",
    ";": "\u2005",
    ":": "\u2005",
    " ": " ",
    "\\": " ",
    "/": "",
    "-": "",
    "@": "",
    "%": "%",
    "&": "&",
    "$": "$",
    "#": "#",
    "_": "_",
    "{": "{",
    "}": "}",
    "i": "ı",
    "j": "ȷ",
}
# Commands whose argument is the text shown (braced: it keeps its case).
FORMATTING = frozenset(
    {
        "emph",
        "textit",
        "textbf",
        "textsc",
        "texttt",
        "textrm",
        "textsf",
        "textup",
        "textnormal",
        "textsl",
        "textmd",
        "textsuperscript",
        "textsubscript",
        "mbox",
        "text",
        "hbox",
        "enquote",
        "uppercase",
        "MakeUppercase",
        "ensuremath",
    }
)
# Font declarations ({\bf x}, {\em x}): the text stays, the declaration goes.
DECLARATIONS = frozenset(
    {
        "bf",
        "it",
        "em",
        "sc",
        "rm",
        "tt",
        "sf",
        "sl",
        "bfseries",
        "itshape",
        "mdseries",
        "upshape",
        "scshape",
        "slshape",
        "normalfont",
        "sffamily",
        "rmfamily",
        "ttfamily",
        "relax",
        "protect",
        "nocorr",
        "small",
        "footnotesize",
        "scriptsize",
        "large",
        "Large",
        "normalsize",
    }
)
LINK_COMMANDS = ("url", "href")
LOGOS = frozenset({"TeX", "LaTeX", "LaTeXe", "BibTeX", "XeTeX", "LuaTeX"})  # braced: they keep their case
# Characters pybtex's LaTeX decoder (latexcodec) changes or drops: written as literal tokens.
DECODED = re.compile(r"[%$~\\{}" + OPEN + CLOSE + "]|-(?=-)|`(?=`)|'(?=')|[!?](?=`)")


class Refused(Exception):
    """A field value that may not be printed; the message names what to change."""


def _token(kind: str, text: str, second: str | None = None) -> str:
    tail = "" if second is None else "." + second.encode().hex()
    return "{" + OPEN + kind + text.encode().hex() + tail + CLOSE + "}"


def literal(text: str) -> str:
    """Plain text as pybtex will show it unchanged."""

    def one(match: re.Match) -> str:
        char = match.group()
        return _token("t", char) if len(char) == 1 and char not in "-`'!?" else char + "{}"

    return DECODED.sub(one, text)


def _symbols() -> dict[str, str]:
    """pylatexenc's commands that stand for one fixed text (letters, dashes, quotes, symbols)."""
    from pylatexenc import latex2text, latexwalker

    text_db = latex2text.get_default_latex_context_db()
    walker_db = latexwalker.get_default_latex_context_db()
    found: dict[str, str] = {}
    for category in text_db.categories():
        for spec in text_db.iter_macro_specs([category]):
            repl = spec.simplify_repl
            if not isinstance(repl, str) or not repl or "%" in repl or "<" in repl:
                continue
            parse = walker_db.get_macro_spec(spec.macroname)
            if parse is not None and getattr(parse.args_parser, "argspec", ""):
                continue  # a command with arguments (\cite, \ref): not a symbol
            found[spec.macroname] = repl
    return found | EXTRA_SYMBOLS


_SYMBOL_TABLE: dict[str, str] | None = None


def symbols() -> dict[str, str]:
    global _SYMBOL_TABLE
    if _SYMBOL_TABLE is None:
        _SYMBOL_TABLE = _symbols()
    return _SYMBOL_TABLE


def _refused_command(name: str, field: str) -> Refused:
    from ..model.errors import did_you_mean

    hint = did_you_mean(name, FORMATTING | DECLARATIONS) if len(name) > 1 else ""
    return Refused(
        f"'\\{name}' is not allowed in a bib field (field '{field}'){hint}: fields are data, not "
        "LaTeX code; accents, letters and symbols (\\'{e}, \\ss, \\textendash, ...), \\emph, "
        "\\textbf, escapes (\\&, \\%, \\_) and math ($\\beta$) may be used"
    )


def _group_text(node) -> str:
    """The verbatim LaTeX inside a group (its braces removed)."""
    text = node.latex_verbatim()
    return text[1:-1] if text.startswith("{") and text.endswith("}") else text


def _unescape_address(value: str) -> str:
    return re.sub(r"\\([_%&#~$])", r"\1", value.strip())


class _Converter:
    def __init__(self, field: str, links: bool, math: bool):
        self.field, self.links, self.math = field, links, math

    def nodes(self, nodelist) -> str:
        out: list[str] = []
        items = list(nodelist or [])
        index = 0
        while index < len(items):
            node = items[index]
            index += 1
            if node is None:
                continue
            kind = type(node).__name__
            if kind == "LatexCharsNode":
                out.append(literal(node.chars))
            elif kind == "LatexSpecialsNode":
                out.append(self.special(node.specials_chars))
            elif kind == "LatexGroupNode":
                out.append(self.group(node))
            elif kind == "LatexMathNode":
                out.append(self.formula(node))
            elif kind == "LatexCommentNode":
                continue  # never reached: a bare '%' is read as a percent sign
            elif kind == "LatexMacroNode":
                text, used = self.macro(node, items[index:])
                index += used
                out.append(text)
            else:  # \begin{…}…\end{…}
                raise Refused(
                    f"'{node.latex_verbatim()[:30]}' is not allowed in a bib field (field '{self.field}'): "
                    "write the text itself"
                )
        return "".join(out)

    SPECIAL = {
        "--": "\u2013",
        "---": "\u2014",
        "~": "\u00a0",
        "``": "\u201c",
        "''": "\u201d",
        "!`": "¡",
        "?`": "¿",
    }

    def special(self, chars: str) -> str:
        return literal(self.SPECIAL.get(chars, chars))

    def group(self, node) -> str:
        inner = node.nodelist or []
        if not inner:
            return ""  # \textendash{}: an empty group only ends a command's name
        first = next((n for n in inner if type(n).__name__ != "LatexCharsNode" or n.chars.strip()), None)
        text = self.nodes(inner)
        # BibTeX's "special character" {\"o}: a group opening with a command does not keep case
        if first is not None and type(first).__name__ == "LatexMacroNode":
            return text
        return "{" + text + "}"

    def formula(self, node) -> str:
        from .texcheck import check_math

        source = "".join(n.latex_verbatim() for n in node.nodelist or [])
        if not self.math:
            raise Refused(f"math is not allowed in field '{self.field}': write the name as text")
        if len(source) > MAX_MATH_LENGTH:
            raise Refused(f"a formula in field '{self.field}' is over {MAX_MATH_LENGTH} characters")
        if problems := check_math(source):
            raise Refused(f"field '{self.field}': {problems[0][1]}")
        return _token("m", source)

    def argument_text(self, node) -> str:
        """An accent's letter(s) as plain text."""
        text = self.nodes([node])
        if TOKEN.search(text):
            raise Refused(f"an accent in field '{self.field}' must be on a letter: write \\'{{e}}")
        return text.replace("{", "").replace("}", "")

    def macro(self, node, following) -> tuple[str, int]:
        """(the text of a command, how many of the following nodes it took as arguments)."""
        name = node.macroname
        args = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]
        if name in ACCENTS:
            if not args and following and type(following[0]).__name__ == "LatexCharsNode":
                first = following[0].chars  # "\'e" read with no argument: the next letter
                return self.accent(name, first[:1]) + literal(first[1:]), 1
            letters = self.argument_text(args[0]) if args else ""
            return self.accent(name, letters), 0
        if name in LINK_COMMANDS:
            return self.link(name, args, following)
        if name in FORMATTING:
            if args:
                arg = args[0]
                inner = arg.nodelist if type(arg).__name__ == "LatexGroupNode" else [arg]
                return "{" + self.nodes(inner) + "}", 0
            if following and type(following[0]).__name__ == "LatexGroupNode":
                return self.group(following[0]), 1
            return "", 0
        if name in DECLARATIONS:
            return "", 0
        table = symbols()
        if name in table and not args:
            text = literal(table[name])
            return ("{" + text + "}" if name in LOGOS else text), 0
        raise _refused_command(name, self.field)

    def accent(self, name: str, letters: str) -> str:
        if not letters:
            return literal(ACCENTS[name].replace("\u0301", "´").replace("\u0308", "¨"))
        base = {"ı": "i", "ȷ": "j"}.get(letters[0], letters[0])
        return literal(unicodedata.normalize("NFC", base + ACCENTS[name] + letters[1:]))

    def link(self, name: str, args, following) -> tuple[str, int]:
        if not self.links:
            raise _refused_command(name, self.field)
        groups = list(args)
        used = 0
        want = 1 if name == "url" else 2
        while len(groups) < want and used < len(following):
            node = following[used]
            if type(node).__name__ != "LatexGroupNode":
                break
            groups.append(node)
            used += 1
        if len(groups) < want:
            usage = "\\url{address}" if name == "url" else "\\href{address}{text}"
            raise Refused(f"field '{self.field}': write {usage}")
        address = _unescape_address(_group_text(groups[0]))
        if problem := url_problem(address):
            raise Refused(f"field '{self.field}': \\{name}{{...}}: {problem}")
        shown = address if name == "url" else plain(self.nodes(groups[1].nodelist or []))
        return _token("l", address, shown), used


def doi_address(doi: str) -> str:
    """The doi.org link of a DOI as written (SICI DOIs hold '<', '>', '#', ...): percent-encoded."""
    from urllib.parse import quote

    return "https://doi.org/" + quote(doi, safe="/:;()@!$&'*+,=~")


def plain(converted: str) -> str:
    """What a converted value reads as (braces gone, tokens as their text)."""
    return "".join(text for kind, text, _ in decode(converted.replace("{", "").replace("}", "")))


# {\"o}, \"{o}, \"o: the accents names are written with, read without the (slow) LaTeX parser
SIMPLE_ACCENT = re.compile(
    r"\{\\([\'\"^`~=.])\s*(?:([A-Za-z])|\{([A-Za-z])\})\}|\\([\'\"^`~=.])\s*(?:([A-Za-z])|\{([A-Za-z])\})"
)
SPECIALS = re.compile(r"---|--|~|``|''|!`|\?`")


COMMAND_BEFORE = re.compile(r"\\[A-Za-z]+\s*$")


def _simple_accent(match: re.Match) -> str:
    accent = match.group(1) or match.group(4)
    letter = next(g for g in match.group(2, 3, 5, 6) if g)
    accented = unicodedata.normalize("NFC", letter + ACCENTS[accent])
    if match.group(1) and COMMAND_BEFORE.search(match.string, 0, match.start()):
        return "{" + accented + "}"  # the argument of another accent: \d{\^e} is ệ, braces kept
    return accented


class Budget:
    """The characters of one file's fields read by the LaTeX parser (slow: tens of µs a
    command); accents and plain text do not count, they are read by regular expressions."""

    def __init__(self, chars: int = 50_000):
        self.left, self.told = chars, False

    def take(self, text: str, field: str) -> None:
        self.left -= len(text)
        if self.left < 0:
            told, self.told = self.told, True
            raise Refused(  # said once a file: the entries after it are left out without a word
                ""
                if told
                else f"field '{field}': the file's fields hold over 50,000 characters of "
                "LaTeX commands: is it the right file?"
            )


def to_bibtex(
    value: str, field: str, *, links: bool = False, math: bool = True, budget: Budget | None = None
) -> str:
    """A printed field's LaTeX written for the merged file (see the module's doc); raises
    ``Refused`` with the reason."""
    from pylatexenc.latexwalker import LatexWalker, LatexWalkerError

    if len(value) > MAX_FIELD_CHARS:
        raise Refused(f"field '{field}' is over {MAX_FIELD_CHARS:,} characters: is it the right field?")
    if OPEN in value or CLOSE in value:
        raise Refused(f"field '{field}' holds a private-use character (U+E000 or U+E001): delete it")
    if "\\" in value:  # {\"o}, \'{e}, \^e: the commands of most names, read without the parser
        value = SIMPLE_ACCENT.sub(_simple_accent, value)
    if "\\" not in value and "$" not in value:
        return _plain_text(value)
    (budget or Budget()).take(value, field)
    value = re.sub(r"(?<!\\)((?:\\\\)*)%", r"\1\\%", value)  # a bare '%' is a percent sign here
    try:
        nodes, _pos, _len = LatexWalker(value, tolerant_parsing=False).get_latex_nodes()
    except LatexWalkerError as err:
        if "expecting '$'" in str(err) or "math mode" in str(err):
            raise Refused(f"a '$' in field '{field}' is never closed: write \\$ for a dollar sign") from None
        if found := re.search(r"\\(begin|end)\b", value):
            raise _refused_command(found.group(1), field) from None
        detail = str(err).splitlines()[0]
        raise Refused(f"field '{field}' cannot be read as LaTeX: {detail}") from None
    except RecursionError:
        raise Refused(f"field '{field}' nests too deep") from None
    return _Converter(field, links, math).nodes(nodes)


def _plain_text(value: str) -> str:
    """Text with no command and no math: braces kept, dashes, ties and quotes as characters."""
    parts = re.split(r"([{}])", value)
    out = []
    for part in parts:
        if part in ("{", "}"):
            out.append(part)
        else:
            out.append(literal(SPECIALS.sub(lambda m: _Converter.SPECIAL[m.group()], part)))
    return "".join(out)


def decode(text: str) -> list[tuple[str, str, str | None]]:
    """A formatted string as (kind, text, address) pieces: "text", "math" (its TeX) or "link"."""
    pieces: list[tuple[str, str, str | None]] = []
    pos = 0
    for match in TOKEN.finditer(text):
        if match.start() > pos:
            pieces.append(("text", text[pos : match.start()], None))
        pos = match.end()
        try:
            first = bytes.fromhex(match.group(2)).decode()
            second = bytes.fromhex(match.group(3) or "").decode()
        except ValueError:
            continue  # not a token this module wrote: nothing shown
        kind = match.group(1).lower()
        if kind == "m":
            from .texcheck import check_math

            # checked when the .bib was read; again here, for a token nobody read as a field
            pieces.append(("text" if check_math(first) else "math", first, None))
        elif kind == "l" and url_problem(first) is None:
            pieces.append(("link", second or first, first))
        else:
            pieces.append(("text", first if kind == "t" else second or first, None))
    if pos < len(text):
        pieces.append(("text", text[pos:], None))
    return pieces
