"""The one place that turns model problems into Sphinx warnings."""

from __future__ import annotations

from collections.abc import Iterable

from sphinx.util import logging

from .errors import WorkshopError

logger = logging.getLogger("workshop")


def report(problem: WorkshopError) -> None:
    """Emit one warning ``file:line: message [workshop.<subtype>]``; ``-W`` makes it fail the build."""
    logger.warning(problem.message, type="workshop", subtype=problem.subtype.value, location=problem.location)


def report_all(problems: Iterable[WorkshopError]) -> None:
    for problem in problems:
        report(problem)
