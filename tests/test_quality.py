"""Detection quality on a planted benchmark of real prose, per edit level, and on real news."""

from collections import Counter

import pytest

from provenance import load_corpus, scan
from provenance.benchmark import LEVELS, make_benchmark
from provenance.corpus import Document, parse_published
from provenance.evaluate import detections, score_by_level
from provenance.normalize import tokenize

from conftest import SAMPLES


@pytest.fixture(scope="module")
def bench():
    return make_benchmark(seed=5, split="dev", scale=1)


@pytest.fixture(scope="module")
def scores(bench):
    return score_by_level(bench.cases, detections(scan(bench.documents)))


def test_benchmark_covers_every_kind(bench):
    kinds = Counter((c.level, c.kind) for c in bench.cases)
    assert all(kinds[(level, "single")] >= 15 for level in LEVELS)
    assert sum(n for (_, kind), n in kinds.items() if kind == "stitched") >= 30
    assert kinds[("light", "second-generation")] >= 8
    prefixes = Counter(d.id[:3] for d in bench.documents)
    assert prefixes["own"] >= 10 and prefixes["sto"] >= 10


def test_benchmark_truth_is_consistent(bench):
    by_id = {d.id: d for d in bench.documents}
    for c in bench.cases:
        copy, origin = by_id[c.doc], by_id[c.origin]
        assert origin.published.before(copy.published)
        assert len(tokenize(origin.text[c.origin_start : c.origin_end])) >= 12
        if c.level == "verbatim" and c.kind != "second-generation":
            assert copy.text[c.start : c.end] == origin.text[c.origin_start : c.origin_end]
    second = [c for c in bench.cases if c.kind == "second-generation"]
    assert all(c.origin.startswith("src") for c in second)  # the first source, not the middle copy


@pytest.mark.parametrize("level", LEVELS)
def test_each_edit_level_is_detected_tightly(scores, level):
    s = scores[level]
    assert s.precision >= 0.95
    assert s.recall >= (0.95 if level != "heavy" else 0.85)
    assert s.attribution >= (0.95 if level != "heavy" else 0.85)


def test_overall_targets(scores):
    s = scores["overall"]
    assert s.plagdet >= 0.90 and s.precision >= 0.95 and s.attribution >= 0.95
    assert scores["second-generation"].attribution >= 0.9
    assert scores["stitched"].recall >= 0.9


def test_a_story_update_is_linked_to_the_original():
    original = (SAMPLES / "000_c02b9bcadfbfddb0.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in original.split("\n\n") if len(p.split()) > 20][:9]
    update = "\n\n".join(
        ["UPDATE: adds Kremlin reaction and details of the withdrawal timetable."]
        + paragraphs[:4]
        + ["The Kremlin said the first aircraft would leave the Hemeimeem base within days, and officials in Moscow declined to give a full timetable for the withdrawal."]
        + paragraphs[4:8]
    )
    documents = [
        Document("story", original, published=parse_published("2016-03-14T18:00:00Z")),
        Document("story-update", update, published=parse_published("2016-03-14T23:00:00Z")),
    ]
    result = scan(documents)
    reuse = {r.doc: r for r in result.reuse}["story-update"]
    republished = sum(len(p) for p in paragraphs[:8])
    assert reuse.reused_from == ["story"]
    assert reuse.reused_chars >= 0.95 * republished
    assert reuse.reused_chars <= republished + 20 * 8  # not the new paragraphs


def test_texts_that_share_no_three_word_sequence_are_not_linked_and_a_spun_article_is():
    """The same words in the same order, with a word of its own after every two: no 3-word run, no
    passage. After every four, the runs of four that a rewriter leaves make the article a copy."""
    source = (SAMPLES / "003_9eb559cecdcd9b42.txt").read_text(encoding="utf-8")
    words = tokenize(source).words
    fillers = ["indeed", "meanwhile", "reportedly", "apparently", "notably"]

    def interleaved(every: int) -> list[Document]:
        text = " ".join(w + (" " + fillers[i // every % 5] if i % every == every - 1 else "") for i, w in enumerate(words))
        return [Document("a", source, published=parse_published("2016-05-20")), Document("b", text, published=parse_published("2016-05-21"))]

    assert scan(interleaved(2)).families == []
    spun = scan(interleaved(4)).families
    assert spun and {m.doc for f in spun for m in f.members} == {"a", "b"}


def test_samples_share_five_word_runs_only_where_reused(samples_result):
    linked = {frozenset((f.members[0].doc, m.doc)) for f in samples_result.families for m in f.members}
    documents = load_corpus(SAMPLES).documents
    grams = {d.id: {tuple(tokenize(d.text).words[i : i + 5]) for i in range(len(tokenize(d.text)) - 4)} for d in documents}
    for a in documents:
        for b in documents:
            if a.id < b.id and not grams[a.id] & grams[b.id]:
                assert frozenset((a.id, b.id)) not in linked


def test_lineage_and_credit_on_the_benchmark(bench, scores):
    overall = scores["overall"]
    labels = Counter(c.credit for c in bench.cases if c.kind == "single")
    assert set(labels) == {"credited", "credited-elsewhere", "uncredited"} and min(labels.values()) >= 10
    assert all(c.parent for c in bench.cases if c.kind == "second-generation")
    assert overall.credit >= 0.9
    assert overall.lineage >= 0.85  # every single and stitched copy names its origin; chains are harder
