from provenance.align import AlignParams, align_pair, anchors, chain_anchors
from provenance.fingerprint import PassageHasher, fingerprint
from provenance.normalize import tokenize

from conftest import SAMPLES

HASHER = PassageHasher()
PARAMS = AlignParams()
SOURCE = (SAMPLES / "003_9eb559cecdcd9b42.txt").read_text(encoding="utf-8")
WARREN = SOURCE[SOURCE.index("Baghdad-based US") : SOURCE.index("special forces.") + len("special forces.")]
DAVIS = SOURCE[SOURCE.index("\u201cRussian operations") : SOURCE.index("ISIL,\u201d") + 4]


def align(a: str, b: str, params: AlignParams = PARAMS):
    fa = fingerprint(tokenize(a), HASHER, params.shingle_size)
    fb = fingerprint(tokenize(b), HASHER, params.shingle_size)
    return align_pair(0, fa, a, 1, fb, b, params)


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


def test_chains_bridge_small_gaps_but_not_large_ones():
    matches = [(0, 0), (1, 1), (2, 2), (6, 7), (7, 8), (40, 41), (41, 42)]
    chains = chain_anchors(matches, max_gap=8, max_drift=2)
    assert sorted((c.first_i, c.last_i) for c in chains) == [(0, 7), (40, 41)]


def test_repeated_shingles_are_not_anchors():
    fa = fingerprint(tokenize("yes yes yes yes yes yes yes yes no"), HASHER, 3)
    fb = fingerprint(tokenize("yes yes yes no"), HASHER, 3)
    assert anchors(fa.shingles, fb.shingles, max_repeat=4) == [(6, 1)]
