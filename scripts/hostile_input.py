#!/usr/bin/env python3
"""Broken and hostile corpora through the real `provenance scan` command: how each one ends.

    python scripts/hostile_input.py [--large-mb 50] [--tiny 100000]

Each case is built in a temporary folder and scanned as a user would scan it (a new process, JSON
out, warnings on). The table gives the exit code, wall time, the scan's peak memory (its largest
process), and what it said: the last line on stderr for a refusal, else the documents read and
families found, with the first warning. A traceback in any case is a defect, and the script
counts them in its last line.
"""

from __future__ import annotations

import argparse
import codecs
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from tabulate import tabulate

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ARTICLE = (SAMPLES / "003_9eb559cecdcd9b42.txt").read_text(encoding="utf-8")


def cases(root: Path, large_mb: int, tiny: int) -> list[tuple[str, list[str]]]:
    """(what, scan arguments) for every case, its files written under ``root``."""

    def folder(name: str, files: dict[str, bytes | str]) -> str:
        where = root / name
        where.mkdir()
        for path, content in files.items():
            target = where / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return str(where)

    def jsonl(name: str, lines: list[str] | bytes) -> str:
        path = root / name
        path.write_bytes(lines if isinstance(lines, bytes) else "".join(line + "\n" for line in lines).encode("utf-8"))
        return str(path)

    copy = ARTICLE[:1500]
    rng = random.Random(5)
    words = ARTICLE.split()
    large = " ".join(rng.choice(words) for _ in range(large_mb * 1_000_000 // 6))
    outside = root / "outside.txt"
    outside.write_text("a private note outside every corpus", encoding="utf-8")
    linked = folder("symlink-outside", {"a.txt": copy})
    (Path(linked) / "link.txt").symlink_to(outside)
    latin1_line = json.dumps({"id": "b", "text": "Caf\xe9 " + copy}, ensure_ascii=False).encode("cp1252", "replace")
    mixed = jsonl("mixed.jsonl", json.dumps({"id": "a", "text": copy}).encode() + b"\n" + latin1_line + b"\n")
    warc_head = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://x.example/a\r\n"
    page = f"<html><head><meta charset='iso-8859-1'><title>T</title></head><body><article><p>{copy}</p><p>Caf\xe9 \x93quoted\x94</p></article></body></html>"
    return [
        ("UTF-8 with a BOM, and a copy", [folder("utf8-bom", {"a.txt": codecs.BOM_UTF8 + copy.encode(), "b.txt": "Intro. " + copy})]),
        ("UTF-16 with a BOM, and a copy", [folder("utf16-bom", {"a.txt": copy.encode("utf-16"), "b.txt": "Intro. " + copy})]),
        ("UTF-16 without a BOM", [folder("utf16-bare", {"a.txt": copy.encode("utf-16-le")})]),
        ("Latin-1, undeclared", [folder("latin1", {"a.txt": ("Caf\xe9 " + copy).encode("latin-1", "replace")})]),
        ("Latin-1, undeclared, --fallback-encoding cp1252", [folder("latin1-fallback", {"a.txt": ("Caf\xe9 " + copy).encode("latin-1", "replace")}), "--fallback-encoding", "cp1252"]),
        ("Latin-1 page declaring its charset", [folder("latin1-page", {"a.html": page.encode("latin-1", "replace"), "b.txt": "Intro. " + copy})]),
        ("NUL bytes in a text file", [folder("nul", {"a.txt": copy.encode() + b"\x00\x00binary"})]),
        ("a PNG named .txt", [folder("png", {"a.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))})]),
        ("mixed encodings in one JSONL file", [mixed]),
        ("mixed encodings in one JSONL file, --fallback-encoding cp1252", [mixed, "--fallback-encoding", "cp1252"]),
        ("arbitrary Unicode (controls, RTL, emoji, surrogates escaped)", [jsonl("unicode.jsonl", [json.dumps({"id": "a", "text": "\u202e\u0007 \U0001F600 \ud800 " + copy}), json.dumps({"id": "b", "text": "\u0645\u0631\u062d\u0628\u0627 " + copy})])]),
        (f"one {large_mb} MB document, and a copy of part of it", [jsonl("large.jsonl", [json.dumps({"id": "big", "text": large}), json.dumps({"id": "copy", "text": "Intro. " + large[len(large) // 2:len(large) // 2 + 2_000]})])]),
        (f"a {large_mb} MB web page", [folder("large-page", {"a.html": "<html><body><p>" + large + "</p></body></html>"})]),
        ("1-word documents", [folder("one-word", {f"{i}.txt": "Syria" for i in range(20)})]),
        (f"{tiny:,} tiny documents (1-8 words)", [jsonl("tiny.jsonl", [json.dumps({"id": str(i), "text": " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))}) for i in range(tiny)])]),
        ("a manifest with an unclosed quote", [folder("manifest-quote", {"a.txt": copy, "manifest.csv": 'path,source\n"a.txt,AFP\n'})]),
        ("a manifest without path or id", [folder("manifest-columns", {"a.txt": copy, "manifest.csv": "file,source\na.txt,AFP\n"})]),
        ("a manifest with a bad date", [folder("manifest-date", {"a.txt": copy, "manifest.csv": "path,published\na.txt,yesterday\n"})]),
        ("a manifest path outside the corpus", [folder("manifest-outside", {"a.txt": copy, "manifest.csv": "path,source\n../outside.txt,X\n"})]),
        ("a symlink to a file outside the corpus", [linked]),
        ("a JSONL line cut short", [jsonl("cut.jsonl", [json.dumps({"id": "a", "text": copy}), '{"id": "b", "text": "unfinished'])]),
        ("a JSONL line that is not an object", [jsonl("array.jsonl", ['["a", "b"]'])]),
        ("a JSONL file with one id twice", [jsonl("twice.jsonl", [json.dumps({"id": "a", "text": copy})] * 2)]),
        ("a WARC file cut short", [folder("warc-cut", {"a.warc.gz": gzip.compress(warc_head + b"Content-Length: 9999\r\n\r\nHTTP/1.1 200 OK\r\n")})]),
        ("a WARC response without its target URI", [folder("warc-uri", {"a.warc.gz": gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 19\r\n\r\nHTTP/1.1 200 OK\r\n\r\n")})]),
        ("an empty folder", [folder("empty", {})]),
        ("a path that does not exist", [str(root / "nowhere")]),
    ]


def launch(arguments: list[str], stdout: Path, stderr: Path) -> tuple[int, float, int]:
    """Run one scan; (exit code, seconds, its peak resident KB: its largest process)."""
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        began = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "provenance", "scan", *arguments, "--format", "json"], stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
    return os.waitstatus_to_exitcode(status), time.perf_counter() - began, usage.ru_maxrss


def outcome(code: int, output: str, errors: str) -> str:
    lines = [line for line in errors.splitlines() if line.strip()]
    if code == 0:
        report = json.loads(output)
        said = f"{len(report['documents'])} documents, {len(report['clusters'])} families"
        return f"{said}; warned: {lines[0][:90]}" if lines else said
    said = lines[-1][:120] if lines else "(nothing on stderr)"
    return f"warned: {lines[0][:90]}; then {said}" if len(lines) > 1 else said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large-mb", type=int, default=50)
    parser.add_argument("--tiny", type=int, default=100_000)
    args = parser.parse_args()
    rows, tracebacks = [], 0
    spawn = get_context("spawn")
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        # Cases are built, and scans started, by small processes of their own: a scan forked from
        # a process that once held a 50 MB text or read a large report would count that
        # process's peak memory as its own.
        with ProcessPoolExecutor(1, mp_context=spawn) as builder:
            built = builder.submit(cases, scratch, args.large_mb, args.tiny).result()
        with ProcessPoolExecutor(1, mp_context=spawn) as launcher:
            for what, arguments in built:
                stdout, stderr = scratch / "stdout", scratch / "stderr"
                code, seconds, peak = launcher.submit(launch, arguments, stdout, stderr).result()
                errors = stderr.read_text(errors="replace")
                tracebacks += "Traceback" in errors
                rows.append([what, code, f"{seconds:.1f}", f"{peak / 1024:.0f}", outcome(code, stdout.read_text(), errors)])
                print(f"{what}: exit {code}", file=sys.stderr, flush=True)
    print(tabulate(rows, headers=["case", "exit", "s", "peak MB", "what it said"], disable_numparse=True))
    print(f"tracebacks: {tracebacks}")


if __name__ == "__main__":
    main()
