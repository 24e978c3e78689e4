import csv
import html
import io
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from provenance import load_corpus, scan

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def samples_result():
    return scan(load_corpus(SAMPLES).documents)


@pytest.fixture
def write_jsonl(tmp_path):
    """Write records as a JSONL corpus and return its path."""

    def write(records, name="corpus.jsonl"):
        path = tmp_path / name
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        return path

    return write


# Web pages built from the samples: each article inside its outlet's furniture (menu, newsletter
# box, comment form, footer), as a crawler would fetch it.
SAMPLE_ROWS = {row["path"]: row for row in csv.DictReader((SAMPLES / "manifest.csv").open(encoding="utf-8"))}


def html_page(text: str, title: str, outlet: str, published: str | None = None, charset: str = "utf-8") -> str:
    """An article page in the shape of a news site's."""
    paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>\n" for p in text.split("\n\n") if p.strip())
    date_meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    return f"""<!doctype html><html><head><meta charset="{charset}"><title>{html.escape(title)} | {html.escape(outlet)}</title>
<meta property="og:site_name" content="{html.escape(outlet)}">{date_meta}</head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/politics">Politics</a></nav>
<div class="newsletter">Sign Up for Daily Headlines</div>
<article><h1>{html.escape(title)}</h1>{paragraphs}</article>
<div id="comments"><h3>LEAVE A COMMENT</h3><p>Your email address will not be published. Required fields are marked</p></div>
<footer>Copyright 2016 {html.escape(outlet)}. All rights reserved.</footer></body></html>"""


def sample_pages(folder: Path, dated: bool = True) -> Path:
    """The samples as one .html page each (no manifest): outlet and date only in the markup."""
    folder.mkdir(parents=True, exist_ok=True)
    for path, row in SAMPLE_ROWS.items():
        page = html_page((SAMPLES / path).read_text(encoding="utf-8"), row["title"], row["source"], row["published"] if dated else None)
        (folder / path.replace(".txt", ".html")).write_text(page, encoding="utf-8")
    return folder


def write_warc(path: Path, responses: list[tuple[str, str, bytes, str]]) -> Path:
    """A gzipped WARC of (url, Content-Type, body, WARC-Date) responses; a body of b"404" is a 404."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, content_type, body, fetched in responses:
            status = "404 Not Found" if body == b"404" else "200 OK"
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers, warc_headers_dict={"WARC-Date": fetched})
            writer.write_record(record)
    return path


# A Redis server for the tests of the shared index and of services sharing it.
@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """CI's server ($PROVENANCE_TEST_REDIS, a database of its own), else a private redis-server."""
    if os.environ.get("PROVENANCE_TEST_REDIS"):
        yield os.environ["PROVENANCE_TEST_REDIS"]
        return
    port = free_port()
    server = start_redis(port, tmp_path_factory.mktemp("redis"))
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait()


def start_redis(port: int, folder: Path) -> subprocess.Popen:
    """A private redis-server on loopback that keeps nothing on disk, answering once this returns.
    Without redis-server the test fails under PROVENANCE_CI and skips elsewhere."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("PROVENANCE_CI"):
            pytest.fail("redis-server is missing: .ci/run installs and starts it")
        pytest.skip("redis-server is not installed here (CI installs it); the Redis index was not tested")
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
                              stdout=subprocess.DEVNULL)
    wait_for(port)
    return server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nobody listens once the probe closes


def wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)


@pytest.fixture
def redis_url(redis_server):
    """The test's own empty database."""
    import redis

    server = redis.Redis.from_url(redis_server)
    server.flushdb()
    yield redis_server
    server.flushdb()
    server.close()


def prose_unavailable(script: str, error: Exception) -> None:
    """Debian's prose could not be fetched: a failure under PROVENANCE_CI (.ci/run updates apt's
    package lists for it), a skip elsewhere."""
    if os.environ.get("PROVENANCE_CI"):
        pytest.fail(f"no {script} prose from Debian's packages: {error}")
    pytest.skip(f"no {script} prose: {error}")


def span_quality(documents, cases, found) -> tuple[int, float]:
    """Detections on a planted benchmark: how many cut a word at an edge, and the share of the
    characters they cover that was planted (spans are offsets into the texts as read)."""
    by_id = {doc.id: doc.text for doc in documents}
    planted = {doc: set() for doc in by_id}
    for case in cases:
        planted[case.doc].update(range(case.start, case.end))

    def inside_a_word(text: str, at: int) -> bool:
        return 0 < at < len(text) and text[at - 1].isalnum() and text[at].isalnum()

    cut = sum(inside_a_word(by_id[d.doc], d.start) or inside_a_word(by_id[d.doc], d.end) for d in found)
    covered = [(d.doc, at) for d in found for at in range(d.start, d.end)]
    return cut, sum(at in planted[doc] for doc, at in covered) / max(1, len(covered))
