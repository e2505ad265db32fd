"""Link-preview cards (cards.py): drawn with Pillow, any script, any length, redrawn only when
what they show changes."""

from __future__ import annotations

import io

from PIL import Image
from sphinx_workshop_site.exports import cards

CARD = cards.Card(
    "Implicit Regularization in Regularized (Nonnegative) Low-Rank Approximations",
    "Jérémy Cohen",
    "Wednesday 27 November 2024 · 10:30–11:00 · Main room",
    "XYZ'26 · 26–27 November 2024",
)


def dark_rows(png: bytes) -> int:
    """How many pixel rows have text on them (a blank card has none)."""
    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.size == (cards.WIDTH, cards.HEIGHT)
    inner = image.crop((30, 0, cards.WIDTH, cards.HEIGHT - 20))  # without the coloured bars
    return sum(1 for y in range(inner.height) if inner.crop((0, y, inner.width, y + 1)).getextrema()[0] < 128)


def test_a_card_is_a_1200_by_630_png_with_its_text():
    png = cards.render(CARD)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert dark_rows(png) > 150  # four blocks of text
    assert dark_rows(cards.render(cards.Card("T"))) < dark_rows(png)


def test_a_card_keeps_its_colours():
    """Written in a palette of its own (small, fast to encode): white stays white, the bars and
    the text keep their colours."""
    image = Image.open(io.BytesIO(cards.render(CARD))).convert("RGB")
    assert image.getpixel((cards.WIDTH // 2, cards.HEIGHT - 40)) == (255, 255, 255)
    assert image.getpixel((5, 5)) == cards.ACCENT and image.getpixel((600, cards.HEIGHT - 5)) == cards.BAND
    colours = {colour for _count, colour in image.getcolors(1024)}
    assert {cards.INK, cards.MUTED, cards.TEXT_COLOURS[1]} <= colours


def test_every_script_is_drawn_with_a_font_that_has_it():
    """A name in Chinese is not a row of boxes: the font chosen draws each of its characters."""
    for text in ("Jérémy Cohen", "张伟", "Дмитрий Ковалёв", "Ελένη"):
        font = cards.font_for(text, 36)
        missing = cards._glyph(font, "\U0010fffd")
        assert all(cards._glyph(font, ch) != missing for ch in text), text


def test_long_titles_and_words_stay_inside_the_card():
    long = cards.Card("张量分解" * 60 + " " + "word " * 80, "A, " * 40, "x" * 300, "y" * 300)
    image = Image.open(io.BytesIO(cards.render(long))).convert("L")
    right = image.crop((cards.WIDTH - cards.MARGIN + 8, 0, cards.WIDTH, cards.HEIGHT - 20))
    assert right.getextrema()[0] > 200  # nothing drawn into the right margin


def test_a_card_is_drawn_again_only_when_it_changes(tmp_path):
    first = cards.write(CARD, tmp_path, "cohen")
    stamp = first.stat().st_mtime_ns
    assert cards.write(CARD, tmp_path, "cohen") == first and first.stat().st_mtime_ns == stamp
    changed = cards.Card("A new title", CARD.people, CARD.when, CARD.site)
    second = cards.write(changed, tmp_path, "cohen")
    assert second != first and not first.exists() and [p.name for p in tmp_path.iterdir()] == [second.name]
    assert changed.alt.startswith("A new title. Jérémy Cohen. Wednesday")


class _CountingDraw:
    """An ImageDraw that counts text measurements (the card's work)."""

    def __init__(self, draw):
        self.draw, self.measured = draw, 0

    def textlength(self, text, font):
        self.measured += 1
        return self.draw.textlength(text, font=font)


def test_a_pathological_title_is_drawn_with_bounded_work():
    """10,000 characters with no space (combining marks, emoji sequences, ﷽): measuring every
    prefix of every piece was cubic (a build hung for hours on one title)."""
    from PIL import ImageDraw

    title = ("W\u0301\u0302" + "👨\u200d👩\u200d👧🏳️\u200d🌈﷽") * 1000
    draw = _CountingDraw(ImageDraw.Draw(Image.new("RGB", (cards.WIDTH, cards.HEIGHT))))
    _font, lines = cards._fit(draw, title[:10_000], True, (64, 56, 48, 42), 1000, 250)
    assert lines[-1].endswith("…") and draw.measured < 3_000, draw.measured
    assert Image.open(io.BytesIO(cards.render(cards.Card(title[:10_000])))).size == (1200, 630)
