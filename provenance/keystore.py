"""Band keys of indexed documents, kept in SQLite as sorted, append-only segments.

Inserting every batch's keys into one B-tree touches pages all over the tree, so a batch costs more
the larger the index grows (100,000 documents built at 617 documents/s that way). Here a batch
writes one new segment instead: its (key, document) pairs sorted by key, cut into blocks of
``BLOCK`` pairs stored as blobs, with the first key of each block (its fences) kept in the segment's
row. A lookup searches the fences of each segment, reads only the blocks that can hold the keys
sought, and searches those.

Segments of one level are merged into one of the next level when ``FANOUT`` of them accumulate,
while the result stays under ``MAX_SEGMENT_KEYS`` pairs (which bounds a merge's memory), so a lookup
reads few segments. Removing a document only records its row as removed: lookups skip it at once,
and the next merge of its segments drops its pairs for good.

The store never begins or commits a transaction itself: the caller's transaction makes a segment,
a merge or a removal atomic, and a reader's transaction gives its lookups one consistent view.
"""

from __future__ import annotations

import json
import sqlite3

import numpy as np

from .arrays import distinct

BLOCK = 64  # pairs per stored block: a lookup reads one block (768 bytes, five to a page) per key it seeks
FANOUT = 4  # segments of one level merged at once
MAX_SEGMENT_KEYS = 1 << 24  # a merge holds about 24 bytes per pair in memory: 400 MB at most
_KEY = np.dtype("<i8")
_DOC = np.dtype("<u4")  # document row ids; an index of four billion documents is out of scope

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS segments (
        segment INTEGER PRIMARY KEY AUTOINCREMENT, level INTEGER NOT NULL, pairs INTEGER NOT NULL,
        fences BLOB NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS segment_blocks (
        segment INTEGER NOT NULL, block INTEGER NOT NULL, keys BLOB NOT NULL, docs BLOB NOT NULL,
        PRIMARY KEY (segment, block))""",
    "CREATE TABLE IF NOT EXISTS removed_docs (doc INTEGER PRIMARY KEY)",
)


class KeyStore:
    """(band key, document row) pairs in the tables of ``SCHEMA`` on an open connection."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self._fences: dict[int, np.ndarray] = {}  # a segment never changes once written: read once

    def write(self, keys: np.ndarray, docs: np.ndarray, level: int = 0) -> None:
        """Store pairs as one new segment."""
        if len(keys) == 0:
            return
        order = np.argsort(keys, kind="stable")
        keys, docs = keys[order].astype(_KEY), docs[order].astype(_DOC)
        segment = self.db.execute(
            "INSERT INTO segments (level, pairs, fences) VALUES (?, ?, ?)", (level, len(keys), keys[::BLOCK].tobytes())
        ).lastrowid
        key_bytes, doc_bytes = memoryview(keys.tobytes()), memoryview(docs.tobytes())  # sliced without copies
        self.db.executemany(
            "INSERT INTO segment_blocks VALUES (?, ?, ?, ?)",
            (
                (segment, block, key_bytes[start * _KEY.itemsize : (start + BLOCK) * _KEY.itemsize],
                 doc_bytes[start * _DOC.itemsize : (start + BLOCK) * _DOC.itemsize])
                for block, start in enumerate(range(0, len(keys), BLOCK))
            ),
        )

    def lookup(self, probe: np.ndarray) -> np.ndarray:
        """The document row of every stored pair whose key is in ``probe`` (int64), removed
        documents left out: a document appears once per key it shares with the probe."""
        probe = distinct(probe.astype(_KEY))
        found = [np.empty(0, dtype=_DOC)]
        if len(probe) == 0:
            return found[0].astype(np.int64)
        for segment, fences in self._segment_fences().items():
            blocks = _blocks_holding(fences, probe)
            if len(blocks):
                found.append(self._docs_holding(segment, blocks, probe))
        docs = np.concatenate(found).astype(np.int64)
        return docs[~np.isin(docs, self._removed())]

    def _docs_holding(self, segment: int, blocks: np.ndarray, probe: np.ndarray) -> np.ndarray:
        """The documents of a segment's pairs whose keys are in ``probe`` (sorted, distinct), in key
        order. Most blocks that may hold a key do not (a 1,000-word draft's 1,281 keys: 799 blocks
        of an index of 20,000 documents may hold them, 85 do), so the keys of all of them are read
        and the documents only of those that do."""
        sizes, keys = self._column(segment, blocks, "keys", _KEY)
        # The blocks of a segment hold its keys in order, so each probe key's pairs are one range.
        at = _spans(np.searchsorted(keys, probe, "left"), np.searchsorted(keys, probe, "right"))
        if len(at) == 0:
            return np.empty(0, dtype=_DOC)
        starts = np.cumsum(sizes) - sizes
        holding = np.searchsorted(starts, at, "right") - 1  # which of the blocks read holds each pair
        wanted = distinct(holding)
        wanted_sizes, docs = self._column(segment, blocks[wanted], "docs", _DOC)
        wanted_starts = np.cumsum(wanted_sizes) - wanted_sizes
        return docs[at - starts[holding] + wanted_starts[np.searchsorted(wanted, holding)]]

    def _segment_fences(self) -> dict[int, np.ndarray]:
        """The fences of every segment, those not seen before read from the database. A segment a
        reader sees is committed, and AUTOINCREMENT never gives its number to another."""
        segments = [segment for segment, in self.db.execute("SELECT segment FROM segments")]
        unseen = [segment for segment in segments if segment not in self._fences]
        if unseen:
            read = self.db.execute(
                "SELECT segment, fences FROM segments WHERE segment IN (SELECT value FROM json_each(?))", (json.dumps(unseen),)
            )
            self._fences.update((segment, np.frombuffer(fences, dtype=_KEY)) for segment, fences in read)
        self._fences = {segment: self._fences[segment] for segment in segments if segment in self._fences}
        return self._fences

    def remove(self, docs: list[int]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO removed_docs VALUES (?)", ((int(d),) for d in docs))

    def merge(self) -> int:
        """Merge full levels, lowest first, as long as the result stays under the size cap.
        Returns the number of merges made."""
        merges, level = 0, 0
        top = self.db.execute("SELECT coalesce(max(level), -1) FROM segments").fetchone()[0]
        while level <= top:
            rows = self.db.execute("SELECT segment, pairs FROM segments WHERE level = ? ORDER BY segment LIMIT ?", (level, FANOUT)).fetchall()
            if len(rows) == FANOUT and sum(pairs for _, pairs in rows) <= MAX_SEGMENT_KEYS:
                self._merge([segment for segment, _ in rows], level + 1)
                merges += 1
                top = max(top, level + 1)
            else:
                level += 1
        return merges

    def pairs(self) -> int:
        """Stored pairs, those of removed documents not yet merged away included."""
        return self.db.execute("SELECT coalesce(sum(pairs), 0) FROM segments").fetchone()[0]

    def segments(self) -> int:
        return self.db.execute("SELECT count(*) FROM segments").fetchone()[0]

    def _merge(self, segments: list[int], level: int) -> None:
        parts = [self._read(segment) for segment in segments]
        keys = np.concatenate([k for k, _ in parts])
        docs = np.concatenate([d for _, d in parts])
        alive = ~np.isin(docs, self._removed())
        placeholders = ",".join("?" * len(segments))
        self.db.execute(f"DELETE FROM segment_blocks WHERE segment IN ({placeholders})", segments)
        self.db.execute(f"DELETE FROM segments WHERE segment IN ({placeholders})", segments)
        self.write(keys[alive], docs[alive], level)

    def _read(self, segment: int) -> tuple[np.ndarray, np.ndarray]:
        """Keys and documents of all of a segment's blocks, in key order."""
        rows = self.db.execute("SELECT keys, docs FROM segment_blocks WHERE segment = ? ORDER BY block", (segment,)).fetchall()
        return (
            np.frombuffer(b"".join(keys for keys, _ in rows), dtype=_KEY),
            np.frombuffer(b"".join(docs for _, docs in rows), dtype=_DOC),
        )

    def _column(self, segment: int, blocks: np.ndarray, column: str, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
        """One column (keys or docs) of some of a segment's blocks: each block's length and their
        values end to end, in block order."""
        rows = self.db.execute(
            f"SELECT {column} FROM segment_blocks WHERE segment = ? AND block IN (SELECT value FROM json_each(?)) ORDER BY block",
            (segment, json.dumps(blocks.tolist())),
        ).fetchall()
        sizes = np.fromiter((len(value) // dtype.itemsize for value, in rows), dtype=np.int64, count=len(rows))
        return sizes, np.frombuffer(b"".join(value for value, in rows), dtype=dtype)

    def _removed(self) -> np.ndarray:
        return np.fromiter((doc for doc, in self.db.execute("SELECT doc FROM removed_docs")), dtype=np.int64)


def _blocks_holding(fences: np.ndarray, probe: np.ndarray) -> np.ndarray:
    """The blocks that may hold any probe key: from the last block starting below the key to the
    last one starting at or below it (a run of equal keys may span blocks)."""
    first = np.maximum(np.searchsorted(fences, probe, "left") - 1, 0)
    last = np.searchsorted(fences, probe, "right") - 1
    present = last >= 0
    return distinct(_spans(first[present], last[present] + 1))


def _spans(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """Every integer of the ranges [start, stop), range after range."""
    lengths = stops - starts
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + offsets
