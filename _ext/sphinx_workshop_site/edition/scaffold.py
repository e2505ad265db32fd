"""``new-abstract``: the files of a new talk (and of its speaker), ready to fill in."""

from __future__ import annotations

from pathlib import Path

from ..model import sourceyaml
from ..model.errors import Problem, WorkshopError
from ..model.frontmatter import locate_front_matter
from ..model.schedule import CONTRIBUTION_TYPES, is_page_id
from ..model.sourceyaml import LocMap, LocSeq, LocStr

# The template's placeholders: left unchanged, each is a located error (check_placeholders).
PLACEHOLDER_TITLE = "Title of the talk"
PLACEHOLDER_POSTER_TITLE = "Title of the poster"
PLACEHOLDER_ABSTRACT = "The abstract, in plain text with math where needed"
PLACEHOLDER_KEYWORDS = ("first keyword", "second keyword")
# "Institution" and "City": items of the template's older shape, [Institution, City]
PLACEHOLDER_AFFILIATIONS = ("Institution, City", "Institution", "City")
EXAMPLE_ORCID = "0000-0002-1825-0097"  # ORCID's own fictitious example record
EXAMPLE_HOMEPAGE = "https://example.org/~you"

TALK_TEMPLATE = """\
---
speakers: [{speaker}]
# authors: optional; without it the speakers are the authors. ORCID and corresponding are optional.
# authors:
#   - name: {name}
#     affiliations: ["{affiliation}"]  # one item per affiliation, in quotes (a comma splits items)
#     orcid: {orcid}
#     corresponding: true
keywords: [{keywords}]
---

% TODO: write the talk's title on the '# ' line, the abstract under it (at most {limit} words),
% TODO: cite works from {talk}.bib with {{footcite}}`key`, then delete these '% TODO' lines.

# {title}

{abstract}, such as $\\|A - UV^\\top\\|_F$.
"""

POSTER_TEMPLATE = """\
---
type: poster
speakers: [{speaker}]  # who presents the poster
# authors: optional; without it the presenters are the authors. ORCID and corresponding are optional.
# authors:
#   - name: {name}
#     affiliations: ["{affiliation}"]  # one item per affiliation, in quotes (a comma splits items)
#     orcid: {orcid}
#     corresponding: true
keywords: [{keywords}]
# poster: {talk}-poster.pdf  # optional: your poster (PDF, PNG or JPEG) here; a list of up to 3 too
# board: 12  # optional: boards follow the session's list; set one only if the organizers ask
---

% TODO: write the poster's title on the '# ' line, the abstract under it (at most {limit} words),
% TODO: cite works from {talk}.bib with {{footcite}}`key`, then delete these '% TODO' lines.

# {poster_title}

{abstract}, such as $\\|A - UV^\\top\\|_F$.
"""

BIB_TEMPLATE = """\
% References of the {what} abstracts/{talk}.md, cited there with {{footcite}}`key`.
% Give each entry a DOI (doi = {{...}}) or an arXiv id (eprint = {{...}}, archiveprefix = {{arXiv}}).
"""

SPEAKER_TEMPLATE = """\
---
affiliation: {affiliation}
# homepage: {homepage}
# orcid: {orcid}
---

% TODO: check the name on the '# ' line and the affiliation above, then delete this line.

# {name}
"""
# What the templates' {fields} hold besides the ids, name and word limit.
PLACEHOLDERS = {
    "affiliation": PLACEHOLDER_AFFILIATIONS[0],
    "orcid": EXAMPLE_ORCID,
    "homepage": EXAMPLE_HOMEPAGE,
    "keywords": ", ".join(PLACEHOLDER_KEYWORDS),
    "title": PLACEHOLDER_TITLE,
    "poster_title": PLACEHOLDER_POSTER_TITLE,
    "abstract": PLACEHOLDER_ABSTRACT,
}


def check_placeholders(text: str, file: str) -> list[WorkshopError]:
    """The template's placeholders left in a talk or speaker page, each located. Pure.

    Front matter that cannot be read is skipped here (the front matter reader reports it).
    """
    found = locate_front_matter(text)
    problems: list[WorkshopError] = []

    def add(message: str, line: int) -> None:
        problems.append(WorkshopError(message, file, line, Problem.UNFINISHED))

    if found is not None and found.text is not None:
        try:
            data = sourceyaml.parse(found.text, file, line_offset=found.start)
        except WorkshopError:
            data = None
        if isinstance(data, LocMap):
            kind = data.get("type")
            what = "poster" if isinstance(kind, LocStr) and kind.strip().casefold() == "poster" else "talk"
            for value in _values(data, "keywords"):
                if value.strip().casefold() in PLACEHOLDER_KEYWORDS:
                    add(
                        f"keyword '{value}' is the template's placeholder: write your {what}'s keywords",
                        value.line,
                    )
            owners = [data] + [a for a in data.get("authors") or [] if isinstance(a, LocMap)]
            for owner in owners:
                for value in _values(owner, "affiliation") + _values(owner, "affiliations"):
                    if value.strip() in PLACEHOLDER_AFFILIATIONS:
                        add(
                            f"affiliation '{value}' is the template's placeholder: "
                            "write your institution and its city",
                            value.line,
                        )
                for value in _values(owner, "orcid"):
                    if value.strip().removeprefix("https://orcid.org/") == EXAMPLE_ORCID:
                        add(
                            f"ORCID {EXAMPLE_ORCID} is the template's example: "
                            "write your own ORCID, or delete the line",
                            value.line,
                        )
                for value in _values(owner, "homepage"):
                    if value.strip() == EXAMPLE_HOMEPAGE:
                        add(
                            f"homepage '{EXAMPLE_HOMEPAGE}' is the template's example: "
                            "write your own address, or delete the line",
                            value.line,
                        )
    body_start = found.end if found is not None else 0
    for number, line in enumerate(text.split("\n")[body_start:], start=body_start + 1):
        stripped = line.strip()
        heading = stripped[2:].strip().casefold() if stripped.startswith("# ") else None
        if heading in (PLACEHOLDER_TITLE.casefold(), PLACEHOLDER_POSTER_TITLE.casefold()):
            what = "poster" if heading == PLACEHOLDER_POSTER_TITLE.casefold() else "talk"
            add(f"the title is still the template's placeholder: write your {what}'s title", number)
        elif stripped.startswith(PLACEHOLDER_ABSTRACT):
            add("the abstract is still the template's placeholder text: write your abstract", number)
    return sorted(problems, key=lambda problem: problem.line)


def _values(data: LocMap, key: str) -> list[LocStr]:
    value = data.get(key)
    if isinstance(value, LocStr):
        return [value]
    if isinstance(value, LocSeq):
        return [item for item in value if isinstance(item, LocStr)]
    return []


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
    kind: str = "talk",
) -> list[Path]:
    """Write abstracts/<talk>.md and .bib, and speakers/<speaker>.md when missing. ``kind``
    'poster' writes a poster page (front matter ``type: poster``, optional ``poster:`` file)."""
    if kind not in CONTRIBUTION_TYPES:
        raise ScaffoldError(
            f"type '{kind}' must be one of: {', '.join(CONTRIBUTION_TYPES)} (e.g. TYPE=poster)"
        )
    speaker = speaker or talk
    for value, what in ((talk, "talk id"), (speaker, "speaker id")):
        if not is_page_id(value):
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
    template = POSTER_TEMPLATE if kind == "poster" else TALK_TEMPLATE
    talk_md.write_text(
        template.format(speaker=speaker, name=name, talk=talk, limit=word_limit, **PLACEHOLDERS), "utf-8"
    )
    talk_bib.write_text(BIB_TEMPLATE.format(talk=talk, what=kind), "utf-8")
    written += [talk_md, talk_bib]
    speaker_md = root / speakers_dir / f"{speaker}.md"
    if not speaker_md.exists():
        speaker_md.write_text(SPEAKER_TEMPLATE.format(name=name, **PLACEHOLDERS), "utf-8")
        written.append(speaker_md)
    return written
