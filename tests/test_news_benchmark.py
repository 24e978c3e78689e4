"""The real-news benchmark: BBC articles with reuse planted, its truth, and its scorer."""

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from provenance import bbc_news, scan
from provenance.attribute import COPY, ORIGIN, Member, ReuseFamily, Wire
from provenance.boilerplate import Boilerplate
from provenance.report import to_json
from provenance.news_benchmark import FURNITURE, KINDS, STOCK_PHRASES, NewsCase, Span, make_news_benchmark, split_articles
from provenance.wire_benchmark import AGENCIES
from provenance.news_evaluate import read_labels, score_news
from provenance.scan import ScanParams, ScanResult

LABELS = Path(__file__).resolve().parents[1] / "scripts" / "labels"


@pytest.fixture(scope="module")
def dev():
    return make_news_benchmark(1, "dev")


def texts(bench):
    return {doc.id: doc.text for doc in bench.documents}


def test_the_same_seed_builds_the_same_benchmark(dev):
    again = make_news_benchmark(1, "dev")
    assert [(d.id, d.text, d.source, d.url, d.published) for d in again.documents] == [(d.id, d.text, d.source, d.url, d.published) for d in dev.documents]
    assert again.cases == dev.cases
    assert make_news_benchmark(2, "dev").cases != dev.cases


def test_the_halves_are_disjoint_and_keep_linked_articles_together():
    halves = [{a for group in split_articles(split) for a in group} for split in ("dev", "heldout")]
    assert not halves[0] & halves[1]
    assert len(halves[0] | halves[1]) == len(bbc_news.articles())
    assert abs(len(halves[0]) - len(halves[1])) < 50
    # The BBC filed "Jobs growth still slow in the US" twice: both copies stay in one half.
    ids = [a.id for a in bbc_news.articles()]
    pair = {ids.index("business-007"), ids.index("business-253")}
    assert pair <= halves[0] or pair <= halves[1]


def test_every_kind_is_planted_across_outlets_and_time(dev):
    assert {c.kind for c in dev.cases} == set(KINDS)
    assert len({d.source for d in dev.documents}) == 8
    years = {d.published.start.year for d in dev.documents}
    assert years == {2004, 2005}
    assert len({d.id for d in dev.documents}) == len(dev.documents)


def test_planted_spans_slice_back_to_the_planted_text(dev):
    text = texts(dev)
    phrases = {phrase for phrase, _, _ in STOCK_PHRASES}
    templates = [re.compile(re.escape(f.template).replace(r"\{name\}", ".+").replace(r"\{email\}", r"\S+").replace(r"\{date\}", r"\d+ \w+ 200[45]")
                            .replace(r"\{title\}", ".+").replace(r"\{section\}", r"\w+") + "$") for f in FURNITURE]
    published = {d.id: d.published.start for d in dev.documents}
    for case in dev.cases:
        slices = [text[s.doc][s.start : s.end] for s in case.spans]
        assert all(slices) and len({s.doc for s in case.spans}) == len(case.spans) >= 2
        if case.kind == "stock-phrase":
            assert len(set(slices)) == 1 and slices[0] in phrases
        elif case.kind == "furniture":
            assert all(any(t.match(s) for t in templates) for s in slices), slices
        elif case.kind == "shared-quote" and case.detail != "transcript" or case.detail.startswith("lift verbatim"):
            assert len(set(slices)) == 1
        else:  # trimmed or lightly edited: most words shared with the first
            first = set(slices[0].split())
            assert all(len(first & set(s.split())) >= 0.5 * min(len(first), len(set(s.split()))) for s in slices[1:]), case.id
        for doc, parent in case.parents:
            assert published[parent] < published[doc]


def test_wire_copy_credits_its_agency_at_the_top(dev):
    text = texts(dev)
    for case in (c for c in dev.cases if c.kind == "wire"):
        for span in case.spans:
            opening = text[span.doc][: span.start]
            assert any(name in opening for name in AGENCIES[case.agency]), opening


def scanned(families, boilerplate=()):
    docs = sorted({m.doc for f in families for m in f.members} | {s[0] for b in boilerplate for s in b.spans})
    from provenance.corpus import Document

    return ScanResult([Document(d, "x" * 1000) for d in docs], families, [], ScanParams(), 0, 0.0, list(boilerplate))


def family(number, kind, *members, wire=None):
    made = [Member(doc, start, end, 1.0, ORIGIN if i == 0 else COPY, copied_from=parent) for i, (doc, start, end, parent) in enumerate(members)]
    return ReuseFamily(number, made, made[0], "earliest", [made[0].doc], kind=kind, wire=wire)


def test_the_scorer_on_a_hand_made_scan():
    cases = [
        NewsCase("c1", "copy", (Span("a", 0, 100), Span("b", 50, 150)), parents=(("b", "a"),)),
        NewsCase("c2", "copy", (Span("c", 0, 100), Span("d", 0, 100)), parents=(("d", "c"),)),
        NewsCase("c3", "copy", (Span("h", 0, 100), Span("i", 0, 100)), parents=(("i", "h"),)),
        NewsCase("w1", "wire", (Span("e", 0, 100), Span("f", 0, 100)), agency="AP"),
        NewsCase("f1", "furniture", (Span("a", 200, 260), Span("c", 200, 260), Span("g", 200, 260))),
        NewsCase("q1", "shared-quote", (Span("b", 300, 350), Span("d", 300, 350))),
        NewsCase("s1", "stock-phrase", (Span("a", 400, 440), Span("e", 400, 440))),
    ]
    families = [
        family(0, "copied", ("a", 10, 90, None), ("b", 60, 140, "a")),  # c1, right way round
        family(1, "copied", ("c", 0, 100, "d"), ("d", 0, 100, None)),  # c2, the wrong way round
        family(2, "copied", ("e", 0, 100, None), ("f", 0, 100, None), wire=Wire("AP", "Associated Press", ["e", "f"])),
        family(3, "copied", ("a", 200, 260, None), ("c", 200, 260, "a")),  # furniture called a copy
        family(4, "shared-quote", ("b", 300, 350, None), ("d", 300, 350, None)),
        family(5, "copied", ("x", 0, 50, None), ("y", 0, 50, "x")),  # nothing planted there
        family(6, "copied", ("a", 10, 90, None), ("g", 0, 80, "a")),  # one member on a case: no match
        # Members that run over c's and d's furniture stand for the copy they overlap most.
        family(7, "copied", ("c", 0, 300, None), ("d", 0, 300, "c")),
        family(8, "shared-quote", ("h", 0, 100, None), ("i", 0, 100, None)),  # a copy taken for quotes
    ]
    result = scanned(families, [Boilerplate("G", [("a", 200, 260), ("g", 200, 260)])])
    labels = [NewsCase("l1", "copy", (Span("x", 0, 50), Span("y", 0, 50)))]
    scores = score_news(result, cases, labels)
    by_kind = {k.kind: k for k in scores.kinds}
    copy = by_kind["copy"]
    assert (copy.planted, copy.as_copy, copy.as_other, copy.missed, copy.direction_right, copy.direction_judged) == (3, 2, 1, 0, 1, 2)
    assert (by_kind["wire"].as_copy, by_kind["wire"].direction_right) == (1, 1)
    assert (by_kind["furniture"].as_copy, by_kind["furniture"].as_own, by_kind["furniture"].missed) == (1, 1, 0)
    assert (by_kind["shared-quote"].as_copy, by_kind["shared-quote"].as_own) == (0, 1)
    assert (by_kind["stock-phrase"].as_copy, by_kind["stock-phrase"].as_own, by_kind["stock-phrase"].missed) == (0, 1, 1)
    precision = {p.kind: p for p in scores.precision}
    copied = precision["copied"]
    assert (copied.items, copied.planted, copied.labeled, copied.unlabeled) == (7, {"copy": 3, "wire": 1, "furniture": 1}, {"copy": 1}, 1)
    assert copied.precision == pytest.approx(5 / 6)
    assert copied.estimated == pytest.approx(6 / 7)  # the unlabeled one counts at the hand labels' precision, 1
    assert precision["boilerplate"].precision == 1.0
    assert precision["shared-quote"].planted == {"shared-quote": 1, "copy": 1} and precision["shared-quote"].precision == 0.5
    assert [item.family.id for item in scores.unlabeled] == [6]


def test_a_scan_of_part_of_the_benchmark(dev):
    """A verbatim lift is copied prose from the earlier article, and the scorer, reading the
    scan's own families, says so; a text the benchmark planted nothing in stays unlabeled."""
    lift = next(c for c in dev.cases if c.detail == "lift verbatim")
    wanted = {s.doc for s in lift.spans}
    result = scan([d for d in dev.documents if d.id in wanted], workers=1)
    scores = score_news(result, [lift])
    copy = next(k for k in scores.kinds if k.kind == "copy")
    assert (copy.planted, copy.as_copy, copy.direction_right, copy.direction_judged) == (1, 1, 1, 1)
    assert scores.precision[0].kind == "copied" and scores.precision[0].planted == {"copy": 1}
    assert len(scores.unlabeled) == len(result.families) + len(result.boilerplate) - 1


def test_the_hand_labels_cover_the_text_they_were_made_on(dev):
    path = LABELS / "bbc_news_dev.jsonl"
    labels, stale = read_labels(path, dev.documents)
    assert (len(labels), stale) == (len(path.read_text().splitlines()), 0) and len(labels) >= 90
    assert {label.kind for label in labels} <= set(KINDS) | {"other"}
    assert all(set(json.loads(line)) <= {"label", "spans", "digest", "parents", "what", "seed"} for line in path.read_text().splitlines())
    # Text edited under a label makes it stale.
    first = labels[0].spans[0]
    changed = [replace(d, text=d.text[: first.start] + "x" + d.text[first.start + 1 :]) if d.id == first.doc else d for d in dev.documents]
    assert read_labels(path, changed)[1] == 1


def test_worker_processes_find_the_credits_quotes_and_wire_one_process_finds(dev, monkeypatch):
    """With workers, speech and credit cues are searched for ahead, in the pool, while this process
    weighs the families: the report is the one a single process writes, on text with all of them,
    and this process searches no text itself."""
    from provenance import credit, quotes, workers

    monkeypatch.setattr(workers, "PARALLEL_FROM", 10)
    spawned = []
    real_pool = workers.ProcessPoolExecutor
    monkeypatch.setattr(workers, "ProcessPoolExecutor", lambda count: spawned.append(count) or real_pool(count))
    searched = []
    for module, name in ((credit, "cue_credits"), (quotes, "quotations")):
        found = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *args, found=found, name=name: searched.append(name) or found(*args))
    alone = to_json(scan(dev.documents, workers=1))
    assert {"cue_credits", "quotations"} <= set(searched)
    searched.clear()
    shared = to_json(scan(dev.documents, workers=2))
    assert spawned == [2] and searched == [] and shared == alone
    members = [m for family in alone["clusters"] for m in family["members"]]
    assert {"copied", "shared-quote"} <= {family["kind"] for family in alone["clusters"]}
    assert any(family["wire"] for family in alone["clusters"]) and any(m["credit"] == "credited" for m in members)
