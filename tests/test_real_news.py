"""What is not copying on real news: furniture, an outlet's stock text, common wording, shared quotes.

The corpus is real news: 600 BBC articles (``provenance.bbc_news``, fetched with pip at test time)
given to three outlets, with furniture, stock text, formulas, lifts and quotes planted from
articles the corpus does not hold. How common a wording is, the tests work out for themselves, in
plain Python over the corpus's words.
"""

import re
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from provenance import scan
from provenance.bbc_news import articles
from provenance.check import Policy, check_draft
from provenance.corpus import Document
from provenance.dates import parse_published
from provenance.fingerprint import shingle_hashes
from provenance.frequency import ShingleFrequencies
from provenance.index import Index
from provenance.normalize import tokenize
from provenance.report import render_tables, to_json

OUTLETS = {"business": "Daily Herald", "politics": "Evening Post", "tech": "Morning Tribune"}
DISCLAIMER = "The views expressed in this article are the author's own and do not necessarily reflect the Daily Herald's editorial policy."
EPOCH = datetime(2005, 1, 1, tzinfo=timezone.utc)


def grams(text: str) -> list[tuple[str, ...]]:
    words = tokenize(text).words
    return [tuple(words[i : i + 3]) for i in range(len(words) - 2)]


class Newsroom:
    """Three outlets' stories from BBC articles, and what is planted in them."""

    def __init__(self):
        by_category = defaultdict(list)
        for article in articles():
            by_category[article.category].append(article)
        self.stories = {outlet: by_category[category][:200] for category, outlet in OUTLETS.items()}
        self.spare = by_category["politics"][300:] + by_category["business"][300:]  # never in the corpus
        held = defaultdict(set)
        for stories in self.stories.values():
            for article in stories:
                for gram in set(grams(article.body)):
                    held[gram].add(article.id)
        self.held = {gram: len(ids) for gram, ids in held.items()}
        self.texts = {(outlet, n): [article.title, *article.body.split("\n\n")] for outlet, stories in self.stories.items() for n, article in enumerate(stories)}
        self.extra: list[Document] = []

    def common_share(self, text: str) -> float:
        """The share of a text's 3-word shingles that at least 10 corpus stories hold."""
        found = grams(text)
        return sum(self.held.get(g, 0) >= 10 for g in found) / len(found)

    def windows(self, words: int, keep):
        """Word windows of spare articles' sentences that ``keep`` accepts."""
        for article in self.spare:
            for sentence in re.split(r"(?<=[.!?])\s+", article.body.replace("\n", " ")):
                tokens = sentence.split()
                if len(tokens) >= words and '"' not in sentence:
                    window = " ".join(tokens[:words])
                    if keep(window):
                        yield window

    def insert(self, key, paragraph: str, at: int = 2) -> None:
        self.texts[key].insert(at, paragraph)

    def append(self, key, paragraph: str) -> None:
        self.texts[key].append(paragraph)

    def documents(self) -> list[Document]:
        docs = []
        for (outlet, n), paragraphs in self.texts.items():
            when = (EPOCH + timedelta(days=n, hours=list(OUTLETS.values()).index(outlet))).isoformat()
            docs.append(Document(id=f"{outlet.split()[0].lower()}-{n:03d}", text="\n\n".join(paragraphs), source=outlet, published=parse_published(when)))
        return docs + self.extra


def doc_id(outlet: str, n: int) -> str:
    return f"{outlet.split()[0].lower()}-{n:03d}"


@pytest.fixture(scope="module")
def newsroom():
    room = Newsroom()
    herald, post, tribune = OUTLETS.values()
    for n in range(6):  # the opinion desk: 6 of the Herald's 200 pages, far below any share of them
        room.append((herald, n), DISCLAIMER)
    room.rerun = room.stories[herald][10]
    room.extra.append(Document(id="daily-rerun", text=f"{room.rerun.title}\n\n{room.rerun.body}\n\nThis story was updated on Friday.", source=herald, published=parse_published("2005-06-01")))
    # An update of a Herald story: its middle rewritten, so what the two share is two passages.
    paragraphs = room.stories[herald][12].body.split("\n\n")
    middle = len(paragraphs) // 2
    updated = paragraphs[:middle] + [room.spare[30].body.split("\n\n")[0]] + paragraphs[middle + 1 :]
    room.extra.append(Document(id="daily-update", text=f"{room.stories[herald][12].title}\n\n" + "\n\n".join(updated), source=herald,
                               published=parse_published("2005-06-02")))
    # The Post's background paragraph, in three of its stories on the same subject: those that
    # share the most uncommon wording with the story it comes from.
    source = room.spare[0]
    room.background = background = source.body.split("\n\n")[1]
    rare = {g for g in grams(source.body) if room.held.get(g, 0) < 10}
    room.related = sorted(range(200), key=lambda n: -len(rare & set(grams(room.stories[post][n].body))))[:3]
    for n in room.related:
        room.insert((post, n), background if n != room.related[-1] else background.replace(" the ", " this ", 1), at=3)
    room.formula = next(room.windows(13, lambda w: room.common_share(w) >= 0.3))
    room.insert((herald, 30), room.formula + ".")
    room.insert((post, 30), room.formula + ".")
    room.lift = next(room.windows(15, lambda w: room.common_share(w) <= 0.2))
    room.insert((herald, 50), room.lift + ".")
    room.insert((tribune, 50), room.lift + ".")
    # The most ordinary paragraph of 40-60 words the spare articles have.
    paragraph = max((p for a in room.spare[5:] for p in a.body.split("\n\n") if 40 <= len(p.split()) <= 60 and '"' not in p), key=room.common_share)
    room.ordinary = paragraph
    room.insert((herald, 70), paragraph)
    room.insert((tribune, 70), paragraph)
    room.quote = next(q for a in room.spare for q in re.findall(r'"([^"]{90,220}),"\s+he said\.', a.body))
    room.insert((herald, 80), f'"{room.quote}," the minister said on Monday.')
    room.insert((post, 80), f'Asked about the plans at a news conference, the minister told reporters: "{room.quote}."')
    narrative = room.spare[9].body.split("\n\n")[0]
    room.narrative = narrative
    room.insert((herald, 90), f'{narrative} "{room.quote}," he said.')
    room.insert((tribune, 90), f'{narrative} "{room.quote}," he said.')
    return room


@pytest.fixture(scope="module")
def result(newsroom):
    return scan(newsroom.documents())


def families_with(result, text: str):
    texts = {d.id: d.text for d in result.documents}
    return [f for f in result.families if any(text in texts[m.doc][m.start : m.end] for m in f.members)]


def test_furniture_on_a_few_of_an_outlets_pages_is_boilerplate(newsroom, result):
    (furniture,) = [b for b in result.boilerplate if b.source == "Daily Herald" and len(b.spans) == 6]
    texts = {d.id: d.text for d in result.documents}
    assert {doc for doc, _, _ in furniture.spans} == {doc_id("Daily Herald", n) for n in range(6)}
    # The span is the disclaimer, and at most a few words the pages' last lines share by chance.
    assert all(texts[doc][start:end].endswith(DISCLAIMER) and end - start < len(DISCLAIMER) + 40 for doc, start, end in furniture.spans)
    assert families_with(result, DISCLAIMER[:60]) == []
    # The outlet rerunning a story is still reuse: most of both texts, not furniture.
    (rerun,) = families_with(result, newsroom.rerun.body[:200])
    assert rerun.kind == "copied" and {m.doc for m in rerun.members} == {doc_id("Daily Herald", 10), "daily-rerun"}


def test_an_update_split_into_several_passages_is_still_the_outlets_own_copy(result):
    pair = {doc_id("Daily Herald", 12), "daily-update"}
    families = [f for f in result.families if {m.doc for m in f.members} == pair]
    assert len(families) >= 2 and {f.kind for f in families} == {"copied"}
    assert any(r.doc == "daily-update" and r.reused_chars > 0 for r in result.reuse)


def test_an_outlets_background_paragraph_is_stock_text_not_copying(newsroom, result):
    (family,) = families_with(result, newsroom.background[:80])
    assert family.kind == "stock" and {m.doc for m in family.members} == {doc_id("Evening Post", n) for n in newsroom.related}
    reuse = {r.doc: r for r in result.reuse}
    assert all(reuse[m.doc].reused_chars == 0 for m in family.members)
    assert "Stock text (an outlet repeating its own words, not copied)" in render_tables(result)
    assert {c["kind"] for c in to_json(result)["clusters"] if c["id"] == family.id} == {"stock"}


def test_a_formula_of_common_wording_is_no_evidence_of_copying(newsroom, result):
    assert families_with(result, newsroom.formula[:40]) == []
    texts = {d.id: d.text for d in result.documents}
    (common,) = [c for c in result.common if any(newsroom.formula[:40] in texts[doc][s:e] for doc, s, e in c.spans)]
    assert {doc for doc, _, _ in common.spans} == {doc_id("Daily Herald", 30), doc_id("Evening Post", 30)} and common.evidence < 12
    assert {c["evidence"] for c in to_json(result)["common_wording"]} >= {common.evidence}


def test_unusual_wording_and_long_lifts_of_ordinary_wording_still_count(newsroom, result):
    for text, copy in ((newsroom.lift, "Morning Tribune"), (newsroom.ordinary, "Morning Tribune")):
        (family,) = families_with(result, text[:40])
        assert family.kind == "copied" and family.origin.doc == doc_id("Daily Herald", 50 if text is newsroom.lift else 70)
        assert {m.doc for m in family.members} == {family.origin.doc, doc_id(copy, 50 if text is newsroom.lift else 70)}


def test_one_speaker_quoted_in_each_outlets_words_is_a_shared_quote(newsroom, result):
    quoted = [f for f in families_with(result, newsroom.quote[:60]) if {m.doc for m in f.members} >= {doc_id("Daily Herald", 80), doc_id("Evening Post", 80)}]
    assert quoted and all(f.kind == "shared-quote" for f in quoted)


def test_a_quote_copied_with_the_narrative_around_it_is_copied(newsroom, result):
    (family,) = families_with(result, newsroom.narrative[:60])
    assert family.kind == "copied" and doc_id("Morning Tribune", 90) in {m.doc for m in family.members}
    texts = {d.id: d.text for d in result.documents}
    member = next(m for m in family.members if m.doc == doc_id("Morning Tribune", 90))
    assert newsroom.quote[:60] in texts[member.doc][member.start : member.end]


def test_a_draft_repeating_its_outlets_stock_text_does_not_fail(newsroom, tmp_path):
    archive = [d for d in newsroom.documents() if d.source == "Evening Post"]
    story = newsroom.spare[20].body  # a new story of the Post's own, with its background paragraph
    draft = Document(id="draft", text=f"{story}\n\n{newsroom.background}", source="Evening Post",
                     published=parse_published("2026-01-01T00:00:00Z"))
    with Index(tmp_path / "archive.db") as index:
        index.add(archive)
        report = check_draft(draft, index, Policy())
    assert [p.status for p in report.passages] == ["stock"] and not report.failed


def test_an_index_counts_its_documents_shingles_as_a_scan_does(newsroom, tmp_path):
    docs = newsroom.documents()[:300]
    hashes = [shingle_hashes(tokenize(d.text).words, 3) for d in docs]
    with Index(tmp_path / "archive.db") as index:
        index.add(docs[:200])
        index.add(docs[150:])  # 50 known again, unchanged
        index.add([replace(docs[0], text=docs[1].text)])  # a replaced text: the old one is taken away
        index.remove([docs[2].id])
        counted = index.frequencies()
    hashes[0] = hashes[1]
    del hashes[2]
    expected = ShingleFrequencies().add([(np.concatenate(hashes), np.cumsum([0] + [len(h) for h in hashes]))])
    assert counted.documents == expected.documents == 299 and np.array_equal(counted.counts, expected.counts)


def test_a_check_weighs_wording_by_the_whole_archive(newsroom, tmp_path):
    """A draft sharing the formula and the lift with the archive: the formula is common in the
    archive (not among the draft's few candidates), the lift is not."""
    draft = Document(id="draft", text=f"Our own opening line for this story.\n\n{newsroom.formula}.\n\nAnd then: {newsroom.lift}.\n\nMore later.",
                     source="The Draft", published=parse_published("2026-01-01T00:00:00Z"))
    with Index(tmp_path / "archive.db") as index:
        index.add(newsroom.documents())
        report = check_draft(draft, index, Policy())
    shared = [draft.text[p.start : p.end] for p in report.passages]
    assert any(newsroom.lift[:40] in s for s in shared) and not any(newsroom.formula[:40] in s for s in shared)
