"""Pages with known problems are read again on every build, so ``-W`` keeps failing.

Sphinx re-reads only changed files: without this, a second ``make html`` after a failed
one would succeed without a word while the bad schedule or front matter is still there.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from ..diagnostics import report
from ..domain import WorkshopDomain
from ..model.contributions import check_contributions
from ..model.errors import WorkshopError
from ..model.sourceyaml import decode
from ..site.pages import page_id_in, source_name
from ..site.resolve import load_schedule, main_schedule_path


def docs_with_problems(app: Sphinx, env, added, changed, removed) -> list[str]:
    """env-get-outdated: documents that show a problem that arose since they were read (a schedule
    naming a removed talk, a talk naming a removed speaker). Documents that warned are read again
    by memory.py. Nothing is read from disk but the schedule (cached)."""
    domain: WorkshopDomain = env.get_domain("workshop")
    again: set[str] = set()
    # the pages as they will be once removed ones are gone (the domain still holds them here)
    types = {t: kind for t, kind in domain.contribution_types().items() if domain.talks[t][0] not in removed}
    for path in domain.schedule_files() | {main_schedule_path(app.config)}:
        schedule, problems = load_schedule(app.srcdir, path)
        if problems or (schedule and check_contributions(schedule, types, domain.board_claims())):
            again.update(domain.docs_showing(path))
    for _tid, (docname, meta) in domain.talks.items():
        if any(s not in domain.speakers for s in meta.speakers):
            again.add(docname)
    return sorted(again - set(removed))


def set_aside_undecodable(app: Sphinx, env, docnames: list[str]) -> None:
    """env-before-read-docs: Sphinx stops with a traceback on a source that is not UTF-8. Each
    such page gets one located error (an error under -W: file, line and how to fix) and is left
    out of this build: not read, not written, forgotten by the environment, so that the next
    build finds it again as a new page and reports it again until it is fixed. Its id stays known
    to the schedule and speaker checks (:func:`unreadable_ids`): one message, not two."""
    env.workshop_unreadable = set()
    for docname in list(docnames):
        data = Path(env.doc2path(docname)).read_bytes()
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                decode(data, source_name(app, docname))
            except WorkshopError as err:
                report(err)
            docnames.remove(docname)
            env.workshop_unreadable.add(docname)
            env.found_docs.discard(docname)
            if docname in env.all_docs:  # a page that was readable before: drop what it said then
                app.events.emit("env-purge-doc", env, docname)
                env.clear_doc(docname)


def unreadable_ids(app: Sphinx, folder: str) -> set[str]:
    """Ids of the pages in ``folder`` set aside in this build because they are not UTF-8."""
    return {i for d in getattr(app.env, "workshop_unreadable", ()) if (i := page_id_in(d, folder))}


def setup_recheck(app: Sphinx) -> None:
    app.connect("env-get-outdated", docs_with_problems)
    app.connect("env-before-read-docs", set_aside_undecodable)
