"""The export formats, in one registry: a file name, a writer and, for formats with a published
schema, a check of what was written. A new format is one function and one entry in FORMATS.

The frab files are checked against the c3voc schemas (vendored in ``schemas/``, EUPL 1.2, see
``schemas/README.md``) inside the build: a file a conference app would refuse fails the build,
named by the talk or slot it comes from, located at that slot in the schedule file."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..model.errors import Problem, WorkshopError
from . import frab, ical
from .fingerprints import Fingerprints, digest, files_digest
from .programme import Entry, Programme

SCHEMAS = Path(__file__).parent / "schemas"
Finding = tuple[str, str | None]  # (what is wrong, the guid of the event it is in, if any)


@dataclass(frozen=True)
class Format:
    filename: str
    write: Callable[[Programme], bytes]
    check: Callable[[bytes], list[Finding]] | None = None


@functools.cache
def _xml_schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(SCHEMAS / "frab-schedule.xml.xsd")))


@functools.cache
def _json_validator():
    import jsonschema

    schema = json.loads((SCHEMAS / "frab-schedule.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft6Validator(schema, format_checker=jsonschema.FormatChecker())


def check_frab_xml(data: bytes) -> list[Finding]:
    from lxml import etree

    doc = etree.fromstring(data)
    schema = _xml_schema()
    if schema.validate(doc):
        return []
    starts = sorted((e.sourceline, e.get("guid")) for e in doc.iter("event"))
    findings = []
    for error in schema.error_log:
        inside = [guid for line, guid in starts if line <= error.line]
        findings.append((error.message, inside[-1] if inside else None))
    return findings


def check_frab_json(data: bytes) -> list[Finding]:
    document = json.loads(data)
    findings = []
    for error in _json_validator().iter_errors(document):
        path = list(error.absolute_path)
        guid = None
        if len(path) >= 7 and path[:3] == ["schedule", "conference", "days"] and path[4] == "rooms":
            guid = document["schedule"]["conference"]["days"][path[3]]["rooms"][path[5]][path[6]]["guid"]
        where = "/".join(map(str, path[7:] if guid else path))
        findings.append((f"{where}: {error.message}" if where else error.message, guid))
    return findings


def _ics(programme: Programme) -> bytes:
    return ical.ics(programme, name=f"{programme.acronym} programme")


FORMATS: tuple[Format, ...] = (
    Format("program.ics", _ics),
    Format("schedule.xml", frab.frab_xml, check_frab_xml),
    Format("schedule.json", frab.frab_json_bytes, check_frab_json),
)


def _entries(programme: Programme) -> dict[str, Entry]:
    return {e.guid: e for day in programme.days for _room, entries in day.rooms for e in entries}


def located(programme: Programme, filename: str, findings: list[Finding], config=("conf.py", 1)):
    """Each finding as a WorkshopError at the slot its event comes from (the talk named)."""
    entries = _entries(programme)
    problems = []
    for message, guid in findings:
        entry = entries.get(guid) if guid else None
        if entry is None:
            problems.append(
                WorkshopError(
                    f"{filename} does not pass the frab schema: {message} (check "
                    "workshop_identifier and the schedule's rooms)",
                    *config,
                    Problem.EXPORT,
                )
            )
            continue
        slot, item = entry.item.slot, entry.item
        what = f"talk '{item.talk}'" if item.talk else f"slot '{item.title}'"
        problems.append(
            WorkshopError(
                f"{filename}: the {what} ({slot.date.isoformat()} {slot.time_range}, {entry.room}) does not "
                f"pass the frab schema: {message}",
                programme.schedule.file,
                slot.line,
                Problem.EXPORT,
            )
        )
    return problems


def write_all(
    programme: Programme, outdir: Path, config=("conf.py", 1), passed: Path | None = None
) -> list[WorkshopError]:
    """Write every format into ``outdir``; return what the schema checks found (a problem that
    is in no event is located at ``config``, a (file, line)). ``passed``: a file that keeps the
    digests of the outputs that passed their schema (with the schemas' own digest): the same
    bytes are not checked again (at 5,000 contributions, the JSON schema takes a second of an
    edit's rebuild)."""
    schemas = files_digest(*sorted(p for p in SCHEMAS.iterdir() if p.is_file()))
    checked = Fingerprints(passed, schemas)
    problems = []
    for fmt in FORMATS:
        data = fmt.write(programme)
        (outdir / fmt.filename).write_bytes(data)
        if fmt.check is None:
            continue
        fingerprint = digest(data)
        found = [] if checked.unchanged(fmt.filename, fingerprint) else fmt.check(data)
        if found:
            problems += located(programme, fmt.filename, found, config)
        else:
            checked.keep(fmt.filename, fingerprint)
    checked.save()
    return problems
