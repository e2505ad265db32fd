"""Link-preview cards: a 1200×630 PNG per talk page (its title, speakers, day and time) for
og:image, drawn with Pillow at build time. No Sphinx here.

The text is drawn with a system font that has every character of it (DejaVu Sans, FreeSans,
then WenQuanYi Micro Hei for CJK names), else Pillow's own; a card is named by the hash of what it
shows, so an unchanged card is not drawn again."""

from __future__ import annotations

import functools
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
INK, MUTED, ACCENT, BAND = (29, 95, 138), (74, 91, 104), (224, 122, 31), (29, 95, 138)
FONT_FOLDERS = (Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts"), Path("/Library/Fonts"))
FONT_FILES = {  # regular and bold, in order of preference (Debian: fonts-dejavu, fonts-freefont, wqy)
    False: (
        "dejavu/DejaVuSans.ttf",
        "DejaVuSans.ttf",
        "opentype/freefont/FreeSans.otf",
        "wqy/wqy-microhei.ttc",
    ),
    True: (
        "dejavu/DejaVuSans-Bold.ttf",
        "DejaVuSans-Bold.ttf",
        "opentype/freefont/FreeSansBold.otf",
        "wqy/wqy-microhei.ttc",
    ),
}


MAX_CARD_TEXT = 400  # characters of one text drawn on a card (a box holds fewer)


@dataclass(frozen=True)
class Card:
    """What one card shows; every text is one line of plain text, already made safe."""

    title: str
    people: str = ""  # the speakers
    when: str = ""  # "Wednesday 27 November 2024 · 10:30–11:00 · Main room"
    site: str = ""  # "LoRAINNe'24 · Nancy, 26–27 November 2024"

    @property
    def digest(self) -> str:
        return hashlib.sha256(repr(self).encode()).hexdigest()[:10]

    @property
    def alt(self) -> str:
        """The card in words, for og:image:alt."""
        return ". ".join(part for part in (self.title, self.people, self.when, self.site) if part)


def available() -> bool:
    try:
        import PIL  # noqa: F401
    except ImportError:
        return False
    return True


@functools.cache
def _font_paths(bold: bool) -> tuple[Path, ...]:
    found = []
    for name in FONT_FILES[bold]:
        for folder in FONT_FOLDERS:
            if (folder / name).is_file():
                found.append(folder / name)
                break
    return tuple(found)


@functools.cache
def _font(path: Path | None, size: int):
    from PIL import ImageFont

    return ImageFont.load_default(size) if path is None else ImageFont.truetype(str(path), size)


def _glyph(font, char: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("L", (2 * font.size, 2 * font.size))
    ImageDraw.Draw(image).text((font.size // 2, font.size // 4), char, font=font, fill=255)
    return image.tobytes()


@functools.cache
def _has(path: Path, char: str) -> bool:
    """True when the font draws the character (it does not come out as the 'missing' box)."""
    font = _font(path, 24)
    return char.isspace() or _glyph(font, char) != _glyph(font, "\U0010fffd")


def _has_all(path: Path, text: str) -> bool:
    return all(_has(path, char) for char in set(text))


def font_for(text: str, size: int, bold: bool = False):
    for path in _font_paths(bold):
        if _has_all(path, text):
            return _font(path, size)
    return _font(None, size)


def _words(draw, text: str, font, width: int) -> list[str]:
    """The text's words; one too wide for a line (a CJK title has no spaces) in pieces that fit."""
    out = []
    for word in text.split():
        while draw.textlength(word, font=font) > width and len(word) > 1:
            low, high = 1, len(word) - 1  # the longest piece that fits (at least one character)
            while low < high:
                middle = (low + high + 1) // 2
                if draw.textlength(word[:middle], font=font) <= width:
                    low = middle
                else:
                    high = middle - 1
            out.append(word[:low])
            word = word[low:]
        out.append(word)
    return out


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in _words(draw, text, font, width):
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(trial, font=font) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def _fit(draw, text: str, bold: bool, sizes: tuple[int, ...], width: int, height: int, spacing: float = 1.22):
    """The largest size at which ``text`` wraps into a box of ``width`` × ``height``; at the
    smallest, the last line that fits ends with '…'."""
    if len(text) > MAX_CARD_TEXT:  # more than any box shows: bounded work for any title
        text = text[:MAX_CARD_TEXT]
    for size in sizes:
        font = font_for(text, size, bold)
        lines = _wrap(draw, text, font, width)
        max_lines = max(1, int(height // (size * spacing)))
        if len(lines) <= max_lines:
            return font, lines
    lines = lines[:max_lines]
    while lines[-1] and draw.textlength(lines[-1] + " …", font=font) > width:
        lines[-1] = lines[-1].rsplit(" ", 1)[0] if " " in lines[-1] else lines[-1][:-1]
    lines[-1] += " …"
    return font, lines


def render(card: Card) -> bytes:
    """The card as PNG bytes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, HEIGHT - 18, WIDTH, HEIGHT), fill=BAND)
    draw.rectangle((0, 0, 14, HEIGHT), fill=ACCENT)
    width = WIDTH - 2 * MARGIN
    y = MARGIN - 10
    if card.site:
        font, lines = _fit(draw, card.site, True, (34, 30, 26), width, 40)
        draw.text((MARGIN, y), lines[0], font=font, fill=INK)
        y += 74
    # the title's box: what is left above the speakers (two lines) and the time
    font, lines = _fit(draw, card.title, True, (64, 56, 48, 42), width, 250 if card.people else 340)
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=TEXT_COLOURS[1])
        y += int(font.size * 1.22)
    y += 18
    if card.people:
        font, lines = _fit(draw, card.people, False, (36, 32, 28), width, 95, 1.3)
        for line in lines:
            draw.text((MARGIN, y), line, font=font, fill=INK)
            y += int(font.size * 1.3)
    if card.when:
        font, lines = _fit(draw, card.when, False, (30, 26), width, 36)
        draw.text((MARGIN, HEIGHT - 18 - MARGIN - font.size), lines[0], font=font, fill=MUTED)
    out = io.BytesIO()
    # fast: thousands of cards per build at conference scale. An RGB PNG spent two thirds of a
    # card's time choosing row filters; in the card's own palette (every colour it draws, each
    # text colour in steps over white) it takes a third of that and half the bytes, and no
    # channel moves by more than 3 % (the white stays white: test_cards).
    image.quantize(palette=_palette(), dither=Image.Dither.NONE).save(out, format="PNG", compress_level=3)
    return out.getvalue()


TEXT_COLOURS = (INK, (20, 20, 20), MUTED)  # what render() writes with
PALETTE_STEPS = 80
NEAR_WHITE = 8


@functools.cache
def _palette():
    from PIL import Image

    colours = [(255, 255, 255), ACCENT, BAND]
    for colour in TEXT_COLOURS:  # antialiased text: the colour over white, in steps
        for step in range(1, PALETTE_STEPS + 1):
            share = step / PALETTE_STEPS
            shade = tuple(round(255 * (1 - share) + value * share) for value in colour)
            if min(shade) < 255 - NEAR_WHITE:  # Pillow's nearest colour is coarse: white stays white
                colours.append(shade)
    palette = Image.new("P", (1, 1))
    palette.putpalette([value for colour in colours for value in colour])
    return palette


class Folder:
    """A folder of cards, listed once: a build draws thousands, and looking for a page's older
    cards by listing the folder for each was quadratic."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.by_stem: dict[str, set[str]] = {}
        try:
            names = [entry.name for entry in os.scandir(folder)]
        except OSError:
            names = []
        for name in names:
            stem, _, rest = name.rpartition("-")
            if stem and rest.endswith(".png"):
                self.by_stem.setdefault(stem, set()).add(name)

    def path(self, card: Card, stem: str) -> Path:
        return self.folder / f"{stem}-{card.digest}.png"

    def missing(self, card: Card, stem: str) -> bool:
        """Whether the card must be drawn (``draw``); if so, the older cards of ``stem`` are removed."""
        path = self.path(card, stem)
        if path.is_file():
            return False
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.by_stem.get(stem, set()) - {path.name}:
            (self.folder / old).unlink(missing_ok=True)
        self.by_stem[stem] = {path.name}
        return True

    def write(self, card: Card, stem: str) -> Path:
        """``<folder>/<stem>-<digest>.png``, drawn only when missing; older cards of ``stem`` removed."""
        if self.missing(card, stem):
            draw(card, self.path(card, stem))
        return self.path(card, stem)


def draw(card: Card, path: Path) -> Path:
    path.write_bytes(render(card))
    return path


def write(card: Card, folder: Path, stem: str) -> Path:
    """``folder/<stem>-<digest>.png``, drawn only when missing; older cards of ``stem`` removed."""
    return Folder(folder).write(card, stem)
