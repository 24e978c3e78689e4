#!/usr/bin/env python3
"""Scan a benchmark and print PAN measures per edit level and overall, with the scan time.

    python scripts/evaluate.py BENCH_DIR [--min-words N] [--min-similarity S] [--sweep]

BENCH_DIR holds corpus.jsonl and truth.jsonl (scripts/make_benchmark.py writes them). --sweep
scans once per combination of the alignment knobs and prints one line each.
"""

from __future__ import annotations

import argparse
import itertools
import time
from dataclasses import replace
from pathlib import Path

from tabulate import tabulate

from provenance import ScanParams, load_corpus, scan
from provenance.scan import TEXT_MODELS, text_model_params
from provenance.evaluate import detections, read_truth, score_by_level

ORDER = ("verbatim", "light", "heavy", "stitched", "second-generation", "overall")


def run(documents, cases, params: ScanParams):
    began = time.perf_counter()
    result = scan(documents, params)
    seconds = time.perf_counter() - began
    return score_by_level(cases, detections(result)), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench", type=Path)
    parser.add_argument("--min-words", type=int)
    parser.add_argument("--min-similarity", type=float)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--text-model", choices=TEXT_MODELS, default="auto", help="what a token is (scan --text-model)")
    args = parser.parse_args()

    documents = load_corpus(args.bench / "corpus.jsonl").documents
    cases = read_truth(args.bench / "truth.jsonl")
    base = text_model_params(args.text_model, texts=[d.text for d in documents])
    if args.min_words is not None:
        base = replace(base, align=replace(base.align, min_words=args.min_words))
    if args.min_similarity is not None:
        base = replace(base, align=base.align.with_min_similarity(args.min_similarity))

    if args.sweep:
        rows = []
        for shingle, gap, similarity, words in itertools.product((2, 3, 4), (8, 16), (0.4, 0.5, 0.6), (10, 12)):
            params = replace(base, align=replace(base.align.with_min_similarity(similarity), shingle_size=shingle, max_gap=gap, min_words=words))
            scores, seconds = run(documents, cases, params)
            o = scores["overall"]
            rows.append([shingle, gap, similarity, words, f"{o.precision:.3f}", f"{o.recall:.3f}", f"{o.granularity:.3f}", f"{o.plagdet:.3f}", f"{o.attribution:.3f}", f"{seconds:.2f}"])
        print(tabulate(rows, headers=["shingle", "max gap", "min sim", "min words", "precision", "recall", "granularity", "plagdet", "attribution", "seconds"], disable_numparse=True))
        return

    scores, seconds = run(documents, cases, base)
    rows = [
        [name, s.cases, s.detections, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.granularity:.3f}", f"{s.plagdet:.3f}", f"{s.attribution:.3f}", f"{s.lineage:.3f}", f"{s.credit:.3f}"]
        for name in ORDER
        if (s := scores.get(name))
    ]
    print(tabulate(rows, headers=["level", "cases", "detections", "precision", "recall", "granularity", "plagdet", "attribution", "lineage", "credit"], disable_numparse=True))
    print(f"\nscan: {len(documents)} articles in {seconds:.2f} s")


if __name__ == "__main__":
    main()
