#!/usr/bin/env python3
"""The local engine against the Spark engine on synthetic corpora: wall times, Spark's time per
stage, and the Spark driver's peak memory.

    python scripts/benchmark_spark.py [--sizes 20000 100000 200000] [--master local[*]]

Each corpus (400-word documents, 10% of them carrying a 60-word copy) is written as JSONL. The
local engine scans it in this process; the Spark engine scans the file in a process of its own,
as ``provenance scan --engine spark -f json -o`` does (read by Spark, JSON streamed from the
executors), so that the peak resident memory of that driver process is the driver's alone. The
script checks that both engines' JSON is equal. Times are the scans' own: reading the corpus,
writing the JSON and the Spark session's start are printed apart.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tabulate import tabulate

from provenance import scan
from provenance.report import to_json
from provenance.synthetic import planted_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--master", default="local[*]")
    parser.add_argument("--driver", nargs=2, metavar=("CORPUS", "OUT"), help=argparse.SUPPRESS)  # the Spark process's own work
    args = parser.parse_args()
    if args.driver:
        drive(Path(args.driver[0]), Path(args.driver[1]), args.master)
        return

    rows, stage_rows = [], {}
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            documents, _ = planted_corpus(size, words=400, copy_rate=0.1, passage_words=60, seed=size)
            corpus, out = Path(folder) / f"corpus-{size}.jsonl", Path(folder) / f"scan-{size}.json"
            with corpus.open("w", encoding="utf-8") as stream:
                for d in documents:
                    stream.write(json.dumps({"id": d.id, "text": d.text, "source": d.source, "published": d.published.text if d.published else None}) + "\n")
            began = time.perf_counter()
            local = scan(documents)
            local_seconds = time.perf_counter() - began
            expected = to_json(local)
            del documents, local
            report = subprocess.run([sys.executable, __file__, "--master", args.master, "--driver", str(corpus), str(out)],
                                    capture_output=True, text=True, check=False)
            if report.returncode != 0:
                sys.exit(f"{size} documents: the Spark scan failed: {report.stderr[-2000:]}")
            spark = json.loads(report.stdout.splitlines()[-1])
            same = json.loads(out.read_text(encoding="utf-8")) == expected
            rows.append([
                size, f"{local_seconds:.1f}", f"{spark['seconds']:.1f}", f"{spark['seconds'] / local_seconds:.1f}x", len(expected["clusters"]),
                spark["members"], f"{spark['driver_mb']:.0f}", f"{spark['jvm_mb']:.0f}", "yes" if same else "NO",
            ])
            stage_rows[size] = spark["stages"]
            print(f"{size} documents: local {local_seconds:.1f} s, spark {spark['seconds']:.1f} s (session start {spark['startup']:.1f} s apart), "
                  f"driver peak {spark['driver_mb']:.0f} MB, stages {spark['stages']}", flush=True)
    print(tabulate(rows, headers=["documents", "local s", "spark s", "spark / local", "families", "documents on the driver",
                                  "driver peak MB", "JVM peak MB", "same JSON"], disable_numparse=True))
    stages = list(next(iter(stage_rows.values())))
    print()
    print(tabulate([[stage] + [f"{stage_rows[size][stage]:.1f}" for size in stage_rows] for stage in stages],
                   headers=["spark stage (s)"] + [str(size) for size in stage_rows], disable_numparse=True))


def drive(corpus: Path, out: Path, master: str) -> None:
    """Scan a JSONL corpus with Spark as the CLI does, and print one JSON line of figures."""
    from provenance.report import json_chunks
    from provenance.spark_engine import read_documents, spark_scan, spark_session

    began = time.perf_counter()
    spark = spark_session(master)
    startup = time.perf_counter() - began
    began = time.perf_counter()
    documents = read_documents(spark, [corpus])
    reading = time.perf_counter() - began
    run = spark_scan(spark, documents)
    seconds = time.perf_counter() - began - reading
    began = time.perf_counter()
    with out.open("w", encoding="utf-8") as stream:
        stream.writelines(json_chunks(run.result, run.document_texts()))
    run.stages = {"read the JSONL": reading, **run.stages, "JSON written": time.perf_counter() - began}
    jvm = _peak_mb(spark.sparkContext._gateway.proc.pid)  # the JVM that local masters also run the executors' side in
    # VmHWM, not getrusage: Linux carries ru_maxrss over exec, so a child reports its parent's peak.
    driver = _peak_mb(os.getpid())
    spark.stop()
    print(json.dumps({"seconds": seconds, "startup": startup, "stages": run.stages, "members": len(run.result.documents), "driver_mb": driver, "jvm_mb": jvm}))


def _peak_mb(pid: int) -> float:
    """A process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    main()
