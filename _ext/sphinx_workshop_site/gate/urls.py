"""The one URL policy for every address the site emits from contributor data: Markdown links,
image targets, BibTeX ``url``/``doi``/``eprint``, homepages, ORCIDs. Pure Python.

An address is allowed when it is absolute, uses a scheme from ``ALLOWED_SCHEMES``, has a host
(``mailto:`` excepted) and holds no whitespace or control character. Everything else is refused
with a reason the caller turns into a ``file:line`` error.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("https", "http", "mailto")
MAX_URL_LENGTH = 2048
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# Characters RFC 3986 never allows in an address (a browser would rewrite them; LaTeX and
# BibTeX read '\\', '{' and '}' as markup): refused, naming the first one.
_NOT_IN_ADDRESSES = re.compile(r'[\\{}|^`<>"]')
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)


def _has_control(text: str) -> bool:
    return any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in text)


def url_problem(url: str) -> str | None:
    """Why ``url`` may not be published, or None when it may."""
    if len(url) > MAX_URL_LENGTH:
        return f"the address is longer than {MAX_URL_LENGTH} characters"
    if _has_control(url) or any(char.isspace() for char in url):
        return "the address holds spaces or control characters"
    match = _SCHEME.match(url)
    if match is None:
        return f"'{url[:80]}' is not a full address: write it as https://…"
    scheme = match.group(1).lower()
    if scheme not in ALLOWED_SCHEMES:
        allowed = ", ".join(f"{s}:" for s in ALLOWED_SCHEMES)
        return f"'{scheme}:' addresses are not allowed (allowed: {allowed})"
    if scheme == "mailto":
        return None if re.match(r"^mailto:[^@/\\]+@[^@/\\]+$", url, re.I) else "not an e-mail address"
    if bad := _NOT_IN_ADDRESSES.search(url):
        char = bad.group()
        return (
            f"'{char}' (character {bad.start() + 1}) is not allowed in an address: remove it, "
            f"or write it as %{ord(char):02X}"
        )
    try:
        parts = urlsplit(url)
    except ValueError:
        return "the address cannot be read"
    if not parts.hostname:
        return f"'{url[:80]}' has no host name"
    return None


def normalise_doi(value: str) -> str:
    """``https://doi.org/10.1/x``, ``doi:10.1/x`` and ``10.1/x`` all become ``10.1/x``."""
    return _DOI_PREFIXES.sub("", value.strip())


def doi_problem(value: str) -> str | None:
    doi = normalise_doi(value)
    if _has_control(doi) or not DOI_PATTERN.match(doi):
        return f"'{value[:80]}' is not a DOI (a DOI looks like 10.1234/abc)"
    return None
