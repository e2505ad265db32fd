"""The book's toolchain jail (sphinx_workshop_site.book.jail, bubblewrap), tried from inside: what a program that
TeX was tricked into running could read, write, execute and reach."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, require, require_tool

sys.path.insert(0, str(ROOT / "_ext"))
from sphinx_workshop_site.book.jail import INSIDE, jail_problem, jailed

SECRET = "workshop-jail-secret-91c2"


@pytest.fixture(scope="module")
def jail_ready():
    require_tool("bwrap", "the jail needs bubblewrap (see README)")
    require(jail_problem() is None, f"the jail cannot start here: {jail_problem()}")


def inside(folder: Path, script: str, **env: str) -> subprocess.CompletedProcess:
    """``sh -c script`` in the jail, from a caller whose environment holds a secret."""
    return subprocess.run(
        jailed(["sh", "-c", script], folder),
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "WORKSHOP_TEST_SECRET": SECRET, **env},
    )


def test_no_environment_but_its_own(jail_ready, tmp_path):
    result = inside(tmp_path, "env")
    assert result.returncode == 0, result.stderr
    seen = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert SECRET not in result.stdout
    assert seen["openin_any"] == "p" and seen["openout_any"] == "p" and seen["shell_escape"] == "f"
    assert seen["HOME"] == "/tmp"


def test_no_other_process_and_no_ancestor_environment(jail_ready, tmp_path):
    """The attack of issue 21: a shell reading its ancestors' /proc/*/environ."""
    result = inside(
        tmp_path, "ls /proc | grep -E '^[0-9]+$' | wc -l; cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n'"
    )
    assert SECRET not in result.stdout
    count = int(result.stdout.split()[0])
    assert count <= 8, result.stdout  # bwrap's init and the pipeline: the jail's own, not the host's
    assert (
        int(
            subprocess.run(
                ["sh", "-c", "ls /proc | grep -cE '^[0-9]+$'"], capture_output=True, text=True
            ).stdout
        )
        > count
    )


def test_host_files_cannot_be_read(jail_ready, tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text(SECRET)
    for path in ("/etc/passwd", "/etc/hostname", str(outside), str(ROOT / "conf.py"), "/root", "/home"):
        result = inside(tmp_path, f"cat {path} 2>&1 || ls {path} 2>&1")
        assert SECRET not in result.stdout and "root:x:" not in result.stdout, (path, result.stdout)
        assert "No such file" in result.stdout or "Permission denied" in result.stdout, (path, result.stdout)


def test_only_the_build_folder_is_writable_and_its_inputs_are_not(jail_ready, tmp_path):
    (tmp_path / "book.tex").write_text("as Sphinx wrote it\n")
    (tmp_path / "book.aux").write_text("old\n")
    script = (
        "echo x > new.aux; echo y > book.tex; echo z > book.aux; "
        "echo w > /usr/bin/evil; echo v > /etc/texmf/evil; echo u > /tmp/scratch && echo tmp-ok"
    )
    result = subprocess.run(
        jailed(["sh", "-c", script], tmp_path, writable=frozenset({"book.aux"})),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (tmp_path / "new.aux").read_text() == "x\n"  # TeX's own outputs: allowed
    assert (tmp_path / "book.aux").read_text() == "z\n"  # named writable
    assert (tmp_path / "book.tex").read_text() == "as Sphinx wrote it\n"  # its input: read-only
    assert not Path("/usr/bin/evil").exists() and not Path("/etc/texmf/evil").exists()
    assert "tmp-ok" in result.stdout  # a scratch /tmp of its own …
    assert not Path("/tmp/scratch").exists() or Path("/tmp/scratch").read_text() != "u\n"  # … not the host's


def test_no_network(jail_ready, tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    try:
        script = f"exec 3<>/dev/tcp/127.0.0.1/{port} && echo connected || echo refused"
        result = subprocess.run(
            jailed(["bash", "-c", script], tmp_path), capture_output=True, text=True, timeout=60
        )
        assert "connected" not in result.stdout, result.stdout
        interfaces = inside(tmp_path, "cat /proc/net/dev").stdout
        assert "eth" not in interfaces and "ens" not in interfaces, interfaces  # loopback only
    finally:
        server.close()


def test_the_jail_dies_with_its_parent(jail_ready, tmp_path):
    """A program left running inside (a TeX loop's helper) cannot outlive the build: once the
    jail runs it, killing bwrap (as latexrun's time limit does) ends it."""
    marker = f"sleep 300.{os.getpid()}"  # this test's own program (its command line), not another's
    process = subprocess.Popen(
        jailed(["sh", "-c", f"touch started; exec {marker}"], tmp_path), start_new_session=True
    )
    for _ in range(300):  # the jail up and the program started (before that, bwrap is still setting up)
        if (tmp_path / "started").exists():
            break
        subprocess.run(["sleep", "0.1"], check=True)
    assert (tmp_path / "started").exists()
    process.kill()
    process.wait(timeout=30)
    for _ in range(100):  # the kernel delivers the parent-death signal: a moment, not a wall-clock bound
        if not subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.strip():
            break
        subprocess.run(["sleep", "0.1"], check=True)
    assert not subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.strip()


def test_the_build_folder_is_mounted_where_the_jail_says(jail_ready, tmp_path):
    (tmp_path / "marker.txt").write_text("here")
    assert inside(tmp_path, "pwd; cat marker.txt").stdout.split() == [INSIDE, "here"]
