#!/usr/bin/env python3
"""Write a labeled reuse benchmark: a JSONL corpus and a JSONL truth file.

    python scripts/make_benchmark.py OUT_DIR [--seed 1] [--split dev|heldout] [--scale 1]

OUT_DIR/corpus.jsonl holds the articles (id, text, source, published); OUT_DIR/truth.jsonl one
planted passage per line (doc, start, end, origin, origin_start, origin_end, level, kind).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from provenance.benchmark import make_benchmark
from provenance.evaluate import write_truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--split", choices=("dev", "heldout"), default="dev")
    parser.add_argument("--scale", type=int, default=1, help="multiply the number of articles of each kind")
    args = parser.parse_args()

    bench = make_benchmark(args.seed, args.split, args.scale)
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "corpus.jsonl", "w", encoding="utf-8") as stream:
        for doc in bench.documents:
            record = {"id": doc.id, "text": doc.text, "source": doc.source, "published": doc.published.text}
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    write_truth(args.out / "truth.jsonl", bench.cases)
    print(f"{len(bench.documents)} articles, {len(bench.cases)} planted passages -> {args.out}")


if __name__ == "__main__":
    main()
