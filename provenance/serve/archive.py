"""The index as the service keeps it open: reader threads that each hold their own connection,
and one writer thread.

A SQLite connection belongs to the thread that opened it, and an index opened once answers every
request after it (no process start, no opening per check: a warm check). In WAL mode readers
never wait for the writer; with Redis, several services share one index.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from concurrent.futures import Future
from typing import Callable, TypeVar
from urllib.parse import urlsplit

from ..check import CANDIDATES
from ..index import ArchiveIndex, open_index
from ..corpus import Document
from ..scan import ScanResult, scan

READERS = 4  # threads a service process checks on; checks mostly hold the GIL, so --workers adds cores
T = TypeVar("T")


class IndexThreads:
    """Threads that each keep the index open and run the work handed to them on it."""

    def __init__(self, location: str, count: int, name: str):
        self.location = location
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._serve, name=f"{name}-{n}", daemon=True) for n in range(count)]
        for thread in self._threads:
            thread.start()

    async def run(self, work: Callable[[ArchiveIndex], T]) -> T:
        """``work(index)`` on one of the threads. Cancelled (a request past its time limit) before
        it starts, it never runs; once started it runs to its end."""
        future: Future = Future()
        self._jobs.put((future, work))
        return await asyncio.wrap_future(future)

    def _serve(self) -> None:
        index = None
        try:
            while (job := self._jobs.get()) is not None:
                future, work = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    if index is None:  # opened on first use: a Redis server down now may be up for the next request
                        index = open_index(self.location, create=False)
                    future.set_result(work(index))
                except Exception as error:  # the request that asked answers for it
                    future.set_exception(error)
        finally:
            if index is not None:
                index.close()

    def close(self) -> None:
        """Let the threads finish the work they have, then close their indexes."""
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join()


def families_of(index: ArchiveIndex, doc_id: str) -> ScanResult | None:
    """An indexed document scanned with the archive documents nearest to it (those sharing the
    most band keys, as many as a check takes): the families it belongs to. None for an unknown id."""
    doc = index.document(doc_id)
    if doc is None:
        return None
    nearest = [other for other in index.candidates(doc.text, limit=CANDIDATES) if other.id != doc.id]
    return scan([doc] + nearest, index.params, hasher=index.hasher, focus=0)


def document_json(doc: Document, with_text: bool) -> dict:
    """An indexed document's metadata, as the scan JSON gives a document's (and its text on request)."""
    described = {name: getattr(doc, name) for name in ("id", "source", "title", "url")}
    described["published"] = doc.published.text if doc.published else None
    described["published_inferred"] = bool(doc.published and doc.published.inferred)
    described["chars"] = len(doc.text)
    return {**described, "text": doc.text} if with_text else described


def shown(location: str) -> str:
    """An index location fit to show a client: a Redis URL's password left out."""
    parts = urlsplit(location)
    if parts.password is None:
        return location
    return parts._replace(netloc=f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")).geturl()
