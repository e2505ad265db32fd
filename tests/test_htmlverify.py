"""A contributor page's HTML verified after Sphinx wrote it (sphinx_workshop_site.gate.htmlverify, gate glue)."""

from __future__ import annotations

import re

import pytest
from conftest import copy_site, sphinx_build
from sphinx_workshop_site.gate.htmlverify import verify_html


def page(article: str) -> str:
    return (
        "<html><head><script src='../_static/theme.js'></script></head><body><nav>theme</nav>"
        f'<article class="bd-article">\n{article}\n</article><script>theme()</script></body></html>'
    )


WRITTEN_BY_THE_SITE = """<section id="t"><h1>A title</h1>
<p class="workshop-slot">Tuesday <a class="reference internal" href="../program/index.html#slot">14:00</a></p>
<table class="colwidths-given table"><colgroup><col style="width: 30%" /><col style="width: 70%" /></colgroup>
<tbody><tr class="row-odd"><td><p>conv1</p></td><td colspan="1">4</td></tr></tbody></table>
<dl class="simple myst"><dt>Tucker</dt><dd><p>A core tensor.</p></dd></dl>
<figure class="align-default" id="fig"><img alt="A pixel" src="../_images/sink-fig.png" />
<figcaption><p>A caption with <span class="math notranslate nohighlight">\\(\\alpha\\)</span>.</p></figcaption></figure>
<p><a class="reference external" href="https://example.org/a_(b)?q=1&amp;r=2">x</a>
<a class="reference external" href="mailto:jane@example.org">mail</a> H<sub>2</sub>O
<abbr title="singular value decomposition">SVD</abbr> <a href="#t">top</a></p>
<aside class="footnote-list brackets"><aside class="footnote brackets" id="f1" role="doc-footnote"></aside></aside>
</section>"""


def test_what_the_site_writes_passes():
    assert verify_html(page(WRITTEN_BY_THE_SITE)) == []


def test_the_theme_outside_the_article_is_not_judged():
    assert verify_html(page("<p>words</p>")) == []


ATTACKS = {
    "script": ("<script>alert(1)</script>", "the element <script>"),
    "style element": ("<style>body{display:none}</style>", "the element <style>"),
    "iframe": ("<iframe src='https://evil.example'></iframe>", "the element <iframe>"),
    "svg": ("<svg onload='alert(1)'></svg>", "the element <svg>"),
    "form": ("<form action='https://evil.example'></form>", "the element <form>"),
    "handler": ("<img src='x.png' onerror='alert(1)'>", "the attribute onerror= on <img>"),
    "style attribute": ("<p style='position:fixed;top:0'>x</p>", "a style on <p>"),
    "javascript link": ("<a href='javascript:alert(1)'>x</a>", "a javascript: address in <a href>"),
    "entity-hidden scheme": (
        "<a href='jav&#x09;ascript:alert(1)'>x</a>",
        "a javascript: address in <a href>",
    ),
    "data link": ("<a href='data:text/html,<b>'>x</a>", "a data: address in <a href>"),
    "remote image": ("<img src='https://tracker.example/p.gif'>", "<img src> from another host"),
    "protocol-relative image": ("<img src='//tracker.example/p.gif'>", "<img src> from another host"),
    "srcdoc": ("<div srcdoc='x'></div>", "the attribute srcdoc= on <div>"),
    "base": ("<base href='https://evil.example/'>", "the element <base>"),
}


@pytest.mark.parametrize("name", ATTACKS)
def test_each_attack_is_named_at_its_line(name):
    html, message = ATTACKS[name]
    problems = verify_html(page(f"<p>fine</p>\n{html}"))
    assert problems and problems[0].startswith("line 3: ") and message in problems[0], problems


def test_output_is_bounded():
    assert len(verify_html(page("<script></script>" * 1000))) == 20


INJECTOR = """
def _inject(app, doctree, docname):
    from docutils import nodes
    if docname == "abstracts/zz-talk":
        doctree.append(nodes.raw("", "<script>stolen()</script>", format="html"))


def setup(app):
    app.connect("doctree-resolved", _inject)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_page_whose_html_fails_is_not_published_and_fails_the_build(tmp_path, jobs):
    """Whatever made it (here: a plugin standing in for a channel the gate does not see), a
    contributor page whose HTML holds a script fails the build at its file and is not published;
    with -j 2 too (another process writes the page: the main process notes it; the page is not
    the first one, which Sphinx writes in the main process)."""
    root = copy_site(tmp_path / "site")
    (root / "abstracts/zz-talk.md").write_text(
        "---\nspeakers: [cohen]\n---\n\n# A talk\n\nWords.\n", encoding="utf-8"
    )
    (root / "_ext/injector.py").write_text(INJECTOR, encoding="utf-8")
    with (root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("\nextensions.append('injector')\n")
    build = sphinx_build(root, "html", "-j", jobs)
    assert build.returncode != 0
    assert "abstracts/zz-talk.md:1: WARNING: the page's HTML holds what no contributor page may (line " in (
        build.output
    )
    assert "the element <script>" in build.output
    if jobs == "2":  # written by another process (Sphinx names its chunks 'first .. last')
        assert re.search(r"writing output\.\.\. \[\s*\d+%\] \S+ \.\. \S+", build.output), build.output
    assert not (build.outdir / "abstracts/zz-talk.html").exists()
    assert (build.outdir / "abstracts/cohen.html").exists()  # the others are published
    again = sphinx_build(root, "html", "-j", jobs)  # nothing changed: the page still fails, still unpublished
    assert again.returncode != 0 and "abstracts/zz-talk.md:1: WARNING: the page's HTML holds" in again.output
    assert not (again.outdir / "abstracts/zz-talk.html").exists()
