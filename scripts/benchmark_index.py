#!/usr/bin/env python3
"""Build an index of synthetic 400-word documents and time checks of a 1,000-word draft against it.

    python scripts/benchmark_index.py [--docs 100000] [--checks 20] [--db /tmp/bench-index.db]

Prints build time and rate, index size on disk, and check latency p50/p95 of the whole
`provenance check` command (process start included).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tabulate import tabulate

from provenance.index import Index
from provenance.synthetic import filler, planted_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--checks", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=5_000)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "provenance-bench-index.db")
    args = parser.parse_args()

    for suffix in ("", "-wal", "-shm"):
        Path(str(args.db) + suffix).unlink(missing_ok=True)
    documents, _ = planted_corpus(args.docs, words=400, copy_rate=0.1, passage_words=60, seed=args.docs)
    began = time.perf_counter()
    with Index(args.db) as index:
        index.add(documents, batch_size=args.batch_size)
        build = time.perf_counter() - began
        stats = index.stats()

    rng = random.Random(7)
    lifted = [rng.choice(documents).text for _ in range(3)]
    draft_text = " ".join([filler(rng, 300), lifted[0][:400], filler(rng, 250), lifted[1][:400], filler(rng, 250), lifted[2][:400]])
    with tempfile.TemporaryDirectory() as folder:
        draft = Path(folder) / "draft.txt"
        draft.write_text(draft_text, encoding="utf-8")
        latencies = []
        for _ in range(args.checks):
            began = time.perf_counter()
            process = subprocess.run([sys.executable, "-m", "provenance", "check", str(draft), "--against", str(args.db)], capture_output=True, text=True)
            latencies.append(time.perf_counter() - began)
            assert process.returncode == 1, process.stderr  # the lifted passages are found
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    rows = [
        ["documents", stats["documents"]],
        ["build seconds", f"{build:.1f}"],
        ["build docs/s", f"{args.docs / build:.0f}"],
        ["batch size", args.batch_size],
        ["band keys", stats["band_keys"]],
        ["key segments", stats["key_segments"]],
        ["index MB on disk", f"{stats['bytes'] / 2**20:.0f}"],
        ["draft words", len(draft_text.split())],
        ["check p50 s", f"{statistics.median(latencies):.3f}"],
        ["check p95 s", f"{p95:.3f}"],
    ]
    print(tabulate(rows, tablefmt="plain", disable_numparse=True))


if __name__ == "__main__":
    main()
