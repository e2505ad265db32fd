"""What the book was typeset from, for the site that links it.

The LaTeX build records the digest of each of the book's sources (the talks', posters' and
speakers' files, the schedule, the book's root) in ``<name>.sources.json``; ``make pdf`` puts it
beside the PDF when the PDF is built (citation.copy_sidecars). ``make html`` then names the
sources changed since: a file saved again unchanged is not one, a file gone is. Without the
record (a PDF made before it existed), a file modified after the PDF is.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

SOURCES_SUFFIX = ".sources.json"


def book_sources(srcdir: Path, folders: list[str], files: list[Path]) -> list[Path]:
    """Every file under ``folders`` (relative to ``srcdir``) and ``files`` that exists."""
    found = [p for name in folders if (srcdir / name).is_dir() for p in (srcdir / name).rglob("*")]
    return sorted({p for p in [*found, *files] if p.is_file()})


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_record(record: Path, srcdir: Path, sources: list[Path]) -> None:
    digests = {p.relative_to(srcdir).as_posix(): _digest(p) for p in sources}
    record.write_text(json.dumps(digests, indent=0, sort_keys=True) + "\n", encoding="utf-8")


def changed_since(pdf: Path, srcdir: Path, sources: list[Path]) -> list[str]:
    """The sources (relative to ``srcdir``) that differ from what ``pdf`` was typeset from, by
    its record (whose files are sources too: the book's root, which only its build knows); only
    the files modified after the PDF are read."""
    recorded = _record(pdf.with_suffix(SOURCES_SUFFIX))
    current = {p.relative_to(srcdir).as_posix(): p for p in sources}
    current |= {rel: srcdir / rel for rel in recorded or {} if (srcdir / rel).is_file()}
    built = pdf.stat().st_mtime
    newer = {rel for rel, p in current.items() if p.stat().st_mtime > built}
    if recorded is None:
        return sorted(newer)
    changed = {rel for rel in newer if recorded.get(rel) != _digest(current[rel])}
    return sorted(changed | (set(recorded) - set(current)))


def _record(path: Path) -> dict[str, str] | None:
    """The digests ``write_record`` wrote, or None (no record, or not one)."""
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return recorded if isinstance(recorded, dict) else None
