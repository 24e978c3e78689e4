from pathlib import Path

import numpy as np

from provenance.arrays import distinct
from provenance.fingerprint import shingle_hashes
from provenance.normalize import tokenize


def test_distinct_integers_are_those_numpy_finds():
    """On the shingle hashes of real text, and on the shapes and types the stages pass: each
    distinct value once, ascending, in the input's type."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(Path(__file__).parents[1].joinpath("samples").glob("*.txt")))
    hashes = shingle_hashes(tokenize(text).words, 3)
    keys = hashes.astype(np.uint64) << np.uint64(32) | hashes[::-1].astype(np.uint64)
    for values in (hashes, hashes.astype(np.int32), keys, keys.view(np.int64), np.repeat(hashes[:50], 3).reshape(-1, 3), hashes[:0]):
        found = distinct(values)
        assert found.dtype == values.dtype and np.array_equal(found, np.unique(values))
    assert len(distinct(np.concatenate([hashes, hashes]))) == len(set(hashes.tolist())) < len(hashes) * 2
