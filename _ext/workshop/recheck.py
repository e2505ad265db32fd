"""Pages with known problems are read again on every build, so ``-W`` keeps failing.

Sphinx re-reads only changed files: without this, a second ``make html`` after a failed
one would succeed without a word while the bad schedule or front matter is still there.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from .domain import WorkshopDomain
from .model import check_talk_references
from .resolve import load_schedule, main_schedule_path


def docs_with_problems(app: Sphinx, env, added, changed, removed) -> list[str]:
    """env-get-outdated: documents whose problems were reported before and are still there.
    Nothing is read from disk but the schedule (cached): the domain remembers the rest."""
    domain: WorkshopDomain = env.get_domain("workshop")
    again: set[str] = set(domain.data["problem_docs"])
    for path in domain.schedule_files() | {main_schedule_path(app.config)}:
        schedule, problems = load_schedule(app.srcdir, path)
        if problems or (schedule and check_talk_references(schedule, set(domain.talks))):
            again.update(domain.docs_showing(path))
    for _tid, (docname, meta) in domain.talks.items():
        if any(s not in domain.speakers for s in meta.speakers):
            again.add(docname)
    return sorted(again - set(removed))


def setup_recheck(app: Sphinx) -> None:
    app.connect("env-get-outdated", docs_with_problems)
