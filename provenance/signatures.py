"""The window signatures of a whole corpus, kept on disk one band after another.

A scan needs every passage's signature twice: to find passages whose band keys collide, one band at
a time, and to count how many rows two colliding passages agree on. Held in memory they would cost
256 bytes a passage (2.5 GB for 100,000 articles), more than the texts themselves. So each chunk of
documents is fingerprinted (in a worker process) into a file of its own, band-major: the keys of
band 0 of all its passages, then band 1, and so on. A band of the whole corpus is then a few reads
of contiguous bytes, and memory holds one band at a time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import numpy as np

from .fingerprint import PassageHasher, band_keys, fingerprint
from .normalize import tokenize

_KEY = np.dtype("<u8")


@dataclass
class Chunk:
    path: str
    windows: int  # passages (signature rows) in the chunk


@dataclass
class SignatureStore:
    """Chunks of band-major band keys; ``counts`` holds the passages of each document, in order."""

    bands: int
    chunks: list[Chunk] = field(default_factory=list)
    counts: list[np.ndarray] = field(default_factory=list)

    def add(self, chunk: Chunk, counts: np.ndarray) -> None:
        self.chunks.append(chunk)
        self.counts.append(counts)

    @property
    def documents(self) -> int:
        return sum(len(c) for c in self.counts)

    def owner(self) -> np.ndarray:
        """The document of each passage, ascending."""
        counts = np.concatenate(self.counts + [np.empty(0, dtype=np.int64)])
        return np.repeat(np.arange(len(counts)), counts)

    def band(self, band: int) -> np.ndarray:
        """The keys of one band for every passage of the corpus, in document order."""
        keys = np.empty(sum(chunk.windows for chunk in self.chunks), dtype=_KEY)
        at = 0
        for chunk in self.chunks:
            with open(chunk.path, "rb", buffering=0) as stream:
                stream.seek(band * chunk.windows * _KEY.itemsize)
                stream.readinto(memoryview(keys[at : at + chunk.windows]).cast("B"))
            at += chunk.windows
        return keys


def fingerprint_corpus(
    texts: list[str], hasher: PassageHasher, shingle_size: int, directory: Path, map=map, chunk_size: int = 256, progress=None
) -> SignatureStore:
    """Fingerprint every text into chunk files in ``directory``; ``map`` may be a process pool's.
    ``progress(done, total)`` is called as chunks are done."""
    store = SignatureStore(hasher.num_perm // 2)
    starts = range(0, len(texts), chunk_size)
    paths = [directory / f"signatures-{number:06d}.bin" for number in range(len(starts))]
    chunks = [texts[start : start + chunk_size] for start in starts]
    done = 0
    for (chunk, counts), texts_done in zip(map(write_chunk, paths, chunks, repeat(hasher), repeat(shingle_size)), chunks):
        store.add(chunk, counts)
        done += len(texts_done)
        if progress:
            progress(done, len(texts))
    return store


def write_chunk(path: Path, texts: list[str], hasher: PassageHasher, shingle_size: int) -> tuple[Chunk, np.ndarray]:
    """Fingerprint texts into a band-major file; returns the chunk and each text's passage count."""
    signatures = [fingerprint(tokenize(text), hasher, shingle_size).signatures for text in texts]
    counts = np.array([len(s) for s in signatures], dtype=np.int64)
    keys = band_keys(np.concatenate(signatures + [np.empty((0, hasher.num_perm), dtype=np.uint32)]))
    with open(path, "wb") as stream:
        stream.write(np.ascontiguousarray(keys.T).astype(_KEY).tobytes())
    return Chunk(str(path), len(keys)), counts


def band_agreement(store: SignatureStore, band: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """How many of a band's two rows each pair of passages agrees on (0, 1 or 2), as uint8."""
    keys = store.band(band)
    differ = keys[first] ^ keys[second]
    low = (differ & np.uint64(0xFFFFFFFF)) == 0
    high = (differ >> np.uint64(32)) == 0
    return low.astype(np.uint8) + high.astype(np.uint8)
