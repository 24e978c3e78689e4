"""The archive index in Redis, shared by every process that reaches the server: editors' checks
and the writers that add to the archive, all at once.

It answers as :class:`provenance.index.Index` does (``add``, ``candidates``, ``documents``,
``remove``, ``stats``) from a layout of our own, under one key prefix:

- ``P:meta``: the fingerprint settings and hash permutations, as JSON, set once (``SET NX``);
- ``P:doc:ROW``: a document's fields and text, one hash per row number (rows come from ``INCR``
  on ``P:next`` and are never reused);
- ``P:ids``: document id -> its live row; a row is a live document only while this points at it;
- ``P:b:BUCKET``: the (band key, row) pairs of every key whose low bits are BUCKET, packed as 12
  little-endian bytes each and appended, so a lookup reads one short string per key sought.

A writer stores a batch's documents and pairs under new rows, then publishes them with one
script that Redis runs atomically: it points ``P:ids`` at the new rows, unless another writer
published the same text first. A writer killed before that leaves rows nobody points at, which
readers skip; two writers adding the same document leave one. Nothing read from the server is
unpickled: values are UTF-8 text, JSON and packed integers, checked as they are parsed.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Iterable, Iterator

import numpy as np

from .arrays import distinct
from .corpus import Document
from .dates import parse_published
from .fingerprint import PassageHasher
from .index import AddReport, ArchiveIndex, IndexFileError, digest, fingerprint_settings, read_as_built, settings_problem
from .scan import ScanParams

SCHEMA_VERSION = "redis-1"
URL_SCHEMES = ("redis://", "rediss://", "unix://")
PREFIX = "provenance"
BUCKET_BITS = 18  # 262,144 buckets: at 100,000 documents a bucket holds ~190 pairs (2.3 KB)
PAIR = np.dtype([("key", "<i8"), ("row", "<u4")])
FIELDS = ("id", "source", "title", "url", "published", "text", "digest")
BUCKETS_PER_CALL = 8192  # buckets appended by one script call: Redis serves others between calls

# ARGV: prefix, then (id, row, digest) per document. Returns {added, replaced, unchanged}.
_PUBLISH = """
local p = ARGV[1]
local added, replaced, unchanged = 0, 0, 0
for i = 2, #ARGV, 3 do
  local id, row, digest = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local old = redis.call('HGET', p .. ':ids', id)
  if old and redis.call('HGET', p .. ':doc:' .. old, 'digest') == digest then
    redis.call('DEL', p .. ':doc:' .. row)
    redis.call('SADD', p .. ':removed', row)
    unchanged = unchanged + 1
  else
    redis.call('HSET', p .. ':ids', id, row)
    if old then
      redis.call('DEL', p .. ':doc:' .. old)
      redis.call('SADD', p .. ':removed', old)
      replaced = replaced + 1
    else
      added = added + 1
    end
  end
end
return {added, replaced, unchanged}
"""

# ARGV: the bucket key prefix, (bucket, pair count) as little-endian uint32 pairs, and the packed
# pairs of those buckets one after another. Appending server-side spares a command per bucket.
_APPEND = """
local base, index, pairs = ARGV[1], ARGV[2], ARGV[3]
local offset = 1
for i = 1, #index, 8 do
  local bucket, count = struct.unpack('<I4I4', index, i)
  local size = count * 12
  redis.call('APPEND', base .. bucket, string.sub(pairs, offset, offset + size - 1))
  offset = offset + size
end
return #index / 8
"""

# ARGV: prefix, then ids. All or none: returns the first unknown id, or false when all are removed.
_REMOVE = """
local p = ARGV[1]
for i = 2, #ARGV do
  if not redis.call('HGET', p .. ':ids', ARGV[i]) then return ARGV[i] end
end
for i = 2, #ARGV do
  local row = redis.call('HGET', p .. ':ids', ARGV[i])
  redis.call('HDEL', p .. ':ids', ARGV[i])
  redis.call('DEL', p .. ':doc:' .. row)
  redis.call('SADD', p .. ':removed', row)
end
return false
"""


def is_redis_url(location: str | object) -> bool:
    return isinstance(location, str) and location.startswith(URL_SCHEMES)


class RedisIndex(ArchiveIndex):
    """``RedisIndex("redis://127.0.0.1:6379/0")`` opens (or, with ``create``, starts) the index
    kept on that server."""

    def __init__(self, url: str, params: ScanParams | None = None, create: bool = True, prefix: str = PREFIX):
        try:
            import redis
        except ImportError:
            raise IndexFileError(f"{url}: a Redis index needs the redis package (pip install 'provenance[redis]')") from None
        self.path = url  # named as an index file is, in messages
        self._given = params
        self.params = params or ScanParams()
        self.prefix = prefix
        self._errors = (redis.RedisError,)
        try:
            self.server = redis.Redis.from_url(url, socket_timeout=60)
            self._setup(create)
        except redis.RedisError as error:
            raise IndexFileError(f"{url}: Redis answered {type(error).__name__}: {error}") from None
        except ValueError as error:  # a malformed URL
            raise IndexFileError(f"{url}: not a Redis URL ({error})") from None
        self._publish = self.server.register_script(_PUBLISH)
        self._remove = self.server.register_script(_REMOVE)
        self._append = self.server.register_script(_APPEND)

    @contextmanager
    def _failures_translated(self) -> Iterator[None]:
        """A server gone or refusing mid-way is one IndexFileError, as a broken index file is."""
        try:
            yield
        except self._errors as error:
            raise IndexFileError(f"{self.path}: Redis answered {type(error).__name__}: {error}") from None

    def _key(self, *parts: object) -> str:
        return ":".join([self.prefix, *map(str, parts)])

    def _setup(self, create: bool) -> None:
        wanted = {"schema": SCHEMA_VERSION, "settings": fingerprint_settings(self.params)}
        stored = self.server.get(self._key("meta"))
        if stored is None:
            if not create:
                raise IndexFileError(f"{self.path}: no provenance index here (add documents to start one)")
            permutations = PassageHasher(self.params.num_perm, self.params.seed, self.params.window, self.params.step).permutations
            self.server.set(self._key("meta"), json.dumps({**wanted, "permutations": permutations.tolist()}), nx=True)
            stored = self.server.get(self._key("meta"))  # another process may have started it first
        try:
            meta = json.loads(stored)
            permutations = np.array(meta["permutations"], dtype=np.uint64)
            if meta.get("schema") != SCHEMA_VERSION:
                raise IndexFileError(f"{self.path}: index schema {meta.get('schema')!r}, this version reads {SCHEMA_VERSION!r}")
            self.params = read_as_built(meta["settings"], self._given)
            problem = settings_problem(meta["settings"], self.params)
            if problem:
                raise IndexFileError(f"{self.path}: {problem}")
        except (ValueError, KeyError, TypeError) as error:
            raise IndexFileError(f"{self.path}: {self._key('meta')} is not an index's description ({error})") from None
        self.hasher = PassageHasher(self.params.num_perm, self.params.seed, self.params.window, self.params.step, permutations)

    def close(self) -> None:
        self.server.close()

    # -- writing ---------------------------------------------------------------------------------

    def _add_batch(self, batch: list[Document], keys: list[np.ndarray], buckets: list[np.ndarray], report: AddReport) -> None:
        # Shingle frequencies are not kept in Redis: a check weighs wording by its candidates alone.
        digests = [digest(doc.text) for doc in batch]
        known = self._known_digests([doc.id for doc in batch])
        fresh = [i for i, doc in enumerate(batch) if known.get(doc.id) != digests[i]]
        report.unchanged += len(batch) - len(fresh)
        if not fresh:
            return
        last = self.server.incrby(self._key("next"), len(fresh))
        rows = list(range(last - len(fresh) + 1, last + 1))
        commands = self.server.pipeline(transaction=False)
        for i, row in zip(fresh, rows):
            doc = batch[i]
            fields = {"id": doc.id, "source": doc.source, "title": doc.title, "url": doc.url,
                      "published": doc.published.label if doc.published else None, "text": doc.text, "digest": digests[i]}
            commands.hset(self._key("doc", row), mapping={name: value for name, value in fields.items() if value is not None})
        commands.incrby(self._key("pairs"), sum(len(keys[i]) for i in fresh))
        commands.execute()
        self._append_pairs(np.concatenate([keys[i] for i in fresh]), np.repeat(rows, [len(keys[i]) for i in fresh]))
        published = [value for i, row in zip(fresh, rows) for value in (batch[i].id, row, digests[i])]
        added, replaced, unchanged = self._publish(args=[self.prefix, *published])
        report.added, report.replaced, report.unchanged = report.added + added, report.replaced + replaced, report.unchanged + unchanged

    def _append_pairs(self, keys: np.ndarray, rows: np.ndarray) -> None:
        """Append (key, row) pairs to their buckets, a few thousand buckets per script call."""
        if len(keys) == 0:
            return
        buckets = keys & ((1 << BUCKET_BITS) - 1)
        order = np.argsort(buckets, kind="stable")
        pairs = np.empty(len(keys), dtype=PAIR)
        pairs["key"], pairs["row"] = keys[order], rows[order]
        names, counts = np.unique(buckets[order], return_counts=True)
        ends = np.cumsum(counts)
        for first in range(0, len(names), BUCKETS_PER_CALL):
            last = min(first + BUCKETS_PER_CALL, len(names))
            index = np.column_stack([names[first:last], counts[first:last]]).astype("<u4")
            begin = ends[first - 1] if first else 0
            self._append(args=[self._key("b", ""), index.tobytes(), pairs[begin : ends[last - 1]].tobytes()])

    def _known_digests(self, ids: list[str]) -> dict[str, str]:
        rows = self.server.hmget(self._key("ids"), ids)
        lookups = self.server.pipeline(transaction=False)
        present = [(doc_id, row) for doc_id, row in zip(ids, rows) if row is not None]
        for _, row in present:
            lookups.hget(self._key("doc", int(row)), "digest")
        return {doc_id: value.decode("ascii") for (doc_id, _), value in zip(present, lookups.execute()) if value is not None}

    def remove(self, ids: list[str]) -> None:
        """Remove documents by id, all or none: an unknown id raises IndexFileError."""
        with self._failures_translated():
            unknown = self._remove(args=[self.prefix, *ids])
        if unknown:
            raise IndexFileError(f"{self.path}: no document with id {unknown.decode('utf-8')!r}")

    # -- reading ---------------------------------------------------------------------------------

    def __len__(self) -> int:
        with self._failures_translated():
            return self.server.hlen(self._key("ids"))

    def _live_rows(self) -> list[int]:
        return sorted(int(row) for row in self.server.hvals(self._key("ids")))

    def stats(self) -> dict:
        with self._failures_translated():
            return self._stats()

    def _stats(self) -> dict:
        sources, dates = set(), []
        rows = self._live_rows()
        for start in range(0, len(rows), 1000):
            fetch = self.server.pipeline(transaction=False)
            for row in rows[start : start + 1000]:
                fetch.hmget(self._key("doc", row), ["source", "published"])  # not the texts
            for source, published in fetch.execute():
                sources.add(source)
                if published:
                    dates.append(published)
        try:
            first, last = (value.decode("utf-8") if value else None for value in (min(dates, default=None), max(dates, default=None)))
        except UnicodeDecodeError as error:
            raise IndexFileError(f"{self.path}: a stored date is not text ({error})") from None
        return {
            "path": self.path,
            "documents": len(self),
            "outlets": len(sources - {None}),
            "band_keys": int(self.server.get(self._key("pairs")) or 0),
            "removed_rows": self.server.scard(self._key("removed")),
            "first_published": first,
            "last_published": last,
            "bytes": self.server.info("memory")["used_memory"],
        }

    def documents(self, rows: Iterable[int] | None = None) -> Iterator[Document]:
        """All live documents in the order they were added, or those stored under ``rows``."""
        with self._failures_translated():
            for _, doc in self._fetch(self._live_rows() if rows is None else sorted(set(rows))):
                yield doc

    def document(self, doc_id: str) -> Document | None:
        """The live document with this id, or None."""
        with self._failures_translated():
            row = self.server.hget(self._key("ids"), doc_id)
            return next((doc for _, doc in self._fetch([int(row)])), None) if row is not None else None

    def _fetch(self, rows: list[int]) -> Iterator[tuple[int, Document]]:
        """(row, document) for each of ``rows`` still stored, in the order given."""
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            fetch = self.server.pipeline(transaction=False)
            for row in chunk:
                fetch.hmget(self._key("doc", row), FIELDS)
            for row, values in zip(chunk, fetch.execute()):
                if values[0] is not None:  # removed or replaced meanwhile
                    yield row, self._document(row, values)

    def _document(self, row: int, values: list[bytes | None]) -> Document:
        try:
            doc_id, source, title, url, published, text, _ = (v.decode("utf-8") if v is not None else None for v in values)
            return Document(doc_id, text or "", source, title, url, parse_published(published) if published else None, f"{self.path}#{doc_id}")
        except (UnicodeDecodeError, ValueError) as error:
            raise IndexFileError(f"{self.path}: row {row} is not a stored document ({error})") from None

    def candidates(self, text: str, limit: int = 100) -> list[Document]:
        """The ``limit`` indexed documents sharing the most band keys with a text, in the order they
        were added (as the SQLite index gives them)."""
        with self._failures_translated():
            return self._candidates(text, limit)

    def _candidates(self, text: str, limit: int) -> list[Document]:
        keys = self.keys_of(text)
        if len(keys) == 0:
            return []
        buckets = distinct(keys & ((1 << BUCKET_BITS) - 1))
        stored = self.server.mget([self._key("b", int(b)) for b in buckets])
        pairs = np.concatenate([self._pairs(blob) for blob in stored if blob] or [np.empty(0, dtype=PAIR)])
        rows, shared = np.unique(pairs["row"][np.isin(pairs["key"], keys)], return_counts=True)
        ranked = rows[np.lexsort((rows, -shared))].astype(np.int64).tolist()
        found: list[tuple[int, Document]] = []
        # A row counts only while its id points at it: rows in flight, replaced or removed are skipped.
        for start in range(0, len(ranked), 2 * limit):
            fetched = list(self._fetch(ranked[start : start + 2 * limit]))
            current = self.server.hmget(self._key("ids"), [doc.id for _, doc in fetched]) if fetched else []
            found += [(row, doc) for (row, doc), live in zip(fetched, current) if live is not None and int(live) == row]
            if len(found) >= limit:
                break
        return [doc for _, doc in sorted(found[:limit], key=lambda pair: pair[0])]

    def _pairs(self, blob: bytes) -> np.ndarray:
        if len(blob) % PAIR.itemsize:
            raise IndexFileError(f"{self.path}: a key bucket of {len(blob)} bytes is not whole pairs")
        return np.frombuffer(blob, dtype=PAIR)
