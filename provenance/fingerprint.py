"""Word shingles and MinHash signatures of overlapping passages.

Each word is hashed once with xxh32; the hash of a shingle (k consecutive normalized words) is
mixed from its words' hashes with numpy, for all shingles of a text at once, which costs a fraction
of hashing every shingle's text. Signatures use datasketch's MinHash permutations (scheme
``affine32``), applied to all shingles of a document at once with numpy; a passage's signature is
then the column-wise minimum over its shingles, so the result equals ``datasketch.MinHash`` fed the
same shingle hashes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xxhash

from .arrays import distinct
from .normalize import Tokens

SHINGLE_HASH = "xxh32-words-mix64"
_BLOCKS_AT_ONCE = 4096  # named in an index, whose keys depend on it
# MurmurHash3's 32-bit finalizer, as datasketch applies it before its affine permutations.
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))
# Odd 64-bit constants (xxh64's primes) and the splitmix64 finalizer, for mixing word hashes.
_PRIME = np.uint64(0x9E3779B185EBCA87)
_MIX = (np.uint64(30), np.uint64(0xBF58476D1CE4E5B9), np.uint64(27), np.uint64(0x94D049BB133111EB), np.uint64(31))


_known_words: dict[str, int] = {}  # word -> its hash: most words of a text were seen in earlier ones
KNOWN_WORDS = 1 << 17  # words remembered at most (about 15 MB); then they are forgotten, all at once


def word_hashes(words: list[str]) -> np.ndarray:
    """xxh32 of each word's UTF-8 bytes, as uint64. Each distinct word is hashed once, the first
    time a process sees it, and looked up after that (two thirds of the time for a 400-word text)."""
    global _known_words
    known = _known_words  # another thread may start a new dict: this call keeps its own
    if len(known) >= KNOWN_WORDS:
        known = _known_words = {}
    digest = xxhash.xxh32_intdigest
    for word in set(words).difference(known):
        known[word] = digest(word.encode("utf-8"))
    return np.fromiter(map(known.__getitem__, words), dtype=np.uint64, count=len(words))


def shingle_hashes(words: list[str], k: int) -> np.ndarray:
    """A 32-bit hash of each k-word shingle, as uint32, in text order; a text shorter than k words
    is one shingle. Equal shingles hash equal; the words' order matters."""
    if not words:
        return np.empty(0, dtype=np.uint32)
    h = word_hashes(words)
    count = max(1, len(words) - k + 1)
    mixed = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(min(k, len(words))):
            mixed = (mixed ^ h[offset : offset + count]) * _PRIME
        s1, m1, s2, m2, s3 = _MIX
        mixed ^= mixed >> s1
        mixed *= m1
        mixed ^= mixed >> s2
        mixed *= m2
        mixed ^= mixed >> s3
    return (mixed >> np.uint64(32)).astype(np.uint32)


def affine_permutations(num_perm: int, seed: int) -> np.ndarray:
    """datasketch's ``affine32`` permutation parameters (2, num_perm): odd multipliers a and
    offsets b, drawn as datasketch 2.x draws them, without importing it (0.7 s of scipy)."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([a, b])


def _fmix32(values: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)


class PassageHasher:
    """MinHash signatures for windows of ``window`` shingles taken every ``step`` shingles."""

    def __init__(
        self, num_perm: int = 64, seed: int = 1, window: int = 16, step: int = 4, permutations: np.ndarray | None = None
    ):
        """``permutations`` (2, num_perm) are the affine parameters (a, b); an index passes the ones
        it was built with, so its keys stay valid whatever datasketch version computes new ones."""
        if window % step:
            raise ValueError("window must be a multiple of step")
        self.num_perm = num_perm
        self.seed = seed
        self.window = window
        self.step = step
        if permutations is None:
            permutations = affine_permutations(num_perm, seed)
        self.permutations = np.asarray(permutations, dtype=np.uint32).reshape(2, num_perm)
        self._a, self._b = self.permutations
        self.identity = (window, step, self.permutations.tobytes())  # equal for hashers that sign alike

    def permuted(self, hashes: np.ndarray) -> np.ndarray:
        """(n_shingles, num_perm) permuted hash values; uint32 arithmetic wraps by design."""
        with np.errstate(over="ignore"):
            permuted = _fmix32(hashes.astype(np.uint32))[:, None] * self._a
            permuted += self._b  # in place: one array of n_shingles x num_perm made, not two
            return permuted

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        """The MinHash signature of one set of shingle hashes."""
        return self.permuted(hashes).min(axis=0)

    def window_signatures(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Signatures of overlapping windows and the first shingle index of each window.

        Windows start every ``step`` shingles; the last one runs to the end of the text, and a text
        shorter than one window gets a single signature.
        """
        count = len(hashes)
        if count == 0:
            return np.empty((0, self.num_perm), dtype=np.uint32), np.empty(0, dtype=np.int64)
        block_starts = np.arange(0, count, self.step)
        # Permuted values are (shingles x num_perm): made a slice of whole blocks at a time, so that
        # a very long text never holds them all (a 44 MB text would need 2 GB).
        blocks = np.empty((len(block_starts), self.num_perm), dtype=np.uint32)
        for first in range(0, len(block_starts), _BLOCKS_AT_ONCE):
            part = hashes[first * self.step : (first + _BLOCKS_AT_ONCE) * self.step]
            self._block_minima(self.permuted(part), blocks[first : first + _BLOCKS_AT_ONCE])
        per_window = self.window // self.step
        n_windows = window_count(count, self.window, self.step)
        signatures = blocks[:n_windows].copy()
        for offset in range(1, min(per_window, len(blocks))):
            np.minimum(signatures, blocks[offset : offset + n_windows], out=signatures)
        return signatures, block_starts[:n_windows].astype(np.int64)

    def _block_minima(self, permuted: np.ndarray, into: np.ndarray) -> None:
        """The column-wise minimum of every ``step`` rows (the last block may have fewer), into
        ``into``: the whole blocks as one minimum over a reshaped axis, twice as fast as
        ``np.minimum.reduceat``."""
        whole = len(permuted) // self.step
        permuted[: whole * self.step].reshape(whole, self.step, self.num_perm).min(axis=1, out=into[:whole])
        if len(into) > whole:
            permuted[whole * self.step :].min(axis=0, out=into[whole])


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """(n, num_perm) uint32 signatures -> (n, num_perm / 2) uint64 keys: bands of two rows."""
    return np.ascontiguousarray(signatures, dtype=np.uint32).view(np.uint64)


@dataclass
class Fingerprint:
    """One document's words, the hash of the shingle at each word and the signatures of its passages."""

    tokens: Tokens
    shingles: np.ndarray  # uint32 hash of the shingle starting at each word
    signatures: np.ndarray  # (n_windows, num_perm) uint32
    window_starts: np.ndarray  # first shingle of each window


def window_count(shingles: int, window: int, step: int) -> int:
    """How many passage windows a text of this many shingles has: one every ``step`` shingles,
    ``window`` long, but the last runs to the end of the text (and a short text has one)."""
    return max(1, -(-shingles // step) - window // step + 1)


def passage_of(shingles: np.ndarray, passage: int, window: int, step: int) -> np.ndarray:
    """The shingles that passage number ``passage`` of a text signs (``window_signatures``'s windows)."""
    start = passage * step
    last = window_count(len(shingles), window, step) - 1
    return shingles[start:] if passage == last else shingles[start : start + window]


def shingle_jaccards(firsts: list[np.ndarray], seconds: list[np.ndarray]) -> np.ndarray:
    """For each pair of sets of shingle hashes (uint32), the share of the two that both hold:
    what a MinHash estimates. Every pair at once: one sort of (pair, hash) a side."""
    sides = []
    for sets in (firsts, seconds):
        pair = np.repeat(np.arange(len(sets), dtype=np.uint64), [len(x) for x in sets])
        hashes = np.concatenate([np.asarray(x, dtype=np.uint64) for x in sets] + [np.empty(0, np.uint64)])
        sides.append(distinct(pair << np.uint64(32) | hashes))
    sizes = [np.bincount((side >> np.uint64(32)).astype(np.int64), minlength=len(firsts)) for side in sides]
    both = np.bincount((np.intersect1d(*sides, assume_unique=True) >> np.uint64(32)).astype(np.int64), minlength=len(firsts))
    return both / np.maximum(1, sizes[0] + sizes[1] - both)


def fingerprint(tokens: Tokens, hasher: PassageHasher, shingle_size: int) -> Fingerprint:
    shingles = shingle_hashes(tokens.words, shingle_size)
    signatures, starts = hasher.window_signatures(shingles)
    return Fingerprint(tokens, shingles, signatures, starts)
