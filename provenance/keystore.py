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

BLOCK = 1024  # pairs per stored block: a lookup reads one block (12 KB) per key it seeks
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

    def write(self, keys: np.ndarray, docs: np.ndarray, level: int = 0) -> None:
        """Store pairs as one new segment."""
        if len(keys) == 0:
            return
        order = np.argsort(keys, kind="stable")
        keys, docs = keys[order].astype(_KEY), docs[order].astype(_DOC)
        segment = self.db.execute(
            "INSERT INTO segments (level, pairs, fences) VALUES (?, ?, ?)", (level, len(keys), keys[::BLOCK].tobytes())
        ).lastrowid
        self.db.executemany(
            "INSERT INTO segment_blocks VALUES (?, ?, ?, ?)",
            (
                (segment, block, keys[start : start + BLOCK].tobytes(), docs[start : start + BLOCK].tobytes())
                for block, start in enumerate(range(0, len(keys), BLOCK))
            ),
        )

    def lookup(self, probe: np.ndarray) -> np.ndarray:
        """The document row of every stored pair whose key is in ``probe`` (int64), removed
        documents left out: a document appears once per key it shares with the probe."""
        probe = np.unique(probe.astype(_KEY))
        found = [np.empty(0, dtype=_DOC)]
        if len(probe) == 0:
            return found[0].astype(np.int64)
        for segment, fences in self.db.execute("SELECT segment, fences FROM segments").fetchall():
            blocks = _blocks_holding(np.frombuffer(fences, dtype=_KEY), probe)
            if len(blocks) == 0:
                continue
            keys, docs = self._read(segment, blocks)
            found.append(docs[np.isin(keys, probe)])
        docs = np.concatenate(found).astype(np.int64)
        return docs[~np.isin(docs, self._removed())]

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

    def _read(self, segment: int, blocks: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Keys and documents of a segment's blocks (all of them without ``blocks``), in key order."""
        if blocks is None:
            cursor = self.db.execute("SELECT keys, docs FROM segment_blocks WHERE segment = ? ORDER BY block", (segment,))
        else:
            cursor = self.db.execute(
                "SELECT keys, docs FROM segment_blocks WHERE segment = ? AND block IN (SELECT value FROM json_each(?)) ORDER BY block",
                (segment, json.dumps(blocks.tolist())),
            )
        rows = cursor.fetchall()
        if not rows:
            return np.empty(0, dtype=_KEY), np.empty(0, dtype=_DOC)
        return (
            np.concatenate([np.frombuffer(keys, dtype=_KEY) for keys, _ in rows]),
            np.concatenate([np.frombuffer(docs, dtype=_DOC) for _, docs in rows]),
        )

    def _removed(self) -> np.ndarray:
        return np.fromiter((doc for doc, in self.db.execute("SELECT doc FROM removed_docs")), dtype=np.int64)


def _blocks_holding(fences: np.ndarray, probe: np.ndarray) -> np.ndarray:
    """The blocks that may hold any probe key: from the last block starting below the key to the
    last one starting at or below it (a run of equal keys may span blocks)."""
    first = np.maximum(np.searchsorted(fences, probe, "left") - 1, 0)
    last = np.searchsorted(fences, probe, "right") - 1
    present = last >= 0
    first, last = first[present], last[present]
    lengths = last - first + 1
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.unique(np.repeat(first, lengths) + offsets)
