"""The bad-input suite (with test_schedule.py, test_contributor.py and test_safety.py): broken
bib files, pages and data each give a clear message naming the file and the line, and a
failing build — never a traceback, never a silent success."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, Batch, build_batch, write_files

GOOD_BIB = (
    "@article{k1,\n  author = {Doe, Jane},\n  title = {A paper},\n  journal = {J},\n  year = {2020}\n}\n"
)
TALK = "---\nspeakers: [ada]\nkeywords: [tensors]\n---\n\n# A talk\n\nThe abstract.\n"
SCHEDULE = (Path(__file__).parent / "roots/test-schedule/program/schedule.yaml").read_text()

CASES = {
    # name: ({file: content}, file with the problem, line, message part)
    "bib entry never closed": (
        {"abstracts/alpha.bib": "@article{k1,\n  title = {A paper},\n"},
        "abstracts/alpha.bib",
        1,
        "is never closed",
    ),
    "bib entry without key": (
        {"abstracts/alpha.bib": "@article{title = {A paper}}\n"},
        "abstracts/alpha.bib",
        1,
        "has no key",
    ),
    "bib field syntax": (
        {"abstracts/alpha.bib": "% refs\n@article{k1,\n  title = {A paper},\n  year = 20 20 x\n}\n"},
        "abstracts/alpha.bib",
        4,
        "bib entry 'k1'",
    ),
    "bib key defined twice differently": (
        {"abstracts/alpha.bib": GOOD_BIB + "\n" + GOOD_BIB.replace("A paper", "Another")},
        "abstracts/alpha.bib",
        8,
        "bib key 'k1' in abstracts/alpha.bib:8 differs from the entry in abstracts/alpha.bib:1",
    ),  # in one file: keys belong to their talk
    "bib not utf-8": (
        {"abstracts/alpha.bib": b"@article{k1,\n  title = {Caf\xe9},\n  year = {2020}\n}\n"},
        "abstracts/alpha.bib",
        2,
        "is not UTF-8",
    ),
    "bib huge": (
        {"abstracts/alpha.bib": "% " + "x" * 1_000_001 + "\n"},
        "abstracts/alpha.bib",
        1,
        "over 1,000,000 characters",
    ),
    "bib file name": (
        {"abstracts/Alpha_Refs.bib": GOOD_BIB},
        "abstracts/Alpha_Refs.bib",
        1,
        "file name 'Alpha_Refs' must be lower-case",
    ),
    "talk not utf-8": (
        {"abstracts/alpha.md": TALK.encode().replace(b"The abstract.", b"The \xff abstract.")},
        "abstracts/alpha.md",
        8,
        "is not UTF-8",
    ),
    "talk empty": ({"abstracts/alpha.md": ""}, "abstracts/alpha.md", 1, "the page has no front matter"),
    "talk huge": (
        {"abstracts/alpha.md": TALK + "word " * 50_000},
        "abstracts/alpha.md",
        1,
        "over the limit of 200,000",
    ),
    "talk tab in front matter": (
        {"abstracts/alpha.md": TALK.replace("keywords:", "\tkeywords:")},
        "abstracts/alpha.md",
        3,
        "YAML syntax error",
    ),
    "talk front matter is a list": (
        {"abstracts/alpha.md": "---\n- ada\n---\n\n# A talk\n\nText.\n"},
        "abstracts/alpha.md",
        2,
        "the front matter must be 'key: value' lines",
    ),
    "talk speakers empty": (
        {"abstracts/alpha.md": TALK.replace("[ada]", "[]")},
        "abstracts/alpha.md",
        2,
        "'speakers' is empty",
    ),
    "talk speaker twice": (
        {"abstracts/alpha.md": TALK.replace("[ada]", "[ada, ada]")},
        "abstracts/alpha.md",
        2,
        "speaker 'ada' is listed twice",
    ),
    "talk front matter never closed": (
        {"abstracts/alpha.md": "---\nspeakers: [ada]\n\n# A talk\n"},
        "abstracts/alpha.md",
        1,
        "the front matter opened on line 1 is never closed",
    ),
    "speaker empty title": (
        {"speakers/ada.md": "---\naffiliation: X\n---\n\n#\n\nText.\n"},
        "speakers/ada.md",
        4,
        "the speaker page has no title",
    ),
    "speaker affiliation is a list": (
        {"speakers/ada.md": "---\naffiliation: [A, B]\n---\n\n# Ada Lovelace\n"},
        "speakers/ada.md",
        2,
        "'affiliation' must be a single value",
    ),
    "schedule days empty": (
        {"program/schedule.yaml": "timezone: Europe/Paris\nvenue: V\ndays: []\n"},
        "program/schedule.yaml",
        3,
        "'days' is empty",
    ),
    "schedule rooms not a list": (
        {"program/schedule.yaml": SCHEDULE.replace("rooms: [Main room]", "rooms: Main room")},
        "program/schedule.yaml",
        3,
        "'rooms' in the schedule must be a list",
    ),
    "schedule slot is a list": (
        {
            "program/schedule.yaml": SCHEDULE.replace(
                "      - time: 09:00-09:30\n", "      - [09:00, 09:30]\n      - time: 09:00-09:30\n"
            )
        },
        "program/schedule.yaml",
        7,
        "each slot must be a mapping",
    ),
    "schedule day without slots": (
        {"program/schedule.yaml": "timezone: Europe/Paris\nvenue: V\ndays:\n  - date: 2024-11-26\n"},
        "program/schedule.yaml",
        4,
        "a day has no 'slots'",
    ),
    "schedule time as a number": (
        {"program/schedule.yaml": SCHEDULE.replace("time: 09:00-09:30", "time: 1345")},
        "program/schedule.yaml",
        7,
        "time '1345' is not a range",
    ),
    "schedule talk id upper case": (
        {"program/schedule.yaml": SCHEDULE.replace("talk: beta", "talk: Beta")},
        "program/schedule.yaml",
        11,
        "talk id 'Beta' is not a file stem",
    ),
    "schedule huge": (
        {"program/schedule.yaml": "# " + "x" * 2_000_001 + "\n"},
        "program/schedule.yaml",
        1,
        "over the 2 MB limit",
    ),
    "schedule crlf and tabs": (
        {"program/schedule.yaml": SCHEDULE.replace("\n", "\r\n").replace("    slots:", "\tslots:")},
        "program/schedule.yaml",
        6,
        "YAML syntax error",
    ),
}


# A case that edits the schedule breaks the whole build: built on its own. The others are each
# given files of their own (talk or speaker id "bi-<case>") and built together, once.
ALONE = sorted(case for case in CASES if CASES[case][1] == "program/schedule.yaml")
TOGETHER = sorted(set(CASES) - set(ALONE))


def placed(case: str) -> tuple[dict[str, str | bytes], str, int, str]:
    """The case with its own ids in place of the test root's talk 'alpha' and speaker 'ada'."""
    if case in ALONE:
        return CASES[case]
    own = "bi-" + re.sub(r"[^a-z0-9]+", "-", case.lower()).strip("-")

    def rename(text: str) -> str:
        return text.replace("abstracts/alpha.", f"abstracts/{own}.").replace(
            "speakers/ada.", f"speakers/{own}."
        )

    files, file, line, message = CASES[case]
    files = {rename(rel): content for rel, content in files.items()}
    for rel in list(files):  # a talk's bib file comes with its talk, as alpha.bib with alpha.md
        talk = rel.removesuffix(".bib") + ".md"
        if rel.endswith(".bib") and talk.startswith(f"abstracts/{own}") and talk not in files:
            files[talk] = TALK
    return files, rename(file), line, rename(message)


@pytest.fixture(scope="module")
def together(tmp_path_factory) -> Batch:
    root = tmp_path_factory.mktemp("bad-input") / "site"
    shutil.copytree(ROOT / "tests/roots/test-schedule", root)
    for case in TOGETHER:
        write_files(root, placed(case)[0])
    return build_batch(root)


@pytest.fixture(scope="module")
def alone(tmp_path_factory):
    """A case built on its own, the first time a test asks for it."""
    batches: dict[str, Batch] = {}

    def get(case: str) -> Batch:
        if case not in batches:
            root = tmp_path_factory.mktemp("bad-input-alone") / "site"
            shutil.copytree(ROOT / "tests/roots/test-schedule", root)
            write_files(root, CASES[case][0])
            batches[case] = build_batch(root)
        return batches[case]

    return get


def result(case: str, together: Batch, alone) -> Batch:
    return alone(case) if case in ALONE else together


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(together, alone, case):
    _files, file, line, message = placed(case)
    batch = result(case, together, alone)
    batch.assert_located(file, line, message)
    assert "Traceback" not in batch.build.output and "Exception" not in batch.build.output


def test_the_cases_built_together_say_nothing_else(together):
    """No case's message lands on another file, no traceback: the cases did not interfere."""
    files = {rel for case in TOGETHER for rel in placed(case)[0]}
    assert together.unexpected(files) == []
    assert "Traceback" not in together.build.output and "Exception" not in together.build.output


def test_check_lists_what_the_build_says_once_each(together):
    """`make check` lists each problem once, as the build prints it (Sphinx hands the warnings it
    holds back while reading to the handlers a second time: they were listed twice)."""
    said = [re.sub(r" \[[\w.]+\]$", "", w.replace(": WARNING: ", ": ", 1)) for w in together.warnings()]
    assert sorted(together.check) == sorted(said)


@pytest.mark.parametrize("case", ["talk not utf-8", "bib entry never closed", "schedule days empty"])
def test_bad_input_fails_the_real_build_in_one_line(together, alone, case):
    _files, file, line, message = placed(case)
    build = result(case, together, alone).build
    assert build.returncode != 0
    assert "Traceback" not in build.output and "Exception occurred" not in build.output
    assert any(w.startswith(f"{file}:{line}: WARNING: ") and message in w for w in build.output.splitlines())


def test_suite_size():
    """The issue asks for at least 40 distinct broken inputs across all the suites."""
    import test_contributor
    import test_safety
    import test_schedule

    total = len(CASES) + len(test_schedule.CASES) + len(test_contributor.BAD) + len(test_safety.CASES) + 4
    assert total >= 40
