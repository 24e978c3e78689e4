#!/usr/bin/env python3
"""Latency and throughput of `provenance serve`: a real server process on loopback, indexes of
synthetic 400-word documents, a 1,000-word draft that lifts a passage sent by concurrent clients.

    python scripts/benchmark_serve.py [--sizes 20000 100000] [--clients 1 8 32] [--requests 300]
                                      [--seconds 60] [--workers 2] [--writer-docs 5000]

For each index size: p50, p99 and checks per second at each number of clients (each client a
thread with its own keep-alive connection, sending one check after another; a level ends after
--requests checks or --seconds, whichever comes first). Every answer is checked: a status other
than 200, or a report that does not name the lifted document as the origin, is an error. At the
first size, the same with 8 clients while a writer adds --writer-docs new documents through the
API; afterwards every one of them must be in the index.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tabulate import tabulate

from provenance.index import Index
from provenance.synthetic import filler, planted_corpus

WRITE_BATCH = 250  # documents per add request


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--requests", type=int, default=300, help="checks per level at most")
    parser.add_argument("--seconds", type=float, default=60, help="seconds per level at most")
    parser.add_argument("--workers", type=int, default=2, help="server processes (the machine's cores)")
    parser.add_argument("--writer-docs", type=int, default=5_000)
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "provenance-bench-serve")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    tokens = args.folder / "tokens"
    token = secrets.token_urlsafe(24)
    tokens.write_text(token + "\n", encoding="utf-8")
    tokens.chmod(0o600)

    print(f"{os.cpu_count()} cores; server: --workers {args.workers}; clients: threads of this process, on loopback")
    rows, writer_rows = [], []
    for number, size in enumerate(args.sizes):
        db, documents, build = build_index(args.folder, size)
        draft, origin = lifting_draft(documents, random.Random(f"draft {size}"))  # not the corpus's seed, whose filler is its documents'
        print(f"{size:,} documents indexed in {build:.0f} s; a draft of {len(draft.split())} words lifting {origin}", flush=True)
        with Server(db, tokens, args.workers) as server:
            run_level(server, draft, origin, clients=args.workers * 4, requests=args.workers * 8, seconds=args.seconds)  # warm every worker
            for clients in args.clients:
                result = run_level(server, draft, origin, clients, args.requests, args.seconds)
                rows.append([f"{size:,}", clients, *result.cells()])
                print(tabulate([rows[-1]], tablefmt="plain"), flush=True)
            if number == 0 and args.writer_docs:
                writer_rows.append(write_while_checking(server, db, size, draft, origin, token, args))
    print()
    print(tabulate(rows, headers=["documents", "clients", "checks", "errors", "p50 ms", "p99 ms", "checks/s"], disable_numparse=True))
    if writer_rows:
        print()
        print(tabulate(writer_rows, headers=["documents", "added by the writer", "add requests", "writer s", "checks", "errors", "p50 ms", "p99 ms",
                                             "checks/s", "lost documents"], disable_numparse=True))


def build_index(folder: Path, size: int) -> tuple[Path, list, float]:
    documents, _ = planted_corpus(size, words=400, copy_rate=0.1, passage_words=60, seed=size)
    db = folder / f"index-{size}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    began = time.perf_counter()
    with Index(db) as index:
        index.add(documents, batch_size=5_000)
    return db, documents, time.perf_counter() - began


def lifting_draft(documents: list, rng: random.Random) -> tuple[str, str]:
    """About 1,000 words of the draft's own, with a 100-word passage of one archived document inside."""
    source = rng.choice(documents)
    words = source.text.split()
    passage = " ".join(words[100:200])
    return f"{filler(rng, 450)} {passage} {filler(rng, 450)}", source.id


class Server:
    """`provenance serve` in a process of its own, on a port it picks."""

    def __init__(self, db: Path, tokens: Path, workers: int):
        self.command = [sys.executable, "-m", "provenance", "serve", "--index", str(db), "--port", "0", "--workers", str(workers),
                        "--token-file", str(tokens), "--no-access-log"]

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(self.command, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        for line in self.process.stderr:
            if found := re.search(r"on http://127\.0\.0\.1:(\d+)/", line):
                self.port = int(found.group(1))
                break
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start")
        else:
            raise SystemExit(f"the server ended: {self.process.wait()}")
        threading.Thread(target=lambda: [None for _ in self.process.stderr], daemon=True).start()  # drain its log
        while True:
            try:
                if self.call(http.client.HTTPConnection("127.0.0.1", self.port, timeout=10), "GET", "/api/v1/health")[0] == 200:
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit("the server did not answer")
            time.sleep(0.1)

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=120)

    @staticmethod
    def call(connection: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None, token: str | None = None) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()


class Level:
    def __init__(self):
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.seconds = 0.0

    def cells(self) -> list[str]:
        ordered = sorted(self.latencies) or [float("nan")]
        pick = lambda share: ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] * 1000
        return [str(len(self.latencies) + len(self.errors)), str(len(self.errors)), f"{pick(0.5):.0f}", f"{pick(0.99):.0f}",
                f"{len(self.latencies) / self.seconds:.1f}"]


def run_level(server: Server, draft: str, origin: str, clients: int, requests: int, seconds: float, busy: threading.Event | None = None) -> Level:
    """``clients`` threads checking the draft until ``requests`` checks are sent or ``seconds``
    pass (or, with ``busy``, until it is cleared)."""
    body = json.dumps({"id": "draft", "text": draft}).encode()
    level, lock = Level(), threading.Lock()
    sent = [0]
    began = time.perf_counter()
    deadline = time.monotonic() + seconds

    def more() -> bool:
        with lock:
            if time.monotonic() > deadline or (busy.is_set() if busy else sent[0] >= requests):
                return False
            sent[0] += 1
            return True

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        while (busy is None or not busy.is_set()) and more():
            start = time.perf_counter()
            try:
                status, answer = server.call(connection, "POST", "/api/v1/check", body)
                passages = json.loads(answer)["drafts"][0]["passages"] if status == 200 else []
                problem = None if [p["origin"]["doc"] for p in passages if p["origin"]] == [origin] else f"{status}: {answer[:120]!r}"
            except (OSError, http.client.HTTPException, ValueError) as error:
                problem = f"{type(error).__name__}: {error}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
            with lock:
                (level.errors.append(problem) if problem else level.latencies.append(time.perf_counter() - start))
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    level.seconds = time.perf_counter() - began
    for problem in level.errors[:3]:
        print(f"  error: {problem}", file=sys.stderr)
    return level


def write_while_checking(server: Server, db: Path, size: int, draft: str, origin: str, token: str, args) -> list[str]:
    """8 clients check while one writer adds new documents through the API; then every added
    document must be in the index."""
    fresh, _ = planted_corpus(args.writer_docs, words=400, copy_rate=0.0, seed=size + 1)
    records = [{"id": f"new-{d.id}", "text": d.text, "source": d.source, "published": d.published.text} for d in fresh]
    failures: list[str] = []
    done = threading.Event()

    def writer() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
        for start in range(0, len(records), WRITE_BATCH):
            body = json.dumps({"documents": records[start : start + WRITE_BATCH]}).encode()
            try:
                status, answer = server.call(connection, "POST", "/api/v1/documents", body, token)
                if status != 200 or json.loads(answer)["added"] != len(records[start : start + WRITE_BATCH]):
                    failures.append(f"{status}: {answer[:120]!r}")
            except (OSError, http.client.HTTPException, ValueError) as error:
                failures.append(f"{type(error).__name__}: {error}")
        done.set()

    began = time.perf_counter()
    thread = threading.Thread(target=writer)
    thread.start()
    level = run_level(server, draft, origin, clients=8, requests=0, seconds=max(args.seconds, 600), busy=done)
    thread.join()
    wrote = time.perf_counter() - began
    with sqlite3.connect(db) as connection:
        stored = {row[0] for row in connection.execute("SELECT id FROM documents WHERE id LIKE 'new-%'")}
    lost = len({r["id"] for r in records} - stored)
    for problem in failures[:3]:
        print(f"  writer error: {problem}", file=sys.stderr)
    cells = level.cells()
    cells[1] = str(len(level.errors) + len(failures))
    return [f"{size:,}", f"{len(records):,}", str(-(-len(records) // WRITE_BATCH)), f"{wrote:.1f}", *cells, str(lost)]


if __name__ == "__main__":
    main()
