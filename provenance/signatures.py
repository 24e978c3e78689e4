"""The window signatures of a whole corpus, kept on disk one band after another.

A scan needs every passage's signature twice: to find passages whose band keys collide, one band at
a time, and to count how many rows two colliding passages agree on. Each document's shingle hashes
are kept too, so that a candidate pair can be ruled out before its texts are tokenized again. Held in memory they would cost
256 bytes a passage (2.5 GB for 100,000 articles), more than the texts themselves. So each chunk of
documents is fingerprinted (in a worker process) into a file of its own, band-major: the keys of
band 0 of all its passages, then band 1, and so on. A band of the whole corpus is then a few reads
of contiguous bytes, and memory holds one band at a time.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import numpy as np

from .fingerprint import PassageHasher, band_keys, fingerprint
from .normalize import tokenize

_KEY = np.dtype("<u8")
_SHINGLE = np.dtype("<u4")


@dataclass
class Chunk:
    path: str
    windows: int  # passages (signature rows) in the chunk
    shingle_bounds: np.ndarray  # where each document's shingle hashes start in the shingle file, and the end

    @property
    def shingles_path(self) -> str:
        return self.path + ".shingles"


# Where one document's shingle hashes lie: (file, byte offset, count).
ShingleLocation = tuple[str, int, int]


@dataclass
class SignatureStore:
    """Chunks of band-major band keys; ``counts`` holds the passages of each document, in order."""

    bands: int
    chunks: list[Chunk] = field(default_factory=list)
    counts: list[np.ndarray] = field(default_factory=list)
    first_docs: list[int] = field(default_factory=list)

    def add(self, chunk: Chunk, counts: np.ndarray) -> None:
        self.first_docs.append(self.documents)
        self.chunks.append(chunk)
        self.counts.append(counts)

    @property
    def documents(self) -> int:
        return sum(len(c) for c in self.counts)

    def owner(self) -> np.ndarray:
        """The document of each passage, ascending."""
        counts = np.concatenate(self.counts + [np.empty(0, dtype=np.int64)])
        return np.repeat(np.arange(len(counts), dtype=np.int32), counts)  # half the memory of int64

    def locate(self, doc: int) -> ShingleLocation:
        """Where a document's shingle hashes are kept (read them with ``read_shingles``)."""
        number = bisect_right(self.first_docs, doc) - 1
        chunk, local = self.chunks[number], doc - self.first_docs[number]
        start, end = int(chunk.shingle_bounds[local]), int(chunk.shingle_bounds[local + 1])
        return chunk.shingles_path, start * _SHINGLE.itemsize, end - start

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
    """Fingerprint texts into a band-major file of band keys and a file of their shingle hashes;
    returns the chunk and each text's passage count."""
    fingerprints = [fingerprint(tokenize(text), hasher, shingle_size) for text in texts]
    counts = np.array([len(fp.signatures) for fp in fingerprints], dtype=np.int64)
    keys = band_keys(np.concatenate([fp.signatures for fp in fingerprints] + [np.empty((0, hasher.num_perm), dtype=np.uint32)]))
    with open(path, "wb") as stream:
        stream.write(np.ascontiguousarray(keys.T).astype(_KEY).tobytes())
    chunk = Chunk(str(path), len(keys), np.cumsum([0] + [len(fp.shingles) for fp in fingerprints]))
    with open(chunk.shingles_path, "wb") as stream:
        stream.write(np.concatenate([fp.shingles for fp in fingerprints] + [np.empty(0, dtype=np.uint32)]).astype(_SHINGLE).tobytes())
    return chunk, counts


def read_shingles(location: ShingleLocation) -> np.ndarray:
    path, offset, count = location
    with open(path, "rb", buffering=0) as stream:
        stream.seek(offset)
        return np.frombuffer(stream.read(count * _SHINGLE.itemsize), dtype=_SHINGLE).astype(np.uint32)


def band_agreement(store: SignatureStore, band: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """How many of a band's two rows each pair of passages agrees on (0, 1 or 2), as uint8."""
    keys = store.band(band)
    differ = keys[first] ^ keys[second]
    low = (differ & np.uint64(0xFFFFFFFF)) == 0
    high = (differ >> np.uint64(32)) == 0
    return low.astype(np.uint8) + high.astype(np.uint8)
