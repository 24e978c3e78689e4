#!/usr/bin/env python3
"""The local engine against the Spark engine on synthetic corpora, with Spark's time per stage.

    python scripts/benchmark_spark.py [--sizes 20000 100000] [--master local[*]]

Both engines scan the same synthetic 400-word documents with planted copies; the script checks
that their JSON is equal and prints wall times (Spark's session start apart) and each stage's time.
"""

from __future__ import annotations

import argparse
import time

from tabulate import tabulate

from provenance import scan
from provenance.report import to_json
from provenance.spark_engine import spark_scan, spark_session
from provenance.synthetic import planted_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--master", default="local[*]")
    args = parser.parse_args()

    began = time.perf_counter()
    spark = spark_session(args.master)
    startup = time.perf_counter() - began
    rows, stage_rows = [], {}
    for size in args.sizes:
        documents, _ = planted_corpus(size, words=400, copy_rate=0.1, passage_words=60, seed=size)
        began = time.perf_counter()
        local = scan(documents)
        local_seconds = time.perf_counter() - began
        began = time.perf_counter()
        run = spark_scan(spark, documents)
        spark_seconds = time.perf_counter() - began
        same = to_json(run.result)["clusters"] == to_json(local)["clusters"]
        rows.append([size, f"{local_seconds:.1f}", f"{spark_seconds:.1f}", f"{spark_seconds / local_seconds:.1f}x", len(local.families), "yes" if same else "NO"])
        stage_rows[size] = run.stages
        print(f"{size} documents: local {local_seconds:.1f} s, spark {spark_seconds:.1f} s, stages {run.stages}", flush=True)
    print(f"Spark session start ({args.master}): {startup:.1f} s, not counted below")
    print(tabulate(rows, headers=["documents", "local s", "spark s", "spark / local", "families", "same clusters"], disable_numparse=True))
    stages = list(next(iter(stage_rows.values())))
    print()
    print(tabulate([[stage] + [f"{stage_rows[size][stage]:.1f}" for size in stage_rows] for stage in stages],
                   headers=["spark stage (s)"] + [str(size) for size in stage_rows], disable_numparse=True))
    spark.stop()


if __name__ == "__main__":
    main()
