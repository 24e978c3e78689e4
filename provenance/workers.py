"""Work spread over the machine's cores: a ``map`` that runs in worker processes for large jobs."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from itertools import islice
from typing import Callable, Iterable, Iterator

PARALLEL_FROM = 1000  # documents: a smaller job is done before worker processes pay for themselves

# map(function, *iterables): builtins.map, or a process pool's map.
Mapper = Callable[..., Iterable]


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Lists of ``size`` items (the last one shorter), taken as they are needed."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def task_bounds(items: int, most: int, workers: int) -> list[tuple[int, int]]:
    """Cut ``range(items)`` into tasks of at most ``most`` items as (start, stop), whose sizes differ
    by one at most and whose number is a multiple of ``workers`` (when there are that many items),
    so that no worker waits idle for the last task of another."""
    tasks = -(-items // most)
    tasks = min(items, -(-tasks // workers) * workers)
    edges = [task * items // tasks for task in range(tasks + 1)] if tasks else [0]
    return list(zip(edges, edges[1:]))


def worker_count(requested: int | None, documents: int) -> int:
    """``requested`` processes (default: one per core), or one for a job under ``PARALLEL_FROM``."""
    return (requested or os.cpu_count() or 1) if documents >= PARALLEL_FROM else 1


@contextmanager
def pool_map(workers: int, chunksize: int = 1) -> Iterator[Mapper]:
    """``map``, in this process or spread over a pool of worker processes that take ``chunksize``
    items at a time (more for small items, so that each trip to a worker carries enough work)."""
    if workers <= 1:
        yield map
        return
    pool = ProcessPoolExecutor(workers)
    try:
        yield partial(pool.map, chunksize=chunksize)
    finally:
        # Work not yet started is dropped: after an error nobody waits for the rest of a corpus.
        pool.shutdown(wait=True, cancel_futures=True)
