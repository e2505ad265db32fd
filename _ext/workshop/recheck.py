"""Pages with known problems are read again on every build, so ``-W`` keeps failing.

Sphinx re-reads only changed files: without this, a second ``make html`` after a failed
one would succeed without a word while the bad schedule or front matter is still there.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from . import frontmatter
from .content import check_word_limit
from .domain import WorkshopDomain
from .errors import WorkshopError
from .model import check_talk_references
from .pages import source_name
from .resolve import load_schedule, main_schedule_path
from .sourceyaml import decode


def _page_problems(app: Sphinx, docname: str, page_id: str, reader) -> bool:
    rel = source_name(app, docname)
    try:
        text = decode((Path(app.srcdir) / rel).read_bytes(), rel)
    except (OSError, WorkshopError):
        return True
    if reader is frontmatter.read_talk and check_word_limit(text, rel, app.config.workshop_word_limit):
        return True
    return bool(reader(page_id, text, rel)[1])


def docs_with_problems(app: Sphinx, env, added, changed, removed) -> list[str]:
    """env-get-outdated: documents whose problems were reported before and are still there."""
    domain: WorkshopDomain = env.get_domain("workshop")
    again: set[str] = set()
    for path in domain.schedule_files() | {main_schedule_path(app.config)}:
        schedule, problems = load_schedule(app.srcdir, path)
        if problems or (schedule and check_talk_references(schedule, set(domain.talks))):
            again.update(domain.docs_showing(path))
    for tid, (docname, meta) in domain.talks.items():
        if any(s not in domain.speakers for s in meta.speakers) or _page_problems(
            app, docname, tid, frontmatter.read_talk
        ):
            again.add(docname)
    for sid, (docname, _meta) in domain.speakers.items():
        if _page_problems(app, docname, sid, frontmatter.read_speaker):
            again.add(docname)
    return sorted(again - set(removed))


def setup_recheck(app: Sphinx) -> None:
    app.connect("env-get-outdated", docs_with_problems)
