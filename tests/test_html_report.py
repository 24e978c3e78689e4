"""scan --format html: one self-contained page, escaped, with highlights and timelines that render."""

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pytest
from typer.testing import CliRunner

from provenance import scan
from provenance.cli import app
from provenance.corpus import Document
from provenance.dates import parse_published
from provenance.html_report import to_html

from conftest import ROOT, SAMPLES

runner = CliRunner()
ARTIFACTS = ROOT / "test-artifacts"
HIGHLIGHT = (0xFF, 0xD5, 0x4F)  # mark's background in the page's style
ARROW = (0xC0, 0x39, 0x2B)


class Elements(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.marked: list[str] = []
        self._in_mark = 0
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_mark += tag == "mark"

    def handle_endtag(self, tag):
        self._in_mark -= tag == "mark"

    def handle_data(self, data):
        self.text.append(data)
        if self._in_mark:
            self.marked.append(data)


def test_one_section_per_family_with_every_member_highlighted_and_drawn(samples_result):
    page = to_html(samples_result)
    parsed = Elements(page)
    sections = [attrs["id"] for tag, attrs in parsed.tags if tag == "section"]
    assert sections == [f"family-{f.id}" for f in samples_result.families]
    texts = {d.id: d.text for d in samples_result.documents}
    members = [m for f in samples_result.families for m in f.members]
    assert sorted(parsed.marked) == sorted(texts[m.doc][m.start : m.end] for m in members)
    assert sum(tag == "svg" for tag, _ in parsed.tags) == len(samples_result.families)
    assert sum(tag == "circle" for tag, _ in parsed.tags) == len(members)
    # An arrow for every member that copied another one (here: from the origin of each family).
    copies = sum(m.relation != "origin" for m in members)
    assert sum(tag == "path" and "marker-end" in attrs for tag, attrs in parsed.tags) == copies
    for family in samples_result.families:
        section = page[page.index(f'id="family-{family.id}"') :].split("</section>")[0]
        for member in family.members:
            doc = next(d for d in samples_result.documents if d.id == member.doc)
            assert doc.source in section and doc.published.label in section


def test_the_page_needs_nothing_from_elsewhere(samples_result):
    parsed = Elements(to_html(samples_result))
    assert not [tag for tag, _ in parsed.tags if tag in ("script", "link", "img", "iframe", "object", "embed")]
    assert not [attrs for _, attrs in parsed.tags if "src" in attrs]
    assert all(attrs["href"].startswith("#") for tag, attrs in parsed.tags if tag == "a" and "href" in attrs)


HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)> \' onmouseover=\'alert(3)'


def hostile_result():
    shared = (
        "The ministry said the convoy reached the besieged town on Friday after weeks of talks between the "
        f"two sides, {HOSTILE} and officials said more aid would follow within days if the truce held. "
    )
    documents = [
        Document(f"a{HOSTILE}", "Opening words of the first report. " + shared + "Closing words.", source=f"Wire {HOSTILE}",
                 title=HOSTILE, url="javascript:alert(4)", published=parse_published("2016-05-20")),
        Document("b</section><script>", "A blog's own start. " + shared + "The blog's end.", source="Blog <b>", url="https://blog.example/post?a=1&b=\"2\"",
                 published=parse_published("2016-05-22")),
    ]
    return scan(documents)


def test_article_text_and_metadata_are_escaped_everywhere():
    result = hostile_result()
    assert result.families, "the shared passage must make a family for this test to mean anything"
    page = to_html(result)
    parsed = Elements(page)
    allowed = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "table", "thead", "tbody", "tr", "th", "td", "ol", "li",
               "a", "section", "div", "article", "header", "b", "br", "span", "mark", "svg", "defs", "marker", "path", "line", "text", "circle"}
    assert {tag for tag, _ in parsed.tags} <= allowed
    assert not [name for _, attrs in parsed.tags for name in attrs if name.startswith("on")]
    hrefs = [attrs["href"] for tag, attrs in parsed.tags if tag == "a"]
    assert not [h for h in hrefs if h.startswith("javascript")]  # only http(s) URLs become links
    assert 'https://blog.example/post?a=1&b="2"' in hrefs
    # The hostile text is there, as text, where the reader expects it.
    text = "".join(parsed.text)
    assert HOSTILE in "".join(parsed.marked) and f"Wire {HOSTILE}" in text and "b</section><script>" in text


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("PROVENANCE_CI"):
            pytest.fail("chromium is missing: .ci/run installs it")
        pytest.skip("chromium is not installed here (CI installs it); the page was not rendered")
    return path


def test_the_page_renders_its_highlights_and_arrows_in_chromium(tmp_path):
    from PIL import Image

    browser = chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    report, shot = tmp_path / "report.html", ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    out = runner.invoke(app, ["scan", str(SAMPLES), "-f", "html", "-o", str(report)])
    assert out.exit_code == 0, out.output
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}"]
    subprocess.run([browser, *flags, "--window-size=1280,2400", f"--screenshot={shot}", report.as_uri()], capture_output=True, timeout=120, check=True)
    pixels = np.asarray(Image.open(shot).convert("RGB"))
    counts = {color: int(np.all(pixels == color, axis=-1).sum()) for color in (HIGHLIGHT, ARROW)}
    # Family 1 alone highlights three paragraphs in each of two cards: far more than a few pixels.
    assert counts[HIGHLIGHT] > 50_000, counts
    assert counts[ARROW] > 100, counts


def test_scan_writes_html_to_stdout_or_a_file(tmp_path):
    out = runner.invoke(app, ["scan", str(SAMPLES), "--format", "html"])
    assert out.exit_code == 0 and out.stdout.startswith("<!doctype html>") and re.search(r"</html>\s*$", out.stdout)
    target = tmp_path / "report.html"
    assert runner.invoke(app, ["scan", str(SAMPLES), "-f", "html", "-o", str(target)]).exit_code == 0
    assert target.read_text(encoding="utf-8") == out.stdout
