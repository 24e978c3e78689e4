"""Candidate document pairs from LSH banding of passage signatures.

Signatures are cut into bands of two 32-bit rows; a band is then one exact uint64 key, so equal
keys can be found by sorting all keys of a band at once instead of inserting them one by one into a
hash table. Passages that share a key in any band are candidates. Every pair is verified later by
alignment, so this step only has to be cheap and never miss a real copy.

A key shared by many documents (a stock phrase, a wire story reprinted everywhere) would make the
number of pairs grow with the square of its bucket; past ``clique_limit`` documents, a bucket links
each document only to its earliest member, which keeps the work linear and still connects every
copy to the likely origin.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from .fingerprint import Fingerprint

ROWS_PER_BAND = 2


@dataclass(frozen=True)
class CandidatePair:
    first: int  # document indices, first < second
    second: int
    band_hits: int  # how many (band, passage pair) collisions linked the two


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """(n, num_perm) uint32 signatures -> (n, num_perm / 2) uint64 band keys."""
    return np.ascontiguousarray(signatures, dtype=np.uint32).view(np.uint64)


def candidate_pairs(
    fingerprints: list[Fingerprint],
    rank: np.ndarray,
    clique_limit: int = 8,
) -> list[CandidatePair]:
    """Document pairs that share at least one band key.

    ``rank`` orders documents from earliest to latest (undated last); it decides which member of a
    large bucket the others are linked to.
    """
    keys = [band_keys(fp.signatures) for fp in fingerprints if len(fp.signatures)]
    if not keys:
        return []
    all_keys = np.concatenate(keys)
    owner = np.concatenate(
        [np.full(len(fp.signatures), index, dtype=np.int64) for index, fp in enumerate(fingerprints) if len(fp.signatures)]
    )
    hits: Counter[tuple[int, int]] = Counter()
    for band in range(all_keys.shape[1]):
        column = all_keys[:, band]
        order = np.argsort(column, kind="stable")
        sorted_keys = column[order]
        boundaries = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
        run_starts = np.concatenate(([0], boundaries))
        run_ends = np.concatenate((boundaries, [len(sorted_keys)]))
        shared = run_ends - run_starts > 1
        for start, end in zip(run_starts[shared], run_ends[shared]):
            docs = np.unique(owner[order[start:end]])
            if len(docs) < 2:
                continue
            for pair in _bucket_pairs(docs, rank, clique_limit):
                hits[pair] += 1
    return [CandidatePair(a, b, n) for (a, b), n in sorted(hits.items())]


def _bucket_pairs(docs: np.ndarray, rank: np.ndarray, clique_limit: int):
    if len(docs) <= clique_limit:
        for i in range(len(docs)):
            for j in range(i + 1, len(docs)):
                yield int(docs[i]), int(docs[j])
        return
    earliest = int(docs[np.argmin(rank[docs])])
    for doc in docs:
        if doc != earliest:
            yield (min(earliest, int(doc)), max(earliest, int(doc)))
