import numpy as np

from provenance.candidates import _band_links, candidate_pairs, kept_passage_pairs
from provenance.fingerprint import PassageHasher, band_keys
from provenance.signatures import fingerprint_corpus
from provenance.scan import rank_by_time, scan
from provenance.synthetic import planted_corpus


def candidates_of(documents, folder, **options):
    folder.mkdir(exist_ok=True)
    store = fingerprint_corpus([d.text for d in documents], PassageHasher(), 3, folder, chunk_size=64)
    return candidate_pairs(store, rank_by_time(documents), **options)


def test_band_keys_are_exact_pairs_of_rows():
    signatures = np.array([[1, 2, 3, 4], [1, 2, 9, 4]], dtype=np.uint32)
    keys = band_keys(signatures)
    assert keys.shape == (2, 2)
    assert keys[0, 0] == keys[1, 0] and keys[0, 1] != keys[1, 1]


def test_planted_copies_are_candidates_and_few_other_pairs_are(tmp_path):
    documents, truth = planted_corpus(300, copy_rate=0.1, passage_words=12, seed=3)
    index = {d.id: i for i, d in enumerate(documents)}
    pairs = {(p.first, p.second) for p in candidates_of(documents, tmp_path)}
    planted = {tuple(sorted((index[t.copy], index[t.source]))) for t in truth}
    assert len(truth) >= 20
    assert planted <= pairs
    assert len(pairs - planted) < 0.01 * len(documents) * (len(documents) - 1) / 2


def test_without_reuse_chance_pairs_are_rare_and_none_verifies(tmp_path):
    documents, _ = planted_corpus(200, copy_rate=0.0, seed=5)
    pairs = candidates_of(documents, tmp_path)
    assert all(p.first < p.second for p in pairs)
    assert len(pairs) < 20
    assert scan(documents).families == []


def links(column, rank, clique_limit=8):
    """(first, second) document pairs that _band_links makes, one window per document."""
    codes = _band_links(np.array(column, dtype=np.uint64), np.arange(len(column)), np.array(rank), clique_limit)
    return sorted(zip((codes // len(column)).tolist(), (codes % len(column)).tolist()))


def test_large_buckets_link_to_the_earliest_member_only():
    rank = [5, 0, 3, 1, 4, 2, 6, 7, 8, 9]  # document 1 is the earliest
    assert links([7] * 10, rank) == [(0, 1)] + [(1, d) for d in range(2, 10)]
    assert links([7] * 4 + [3] * 2 + [9] * 4, rank) == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3), (4, 5), (6, 7), (6, 8), (6, 9), (7, 8), (7, 9), (8, 9)]
    # Keys that differ only above the bits counted first are still told apart.
    assert links([5, 5 + (1 << 40), 5], rank[:3]) == [(0, 2)]


def test_a_passage_reprinted_everywhere_costs_linear_pairs(tmp_path):
    documents, _ = planted_corpus(60, copy_rate=0.0, seed=9)
    shared = documents[0].text
    for doc in documents[1:]:
        doc.text = doc.text + " " + shared
    pairs = candidates_of(documents, tmp_path, clique_limit=8)
    assert {(0, i) for i in range(1, 60)} <= {(p.first, p.second) for p in pairs}
    assert len(pairs) < 60 * 8


def test_a_band_linked_in_parts_gives_the_same_pairs(tmp_path, monkeypatch):
    from provenance import candidates

    documents, _ = planted_corpus(300, copy_rate=0.2, passage_words=20, seed=8)
    whole = candidates_of(documents, tmp_path / "whole")
    monkeypatch.setattr(candidates, "_PARTED_FROM", 0)
    parted = candidates_of(documents, tmp_path / "parted")
    assert parted == whole and len(whole) > 50


def test_pairs_of_documents_numbered_past_46341_are_found(tmp_path):
    # 46,341 squared passes 2**31: document codes must not overflow 32 bits.
    text = planted_corpus(1, seed=1)[0][0].text
    store = fingerprint_corpus([""] * 49_998 + [text, text], PassageHasher(), 3, tmp_path, chunk_size=10_000)
    pairs = candidate_pairs(store, np.arange(50_000))
    assert [(p.first, p.second) for p in pairs] == [(49_998, 49_999)]


def test_a_focus_gets_the_pairs_that_include_it_as_a_whole_scan_finds_them():
    # Copies, a passage reprinted past the clique limit, undated documents: buckets of every kind.
    documents, _ = planted_corpus(150, copy_rate=0.3, passage_words=20, seed=11)
    for doc in documents[60:80]:
        doc.text = doc.text + " " + documents[3].text
    for doc in documents[::9]:
        doc.published = None
    texts = [d.text for d in documents] + [""]
    store = fingerprint_corpus(texts, PassageHasher(), 3, None)
    rank = rank_by_time(documents + [documents[0]])
    every = candidate_pairs(store, rank)
    for focus in (3, 9, 70, 120, 149):
        found = candidate_pairs(store, rank, focus=focus)
        assert found == [p for p in every if focus in (p.first, p.second)]
    assert {(3, d) for d in range(60, 80)} <= {(p.first, p.second) for p in every}
    assert candidate_pairs(store, rank, focus=150) == []


def test_the_table_that_rules_out_lone_keys_never_hides_a_shared_one(monkeypatch):
    from provenance import candidates

    documents, _ = planted_corpus(400, copy_rate=0.2, passage_words=20, seed=12)
    store = fingerprint_corpus([d.text for d in documents], PassageHasher(), 3, None)
    for band in range(store.bands):
        column = store.band(band)
        values, counts = np.unique(column, return_counts=True)
        repeated = np.isin(column, values[counts > 1])
        maybe = candidates._maybe_shared(column)
        assert maybe[repeated].all()
        assert maybe[~repeated].mean() < 0.3  # most lone keys are ruled out before the sort
    rank, parted_from = rank_by_time(documents), candidates._PARTED_FROM

    def found():  # whole, a band in parts, and around one document
        whole = candidate_pairs(store, rank)
        monkeypatch.setattr(candidates, "_PARTED_FROM", 100)
        parted = candidate_pairs(store, rank)
        monkeypatch.setattr(candidates, "_PARTED_FROM", parted_from)
        return whole, parted, [candidate_pairs(store, rank, focus=focus) for focus in (5, 77, 301)]

    filtered = found()
    monkeypatch.setattr(candidates, "_maybe_shared", lambda keys: np.ones(len(keys), dtype=bool))
    assert found() == filtered and len(filtered[0]) > 50 and filtered[1] == filtered[0]


def test_below_the_threshold_only_the_best_both_documents_have_and_truly_share_is_kept():
    first = np.array([0, 0, 1, 2, 3, 3, 5, 7])
    second = np.array([1, 2, 2, 4, 4, 4, 6, 8])
    estimate = np.array([0.40, 0.25, 0.22, 0.22, 0.28, 0.28, 0.1, 0.27])
    # 0-1 passes; 0-2 is the best of 0 and of 2 below it; 1-2 is not 2's best; 3-4 is both's best,
    # twice over (ties kept), though 2-4 is 2's and not 4's; 5-6 is under the floor; 7-8 is both's
    # best, but its passages truly share less than the floor.
    true_shares = np.array([0.5, 0.3, 0.2, 0.2, 0.25, 0.21, 0.1, 0.12])
    asked = []

    def shares(chosen):
        asked.extend(chosen.tolist())
        return true_shares[chosen]

    kept = kept_passage_pairs(first, second, estimate, 0.3, 0.2, shares)
    assert kept.tolist() == [True, True, False, False, True, True, False, False]
    assert sorted(asked) == [1, 4, 5, 7]  # only mutual bests are looked at again
    asked.clear()
    assert kept_passage_pairs(first, second, estimate, 0.3, None, shares).tolist() == [True] + [False] * 7
    assert asked == []
