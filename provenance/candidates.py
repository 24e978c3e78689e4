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
from itertools import repeat
from typing import Callable
import numpy as np

from .arrays import distinct
from .fingerprint import passage_of, shingle_jaccards
from .signatures import SignatureStore, band_agreement, read_shingles
from .workers import Mapper


MIN_ESTIMATE = 0.15  # share of signature rows two passages must agree on to be a candidate pair


@dataclass(frozen=True)
class CandidatePair:
    first: int  # document indices, first < second
    second: int
    passage_pairs: int  # how many passage pairs of the two documents look alike


def document_keys(keys: np.ndarray, bands: int) -> np.ndarray:
    """The distinct keys of a document's passages (``band_keys``) in its first ``bands`` bands, as int64."""
    return distinct(keys[:, :bands]).view(np.int64)


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
        found.append(distinct(owner[codes // len(owner)] * len(keys) + owner[codes % len(owner)]))
    pairs = distinct(np.concatenate(found))
    return pairs // len(keys), pairs % len(keys)


def candidate_pairs(
    store: SignatureStore,
    rank: np.ndarray,
    clique_limit: int = 8,
    min_estimate: float = MIN_ESTIMATE,
    map: Mapper = map,
    focus: int | None = None,
    near_estimate: float | None = None,
) -> list[CandidatePair]:
    """Document pairs with at least one pair of passages that collide in a band and whose
    signatures agree on at least ``min_estimate`` of their rows (or, below it, on ``near_estimate``
    where that pair is the best both documents have and truly shares as much: ``kept_passage_pairs``).

    ``rank`` orders documents from earliest to latest (undated last); it decides which member of a
    large bucket the others are linked to. Bands are independent: ``map`` may spread them over
    processes. With ``focus`` (a document), only the pairs that include it, found without linking
    the others; below ``min_estimate``, a document's best is then its best with the focus, so a
    focus may keep a pair of documents that the whole corpus's bests would not (never the reverse).
    """
    owner = store.owner().astype(np.int64)  # document codes below are products of two documents
    n_windows, n_docs = len(owner), store.documents
    if n_windows == 0:
        return []
    if focus is None:
        links = list(map(_links_of_band, repeat(store), range(store.bands), repeat(rank), repeat(clique_limit)))
    else:
        links = [_focus_links(store, rank, clique_limit, focus)]
    codes = distinct(np.concatenate(links))
    first, second = codes // n_windows, codes % n_windows
    groups = [list(range(start, store.bands, 4)) for start in range(min(4, store.bands))]
    agree = sum(map(_agreement_of_bands, repeat(store), groups, repeat(first), repeat(second)))
    estimate = np.asarray(agree) / (2 * store.bands)

    def shares(chosen: np.ndarray) -> np.ndarray:
        return passage_pair_shares(store, owner, first[chosen], second[chosen])

    alike = kept_passage_pairs(owner[first], owner[second], estimate, min_estimate, near_estimate, shares)
    doc_codes = owner[first[alike]] * n_docs + owner[second[alike]]
    linked, counts = np.unique(doc_codes, return_counts=True)
    return [CandidatePair(int(c // n_docs), int(c % n_docs), int(n)) for c, n in zip(linked, counts)]


def kept_passage_pairs(
    first: np.ndarray,
    second: np.ndarray,
    estimate: np.ndarray,
    min_estimate: float,
    near_estimate: float | None,
    shared_share: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """Which passage pairs (of documents ``first`` and ``second``, whose signatures agree on
    ``estimate`` of their rows; each pair once) are candidates: those at ``min_estimate``, and,
    with ``near_estimate``, those below it but at ``near_estimate`` whose estimate is the best that
    both of its documents have below it (ties all kept) and whose share of shingles truly shared
    (``shared_share`` of the indices of such pairs) is at ``near_estimate`` too.

    A heavily edited sentence stitched into other text, read by OCR'd letters, agrees less than
    copies do and often more than anything else either document shares. Each document's best alone
    would pair every document with some other; mutual bests still pair most documents by chance
    (32 rows estimate a share of 0.3 to within 0.08), and their true shares tell them apart."""
    alike = estimate >= min_estimate
    if near_estimate is None:
        return alike
    near = np.flatnonzero(~alike & (estimate >= near_estimate))
    if len(near) == 0:
        return alike
    a, b, value = first[near], second[near], estimate[near]
    documents, index = np.unique(np.concatenate((a, b)), return_inverse=True)
    best = np.zeros(len(documents))
    np.maximum.at(best, index, np.concatenate((value, value)))
    mutual = near[(value == best[index[: len(near)]]) & (value == best[index[len(near) :]])]
    if len(mutual):
        alike[mutual[shared_share(mutual) >= near_estimate]] = True
    return alike


def passage_pair_shares(store: SignatureStore, owner: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The share of their shingles that each pair of passages (numbered over the corpus, whose
    documents are ``owner``) shares. Each document's shingles are read once."""
    passages = np.concatenate((first, second))
    numbers = passages - np.searchsorted(owner, owner[passages])
    held = {doc: read_shingles(store.locate(doc)) for doc in distinct(owner[passages]).tolist()}
    cut = [passage_of(held[int(owner[p])], int(n), store.window, store.step) for p, n in zip(passages, numbers)]
    return shingle_jaccards(cut[: len(first)], cut[len(first) :])


def _links_of_band(store: SignatureStore, band: int, rank: np.ndarray, clique_limit: int) -> np.ndarray:
    return _band_links(store.band(band), store.owner(), rank, clique_limit)


_FILTER_BITS = 12  # a table of 4,096 flags: the 250 keys a band of a 1,000-word draft set 6% of them
_FILTER_MASK = np.uint64((1 << _FILTER_BITS) - 1)


def _focus_links(store: SignatureStore, rank: np.ndarray, clique_limit: int, focus: int) -> np.ndarray:
    """The window pairs ``_band_links`` finds in any band that include a window of document ``focus``.

    Only entries with a key that one of its windows has in the same band can share its bucket.
    Linked alone, they make the same buckets, each document in the same window (the first with
    that key: an entry is only ever dropped for an earlier one of its document with the same key).
    So each of them gets the number of its key among the focus's keys of all bands, and all bands
    are linked in one step on those numbers.
    """
    owner = store.owner()
    mine = slice(np.searchsorted(owner, focus, "left"), np.searchsorted(owner, focus, "right"))
    windows, buckets, numbered = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)], 0
    for band in range(store.bands if mine.start < mine.stop else 0):
        column = store.band(band)
        keys = distinct(column[mine])
        # The keys' low bits rule most entries out before the search that numbers the rest.
        low = np.zeros(1 << _FILTER_BITS, dtype=bool)
        low[keys & _FILTER_MASK] = True
        maybe = np.flatnonzero(low[column & _FILTER_MASK])
        number = np.searchsorted(keys, column[maybe]).clip(max=len(keys) - 1)
        shared = keys[number] == column[maybe]
        windows.append(maybe[shared])
        buckets.append(numbered + number[shared])
        numbered += len(keys)
    windows, buckets = np.concatenate(windows), np.concatenate(buckets)
    # Bands one after another: owner ascends within each bucket, which is what linking needs.
    first, second = bucket_links(buckets, owner[windows], rank, clique_limit)
    first, second = windows[first], windows[second]
    theirs = (owner[first] == focus) | (owner[second] == focus)
    return first[theirs] * len(owner) + second[theirs]


def _agreement_of_bands(store: SignatureStore, bands: list[int], first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Rows on which each passage pair agrees, over the given bands (at most 64: uint8 holds it)."""
    return sum((band_agreement(store, band, first, second) for band in bands), np.zeros(len(first), dtype=np.uint8))


def _band_links(column: np.ndarray, owner: np.ndarray, rank: np.ndarray, clique_limit: int) -> np.ndarray:
    """Window pairs (as first * n_windows + second, first in the lower document) sharing a key.
    ``owner`` (the document of each window) must ascend.

    Equal keys have equal low bits, so a large band is linked in 16 parts by its keys' four lowest
    bits (the top ones are mostly zero: a key is made of minimum hash values). Sorting a part at a
    time runs faster in cache and in a fraction of the memory: at 6.3 million windows, 0.8 s and
    130 MB a band instead of 1.7 s and 390 MB.
    """
    n_windows = len(column)
    if n_windows <= _PARTED_FROM:
        first, second = bucket_links(column, owner, rank, clique_limit)
        return first * n_windows + second
    low = (column & np.uint64((1 << _PART_BITS) - 1)).astype(np.uint8)
    links = [np.empty(0, dtype=np.int64)]
    for part in range(1 << _PART_BITS):
        windows = np.flatnonzero(low == part)
        first, second = bucket_links(column[windows], owner[windows], rank, clique_limit)
        links.append(windows[first] * n_windows + windows[second])
    return np.concatenate(links)


_PART_BITS = 4
_PARTED_FROM = 1 << 18  # windows: below, a band sorts in cache whole


_ODD = np.uint64(0x9E3779B97F4A7C15)  # multiplying by it mixes every bit of a key into the top ones


def _maybe_shared(keys: np.ndarray) -> np.ndarray:
    """Whether each key may occur twice: keys are counted by a hash of both rows (neighbouring
    windows often share one row) in a table four times their number, and a key alone in its cell
    is alone. Most keys are, so the sort after sees a fraction of them."""
    bits = int(np.clip(np.ceil(np.log2(max(len(keys), 1) * 4)), 10, 24))
    with np.errstate(over="ignore"):
        cells = ((keys.astype(np.uint64, copy=False) * _ODD) >> np.uint64(64 - bits)).astype(np.intp)
    return np.bincount(cells, minlength=1 << bits)[cells] > 1


def bucket_links(column: np.ndarray, owner: np.ndarray, rank: np.ndarray, clique_limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions (first in the lower document, second) of entries sharing a key; ``owner`` ascends."""
    # Overlapping windows of one document often share a key: a window repeating its predecessor's
    # is dropped before sorting (a third of them), the rest after.
    repeats = np.zeros(len(column), dtype=bool)
    repeats[1:] = (column[1:] == column[:-1]) & (owner[1:] == owner[:-1])
    kept = np.flatnonzero(~repeats)
    kept = kept[_maybe_shared(column[kept])]
    # A stable sort keeps the documents of one key ascending, as they came.
    order = kept[np.argsort(column[kept], kind="stable")]
    keys, docs = column[order], owner[order]
    fresh = np.ones(len(order), dtype=bool)
    fresh[1:] = (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])
    keys, docs, positions = keys[fresh], docs[fresh], order[fresh]
    run_starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    sizes = np.diff(np.concatenate((run_starts, [len(keys)])))
    firsts, seconds = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)]
    # Buckets of one size at a time, all of them in one vectorized step.
    for size in distinct(sizes[sizes > 1]).tolist():
        members = run_starts[sizes == size][:, None] + np.arange(size)  # (buckets, size) positions
        if size <= clique_limit:
            i, j = np.triu_indices(size, k=1)
            a, b = members[:, i].ravel(), members[:, j].ravel()
        else:  # each member to the bucket's earliest document only
            earliest = members[np.arange(len(members)), rank[docs[members]].argmin(axis=1)]
            a, b = np.repeat(earliest, size), members.ravel()
            a, b = a[a != b], b[a != b]
        low_doc_first = docs[a] < docs[b]
        firsts.append(positions[np.where(low_doc_first, a, b)])
        seconds.append(positions[np.where(low_doc_first, b, a)])
    return np.concatenate(firsts), np.concatenate(seconds)
