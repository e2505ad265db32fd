"""The theme's icon fonts cut to the site's icons (site/icons.py): what the cutting reads from the
installed theme (its class map, its @font-face rules, the code points its stylesheet draws, its
fonts), and the cut itself. The built sites' fonts are checked in test_site.py, their rendering
in a browser in test_browser.py."""

from __future__ import annotations

import io
from pathlib import Path

import pydata_sphinx_theme
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont
from sphinx_workshop_site.site import icons

THEME_STATIC = (Path(pydata_sphinx_theme.__file__).parent / "theme/pydata_sphinx_theme/static").resolve()
THEME_CSS = THEME_STATIC / "styles/pydata-sphinx-theme.css"


def outline(data: bytes, code_point: int) -> tuple[float, list]:
    """A glyph's advance and drawing, as a pen records it."""
    font = TTFont(io.BytesIO(data))
    name = font.getBestCmap()[code_point]
    pen = RecordingPen()
    font.getGlyphSet()[name].draw(pen)
    return font["hmtx"][name][0], pen.value


def test_the_installed_theme_has_what_the_cut_reads():
    """Should a theme release change how it declares its icons, this fails, not the icons."""
    css = THEME_CSS.read_text(encoding="utf-8")
    icon_map = icons.icon_map(css)
    assert len(icon_map) > 1000
    # the icons its templates and scripts name, with their aliases
    assert icon_map["fa-magnifying-glass"] == icon_map["fa-search"] == "\uf002"
    assert icon_map["fa-bars"] == "\uf0c9" and icon_map["fa-chevron-down"] == "\uf078"
    assert icon_map["fa-xmark"] == "\uf00d" and icon_map["fa-circle-half-stroke"] == "\uf042"
    assert "fa-lg" not in icon_map and "fa-solid" not in icon_map  # modifiers draw nothing
    # what its stylesheet draws itself: admonitions (info-circle, exclamation-triangle, lightbulb),
    # breadcrumbs and Previous/Next (angles), downloads, external links
    drawn = icons.drawn_code_points(css)
    assert {0xF05A, 0xF071, 0xF0EB, 0xF104, 0xF105, 0xF019, 0xF35D} <= drawn
    assert len(drawn) < 50 and 0xF002 not in drawn  # not every icon of the class map
    # its fonts: solid, regular, brands, each in the theme's folder
    faces = icons.font_faces(css)
    assert sorted(Path(f).name for f in faces) == [
        "fa-brands-400.woff2",
        "fa-regular-400.woff2",
        "fa-solid-900.woff2",
    ]
    for face in faces:
        font = (THEME_STATIC / "styles" / face).resolve()
        assert font.is_relative_to(THEME_STATIC) and font.stat().st_size > 10_000, face


def test_css_strings_are_read_as_the_browser_reads_them():
    assert icons.css_string(r"\f002") == "\uf002"
    assert icons.css_string(r"\30 ") == "0"  # the space ends the escape
    assert icons.css_string(r"\f105x") == "\uf105x"
    assert icons.css_string(r"a\"b") == 'a"b'
    assert icons.css_string(r"\110000") == "\ufffd"


def test_the_class_map_reads_icon_rules_only():
    css = (
        '.fa-a,.fa-b{--fa:"\\f001"}.fa-c{--fa:"\\30 "}'
        '.fa-lg{font-size:1.25em}.fa-stack-1x{--fa:"x";left:0}'  # not an icon rule: more than --fa
        '.btn .fa-d{--fa:"\\f002"}'  # not a class alone
        '/* .fa-e{--fa:"\\f003"} */'
    )
    assert icons.icon_map(css) == {"fa-a": "\uf001", "fa-b": "\uf001", "fa-c": "0", "fa-stack-1x": "x"}


def test_drawn_code_points_are_those_outside_the_icon_rules():
    css = (
        '.fa-a{--fa:"\\f001"}'
        'html{--pst-icon-x:"\\f002";--pst-breadcrumb-divider:"\uf105"}'
        ".admonition-title:after{content:var(--pst-icon-x);font:var(--fa-font-solid)}"
        '.onthispage:after{content:"\\f107"}'
        'p:before{content:"A"}'
    )
    assert icons.drawn_code_points(css) == {0xF002, 0xF105, 0xF107}


def test_font_faces_of_font_awesome_only():
    css = (
        "@font-face{font-display:block;font-family:Font Awesome\\ 7 Free;src:url(../fonts/solid.woff2)}"
        '@font-face{font-family:"Font Awesome 7 Brands";src:url("../fonts/brands.woff2?v=1") format("woff2")}'
        "@font-face{font-family:Lato;src:url(../fonts/lato.woff2)}"
    )
    assert icons.font_faces(css) == ["../fonts/solid.woff2", "../fonts/brands.woff2"]


def test_a_pages_classes_not_its_text():
    html = (
        b"<p>fa-bomb, class=&quot;fa-skull&quot; in text (the writer escapes quotes)</p>"
        b"<i class=\"fa-solid fa-sun fa-lg\"></i><span class='x fa-moon'></span>"
        b'<button class = "theme-switch">fa-bolt</button><b class=fa-star>'
        b'<p class="x" title="fa-ghost">'
    )
    assert icons.page_classes(html) == {"fa-solid", "fa-sun", "fa-lg", "fa-moon", "fa-star"}
    assert icons.code_points({"fa-sun": "\uf185", "fa-moon": "\uf186"}, icons.page_classes(html)) == {
        0xF185,
        0xF186,
    }


def test_script_classes():
    js = b'e.classList.add("fa-solid","fa-xmark");const a="nofa-x";'
    assert icons.script_classes(js) == {"fa-solid", "fa-xmark"}


def test_the_cut_font_holds_the_glyphs_asked_for_drawn_as_the_themes():
    solid = (THEME_STATIC / "vendor/fontawesome/webfonts/fa-solid-900.woff2").read_bytes()
    asked = {0xF002, 0xF105, 0xF185, 0x10FFFD}  # the last: no glyph in the font
    cut = icons.subset_font(solid, asked)
    assert icons.subset_font(solid, asked) == cut  # reproducible (no date of its own)
    assert TTFont(io.BytesIO(cut))["head"].modified == TTFont(io.BytesIO(solid))["head"].modified
    assert icons.font_code_points(cut) == {0xF002, 0xF105, 0xF185}
    assert len(cut) < len(solid) / 20
    assert TTFont(io.BytesIO(cut)).flavor == "woff2"
    for code_point in (0xF002, 0xF105, 0xF185):
        assert outline(cut, code_point) == outline(solid, code_point)
    name = TTFont(io.BytesIO(cut))["name"]
    assert "Font Awesome" in str(name.getDebugName(1)) and name.getDebugName(0)  # family, copyright
