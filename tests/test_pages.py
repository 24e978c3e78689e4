"""Web pages in: .html files, JSONL html fields and WARC crawls, their text, outlets, dates and
encodings."""

import gzip
import json
import shutil

import pytest
from typer.testing import CliRunner

from provenance import load_corpus, scan
from provenance.cli import app
from provenance.corpus import CorpusError

from conftest import SAMPLE_ROWS, SAMPLES, html_page, sample_pages, write_warc

runner = CliRunner()
FURNITURE = ("All rights reserved", "Politics", "Home")  # the wrapper's, not the articles'


def passages(result):
    """Each family as (kind, origin outlet, the outlets of its members, its passages' words)."""
    by_id = {d.id: d for d in result.documents}
    out = set()
    for family in result.families:
        origin = by_id[family.origin.doc].source if family.origin else None
        members = frozenset((by_id[m.doc].source, " ".join(by_id[m.doc].text[m.start : m.end].split())) for m in family.members)
        out.add((family.kind, origin, members))
    return out


def test_html_pages_give_the_families_of_the_plain_samples(tmp_path, samples_result):
    pages = sample_pages(tmp_path / "pages")
    loaded = load_corpus(pages)
    for doc in loaded.documents:
        row = SAMPLE_ROWS[doc.id + ".txt"]
        assert doc.extracted_from == "html"
        assert not any(furniture in doc.text for furniture in FURNITURE)
        assert doc.source == row["source"] and doc.title == row["title"]
        # The time comes from the page's markup: the same instant, marked as inferred.
        assert doc.published.inferred and doc.published.start.isoformat() == row["published"]
    result = scan(loaded.documents)
    assert passages(result) == passages(samples_result)


def test_offsets_refer_to_the_extracted_text_which_the_json_carries(tmp_path):
    pages = sample_pages(tmp_path / "pages")
    out = runner.invoke(app, ["scan", str(pages), "-f", "json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    texts = {d["id"]: d["text"] for d in report["documents"]}
    assert {d["extracted_from"] for d in report["documents"]} == {"html"}
    copy = next(m for c in report["clusters"] for m in c["members"] if m["doc"] == "001_f3dd744afda12b92")
    assert texts[copy["doc"]][copy["start"] : copy["end"]].startswith("Russian airstrikes in Syria have focused largely")
    # A corpus of plain text carries no text: its files are the text.
    plain = json.loads(runner.invoke(app, ["scan", str(SAMPLES), "-f", "json"]).stdout)
    assert {(d["extracted_from"], d["text"]) for d in plain["documents"]} == {(None, None)}


def test_a_manifest_wins_over_what_the_page_says(tmp_path):
    pages = sample_pages(tmp_path / "pages")
    (pages / "manifest.csv").write_text("path,source,published\n003_9eb559cecdcd9b42.html,AFP,2016-05-20\n", encoding="utf-8")
    docs = {d.id: d for d in load_corpus(pages).documents}
    assert docs["003_9eb559cecdcd9b42"].source == "AFP"
    assert docs["003_9eb559cecdcd9b42"].published.text == "2016-05-20" and not docs["003_9eb559cecdcd9b42"].published.inferred
    assert docs["000_c02b9bcadfbfddb0"].source == "Stars and Stripes"


def test_an_undated_page_falls_back_to_its_dateline(tmp_path):
    pages = sample_pages(tmp_path / "pages", dated=False)
    docs = {d.id: d for d in load_corpus(pages).documents}
    assert docs["003_9eb559cecdcd9b42"].published.label == "2016-05-20T23:40:00 (inferred)"
    assert docs["002_586ac0e9c24d228b"].published is None


def test_jsonl_html_fields_are_extracted_and_written_back_as_read(tmp_path):
    rows = list(SAMPLE_ROWS.items())
    records = [
        {"id": row["id"], "url": f"https://example.org/{row['id']}", "html": html_page((SAMPLES / path).read_text(encoding="utf-8"), row["title"], row["source"], row["published"])}
        for path, row in rows
    ]
    records[4] = {"id": "004", "text": "A plain text record next to pages.", "source": "UPI"}
    corpus = tmp_path / "pages.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    docs = {d.id: d for d in load_corpus(corpus).documents}
    assert docs["003"].extracted_from == "html" and docs["003"].url == "https://example.org/003"
    assert docs["003"].text.startswith("Pentagon rejects Moscow")
    assert docs["004"].extracted_from is None and docs["004"].text == "A plain text record next to pages."
    report = json.loads(runner.invoke(app, ["scan", str(corpus), "-f", "json"]).stdout)
    assert any(m["doc"] == "002" for c in report["clusters"] for m in c["members"])
    kept = tmp_path / "kept.jsonl"
    assert runner.invoke(app, ["dedup", str(corpus), "-o", str(kept)]).exit_code == 0
    assert kept.read_text(encoding="utf-8") == corpus.read_text(encoding="utf-8")  # no reruns: every line as read


def test_a_warc_crawl_is_one_document_per_html_response(tmp_path):
    text = {row["id"]: (SAMPLES / path).read_text(encoding="utf-8") for path, row in SAMPLE_ROWS.items()}
    afp = html_page(text["003"], "Pentagon rejects Moscow's plan", "Gulf Times", "2016-05-20T20:40:00+00:00").encode("utf-8")
    aggregator = html_page(text["002"], "US says no agreement", "Aggregator").encode("utf-8")
    upi = html_page("DAMASCUS, Syria, Oct. 4 (UPI) -- " + text["004"], "Airstrikes will continue", "UPI").encode("utf-8")
    stripes = html_page("WASHINGTON, Dec. 30 -- " + text["000"], "Pentagon: airstrikes", "Stars and Stripes", charset="windows-1252")
    crawl = write_warc(
        tmp_path / "crawl.warc.gz",
        [
            ("https://www.gulf-times.com/story/493612", "text/html; charset=utf-8", afp, "2016-05-22T10:00:00Z"),
            ("https://aggregator.example/us-says", "text/html", aggregator, "2016-05-22T10:05:00Z"),
            ("https://aggregator.example/missing", "text/html", b"404", "2016-05-22T10:06:00Z"),
            ("https://aggregator.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n\x00\x00", "2016-05-22T10:07:00Z"),
            ("https://www.upi.com/Top_News/2015/10/04/Russia-airstrikes/1234", "text/html", upi, "2016-05-22T10:08:00Z"),
            ("https://www.stripes.com/news/pentagon-airstrikes", "text/html; charset=iso-8859-1", stripes.encode("cp1252"), "2016-01-10T08:00:00Z"),
            ("https://www.gulf-times.com/story/493612", "text/html", afp, "2016-05-23T10:00:00Z"),
        ],
    )
    docs = {d.id: d for d in load_corpus(crawl).documents}
    assert list(docs) == [
        "https://www.gulf-times.com/story/493612",
        "https://aggregator.example/us-says",
        "https://www.upi.com/Top_News/2015/10/04/Russia-airstrikes/1234",
        "https://www.stripes.com/news/pentagon-airstrikes",
        "https://www.gulf-times.com/story/493612@2",  # fetched again
    ]
    afp_doc, upi_doc, stripes_doc = (docs[k] for k in (
        "https://www.gulf-times.com/story/493612", "https://www.upi.com/Top_News/2015/10/04/Russia-airstrikes/1234", "https://www.stripes.com/news/pentagon-airstrikes"
    ))
    assert afp_doc.source == "Gulf Times" and afp_doc.extracted_from == "warc" and afp_doc.location.startswith(f"{crawl}@")
    assert docs["https://aggregator.example/us-says"].published is None  # the crawl time is no publication time
    # Datelines without a year: from the URL, else the latest such day before the crawl.
    assert upi_doc.published.label == "2015-10-04 (inferred)"
    assert stripes_doc.published.label == "2015-12-30 (inferred)"
    assert "Russia’s increased bombing" in stripes_doc.text  # Latin-1 declared, read as browsers read it
    result = scan(list(docs.values()))
    families = [{m.doc for m in f.members} for f in result.families]
    assert any({"https://www.gulf-times.com/story/493612", "https://aggregator.example/us-says"} <= members for members in families)


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda data: b"this is not a crawl at all" * 10, "not a readable WARC file"),
        (lambda data: data[: len(data) // 2], "not a readable WARC file"),
        (lambda data: gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 19\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"),
         "a response record without its WARC-Target-URI header"),
    ],
)
def test_a_broken_warc_is_refused_in_one_line(tmp_path, damage, message):
    whole = write_warc(tmp_path / "whole.warc.gz", [(f"https://x.example/{i}", "text/html", html_page("word " * 400, "t", "X").encode(), "2016-01-01T00:00:00Z") for i in range(3)])
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(damage(whole.read_bytes()))
    out = runner.invoke(app, ["scan", str(broken)])
    assert out.exit_code == 2 and out.output.count("\n") == 1
    assert str(broken) in out.output and message in out.output


def test_page_encodings(tmp_path):
    body = "<p>It\u2019s the Pentagon\u2019s view that the \u201cceasefire\u201d holds, officials said on Monday in Washington.</p>" * 3
    page = lambda charset: f'<html><head><meta charset="{charset}"><title>t</title></head><body><article>{body}</article></body></html>'
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "declared-latin1.html").write_bytes(page("iso-8859-1").encode("cp1252"))
    (folder / "utf16.html").write_bytes(page("utf-16").encode("utf-16"))  # with its byte-order mark
    (folder / "bom.html").write_bytes(b"\xef\xbb\xbf" + page("utf-8").encode("utf-8"))
    (folder / "utf16-text.txt").write_bytes("It\u2019s a text file in UTF-16.".encode("utf-16"))
    docs = {d.id: d.text for d in load_corpus(folder).documents}
    assert all(text.startswith("It\u2019s") for text in docs.values()), docs
    (folder / "undeclared.html").write_bytes(page("").replace('<meta charset="">', "").encode("cp1252"))
    with pytest.raises(CorpusError, match=r"undeclared\.html: not UTF-8 text \(byte 0x92 at offset \d+\)"):
        load_corpus(folder)
    assert load_corpus(folder, fallback_encoding="cp1252").documents[-1].text.startswith("It\u2019s")


def test_a_utf16_jsonl_file_is_refused_in_one_line(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(json.dumps({"id": "a", "text": "some text"}).encode("utf-16"))
    with pytest.raises(CorpusError, match="a JSONL file must be UTF-8"):
        load_corpus(corpus)


def test_a_page_without_article_text_is_skipped_with_a_warning(tmp_path):
    pages = sample_pages(tmp_path / "pages")
    (pages / "empty.html").write_text("<html><body></body></html>", encoding="utf-8")
    loaded = load_corpus(pages)
    assert "empty" not in {d.id for d in loaded.documents}
    assert any("page 'empty' skipped: no article text found in it" in w for w in loaded.warnings)


def test_a_page_too_large_to_be_an_article_is_skipped_with_its_size(tmp_path, monkeypatch):
    from provenance import pages as page_module

    monkeypatch.setattr(page_module, "MAX_PAGE_CHARS", 5000)  # the real cap is 20 M characters
    folder = sample_pages(tmp_path / "pages")
    loaded = load_corpus(folder)
    sizes = {p.stem: len(p.read_text(encoding="utf-8")) for p in folder.glob("*.html")}
    skipped = {d for d, size in sizes.items() if size > 5000}
    assert skipped and {d.id for d in loaded.documents} == set(sizes) - skipped
    assert any(f"skipped: {sizes[d] / 1e6:.1f} M characters, over the 0.005 M" in w for d in skipped for w in loaded.warnings)


def test_dedup_and_index_take_pages(tmp_path):
    pages = sample_pages(tmp_path / "pages")
    shutil.copy(pages / "003_9eb559cecdcd9b42.html", pages / "003-rerun.html")
    kept = tmp_path / "kept.jsonl"
    assert runner.invoke(app, ["dedup", str(pages), "-o", str(kept)]).exit_code == 0
    ids = [json.loads(line)["id"] for line in kept.read_text(encoding="utf-8").splitlines()]
    assert len(ids) == 5 and ("003-rerun" in ids) != ("003_9eb559cecdcd9b42" in ids)
    db = tmp_path / "archive.db"
    assert runner.invoke(app, ["index", "add", str(pages), "--db", str(db)]).exit_code == 0
    draft = tmp_path / "draft.html"
    draft.write_text(html_page((SAMPLES / "000_c02b9bcadfbfddb0.txt").read_text(encoding="utf-8")[:900], "Draft", "Our paper"), encoding="utf-8")
    out = runner.invoke(app, ["check", str(draft), "--against", str(db), "-f", "json"])
    assert out.exit_code == 1, out.output
    report = json.loads(out.stdout)["drafts"][0]
    assert report["extracted_from"] == "html" and "Our paper" not in report["text"]
    passage = report["passages"][0]
    assert passage["origin"]["doc"] == "000_c02b9bcadfbfddb0"
    assert report["text"][passage["start"] : passage["end"]] == passage["text"]


def test_pages_read_by_a_pool_come_back_in_order_and_unchanged(tmp_path, monkeypatch):
    from provenance import workers

    pages = sample_pages(tmp_path / "pages")
    crawl = write_warc(tmp_path / "crawl.warc.gz", [(f"https://x.example/{p.stem}", "text/html", p.read_bytes(), "2017-01-01T00:00:00Z") for p in sorted(pages.glob("*.html"))])
    serial = [load_corpus(pages).documents, load_corpus(crawl).documents]
    monkeypatch.setattr(workers, "PARALLEL_FROM", 2)  # a pool for five pages
    pooled = [load_corpus(pages).documents, load_corpus(crawl).documents]
    assert pooled == serial and [d.id for d in pooled[1]] == [f"https://x.example/{d.id}" for d in pooled[0]]
