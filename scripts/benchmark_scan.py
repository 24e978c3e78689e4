#!/usr/bin/env python3
"""Time `scan` on the samples and on synthetic corpora with planted copies; print a table.

    python scripts/benchmark_scan.py [--sizes 1000 4000]
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from tabulate import tabulate

from provenance import load_corpus, scan
from provenance.attribute import COPY
from provenance.synthetic import planted_corpus

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    args = parser.parse_args()

    rows = []
    began = time.perf_counter()
    result = scan(load_corpus(SAMPLES).documents)
    rows.append(["samples", 5, f"{time.perf_counter() - began:.3f}", "", "", result.candidate_pairs, len(result.families), ""])
    for size in args.sizes:
        documents, truth = planted_corpus(size, words=400, copy_rate=0.1, passage_words=60, seed=size)
        began = time.perf_counter()
        result = scan(documents)
        seconds = time.perf_counter() - began
        found = {(m.doc, f.origin.doc) for f in result.families if f.origin for m in f.members if m.relation == COPY}
        recall = sum((t.copy, t.source) in found for t in truth) / len(truth)
        rows.append(
            [f"synthetic {size}", size, f"{seconds:.2f}", f"{size / seconds:.0f}", len(truth), result.candidate_pairs, len(result.families), f"{recall:.3f}"]
        )
    print(tabulate(rows, headers=["corpus", "docs", "seconds", "docs/s", "planted", "candidate pairs", "families", "recall"], disable_numparse=True))
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
