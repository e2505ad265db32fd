"""``new-abstract``: the files of a new talk (and of its speaker), ready to fill in."""

from __future__ import annotations

import re
from pathlib import Path

from .model import TALK_ID_PATTERN

TALK_TEMPLATE = """\
---
speakers: [{speaker}]
# authors: optional; without it the speakers are the authors. ORCID and corresponding are optional.
# authors:
#   - name: {name}
#     affiliations: [Institution, City]
#     orcid: 0000-0002-1825-0097
#     corresponding: true
keywords: [first keyword, second keyword]
---

% TODO: write the talk's title on the '# ' line, the abstract under it (at most {limit} words),
% TODO: cite works from {talk}.bib with {{footcite}}`key`, then delete these '% TODO' lines.

# Title of the talk

The abstract, in plain text with math where needed, such as $\\|A - UV^\\top\\|_F$.
"""

BIB_TEMPLATE = """\
% References of the talk abstracts/{talk}.md, cited there with {{footcite}}`key`.
% Give each entry a DOI (doi = {{...}}) or an arXiv id (eprint = {{...}}, archiveprefix = {{arXiv}}).
"""

SPEAKER_TEMPLATE = """\
---
affiliation: Institution, City
# homepage: https://example.org/~you
# orcid: 0000-0002-1825-0097
---

% TODO: check the name on the '# ' line and the affiliation above, then delete this line.

# {name}
"""


class ScaffoldError(Exception):
    pass


def name_from_id(speaker: str) -> str:
    return " ".join(part.capitalize() for part in speaker.split("-"))


def new_abstract(
    root: Path,
    talk: str,
    speaker: str | None = None,
    name: str | None = None,
    talks_dir: str = "abstracts",
    speakers_dir: str = "speakers",
    word_limit: int = 300,
) -> list[Path]:
    """Write abstracts/<talk>.md and .bib, and speakers/<speaker>.md when missing."""
    speaker = speaker or talk
    for value, what in ((talk, "talk id"), (speaker, "speaker id")):
        if not re.match(TALK_ID_PATTERN, value):
            raise ScaffoldError(
                f"{what} '{value}' must be lower-case letters, digits and '-', starting with a letter "
                "or digit (e.g. jane-doe)"
            )
    name = name or name_from_id(speaker)
    talk_md = root / talks_dir / f"{talk}.md"
    talk_bib = root / talks_dir / f"{talk}.bib"
    for path in (talk_md, talk_bib):
        if path.exists():
            raise ScaffoldError(
                f"{path.relative_to(root)} already exists: choose another id (nothing was written)"
            )
    written = []
    talk_md.write_text(TALK_TEMPLATE.format(speaker=speaker, name=name, talk=talk, limit=word_limit), "utf-8")
    talk_bib.write_text(BIB_TEMPLATE.format(talk=talk), "utf-8")
    written += [talk_md, talk_bib]
    speaker_md = root / speakers_dir / f"{speaker}.md"
    if not speaker_md.exists():
        speaker_md.write_text(SPEAKER_TEMPLATE.format(name=name), "utf-8")
        written.append(speaker_md)
    return written
