"""The book's toolchain in a jail (bubblewrap): what TeX runs cannot see or reach anything else.

The book's ``.tex`` holds contributors' text and math; the checks keep TeX programming out of
it (texcheck, texverify). Should something get past them, the programs that typeset the book run
here, as Overleaf sandboxes its compiles:

- their own PID, network, IPC, UTS and user namespaces (``--unshare-all``): no other process, no
  other process's environment (``/proc`` shows the jail's own processes only), no network;
- no environment but the one built here: bwrap itself starts from ``env -i`` (its process is
  the jail's PID 1, whose ``/proc/1/environ`` is readable inside) and ``--clearenv`` clears the
  programs'; no CI secret, no token, no HOME;
- read-only: the programs and libraries (``/usr/bin``, ``/usr/lib``), the TeX trees, the fonts
  and their configuration; nothing else of the host (no ``/etc/passwd``, no ``/home``, no
  ``/root``, no ``/work``);
- writable: the build folder (mounted at ``/build``) and an empty ``/tmp``; the files already in
  the build folder when the jail starts (the ``.tex``, Sphinx's style files) are mounted
  read-only over it, so TeX can add its own files but never change its inputs;
- it dies with its parent (``--die-with-parent``) and in a session of its own (no terminal).

Sphinx-free; :func:`jailed` gives the command line, :func:`jail_problem` says why a jail cannot
start on this machine (no bubblewrap, user namespaces forbidden).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

INSIDE = "/build"  # where the build folder is seen from inside the jail
# Read-only, when present: programs, libraries, the TeX trees, fonts and font configuration.
READ_ONLY = (
    "/usr/bin",
    "/usr/lib",
    "/usr/lib64",
    "/usr/share/texlive",
    "/usr/share/texmf",
    "/usr/share/fonts",
    "/usr/share/fontconfig",
    "/usr/local/share/fonts",
    "/usr/local/share/texmf",
    "/etc/texmf",
    "/etc/fonts",
    "/var/lib/texmf",
    "/var/cache/fontconfig",
)
LINKS = {"/bin": "usr/bin", "/lib": "usr/lib", "/lib64": "usr/lib64", "/sbin": "usr/bin"}
# Environment variables set inside (nothing else is): kpathsea's lockdown wins over texmf.cnf.
JAIL_ENVIRONMENT = {
    "PATH": "/usr/bin",
    "HOME": "/tmp",
    "LANG": "C.UTF-8",
    "TEXMFVAR": "/tmp/texmf-var",
    "TEXMFCONFIG": "/tmp/texmf-config",
    "TEXMFHOME": "/tmp/texmf",
    "shell_escape": "f",
    "shell_escape_commands": "",
    "openin_any": "p",
    "openout_any": "p",
}
OPT_OUT = "PDF_SANDBOX"  # PDF_SANDBOX=off: run without the jail (the organizer's explicit choice)


def jailed(
    argv: list[str],
    folder: Path,
    environment: dict[str, str] | None = None,
    writable: frozenset[str] = frozenset(),
) -> list[str]:
    """``argv`` run inside the jail, in ``folder`` (seen as /build); of the files already there,
    only those named in ``writable`` (the program's own outputs) can be changed."""
    folder = folder.resolve()
    # bwrap itself starts with an empty environment: its process is the jail's PID 1, whose
    # /proc/1/environ the jailed programs can read (--clearenv clears only theirs)
    command = ["env", "-i", "bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]
    for name, value in {**JAIL_ENVIRONMENT, **(environment or {})}.items():
        command += ["--setenv", name, value]
    for path in READ_ONLY:
        command += ["--ro-bind-try", path, path]
    for link, target in LINKS.items():
        command += ["--symlink", target, link]
    command += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--bind", str(folder), INSIDE]
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):  # its inputs stay as Sphinx wrote them
        if entry.is_file(follow_symlinks=False) and entry.name not in writable:
            command += ["--ro-bind", entry.path, f"{INSIDE}/{entry.name}"]
    return [*command, "--chdir", INSIDE, *argv]


@cache
def jail_problem() -> str | None:
    """None when the jail starts here; else why not, in one sentence."""
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
    probe = ["bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/usr", "/usr"]
    for link, target in LINKS.items():
        probe += ["--symlink", target, link]
    try:
        result = subprocess.run([*probe, "true"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap could not start ({error})"
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no message"])[-1]
        return f"bubblewrap cannot start a sandbox on this machine ({reason}; user namespaces may be off)"
    return None


def opted_out() -> bool:
    return os.environ.get(OPT_OUT, "").strip().lower() in ("off", "0", "no", "false")
