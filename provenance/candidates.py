"""Candidate document pairs from LSH banding of passage signatures.

Signatures are cut into bands of two 32-bit rows; a band is then one exact uint64 key, so equal
keys can be found by sorting all keys of a band at once instead of inserting them one by one into a
hash table. Passages that share a key in any band are candidates if their whole signatures agree
often enough (the estimated Jaccard similarity): one shared common phrase makes passages collide
now and then, a copied sentence makes them agree on many rows. The document pairs that remain are
verified by alignment, so this step only has to be cheap and never miss a real copy.

A key shared by many documents (a stock phrase, a wire story reprinted everywhere) would make the
number of pairs grow with the square of its bucket; past ``clique_limit`` documents, a bucket links
each document only to its earliest member, which keeps the work linear and still connects every
copy to the likely origin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .fingerprint import Fingerprint


@dataclass(frozen=True)
class CandidatePair:
    first: int  # document indices, first < second
    second: int
    passage_pairs: int  # how many passage pairs of the two documents look alike


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """(n, num_perm) uint32 signatures -> (n, num_perm / 2) uint64 band keys."""
    return np.ascontiguousarray(signatures, dtype=np.uint32).view(np.uint64)


def document_keys(signatures: np.ndarray, bands: int) -> np.ndarray:
    """The distinct keys of a document's passages in its first ``bands`` bands, as int64."""
    return np.unique(band_keys(signatures)[:, :bands]).view(np.int64)


def shared_key_pairs(keys: list[np.ndarray], rank: np.ndarray, clique_limit: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Document pairs (first < second, as index arrays) whose passages share a key in some band,
    from each document's (passages, bands) band keys. Band by band, so that memory holds the keys
    of one band at a time; a bucket of more than ``clique_limit`` documents links each to its
    earliest by ``rank`` only."""
    owner = np.concatenate([np.full(len(k), index, dtype=np.int64) for index, k in enumerate(keys)] + [np.empty(0, np.int64)])
    if len(owner) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    bands = next(k.shape[1] for k in keys if len(k))
    found = []
    for band in range(bands):
        column = np.concatenate([k[:, band] for k in keys])
        codes = _band_links(column, owner, rank, clique_limit)
        found.append(np.unique(owner[codes // len(owner)] * len(keys) + owner[codes % len(owner)]))
    pairs = np.unique(np.concatenate(found))
    return pairs // len(keys), pairs % len(keys)


def candidate_pairs(
    fingerprints: list[Fingerprint],
    rank: np.ndarray,
    clique_limit: int = 8,
    min_estimate: float = 0.15,
) -> list[CandidatePair]:
    """Document pairs with at least one pair of passages that collide in a band and whose
    signatures agree on at least ``min_estimate`` of their rows.

    ``rank`` orders documents from earliest to latest (undated last); it decides which member of a
    large bucket the others are linked to.
    """
    with_windows = [(index, fp) for index, fp in enumerate(fingerprints) if len(fp.signatures)]
    if not with_windows:
        return []
    signatures = np.concatenate([fp.signatures for _, fp in with_windows])
    owner = np.concatenate([np.full(len(fp.signatures), index, dtype=np.int64) for index, fp in with_windows])
    keys = band_keys(signatures)
    links = [_band_links(keys[:, band], owner, rank, clique_limit) for band in range(keys.shape[1])]
    n_windows = len(signatures)
    codes = np.unique(np.concatenate(links))
    first, second = codes // n_windows, codes % n_windows
    alike = _agreement(signatures, first, second) >= min_estimate
    doc_codes = owner[first[alike]] * len(fingerprints) + owner[second[alike]]
    linked, counts = np.unique(doc_codes, return_counts=True)
    return [
        CandidatePair(int(c // len(fingerprints)), int(c % len(fingerprints)), int(n)) for c, n in zip(linked, counts)
    ]


def _band_links(column: np.ndarray, owner: np.ndarray, rank: np.ndarray, clique_limit: int) -> np.ndarray:
    """Window pairs (as first * n_windows + second, first in the lower document) sharing a key.
    ``owner`` (the document of each window) must ascend."""
    n_windows = len(column)
    # A stable sort keeps the documents of one key ascending, as they came.
    order = np.argsort(column, kind="stable")
    keys, docs = column[order], owner[order]
    # Overlapping windows of one document often share a key; keep one window per document and key.
    fresh = np.ones(len(order), dtype=bool)
    fresh[1:] = (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])
    keys, docs, windows = keys[fresh], docs[fresh], order[fresh]
    run_starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    sizes = np.diff(np.concatenate((run_starts, [len(keys)])))
    links = [np.empty(0, dtype=np.int64)]
    # Buckets of one size at a time, all of them in one vectorized step.
    for size in np.unique(sizes[sizes > 1]).tolist():
        members = run_starts[sizes == size][:, None] + np.arange(size)  # (buckets, size) positions
        if size <= clique_limit:
            i, j = np.triu_indices(size, k=1)
            a, b = members[:, i].ravel(), members[:, j].ravel()
        else:  # each member to the bucket's earliest document only
            earliest = members[np.arange(len(members)), rank[docs[members]].argmin(axis=1)]
            a, b = np.repeat(earliest, size), members.ravel()
            a, b = a[a != b], b[a != b]
        low_doc_first = docs[a] < docs[b]
        first, second = windows[np.where(low_doc_first, a, b)], windows[np.where(low_doc_first, b, a)]
        links.append(first * n_windows + second)
    return np.concatenate(links)


def _agreement(signatures: np.ndarray, first: np.ndarray, second: np.ndarray, chunk: int = 65536) -> np.ndarray:
    """Share of equal rows between signature pairs: the MinHash estimate of Jaccard similarity."""
    out = np.empty(len(first), dtype=np.float32)
    for start in range(0, len(first), chunk):
        stop = start + chunk
        out[start:stop] = (signatures[first[start:stop]] == signatures[second[start:stop]]).mean(axis=1)
    return out
