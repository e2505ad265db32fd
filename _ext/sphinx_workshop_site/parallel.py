"""The build on every core it is given (``-j N``): reading in a few large tasks, and the work left
for ``build-finished`` spread over the same processes.

Sphinx's parallel reading cuts the documents into many small chunks (about 18 at 1,000
contributions, 39 at 5,000) and forks a process for each when one is free: a process forked
after some chunks were merged carries their data, and each sends the whole environment back
pickled, which the main process loads and merges while the others read. The merging grows with
the number of chunks times the size of the environment, and at conference scale it ate the
second core (``-j 2`` read slower than serial). Here, instead:

- the documents are cut into a few contiguous chunks (two per process) of about equal weight
  (a contribution page costs more than a speaker page: the weight grows with the source's size);
- every chunk is forked from the environment as it was before reading (no merge in between), so
  each sends back little more than its own documents;
- the chunks are merged at the end, in order: the environment is filled in the same order as
  by a serial build (the output is the same byte for byte, which a test checks);
- few documents to read (an edit) are read in the main process: each process would send back the
  whole environment of the unchanged documents, which costs more than reading a page;
- in one process too, every outdated document is cleared before any is read, as Sphinx's
  parallel reading does (one by one, clearing was quadratic: see ``read_serially``).

Writing is Sphinx's (the main process resolves each page, another process writes it), with as
many writers as ``-j`` says (Sphinx starts one fewer: ``write_in_processes``). ``in_processes``
runs other work over the same number of processes: the bib files read at ``config-inited``, the
written pages verified and the link cards drawn at ``build-finished``.

And the objects the main process holds once the environment is loaded, once it is read and when
the build ends are left out of the cyclic garbage collector's searches (``gc.freeze``): they live
until the build ends, and each full search walked all of them (at 5,000 contributions, 12 % of
the writing and 5 s spent by the interpreter's last collection before it exits); forked
processes do not copy the memory pages such a search would touch. The next build of the same
process (tests, a server) lets the collector see them again (``gc.unfreeze`` at config-inited).

Nothing here changes what a build makes: only where the work runs. An extension is parallel
safe here when all it keeps across documents is per document in the domain (merged by
``merge_domaindata``), or computed in the main process before reading or after it.
"""

from __future__ import annotations

import gc
import os
import pickle
import types
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sphinx.application import Sphinx
from sphinx.locale import __
from sphinx.util import logging
from sphinx.util.display import status_iterator
from sphinx.util.parallel import ParallelTasks, parallel_available

logger = logging.getLogger(__name__)

CHUNKS_PER_PROCESS = 2  # reading: a chunk that ends early leaves its process another one
# in_processes: items of about equal cost (pages, cards, calendars), one part per process: each
# forked process copies the memory pages it touches (a third of a second at 1,000 contributions)
PARTS_PER_PROCESS = 1
MIN_DOCS_PER_PROCESS = 8  # fewer: forking and pickling cost more than the reading saves
BASE_WEIGHT = 1_000  # a page's fixed cost in the chunks' weights, in bytes of source


def processes(app: Sphinx) -> int:
    """How many processes the build may use (``-j``); 1 where Sphinx cannot fork."""
    return app.parallel if parallel_available and app.parallel > 1 else 1


def reads_in_processes(to_read: int, already_read: int, nproc: int) -> bool:
    """Whether reading ``to_read`` documents in ``nproc`` processes pays, when the environment
    already holds ``already_read`` documents (each process sends them all back)."""
    return nproc > 1 and to_read >= nproc * MIN_DOCS_PER_PROCESS and to_read >= already_read


def chunks(docnames: Sequence[str], weights: Sequence[int], count: int) -> list[list[str]]:
    """``docnames`` in at most ``count`` contiguous non-empty chunks of about equal weight."""
    total = sum(weights) or 1
    out: list[list[str]] = [[] for _ in range(count)]
    done = 0
    for docname, weight in zip(docnames, weights, strict=True):
        index = min(count - 1, done * count // total)
        out[index].append(docname)
        done += weight
    return [chunk for chunk in out if chunk]


def _weight(env, docname: str) -> int:
    try:
        return BASE_WEIGHT + os.stat(env.doc2path(docname)).st_size
    except OSError:
        return BASE_WEIGHT


def _clear(builder, docnames: list[str]) -> None:
    """Every outdated document cleared before any is read (as Sphinx's parallel reading does)."""
    for docname in docnames:
        builder.events.emit("env-purge-doc", builder.env, docname)
        builder.env.clear_doc(docname)


def read_serially(builder, docnames: list[str]) -> None:
    """Builder._read_serial, with the documents cleared first: clearing one looks at every
    document read so far (Sphinx's toctree collector), and clearing each just before reading it
    made a full build quadratic (125 of 1,150 s under the profiler at 5,000 contributions)."""
    _clear(builder, docnames)
    verbosity = builder.config.verbosity
    for docname in status_iterator(docnames, __("reading sources... "), "purple", len(docnames), verbosity):
        builder.read_doc(docname)


def read_in_processes(builder, docnames: list[str], nproc: int) -> None:
    """Builder._read_parallel, as described above."""
    env = builder.env
    if not reads_in_processes(len(docnames), len(env.all_docs), nproc):
        read_serially(builder, docnames)
        return
    parts = chunks(docnames, [_weight(env, d) for d in docnames], nproc * CHUNKS_PER_PROCESS)
    verbosity = builder.config.verbosity
    progress = status_iterator(parts, __("reading sources... "), "purple", len(parts), verbosity)
    _clear(builder, docnames)

    def read_process(docs: list[str]) -> bytes:
        env._app = builder._app
        for docname in docs:
            builder.read_doc(docname, _cache=False)
        return pickle.dumps(env, pickle.HIGHEST_PROTOCOL)

    results: dict[int, bytes] = {}

    def done(index: int):
        def keep(_docs: list[str], pickled: bytes) -> None:
            results[index] = pickled  # merged at the end, in order: later forks see no merge
            next(progress)

        return keep

    tasks = ParallelTasks(nproc)
    for index, part in enumerate(parts):
        tasks.add_task(read_process, part, done(index))
    tasks.join()
    for index, part in enumerate(parts):
        env.merge_info_from(part, pickle.loads(results.pop(index)), builder._app)
    logger.info("")


def write_in_processes(builder, docnames: Sequence[str], nproc: int) -> None:
    """Builder._write_parallel with a writer per process of ``-j`` (Sphinx: one fewer, leaving
    a core to the main process, which resolves the pages: with ``-j 2``, one process wrote every
    page while the main one, done resolving, waited for it half the time)."""
    type(builder)._write_parallel(builder, docnames, nproc + 1)


def install(app: Sphinx) -> None:
    """builder-inited: this builder reads and writes as described above (its own methods, for
    this build)."""
    builder = app.builder
    if callable(getattr(builder, "_read_serial", None)):
        builder._read_serial = types.MethodType(read_serially, builder)
    if processes(app) > 1 and callable(getattr(builder, "_read_parallel", None)):
        builder._read_parallel = types.MethodType(read_in_processes, builder)
    if processes(app) > 1 and callable(getattr(builder, "_write_parallel", None)):
        builder._write_parallel = types.MethodType(write_in_processes, builder)


T = TypeVar("T")
R = TypeVar("R")


def in_processes(app: Sphinx, work: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``[work(item) for item in items]``, over the build's processes when there are enough items
    (forked: ``work`` may be a closure; each result is pickled back). In the items' order."""
    nproc = processes(app)
    if nproc < 2 or len(items) < nproc * MIN_DOCS_PER_PROCESS:
        return [work(item) for item in items]
    size = -(-len(items) // (nproc * PARTS_PER_PROCESS))
    parts = [list(items[start : start + size]) for start in range(0, len(items), size)]
    results: dict[int, list[R]] = {}

    def run(part: list[T]) -> list[R]:
        return [work(item) for item in part]

    def keep(index: int) -> Callable[[Any, list[R]], None]:
        def store(_part: Any, result: list[R]) -> None:
            results[index] = result

        return store

    tasks = ParallelTasks(nproc)
    for index, part in enumerate(parts):
        tasks.add_task(run, part, keep(index))
    tasks.join()
    return [result for index in range(len(parts)) for result in results[index]]


def freeze(app: Sphinx, *args) -> None:
    """env-before-read-docs, env-updated, build-finished (last): see above."""
    gc.freeze()


def unfreeze(app: Sphinx, config) -> None:
    """config-inited: what an earlier build of this process left frozen can be collected again."""
    gc.unfreeze()


def setup_parallel(app: Sphinx) -> None:
    app.connect("config-inited", unfreeze, priority=0)
    app.connect("builder-inited", install)
    app.connect("env-before-read-docs", freeze, priority=10_000)
    app.connect("env-updated", freeze, priority=10_000)
    app.connect("build-finished", freeze, priority=10_000)  # after the warned pages are saved (1000)
