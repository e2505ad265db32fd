"""YAML in front matter and in the schedule: no anchors, aliases or tags, bounded nesting and size.

Every hostile input fails fast (each case under a second, the bomb in milliseconds) with a
``file:line`` message, never a RecursionError or a memory blow-up; the libyaml and the
pure-Python parser give the same verdict.
"""

from __future__ import annotations

import time
import tracemalloc

import pytest
import yaml
from conftest import require
from sphinx_workshop_site.model import sourceyaml
from sphinx_workshop_site.model.errors import WorkshopError
from sphinx_workshop_site.model.frontmatter import read_talk
from sphinx_workshop_site.model.schedulefile import load_schedule

ANCHORS = "YAML anchors and aliases (&name, *name) are not allowed: write the value out"
DEPTH = "the YAML is nested more than 20 levels deep: flatten it"
TOO_MANY = "the YAML holds more than 50,000 values: is it the right file?"

# The classic "billion laughs": 9 levels of 9 aliases, about 400 bytes, 9^9 strings expanded.
BOMB = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
    f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def require_libyaml() -> None:
    # The pinned PyYAML wheels include libyaml; without it the limits hold but work is slower.
    require(getattr(yaml, "CSafeLoader", None) is not None, "PyYAML is installed without libyaml")


@pytest.fixture(params=["libyaml", "pure"])
def parser(request, monkeypatch):
    """Run a test with libyaml and with PyYAML's pure-Python parser (the fallback without it)."""
    if request.param == "pure":
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    else:
        require_libyaml()
    return request.param


@pytest.fixture
def libyaml():
    require_libyaml()


def error_of(text: str, offset: int = 0) -> WorkshopError:
    with pytest.raises(WorkshopError) as caught:
        sourceyaml.parse(text, "f.yaml", line_offset=offset)
    return caught.value


def timed_error(text: str, limit: float = 1.0) -> WorkshopError:
    start = time.process_time()
    err = error_of(text)
    elapsed = time.process_time() - start
    assert elapsed < limit, f"{elapsed:.2f} s"
    return err


def test_the_bomb_is_small_and_fails_in_milliseconds_with_little_memory(parser):
    assert len(BOMB) < 450
    tracemalloc.start()
    try:
        err = timed_error(BOMB, limit=0.05)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000
    assert (err.message, err.line) == (ANCHORS, 1)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: &x 1\n", 1),  # an anchor alone
        ("a: 1\nb: *x\n", 2),  # an alias alone (undefined)
        ("base: &b {kind: talk}\nslot:\n  <<: *b\n", 1),
        ("- a\n- &s [x]\n", 2),
        ("a:\n  - b\n  - *c\n", 3),
    ],
)
def test_anchors_and_aliases_are_refused_where_they_are(parser, text, line):
    err = error_of(text)
    assert (str(err.message), err.line) == (ANCHORS, line)


@pytest.mark.parametrize(
    ("text", "line", "shown"),
    [
        ("a: !!python/object/apply:os.system [echo hi]\n", 1, "!!python/object/apply:os.system"),
        ("a: 1\nb: !foo bar\n", 2, "!foo"),
        ("a: !!str 13:45\n", 1, "!!str"),
        ("- ! x\n", 1, "!"),
        ("%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n", 3, "tag:example.com,2000:x"),
    ],
)
def test_tags_are_refused(parser, text, line, shown):
    err = error_of(text)
    assert err.message == f"YAML tags ('{shown}') are not allowed: write the plain value"
    assert err.line == line


def test_twenty_levels_are_fine_twenty_one_are_not(parser):
    assert sourceyaml.parse("[" * 20 + "]" * 20, "f.yaml") is not None
    err = error_of("[" * 21 + "]" * 21)
    assert (err.message, err.line) == (DEPTH, 1)
    block = "".join(" " * i + "k:\n" for i in range(25))
    err = error_of(block)
    assert (err.message, err.line) == (DEPTH, 21)


def test_fifty_thousand_values_are_fine_one_more_is_not(libyaml):
    values = sourceyaml.parse("[" + ",".join(["1"] * 49_999) + "]", "f.yaml")
    assert len(values) == 49_999  # and the list itself: 50,000
    err = error_of("[" + ",".join(["1"] * 50_000) + "]")
    assert (err.message, err.line) == (TOO_MANY, 1)


MEGABYTE = 1_000_000
HOSTILE_MEGABYTE = {
    "nested flow sequences": ("[" * MEGABYTE, DEPTH),
    "nested flow mappings": ("{a: " * (MEGABYTE // 4), DEPTH),
    "nested block sequences": ("- " * (MEGABYTE // 2), DEPTH),
    "nested block mappings": ("".join(" " * i + "k:\n" for i in range(1400)), DEPTH),
    "bomb padded to 1 MB": ("# " + "x" * MEGABYTE + "\n" + BOMB, ANCHORS),
    "anchors everywhere": ("- &a 1\n" * (MEGABYTE // 7), ANCHORS),
    "tags everywhere": (
        "- !x 1\n" * (MEGABYTE // 7),
        "YAML tags ('!x') are not allowed: write the plain value",
    ),
    "a flat list": ("[" + "1," * (MEGABYTE // 2) + "1]", TOO_MANY),
    "a block list": ("- a\n" * (MEGABYTE // 4), TOO_MANY),
    "many keys": ("".join(f"k{i}: v\n" for i in range(MEGABYTE // 9)), TOO_MANY),
    "blank lines, then an error": ("a: b" + "\n" * MEGABYTE + "c: [", "YAML syntax error"),
    "a control character at the end": ("a: " + "x" * MEGABYTE + "\x07", "U+0007 is not allowed"),
    "a line separator at the end": ("a: " + "x" * MEGABYTE + "\u2028", "U+2028 is not allowed"),
    "unclosed quotes": ('a: "' + "x" * MEGABYTE, "YAML syntax error"),
    "complex keys": ("? " * (MEGABYTE // 2), "a key must be a plain word"),
}


def test_the_value_limit_holds_in_the_pure_parser_too(parser, monkeypatch):
    monkeypatch.setattr(sourceyaml, "MAX_NODES", 1000)
    assert len(sourceyaml.parse("- x\n" * 999, "f.yaml")) == 999
    err = error_of("- x\n" * 1000)
    assert (err.message, err.line) == ("the YAML holds more than 1,000 values: is it the right file?", 1000)


@pytest.mark.parametrize("case", HOSTILE_MEGABYTE)
def test_a_hostile_megabyte_fails_within_a_second_with_a_located_message(libyaml, case):
    text, expected = HOSTILE_MEGABYTE[case]
    assert len(text) >= MEGABYTE * 0.9
    err = timed_error(text)
    assert expected in err.message
    assert err.file == "f.yaml" and isinstance(err.line, int) and err.line >= 1


def test_without_libyaml_a_megabyte_is_refused_by_its_size_at_once(monkeypatch):
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    for text, _message in HOSTILE_MEGABYTE.values():
        if "U+" in _message:
            continue  # found before any parser runs
        err = timed_error(text, limit=0.2)
        assert (err.message, err.line) == (
            f"the YAML has {len(text):,} characters, over the limit of 200,000: is it the right file?",
            1,
        )


def test_a_hostile_megabyte_of_valid_yaml_is_read_within_a_second(libyaml):
    for text in ("a: " + "x" * MEGABYTE, "a: b" + "\n" * MEGABYTE, "# " + "x" * MEGABYTE + "\na: 1"):
        start = time.process_time()
        assert isinstance(sourceyaml.parse(text, "f.yaml"), dict)
        assert time.process_time() - start < 1.0


def test_front_matter_errors_name_the_page_line(parser):
    page = "---\nspeakers: [ada]\nkeywords: &k [tensors]\n---\n\n# Title\n\nText.\n"
    _meta, problems = read_talk("alpha", page, "abstracts/alpha.md")
    assert [str(p) for p in problems] == [f"abstracts/alpha.md:3: {ANCHORS}"]


def test_a_bomb_in_front_matter_fails_fast(parser):
    page = "---\nspeakers: [ada]\n" + BOMB + "---\n\n# Title\n"
    start = time.process_time()
    _meta, problems = read_talk("alpha", page, "abstracts/alpha.md")
    assert time.process_time() - start < 0.05
    assert [str(p) for p in problems] == [f"abstracts/alpha.md:3: {ANCHORS}"]


def test_a_megabyte_of_nesting_in_front_matter_fails_fast(libyaml):
    page = "---\nspeakers: [ada]\nkeywords: " + "[" * MEGABYTE + "\n---\n\n# Title\n"
    start = time.process_time()
    _meta, problems = read_talk("alpha", page, "abstracts/alpha.md")
    assert time.process_time() - start < 1.0
    assert [str(p) for p in problems] == [f"abstracts/alpha.md:3: {DEPTH}"]


def test_the_schedule_refuses_aliases_with_its_line(parser):
    schedule = (
        b"timezone: Europe/Paris\nvenue: Here\nrooms: &r [Main room]\n"
        b"days:\n  - date: 2024-11-26\n    slots:\n      - time: 09:00-10:00\n        title: Open\n"
    )
    schedule_, problems = load_schedule(schedule, "program/schedule.yaml")
    assert schedule_ is None
    assert [str(p) for p in problems] == [f"program/schedule.yaml:3: {ANCHORS}"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: 1\na: 2\n", 2, "key 'a' appears twice in this mapping (first on line 11): keep one"),
        ("{a: 1, b: 2, a: 3}\n", 1, "key 'a' appears twice in this mapping (first on line 11): keep one"),
        ("[a]: 1\n", 1, "a key must be a plain word, not a list or mapping"),
        ("? {a: 1}\n: 2\n", 1, "a key must be a plain word, not a list or mapping"),
        ("a: 1\n---\nb: 2\n", 2, "a second YAML document starts here: a file holds one (remove the '---')"),
        ("a: b\u2028c: d\n", 1, "the invisible line break U+2028 is not allowed: delete it"),
        ("a: 1\nb: \x1b[31m\n", 2, "the control character U+001B is not allowed: delete it"),
        ("a: [b\nc: d\n", 2, "YAML syntax error: expected ',' or ']', but got ':'"),
    ],
)
def test_other_mistakes_keep_their_located_messages(parser, text, line, message):
    err = error_of(text, offset=10)
    assert (err.message, err.line) == (message, line + 10)


def test_values_stay_the_strings_that_were_written(parser):
    data = sourceyaml.parse("time: 13:45\ndate: 2024-11-26\nn: ~\ne:\nq: '~'\nl: [1, null, x]\n", "f.yaml")
    assert data == {
        "time": "13:45",
        "date": "2024-11-26",
        "n": None,
        "e": None,
        "q": "~",
        "l": ["1", None, "x"],
    }
    assert (data.line, data.line_of("q"), data["l"].line, data["l"][2].line) == (1, 5, 6, 6)


def test_both_parsers_read_the_real_files_alike(monkeypatch):
    from conftest import ROOT

    texts = [(ROOT / "program/schedule.yaml").read_text(encoding="utf-8")]
    for page in sorted((ROOT / "abstracts").glob("*.md")) + sorted((ROOT / "speakers").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        texts.append(text.split("\n---\n", 1)[0].removeprefix("---\n"))
    fast = [sourceyaml.parse(text, "f") for text in texts]
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    assert [sourceyaml.parse(text, "f") for text in texts] == fast
