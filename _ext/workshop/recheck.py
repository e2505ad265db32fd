"""Pages with known problems are read again on every build, so ``-W`` keeps failing.

Sphinx re-reads only changed files: without this, a second ``make html`` after a failed
one would succeed without a word while the bad schedule or front matter is still there.
"""

from __future__ import annotations

import codecs
import encodings.utf_8_sig
from pathlib import Path

from sphinx.application import Sphinx

from .diagnostics import report
from .domain import WorkshopDomain
from .errors import WorkshopError
from .model import check_talk_references
from .pages import source_name
from .resolve import load_schedule, main_schedule_path
from .sourceyaml import decode


def docs_with_problems(app: Sphinx, env, added, changed, removed) -> list[str]:
    """env-get-outdated: documents that show a problem that arose since they were read (a schedule
    naming a removed talk, a talk naming a removed speaker). Documents that warned are read again
    by memory.py. Nothing is read from disk but the schedule (cached)."""
    domain: WorkshopDomain = env.get_domain("workshop")
    again: set[str] = set()
    for path in domain.schedule_files() | {main_schedule_path(app.config)}:
        schedule, problems = load_schedule(app.srcdir, path)
        if problems or (schedule and check_talk_references(schedule, set(domain.talks))):
            again.update(domain.docs_showing(path))
    for _tid, (docname, meta) in domain.talks.items():
        if any(s not in domain.speakers for s in meta.speakers):
            again.add(docname)
    return sorted(again - set(removed))


SOURCE_CODEC = "workshop-utf-8"


class _ReplacingDecoder(encodings.utf_8_sig.IncrementalDecoder):
    def __init__(self, errors: str = "strict") -> None:
        super().__init__("replace")


def _find_codec(name: str) -> codecs.CodecInfo | None:
    if name.replace("_", "-") != SOURCE_CODEC:
        return None
    base = codecs.lookup("utf-8-sig")
    return codecs.CodecInfo(
        name=SOURCE_CODEC,
        encode=base.encode,
        decode=lambda data, errors="strict": base.decode(data, "replace"),
        incrementalencoder=base.incrementalencoder,
        incrementaldecoder=_ReplacingDecoder,
        streamreader=base.streamreader,
        streamwriter=base.streamwriter,
    )


codecs.register(_find_codec)


def read_sources_leniently(app: Sphinx, config) -> None:
    """config-inited: Sphinx stops with a traceback on a file that is not UTF-8. Sources are
    read as UTF-8 with bad bytes replaced, and check_encodings names the file and line."""
    if config.source_encoding.lower().replace("_", "-") in ("utf-8", "utf-8-sig"):
        config.source_encoding = SOURCE_CODEC


def check_encodings(app: Sphinx, env, docnames: list[str]) -> None:
    """env-before-read-docs: a warning (an error under -W) for each file that is not UTF-8."""
    for docname in docnames:
        data = Path(env.doc2path(docname)).read_bytes()
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                decode(data, source_name(app, docname))
            except WorkshopError as err:
                report(err)


def setup_recheck(app: Sphinx) -> None:
    app.connect("env-get-outdated", docs_with_problems)
    app.connect("config-inited", read_sources_leniently, priority=900)  # after Sphinx checks the value
    app.connect("env-before-read-docs", check_encodings)
