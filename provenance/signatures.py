"""The window signatures of a whole corpus, kept on disk one band after another.

A scan needs every passage's signature twice: to find passages whose band keys collide, one band at
a time, and to count how many rows two colliding passages agree on. Each document's shingle hashes
and tokens are kept too, so that alignment neither tokenizes nor hashes a text again, however
many pairs it is in. Held in memory, signatures would cost 256 bytes a passage (2.5 GB for 100,000 articles), more than the texts themselves. So each chunk of
documents is fingerprinted (in a worker process) into a file of its own, band-major: the keys of
band 0 of all its passages, then band 1, and so on. A band of the whole corpus is then a few reads
of contiguous bytes, and memory holds one band at a time. A small corpus (a draft and the archive
documents it is checked with) keeps its chunks in memory instead, as they were signed: files would
cost more than its signatures take. A process that checks draft after draft meets the same archive
documents again, so a small corpus's texts are signed through ``recently_signed``, which keeps the
latest of them.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from bisect import bisect_right
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Iterator

import numpy as np

from .fingerprint import PassageHasher, band_keys, fingerprint
from .normalize import Reading, Tokens, tokenize
from .workers import task_bounds

_KEY = np.dtype("<u8")
_SHINGLE = np.dtype("<u4")
IN_MEMORY_BELOW = 256  # documents (a check scans 51): a smaller corpus keeps its signatures in memory, 30 KB a 400-word document
KEEP_SIGNED = 32 << 20  # bytes of recently signed texts a process keeps: about 800 400-word documents


@dataclass(frozen=True)
class Signed:
    """What a scan keeps of one text: the hash of the shingle at each word, the band keys of
    its passages (read only: one may be handed to many scans) and its tokens, for alignment."""

    shingles: np.ndarray  # uint32
    keys: np.ndarray  # (passages, bands) uint64
    tokens: bytes  # Tokens.to_bytes

    @property
    def nbytes(self) -> int:
        return self.shingles.nbytes + self.keys.nbytes + len(self.tokens)


def sign(text: str, hasher: PassageHasher, shingle_size: int, reading: Reading = Reading()) -> Signed:
    """A text tokenized (as ``reading`` says), shingled and signed."""
    tokens = tokenize(text, *reading)
    found = fingerprint(tokens, hasher, shingle_size)
    signed = Signed(found.shingles, band_keys(found.signatures), tokens.to_bytes())
    signed.shingles.flags.writeable = signed.keys.flags.writeable = False
    return signed


class RecentlySigned:
    """``sign``, remembering the texts signed last up to ``budget`` bytes (texts included), the
    least recently used forgotten first. Threads share it."""

    def __init__(self, budget: int):
        self.budget = budget
        self._kept: OrderedDict[tuple, tuple[Signed, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def sign(self, text: str, hasher: PassageHasher, shingle_size: int, reading: Reading = Reading()) -> Signed:
        key = (hasher.identity, shingle_size, reading, text)
        with self._lock:
            if (kept := self._kept.get(key)) is not None:
                self._kept.move_to_end(key)
                return kept[0]
        signed = sign(text, hasher, shingle_size, reading)  # unlocked: other threads sign meanwhile
        size = signed.nbytes + sys.getsizeof(text)
        with self._lock:
            if size <= self.budget and key not in self._kept:
                self._kept[key] = (signed, size)
                self._bytes += size
                while self._bytes > self.budget:
                    self._bytes -= self._kept.popitem(last=False)[1][1]
        return signed


recently_signed = RecentlySigned(KEEP_SIGNED)


@dataclass
class Chunk:
    path: str | None  # the file of its band keys, or None for a chunk kept in memory
    windows: int  # passages (signature rows) in the chunk
    shingle_bounds: np.ndarray  # where each document's shingle hashes start in the shingle file, and the end
    token_bounds: np.ndarray  # where each document's tokens start in the token file, and the end
    keys: np.ndarray | None = None  # in memory: (windows, bands) band keys
    shingles: np.ndarray | None = None  # in memory: the shingle hashes of its documents, end to end
    tokens: list[bytes] | None = None  # in memory: each document's tokens

    @property
    def shingles_path(self) -> str:
        return self.path + ".shingles"

    @property
    def tokens_path(self) -> str:
        return self.path + ".tokens"

    def all_shingles(self) -> np.ndarray:
        """The shingle hashes of all its documents, end to end (split them at ``shingle_bounds``)."""
        if self.shingles is not None:
            return self.shingles
        return np.fromfile(self.shingles_path, dtype=_SHINGLE).astype(np.uint32, copy=False)

    def read_band(self, band: int, into: np.ndarray) -> None:
        if self.keys is not None:
            into[:] = self.keys[:, band]
            return
        with open(self.path, "rb", buffering=0) as stream:
            stream.seek(band * self.windows * _KEY.itemsize)
            stream.readinto(memoryview(into).cast("B"))


# Where one document's shingle hashes lie: (file, byte offset, count), or, for a chunk kept in
# memory, the hashes themselves.
ShingleLocation = tuple[str, int, int] | np.ndarray
# Where one document's tokens lie: (file, byte offset, bytes), or the record itself.
TokenLocation = tuple[str, int, int] | bytes


@dataclass
class SignatureStore:
    """Chunks of band keys (band-major on disk); ``counts`` holds the passages of each document, in order."""

    bands: int
    window: int  # shingles a passage covers, and shingles between passages' starts, as the hasher's
    step: int
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
        chunk, local = self._chunk_of(doc)
        start, end = int(chunk.shingle_bounds[local]), int(chunk.shingle_bounds[local + 1])
        if chunk.shingles is not None:
            return chunk.shingles[start:end]
        return chunk.shingles_path, start * _SHINGLE.itemsize, end - start

    def locate_tokens(self, doc: int) -> TokenLocation:
        """Where a document's tokens are kept (read them with ``read_tokens``)."""
        chunk, local = self._chunk_of(doc)
        if chunk.tokens is not None:
            return chunk.tokens[local]
        start, end = int(chunk.token_bounds[local]), int(chunk.token_bounds[local + 1])
        return chunk.tokens_path, start, end - start

    def _chunk_of(self, doc: int) -> tuple[Chunk, int]:
        number = bisect_right(self.first_docs, doc) - 1
        return self.chunks[number], doc - self.first_docs[number]

    def band(self, band: int) -> np.ndarray:
        """The keys of one band for every passage of the corpus, in document order."""
        keys = np.empty(sum(chunk.windows for chunk in self.chunks), dtype=_KEY)
        at = 0
        for chunk in self.chunks:
            chunk.read_band(band, keys[at : at + chunk.windows])
            at += chunk.windows
        return keys


@contextmanager
def signature_folder(documents: int) -> Iterator[Path | None]:
    """A temporary folder for the signature files of a corpus of this many documents, or None
    for one small enough to keep them in memory."""
    if documents < IN_MEMORY_BELOW:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="provenance-") as folder:
        yield Path(folder)


def fingerprint_corpus(
    texts: list[str],
    hasher: PassageHasher,
    shingle_size: int,
    directory: Path | None,
    map=map,
    chunk_size: int = 256,
    progress=None,
    workers: int = 1,
    reading: Reading = Reading(),
) -> SignatureStore:
    """Fingerprint every text into chunk files in ``directory``, or into memory without one; ``map``
    may be a process pool's, of ``workers`` processes, which take chunks of at most ``chunk_size``
    texts, read as ``reading`` says. ``progress(done, total)`` is called as chunks are done."""
    store = SignatureStore(hasher.num_perm // 2, hasher.window, hasher.step)
    bounds = task_bounds(len(texts), chunk_size, workers)
    paths = [directory / f"signatures-{number:06d}.bin" if directory else None for number in range(len(bounds))]
    chunks = [texts[start:stop] for start, stop in bounds]
    done = 0
    for (chunk, counts), texts_done in zip(map(write_chunk, paths, chunks, repeat(hasher), repeat(shingle_size), repeat(reading)), chunks):
        store.add(chunk, counts)
        done += len(texts_done)
        if progress:
            progress(done, len(texts))
    return store


def write_chunk(path: Path | None, texts: list[str], hasher: PassageHasher, shingle_size: int, reading: Reading = Reading()) -> tuple[Chunk, np.ndarray]:
    """Fingerprint texts into a band-major file of band keys, a file of their shingle hashes and
    one of their tokens; without ``path``, into memory, through ``recently_signed``. Returns the
    chunk and each text's passage count."""
    signer = recently_signed.sign if path is None else sign
    signed = [signer(text, hasher, shingle_size, reading) for text in texts]
    counts = np.array([len(s.keys) for s in signed], dtype=np.int64)
    keys = np.concatenate([s.keys for s in signed] + [np.empty((0, hasher.num_perm // 2), dtype=np.uint64)])
    shingles = np.concatenate([s.shingles for s in signed] + [np.empty(0, dtype=np.uint32)]).astype(_SHINGLE, copy=False)
    bounds = np.cumsum([0] + [len(s.shingles) for s in signed])
    token_bounds = np.cumsum([0] + [len(s.tokens) for s in signed])
    if path is None:
        return Chunk(None, len(keys), bounds, token_bounds, keys, shingles, [s.tokens for s in signed]), counts
    chunk = Chunk(str(path), len(keys), bounds, token_bounds)
    with open(path, "wb") as stream:
        stream.write(np.ascontiguousarray(keys.T, dtype=_KEY).tobytes())
    with open(chunk.shingles_path, "wb") as stream:
        stream.write(shingles.tobytes())
    with open(chunk.tokens_path, "wb") as stream:
        stream.write(b"".join(s.tokens for s in signed))
    return chunk, counts


def read_shingles(location: ShingleLocation) -> np.ndarray:
    if isinstance(location, np.ndarray):
        return location
    path, offset, count = location
    with open(path, "rb", buffering=0) as stream:
        stream.seek(offset)
        return np.frombuffer(stream.read(count * _SHINGLE.itemsize), dtype=_SHINGLE).astype(np.uint32)


def read_tokens(location: TokenLocation) -> Tokens:
    if isinstance(location, bytes):
        return Tokens.from_bytes(location)
    path, offset, size = location
    with open(path, "rb", buffering=0) as stream:
        stream.seek(offset)
        return Tokens.from_bytes(stream.read(size))


def band_agreement(store: SignatureStore, band: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """How many of a band's two rows each pair of passages agrees on (0, 1 or 2), as uint8."""
    keys = store.band(band)
    differ = keys[first] ^ keys[second]
    low = (differ & np.uint64(0xFFFFFFFF)) == 0
    high = (differ >> np.uint64(32)) == 0
    return low.astype(np.uint8) + high.astype(np.uint8)
