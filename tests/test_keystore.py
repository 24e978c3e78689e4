import sqlite3
from collections import Counter

import numpy as np
import pytest

from provenance import keystore
from provenance.keystore import BLOCK, FANOUT, KeyStore


@pytest.fixture
def store():
    db = sqlite3.connect(":memory:", isolation_level=None)
    for statement in keystore.SCHEMA:
        db.execute(statement)
    yield KeyStore(db)
    db.close()


def expected(pairs: list[tuple[int, int]], probe, removed=()) -> Counter:
    wanted = set(probe)
    return Counter(doc for key, doc in pairs if key in wanted and doc not in removed)


def test_lookups_equal_a_plain_search_through_merges_and_removals(store):
    rng = np.random.default_rng(3)
    pairs: list[tuple[int, int]] = []
    doc = 0
    for _ in range(2 * FANOUT * FANOUT):
        keys, docs = [], []
        for _ in range(40):
            doc += 1
            # A small key space makes runs of equal keys that span several blocks.
            own = np.unique(rng.integers(-(2**62), 2**62, 30).tolist() + rng.integers(0, 50, 5).tolist())
            keys.append(own)
            docs.append(np.full(len(own), doc))
        keys, docs = np.concatenate(keys), np.concatenate(docs)
        pairs += list(zip(keys.tolist(), docs.tolist()))
        store.write(keys, docs)
        store.merge()
    # Levels merged as they filled: 32 batches of one level are now two segments of the second.
    assert store.segments() == 2 and store.pairs() == len(pairs)
    assert len(pairs) > 4 * BLOCK
    probe = [key for key, _ in pairs[::97]] + list(range(50)) + [12345678901]
    assert Counter(store.lookup(np.array(probe)).tolist()) == expected(pairs, probe)

    removed = {5, 6, 700}
    store.remove(sorted(removed))
    assert Counter(store.lookup(np.array(probe)).tolist()) == expected(pairs, probe, removed)


def test_a_merge_drops_the_pairs_of_removed_documents(store):
    for batch in range(FANOUT):
        store.write(np.arange(100) * 10 + batch, np.arange(100) + 1000 * batch)
        if batch == 1:
            store.remove([1005, 1006])
        assert store.merge() == (1 if batch == FANOUT - 1 else 0)
    assert store.segments() == 1 and store.pairs() == 100 * FANOUT - 2
    assert sorted(store.lookup(np.array([51, 61, 71])).tolist()) == [1007]


def test_a_merge_never_grows_a_segment_past_the_cap(store, monkeypatch):
    monkeypatch.setattr(keystore, "MAX_SEGMENT_KEYS", 3 * 100)
    for batch in range(FANOUT):
        store.write(np.arange(100) * 10 + batch, np.full(100, batch))
        assert store.merge() == 0
    assert store.segments() == FANOUT
    assert sorted(store.lookup(np.array([0, 1, 2, 3, 993])).tolist()) == [0, 1, 2, 3, 3]


def test_an_empty_store_finds_nothing(store):
    assert len(store.lookup(np.array([1, 2, 3]))) == 0
    store.write(np.array([], dtype=np.int64), np.array([], dtype=np.int64))
    assert store.segments() == 0 and store.merge() == 0


def test_lookups_follow_merges_and_read_segments_of_any_block_size(store, monkeypatch):
    rng = np.random.default_rng(5)
    pairs: list[tuple[int, int]] = []
    for batch in range(2 * FANOUT):
        # The first segments as an index written with blocks of 1,024 pairs has them.
        monkeypatch.setattr(keystore, "BLOCK", 1024 if batch < FANOUT else BLOCK)
        keys = np.concatenate([rng.integers(-(2**62), 2**62, 3000), rng.integers(0, 40, 500)])
        docs = rng.integers(1, 300, len(keys))
        pairs += list(zip(keys.tolist(), docs.tolist()))
        store.write(keys, docs)
        probe = [key for key, _ in pairs[::50]] + list(range(40))
        # Each lookup sees the segments of the last merge, whose fences it has not read before.
        assert Counter(store.lookup(np.array(probe)).tolist()) == expected(pairs, probe)
        store.merge()
    assert store.segments() == 2
