#!/usr/bin/env python3
"""Scan the real-news benchmark and print, per kind of reuse, what the scan made of it.

    python scripts/evaluate_news.py [--split dev|heldout] [--seed N] [--labels FILE] [--unlabeled FILE]

Builds ``provenance.news_benchmark`` (BBC articles given to eight outlets, with furniture, stock
phrases, shared quotes, stock background, wire copy and copies planted), scans it, and prints per
planted kind how many cases are reported as copies, as their own kind, or missed, with who copied
whom for copies; then, per kind the scan reported, its precision against the planted truth and
the hand labels (scripts/labels/bbc_news_<split>.jsonl, made for seed 1). What neither explains
is written to --unlabeled, with its text, for labeling.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from tabulate import tabulate

from provenance import scan
from provenance.scan import TEXT_MODELS, text_model_params
from provenance.news_benchmark import make_news_benchmark
from provenance.news_evaluate import read_labels, score_news, unlabeled_records

LABELS = Path(__file__).resolve().parent / "labels"
LABELED_SEED = 1


def share(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "heldout"), default="dev")
    parser.add_argument("--seed", type=int, default=LABELED_SEED)
    parser.add_argument("--labels", type=Path, help=f"hand labels (default: {LABELS}/bbc_news_<split>.jsonl, for seed {LABELED_SEED})")
    parser.add_argument("--text-model", choices=TEXT_MODELS, default="auto", help="what a token is (scan --text-model)")
    parser.add_argument("--unlabeled", type=Path, help="where to write what no truth explains (default: in the temporary folder)")
    args = parser.parse_args()

    bench = make_news_benchmark(args.seed, args.split)
    began = time.perf_counter()
    result = scan(bench.documents, text_model_params(args.text_model, texts=[d.text for d in bench.documents]))
    seconds = time.perf_counter() - began
    label_path = args.labels or (LABELS / f"bbc_news_{args.split}.jsonl" if args.seed == LABELED_SEED else None)
    labels, stale = read_labels(label_path, bench.documents) if label_path and label_path.exists() else ([], 0)
    scores = score_news(result, bench.cases, labels)

    print(f"split {args.split}, seed {args.seed}: {len(bench.documents)} documents, {len(bench.cases)} cases; "
          f"scan {seconds:.1f} s, {len(result.families)} families, {len(result.boilerplate)} boilerplate passages")
    print()
    rows = [
        [k.kind, k.planted, k.as_copy, k.as_own, k.as_other, k.missed, share(k.as_copy, k.planted),
         f"{share(k.direction_right, k.direction_judged)} of {k.direction_judged}" if k.kind in ("copy", "wire") else ""]
        for k in scores.kinds
    ]
    print(tabulate(rows, headers=["planted kind", "cases", "as copies", "as own kind", "as another kind", "missed", "share as copies", "who copied whom"], disable_numparse=True))
    print()
    rows = []
    for p in scores.precision:
        planted = ", ".join(f"{k} {n}" for k, n in sorted(p.planted.items()))
        labeled = ", ".join(f"{k} {n}" for k, n in sorted(p.labeled.items()))
        rows.append([p.kind, p.items, planted, labeled, p.unlabeled,
                     "-" if p.precision is None else f"{p.precision:.2f}", "-" if p.estimated is None else f"{p.estimated:.2f}"])
    print(tabulate(rows, headers=["reported as", "items", "planted truth", "hand labels", "unlabeled", "precision of labeled", "estimated over all"], disable_numparse=True))
    if labels:
        agree = sum(label.kind == case.kind for label, case in scores.label_checks)
        print(f"\nhand labels: {len(labels)} from {label_path.name}; of the {len(scores.label_checks)} on planted cases, {agree} agree with the planted kind")
    if stale:
        print(f"\n{stale} hand labels no longer cover the text they were made on (the benchmark changed): left out; label again")

    out = args.unlabeled or Path(tempfile.gettempdir()) / f"provenance-news-unlabeled-{args.split}-{args.seed}.jsonl"
    records = unlabeled_records(result, scores.unlabeled)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    counts = {}
    for r in records:
        counts[r["kind"]] = counts.get(r["kind"], 0) + 1
    print(f"\nunlabeled: {len(records)} ({', '.join(f'{k} {n}' for k, n in sorted(counts.items())) or 'none'}), written to {out}")


if __name__ == "__main__":
    main()
