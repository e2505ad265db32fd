"""The book's LaTeX verified after Sphinx wrote it (sphinx_workshop_site.gate.texverify): what the book's layout
writes passes; each way a contributor string could carry TeX is named at its contribution."""

from __future__ import annotations

import pytest
from sphinx_workshop_site.gate.texverify import MAX_LINE, verify_book

HEAD = "\\documentclass{book}\n\\usepackage{hyperref}\n\\def\\preambleisfree{ok}\n\\begin{document}\n"
TAIL = "\\end{document}\n"


def book(*contributions: str, root: str = "") -> str:
    """A book with each contribution between its markers (abstracts/t1.md, t2.md, …)."""
    parts = [HEAD, "% workshop-source: proceedings.md\n", root]
    for number, body in enumerate(contributions, 1):
        parts += [f"% workshop-source: abstracts/t{number}.md\n", body, "\n% workshop-source-end\n"]
    return "".join([*parts, "% workshop-source-end\n", TAIL])


WRITTEN_BY_THE_LAYOUT = r"""\workshoptalk{2}
\section{\texorpdfstring{\workshopno{2}}{2. }A title with \(x^2\) and 100\% \& \{braces\}}
\label{\detokenize{abstracts/t1:a-title}}\phantomsection\label{workshop-talk-2}
\begin{workshoptalkmeta}\textbf{Speaker:} Jane (Uni)\par \end{workshoptalkmeta}
\sphinxAtStartPar
Text with \sphinxstyleemphasis{emphasis}, \sphinxcode{\sphinxupquote{code}}, a break\\
and H$_{\text{2}}$O~\hyperref[\detokenize{abstracts/t1:id1}]{\textup{[1]}}. A footnote%
\begin{footnote}[1]\sphinxAtStartFootnote
Text.
%
\end{footnote}
\begin{equation}\label{equation:abstracts/t1:eq-main}
\begin{split}\|W - UV^\top\|_F \le \varepsilon\end{split}
\end{equation}
\sphinxSetupCaptionForVerbatim{Julia}
\def\sphinxLiteralBlockLabel{\label{\detokenize{abstracts/t1:id4}}}
\begin{sphinxVerbatim}[commandchars=\\\{\}]
\PYG{n}{A} \PYGZsh{} \PYGZob{}x\PYGZcb{}
\end{sphinxVerbatim}
\begin{savenotes}\sphinxattablestart
\sphinxthistablewithglobalstyle
\begin{tabular}[t]{\X{30}{100}\X{70}{100}}
\sphinxtoprule
A&B\\
\sphinxbottomrule
\end{tabular}
\sphinxtableafterendhook\par
\sphinxattableend\end{savenotes}
\makeatletter
  \LTleft \@totalleftmargin plus1fill
\makeatother
\begin{enumerate}
\sphinxsetlistlabels{\arabic}{enumi}{enumii}{}{.}%
\item {} x
\end{enumerate}
\paragraph{Ref} \workshopreference \href{https://doi.org/10.1/x}{\nolinkurl{10.1/x}}"""


def test_what_the_layout_writes_passes():
    assert verify_book(book(WRITTEN_BY_THE_LAYOUT, "Plain words.")) == []


def test_the_root_may_hold_the_layout_that_a_contribution_may_not():
    root = "\\chapter{Posters}\n\\cleardoublepage\\pagenumbering{arabic}\n"
    assert verify_book(book("Words.", root=root)) == []
    assert verify_book(book(root))[0] == "abstracts/t1.md (book line 7): the control sequence \\chapter"


# (what reached a contribution's LaTeX, the message part)
ATTACKS = {
    "a label that runs TeX": (r"\label{x}\immediate\write18{id}", r"the control sequence \immediate"),
    "a definition": (r"\def\sphinxstylestrong#1{}", "\\def (a definition)"),
    "a redefinition": (r"\renewcommand{\workshopno}[1]{}", r"the control sequence \renewcommand"),
    "input a host file": (r"\input{/etc/passwd}", r"the control sequence \input"),
    "a class opening a conditional": (r"\DUrole{\iffalse}{x}", r"the control sequence \iffalse"),
    "a class closing it": (r"\DUrole{\fi}{x}", r"the control sequence \fi"),
    "a fake chapter": (r"\chapter{Retraction}", r"the control sequence \chapter"),
    "PDF JavaScript": (
        r"\special{pdf:docview <</OpenAction <</S/JavaScript>>>>}",
        r"the control sequence \special",
    ),
    "hex notation for a backslash": ("^^5cinput{/etc/passwd}", "'^^' (TeX's notation for another character)"),
    "catcode": (r"\catcode`\@=11", r"the control sequence \catcode"),
    "csname": (r"\csname input\endcsname", r"the control sequence \csname"),
    "a parameter character": ("a # b", "a '#' the book's writer never leaves unescaped"),
    "a comment hiding the rest": ("x % }\\end{document}", "a comment that hides the rest of the line"),
    "the end of the book": (r"\end{document}", "the environment 'document'"),
    "verbatim environment": (r"\begin{filecontents}{x.sty}", "the environment 'filecontents'"),
    "an @ name": (r"\makeatletter\@input{x}\makeatother", r"the control sequence \@input"),
    "an early close": ("}\\par", "a '}' that closes a group the contribution did not open"),
    "a letter in hex after a backslash": (
        r"\^^69nput{/etc/passwd}",
        "'^^' (TeX's notation for another character)",
    ),
    "an unknown control symbol": ("\\\x01", "the control symbol '\\\\\\x01'"),
}


@pytest.mark.parametrize("name", ATTACKS)
def test_each_attack_is_named_at_its_contribution(name):
    payload, message = ATTACKS[name]
    problems = verify_book(book("Fine words.", f"Text.\n{payload}\nMore."))
    assert problems and problems[0] == f"abstracts/t2.md (book line 11): {message}", problems


def test_braces_left_open_are_named_at_the_end_of_the_contribution():
    assert verify_book(book("\\textbf{open")) == [
        "abstracts/t1.md (book line 8): its LaTeX leaves 1 brace(s) open"
    ]
    assert verify_book(book("\\begin{itemize}\n\\item x")) == [
        "abstracts/t1.md (book line 9): its LaTeX leaves \\begin{itemize} open"
    ]


def test_environments_must_nest_within_the_contribution():
    problems = verify_book(book("\\begin{itemize}\n\\end{enumerate}\n\\end{itemize}"))
    assert problems == ["abstracts/t1.md (book line 8): \\end{enumerate} that the contribution did not begin"]


def test_a_line_too_long_for_tex_is_named():
    problems = verify_book(book("word " * (MAX_LINE // 5 + 10)))
    assert problems == [
        f"abstracts/t1.md (book line 7): a paragraph of {len('word ' * (MAX_LINE // 5 + 10)):,} "
        f"characters (at most {MAX_LINE:,}): split it"
    ]


def test_speaker_texts_in_the_speakers_part_are_contributions_too():
    tex = book(
        root="\\workshopspeaker{A}{B}{}\n% workshop-source: speakers/eve.md\n\\begingroup\\small\n"
        "\\input{x}\n\\endgroup\n% workshop-source-end\n"
    )
    assert verify_book(tex) == ["speakers/eve.md (book line 9): the control sequence \\input"]


def test_the_preamble_is_the_organizers_and_not_read():
    assert verify_book(book("Words.")) == []  # HEAD has \def in the preamble


def test_a_book_without_a_body_is_named():
    assert verify_book("\\documentclass{book}\n") == [
        "the book's LaTeX has no \\begin{document}: rebuild it (make pdf)"
    ]


def test_work_is_bounded_for_any_input():
    """One pass over the text: a megabyte of braces or backslashes is one problem, not a hang
    (counted in tokens, not seconds)."""
    problems = verify_book(book("{" * 1_000_000))
    assert problems[0].startswith("abstracts/t1.md (book line 7): a paragraph of 1,000,000 characters")
    assert verify_book(book("\\relax" * 5_000)) == []


def test_a_contributor_folders_own_index_is_the_organizers():
    """abstracts/index.md is the organizers' list page (a book of the whole site holds it), not a
    contribution: it may open a chapter."""
    tex = HEAD + "% workshop-source: abstracts/index.md\n\\chapter{Abstracts}\n% workshop-source-end\n" + TAIL
    assert verify_book(tex) == []


def front(body: str) -> str:
    """A book whose root holds one organizers' front page (bookfront.py) with ``body``."""
    page = f"\\workshopfrontmatter\n% workshop-front-source: welcome.md\n{body}\n% workshop-source-end\n"
    return book("Words.", root=page + "\\workshopmainmatter\n")


def test_a_front_page_is_read_as_strictly_as_a_contribution():
    """The organizers' front pages (a welcome, the committees): the contributions' vocabulary and
    their heading's \\chapter, nothing of the layout's."""
    written = (
        "\\chapter{Welcome}\n\\label{\\detokenize{welcome:welcome}}\\label{\\detokenize{welcome::doc}}\n"
        "\\sphinxAtStartPar\nDear participants, \\sphinxstylestrong{welcome} with \\(x^2\\).\n"
        "\\section{Practical information}\n\\begin{itemize}\n\\item {} \n\\sphinxAtStartPar\nCoffee\n\\end{itemize}"
    )
    assert verify_book(front(written)) == []
    for body, said in (
        ("\\input{/etc/passwd}", "the control sequence \\input"),
        ("\\pagenumbering{arabic}", "the control sequence \\pagenumbering"),  # the layout's, not a page's
        ("\\renewcommand{\\indexname}{x}", "the control sequence \\renewcommand"),
        ("\\begin{titlepage}x\\end{titlepage}", "the environment 'titlepage'"),
        ("}", "a '}' that closes a group the contribution did not open"),
    ):
        assert verify_book(front(body)) == [f"welcome.md (book line 8): {said}"], body
    assert verify_book(front("{open")) == ["welcome.md (book line 9): its LaTeX leaves 1 brace(s) open"]
    # the same page without the front marker is the root's: the layout's vocabulary
    assert verify_book(book("Words.", root="\\pagenumbering{arabic}\n")) == []
