"""A persistent, incremental archive index in SQLite.

It keeps each document (metadata and text) and, for candidate search, the distinct LSH band keys of
its passages in the first ``INDEX_BANDS`` bands, as (key, document) pairs in a :class:`KeyStore`
that a draft's keys are looked up in. Everything else (signatures, alignment) is recomputed from the
stored text of the few candidates, so the index stays small and a check runs exactly the scan
pipeline.

It also keeps how many of its documents hold each shingle (``provenance.frequency``), so that a
check weighs a draft's shared wording by how common it is in the whole archive, not among the few
documents it is scanned with.

Each batch of documents is written in one transaction, its keys as one new segment: a process
killed mid-add leaves the index as it was after the last whole batch. Segments are merged in
transactions of their own after a batch. The database runs in WAL mode, so readers work while a
writer adds. The hash functions the index was built with are stored in it, so its keys stay
comparable.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from .arrays import distinct
from .candidates import document_keys
from .corpus import CorpusError, Document
from .dates import parse_published
from .fingerprint import SHINGLE_HASH, PassageHasher, shingle_hashes
from .frequency import ShingleFrequencies, bucket_of
from .keystore import SCHEMA as KEYSTORE_SCHEMA
from .keystore import KeyStore
from .normalize import TOKENS, Reading, tokenize
from .scan import TEXT_MODELS, ScanParams, text_model_params
from .signatures import recently_signed, sign
from .workers import batched

SCHEMA_VERSION = "2"  # 1 kept band keys in one B-tree
INDEX_BANDS = 8  # of the 32 bands of two rows: a 12-word passage still collides, with a quarter of the rows
SQLITE_HEADER = b"SQLite format 3\x00"
MMAP_BYTES = 1 << 40  # map the whole file, as far as SQLite allows (2 GB as usually built)


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # AUTOINCREMENT: a removed document's row number is never given to another, so the key pairs
    # it leaves behind until the next merge can never point at the wrong text.
    """CREATE TABLE IF NOT EXISTS documents (
        doc INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, source TEXT, title TEXT,
        url TEXT, published TEXT, text TEXT NOT NULL, digest TEXT NOT NULL)""",
    # One row: documents per shingle bucket, the buckets held and their counts as int32 arrays;
    # version grows with every write, for readers that keep a copy.
    "CREATE TABLE IF NOT EXISTS frequencies (version INTEGER NOT NULL, documents INTEGER NOT NULL, buckets BLOB NOT NULL, counts BLOB NOT NULL)",
    "INSERT INTO frequencies SELECT 0, 0, x'', x'' WHERE NOT EXISTS (SELECT 1 FROM frequencies)",
    *KEYSTORE_SCHEMA,
)


class IndexFileError(CorpusError):
    """An index file that cannot be opened or used; the message names the file."""


@dataclass
class AddReport:
    added: int = 0
    replaced: int = 0  # ids already indexed with other text
    unchanged: int = 0  # ids already indexed with the same text


def open_index(location: str | Path, params: ScanParams | None = None, create: bool = True) -> ArchiveIndex:
    """An index by where it lives: a ``redis://`` URL (a shared ``RedisIndex``) or a SQLite file."""
    from .redis_index import RedisIndex, is_redis_url

    if is_redis_url(location):
        return RedisIndex(str(location), params, create=create)
    return Index(location, params, create=create)


def is_index_file(path: Path) -> bool:
    if path.suffix == ".db" and not path.exists():
        return True
    try:
        with open(path, "rb") as stream:
            return stream.read(16) == SQLITE_HEADER
    except OSError:
        return False


def _keys(text: str, hasher: PassageHasher, shingle_size: int, reading: Reading) -> tuple[np.ndarray, np.ndarray]:
    """A text's index band keys and the distinct shingle buckets it holds."""
    signed = sign(text, hasher, shingle_size, reading)
    return document_keys(signed.keys, INDEX_BANDS), distinct(bucket_of(signed.shingles)).astype(np.int32)


def _buckets(text: str, shingle_size: int, reading: Reading) -> np.ndarray:
    return distinct(bucket_of(shingle_hashes(tokenize(text, *reading).words, shingle_size))).astype(np.int32)


_worker: dict = {}


def _start_worker(permutations: np.ndarray, params: ScanParams) -> None:
    _worker["hasher"] = PassageHasher(params.num_perm, params.seed, params.window, params.step, permutations)
    _worker["shingle_size"] = params.align.shingle_size
    _worker["reading"] = params.align.reading
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A killed writer cannot shut its pool down, and its workers would wait for work forever."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _worker_keys(texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    return [_keys(text, _worker["hasher"], _worker["shingle_size"], _worker["reading"]) for text in texts]


def keyed_batches(
    documents: Iterable[Document], hasher: PassageHasher, params: ScanParams, batch_size: int, workers: int | None = None
) -> Iterator[tuple[list[Document], list[tuple[np.ndarray, np.ndarray]]]]:
    """Documents in batches, each with its documents' index band keys and shingle buckets
    (``_keys``). They are computed by
    ``workers`` processes (default: one per core) one batch ahead of the caller, so hashing and
    writing overlap; a single batch is hashed here."""
    batches = batched(documents, batch_size)
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    workers = workers or os.cpu_count() or 1
    if second is None or workers == 1:
        for batch in itertools.chain([first], [second] if second else [], batches):
            yield batch, [_keys(doc.text, hasher, params.align.shingle_size, params.align.reading) for doc in batch]
        return
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(hasher.permutations, params)) as pool:
        def submit(batch):
            chunk = max(1, len(batch) // workers)
            return pool.map(_worker_keys, [[d.text for d in batch[i : i + chunk]] for i in range(0, len(batch), chunk)])

        pending = [(first, submit(first)), (second, submit(second))]
        while pending:
            batch, keys = pending.pop(0)
            following = next(batches, None)
            if following is not None:
                pending.append((following, submit(following)))
            yield batch, [k for chunk in keys for k in chunk]


def fingerprint_settings(params: ScanParams) -> dict:
    """What an index's keys depend on: an index built with other settings cannot be searched."""
    return {"num_perm": params.num_perm, "seed": params.seed, "window": params.window, "step": params.step,
            "shingle_size": params.align.shingle_size, "bands": INDEX_BANDS, "shingle_hash": SHINGLE_HASH, "tokens": TOKENS,
            "ocr": params.align.ocr, "text_model": params.align.text_model}


def read_as_built(built_with: dict, given: ScanParams | None) -> ScanParams:
    """The settings to search an index with: those ``given``, or else the defaults with texts read
    as its documents were (``--ocr`` or not, by words or letters), so that opening an index needs
    no flag repeated."""
    if given is not None:
        return given
    readable = isinstance(built_with, dict)
    ocr = readable and built_with.get("ocr") is True
    model = built_with.get("text_model", "words") if readable else "words"
    return text_model_params(model if model in TEXT_MODELS else "words", ocr)


def settings_problem(built_with: dict, params: ScanParams) -> str | None:
    """Why an index built with these settings cannot be searched with ``params``, or None."""
    wanted = fingerprint_settings(params)
    if not isinstance(built_with, dict):
        return f"its fingerprint settings are not readable ({built_with!r})"
    tokens = built_with.get("tokens", "words")  # indexes from before had no other
    if tokens != wanted["tokens"]:
        return (f"built with tokens {tokens!r}, this version makes {wanted['tokens']!r} (Chinese, Japanese and Thai "
                "split into letters, words hyphenated across line ends joined); build a new index with 'provenance index add'")
    built_with = {"text_model": "words", **built_with}  # indexes from before read by words alone
    if (built_with.get("ocr", False), built_with["text_model"]) != (wanted["ocr"], wanted["text_model"]):
        flags = _reading_flags(built_with.get("ocr", False), built_with["text_model"])
        how = f"with {flags}, and its documents can be looked up only as they were read: give {flags}" if flags else (
            "without --ocr or --text-model, and its documents can be looked up only as they were read: leave them out")
        return f"built {how}"
    if built_with != wanted:
        return f"built with other fingerprint settings {built_with}"
    return None


def _reading_flags(ocr: bool, text_model: str) -> str:
    """The options that read texts so: --ocr reads by letters unless told otherwise."""
    flags = ["--ocr"] if ocr else []
    return " ".join(flags + ([f"--text-model {text_model}"] if text_model != ("chars" if ocr else "words") else []))


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class ArchiveIndex(ABC):
    """What every index does the same way, wherever its documents and keys are kept: adding a
    batch at a time, the keys it looks texts up by, and closing as a context manager."""

    params: ScanParams
    hasher: PassageHasher

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def _add_batch(self, batch: list[Document], keys: list[np.ndarray], buckets: list[np.ndarray], report: AddReport) -> None: ...

    def frequencies(self) -> ShingleFrequencies | None:
        """How many indexed documents hold each shingle, or None when the index does not keep it."""
        return None

    def _failures_translated(self) -> AbstractContextManager:
        """A context in which the store's own errors become IndexFileError (none by default)."""
        return nullcontext()

    def __enter__(self) -> ArchiveIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def keys_of(self, text: str) -> np.ndarray:
        """The distinct index band keys of a text's passages, as int64. The text is signed through
        ``recently_signed``: a draft looked up is signed again by the scan that checks it."""
        return document_keys(recently_signed.sign(text, self.hasher, self.params.align.shingle_size, self.params.align.reading).keys, INDEX_BANDS)

    def add(
        self,
        documents: Iterable[Document],
        batch_size: int = 5000,
        progress: Callable[[int], None] | None = None,
        workers: int | None = None,
    ) -> AddReport:
        """Add documents a batch at a time, each batch whole or not at all; an id indexed before is
        replaced when its text changed and left alone when it did not, whoever else is adding at
        the same time. Keys are computed as ``keyed_batches`` computes them."""
        report = AddReport()
        with self._failures_translated():
            for batch, keyed in keyed_batches(documents, self.hasher, self.params, batch_size, workers):
                self._add_batch(batch, [keys for keys, _ in keyed], [buckets for _, buckets in keyed], report)
                if progress:
                    progress(len(batch))
        return report


class Index(ArchiveIndex):
    """``Index(path)`` opens or creates an index; ``Index(":memory:")`` is a throwaway one."""

    def __init__(self, path: str | Path, params: ScanParams | None = None, create: bool = True):
        self.path = str(path)
        self._given = params
        self.params = params or ScanParams()
        if self.path != ":memory:" and not create and not Path(self.path).exists():
            raise IndexFileError(f"{self.path}: no such index")
        try:
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            # A check reads a page of key blocks for each segment and key it seeks: mapped, each is
            # read where it lies instead of copied in by a system call of its own.
            self.db.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
            self._setup(create)
        except sqlite3.DatabaseError as error:
            raise IndexFileError(f"{self.path}: not a usable index ({error})") from None

    def _setup(self, create: bool) -> None:
        stored = self._meta()
        if not stored and not create:
            raise IndexFileError(f"{self.path}: not a provenance index")
        if not stored:
            # A new index: create it under the write lock (another process may be doing the same).
            with self._writing():
                stored = self._meta()
                if not stored:
                    for statement in _SCHEMA:
                        self.db.execute(statement)
                    hasher = PassageHasher(self.params.num_perm, self.params.seed, self.params.window, self.params.step)
                    stored = {
                        "schema": SCHEMA_VERSION,
                        "params": json.dumps(fingerprint_settings(self.params)),
                        "permutations": json.dumps(hasher.permutations.tolist()),
                    }
                    self.db.executemany("INSERT INTO meta VALUES (?, ?)", stored.items())
        if stored.get("schema") != SCHEMA_VERSION:
            raise IndexFileError(
                f"{self.path}: index schema {stored.get('schema')!r}, this version reads {SCHEMA_VERSION!r}; build a new index with 'provenance index add'"
            )
        self.params = read_as_built(json.loads(stored["params"]), self._given)
        problem = settings_problem(json.loads(stored["params"]), self.params)
        if problem:
            raise IndexFileError(f"{self.path}: {problem}")
        self.hasher = PassageHasher(
            self.params.num_perm, self.params.seed, self.params.window, self.params.step, np.array(json.loads(stored["permutations"]))
        )
        self.keys = KeyStore(self.db)

    def _meta(self) -> dict:
        """What the index says of itself; empty for a file that is no index yet. Reads only, so
        opening an index never waits for a writer."""
        try:
            return dict(self.db.execute("SELECT name, value FROM meta"))
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):
                return {}
            raise

    def close(self) -> None:
        self.db.close()

    # -- writing ---------------------------------------------------------------------------------

    def _add_batch(self, batch: list[Document], keys: list[np.ndarray], buckets: list[np.ndarray], report: AddReport) -> None:
        prepared = [(doc, digest(doc.text), doc_keys, doc_buckets) for doc, doc_keys, doc_buckets in zip(batch, keys, buckets)]  # outside the lock
        with self._writing():
            key_rows, owners, held, gone = [], [], [], []
            for doc, text_digest, keys, doc_buckets in prepared:
                known = self.db.execute("SELECT doc, digest FROM documents WHERE id = ?", (doc.id,)).fetchone()
                if known and known[1] == text_digest:
                    report.unchanged += 1
                    continue
                if known:
                    gone.append(self._delete(known[0]))
                    report.replaced += 1
                else:
                    report.added += 1
                row = self.db.execute(
                    "INSERT INTO documents (id, source, title, url, published, text, digest) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (doc.id, doc.source, doc.title, doc.url, doc.published.label if doc.published else None, doc.text, text_digest),
                ).lastrowid
                key_rows.append(keys)
                owners.append(np.full(len(keys), row, dtype=np.int64))
                held.append(doc_buckets)
            if key_rows:
                self.keys.write(np.concatenate(key_rows), np.concatenate(owners))
                self._count(held, gone)
        # A merge of its own: a kill during it loses no added document, and readers keep working.
        with self._writing():
            self.keys.merge()

    def _writing(self):
        """One write transaction: committed on success, rolled back on any error or interrupt."""
        return _Transaction(self.db, "BEGIN IMMEDIATE")

    def _delete(self, row: int) -> np.ndarray:
        """Delete a document; returns the shingle buckets its text held, for ``_count``."""
        (text,) = self.db.execute("SELECT text FROM documents WHERE doc = ?", (row,)).fetchone()
        self.db.execute("DELETE FROM documents WHERE doc = ?", (row,))
        self.keys.remove([row])
        return _buckets(text, self.params.align.shingle_size, self.params.align.reading)

    def _count(self, added: list[np.ndarray], removed: list[np.ndarray]) -> None:
        """Count documents added and removed (the buckets each holds), inside a write."""
        stored = self.db.execute("SELECT version, documents, buckets, counts FROM frequencies").fetchone()
        if stored is None:  # an index made before it kept frequencies
            return
        version, documents, buckets, counts = stored
        table = np.zeros(len(ShingleFrequencies().counts), dtype=np.int64)
        table[np.frombuffer(buckets, dtype=np.int32)] = np.frombuffer(counts, dtype=np.int32)
        for held, direction in ((added, 1), (removed, -1)):
            if held:
                table += direction * np.bincount(np.concatenate(held).astype(np.int64), minlength=len(table))
        nonzero = np.flatnonzero(table > 0)
        self.db.execute(
            "UPDATE frequencies SET version = ?, documents = ?, buckets = ?, counts = ?",
            (version + 1, documents + len(added) - len(removed), nonzero.astype(np.int32).tobytes(), table[nonzero].astype(np.int32).tobytes()),
        )

    def remove(self, ids: list[str]) -> None:
        """Remove documents by id, all or none: an unknown id raises IndexFileError."""
        with self._writing():
            gone = []
            for doc_id in ids:
                known = self.db.execute("SELECT doc FROM documents WHERE id = ?", (doc_id,)).fetchone()
                if known is None:
                    raise IndexFileError(f"{self.path}: no document with id {doc_id!r}")
                gone.append(self._delete(known[0]))
            self._count([], gone)

    # -- reading ---------------------------------------------------------------------------------

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM documents").fetchone()[0]

    def frequencies(self) -> ShingleFrequencies | None:
        """How many indexed documents hold each shingle; read again only after a write."""
        try:
            version = self.db.execute("SELECT version FROM frequencies").fetchone()
        except sqlite3.OperationalError:  # an index made before it kept frequencies
            return None
        if version is None:
            return None
        kept = getattr(self, "_frequencies", None)
        if kept is None or kept[0] != version[0]:
            documents, buckets, counts = self.db.execute("SELECT documents, buckets, counts FROM frequencies").fetchone()
            frequencies = ShingleFrequencies(documents=documents)
            frequencies.counts[np.frombuffer(buckets, dtype=np.int32)] = np.frombuffer(counts, dtype=np.int32)
            kept = self._frequencies = (version[0], frequencies)
        return kept[1]

    def stats(self) -> dict:
        documents, first, last = self.db.execute(
            "SELECT count(*), min(published), max(published) FROM documents"
        ).fetchone()
        outlets = self.db.execute("SELECT count(DISTINCT source) FROM documents").fetchone()[0]
        keys, segments = self.keys.pairs(), self.keys.segments()
        size = sum(Path(self.path + suffix).stat().st_size for suffix in ("", "-wal") if Path(self.path + suffix).exists()) if self.path != ":memory:" else 0
        return {"path": self.path, "documents": documents, "outlets": outlets, "band_keys": keys, "key_segments": segments, "first_published": first, "last_published": last, "bytes": size}

    def documents(self, rows: Iterable[int] | None = None) -> Iterator[Document]:
        """All indexed documents in the order they were added, or those with the given row ids."""
        columns = "id, source, title, url, published, text"
        if rows is None:
            cursor = self.db.execute(f"SELECT {columns} FROM documents ORDER BY doc")
        else:
            wanted = sorted(set(rows))
            cursor = self.db.execute(f"SELECT {columns} FROM documents WHERE doc IN ({','.join('?' * len(wanted))}) ORDER BY doc", wanted)
        for doc_id, source, title, url, published, text in cursor:
            yield Document(doc_id, text, source, title, url, parse_published(published) if published else None, f"{self.path}#{doc_id}")

    def document(self, doc_id: str) -> Document | None:
        """The indexed document with this id, or None."""
        found = self.db.execute("SELECT doc FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return next(self.documents([found[0]]), None) if found else None

    def candidates(self, text: str, limit: int = 100) -> list[Document]:
        """The ``limit`` indexed documents sharing the most band keys with a text, in the order
        they were added."""
        keys = self.keys_of(text)
        if len(keys) == 0:
            return []
        # One read transaction: a merge committed meanwhile cannot pull segments from under the lookup.
        with _Transaction(self.db, "BEGIN"):
            rows, shared = np.unique(self.keys.lookup(keys), return_counts=True)
            best = rows[np.lexsort((rows, -shared))[:limit]]
            return list(self.documents(best.tolist()))


class _Transaction:
    def __init__(self, db: sqlite3.Connection, begin: str):
        self.db, self.begin = db, begin

    def __enter__(self) -> None:
        self.db.execute(self.begin)

    def __exit__(self, error_type, *exc) -> None:
        self.db.execute("COMMIT" if error_type is None else "ROLLBACK")
