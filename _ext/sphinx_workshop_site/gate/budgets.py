"""Every budget on one contributor page (a talk, poster or speaker page) and on its images, in one
place: the numbers here, the checks where the input is read (content.py on the page's raw text
before MyST parses it, imagefile.py on the images' headers), the table in CONTRIBUTING.md
("Limits"). Each is far above what a real page needs and far below what makes a build, the book's
TeX or a reader's browser slow: past it, the input is refused at its line, with the limit and what
to do. Every check is linear in the input. Pure Python, no imports.
"""

from __future__ import annotations

# -- The page's text (content.check_size, at source-read: a refused page is emptied, no parser sees it)
MAX_PAGE_CHARS = 200_000  # an abstract page is a few kB
MAX_HEADINGS = (
    100  # '#' and underlined headings: MyST's anchors for N headings cost N² (199 kB of them: > 15 min)
)
MAX_FOOTNOTES = 200  # footnotes ([^…]) on a page, each counted with its reference
MAX_FORMULAS = 1_000  # $…$, $$…$$, {math} and \begin{…} blocks: MathJax typesets each in the reader's browser
# Consecutive non-blank lines: a paragraph is one line of the book's .tex, and TeX's line buffer
# holds 200,000 characters; escaping may write one character as 18 ('^' is \textasciicircum{}).
MAX_BLOCK_CHARS = 10_000
# Combining marks (Unicode Mn, Mc, Me, and the joiners ZWJ/ZWNJ) on one character: Vietnamese
# stacks 2, Devanagari, Thai, Burmese and Arabic 2-4, Hebrew with niqqud and cantillation up to 5;
# a few hundred hang XeTeX or crash it.
MAX_COMBINING_MARKS = 8

# -- Images (imagefile.py: every image a page shows, a speaker's photo, a poster's image) ----------
MAX_IMAGE_BYTES = 5_000_000
MAX_IMAGE_SIDE = 8_000  # pixels, either side
MAX_IMAGE_PIXELS = 40_000_000  # width × height: decoded, 4 bytes a pixel in the book's PDF driver
MAX_PAGE_IMAGE_BYTES = 10_000_000  # all the images of one page together
MAX_PAGE_IMAGE_PIXELS = 60_000_000  # all the images of one page together
# A page's own math commands (mathmacros): what one formula's uses may put out (pieces and
# characters, before the formula's own 5,000-character limit), and what they add to a page in all
# (a reader's browser typesets every formula: 1,000 short formulas, each expanded to 5,000).
MAX_EXPANSION_WORK = 100_000
MAX_PAGE_EXPANSION = 100_000
MAX_PAGE_EXPANSION_WORK = 500_000  # pieces and characters put out, all formulas of a page together
# A pull request (make check-pr): a talk, its .bib, its images and poster, a speaker page and photo.
MAX_PR_FILES = 40
MAX_PR_BYTES = 40_000_000

# (constant, what it limits) for the table in CONTRIBUTING.md; a test keeps the two in agreement.
TABLE = (
    (MAX_PAGE_CHARS, "characters on a page"),
    (MAX_HEADINGS, "headings on a page"),
    (MAX_FOOTNOTES, "footnotes on a page"),
    (MAX_FORMULAS, "formulas on a page"),
    (MAX_BLOCK_CHARS, "characters in a paragraph (lines without a blank line between them)"),
    (MAX_COMBINING_MARKS, "combining marks (accents, vowel signs) on one character"),
    (MAX_IMAGE_BYTES, "bytes in one image"),
    (MAX_IMAGE_SIDE, "pixels on a side of one image"),
    (MAX_IMAGE_PIXELS, "pixels (width × height) in one image"),
    (MAX_PAGE_IMAGE_BYTES, "bytes of all the images of a page"),
    (MAX_PAGE_IMAGE_PIXELS, "pixels of all the images of a page"),
    (MAX_PAGE_EXPANSION, "characters a page's own math commands add, all their uses together"),
    (MAX_PR_FILES, "files added by one pull request"),
    (MAX_PR_BYTES, "bytes added by one pull request"),
)
