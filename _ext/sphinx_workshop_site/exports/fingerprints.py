"""What a build made, remembered for the next one: a digest per output name, kept in a JSON file
(in the doctree folder) under a scope, the digest of what every output depends on (the code that
makes it, the schemas that check it, the programme's settings). Another scope, or a file that
cannot be read, remembers nothing: every output is made (or checked) again.

Sphinx-free: ``Fingerprints(path, scope)``, ``digest(*parts)``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from pathlib import Path


def digest(*parts: bytes | str) -> str:
    """The SHA-256 of the parts, each told apart from the next."""
    hashed = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hashed.update(len(data).to_bytes(8, "big") + data)
    return hashed.hexdigest()


@functools.cache
def files_digest(*paths: Path) -> str:
    """The digest of files that do not change while the process runs (the package's own code and
    schemas): read once."""
    return digest(*(path.read_bytes() for path in paths))


class Fingerprints:
    def __init__(self, path: Path | None, scope: str) -> None:
        self.path, self.scope = path, scope
        self.kept: dict[str, str] = {}
        self.now: dict[str, str] = {}
        if path is None:
            return
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        outputs = stored.get("outputs") if isinstance(stored, dict) and stored.get("scope") == scope else None
        self.kept = outputs if isinstance(outputs, dict) else {}

    def unchanged(self, name: str, fingerprint: str) -> bool:
        """Whether the last build kept ``name`` with this fingerprint."""
        return self.kept.get(name) == fingerprint

    def keep(self, name: str, fingerprint: str) -> None:
        """Remember ``name`` for the next build (what is not kept this build is forgotten)."""
        self.now[name] = fingerprint

    def save(self) -> None:
        """A read-only doctree folder: the next build makes everything again."""
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.write_text(json.dumps({"scope": self.scope, "outputs": self.now}), encoding="utf-8")
