#!/usr/bin/env python3
"""Build an index of synthetic 400-word documents and time checks of a 1,000-word draft against it.

    python scripts/benchmark_index.py [--docs 100000] [--checks 20] [--db /tmp/bench-index.db]
                                      [--redis redis://127.0.0.1:6379/14]

Prints build time and rate, index size, and check latency p50/p95: of the whole `provenance check`
command (process start included) and of the check alone in a running process. With --redis, the
same for a Redis index, side by side (the database given is emptied first).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tabulate import tabulate

from provenance.check import Policy, check_draft, load_drafts
from provenance.index import open_index
from provenance.synthetic import filler, planted_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--checks", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=5_000)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "provenance-bench-index.db")
    parser.add_argument("--redis", help="also build a Redis index at this URL (its database is emptied first)")
    args = parser.parse_args()

    for suffix in ("", "-wal", "-shm"):
        Path(str(args.db) + suffix).unlink(missing_ok=True)
    targets = [("SQLite", str(args.db))]
    if args.redis:
        import redis

        redis.Redis.from_url(args.redis).flushdb()
        targets.append(("Redis", args.redis))
    documents, _ = planted_corpus(args.docs, words=400, copy_rate=0.1, passage_words=60, seed=args.docs)
    rng = random.Random(7)
    lifted = [rng.choice(documents).text for _ in range(3)]
    draft_text = " ".join([filler(rng, 300), lifted[0][:400], filler(rng, 250), lifted[1][:400], filler(rng, 250), lifted[2][:400]])
    columns = {}
    with tempfile.TemporaryDirectory() as folder:
        draft = Path(folder) / "draft.txt"
        draft.write_text(draft_text, encoding="utf-8")
        for name, location in targets:
            columns[name] = measure(location, documents, draft, args)
    rows = [[label] + [column[label] for column in columns.values()] for label in next(iter(columns.values()))]
    print(f"{args.docs} documents, batches of {args.batch_size}, a draft of {len(draft_text.split())} words")
    print(tabulate(rows, headers=[""] + list(columns), tablefmt="plain", disable_numparse=True))


def measure(location: str, documents: list, draft: Path, args) -> dict:
    began = time.perf_counter()
    with open_index(location) as index:
        index.add(documents, batch_size=args.batch_size)
        build = time.perf_counter() - began
        stats = index.stats()
        in_process = []
        for _ in range(args.checks):
            began = time.perf_counter()
            report = check_draft(load_drafts([draft])[0], index, Policy())
            in_process.append(time.perf_counter() - began)
            assert report.failed  # the lifted passages are found
    commands = []
    for _ in range(args.checks):
        began = time.perf_counter()
        process = subprocess.run([sys.executable, "-m", "provenance", "check", str(draft), "--against", location], capture_output=True, text=True)
        commands.append(time.perf_counter() - began)
        assert process.returncode == 1, process.stderr
    return {
        "build seconds": f"{build:.1f}",
        "build docs/s": f"{len(documents) / build:.0f}",
        "band keys": stats["band_keys"],
        "index MB (file, or server memory)": f"{stats['bytes'] / 2**20:.0f}",
        "check p50 s (in process)": f"{percentile(in_process, 0.5):.3f}",
        "check p95 s (in process)": f"{percentile(in_process, 0.95):.3f}",
        "check p50 s (command)": f"{percentile(commands, 0.5):.3f}",
        "check p95 s (command)": f"{percentile(commands, 0.95):.3f}",
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


if __name__ == "__main__":
    main()
