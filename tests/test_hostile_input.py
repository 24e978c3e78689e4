"""Property tests: whatever the input, a loader returns documents or raises CorpusError with the
file's name, and a scan returns spans that slice the texts; never another exception."""

import codecs
import json
import string

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance import load_corpus, scan
from provenance.corpus import CorpusError, Document

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
words = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=6)


def loads_or_names_the_file(path, **options):
    try:
        return load_corpus(path, **options).documents
    except CorpusError as error:
        assert str(path.name) in str(error) or "corpus" in str(error)
        return None


@SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes_in_a_text_file_load_or_fail_cleanly(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("bytes")
    (folder / "a.txt").write_bytes(data)
    documents = loads_or_names_the_file(folder)
    if documents:
        assert documents[0].text == as_text_editors_read(data)


def as_text_editors_read(data: bytes) -> str:
    """Python's own codecs: a UTF-32 or UTF-16 byte-order mark picks that codec, else UTF-8."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return data.decode("utf-32")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


@SETTINGS
@given(st.text(min_size=1, max_size=300), st.sampled_from(["utf-8-sig", "utf-16", "utf-32", "utf-16-be", "utf-8"]))
def test_any_text_in_a_unicode_encoding_with_its_mark_reads_back_exactly(tmp_path_factory, text, encoding):
    folder = tmp_path_factory.mktemp("encodings")
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    (folder / "a.txt").write_bytes(data)
    documents = loads_or_names_the_file(folder)
    if "\x00" in text or not text.strip():
        assert not documents
    else:
        assert documents[0].text == text


@SETTINGS
@given(st.binary(max_size=600), st.sampled_from([b"", b'<meta charset="latin-1">', b'<meta charset="utf-16">', b'<meta charset="no-such">']))
def test_any_bytes_in_a_page_load_or_fail_cleanly(tmp_path_factory, data, declaration):
    folder = tmp_path_factory.mktemp("pages")
    (folder / "a.html").write_bytes(b"<html><head>" + declaration + b"</head><body><p>" + data + b"</p></body></html>")
    loads_or_names_the_file(folder)


@SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes_in_a_jsonl_file_or_a_manifest_fail_cleanly(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("jsonl")
    (folder / "corpus.jsonl").write_bytes(data)
    loads_or_names_the_file(folder / "corpus.jsonl", fallback_encoding="latin-1")
    (folder / "texts").mkdir()
    (folder / "texts" / "a.txt").write_text("some text here", encoding="utf-8")
    (folder / "texts" / "manifest.csv").write_bytes(b"path,published\n" + data)
    loads_or_names_the_file(folder / "texts")


@SETTINGS
@given(st.lists(st.text(max_size=300), min_size=1, max_size=5))
def test_any_unicode_text_round_trips_through_jsonl(tmp_path_factory, texts):
    path = tmp_path_factory.mktemp("unicode") / "corpus.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)), encoding="utf-8")
    documents = loads_or_names_the_file(path)
    expected = [t for t in texts if t.strip() and "\x00" not in t]
    if documents is not None:
        assert [d.text for d in documents] == expected


@SETTINGS
@given(st.lists(st.lists(words, min_size=0, max_size=60), min_size=1, max_size=6), st.integers(0, 5))
def test_a_scan_of_any_small_corpus_returns_spans_that_slice_the_texts(sentences, repeat):
    base = [" ".join(s) for s in sentences]
    texts = base + [base[0]] * repeat  # copies, so that something is found
    documents = [Document(id=str(i), text=t or ".") for i, t in enumerate(texts)]
    result = scan(documents)
    lengths = {d.id: len(d.text) for d in documents}
    for family in result.families:
        assert len(family.members) >= 2
        for member in family.members:
            assert 0 <= member.start < member.end <= lengths[member.doc]


def test_links_and_manifest_paths_outside_the_corpus_are_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("a private note that is not part of any corpus", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("an article of the corpus", encoding="utf-8")
    (corpus / "manifest.csv").write_text("path,source\n../secret.txt,Nobody\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"file '\.\./secret\.txt' not found"):
        load_corpus(corpus)
    (corpus / "manifest.csv").unlink()
    (corpus / "link.txt").symlink_to(secret)
    with pytest.raises(CorpusError, match=r"link\.txt: a link to .*secret\.txt, outside the corpus; refused"):
        load_corpus(corpus)
    (corpus / "link.txt").unlink()
    (corpus / "inner.txt").symlink_to(corpus / "a.txt")  # a link inside the corpus is fine
    assert sorted(d.id for d in load_corpus(corpus).documents) == ["a", "inner"]
