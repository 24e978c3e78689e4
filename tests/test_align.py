import math
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from provenance import bbc_news
from provenance.align import AlignParams, PairShingles, _verbatim, align_pairs, chain_anchors
from provenance.candidates import candidate_pairs
from provenance.fingerprint import PassageHasher, fingerprint, shingle_hashes
from provenance.normalize import tokenize
from provenance.signatures import fingerprint_corpus

from conftest import SAMPLES

HASHER = PassageHasher()
PARAMS = AlignParams()
SOURCE = (SAMPLES / "003_9eb559cecdcd9b42.txt").read_text(encoding="utf-8")
WARREN = SOURCE[SOURCE.index("Baghdad-based US") : SOURCE.index("special forces.") + len("special forces.")]
DAVIS = SOURCE[SOURCE.index("\u201cRussian operations") : SOURCE.index("ISIL,\u201d") + 4]


def align(a: str, b: str, params: AlignParams = PARAMS):
    tokens = [tokenize(a), tokenize(b)]
    shingles = {doc: shingle_hashes(t.words, params.shingle_size) for doc, t in enumerate(tokens)}
    return align_pairs([(0, 1)], [a, b], shingles, tokens.__getitem__, params)


def test_verbatim_passage_gets_exact_spans_in_both_texts():
    copy = "An entirely different opening sentence about weather in Paris today. " + WARREN + " Then the writer moves on to sport."
    (found,) = align(SOURCE, copy)
    assert SOURCE[found.first_start : found.first_end] == WARREN
    assert copy[found.second_start : found.second_end] == WARREN
    assert found.similarity == 1.0


def test_word_swap_at_the_edge_does_not_cut_the_sentence():
    spun = WARREN.replace("US military", "USA military")
    copy = "Other news first. " + spun + " Nothing else."
    (found,) = align(SOURCE, copy)
    assert copy[found.second_start : found.second_end] == spun
    assert SOURCE[found.first_start : found.first_end] == WARREN
    assert 0.9 < found.similarity < 1.0


def test_stitched_passages_in_reverse_order_are_found_separately():
    copy = "Intro words of our own here. " + WARREN + " Some glue text written fresh for this. " + DAVIS
    found = sorted(align(SOURCE, copy), key=lambda a: a.second_start)
    assert [copy[f.second_start : f.second_end] for f in found] == [WARREN, DAVIS]
    assert found[0].first_start > found[1].first_start  # reversed order in the source


def test_stock_phrases_are_not_passages():
    a = "Fighting continued in the war-torn country, the Syrian Observatory for Human Rights said on Friday."
    b = "Aid groups in the war-torn country asked for help; the Syrian Observatory for Human Rights counted the dead."
    assert align(a, b) == []


def test_min_words_and_min_similarity_are_the_thresholds():
    sentence = "the committee approved the budget for the new hospital wing after a long debate on tuesday"
    assert len(align(sentence, "Yes. " + sentence, AlignParams(min_words=16))) == 1
    assert align(sentence, "Yes. " + sentence, AlignParams(min_words=17)) == []
    edited = sentence.replace("approved", "passed").replace("long", "short").replace("tuesday", "monday")
    (found,) = align(sentence, edited, AlignParams(min_words=10))
    assert align(sentence, edited, AlignParams(min_words=10, min_similarity=found.similarity + 0.01)) == []
    # Words need only min_similarity; letters (unspaced scripts, the character model) need min_letter_similarity too.
    assert len(align(sentence, edited, AlignParams(min_words=10, min_letter_similarity=found.similarity + 0.01))) == 1
    # A Chinese name in English sentences leaves them to the words' threshold.
    named = "The chairman 王大明 said "
    (found,) = align(named + sentence, named + edited, AlignParams(min_words=10, min_letter_similarity=0.99))
    assert found.similarity < 0.99


def test_chains_bridge_small_gaps_but_not_large_ones():
    matches = [(0, 0), (1, 1), (2, 2), (6, 7), (7, 8), (40, 41), (41, 42)]
    chains = chain_anchors([(i, j, 1) for i, j in matches], max_gap=8, max_drift=2)
    assert sorted((c.first_i, c.last_i) for c in chains) == [(0, 7), (40, 41)]


def test_a_chain_of_letters_may_add_its_short_runs_up_to_a_passage():
    def chain(runs: int, anchors: int):
        [found] = chain_anchors([(at * (anchors + 3), at * (anchors + 3), anchors) for at in range(runs)], max_gap=18, max_drift=6)
        assert found.runs == [(at * (anchors + 3), anchors) for at in range(runs)] and found.longest_run == anchors
        return found

    k, thai = PARAMS.shingle_size, 0.4  # a Thai letter is worth 0.4 words
    # Runs of 4 anchors hold 6 letters (2.4 words): five of them are 12 words, four only 9.6.
    assert _verbatim(chain(5, 4), k, thai, PARAMS)
    assert not _verbatim(chain(4, 4), k, thai, PARAMS)
    # Runs of 2 anchors (4 letters, 1.6 words) count for nothing, however many.
    assert not _verbatim(chain(20, 2), k, thai, PARAMS)
    # Words keep their own rules: twenty runs of 4 words are two runs of three, not of five, and
    # adding them up does not stand in for that.
    assert _verbatim(chain(20, 2), k, 1.0, PARAMS) and chain(20, 2).second_run == 2
    assert not _verbatim(chain(20, 2), k, 1.0, replace(PARAMS, min_second_run=5))
    # Runs that a drift puts side by side share letters, counted once: runs of 12, 12 and 8 letters
    # hold 32 (12.8 words) apart, but 28 (11.2 words) when each starts a letter after the last ends.
    [apart] = chain_anchors([(0, 0, 10), (13, 13, 10), (26, 26, 6)], max_gap=18, max_drift=6)
    assert apart.runs == [(0, 10), (13, 10), (26, 6)] and _verbatim(apart, k, thai, PARAMS)
    [drifted] = chain_anchors([(0, 0, 10), (10, 12, 10), (20, 24, 6)], max_gap=18, max_drift=6)
    assert drifted.runs == [(0, 10), (10, 10), (20, 6)] and not _verbatim(drifted, k, thai, PARAMS)


def test_repeated_shingles_are_not_anchors():
    fa = fingerprint(tokenize("yes yes yes yes yes yes yes yes no"), HASHER, 3)
    fb = fingerprint(tokenize("yes yes yes no"), HASHER, 3)
    shared = PairShingles([(0, 1)], {0: fa.shingles, 1: fb.shingles})
    assert shared.anchor_runs(np.array([True]), max_repeat=4) == [([6], [1], [1])]


def reference_anchors(a: np.ndarray, b: np.ndarray, max_repeat: int) -> list[tuple[int, int]]:
    """Anchors of one pair the plain way: every position of a shared shingle in a, with every
    position of it in b, unless either text repeats it more than max_repeat times."""
    count_a, count_b = Counter(a.tolist()), Counter(b.tolist())
    positions_b: dict[int, list[int]] = {}
    for j, value in enumerate(b.tolist()):
        positions_b.setdefault(value, []).append(j)
    return [
        (i, j)
        for i, value in enumerate(a.tolist())
        if count_a[value] <= max_repeat and count_b[value] <= max_repeat
        for j in positions_b.get(value, [])
    ]


def reference_shares_run(a: np.ndarray, b: np.ndarray, needed: int) -> bool:
    """Whether ``needed`` consecutive shingles of a all occur in b."""
    inside, run = set(b.tolist()), 0
    for value in a.tolist():
        run = run + 1 if value in inside else 0
        if run >= needed:
            return True
    return False


@pytest.fixture(scope="module")
def bbc_pairs(tmp_path_factory):
    """Real news: the BBC articles, their tokens and shingle hashes, the candidate pairs a scan
    aligns among them, and pairs of articles on one beat that a scan would not align."""
    texts = [f"{a.title}\n\n{a.body}" for a in bbc_news.articles()]
    words = [tokenize(text) for text in texts]
    shingles = [shingle_hashes(tokens.words, PARAMS.shingle_size) for tokens in words]
    store = fingerprint_corpus(texts, HASHER, PARAMS.shingle_size, tmp_path_factory.mktemp("signatures"))
    candidates = [(p.first, p.second) for p in candidate_pairs(store, np.arange(len(texts)))]
    picked = np.sort(np.random.default_rng(7).choice(len(texts) - 1, 1000, replace=False))
    neighbours = [(int(doc), int(doc) + 1) for doc in picked]  # articles are in category order
    return texts, words, shingles, candidates, neighbours


def test_anchors_and_runs_found_for_many_pairs_at_once_equal_the_plain_per_pair_ones(bbc_pairs):
    _, _, shingles, candidates, neighbours = bbc_pairs
    pairs = candidates + neighbours
    needed = max(1, math.ceil(min(PARAMS.min_run, PARAMS.min_second_run, PARAMS.min_kept_run)) - PARAMS.shingle_size + 1)
    shared = PairShingles(pairs, shingles)
    runs = shared.shares_run(PARAMS)
    expected_runs = [reference_shares_run(shingles[a], shingles[b], needed) for a, b in pairs]
    assert runs.tolist() == expected_runs
    assert 0.5 < np.mean(expected_runs[: len(candidates)]) and 0 < np.mean(expected_runs[len(candidates) :]) < 0.5
    found = shared.anchor_runs(np.ones(len(pairs), dtype=bool), PARAMS.max_repeat)
    expected = [reference_anchors(shingles[a], shingles[b], PARAMS.max_repeat) for a, b in pairs]
    assert [sorted((i + step, j + step) for i, j, n in zip(*runs) for step in range(n)) for runs in found] == expected
    assert sum(map(len, expected)) > 10 * len(pairs) and sum(len(runs[0]) for runs in found) < sum(map(len, expected)) / 2
    # A run is chained in one step as its anchors are one by one.
    for runs, anchors in zip(found, expected):
        whole = chain_anchors(zip(*runs), PARAMS.max_gap, PARAMS.max_drift)
        one_by_one = chain_anchors([(i, j, 1) for i, j in anchors], PARAMS.max_gap, PARAMS.max_drift)
        assert sorted(map(vars, whole), key=str) == sorted(map(vars, one_by_one), key=str)


def test_pairs_aligned_together_get_what_each_gets_alone(bbc_pairs):
    texts, words, shingles, candidates, _ = bbc_pairs
    pairs = candidates[::3]
    asked = []
    together = align_pairs(pairs, texts, shingles, lambda doc: asked.append(doc) or words[doc], PARAMS)
    assert len(asked) == len(set(asked))  # each document's words asked for once
    alone = [found for pair in pairs for found in align_pairs([pair], texts, shingles, words.__getitem__, PARAMS)]
    assert together == alone and len(together) > 200
