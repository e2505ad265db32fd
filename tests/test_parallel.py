"""Builds on every core (`make html` runs `-j auto`): the same output as a serial build, byte for
byte, and the chunks that parallel.py reads (workshop.parallel)."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from conftest import ROOT, copy_site, sphinx_build
from sphinx_workshop_site.parallel import MIN_DOCS_PER_PROCESS, chunks, reads_in_processes

sys.path.insert(0, str(ROOT))
from benchmarks.generate import generate


def _files(outdir: Path) -> dict[str, bytes]:
    return {
        p.relative_to(outdir).as_posix(): p.read_bytes() for p in sorted(outdir.rglob("*")) if p.is_file()
    }


def _serial_and_parallel(tmp_path: Path, make_site) -> tuple[dict[str, bytes], dict[str, bytes], str]:
    """The same site (same folder) built in one process, then afresh with -j 2 (calendars
    stamped alike): every file of the output."""
    root = make_site(tmp_path / "site")
    os.environ["SOURCE_DATE_EPOCH"] = "1732600000"
    try:
        outputs, logs = [], []
        for jobs in ("1", "2"):
            shutil.rmtree(root / "_build", ignore_errors=True)
            build = sphinx_build(root, "html", "-j", jobs, "-d", str(root / "_build/doctrees"))
            assert build.returncode == 0, build.output
            outputs.append(_files(build.outdir))
            logs.append(build.output)
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    return outputs[0], outputs[1], logs[1]


def _read_in_chunks(log: str) -> bool:
    """Sphinx names a chunk 'first .. last' in its progress lines; a serial build, one page."""
    return re.search(r"reading sources\.\.\. \[\s*\d+%\] \S+ \.\. \S+", log) is not None


def _same(serial: dict[str, bytes], parallel: dict[str, bytes]) -> None:
    assert sorted(serial) == sorted(parallel)
    differ = [name for name in serial if serial[name] != parallel[name]]
    assert differ == [], differ[:20]


@pytest.mark.slow
def test_the_real_site_is_the_same_with_two_processes(tmp_path):
    serial, parallel, log = _serial_and_parallel(tmp_path, copy_site)
    assert _read_in_chunks(log), log
    assert re.search(r"writing output\.\.\. \[\s*\d+%\] \S+ \.\. \S+", log), log  # written in chunks
    _same(serial, parallel)
    for export in ("program.ics", "schedule.xml", "schedule.json", "sitemap.xml", "searchindex.js"):
        assert export in serial
    assert any(name.startswith("_images/cards/") for name in serial)  # the link cards too


@pytest.mark.slow
def test_a_conference_with_poster_sessions_is_the_same_with_two_processes(tmp_path):
    """32 contributions (6 talks, 26 posters in sessions over two days and two rooms), as make
    bench builds: enough pages for the reading to be cut in chunks."""
    serial, parallel, log = _serial_and_parallel(tmp_path, lambda dest: generate(dest, 32))
    assert _read_in_chunks(log), log
    _same(serial, parallel)
    assert "abstracts/poster-0003.ics" in serial and "abstracts/poster-0003.html" in serial


def test_chunks_are_contiguous_in_order_and_of_about_equal_weight():
    docs = [f"d{i:03d}" for i in range(100)]
    weights = [3 if i < 50 else 1 for i in range(100)]  # heavy pages first
    parts = chunks(docs, weights, 4)
    assert [d for part in parts for d in part] == docs  # every page once, in order
    totals = [sum(weights[docs.index(d)] for d in part) for part in parts]
    assert len(parts) == 4 and max(totals) - min(totals) <= 3, totals
    assert len(parts[0]) < len(parts[-1])  # fewer heavy pages in a chunk than light ones
    assert chunks(["a", "b"], [1, 1], 4) == [["a"], ["b"]]  # never an empty chunk


def test_few_pages_to_read_are_read_in_one_process():
    """An edit reads a page or two: forked processes would each send back the whole environment."""
    assert reads_in_processes(1000, 0, 2)  # a full build
    assert not reads_in_processes(3, 4997, 2)  # an edit at conference scale
    assert not reads_in_processes(1000, 4000, 2)  # more already read than to read
    assert not reads_in_processes(2 * MIN_DOCS_PER_PROCESS - 1, 0, 2)  # too few to pay
    assert not reads_in_processes(1000, 0, 1)
