"""What a page that is gone leaves in the output: removed when the build ends.

Sphinx writes each document's page (and its copy under ``_sources/``) and never removes one: a
talk, poster or speaker deleted since the last build (the example talk a new site starts with)
stayed in ``_build/html``, and so on the published site, until ``make clean`` — with its citation
files beside it, and reachable from search engines and old links. Each HTML build records its
documents in the doctree folder; when the next one ends, the documents of the record that are
gone lose every file written for them. A build that fails keeps the record: the next one removes
them. A talk's calendar goes with its slot (publish.write_exports), a card with its talk
(head.write_cards).
"""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.application import Sphinx

from .citing import CITE_FILES, citation_files
from .record import is_html

RECORD = "workshop-documents.json"  # in the doctree folder: the documents of the last HTML build


def written_for(app: Sphinx, docname: str) -> list[Path]:
    """The files an HTML build writes for the document ``docname``: its page, its source's copy
    (``_sources/<docname><source suffix><sourcelink suffix>``) and, for a contribution, its
    citation files."""
    outdir = Path(app.outdir)
    files = [outdir / app.builder.get_outfilename(docname)]
    sources = (outdir / "_sources" / docname).parent
    stem = Path(docname).name
    files += [p for p in sources.glob(f"{stem}.*") if p.name.endswith(app.config.html_sourcelink_suffix)]
    stem_path = citation_files(app, docname)[0]
    files += [stem_path.with_name(f"{stem_path.name}.{ext}") for ext in CITE_FILES]
    return files


def remove_leftovers(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: the files of the documents of the last HTML build that are gone, removed."""
    if exception is not None or not is_html(app):
        return
    record = Path(app.doctreedir) / RECORD
    try:
        previous = set(json.loads(record.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        previous = set()
    current = set(app.env.found_docs)
    for docname in sorted(previous - current):
        for path in written_for(app, docname):
            path.unlink(missing_ok=True)
    record.write_text(json.dumps(sorted(current)), encoding="utf-8")


def setup_leftovers(app: Sphinx) -> None:
    app.connect("build-finished", remove_leftovers)
