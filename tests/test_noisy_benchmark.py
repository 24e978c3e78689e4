"""The noisy benchmarks: OCR'd English and Chinese, Japanese and Thai prose, with exact truth spans."""

import re

import pytest
from rapidfuzz.distance import Levenshtein

from provenance.benchmark import make_benchmark
from conftest import prose_unavailable
from provenance.debian_prose import ProseUnavailable
from provenance.noisy_benchmark import RATES, SCRIPTS, make_ocr_benchmark, make_script_benchmark, script_sentences, undo_column


def texts(bench):
    return {doc.id: doc.text for doc in bench.documents}


@pytest.fixture(scope="module")
def clean():
    return make_benchmark(seed=3, split="dev")


@pytest.fixture(scope="module", params=RATES)
def ocr(request):
    return request.param, make_ocr_benchmark(request.param, seed=3, split="dev")


@pytest.fixture(scope="module", params=SCRIPTS)
def script(request):
    try:
        return request.param, make_script_benchmark(request.param, seed=3, split="dev")
    except ProseUnavailable as error:
        prose_unavailable(request.param, error)


def test_measured_character_error_rate_is_the_one_asked(ocr):
    rate, bench = ocr
    edits = sum(Levenshtein.distance(before, undo_column(doc.text)) for before, doc in zip(bench.clean, bench.documents))
    assert edits / sum(map(len, bench.clean)) == pytest.approx(rate, rel=0.15)


def test_every_document_is_set_in_a_narrow_column_with_hyphenated_line_ends(ocr):
    _, bench = ocr
    lines = [line for doc in bench.documents for line in doc.text.split("\n")]
    assert max(map(len, lines)) <= 60  # a word longer than a column runs over
    assert sum(len(line) <= 42 for line in lines) >= 0.99 * len(lines)
    assert sum(doc.text.count("-\n") for doc in bench.documents) >= len(bench.documents)


def test_columns_alone_change_nothing_but_the_layout(clean):
    bench = make_ocr_benchmark(0, seed=3, split="dev")
    before, after = texts(clean), texts(bench)
    assert [undo_column(after[doc.id]) for doc in clean.documents] == [doc.text for doc in clean.documents]
    for was, now in zip(clean.cases, bench.cases):
        assert undo_column(after[now.doc][now.start : now.end]) == before[was.doc][was.start : was.end]
        assert undo_column(after[now.origin][now.origin_start : now.origin_end]) == before[was.origin][was.origin_start : was.origin_end]


def test_noised_truth_spans_hold_the_noised_passages(ocr, clean):
    rate, bench = ocr
    before, after = texts(clean), texts(bench)
    for was, now in zip(clean.cases, bench.cases):
        for doc, (s, e), (cs, ce) in ((now.doc, (now.start, now.end), (was.start, was.end)), (now.origin, (now.origin_start, now.origin_end), (was.origin_start, was.origin_end))):
            passage = undo_column(after[doc][s:e])
            # Damage is spread evenly: a passage has about the document's share, never a shifted span's.
            assert Levenshtein.normalized_distance(before[doc][cs:ce], passage) <= 3 * rate + 0.02


def test_documents_are_noised_each_on_its_own(ocr, clean):
    _, bench = ocr
    after = texts(bench)
    verbatim = [c for c in bench.cases if c.level == "verbatim"]
    differ = sum(after[c.doc][c.start : c.end] != after[c.origin][c.origin_start : c.origin_end] for c in verbatim)
    assert differ >= 0.9 * len(verbatim)


def test_benchmarks_are_the_same_on_every_build(script):
    kind, bench = script
    again = make_script_benchmark(kind, seed=3, split="dev")
    assert texts(again) == texts(bench) and again.cases == bench.cases
    ocr = make_ocr_benchmark(0.05, seed=3, split="dev")
    assert texts(make_ocr_benchmark(0.05, seed=3, split="dev")) == texts(ocr)
    assert texts(make_ocr_benchmark(0.05, seed=4, split="dev")) != texts(ocr)


def test_splits_share_no_prose(script):
    kind, dev = script
    heldout = make_script_benchmark(kind, seed=3, split="heldout")
    spaceless = lambda bench: "\n".join(doc.text.replace(" ", "") for doc in bench.documents)
    dev_text, heldout_text = spaceless(dev), spaceless(heldout)
    pool = [s.replace(" ", "") for s in script_sentences(kind)]
    in_dev = [s for s in pool if s in dev_text]
    assert len(in_dev) >= 200 and not [s for s in in_dev if s in heldout_text]
    words = lambda bench: {tuple(doc.text.split()[i : i + 12]) for doc in bench.documents for i in range(len(doc.text.split()) - 11)}
    assert not words(make_benchmark(seed=3, split="dev")) & words(make_benchmark(seed=3, split="heldout"))


def whole_sentences(text, sentences):
    """Whether text is one or more of the sentences, one after another."""
    return not text or any(text.startswith(s) and whole_sentences(text[len(s) :], sentences) for s in sentences if s[:1] == text[:1])


def test_script_truth_spans_slice_back_to_the_planted_sentences(script):
    kind, bench = script
    text = texts(bench)
    sentences = {s.replace(" ", "") for s in script_sentences(kind)}
    levels = {c.level for c in bench.cases}
    assert levels == {"verbatim", "light", "heavy"} and {c.kind for c in bench.cases} == {"single", "stitched", "second-generation"}
    for c in bench.cases:
        copied, origin = text[c.doc][c.start : c.end], text[c.origin][c.origin_start : c.origin_end]
        # The origin's span is whole sentences of the prose (spaces aside: Chinese and Japanese
        # articles lose those between wide characters).
        assert whole_sentences(origin.replace(" ", ""), sentences), origin
        distance = Levenshtein.distance(copied, origin)
        if c.level == "verbatim" and c.kind != "second-generation":
            assert copied == origin
        elif c.level == "light" and c.kind == "single":
            assert 0 < distance <= 2
        else:
            assert Levenshtein.normalized_similarity(copied, origin) >= 0.5


def test_chinese_and_japanese_run_their_sentences_together(script):
    kind, bench = script
    if kind == "th":
        assert all(" " in doc.text for doc in bench.documents)  # Thai keeps its sentence spaces
    else:
        assert not any(re.search("[。！？] ", doc.text) for doc in bench.documents)
