"""How common each wording is: the number of documents of a corpus that hold each shingle.

Counts are kept per bucket of the shingle hash (its top ``BITS`` bits), 16 MB whatever the corpus
size, and each document counts once per bucket. Two shingles in one bucket add up, so a count can
only be too high: a rare shingle may read as more common than it is, never the reverse. At one
million 400-word documents that noise is about 100 documents a bucket, a twentieth of what
``provenance.evidence`` calls common at that size.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np

from .corpus import Document
from .fingerprint import shingle_hashes
from .normalize import Reading, Tokens, WordCount, tokenize, word_count

BITS = 22
_SHIFT = np.uint32(32 - BITS)
_FLUSH = 1 << 23  # bucket numbers gathered before they are counted into the table


@dataclass
class ShingleFrequencies:
    """Documents per shingle bucket, over ``documents`` documents."""

    counts: np.ndarray = field(default_factory=lambda: np.zeros(1 << BITS, dtype=np.uint32))
    documents: int = 0

    def add(self, chunks: Iterable[tuple[np.ndarray, np.ndarray]]) -> "ShingleFrequencies":
        """Count documents given as chunks of (shingle hashes end to end, each document's start
        and the end), as the signature store keeps them."""
        pending: list[np.ndarray] = []
        size = 0
        for shingles, bounds in chunks:
            buckets = document_buckets(shingles, bounds)
            pending.append(buckets)
            size += len(buckets)
            self.documents += len(bounds) - 1
            if size >= _FLUSH:
                self._count(pending)
                pending, size = [], 0
        self._count(pending)
        return self

    def add_counts(self, counts: np.ndarray, documents: int) -> None:
        """Add a table counted elsewhere (by an engine's workers): documents per bucket, over ``documents``."""
        self.counts += counts.astype(np.uint32, copy=False)
        self.documents += documents

    def _count(self, pending: list[np.ndarray]) -> None:
        if pending:
            self.counts += np.bincount(np.concatenate(pending), minlength=len(self.counts)).astype(np.uint32)

    def common_at(self, share: float, least: int) -> float:
        """The document count from which a shingle is common: ``share`` of the corpus, at least ``least``."""
        return max(least, share * self.documents)

    def of_buckets(self, buckets: np.ndarray) -> np.ndarray:
        """How many documents hold a shingle of each of these buckets (``bucket_of``); at most as
        many hold the shingle itself."""
        return self.counts[buckets].astype(np.int64)


def bucket_of(shingles: np.ndarray) -> np.ndarray:
    """The bucket of each shingle hash."""
    return (shingles >> _SHIFT).astype(np.int64)


def document_buckets(shingles: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """The distinct buckets of each document, end to end: a document counts once per bucket."""
    if len(shingles) == 0:
        return np.empty(0, dtype=np.int64)
    owner = np.repeat(np.arange(len(bounds) - 1, dtype=np.uint64), np.diff(bounds))
    keyed = (owner << np.uint64(32)) | bucket_of(shingles).astype(np.uint64)
    keyed.sort()
    first = np.empty(len(keyed), dtype=bool)
    first[0] = True
    np.not_equal(keyed[1:], keyed[:-1], out=first[1:])
    return (keyed[first] & np.uint64(0xFFFFFFFF)).astype(np.int64)


class DocumentShingles:
    """The words and shingle buckets of the documents that families hold, each text tokenized once
    for all the stages that weigh them: read from ``stored(doc)`` (tokens and shingle hashes, as a
    scan's fingerprinting kept them) when given, else tokenized here."""

    def __init__(
        self, documents: list[Document], shingle_size: int, stored: Callable[[int], tuple[Tokens, np.ndarray]] | None = None,
        reading: Reading = Reading(),
    ):
        self.documents = documents
        self.shingle_size = shingle_size
        self.reading = reading
        self._stored = stored
        self._kept: dict[int, tuple[Tokens, np.ndarray]] = {}
        self._counts: dict[int, WordCount] = {}

    def of(self, doc: int) -> tuple[Tokens, np.ndarray]:
        if doc not in self._kept:
            if self._stored is not None:
                tokens, hashes = self._stored(doc)
            else:
                tokens = tokenize(self.documents[doc].text, *self.reading)
                hashes = shingle_hashes(tokens.words, self.shingle_size)
            # Kept for the scan's later stages: a word repeated across texts is kept once (a
            # family's members share most of theirs), which more than halves what texts kept cost.
            self._kept[doc] = Tokens(list(map(sys.intern, tokens.words)), tokens.starts, tokens.ends, tokens.chars), bucket_of(hashes)
        return self._kept[doc]

    def words_in(self, doc: int, start: int, end: int) -> float:
        """Words' worth (``normalize.WordCount``) of the tokens that overlap [start, end)."""
        return self.word_count(doc).of(*self._overlapping(doc, start, end))

    def word_density(self, doc: int, start: int, end: int) -> float:
        """Words' worth of a token, on average, over the tokens that overlap [start, end)."""
        count = self.word_count(doc)
        return 1.0 if count.cumulative is None else count.density(*self._overlapping(doc, start, end))

    def _overlapping(self, doc: int, start: int, end: int) -> tuple[int, int]:
        """The first and past-the-last tokens that overlap [start, end)."""
        tokens = self.of(doc)[0]
        return int(np.searchsorted(tokens.ends, start, side="right")), int(np.searchsorted(tokens.starts, end, side="left"))

    def word_count(self, doc: int) -> WordCount:
        if doc not in self._counts:
            self._counts[doc] = word_count(self.of(doc)[0])
        return self._counts[doc]

    def inside(self, doc: int, start: int, end: int) -> np.ndarray:
        """The buckets of the shingles that lie wholly inside [start, end) of a document."""
        first, stop = self._overlapping(doc, start, end)
        return self.of(doc)[1][first : max(first, stop - self.shingle_size + 1)]

    def outside(self, doc: int, start: int, end: int) -> np.ndarray:
        """The buckets of the shingles that do not overlap [start, end)."""
        buckets = self.of(doc)[1]
        first, stop = self._overlapping(doc, start, end)
        return np.concatenate([buckets[: max(0, first - self.shingle_size + 1)], buckets[stop:]])
