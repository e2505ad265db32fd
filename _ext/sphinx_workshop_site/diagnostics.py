"""The one place that turns model problems into Sphinx warnings, and what reaches the terminal:
no message of the build (the workshop's, MyST's, docutils', Sphinx's, sphinxcontrib-bibtex's)
prints a control character from a file name, a bib key or a page's text (safetext.printable)."""

from __future__ import annotations

import json
import logging as std_logging
import os
import re
from collections.abc import Iterable

from sphinx.application import Sphinx
from sphinx.util import logging

from .model.errors import WorkshopError
from .model.safetext import printable

logger = logging.getLogger("workshop")


def report(problem: WorkshopError) -> None:
    """Emit one warning ``file:line: message [workshop.<subtype>]``; ``-W`` makes it fail the build.
    The terminal sees no control character of a file name or a quoted value: they are shown as
    visible escapes (``\\x1b``, safetext.printable)."""
    logger.warning(
        printable(problem.message),
        type="workshop",
        subtype=problem.subtype.value,
        location=printable(problem.location),
    )


def report_all(problems: Iterable[WorkshopError]) -> None:
    for problem in problems:
        report(problem)


# Sphinx's own colouring (bold, colours, 'erase line' and '\r' of its progress lines) is kept; the
# data it prints (a docname, a path, a quoted word) is escaped.
_SPHINX_CONTROLS = re.compile(r"(\x1b\[[0-9;]*m|\x1b\[2K|\r+$)")


def _printable_keeping_colours(text: str) -> str:
    parts = _SPHINX_CONTROLS.split(text)
    return "".join(part if index % 2 else printable(part) for index, part in enumerate(parts))


class PrintableMessages(std_logging.Filter):
    """On Sphinx's terminal handlers: the message's data and location with visible escapes."""

    def filter(self, record: std_logging.LogRecord) -> bool:
        if record.levelno >= std_logging.WARNING or getattr(record, "color", None):
            # a warning (coloured by the formatter) or a progress line's item (a docname, a path)
            record.msg, record.args = printable(std_logging.LogRecord.getMessage(record)), ()
        else:  # Sphinx's own words, maybe bold; the values put in them are data
            record.msg = _printable_keeping_colours(str(record.msg))
            if isinstance(record.args, tuple):
                record.args = tuple(_printable_value(arg) for arg in record.args)
            elif isinstance(record.args, dict):
                record.args = {key: _printable_value(arg) for key, arg in record.args.items()}
        if isinstance(getattr(record, "location", None), str):
            record.location = printable(record.location)  # type: ignore[attr-defined]
        return True


def _printable_value(value: object) -> object:
    return value if isinstance(value, int | float) else printable(str(value))


# `make check` (cli.run_build_checks) names a file here: each warning of the build is written to
# it as one JSON line (file, line, message, type, subtype), so that its output is never re-parsed.
WARNINGS_FILE_VARIABLE = "WORKSHOP_WARNINGS_FILE"


class StructuredWarnings(std_logging.Handler):
    """Every warning (the workshop's, MyST's, docutils', Sphinx's) as one JSON line in a file."""

    def __init__(self, app: Sphinx, path: str) -> None:
        super().__init__(std_logging.WARNING)
        self.app, self.path = app, path
        self.addFilter(logging.WarningLogRecordTranslator(app))  # a docname or a node: 'file:line'

    def emit(self, record: std_logging.LogRecord) -> None:
        # While it reads, Sphinx holds warnings back and then hands each record to every handler
        # again (logging.pending_warnings): this handler, not one of the held-back ones, sees both
        if getattr(record, "workshop_written", False):
            return
        record.workshop_written = True  # type: ignore[attr-defined]
        kind, subtype = getattr(record, "type", "") or "", getattr(record, "subtype", "") or ""
        suppressed = getattr(self.app.config, "suppress_warnings", ())
        if logging.is_suppressed_warning(kind, subtype, suppressed):  # no warning, as Sphinx counts
            return
        message = std_logging.LogRecord.getMessage(record)
        tags = (f" [{kind}.{subtype}]", f" [{kind}]") if kind else ()
        while tags and message.endswith(tags):  # show_warning_types added it, once per handler
            message = message.removesuffix(tags[0]).removesuffix(tags[1])
        location = getattr(record, "location", None)
        file, line = (str(location), "") if location else ("", "")
        if file and (found := re.fullmatch(r"(.*?):(\d*)", file)):
            file, line = found.groups()
        data = {
            "file": file,
            "line": int(line) if line else None,
            "message": message,
            "type": kind,
            "subtype": subtype,
        }
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(data, ensure_ascii=False) + "\n")


def setup_diagnostics(app: Sphinx) -> None:
    """Escape what Sphinx's handlers print (set up before any extension, per application); with
    WORKSHOP_WARNINGS_FILE set, also write each warning to that file (StructuredWarnings)."""
    sphinx_logger = std_logging.getLogger("sphinx")
    for handler in sphinx_logger.handlers:
        if not any(isinstance(f, PrintableMessages) for f in handler.filters):
            handler.addFilter(PrintableMessages())
    path = os.environ.get(WARNINGS_FILE_VARIABLE)
    if path and not any(isinstance(h, StructuredWarnings) for h in sphinx_logger.handlers):
        sphinx_logger.addHandler(StructuredWarnings(app, path))
