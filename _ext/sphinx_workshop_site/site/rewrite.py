"""Which pages to write again although their source did not change: the rewrite policy.

Pages with placeholders (a talk's slot line, the programme, lists of talks and speakers) show data
from other pages, the schedule and the PDF. At ``env-get-updated`` a digest of each such thing is
compared with the last build's (kept in the domain); the pages whose placeholders show a changed
one are rewritten. The domain only keeps the state; this module reads the files and decides.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sphinx.application import Sphinx

from ..domain import WorkshopDomain
from ..model.schedule import Schedule
from .resolve import load_schedule, main_schedule_path

Digests = dict[str, tuple[str, set[str]]]  # token -> (hash, related tokens)


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def public_digests(
    domain: WorkshopDomain, srcdir: Path, schedule: Schedule | None, pdf: str | None
) -> Digests:
    """A hash per thing placeholders show, with the tokens it touches: a talk's title, speakers
    and slot (a poster's session, board and spotlight); a speaker's name and affiliation; the
    schedule file; the PDF."""

    def title(doc: str) -> str:
        node = domain.title_of(doc)
        return node.astext() if node is not None else ""

    out: Digests = {}
    talks_of: dict[str, set[str]] = {}
    boards = domain.boards(schedule)
    for tid, (doc, meta) in domain.talks.items():
        slot = schedule.slot_of(tid) or schedule.session_of(tid) if schedule else None
        where = (slot.date, slot.start, slot.end, schedule.room_of(slot)) if slot else None
        if schedule is not None:  # a poster's board and a spotlight's order show on its page
            where = (where, boards.get(tid), schedule.spotlight_of(tid))
        out[f"talk:{tid}"] = (_digest(doc, meta, title(doc), where), {f"speaker:{s}" for s in meta.speakers})
        for sid in meta.speakers:
            talks_of.setdefault(sid, set()).add(f"talk:{tid}")
    for sid, (doc, meta) in domain.speakers.items():
        out[f"speaker:{sid}"] = (_digest(doc, meta, title(doc)), talks_of.get(sid, set()))
    data = b""
    if schedule is not None and (srcdir / schedule.file).is_file():
        data = (srcdir / schedule.file).read_bytes()
    out["schedule"] = (hashlib.sha256(data).hexdigest(), set())
    if pdf and (srcdir / pdf).is_file():
        out["pdf"] = (str((srcdir / pdf).stat().st_size), set())
    return out


def docs_to_rewrite(old: Digests, new: Digests, late_docs: dict[str, set[str]]) -> list[str]:
    """Pages whose placeholders show something that changed since the last build (a change
    reaches the tokens related to it: a speaker renamed touches their talks' lines)."""
    changed = {k for k in old.keys() | new.keys() if old.get(k, ("",))[0] != new.get(k, ("",))[0]}
    if not changed:
        return []
    affected = set(changed)
    for token in changed:
        affected |= old.get(token, ("", set()))[1] | new.get(token, ("", set()))[1]
    return sorted(doc for doc, tokens in late_docs.items() if "*" in tokens or tokens & affected)


def rewrite_late_docs(app: Sphinx, env) -> list[str]:
    """env-get-updated: rewrite pages with placeholders when what they show has changed."""
    domain: WorkshopDomain = env.get_domain("workshop")
    schedule = load_schedule(app.srcdir, main_schedule_path(app.config))[0]
    new = public_digests(domain, Path(app.srcdir), schedule, app.config.workshop_proceedings_pdf)
    return docs_to_rewrite(domain.swap_digests(new), new, domain.late_docs)


def setup_rewrite(app: Sphinx) -> None:
    app.connect("env-get-updated", rewrite_late_docs)
