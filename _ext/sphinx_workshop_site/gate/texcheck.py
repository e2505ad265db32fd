"""The math a contributor may write: an allow-list of TeX, checked before MathJax or LaTeX sees it.

Contributor math goes verbatim into the book's ``.tex`` (and into MathJax on the site), so
anything TeX can do, a talk could do: read host files, define macros, loop forever, end the book.
The checker reads the math once, left to right (linear time, bounded nesting), and accepts only
the math vocabulary that *both* renderers define: MathJax 3's TeX input (base, ams, boldsymbol)
and LaTeX with amsmath/amssymb, which is what Sphinx's LaTeX builder loads. Everything else is a
problem with a reason. Pure Python, no Sphinx: the build and ``make check`` turn each
``(line offset, message)`` into a ``file:line`` error.
"""

from __future__ import annotations

import contextlib
import difflib
import re
import unicodedata
from functools import lru_cache

MAX_LENGTH = 5_000  # characters in one formula
MAX_DEPTH = 50  # nested { }, \left…\right and environments
MAX_PROBLEMS = 10  # per formula: past that, the first ones are what the contributor needs


def names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# -- Vocabulary ------------------------------------------------------------------------------
# Every name is defined by MathJax 3 (tex-chtml: base, ams, autoloaded boldsymbol) and by LaTeX
# with amsmath + amssymb; tests check both.

GREEK = names("""
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa varkappa lambda
    mu nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega digamma
    Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega
    varGamma varDelta varTheta varLambda varXi varPi varSigma varUpsilon varPhi varPsi varOmega""")
LETTERLIKE = names("""
    hbar hslash ell wp Re Im aleph beth gimel daleth imath jmath partial nabla infty emptyset
    varnothing forall exists nexists neg lnot top bot angle measuredangle sphericalangle triangle
    triangledown vartriangle square blacksquare lozenge blacklozenge blacktriangle blacktriangledown
    bigstar circledS complement Bbbk eth mho Finv Game prime backprime surd flat natural sharp
    clubsuit diamondsuit heartsuit spadesuit checkmark maltese circledR yen diagup diagdown
    dagger ddagger S""")
BINARY = names("""
    pm mp times div cdot ast star circ bullet oplus ominus otimes oslash odot bigcirc cap cup
    sqcap sqcup uplus wedge land vee lor setminus smallsetminus wr diamond bigtriangleup
    bigtriangledown triangleleft triangleright amalg boxplus boxminus boxtimes boxdot circledast
    circledcirc circleddash dotplus divideontimes ltimes rtimes leftthreetimes rightthreetimes
    curlywedge curlyvee barwedge veebar doublebarwedge Cap Cup centerdot intercal""")
RELATIONS = names("""
    leq le geq ge neq ne equiv approx approxeq sim simeq cong propto varpropto prec succ preceq
    succeq ll gg lll ggg subset supset subseteq supseteq subsetneq supsetneq nsubseteq nsupseteq
    sqsubset sqsupset sqsubseteq sqsupseteq in ni notin owns mid nmid parallel nparallel perp vdash
    dashv models vDash Vdash Vvdash nvdash nvDash nVdash nVDash doteq doteqdot fallingdotseq
    risingdotseq asymp bowtie smile frown leqq geqq leqslant geqslant eqslantless eqslantgtr
    lessapprox gtrapprox lesssim gtrsim lessgtr gtrless lesseqgtr gtreqless lesseqqgtr gtreqqless
    lessdot gtrdot nless ngtr nleq ngeq nleqslant ngeqslant nleqq ngeqq lneq gneq lneqq gneqq
    lvertneqq gvertneqq lnsim gnsim lnapprox gnapprox nsim ncong thicksim thickapprox backsim
    backsimeq triangleq circeq bumpeq Bumpeq eqcirc trianglelefteq trianglerighteq vartriangleleft
    vartriangleright ntriangleleft ntriangleright ntrianglelefteq ntrianglerighteq precsim succsim
    precapprox succapprox preccurlyeq succcurlyeq curlyeqprec curlyeqsucc nprec nsucc npreceq
    nsucceq precneqq succneqq precnsim succnsim precnapprox succnapprox subseteqq supseteqq
    subsetneqq supsetneqq nsubseteqq varsubsetneq varsupsetneq varsubsetneqq varsupsetneqq
    Subset Supset shortmid shortparallel nshortmid nshortparallel smallsmile smallfrown between
    pitchfork therefore because backepsilon not""")
ARROWS = names("""
    leftarrow gets rightarrow to Leftarrow Rightarrow leftrightarrow Leftrightarrow longleftarrow
    longrightarrow Longleftarrow Longrightarrow longleftrightarrow Longleftrightarrow mapsto
    longmapsto hookleftarrow hookrightarrow uparrow downarrow updownarrow Uparrow Downarrow
    Updownarrow nearrow searrow swarrow nwarrow leftharpoonup leftharpoondown rightharpoonup
    rightharpoondown rightleftharpoons leftrightharpoons implies impliedby iff nleftarrow
    nrightarrow nLeftarrow nRightarrow nleftrightarrow nLeftrightarrow leftleftarrows
    rightrightarrows leftrightarrows rightleftarrows upuparrows downdownarrows Lleftarrow
    Rrightarrow twoheadleftarrow twoheadrightarrow leftarrowtail rightarrowtail looparrowleft
    looparrowright curvearrowleft curvearrowright circlearrowleft circlearrowright Lsh Rsh
    upharpoonleft upharpoonright downharpoonleft downharpoonright rightsquigarrow
    leftrightsquigarrow multimap dashrightarrow dashleftarrow""")
BIG_OPERATORS = names("""
    sum prod coprod int iint iiint iiiint idotsint oint smallint bigcup bigcap bigsqcup bigvee
    bigwedge bigoplus bigotimes bigodot biguplus""")
FUNCTIONS = names("""
    arccos arcsin arctan arg cos cosh cot coth csc deg det dim exp gcd hom inf injlim ker lg lim
    liminf limsup ln log max min Pr projlim sec sin sinh sup tan tanh varliminf varlimsup
    varinjlim varprojlim""")
# Names that are themselves delimiters (after \left, \right, \bigl, ...).
DELIMITER_NAMES = names("""
    langle rangle lfloor rfloor lceil rceil lvert rvert lVert rVert vert Vert backslash lbrace
    rbrace ulcorner urcorner llcorner lrcorner lgroup rgroup lmoustache rmoustache arrowvert
    Arrowvert bracevert uparrow downarrow updownarrow Uparrow Downarrow Updownarrow""")
DELIMITER_SYMBOLS = frozenset("{}|")  # \{ \} \|
DELIMITER_CHARS = frozenset("()[]|./<>")
SIZED = names("""
    left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr bigm Bigm
    biggm Biggm""")
NO_ARGUMENT = names("""
    displaystyle textstyle scriptstyle scriptscriptstyle quad qquad enspace thinspace
    negthinspace negmedspace negthickspace dots ldots cdots vdots ddots dotsb dotsc
    dotsi dotsm dotso cdotp ldotp colon bmod limits nolimits notag nonumber
    mathstrut strut hline shoveleft shoveright""")
# Commands and how many arguments they take (a {group} or a single token each).
ARGUMENTS: dict[str, int] = {
    **dict.fromkeys(
        names("""
    hat widehat check tilde widetilde acute grave dot ddot dddot ddddot breve bar vec mathring
        overline underline overbrace underbrace overrightarrow overleftarrow overleftrightarrow
        underrightarrow underleftarrow underleftrightarrow mathbf mathrm mathit mathsf mathtt
        mathcal mathbb mathfrak mathnormal boldsymbol pmb operatorname sqrt substack pmod pod
        phantom hphantom vphantom smash boxed mathop mathbin mathrel mathord mathopen mathclose
        mathpunct mathinner xleftarrow xrightarrow"""),
        1,
    ),
    **dict.fromkeys(names("frac dfrac tfrac cfrac binom dbinom tbinom overset underset stackrel sideset"), 2),
    "genfrac": 6,
}
# Their argument is text, not math (LaTeX typesets it in the text font).
TEXT_COMMANDS = names("text textrm textbf textit textsf texttt textup textnormal mbox tag")
# What may appear inside those text arguments.
TEXT_VOCABULARY = names("textrm textbf textit textsf texttt textup textnormal quad qquad S")
# Read with a plain argument of their own (checked by PLAIN_ARGUMENT below).
SPECIAL = names("begin end label eqref ref hspace")
STARRED = names("operatorname tag hspace")  # \operatorname*{arg\,max}
CONTROL_SYMBOLS = frozenset(",;:!> |{}\\&%#_$\n\t")  # \, \; ... \\ \& ...
TEXT_SYMBOLS = frozenset(",;:!> {}&%#_$\n\t")  # in \text{…} (MathJax's textmacros knows these)

MATH_VOCABULARY = (
    GREEK
    | LETTERLIKE
    | BINARY
    | RELATIONS
    | ARROWS
    | BIG_OPERATORS
    | FUNCTIONS
    | DELIMITER_NAMES
    | SIZED
    | NO_ARGUMENT
    | frozenset(ARGUMENTS)
    | TEXT_COMMANDS
    | SPECIAL
)

# -- Environments ----------------------------------------------------------------------------
INNER_ENVIRONMENTS = names("""
    matrix pmatrix bmatrix Bmatrix vmatrix Vmatrix smallmatrix cases aligned alignedat gathered
    array subarray""")
# Whole displays: only as the outermost environment of a block written on its own lines
# (MyST's amsmath); inside $$…$$ the builders already wrap the math in one.
DISPLAY_ENVIRONMENTS = names("""
    equation equation* align align* gather gather* multline multline* alignat alignat* flalign
    flalign* eqnarray eqnarray*""")
# split only directly inside these (amsmath refuses it anywhere else).
SPLIT_PARENTS = names("equation equation* gather gather*")
ENVIRONMENTS = INNER_ENVIRONMENTS | DISPLAY_ENVIRONMENTS | {"split"}
# Where & separates columns; anywhere else LaTeX stops with "Misplaced alignment tab".
ALIGNING = names("""
    matrix pmatrix bmatrix Bmatrix vmatrix Vmatrix smallmatrix cases aligned alignedat array split
    align align* alignat alignat* flalign flalign* eqnarray eqnarray*""")
WITH_COLUMN_SPEC = names("array subarray alignat alignat* alignedat")
NEEDS_ALIGNING_PARENT = frozenset({"tag", "notag", "nonumber"})
# Never inside a text argument, nor in math between its dollars (a tag or label of a tag).
IN_MATH_ONLY = frozenset({"tag", "notag", "nonumber", "label"})

# -- Refused, with the reason ----------------------------------------------------------------
_FILES = "it reads or writes files"
_DEFINES = "it defines commands; write the math out instead (e.g. \\operatorname{rank})"
# TeX's own definitions (on a page, \newcommand and \DeclareMathOperator are expanded: mathmacros.py)
_TEX_DEFINES = "it defines commands by TeX's own rules: write \\newcommand{\\R}{\\mathbb{R}} instead"
# The name a refused definition would define (\newcommand{\R}, \def\R): skipped, not reported again.
DEFINED_NAME = re.compile(r"\s*(?:\{\s*\\[A-Za-z]+\s*\}|\\[A-Za-z]+)")
_PROGRAMMING = "it is TeX programming, not math"
_LINK = "links are not allowed in math: put the link in the text as [text](https://…)"
_HTML = "it sets HTML attributes (a page overlay or script hook)"
_LOOP = "a loop can hang the PDF build"
_DOCUMENT = "it belongs to the book's preamble, not to a talk"
_COLOUR = "colour is not allowed in math"
REFUSED: dict[str, str] = {
    **dict.fromkeys(
        names("input include InputIfFileExists IfFileExists openin read readline closein openout closeout"),
        _FILES,
    ),
    **dict.fromkeys(
        names("""
    newcommand renewcommand providecommand DeclareMathOperator DeclareRobustCommand newenvironment
        renewenvironment newif chardef mathchardef countdef toksdef"""),
        _DEFINES,
    ),
    **dict.fromkeys(names("def gdef edef xdef let futurelet"), _TEX_DEFINES),
    **dict.fromkeys(
        names("catcode uccode lccode mathcode sfcode delcode"), "it changes how TeX reads the text"
    ),
    **dict.fromkeys(
        names("special write immediate shipout pdfobj pdfliteral pdfannot pdfcatalog message"),
        "it writes into files or the PDF",
    ),
    **dict.fromkeys(
        names("""
    csname endcsname expandafter noexpand string uppercase lowercase char mathchar number
        romannumeral scantokens detokenize unexpanded relax afterassignment aftergroup global
        long outer the show showthe showbox errmessage everymath everypar everydisplay
        everyhbox everyvbox batchmode nonstopmode scrollmode errorstopmode dump endinput
        directlua luaexec"""),
        _PROGRAMMING,
    ),
    **dict.fromkeys(("href", "url"), _LINK),
    **dict.fromkeys(names("style class cssId data html"), _HTML),
    **dict.fromkeys(names("loop repeat iterate"), _LOOP),
    **dict.fromkeys(names("documentclass usepackage makeatletter makeatother jobname document"), _DOCUMENT),
    **dict.fromkeys(names("color textcolor colorbox fcolorbox definecolor"), _COLOUR),
    "require": "it loads MathJax extensions",
    "unicode": "it writes a character by its code: type a math command instead (e.g. \\alpha)",
    "verb": "verbatim text is not math",
    **dict.fromkeys(names("begingroup endgroup bgroup egroup"), "group with { } instead"),
}
# Common names that are not standard TeX, and what to write instead.
HINTS: dict[str, str] = {
    "tr": "\\operatorname{tr}",
    "Tr": "\\operatorname{Tr}",
    "trace": "\\operatorname{trace}",
    "rank": "\\operatorname{rank}",
    "diag": "\\operatorname{diag}",
    "sign": "\\operatorname{sign}",
    "sgn": "\\operatorname{sgn}",
    "span": "\\operatorname{span}",
    "vect": "\\operatorname{vec}",
    "argmin": "\\operatorname*{arg\\,min}",
    "argmax": "\\operatorname*{arg\\,max}",
    "R": "\\mathbb{R}",
    "N": "\\mathbb{N}",
    "Z": "\\mathbb{Z}",
    "Q": "\\mathbb{Q}",
    "C": "\\mathbb{C}",
    "E": "\\mathbb{E}",
    "bm": "\\boldsymbol{…}",
    "mathscr": "\\mathcal{…}",
    "norm": "\\lVert x \\rVert",
    "abs": "\\lvert x \\rvert",
    "coloneqq": ":=",
    "eqqcolon": "=:",
    "cancel": "\\not or words",
    "mathds": "\\mathbb{…}",
    "dfrac": "\\frac",
    "eps": "\\epsilon or \\varepsilon",
    "vareps": "\\varepsilon",
}

# -- Scanner ---------------------------------------------------------------------------------
# One token at a time; runs of ordinary characters are skipped in bulk (they only count as
# arguments). No pattern here can backtrack: each alternative starts with a distinct character.
TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\\\Z|[{}%^_&$#]|[\x00-\x08\x0b-\x1f\x7f-\x9f]|[^\x00-\x7f]", re.DOTALL)
SPACE = re.compile(r"[ \t\r\n]*")
NO_SPACE = str.maketrans("", "", " \t\r\n")
ENV_ARGUMENT = re.compile(r"[ \t]*\{([A-Za-z]{1,30}\*?)\}")
LABEL_ARGUMENT = re.compile(r"[ \t]*\{([A-Za-z0-9:_.\-]{1,64})\}")  # reaches \label{…} in the .tex
LENGTH_ARGUMENT = re.compile(
    r"\*?[ \t]*\{[ \t]*-?(?:\d{1,5}(?:\.\d{0,5})?|\.\d{1,5})[ \t]*(?:em|ex|pt|mu|cm|mm|in|pc|bp)[ \t]*\}"
)
DELIMITER = re.compile(r"[ \t]*(?:([()\[\]|./<>])|\\([A-Za-z]+|[{}|]))")
FORMAT_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


class Frame:
    """An open group: '{' (math or text), '\\left', an environment, or '$' (math inside text)."""

    __slots__ = ("at", "command", "intext", "kind", "name", "owed", "text")

    def __init__(self, kind: str, at: int, name: str = "", text: bool = False, command: str = "") -> None:
        self.kind = kind  # "{", "left", "env", "$"
        self.at = at  # where it was opened
        self.name = name  # environment name
        self.text = text  # a text argument (\text{…}): text rules inside
        self.command = command  # the text command around it ('text', 'tag', 'textbf' …), if any
        self.intext = text  # inside a text argument, directly or in math between its dollars
        self.owed: list[list] = []  # [arguments still owed, command, where]


@lru_cache(maxsize=256)
def suggestion(name: str) -> str:
    if name in HINTS:
        return f" (write {HINTS[name]})"
    if len(name) > 40:
        return ""
    close = difflib.get_close_matches(name, MATH_VOCABULARY, n=1, cutoff=0.7)
    if close:
        return f" (did you mean '\\{close[0]}'?)"
    # An abbreviation (\lam, \vphi): the names it starts, or that start with it after 'var'
    longer = sorted(
        known
        for known in MATH_VOCABULARY
        if len(name) >= 3 and (known.startswith(name) or known.startswith("var" + name))
    )
    if 0 < len(longer) <= 3:
        return " (did you mean " + " or ".join(f"'\\{known}'" for known in longer) + "?)"
    return ""


def unicode_hint(char: str) -> str:
    """'α' → write \\alpha: math letters come from the math font, which has no 'α' glyph."""
    words = unicodedata.name(char, "").split()
    if len(words) >= 4 and words[0] == "GREEK" and words[2] == "LETTER":
        name = words[3].lower() if words[1] == "SMALL" else words[3].capitalize()
        name = {"lamda": "lambda", "Lamda": "Lambda"}.get(name, name)
        if name in GREEK:
            return f" (write \\{name})"
    name = unicodedata.name(char, "the character")
    return f": {name} has no TeX command here; write the command, or put it inside \\text{{…}}"


class MathChecker:
    def __init__(self, tex: str, display: bool, amsmath: bool) -> None:
        self.tex = tex
        self.display = display
        self.amsmath = amsmath
        self.problems: list[tuple[int, str]] = []
        self.at = 0  # where the current token starts
        self.frames = [Frame("{", 0)]  # the formula itself
        self.text_next = False  # the next { opens a text argument
        self.text_command = ""  # the command whose text argument that is
        self.double_dollar = False  # '$$' in a text argument: said once
        self.split_lines = display and ("\\\\" in tex or "\n\n" in tex)

    def problem(self, at: int, message: str) -> None:
        """``at``: where in the text (a line number only for the few problems reported)."""
        self.problems.append((at, message))
        if len(self.problems) >= MAX_PROBLEMS:
            raise StopIteration

    # Arguments: each open command owes a number of atoms (a char, a command, a {group}).
    def atoms(self, count: int) -> None:
        owed = self.frames[-1].owed
        self.text_next = False
        while count and owed:
            take = min(count, owed[-1][0])
            owed[-1][0] -= take
            count -= take
            if owed[-1][0] == 0:
                owed.pop()
                count += 1  # the finished command is itself an argument of the one before

    def expect(self, arguments: int, name: str) -> None:
        self.frames[-1].owed.append([arguments, name, self.at])

    def check_owed(self, frame: Frame) -> None:
        for _count, name, line in frame.owed:
            if name in "^_":
                self.problem(line, f"'{name}' needs something after it (e.g. x{name}{{2}})")
            else:
                arguments = ARGUMENTS.get(name, 1)
                example = "{…}" * arguments
                self.problem(line, f"'\\{name}' needs {arguments} argument(s): \\{name}{example}")
        frame.owed.clear()

    def open(self, frame: Frame) -> None:
        if len(self.frames) > MAX_DEPTH:
            self.problem(self.at, f"math nested more than {MAX_DEPTH} levels deep: simplify it")
            raise StopIteration
        parent = self.frames[-1]
        frame.intext = frame.intext or parent.intext
        frame.command = frame.command or parent.command
        self.frames.append(frame)

    def close(self, kind: str, name: str, what: str) -> None:
        """Close the innermost frame of this kind (and name); frames left open inside it are
        reported where they were opened."""
        frames = self.frames
        top = frames[-1]
        if len(frames) > 1 and top.kind == kind and (not name or top.name == name):  # the usual case
            frames.pop()
            if top.owed:
                self.check_owed(top)
            self.atoms(1)
            return
        index = next(
            (
                i
                for i in range(len(self.frames) - 1, 0, -1)
                if self.frames[i].kind == kind and (not name or self.frames[i].name == name)
            ),
            None,
        )
        if index is None:
            self.problem(self.at, what)
            return
        while len(self.frames) > index + 1:
            self.unclosed(self.frames.pop())
        frame = self.frames.pop()
        self.check_owed(frame)
        self.atoms(1)

    def unclosed(self, frame: Frame) -> None:
        self.check_owed(frame)
        if frame.kind == "{":
            self.problem(frame.at, "'{' is not closed: add '}'")
        elif frame.kind == "left":
            self.problem(frame.at, "'\\left' has no matching '\\right'")
        elif frame.kind == "$":
            self.problem(
                frame.at, f"'$' inside \\{frame.command}{{…}} opens math that is not closed: add '$'"
            )
        else:
            self.problem(frame.at, f"'\\begin{{{frame.name}}}' has no matching '\\end{{{frame.name}}}'")

    def run(self) -> list[tuple[int, str]]:
        with contextlib.suppress(StopIteration):  # too many problems, or too deep
            self.scan()
        lines = [(self.tex.count("\n", 0, at), message) for at, message in self.problems]
        return sorted(lines, key=lambda problem: problem[0])

    def scan(self) -> None:
        tex = self.tex
        frames = self.frames
        position = 0
        for match in TOKEN.finditer(tex):
            start = match.start()
            if start < position:
                continue  # read already, as the argument of the token before
            if (
                start > position
                and (frames[-1].owed or self.text_next)
                and (count := len(tex[position:start].translate(NO_SPACE)))
            ):
                self.atoms(count)  # each ordinary character is an argument
            self.at = start
            position = match.end()
            token = match.group()
            if token == "{":  # the most frequent tokens first
                text = frames[-1].text or self.text_next
                self.open(Frame("{", start, text=text, command=self.text_command if self.text_next else ""))
                self.text_next = False
            elif token == "}":
                self.close("{", "", "'}' has no matching '{'")
            else:
                position = self.token(token, position)
        if len(tex) > position and frames[-1].owed:
            self.atoms(len(tex[position:].translate(NO_SPACE)))
        while len(frames) > 1:
            self.unclosed(frames.pop())
        self.check_owed(frames[0])

    def token(self, token: str, position: int) -> int:
        """Check one token; return where scanning goes on (after any argument read here)."""
        frame = self.frames[-1]
        if token in "^_":
            if frame.text:
                character = "write \\_ for the character, or " if token == "_" else ""
                self.problem(
                    self.at,
                    f"'{token}' inside \\{frame.command}{{…}} is text: {character}put the math between "
                    f"dollars ($x{token}{{2}}$)",
                )
            else:
                if frame.owed and frame.owed[-1][1] in "^_":  # x__: the first one got nothing
                    _count, before, at = frame.owed.pop()
                    self.problem(at, f"'{before}' needs something after it (e.g. x{before}{{2}})")
                self.expect(1, token)
        elif token == "&":
            self.ampersand()
        elif token == "%":
            self.problem(self.at, "'%' starts a TeX comment: write \\% for a percent sign")
        elif token == "#":
            self.problem(self.at, "'#' is not allowed in math: write \\# for a hash sign")
        elif token == "$":
            position = self.dollar(position)
        elif token == "\\":
            self.problem(self.at, "the math ends with a lone '\\'")
        elif not token.startswith("\\"):
            self.character(token)
        elif len(token) == 2 and not token[1].isalpha():
            self.symbol(token[1])
        else:
            name = token[1:]
            if name in STARRED and self.tex.startswith("*", position):
                position += 1
            position = self.command(name, position)
        return position

    def dollar(self, position: int) -> int:
        """Math inside a text argument (\\text{if $x > 0$}, \\tag{$\\star$}), as LaTeX and MathJax
        read it; anywhere else a '$' is a dollar sign not escaped."""
        frame = self.frames[-1]
        if frame.text:
            if self.tex.startswith("$", position):  # '$$': an empty formula, or display math in text
                if not self.double_dollar:
                    self.problem(
                        self.at, f"'$$' inside \\{frame.command}{{…}}: write the math between single dollars"
                    )
                self.double_dollar = True
                return position + 1
            self.open(Frame("$", self.at))
        elif frame.intext and any(f.kind == "$" for f in self.frames):
            self.close("$", "", "'$' has no matching '$'")
        else:
            self.problem(self.at, "'$' inside math: write \\$ for a dollar sign")
        return position

    def character(self, char: str) -> None:
        category = unicodedata.category(char)
        if category in FORMAT_CATEGORIES:
            self.problem(self.at, f"control or invisible character U+{ord(char):04X} in math: delete it")
        elif not self.frames[-1].text:
            self.problem(self.at, f"'{char}' in math{unicode_hint(char)}")
        else:
            self.atoms(1)

    def symbol(self, char: str) -> None:
        frame = self.frames[-1]
        if char == "\\" and frame.intext and not frame.text:
            self.problem(
                self.at, f"'\\\\' (a new line) inside \\{frame.command}{{…}}: end the line outside it"
            )
        elif char in (TEXT_SYMBOLS if frame.text else CONTROL_SYMBOLS):
            self.atoms(1)
        elif char == "^":
            self.problem(self.at, "'\\^' is not allowed in math (write \\hat{…})")
        else:
            shown = char if char.isprintable() else f"U+{ord(char):04X}"
            self.problem(self.at, f"'\\{shown}' is not allowed in math")

    def ampersand(self) -> None:
        frame = self.frames[-1]
        if frame.text:
            self.problem(self.at, f"'&' inside \\{frame.command}{{…}} is text: write \\& for an ampersand")
        elif frame.kind == "env" and frame.name in ALIGNING:
            pass
        elif len(self.frames) == 1 and self.split_lines:
            pass  # a $$ block with several lines: the builders align it
        else:
            self.problem(
                self.at,
                "'&' outside an alignment: write \\& for an ampersand, "
                "or align inside \\begin{aligned}…\\end{aligned}",
            )

    def command(self, name: str, position: int) -> int:
        frame = self.frames[-1]
        if name in REFUSED:
            self.problem(self.at, f"'\\{name}' is not allowed in math: {REFUSED[name]}")
            defines = REFUSED[name] in (_DEFINES, _TEX_DEFINES)
            if defines and (defined := DEFINED_NAME.match(self.tex, position)):
                return defined.end()
            return position
        if frame.text and name not in TEXT_VOCABULARY:
            shown, command = name[:40], frame.command
            self.problem(
                self.at,
                f"'\\{shown}' inside \\{command}{{…}} is text: math there goes between dollars, "
                f"\\{command}{{$\\{shown}$}}",
            )
            return position
        if frame.intext and name in IN_MATH_ONLY:
            self.problem(self.at, f"'\\{name}' inside \\{frame.command}{{…}}: write it outside")
            return position
        if name not in MATH_VOCABULARY:
            self.problem(self.at, f"'\\{name[:40]}' is not allowed in math{suggestion(name)}")
            return position
        if name in ("begin", "end"):
            return self.environment(name, position)
        if name in ("label", "eqref", "ref"):
            match = LABEL_ARGUMENT.match(self.tex, position)
            if not match:
                self.problem(
                    self.at,
                    f"'\\{name}' needs a plain name: \\{name}{{eq:one}} "
                    "(at most 64 letters, digits, : _ . -)",
                )
                return position
            if name == "label" and not self.in_display_environment(numbered=True):
                self.problem(
                    self.at,
                    "'\\label' only works in a numbered equation written on its own lines "
                    "(\\begin{equation}…\\end{equation}, align, gather, multline); name a $$…$$ block "
                    "with $$…$$ (eq:name) and refer to it with {eq}`eq:name`",
                )
                return match.end()
            self.atoms(1)
            return match.end()
        if name == "hspace":
            match = LENGTH_ARGUMENT.match(self.tex, position)
            if not match:
                self.problem(
                    self.at, "'\\hspace' needs a plain length: \\hspace{1em} (em, ex, pt, mu, cm, mm)"
                )
                return position
            self.atoms(1)
            return match.end()
        if name in SIZED:
            return self.sized(name, position)
        if name in NEEDS_ALIGNING_PARENT and not self.in_display_environment():
            self.problem(
                self.at,
                f"'\\{name}' only works in an equation written on its own lines "
                "(\\begin{equation}…\\end{equation}), not inside $ or $$",
            )
            return position
        if name in TEXT_COMMANDS:
            self.expect(1, name)
            self.text_next = True
            self.text_command = name
            return position
        arguments = ARGUMENTS.get(name, 0)
        if arguments:
            self.expect(arguments, name)
        else:
            self.atoms(1)
        return position

    def in_display_environment(self, numbered: bool = False) -> bool:
        return self.amsmath and any(
            f.kind == "env" and f.name in DISPLAY_ENVIRONMENTS and not (numbered and f.name.endswith("*"))
            for f in self.frames
        )

    def sized(self, name: str, position: int) -> int:
        match = DELIMITER.match(self.tex, position)
        word = match and match.group(2)
        if not match or (word and word not in DELIMITER_SYMBOLS and word not in DELIMITER_NAMES):
            self.problem(
                self.at,
                f"'\\{name}' must be followed by a delimiter: ( ) [ ] \\{{ \\}} | \\| \\langle … or .",
            )
            match = None  # still pairs \left with \right below, so one mistake is one message
        if name == "left":
            self.open(Frame("left", self.at))
        elif name == "right":
            self.close("left", "", "'\\right' has no matching '\\left'")
        elif name == "middle" and not any(f.kind == "left" for f in self.frames):
            self.problem(self.at, "'\\middle' must be between '\\left' and '\\right'")
        else:
            self.atoms(1)
        return match.end() if match else position

    def environment(self, name: str, position: int) -> int:
        match = ENV_ARGUMENT.match(self.tex, position)
        if not match:
            self.problem(self.at, f"'\\{name}' needs an environment name: \\{name}{{pmatrix}}")
            return position
        env = match.group(1)
        if env == "document":
            self.problem(self.at, f"'\\{name}{{document}}' is not allowed in math: {_DOCUMENT}")
            return match.end()
        if env not in ENVIRONMENTS:
            close = difflib.get_close_matches(env, ENVIRONMENTS, n=1, cutoff=0.7)
            hint = (
                f" (did you mean '{close[0]}'?)"
                if close
                else " (use pmatrix, bmatrix, cases, aligned, array, …)"
            )
            self.problem(self.at, f"'\\{name}{{{env}}}' is not a math environment allowed here{hint}")
            return match.end()
        if name == "end":
            self.close("env", env, f"'\\end{{{env}}}' has no matching '\\begin{{{env}}}'")
            return match.end()
        outermost = len(self.frames) == 1
        if env in DISPLAY_ENVIRONMENTS and not (self.amsmath and outermost):
            self.problem(
                self.at,
                f"'\\begin{{{env}}}' is a display of its own: write it alone on its own lines, or alone in a "
                "{math} block; inside other math ($…$, $$…$$, or a {math} block with more in it) "
                "use aligned, gathered or cases",
            )
        elif env == "split" and not (self.frames[-1].kind == "env" and self.frames[-1].name in SPLIT_PARENTS):
            self.problem(
                self.at, "'\\begin{split}' only works directly inside \\begin{equation}: use aligned"
            )
        elif env in WITH_COLUMN_SPEC and not self.tex.startswith(
            "{", SPACE.match(self.tex, match.end()).end()
        ):
            self.problem(self.at, f"'\\begin{{{env}}}' needs its columns: \\begin{{{env}}}{{cc}}")
        self.open(Frame("env", self.at, name=env))
        return match.end()


def check_math(
    tex: str, *, display: bool = False, amsmath: bool = False, max_length: int = MAX_LENGTH
) -> list[tuple[int, str]]:
    """Problems of one formula, as (0-based line inside ``tex``, message), in reading order.

    ``display``: a display block (``$$…$$``, ```` ```{math} ````: a ``math_block`` node).
    ``amsmath``: a block MyST's amsmath extension took whole (``\\begin{align}…`` on its own
    lines; the node has class "amsmath"): its outermost environment may be a whole display.
    """
    if "^^" in tex:
        line = tex.count("\n", 0, tex.index("^^"))
        return [(line, "'^^' (TeX's character code escape) is not allowed in math: write x^{2}, not x^^2")]
    if len(tex) > max_length:
        return [(0, f"the formula is {len(tex)} characters long: at most {max_length}; split it")]
    return MathChecker(tex, display or amsmath, amsmath).run()


def check_dollars(text: str) -> str | None:
    """For plain text: MyST's dollarmath has taken every pair of ``$`` it could as math, so a ``$``
    still in a text (not an escaped ``\\$``: the gate sees escapes apart) is math never closed,
    or never opened."""
    if "$" in text:
        if amount := DOLLAR_AMOUNT.search(text):
            return (
                f"a lone '$' before '{amount.group(1)}' (a dollar amount?): write \\${amount.group(1)} "
                "for a dollar sign, or close the math"
            )
        return "a lone '$' (unclosed $ or $$): close the math, or write \\$ for a dollar sign"
    return None


DOLLAR_AMOUNT = re.compile(r"\$(\d[\d.,]{0,12}[kKmM]?)(?![\w^_])")


# Arguments that are text or names, not math: their words are not prose between two dollars.
WORDY_ARGUMENT = re.compile(
    r"\\(?:text[a-z]*|mbox|operatorname\*?|math(?:rm|it|bf|sf|tt)|label|eqref|ref|tag|begin|end)"
    r"[ \t]*\{[^{}]*\}"
)
COMMAND_NAME = re.compile(r"\\[A-Za-z]+")
PROSE = re.compile(r"(?<![A-Za-z])[A-Za-z]{2,} +[A-Za-z]{2,}(?![A-Za-z])")


def check_inline_prose(tex: str) -> str | None:
    """Inline math that reads like prose (two plain words in a row, outside \\text{…}) is text
    between two dollar signs that MyST paired: ``it costs $5 per run and $10 per day``."""
    plain = COMMAND_NAME.sub("\x00", WORDY_ARGUMENT.sub("\x00", tex[:MAX_LENGTH]))
    if found := PROSE.search(plain):
        return (
            f"'${tex.strip()[:40]}$' looks like text between two dollar signs ('{found.group()}'): "
            "write \\$ for a dollar sign"
        )
    return None
