"""Typeset the book in a jail: ``python -m sphinx_workshop_site.book.latexrun _build/latex``.

The book's ``.tex`` holds contributors' text and math. Three walls, in this order:

1. **Verify what Sphinx wrote** (texverify): each contribution's LaTeX, between its
   ``% workshop-source:`` markers, may hold only the control sequences and environments the book's
   own layout writes, with balanced braces. A failure names the contribution's file and nothing
   is typeset.
2. **Jail the toolchain** (jail.py, bubblewrap): XeLaTeX and the PDF driver it runs see no other
   process, no environment, no network, nothing of the host but programs, TeX trees and fonts,
   and can write only new files in the build folder. Where the jail cannot start, nothing is
   typeset unless the organizer opts out explicitly (``PDF_SANDBOX=off``).
3. **Nothing TeX writes is run by another program**: no latexmk (its ``latexmkrc`` is Perl read
   from the build folder), no index program (xindy modules are Lisp found in the build folder):
   the author index is written by the extension itself (booklayout), and XeLaTeX is run here
   until its cross-references settle, at most ``MAX_PASSES`` times. A file TeX writes other than
   its own outputs (a ``.sty`` that would shadow a package on the next pass) stops the build.

Also: kpathsea's paranoid settings (no shell escape, no absolute paths or dot files), a time
limit for the whole run (``PDF_TIMEOUT``, 300 s by default: the jail is stopped), and on failure
LaTeX's own error line and the talk file it came from, not a 3,000-line log. A character that
the font of its face has no glyph for stops the run after the pass that set it (each pass sets
every page), naming the talk. A failed run leaves no PDF that looks current.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pikepdf

from ..exports.citation import SIDECARS, copy_sidecars
from ..gate.texverify import CONTRIBUTOR_FOLDERS, END_MARKER, marked_source, verify_book
from ..model.safetext import printable
from . import xmp
from .jail import JAIL_ENVIRONMENT, OPT_OUT, jail_problem, jailed, opted_out

DEFAULT_TIMEOUT = 300  # seconds
MAX_PASSES = 5  # XeLaTeX runs: the contents and the programme's page numbers settle in 2 or 3
# From the caller's environment, only these (the locale and where programs are): without the jail.
PASSED_THROUGH = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "SOURCE_DATE_EPOCH")
KPATHSEA_LOCKDOWN = {
    key: JAIL_ENVIRONMENT[key]
    for key in ("shell_escape", "shell_escape_commands", "openin_any", "openout_any")
}
LOG_LINE = re.compile(r"^l\.(\d+)")
# What XeLaTeX may add to the build folder (the book's own outputs); anything else stops the build.
OUTPUTS = (".aux", ".log", ".toc", ".out", ".pdf", ".xdv", ".lof", ".lot", ".fls")
SETTLED = (".aux", ".toc", ".out")  # unchanged by a pass: the cross-references are final
STAMP = ".inputs"  # <name>.inputs: the digest of the LaTeX and files a built PDF was typeset from


def latex_environment(home: Path) -> dict[str, str]:
    """Without the jail (PDF_SANDBOX=off): built from nothing, the caller's other variables
    (tokens, keys) never reach TeX."""
    env = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    env.setdefault("PATH", os.defpath)
    env.setdefault("LANG", "C.UTF-8")
    env.update(KPATHSEA_LOCKDOWN)
    env.update(
        HOME=str(home),
        TEXMFHOME=str(home / "texmf"),
        TEXMFVAR=str(home / "texmf-var"),
        TEXMFCONFIG=str(home / "texmf-config"),
    )
    return env


def source_at(tex_lines: list[str], line: int) -> str | None:
    """The document the book's line ``line`` (1-based) came from, by its markers."""
    stack: list[str] = []
    for text in tex_lines[: max(line, 0)]:
        if (source := marked_source(text)) is not None:
            stack.append(source)
        elif text.startswith(END_MARKER) and stack:
            stack.pop()
    return stack[-1] if stack else None


def latex_error(log: str) -> tuple[list[str], int | None]:
    """LaTeX's first error: its '! …' line, the 'l.<N> …' line that shows where, and N."""
    lines = log.splitlines()
    for index, text in enumerate(lines):
        if text.startswith("! "):
            for follow in lines[index + 1 : index + 15]:
                if match := LOG_LINE.match(follow):
                    return [text, follow], int(match.group(1))
            return [text], None
    return [], None


def failure_message(latexdir: Path, name: str, shown_log: Path) -> tuple[list[str], str]:
    """(context lines, the one-line error) after LaTeX failed."""
    log_path = latexdir / f"{name}.log"
    log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.is_file() else ""
    context, line = latex_error(log)
    where = ""
    if line is not None:
        tex = (latexdir / f"{name}.tex").read_text(encoding="utf-8", errors="replace").splitlines()
        if source := source_at(tex, line):
            where = f"{source}: "
    what = context[0] if context else "see the log"
    return [printable(c[:300]) for c in context], printable(
        f"error: {where}LaTeX failed: {what} (see {shown_log})"
    )


def _digest(latexdir: Path, name: str) -> str:
    digest = hashlib.sha256()
    for suffix in SETTLED:
        path = latexdir / f"{name}{suffix}"
        digest.update(path.read_bytes() if path.is_file() else b"-")
    return digest.hexdigest()


def inputs_digest(latexdir: Path, name: str) -> str:
    """The digest of everything TeX reads in the build folder (the book's .tex, styles, images;
    not TeX's own outputs): the same digest, the same book."""
    # TeX's outputs, and the files beside the book that TeX never reads (the page numbers are
    # written after it ran: counted, the first run after a new book typeset it again)
    skipped = {f"{name}{suffix}" for suffix in (*OUTPUTS, STAMP, *SIDECARS)} | {"latex.out"}
    digest = hashlib.sha256()
    for path in sorted(latexdir.rglob("*")):
        relative = path.relative_to(latexdir).as_posix()
        if path.is_file() and not path.is_symlink() and relative not in skipped:
            digest.update(relative.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _listing(latexdir: Path) -> set[str]:
    """Every path below the build folder (subfolders too: TeX may write into one that exists)."""
    return {path.relative_to(latexdir).as_posix() for path in latexdir.rglob("*")}


def _unexpected_files(latexdir: Path, outputs: frozenset[str], before: set[str]) -> list[str]:
    return sorted(_listing(latexdir) - before - outputs)


class Stopped(Exception):
    """The run was stopped (time limit)."""


class Failed(Exception):
    """The book was not typeset; the message (one line) says why."""


def _pass(command: list[str], latexdir: Path, env: dict[str, str] | None, deadline: float, out) -> int:
    """One XeLaTeX run; the whole process group stops at the deadline."""
    process = subprocess.Popen(
        command,
        cwd=latexdir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        return process.wait(timeout=max(deadline - time.monotonic(), 0.1))
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise Stopped from None


def typeset(latexdir: Path, name: str, timeout: float) -> tuple[int, int]:
    """XeLaTeX until the cross-references settle (at most MAX_PASSES runs), jailed: its exit
    status (0, 1 for LaTeX's own error, other: a crash) and the number of runs, or Failed."""
    xelatex = ["xelatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"]
    deadline = time.monotonic() + timeout
    unjailed = opted_out()
    if not unjailed and (problem := jail_problem()):
        raise Failed(
            f"make pdf typesets contributors' pages in a sandbox, and it cannot start here: {problem}. "
            f"To build anyway, from contributions you trust only, set {OPT_OUT}=off"
        )
    if unjailed:
        print(f"warning: {OPT_OUT}=off: LaTeX runs without the sandbox; build only contributions you trust")
    for suffix in OUTPUTS:  # a fresh start: an .aux is TeX code that the next run reads
        (latexdir / f"{name}{suffix}").unlink(missing_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="workshop-latex-") as home,
        open(latexdir / "latex.out", "wb") as out,
    ):
        outputs = frozenset(f"{name}{suffix}" for suffix in OUTPUTS)
        before = _listing(latexdir) - outputs
        previous = _digest(latexdir, name)
        for number in range(1, MAX_PASSES + 1):
            if unjailed:
                command, env = xelatex, latex_environment(Path(home))
            else:
                command = jailed(xelatex, latexdir, writable=outputs)
                env = {"PATH": os.environ.get("PATH", os.defpath)}  # to find env(1); cleared by jailed()
            try:
                returncode = _pass(command, latexdir, env, deadline, out)
            except Stopped:
                raise Failed(
                    f"LaTeX took longer than {timeout:g} s: stopped (a loop in a talk's math?)"
                ) from None
            if unexpected := _unexpected_files(latexdir, outputs, before):
                shown = ", ".join(printable(n) for n in unexpected[:5])
                for extra in unexpected:  # never read by a next run
                    Path(latexdir, extra).unlink(missing_ok=True)
                raise Failed(
                    f"LaTeX wrote files the book never writes ({shown}): stopped, a contribution "
                    f"tries to change the toolchain (see {latexdir / (name + '.log')})"
                )
            if returncode != 0:
                return returncode, number
            if _misses_a_glyph(latexdir / f"{name}.log"):  # each pass sets every page: it fails
                return 0, number  # now, not after the cross-references settle (run() says why)
            current = _digest(latexdir, name)
            if number > 1 and current == previous:
                return 0, number
            previous = current
    raise Failed(
        f"the book's cross-references did not settle after {MAX_PASSES} LaTeX runs "
        f"(see {latexdir / (name + '.log')})"
    )


def run(latexdir: Path, name: str, timeout: float) -> int:
    tex = latexdir / f"{name}.tex"
    if not tex.is_file():
        print(f"error: {tex} is missing: run Sphinx's LaTeX builder first (make pdf does)")
        return 1
    shown_log = latexdir / f"{name}.log"
    stamp, pdf = latexdir / f"{name}{STAMP}", latexdir / f"{name}.pdf"
    digest = inputs_digest(latexdir, name)
    if pdf.is_file() and pdf.stat().st_size and stamp.is_file() and stamp.read_text() == digest:
        print(f"The book's LaTeX is what {pdf.name} was typeset from: it is up to date")
        return 0
    stamp.unlink(missing_ok=True)
    pdf.unlink(missing_ok=True)  # a failed run leaves no PDF that looks current
    if problems := verify_book(tex.read_text(encoding="utf-8", errors="replace")):
        for problem in problems:
            print(printable(f"error: {problem}"))
        print(f"error: the book was not typeset: {len(problems)} problem(s) in its LaTeX (above)")
        return 1
    try:
        returncode, passes = typeset(latexdir, name, timeout)
    except Failed as failure:
        print(printable(f"error: {failure}"))
        return 1
    if returncode < 0 or returncode > 1:  # a crash (a signal), not LaTeX's own error exit
        output = (latexdir / "latex.out").read_text(encoding="utf-8", errors="replace")
        said = next(
            (line.strip() for line in output.splitlines() if re.search(r"(?i)\berror\b|fatal", line)), ""
        )
        said = f": {said[:200]}" if said else ""
        what = (
            "its PDF driver stopped (an image it cannot read?)" if returncode == 141 else f"exit {returncode}"
        )
        shown = latexdir / "latex.out"
        print(printable(f"error: LaTeX crashed while typesetting the book ({what}){said} (see {shown})"))
        return 1
    if returncode != 0:
        context, message = failure_message(latexdir, name, shown_log)
        for line in context:
            print(line)
        print(message)
        return 1
    if not pdf.is_file() or pdf.stat().st_size == 0:
        print(f"error: LaTeX finished but {pdf} was not written (see {shown_log})")
        return 1
    log = shown_log.read_text(encoding="utf-8", errors="replace") if shown_log.is_file() else ""
    if missing := missing_characters(log):
        tex_lines = tex.read_text(encoding="utf-8", errors="replace").splitlines()
        print(printable(missing_message(missing, sources_of(tex_lines, [c for c, _ in missing]), shown_log)))
        return 1  # main() removes the PDF of any failed run
    sidecar = latexdir / f"{name}{xmp.SIDECAR}"
    if sidecar.is_file():  # the XMP packet, from the LaTeX builder's words (never TeX's)
        try:
            xmp.embed(pdf, xmp.BookMetadata.read(sidecar))
        except (ValueError, OSError, pikepdf.PdfError) as error:
            print(printable(f"error: the book's XMP metadata could not be written into {pdf.name}: {error}"))
            return 1
    stamp.write_text(digest)  # the next run with the same inputs keeps this PDF
    print(f"XeLaTeX ran {passes} times: the cross-references settled")  # make bench counts them
    return 0


# "Missing character: There is no अ (U+0905) in font [FreeSerifItalic.otf]/OT:script=…;!", the
# font's part possibly wrapped onto the next line of the log (TeX's 79 characters)
MISSING = re.compile(r"Missing character: There is no (.) \(U\+[0-9A-F]+\) in font ([^!]*)!")
SHOWN_MISSING = 40  # characters named in the message; the count says how many more


def face_name(font: str) -> str:
    """'FreeSerifItalic' for '[FreeSerifItalic.otf]/OT:script=deva;…', 'Noto Sans Thai' for
    'Noto Sans Thai/B/OT:…': the font file or name TeX used."""
    font = font.replace("\n", "").strip()
    name = font[1 : font.index("]")] if font.startswith("[") and "]" in font else re.split(r"[/:]", font)[0]
    return re.sub(r"\.(otf|ttf|ttc|pfb)$", "", name.rsplit("/", 1)[-1], flags=re.I) or "?"


def _misses_a_glyph(log: Path) -> bool:
    """The pass's log says a character was set in a face that has no glyph for it."""
    try:
        return bool(missing_characters(log.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return False


def missing_characters(log: str) -> list[tuple[str, str]]:
    """(character, face) for each character LaTeX had no glyph for in the face it was set in
    (they would print as nothing), each pair once, in the order of the log."""
    return list(dict.fromkeys((char, face_name(font)) for char, font in MISSING.findall(log)))


def sources_of(tex_lines: list[str], chars: list[str]) -> dict[str, list[str]]:
    """{character: the files (by the book's markers) whose text holds it}, in one pass."""
    wanted = set(chars)
    found: dict[str, list[str]] = {c: [] for c in chars}
    stack: list[str] = []
    for text in tex_lines:
        if (source := marked_source(text)) is not None:
            stack.append(source)
        elif text.startswith(END_MARKER) and stack:
            stack.pop()
        elif here := wanted.intersection(text):
            source = stack[-1] if stack else "the book's own pages"
            for char in here:
                if source not in found[char]:
                    found[char].append(source)
    return found


def missing_message(missing: list[tuple[str, str]], sources: dict[str, list[str]], log: Path) -> str:
    """One line: each character with its code point, the face that lacked it and the files it is
    written in."""
    shown = []
    for char, face in missing[:SHOWN_MISSING]:
        files = sorted(sources.get(char, []), key=lambda f: not f.startswith(CONTRIBUTOR_FOLDERS))
        where = ", ".join(files[:3]) or "the book's own pages"  # a contributor's file first
        shown.append(f"{char!r} (U+{ord(char):04X}) in {face} ({where})")
    more = f" and {len(missing) - SHOWN_MISSING} more" if len(missing) > SHOWN_MISSING else ""
    return (
        f"error: {len(missing)} character(s) would print as nothing, the font of their face has no "
        f"glyph for them: {'; '.join(shown)}{more}. Write them in a script the book sets (its fonts "
        f"are listed in workshopbook.sty), or add a font for them there (see {log})"
    )


def book_name(latexdir: Path) -> str | None:
    """The book's name, as the Sphinx build wrote it beside the .tex (proceedings.note_book_name)."""
    note = latexdir / "workshop-book-name"
    if note.is_file():
        return note.read_text(encoding="utf-8").strip() or None
    return None


def timeout_from_environment() -> float:
    value = os.environ.get("PDF_TIMEOUT", "").strip()
    if not value:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1
    if seconds <= 0:
        raise SystemExit(f"error: PDF_TIMEOUT={value!r}: give a number of seconds, e.g. PDF_TIMEOUT=600")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("latexdir", type=Path, help="the LaTeX builder's output folder")
    parser.add_argument("--name", help="the book's .tex, without .tex (default: the one Sphinx wrote)")
    parser.add_argument("--copy-to", type=Path, help="copy the PDF into this folder when it is built")
    args = parser.parse_args(argv)
    name = args.name or book_name(args.latexdir)
    if name is None:
        print(f"error: {args.latexdir} has no book: run Sphinx's LaTeX builder first (make pdf does)")
        return 1
    status = run(args.latexdir, name, timeout_from_environment())
    if status != 0:  # never a partial or stale book beside a failed build
        (args.latexdir / f"{name}.pdf").unlink(missing_ok=True)
        if args.copy_to is not None:
            (args.copy_to / f"{name}.pdf").unlink(missing_ok=True)
    if status == 0 and args.copy_to is not None:
        args.copy_to.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(args.latexdir / f"{name}.pdf", args.copy_to / f"{name}.pdf")
        print(f"The proceedings are in {args.copy_to / f'{name}.pdf'}")
    # its BibTeX, Zenodo record and page numbers beside it (citation.py); none beside a failed one
    copy_sidecars(args.latexdir, name, args.copy_to, built=status == 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
