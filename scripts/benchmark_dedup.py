#!/usr/bin/env python3
"""Near-duplicate removal: provenance dedup next to text-dedup and plain datasketch, then at scale.

    python scripts/benchmark_dedup.py [--seed 1] [--scale 2] [--text-dedup-python PYTHON]
                                      [--sizes 1000 4000] [--large 100000]

Part 1 runs each tool on the same labeled corpus (provenance.dedup_benchmark) and counts, by kind,
the duplicates dropped and the distinct documents wrongly dropped, with wall time and peak memory
of each run. text-dedup 0.4.0 needs its own environment (it pins its own libraries): give its
Python with --text-dedup-python, e.g. a venv made with `pip install text-dedup==0.4.0`. The
datasketch baselines: MinHashLSH at threshold 0.8 over word 5-grams, 128 permutations, keeping
the first document of each group in file order, as text-dedup does; and MinHashLSHEnsemble at
containment 0.8 over word 3-grams, keeping the earliest dated, as provenance does.

Part 2 runs them on synthetic corpora (provenance.synthetic) of the given sizes, which hold reuse
(10% of the documents carry a 60-word passage of another) but no duplicates: every drop is wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from tabulate import tabulate

from provenance.dedup_benchmark import DISTINCT_KINDS, DUPLICATE_KINDS, make_dedup_benchmark
from provenance.synthetic import planted_corpus

# Runs a command and prints its wall time and the peak memory of its largest process.
_MEASURE = (
    "import resource, subprocess, sys, time; began = time.perf_counter(); "
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode; "
    "print(code, time.perf_counter() - began, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def measured(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak MB) of a command, which must succeed."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True, env={**os.environ, "HF_DATASETS_OFFLINE": "1"})
    code, seconds, kilobytes = out.stdout.split()
    if code != "0":
        raise SystemExit(f"failed ({code}): {' '.join(command)}")
    return float(seconds), int(kilobytes) / 1024


def write_corpus(path: Path, documents) -> None:
    with open(path, "w", encoding="utf-8") as stream:
        for doc in documents:
            stream.write(json.dumps({"id": doc.id, "text": doc.text, "source": doc.source, "published": doc.published.text}, ensure_ascii=False) + "\n")


def kept_ids_jsonl(path: Path) -> set[str]:
    with open(path, encoding="utf-8") as stream:
        return {json.loads(line)["id"] for line in stream}


def datasketch_baseline(corpus: Path, out: Path) -> None:
    """Plain MinHashLSH: each document in file order is dropped if the LSH finds an earlier kept one."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    kept = []
    with open(corpus, encoding="utf-8") as stream:
        records = [json.loads(line) for line in stream]
    words = [re.findall(r"\w+", r["text"].lower()) for r in records]
    shingles = [[" ".join(w[i : i + 5]).encode("utf-8") for i in range(max(1, len(w) - 4))] for w in words]
    for record, signature in zip(records, MinHash.bulk(shingles, num_perm=128)):
        if not lsh.query(signature):
            lsh.insert(record["id"], signature)
            kept.append(record["id"])
    out.write_text(json.dumps(kept))


def run_tools(args, corpus: Path, folder: Path) -> list[tuple[str, set[str], float, float]]:
    """(tool, ids kept, wall seconds, peak MB) for each tool on one corpus."""
    runs = []
    kept = folder / "kept.jsonl"
    seconds, peak = measured([sys.executable, "-m", "provenance", "dedup", str(corpus), "-o", str(kept), "--quiet"])
    runs.append(("provenance dedup", kept_ids_jsonl(kept), seconds, peak))
    if args.text_dedup_python:
        out = folder / f"text-dedup-{corpus.stem}"
        command = [args.text_dedup_python, "-m", "text_dedup.minhash", "--path", "json", "--data_files", str(corpus)]
        # Its dataset cache goes to the scratch folder, not the working directory.
        seconds, peak = measured(command + ["--split", "train", "--column", "text", "--output", str(out), "--cache_dir", str(folder / "cache")])
        read = "import json, sys; from datasets import load_from_disk; print(json.dumps(list(load_from_disk(sys.argv[1])['id'])))"
        ids = json.loads(subprocess.run([args.text_dedup_python, "-c", read, str(out)], capture_output=True, text=True, check=True).stdout)
        runs.append(("text-dedup 0.4.0 minhash", set(ids), seconds, peak))
    out = folder / "datasketch.json"
    seconds, peak = measured([sys.executable, __file__, "--datasketch-baseline", str(corpus), str(out)])
    runs.append(("datasketch MinHashLSH 0.8", set(json.loads(out.read_text())), seconds, peak))
    seconds, peak = measured([sys.executable, __file__, "--ensemble-baseline", str(corpus), str(out)])
    runs.append(("datasketch LSHEnsemble 0.8", set(json.loads(out.read_text())), seconds, peak))
    return runs


def ratios(runs) -> str:
    base = runs[0]
    return "ratio to provenance (wall, memory): " + ", ".join(f"{n} {s / base[2]:.1f}x, {p / base[3]:.1f}x" for n, _, s, p in runs[1:])


def ensemble_baseline(corpus: Path, out: Path) -> None:
    """datasketch's MinHashLSHEnsemble for containment: documents taken earliest first, each dropped
    if the ensemble finds an earlier kept document that contains at least 0.8 of it."""
    from datasketch import MinHash, MinHashLSHEnsemble

    with open(corpus, encoding="utf-8") as stream:
        records = [json.loads(line) for line in stream]
    records.sort(key=lambda r: r["published"])
    shingles = []
    for record in records:
        words = re.findall(r"\w+", record["text"].lower())
        shingles.append({" ".join(words[i : i + 3]).encode("utf-8") for i in range(max(1, len(words) - 2))})
    signatures = MinHash.bulk(shingles, num_perm=128)
    ensemble = MinHashLSHEnsemble(threshold=0.8, num_perm=128, num_part=16)
    ensemble.index((r["id"], m, len(s)) for r, m, s in zip(records, signatures, shingles))
    position = {r["id"]: n for n, r in enumerate(records)}
    dropped: set[str] = set()
    for n, (record, signature, own) in enumerate(zip(records, signatures, shingles)):
        found = ensemble.query(signature, len(own))
        if any(position[other] < n and other not in dropped for other in found):
            dropped.add(record["id"])
    out.write_text(json.dumps([r["id"] for r in records if r["id"] not in dropped]))


def comparison(args, folder: Path) -> None:
    documents, labels = make_dedup_benchmark(args.seed, args.scale)
    corpus = folder / "labeled.jsonl"
    write_corpus(corpus, documents)
    runs = run_tools(args, corpus, folder)
    totals = Counter(label.kind for label in labels.values())
    rows = []
    for name, kept, seconds, peak in runs:
        dropped = Counter(labels[d.id].kind for d in documents if d.id not in kept)
        counts = [f"{dropped[k]}/{totals[k]}" for k in (*DUPLICATE_KINDS, *DISTINCT_KINDS)]
        # Copies of a story kept beyond one, whichever one a tool kept.
        story = {d.id: labels[d.id].original if labels[d.id].duplicate else d.id for d in documents}
        extra = sum(n - 1 for n in Counter(story[i] for i in kept).values() if n > 1)
        rows.append([name, *counts, extra, f"{seconds:.2f}", f"{peak:.0f}"])
    print(f"Labeled corpus: {len(documents)} documents (seed {args.seed}, scale {args.scale}); dropped / present, by kind")
    headers = ["tool", *DUPLICATE_KINDS, *(f"{k} (wrong)" for k in DISTINCT_KINDS), "extra copies kept", "wall s", "peak MB"]
    print(tabulate(rows, headers=headers, disable_numparse=True))
    print(ratios(runs))


def scaling(args, folder: Path) -> None:
    rows, previous = [], {}
    for size in [*args.sizes, *([args.large] if args.large else [])]:
        documents, _ = planted_corpus(size, words=400, copy_rate=0.1, passage_words=60, seed=size)
        corpus = folder / f"synthetic-{size}.jsonl"
        write_corpus(corpus, documents)
        runs = run_tools(args, corpus, folder) if size != args.large else run_tools(argparse.Namespace(text_dedup_python=None), corpus, folder)[:1]
        for name, kept, seconds, peak in runs:
            growth = f"{seconds / previous[name][1]:.2f}x for {size / previous[name][0]:.0f}x" if name in previous else ""
            rows.append([size, name, size - len(kept), f"{seconds:.2f}", f"{size / seconds:.0f}", f"{peak:.0f}", growth])
            previous[name] = (size, seconds)
    print("\nSynthetic 400-word corpora: 10% carry a 60-word passage of another (reuse, no duplicates)")
    print(tabulate(rows, headers=["documents", "tool", "dropped (wrong)", "wall s", "docs/s", "peak MB", "growth"], disable_numparse=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=int, default=2, help="1 or 2: the prose runs out past 2")
    parser.add_argument("--text-dedup-python", help="the Python of an environment with text-dedup 0.4.0")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 4000])
    parser.add_argument("--large", type=int, default=0, help="one more, larger synthetic corpus (e.g. 100000)")
    parser.add_argument("--datasketch-baseline", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ensemble-baseline", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.datasketch_baseline:
        datasketch_baseline(*args.datasketch_baseline)
        return
    if args.ensemble_baseline:
        ensemble_baseline(*args.ensemble_baseline)
        return
    with tempfile.TemporaryDirectory() as folder:
        comparison(args, Path(folder))
        scaling(args, Path(folder))


if __name__ == "__main__":
    main()
