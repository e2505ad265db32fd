"""program/schedule.schema.json: generated from the model, and agreeing with the loader."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from sphinx_workshop_site.model import sourceyaml
from sphinx_workshop_site.model.schedulefile import load_schedule, schedule_json_schema

ROOT = Path(__file__).resolve().parent.parent
SCHEDULE = ROOT / "program/schedule.yaml"


def plain(value):
    """Loc* values as the plain JSON an editor's YAML 1.2 reader sees."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return None if value is None else str(value)


def instance(text: str):
    return plain(sourceyaml.parse(text, "schedule.yaml"))


def test_committed_schema_is_the_generated_one():
    committed = json.loads((ROOT / "program/schedule.schema.json").read_text())
    assert committed == schedule_json_schema(), "run `make schema` and commit the result"


def test_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(schedule_json_schema())


def test_real_schedule_passes_both():
    text = SCHEDULE.read_text()
    jsonschema.validate(instance(text), schedule_json_schema())
    schedule, problems = load_schedule(text.encode(), "program/schedule.yaml")
    assert problems == [] and schedule is not None


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("title: Registration", "tittle: Registration"),
        ("time: 13:45-14:00", "time: 13:45"),
        ("time: 13:45-14:00", "time: 1345-1400"),
        ("date: 2024-11-26", "date: 26/11/2024"),
        ("kind: break", "kind: brek"),
        ("timezone: Europe/Paris\n", ""),
        ("        talk: cohen", "        talk: cohen\n        title: Extra"),
        ("        title: Lunch break\n", ""),
        ("talk: cohen", "talk: Cohen"),
    ],
)
def test_schema_and_loader_reject_the_same_mistakes(old, new):
    text = SCHEDULE.read_text()
    assert old in text
    bad = text.replace(old, new, 1)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(instance(bad), schedule_json_schema())
    _schedule, problems = load_schedule(bad.encode(), "program/schedule.yaml")
    assert problems, "the loader must reject what the schema rejects"
