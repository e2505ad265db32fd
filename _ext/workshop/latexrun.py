"""Run LaTeX on the book in a sandbox: ``python -m workshop.latexrun _build/latex``.

The book's ``.tex`` holds contributors' text and math. The math checker (texcheck) keeps TeX
programming out of it; this is the second wall, for whatever gets past it:

- a clean environment: only what TeX needs (no CI secrets, no tokens), HOME in a temp folder;
- no shell escape at all, and kpathsea's paranoid file access (``openin_any=p``,
  ``openout_any=p``: no absolute paths, no ``..``, no dot files, reading or writing);
- a time limit (``PDF_TIMEOUT``, 300 s by default): the whole process group is stopped;
- on failure, LaTeX's own error line and the talk file it came from (the book carries
  ``% workshop-source:`` markers, see proceedings.SourceMarkers), not a 3,000-line log.

Run as Sphinx's generated Makefile would (latexmk with its latexmkrc, xelatex, xindy), then
check that the PDF is there.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_TIMEOUT = 300  # seconds
# From the caller's environment, only these (the locale and where programs are).
PASSED_THROUGH = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "SOURCE_DATE_EPOCH")
# kpathsea reads its settings from the environment too: these win over texmf.cnf.
KPATHSEA_LOCKDOWN = {
    "shell_escape": "f",
    "shell_escape_commands": "",
    "openin_any": "p",
    "openout_any": "p",
}
MARKER = "% workshop-source: "
END_MARKER = "% workshop-source-end"
LOG_LINE = re.compile(r"^l\.(\d+)")


def latex_environment(home: Path, xindy_options: str) -> dict[str, str]:
    """Built from nothing: the caller's other variables (tokens, keys) never reach TeX."""
    env = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    env.setdefault("PATH", os.defpath)
    env.setdefault("LANG", "C.UTF-8")
    env.update(KPATHSEA_LOCKDOWN)
    env.update(
        HOME=str(home),
        TEXMFHOME=str(home / "texmf"),
        TEXMFVAR=str(home / "texmf-var"),
        TEXMFCONFIG=str(home / "texmf-config"),
        LATEXOPTS="-no-shell-escape",  # read by Sphinx's latexmkrc
        XINDYOPTS=xindy_options,
    )
    return env


def xindy_options(latexdir: Path) -> str:
    """What Sphinx's generated Makefile exports for xindy (language, sphinx.xdy)."""
    makefile = latexdir / "Makefile"
    options: list[str] = []
    if makefile.is_file():
        for line in makefile.read_text(encoding="utf-8", errors="replace").splitlines():
            if match := re.match(r"(?:export\s+)?XINDYOPTS\s*\+?=\s*(.*)", line):
                options.append(match.group(1).strip())
    return " ".join(options)


def source_at(tex_lines: list[str], line: int) -> str | None:
    """The document the book's line ``line`` (1-based) came from, by its markers."""
    stack: list[str] = []
    for text in tex_lines[: max(line, 0)]:
        if text.startswith(MARKER):
            stack.append(text[len(MARKER) :].strip())
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
    return context, f"error: {where}LaTeX failed: {what} (see {shown_log})"


def run(latexdir: Path, name: str, timeout: float) -> int:
    tex = latexdir / f"{name}.tex"
    if not tex.is_file():
        print(f"error: {tex} is missing: run Sphinx's LaTeX builder first (make pdf does)")
        return 1
    shown_log = latexdir / f"{name}.log"
    command = [
        "latexmk", "-pdf", "-dvi-", "-ps-", "-interaction=nonstopmode", "-halt-on-error", "-silent",
        "-no-shell-escape", f"{name}.tex",
    ]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="workshop-latex-") as home:
        env = latex_environment(Path(home), xindy_options(latexdir))
        with open(latexdir / "latexmk.out", "wb") as out:
            # A session of its own: on timeout the whole group (latexmk, xelatex, xindy) stops.
            process = subprocess.Popen(
                command, cwd=latexdir, env=env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
            try:
                returncode = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                print(f"error: LaTeX took longer than {timeout:g} s: stopped (a loop in a talk's math?)")
                return 1
    if returncode != 0:
        context, message = failure_message(latexdir, name, shown_log)
        for line in context:
            print(line)
        print(message)
        return 1
    pdf = latexdir / f"{name}.pdf"
    if not pdf.is_file() or pdf.stat().st_size == 0:
        print(f"error: LaTeX finished but {pdf} was not written (see {shown_log})")
        return 1
    log = shown_log.read_text(encoding="utf-8", errors="replace") if shown_log.is_file() else ""
    if missing := missing_characters(log):
        shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in missing[:8])
        fonts = "e.g. fonts-freefont-otf, fonts-wqy-microhei"
        print(f"error: the PDF lacks {len(missing)} character(s) no font has: {shown} "
              f"(install a font with them, {fonts}; see {shown_log})")  # fmt: skip
        return 1
    return 0


MISSING = re.compile(r"Missing character: There is no (.) \(U\+[0-9A-F]+\)")


def missing_characters(log: str) -> list[str]:
    """The characters LaTeX reported it had no glyph for (they would print as nothing or boxes)."""
    return list(dict.fromkeys(MISSING.findall(log)))


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
    if status == 0 and args.copy_to is not None:
        args.copy_to.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(args.latexdir / f"{name}.pdf", args.copy_to / f"{name}.pdf")
        print(f"The proceedings are in {args.copy_to / f'{name}.pdf'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
