"""The book's LaTeX, verified after Sphinx wrote it and before TeX reads it: the output is
guaranteed, not only the input.

The input checks (the gate, texcheck, bibfile) decide on what the parser produced; but Sphinx's
LaTeX writer also writes strings raw (a label, a class name, an image's file name), and a
channel the checks do not see would run TeX. So each contribution's LaTeX (between its
``% workshop-source:`` markers, which proceedings.SourceMarkers and booklayout write) is read as
TeX would tokenize it, and may hold only:

- control words the book's writer and layout use for contributor content (``CONTRIBUTION``) and
  the math vocabulary (texcheck) — never ``\\def``, ``\\catcode``, ``\\input``, ``\\write``,
  ``\\csname``, ``\\iffalse``, ``\\chapter``, ``\\renewcommand`` …;
- control symbols that print a character or a space (``\\%``, ``\\&``, ``\\,``, ``\\\\`` …);
- ``\\begin``/``\\end`` of allowed environments, properly nested within the contribution;
- braces balanced within the contribution (a ``}`` cannot close the book's own group);
- no ``^^`` (TeX's notation for any character, a backslash included), no ``#``, no comment that
  hides the rest of a line; ``\\def`` only in the writer's own idiom (a code block's caption
  label), ``@`` names only the long-table template's, between ``\\makeatletter`` and
  ``\\makeatother``;
- lines shorter than ``MAX_LINE`` (TeX's input buffer holds 200,000 characters).

The organizers' front pages (``% workshop-front-source:``, book/front.py) are read as strictly, their
heading's ``\\chapter`` aside. The rest of the document (the book's root and its own layout) is
read with the layout's commands added (``LAYOUT``). Sphinx-free: ``verify_book(tex) -> [message]``,
each message naming the contribution's file and the line of the ``.tex``.
"""

from __future__ import annotations

import re

from .texcheck import ENVIRONMENTS as MATH_ENVIRONMENTS
from .texcheck import MATH_VOCABULARY, TEXT_VOCABULARY, names

MARKER = "% workshop-source: "
# an organizers' front page (book/front.py): the contributions' vocabulary and its own \chapter
FRONT_MARKER = "% workshop-front-source: "
END_MARKER = "% workshop-source-end"
SAFE_SOURCE = re.compile(r"[A-Za-z0-9._/-]+")  # a file name written in a marker as it is
MAX_LINE = 50_000  # characters; a paragraph is one line of the .tex
CONTRIBUTOR_FOLDERS = ("abstracts/", "speakers/")  # default; the book notes its own (proceedings)


# What Sphinx's LaTeX writer writes for the nodes a contributor page may hold (allowlist.py), and
# what booklayout writes around a contribution (its number, details, references).
CONTRIBUTION = names("""
    par sphinxAtStartPar sphinxstepscope sphinxstyleemphasis sphinxstylestrong sphinxstyleliteralemphasis
    sphinxstyleliteralstrong sphinxcode sphinxupquote sphinxbfcode sphinxhyphen sphinxhref sphinxurl
    sphinxnolinkurl sphinxcrossref sphinxsamedocref sphinxtitleref sphinxstyleabbreviation
    sphinxstylesidebartitle sphinxstyleothertitle sphinxstyletheadfamily sphinxAtStartFootnote
    sphinxfootnotemark sphinxstepexplicit sphinxthefootnotemark
    sphinxlineitem sphinxsetlistlabels sphinxincludegraphics sphinxsafeincludegraphics sphinxfigcaption
    sphinxcaption
    sphinxSetupCaptionForVerbatim sphinxSetupCodeBlockInFootnote sphinxresetverbatimhllines
    sphinxattablestart sphinxattableend sphinxtableatstartofbodyhook sphinxtoprule sphinxmidrule
    sphinxbottomrule
    sphinxhline sphinxcline sphinxfixclines sphinxvlinecrossing sphinxtablestrut sphinxcolwidth
    sphinxthelongtablecaptionisattop sphinxcapstartof sphinxthecaptionisattop sphinxtablecontinued
    sphinxstartmulticolumn sphinxstopmulticolumn sphinxmultirow sphinxstylestrong sphinxleftcurlybrace
    sphinxrightcurlybrace sphinxbeforeendvarwidth sphinxstylecontentstitle sphinxstyletopictitle
    sphinxAtStartPar sphinxpxdimen sphinxkeyboard sphinxparam sphinxtermref sphinxaccelerator
    sphinxstyleindexentry sphinxstyleindexextra sphinxstyleindexpageref
    DUrole DUspan sphinxstrong
    section subsection subsubsection paragraph subparagraph texorpdfstring
    label ref pageref hyperref detokenize phantomsection nameref autopageref protect
    emph textbf textit textup textsf texttt textrm textsuperscript textsubscript textnormal
    textasciitilde textasciicircum textbackslash textbar textless textgreater textquotesingle
    textquotedbl textasciigrave textunderscore textperiodcentered sphinxquote
    item footnote footnotemark footnotetext hspace vspace noindent centering raggedright raggedleft
    linewidth textwidth columnwidth relax strut hfill hfil newline nobreak mbox nolinkurl href url
    multicolumn hline capstart caption captionof sphinxlongtablecapskipadjust
    small footnotesize scriptsize large itshape bfseries upshape normalfont medskip smallskip bigskip
    begingroup endgroup
    workshoptalk workshopno workshoptocspeakers workshoporcid workshopaffil workshopreference
    workshopcodeline ignorespaces unskip workshopRL
    sphinxthistablewithglobalstyle sphinxthistablewithbooktabsstyle sphinxthistablewithborderlessstyle
    sphinxthistablewithcolorrowsstyle sphinxthistablewithnocolorrowsstyle sphinxthistablewithnovlinesstyle
    sphinxthistablewithstandardstyle sphinxthistablewithvlinesstyle
    sphinxthistabularywithnohlinesifinlongtable
    sphinxtableafterendhook sphinxaftertopcaption sphinxatlongtableend sphinxatlongtablestart sphinxnorowcolor
    LTleft LTright dimexpr endfirsthead endfoot endhead endlastfoot makebox noalign tablename thetable
    textendash X Y arabic alph Alph roman Roman setcounter setlength itemsep parskip multicolsep
    sphinxLiteralBlockLabel makeatletter makeatother
    fvset PYG PYGZbs PYGZob PYGZcb PYGZca PYGZam PYGZlt PYGZgt PYGZsh PYGZpc PYGZdl PYGZus PYGZsq PYGZdq
    PYGZti PYGZhy PYGZat PYGZlb PYGZrb PYGZbs sphinxVerbatimTitle sphinxSetupCaptionForVerbatim
""")
LAYOUT = names("""
    chapter part tableofcontents workshopcontents cleardoublepage clearpage pagenumbering pdfbookmark
    contentsname
    pagestyle thispagestyle vfill rule put unitlength Huge LARGE Large huge color setlength
    setcounter arraybackslash workshopbreak workshopcoverpage workshopday workshopspeaker
    workshopspeakertalk workshopauthorindex workshopindexletter workshopindexentry workshopindexpages
    indexspace printindex renewcommand indexname sphinxstyleindexlettergroup includegraphics
    workshopdayhead workshoproomwidth workshoproomhead workshoproomall workshoproombreak
    workshoproomtalk workshoproomtime workshopglance workshopglanceday workshopglanceslot
    workshopglancebreak workshopglanceroom workshopglancerooms workshopglancespeaker
    workshopfrontmatter workshopmainmatter
""")
ENVIRONMENTS = (
    names("""
    itemize enumerate description quote quotation center flushleft flushright figure table
    longtable tabular tabulary tabularx threeparttable sphinxVerbatim sphinxVerbatimintable
    sphinxalltt sphinxadmonition sphinxheavybox sphinxlightbox sphinxuseclass sphinxShadowBox
    savenotes footnote footnotetext sphinxfigure-in-table wrapfigure minipage varwidth
    sphinxseealso sphinxlongtable sphinxtable sphinxtabular sphinxtabulary
    sphinxthebibliography sphinxcolorbox sphinxclassnote sphinxclasstip sphinxclasswarning
    DUlineblock DUadmonition sphinxquote
    workshoptalkmeta
""")
    | MATH_ENVIRONMENTS
)
FRONT_PAGE = names("chapter")  # a front page's heading: a chapter of the front matter
LAYOUT_ENVIRONMENTS = names(
    "document titlepage picture sphinxtheindex multicols workshopindex workshopimprint"
)
# The writer's one definition (a code block's caption label): '\def' only before this name.
WRITER_DEFINITIONS = frozenset({"sphinxLiteralBlockLabel"})
# After \makeatletter (a long table's template), '@' is a letter: only these names then.
AT_WORDS = frozenset({"@totalleftmargin"})
# Control symbols: a character printed as itself, a space or a break (TeX's own meaning).
SYMBOLS = frozenset(" ,;:!>|{}\\&%#_$'\"^~=.-/@[]()`+*<\n\t")
TOKEN = re.compile(r"\\(?:[A-Za-z]+\*?|.|$)|[{}%#]", re.S)
AT_TOKEN = re.compile(r"\\(?:[A-Za-z@]+\*?|.|$)|[{}%#]", re.S)
ENVIRONMENT = re.compile(r"\{([A-Za-z*-]+)\}")


def marked_source(line: str) -> str | None:
    """The source file a marker line opens (a contribution's, a front page's), else None."""
    for marker in (MARKER, FRONT_MARKER):
        if line.startswith(marker):
            return line[len(marker) :].strip()
    return None


class Region:
    def __init__(self, source: str | None, contributor: bool, front: bool = False) -> None:
        self.source = source
        self.contributor = contributor or front  # verified as strictly
        self.front = front
        self.depth = 0
        self.environments: list[str] = []
        self.at_letter = False  # between \makeatletter and \makeatother


def is_contribution(source: str, folders: tuple[str, ...]) -> bool:
    """A contributor's page: in a contributor folder, not the folder's own index (the organizers'
    list page, as gate.gated_page decides)."""
    return source.startswith(folders) and source not in {f"{folder}index.md" for folder in folders}


def verify_book(tex: str, folders: tuple[str, ...] = CONTRIBUTOR_FOLDERS) -> list[str]:
    """``file (book line N): …`` for each thing in the book's body its layout never writes;
    at most one per contribution and line. Work is linear in the size of the ``.tex``."""
    lines = tex.split("\n")
    begin = next((i for i, line in enumerate(lines) if line.startswith(r"\begin{document}")), None)
    if begin is None:
        return ["the book's LaTeX has no \\begin{document}: rebuild it (make pdf)"]
    problems: list[str] = []
    stack = [Region(None, False)]
    allowed_here = _allowed(stack[-1])
    for number in range(begin + 1, len(lines) + 1):
        line = lines[number - 1]
        if (source := marked_source(line)) is not None:
            front = line.startswith(FRONT_MARKER)
            stack.append(Region(source, is_contribution(source, folders), front))
            allowed_here = _allowed(stack[-1])
            continue
        if line.startswith(END_MARKER):
            if len(stack) > 1:
                _close(stack.pop(), number, problems)
                allowed_here = _allowed(stack[-1])
            continue
        region = stack[-1]
        where = f"{region.source or 'the book'} (book line {number})"
        found = _verify_line(line, region, allowed_here)
        if len(line) > MAX_LINE:
            found = found or f"a paragraph of {len(line):,} characters (at most {MAX_LINE:,}): split it"
        if found:
            problems.append(f"{where}: {found}")
    while len(stack) > 1:
        _close(stack.pop(), len(lines), problems)
    return problems


def _allowed(region: Region) -> tuple[frozenset[str], frozenset[str]]:
    if region.front:
        return CONTRIBUTION | MATH_VOCABULARY | TEXT_VOCABULARY | FRONT_PAGE, ENVIRONMENTS
    if region.contributor:
        return CONTRIBUTION | MATH_VOCABULARY | TEXT_VOCABULARY, ENVIRONMENTS
    return CONTRIBUTION | MATH_VOCABULARY | TEXT_VOCABULARY | LAYOUT, ENVIRONMENTS | LAYOUT_ENVIRONMENTS


def _close(region: Region, number: int, problems: list[str]) -> None:
    if not region.contributor:
        return
    where = f"{region.source} (book line {number})"
    if region.depth:
        problems.append(f"{where}: its LaTeX leaves {region.depth} brace(s) open")
    elif region.environments:
        problems.append(f"{where}: its LaTeX leaves \\begin{{{region.environments[-1]}}} open")


def _verify_line(line: str, region: Region, allowed: tuple[frozenset[str], frozenset[str]]) -> str | None:
    """The first problem on one line of the body, or None; updates the region's braces and
    environments."""
    control_words, environments = allowed
    if "^^" in line:  # read before TeX tokenizes: '\^^69nput' is \input
        return "'^^' (TeX's notation for another character)"
    definition = False  # the previous token was \def
    position = 0
    while match := (AT_TOKEN if region.at_letter else TOKEN).search(line, position):
        position = match.end()  # the pattern changes at \makeatletter, within a line too
        token = match.group()
        if definition:
            if token[1:] not in WRITER_DEFINITIONS:
                return "\\def (a definition)"
            definition = False
            continue
        if token == "%":
            rest = line[match.end() :]
            if rest.strip() and not (match.start() == 0 and rest.startswith(" workshop-")):
                return "a comment that hides the rest of the line"
            return None
        if token == "{":
            region.depth += 1
        elif token == "}":
            region.depth -= 1
            if region.depth < 0 and region.contributor:
                region.depth = 0
                return "a '}' that closes a group the contribution did not open"
        elif token == "#":
            return "a '#' the book's writer never leaves unescaped"
        elif len(token) == 2 and not token[1].isalpha():
            if token[1] not in SYMBOLS:
                return f"the control symbol {token!r}"
        elif token == "\\":
            continue  # a backslash at the end of the line: the writer's own line break '\\'
        else:
            name = token[1:].rstrip("*")
            if name == "def":
                definition = True
            elif name in ("makeatletter", "makeatother"):
                region.at_letter = name == "makeatletter"
            elif "@" in name:
                if name not in AT_WORDS:
                    return f"the control sequence \\{name}"
            elif name in ("begin", "end"):
                env = ENVIRONMENT.match(line, match.end())
                if env is None:
                    return f"\\{name} without an environment name"
                if env.group(1) not in environments:
                    return f"the environment '{env.group(1)}'"
                if name == "begin":
                    region.environments.append(env.group(1))
                elif region.environments and region.environments[-1] == env.group(1):
                    region.environments.pop()
                elif region.contributor:
                    return f"\\end{{{env.group(1)}}} that the contribution did not begin"
            elif name not in control_words:
                return f"the control sequence \\{name}"
    return None
