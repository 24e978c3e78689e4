import json
from datetime import datetime, timezone

import pytest

from provenance.corpus import CorpusError, load_corpus, parse_published

from conftest import SAMPLES


def test_samples_directory_with_manifest():
    corpus = load_corpus(SAMPLES)
    assert [d.id for d in corpus.documents] == ["000", "001", "002", "003", "004"]
    hot_air = corpus.documents[1]
    assert hot_air.source == "Hot Air"
    assert hot_air.title.startswith("Russia to start pulling military out of Syria")
    assert hot_air.published.start == datetime(2016, 3, 15, 1, tzinfo=timezone.utc)
    assert hot_air.text == (SAMPLES / "001_f3dd744afda12b92.txt").read_bytes().decode("utf-8")


def test_directory_without_manifest_uses_file_names(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("first article text", encoding="utf-8")
    (tmp_path / "sub" / "b.md").write_text("second article", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("ignored,file", encoding="utf-8")
    docs = load_corpus(tmp_path).documents
    assert [(d.id, d.published, d.source) for d in docs] == [("a", None, None), ("sub/b", None, None)]


def test_manifest_jsonl_by_id_with_passim_names(tmp_path):
    (tmp_path / "x.txt").write_text("some text here", encoding="utf-8")
    (tmp_path / "y.txt").write_text("other text here", encoding="utf-8")
    (tmp_path / "manifest.jsonl").write_text(
        json.dumps({"id": "x", "series": "AFP", "date": "2016-05-20"}) + "\n", encoding="utf-8"
    )
    x, y = load_corpus(tmp_path).documents
    assert (x.source, x.published.text, x.published.is_day) == ("AFP", "2016-05-20", True)
    assert (y.id, y.source, y.published) == ("y", None, None)


def test_jsonl_corpus_with_our_and_passim_field_names(write_jsonl):
    path = write_jsonl(
        [
            {"id": "a", "text": "alpha text", "source": "Reuters", "title": "T", "url": "http://x", "published": "2016-03-14T18:00:00Z"},
            {"id": 7, "text": "beta text", "series": "AFP", "date": "2016-03-14T20:00:00+02:00"},
        ]
    )
    a, b = load_corpus(path).documents
    assert (a.id, a.source, a.title, a.url) == ("a", "Reuters", "T", "http://x")
    assert (b.id, b.source) == ("7", "AFP")
    assert b.published.start == datetime(2016, 3, 14, 18, tzinfo=timezone.utc)
    assert not a.published.before(b.published) and not b.published.before(a.published)


def test_several_corpora_load_together(write_jsonl, tmp_path):
    jsonl = write_jsonl([{"id": "j1", "text": "from jsonl"}])
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "f1.txt").write_text("from folder", encoding="utf-8")
    assert [d.id for d in load_corpus([folder, jsonl]).documents] == ["f1", "j1"]


def test_published_forms():
    day = parse_published("2016-05-20")
    assert day.is_day and day.end - day.start == (datetime(2016, 5, 21) - datetime(2016, 5, 20))
    naive = parse_published("2016-05-20T20:40:00")
    assert naive.start == datetime(2016, 5, 20, 20, 40, tzinfo=timezone.utc)
    assert not day.before(naive) and not naive.before(day)  # same day: order unknown
    assert parse_published("2016-05-19T23:59:59-02:00").start == datetime(2016, 5, 20, 1, 59, 59, tzinfo=timezone.utc)
    assert parse_published("2016-05-19").before(naive)


def test_empty_documents_are_skipped_with_a_warning(write_jsonl):
    corpus = load_corpus(write_jsonl([{"id": "a", "text": "words here"}, {"id": "b", "text": "  \n "}]))
    assert [d.id for d in corpus.documents] == ["a"]
    assert len(corpus.warnings) == 1 and "'b'" in corpus.warnings[0] and "corpus.jsonl:2" in corpus.warnings[0]


def test_text_is_kept_exactly_as_read(tmp_path):
    raw = "\ufeffLine one\r\nLine two \u2013 caf\u00e9\r\n"
    (tmp_path / "a.txt").write_bytes(raw.encode("utf-8"))
    assert load_corpus(tmp_path).documents[0].text == raw[1:]  # only the byte-order mark is dropped


def test_fallback_encoding_reads_windows_text(tmp_path):
    (tmp_path / "a.txt").write_bytes("it\u2019s fine".encode("cp1252"))
    with pytest.raises(CorpusError, match=r"a.txt: not UTF-8 text \(byte 0x92 at offset 2\)"):
        load_corpus(tmp_path)
    assert load_corpus(tmp_path, fallback_encoding="cp1252").documents[0].text == "it\u2019s fine"


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda d: (d / "a.txt").write_bytes(b"caf\xe9 au lait"), r"a\.txt: not UTF-8 text \(byte 0xe9 at offset 3\)"),
        (lambda d: (d / "a.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00"), r"a\.txt: binary file"),
        (lambda d: None, r"empty corpus"),
        (lambda d: (d / "a.txt").write_text("   "), r"empty corpus \(no documents with text; 1 skipped, the first: .*a\.txt: empty document 'a' skipped\)"),
        (
            lambda d: ((d / "a.txt").write_text("x y z"), (d / "manifest.csv").write_text("path,published\na.txt,14/03/2016\n")),
            r"manifest\.csv:2: unparseable date '14/03/2016'",
        ),
        (
            lambda d: ((d / "a.txt").write_text("x"), (d / "manifest.csv").write_text("path,source\nmissing.txt,AFP\n")),
            r"manifest\.csv:2: file 'missing.txt' not found",
        ),
        (
            lambda d: ((d / "a.txt").write_text("x"), (d / "manifest.csv").write_text("source,title\nAFP,t\n")),
            r"manifest\.csv: manifest needs a 'path' or 'id' column",
        ),
        (
            lambda d: ((d / "a.txt").write_text("x"), (d / "manifest.csv").write_text('path,source\n"a.txt,AFP\n')),
            r"manifest\.csv: malformed CSV \(unexpected end of data, after line 1\)",
        ),
        (
            lambda d: ((d / "a.txt").write_text("x"), (d / "b.txt").write_text("y"), (d / "manifest.csv").write_text("path,id\na.txt,same\nb.txt,same\n")),
            r"b\.txt: duplicate id 'same' \(first seen in .*a\.txt\)",
        ),
    ],
)
def test_bad_directories(tmp_path, setup, message):
    setup(tmp_path)
    with pytest.raises(CorpusError, match=message):
        load_corpus(tmp_path)


@pytest.mark.parametrize(
    "lines, message",
    [
        (['{"id": "a", "text": "ok"}', '{"id": "b", "text": '], r"corpus\.jsonl:2: malformed JSON \(Expecting value at column 21\)"),
        (['{"id": "b", "text": "cut short'], r"corpus\.jsonl:1: malformed JSON \(Unterminated string starting at column 21\)"),
        (['["a", "b"]'], r"corpus\.jsonl:1: expected a JSON object, got list"),
        (['{"text": "no id"}'], r"corpus\.jsonl:1: missing 'id'"),
        (['{"id": "a", "text": 5}'], r"corpus\.jsonl:1: 'text' must be a string"),
        (['{"id": "a", "text": "x", "date": "yesterday"}'], r"corpus\.jsonl:1: unparseable date 'yesterday'"),
        (['{"id": "a", "text": "x"}', '{"id": "a", "text": "y"}'], r"corpus\.jsonl:2: duplicate id 'a' \(first seen in .*corpus\.jsonl:1\)"),
        (['{"id": "a", "text": "x\\u0000y"}'], r"corpus\.jsonl:1: text contains NUL bytes"),
    ],
)
def test_bad_jsonl(tmp_path, lines, message):
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        load_corpus(path)


def test_missing_path_and_unknown_file_kind(tmp_path):
    with pytest.raises(CorpusError, match="no such file or directory"):
        load_corpus(tmp_path / "nope")
    other = tmp_path / "corpus.csv"
    other.write_text("a,b")
    with pytest.raises(CorpusError, match="not a corpus"):
        load_corpus(other)


def test_a_jsonl_line_may_hold_line_separators_inside_its_strings(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    text = "First paragraph.\u2028Second one, after a line separator.\u0085Third."
    corpus.write_text(json.dumps({"id": "a", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    [doc] = load_corpus(corpus).documents
    assert doc.text == text and doc.line == 1
