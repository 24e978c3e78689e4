"""`provenance serve` as a real process on loopback: every endpoint, every refusal, the same JSON
as `provenance check`, writes while it serves, SIGTERM and a crash mid-add."""

from __future__ import annotations

import base64
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from provenance.cli import app
from provenance.corpus import load_corpus
from provenance.index import Index, open_index
from provenance.serve import Settings, prepare
from provenance.serve.archive import shown
from provenance.synthetic import filler, planted_corpus

from conftest import ROOT, SAMPLES, free_port, html_page, start_redis

TOKEN = "newsroom-writer-token-0123456789"
LIFT = (
    "Moscow on Thursday proposed that Russia and the US, who have been flying separate bombing campaigns in Syria, "
    "launch joint air strikes against jihadists starting next week, a proposal the Pentagon quickly rejected."
)
OWN = "The city council of Lisbon met on Tuesday to discuss the flooding of the riverside district, where water rose to the first floor of several houses."
STOPPED = (0, -signal.SIGTERM)
runner = CliRunner()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


class Service:
    """A `provenance serve` process on loopback, on a port it picks itself (--port 0)."""

    def __init__(self, *args, env: dict | None = None):
        command = [sys.executable, "-m", "provenance", "serve", "--port", "0", *map(str, args)]
        environment = {k: v for k, v in os.environ.items() if k != "PROVENANCE_TOKENS_FILE"} | (env or {})
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        for stream, lines in ((self.process.stdout, self.stdout), (self.process.stderr, self.stderr)):
            threading.Thread(target=lambda s=stream, l=lines: l.extend(iter(s.readline, "")), daemon=True).start()
        deadline = time.monotonic() + 60
        while not (found := re.search(r"on http://([\d.]+):(\d+)/", "".join(self.stderr))):
            assert self.process.poll() is None and time.monotonic() < deadline, "".join(self.stderr)
            time.sleep(0.02)
        self.host, self.port = found.group(1), int(found.group(2))
        while self.get("/api/v1/health").status != 200:
            assert self.process.poll() is None and time.monotonic() < deadline, "".join(self.stderr)
            time.sleep(0.05)

    def request(self, method: str, path: str, body=None, token: str | None = None, headers: dict | None = None, timeout: float = 60) -> Answer:
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode("utf-8")
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            connection.close()

    def get(self, path: str, **kwargs) -> Answer:
        try:
            return self.request("GET", path, **kwargs)
        except ConnectionError:
            return Answer(0, {}, b"")

    def post(self, path: str, body, **kwargs) -> Answer:
        return self.request("POST", path, body, **kwargs)

    def stop(self) -> bool:
        """SIGTERM, as systemd stops a service; True when it ended as uvicorn ends on it (drained,
        then the signal raised again, so the exit status tells what stopped it)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60) in STOPPED


def samples_index(folder: Path) -> Path:
    db = folder / "archive.db"
    with Index(db) as index:
        index.add(load_corpus(SAMPLES).documents)
    return db


def token_file(folder: Path, *tokens: str) -> Path:
    path = folder / "tokens"
    path.write_text("# writers\n" + "".join(f"{t}\n" for t in tokens), encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def archive(folder):
    return samples_index(folder)


@pytest.fixture(scope="module")
def service(folder, archive):
    server = Service("--index", archive, "--token-file", token_file(folder, TOKEN))
    yield server
    assert server.stop()


def one_line_error(answer: Answer, status: int, *phrases: str) -> str:
    assert answer.status == status, (answer.status, answer.body)
    assert answer.headers["content-type"] == "application/json"
    message = answer.json()["error"]
    assert "\n" not in message and "Traceback" not in message
    for phrase in phrases:
        assert phrase in message, message
    return message


def test_health_stats_and_the_openapi_schema(service):
    assert service.get("/api/v1/health").json() == {"status": "ok", "documents": 5}
    stats = service.get("/api/v1/stats").json()
    assert (stats["documents"], stats["outlets"], stats["first_published"]) == (5, 5, "2015-10-04T12:00:00+00:00")
    schema = service.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {"/api/v1/health", "/api/v1/stats", "/api/v1/check", "/api/v1/documents",
                                    "/api/v1/documents/{id}", "/api/v1/documents/{id}/families"}
    assert set(schema["paths"]["/api/v1/documents/{id}"]) == {"get", "delete"}


def cli_check(folder: Path, archive: Path, drafts: list[str], *options: str) -> bytes:
    process = subprocess.run([sys.executable, "-m", "provenance", "check", *drafts, "--against", str(archive), "--format", "json", *options],
                             cwd=folder, capture_output=True)
    assert process.returncode in (0, 1), process.stderr
    return process.stdout


def test_a_check_answers_exactly_what_the_command_writes(service, archive, tmp_path):
    (tmp_path / "lift.txt").write_text(OWN + "\n\n" + LIFT + "\n", encoding="utf-8")
    page = html_page(OWN + "\n\n" + LIFT[:-1] + ", AFP reported.", "Strikes", "The Daily Example")
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    answer = service.post("/api/v1/check", {"id": "lift.txt", "text": OWN + "\n\n" + LIFT + "\n"})
    assert answer.status == 200 and answer.headers["content-type"] == "application/json"
    assert answer.body == cli_check(tmp_path, archive, ["lift.txt"])  # byte for byte
    report = answer.json()["drafts"][0]
    assert report["failed"] and report["passages"][0]["origin"]["doc"] == "003"
    # A page, and the policy options, as the command takes them.
    both = json.loads(cli_check(tmp_path, archive, ["lift.txt", "page.html"], "--allow", "Reuters", "--strict", "--max-share", "0.2", "--min-words", "15"))
    policy = {"allow": ["Reuters"], "strict": True, "max_share": 0.2, "min_words": 15}
    by_text = service.post("/api/v1/check", {"id": "lift.txt", "text": OWN + "\n\n" + LIFT + "\n", **policy}).json()
    by_page = service.post("/api/v1/check", {"id": "page.html", "html": page, **policy}).json()
    assert by_text["policy"] == both["policy"] and by_page["policy"] == both["policy"]
    assert [by_text["drafts"][0], by_page["drafts"][0]] == both["drafts"]
    assert by_page["drafts"][0]["extracted_from"] == "html" and by_page["drafts"][0]["passages"][0]["status"] == "credited"


def test_add_then_check_then_remove(service):
    documents, _ = planted_corpus(30, copy_rate=0.0, seed=5)
    fresh = documents[17]
    draft = filler(random.Random(2), 120) + " " + fresh.text[:700] + " " + filler(random.Random(3), 80)
    assert service.post("/api/v1/check", {"text": draft}).json()["drafts"][0]["passages"] == []
    records = [{"id": d.id, "text": d.text, "source": d.source, "published": d.published.text} for d in documents]
    added = service.post("/api/v1/documents", {"documents": records}, token=TOKEN)
    assert added.status == 200 and added.json() == {"added": 30, "replaced": 0, "unchanged": 0, "documents": 35}
    again = service.post("/api/v1/documents", {"documents": records[:2] + [{**records[2], "text": records[2]["text"] + " Updated."}]}, token=TOKEN)
    assert again.json() == {"added": 0, "replaced": 1, "unchanged": 2, "documents": 35}
    (passage,) = service.post("/api/v1/check", {"text": draft}).json()["drafts"][0]["passages"]
    assert passage["origin"]["doc"] == fresh.id and passage["origin"]["source"] == fresh.source
    shown = service.get(f"/api/v1/documents/{fresh.id}").json()
    assert shown == {"id": fresh.id, "source": fresh.source, "title": None, "url": None, "published": fresh.published.text,
                     "published_inferred": False, "chars": len(fresh.text)}
    assert service.get(f"/api/v1/documents/{fresh.id}?text=true").json()["text"] == fresh.text
    one_line_error(service.get(f"/api/v1/documents/{fresh.id}?text=maybe"), 422, "text=")
    removed = service.request("DELETE", f"/api/v1/documents/{fresh.id}", token=TOKEN)
    assert removed.json() == {"removed": fresh.id, "documents": 34}
    assert service.post("/api/v1/check", {"text": draft}).json()["drafts"][0]["passages"] == []
    one_line_error(service.get(f"/api/v1/documents/{fresh.id}"), 404, repr(fresh.id))
    one_line_error(service.request("DELETE", f"/api/v1/documents/{fresh.id}", token=TOKEN), 404, repr(fresh.id))
    ids = [d.id for d in documents if d.id != fresh.id]
    for doc_id in ids:
        assert service.request("DELETE", f"/api/v1/documents/{doc_id}", token=TOKEN).status == 200
    assert service.get("/api/v1/health").json()["documents"] == 5


def test_a_documents_families_are_the_scan_json(service):
    families = service.get("/api/v1/documents/003/families").json()
    assert families["schema"] == "provenance.scan/1"
    copied = [c for c in families["clusters"] if c["kind"] == "copied"]
    assert len(copied) == 2 and all({m["doc"] for m in c["members"]} == {"002", "003"} and c["origin"]["doc"] == "003" for c in copied)
    one_line_error(service.get("/api/v1/documents/nope/families"), 404, "'nope'")


@pytest.mark.parametrize(
    "body, status, phrase",
    [
        (b"{not json", 400, "body: malformed JSON"),
        (b"\xff\xfe{", 400, "body:"),
        (b"[1, 2]", 400, "expected a JSON object, got an array"),
        ({}, 422, "body.text: missing"),
        ({"text": 5}, 422, "body.text: expected a string, got a number"),
        ({"text": "   "}, 422, "body.text: no text"),
        ({"text": "a", "html": "<p>b</p>"}, 422, "one of them"),
        ({"html": "<html><body></body></html>"}, 422, "body.html: no article text"),
        ({"text": LIFT, "max_share": "a lot"}, 422, "body.max_share: expected a number from 0 to 1, got a string"),
        ({"text": LIFT, "max_share": 2}, 422, "got 2"),
        ({"text": LIFT, "strict": 1}, 422, "body.strict: expected true or false"),
        ({"text": LIFT, "allow": "AFP"}, 422, "body.allow: expected an array"),
        ({"text": LIFT, "min_words": True}, 422, "body.min_words"),
        ({"text": LIFT, "min_words": 2}, 422, "at least 3"),
        ({"text": LIFT, "maxshare": 0.5}, 422, "body.maxshare: unknown field"),
    ],
)
def test_a_bad_check_is_one_line_and_4xx(service, body, status, phrase):
    one_line_error(service.post("/api/v1/check", body), status, phrase)


@pytest.mark.parametrize(
    "body, phrase",
    [
        ({}, "body.documents: missing or empty"),
        ({"documents": []}, "body.documents: missing or empty"),
        ({"documents": "x"}, "body.documents: expected an array"),
        ({"documents": [5]}, "body.documents[0]: expected an object"),
        ({"documents": [{"text": "words"}]}, "body.documents[0]: missing 'id'"),
        ({"documents": [{"id": "a", "text": 7}]}, "body.documents[0]: 'text' must be a string"),
        ({"documents": [{"id": "a", "text": "words", "published": "last week"}]}, "body.documents[0]: unparseable date"),
        ({"documents": [{"id": "a", "text": "one"}, {"id": "a", "text": "two"}]}, "body.documents[1]: duplicate id 'a'"),
        ({"documents": [{"id": "a", "text": " "}]}, "body.documents[0]: no text"),
        ({"documents": [{"id": "a", "text": "x"}], "extra": 1}, "body.extra: unknown field"),
    ],
)
def test_a_bad_add_is_one_line_422_and_adds_nothing(service, body, phrase):
    one_line_error(service.post("/api/v1/documents", body, token=TOKEN), 422, phrase)
    assert service.get("/api/v1/health").json()["documents"] == 5


def test_writes_need_a_token_of_the_file(service):
    record = {"documents": [{"id": "w1", "text": OWN}]}
    one_line_error(service.post("/api/v1/documents", record), 401, "Authorization: Bearer TOKEN")
    refused = service.post("/api/v1/documents", record, token="not-the-token-but-long-enough")
    one_line_error(refused, 401)
    assert refused.headers["www-authenticate"].startswith("Bearer")
    one_line_error(service.post("/api/v1/documents", record, token=TOKEN[:-1]), 401)
    one_line_error(service.request("DELETE", "/api/v1/documents/003"), 401)
    assert service.get("/api/v1/health").json()["documents"] == 5
    one_line_error(service.request("PUT", "/api/v1/health"), 405, "method not allowed")
    one_line_error(service.get("/api/v1/nothing"), 404, "/api/v1/nothing")
    # Reads are open on loopback, and no origin is allowed to call from a browser.
    answer = service.get("/api/v1/stats", headers={"Origin": "https://cms.example"})
    assert answer.status == 200 and "access-control-allow-origin" not in answer.headers
    assert answer.headers["x-content-type-options"] == "nosniff" and answer.headers["cache-control"] == "no-store"


def test_a_body_over_the_limit_is_413_and_the_server_lives_on(service):
    limit = 10 * 2**20
    answer = service.post("/api/v1/check", b'{"text": "' + b"a" * limit + b'"}')
    one_line_error(answer, 413, "over the 10 MB limit (--max-body)")
    # The same without a declared length: counted as it streams in.
    connection = http.client.HTTPConnection(service.host, service.port, timeout=60)
    connection.putrequest("POST", "/api/v1/check")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders()
    chunk = b"a" * 2**20
    try:
        for _ in range(12):
            connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        connection.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed before the client was done sending
    one_line_error(Answer(*(lambda r: (r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()))(connection.getresponse())), 413)
    connection.close()
    assert service.process.poll() is None
    assert service.post("/api/v1/check", {"text": LIFT}).json()["drafts"][0]["failed"]


def afp_lift(samples_result) -> str:
    """The seed lift: the lines the aggregator 002 took from the AFP story 003, as a draft."""
    by_id = {doc.id: doc for doc in samples_result.documents}
    return "\n\n".join(
        by_id["002"].text[m.start : m.end]
        for family in samples_result.families if family.kind == "copied" and family.origin and family.origin.doc == "003"
        for m in family.members if m.doc == "002"
    )


def test_the_page_checks_a_draft_and_escapes_every_text(service, samples_result):
    page = service.get("/")
    assert page.status == 200 and b'<label for="draft-text">' in page.body and b"5 documents" in page.body
    hostile = "<script>alert('draft')</script> & <b>bold</b>"
    boundary = "----provenance-test"

    def form(fields: dict, file: tuple[str, bytes] | None = None) -> bytes:
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
        if file:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file[0]}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode() + file[1] + b"\r\n")
        return b"".join(parts) + f"--{boundary}--\r\n".encode()

    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    result = service.post("/check", form({"text": hostile + "\n\n" + LIFT, "allow": "", "max_share": "0"}), headers=headers)
    html = result.body.decode()
    assert result.status == 200 and "FAIL" in html and "Gulf Times (AFP)" in html
    assert "&lt;script&gt;alert(" in html and "<script>alert" not in html and "<b>bold" not in html
    assert re.search(r'href="/family/003\?start=\d+&amp;end=\d+"', html)
    assert "<mark>" in html and "edits:" in html
    # An uploaded page is read as the command reads an .html draft; a binary file is one line.
    upload = html_page(OWN + "\n\n" + LIFT, "Strikes", "The Daily Example").encode()
    by_file = service.post("/check", form({"text": ""}, ("../../draft.html", upload)), headers=headers).body.decode()
    assert "draft.html" in by_file and "from 003" in by_file
    binary = service.post("/check", form({}, ("photo.txt", b"\x89PNG\x00\x00")), headers=headers)
    assert binary.status == 422 and b"photo.txt: binary file" in binary.body and b"provenance-upload" not in binary.body
    empty = service.post("/check", form({"text": "  "}), headers=headers)
    assert empty.status == 422 and b'role="alert">paste a draft or choose a file' in empty.body
    alone = service.get(re.search(r'href="(/family/003\?[^"]+)"', html).group(1).replace("&amp;", "&"))
    assert alone.status == 200 and b"No other archive document shares this passage" in alone.body
    lifted = service.post("/check", form({"text": afp_lift(samples_result)}), headers=headers).body.decode()
    assert lifted.count('<section class="passage"') == 2 and "edits: US → USA" in lifted
    family = service.get(re.search(r'href="(/family/003\?[^"]+)"', lifted).group(1).replace("&amp;", "&"))
    assert family.status == 200 and family.body.count(b'<svg class="timeline"') == 1 and b"Unknown aggregator" in family.body
    assert service.get("/family/nope").status == 404
    assert service.get("/static/report.css").body.startswith(b"\nbody {") and service.get("/static/editor.js").status == 200


def test_reads_need_a_token_with_read_token_and_cors_only_for_the_origin_named(archive, tmp_path):
    tokens = token_file(tmp_path, TOKEN)
    server = Service("--index", archive, "--read-token", "--cors-origin", "https://cms.example", "--no-access-log", env={"PROVENANCE_TOKENS_FILE": str(tokens)})
    try:
        assert server.get("/api/v1/health").status == 200  # for monitoring, always open
        one_line_error(server.post("/api/v1/check", {"text": LIFT}), 401, "--read-token")
        assert server.post("/api/v1/check", {"text": LIFT}, token=TOKEN).status == 200
        one_line_error(server.get("/api/v1/stats", token="wrong-token-of-sixteen"), 401)
        page = server.get("/")
        assert page.status == 401 and page.headers["www-authenticate"].startswith("Basic")  # the browser asks for it
        basic = base64.b64encode(f"editor:{TOKEN}".encode()).decode()
        assert server.get("/", headers={"Authorization": f"Basic {basic}"}).status == 200
        # The token file came from $PROVENANCE_TOKENS_FILE: writes work with its token.
        assert server.post("/api/v1/documents", {"documents": [{"id": "r1", "text": OWN}]}, token=TOKEN).status == 200
        assert server.request("DELETE", "/api/v1/documents/r1", token=TOKEN).status == 200
        preflight = server.request("OPTIONS", "/api/v1/check", headers={"Origin": "https://cms.example", "Access-Control-Request-Method": "POST",
                                                                        "Access-Control-Request-Headers": "authorization, content-type"})
        assert preflight.status == 200 and preflight.headers["access-control-allow-origin"] == "https://cms.example"
        allowed = server.post("/api/v1/check", {"text": LIFT}, token=TOKEN, headers={"Origin": "https://cms.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://cms.example"
        other = server.post("/api/v1/check", {"text": LIFT}, token=TOKEN, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
    finally:
        assert server.stop()
    assert not [line for line in server.stdout if "HTTP/1.1" in line]  # --no-access-log
    assert not [line for line in server.stderr if "Traceback" in line]


def test_writes_refused_without_a_token_file_saying_how_to_enable_them(archive, service):
    server = Service("--index", archive, "--max-body", "64K", "--host", "127.0.0.2")
    try:
        assert server.host == "127.0.0.2" and server.get("/api/v1/health").status == 200
        message = one_line_error(server.post("/api/v1/documents", {"documents": [{"id": "x", "text": OWN}]}, token=TOKEN), 403, "--token-file")
        assert "PROVENANCE_TOKENS_FILE" in message
        one_line_error(server.request("DELETE", "/api/v1/documents/003", token=TOKEN), 403)
        one_line_error(server.post("/api/v1/check", {"text": "a " * 40_000}), 413, "64 KB limit")
        assert server.post("/api/v1/check", {"text": LIFT}).status == 200
    finally:
        assert server.stop()
    # The default binds 127.0.0.1 only, and logs each request.
    with pytest.raises(ConnectionRefusedError):
        http.client.HTTPConnection("127.0.0.2", service.port, timeout=5).connect()
    assert [line for line in service.stdout if '"GET /api/v1/health HTTP/1.1" 200' in line]


def test_a_request_over_the_time_limit_is_503_and_the_server_goes_on(archive):
    server = Service("--index", archive, "--timeout", "0.15")
    try:
        slow = filler(random.Random(4), 400_000) + "\n\n" + LIFT  # 3 MB: a check of it takes a second or more
        one_line_error(server.post("/api/v1/check", {"text": slow}), 503, "longer than 0.15 s (--timeout)")
        time.sleep(0.5)  # the check abandoned still runs to its end
        assert server.get("/api/v1/health").status == 200
    finally:
        assert server.stop()


def test_sigterm_lets_the_checks_in_flight_end(archive):
    server = Service("--index", archive)
    slow = {"text": filler(random.Random(5), 400_000) + "\n\n" + LIFT}  # a second or more each: in flight at the signal
    answers, finished = [], []

    def check():
        answers.append(server.post("/api/v1/check", slow))
        finished.append(time.monotonic())

    clients = [threading.Thread(target=check) for _ in range(3)]
    for client in clients:
        client.start()
    time.sleep(0.3)
    stopped = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    for client in clients:
        client.join(60)
    assert server.process.wait(timeout=60) in STOPPED
    assert [a.status for a in answers] == [200] * 3 and all(a.json()["drafts"][0]["failed"] for a in answers)
    assert max(finished) > stopped  # answered after the signal, not cut off by it
    assert server.get("/api/v1/health").status == 0  # and nothing listens any more


def document_ids(db: Path) -> set[str]:
    with sqlite3.connect(db) as connection:
        return {row[0] for row in connection.execute("SELECT id FROM documents")}


def test_a_crash_mid_add_loses_nothing_committed(tmp_path):
    db = tmp_path / "archive.db"
    tokens = token_file(tmp_path, TOKEN)
    documents, _ = planted_corpus(2600, copy_rate=0.0, seed=11)
    records = [{"id": d.id, "text": d.text, "source": d.source, "published": d.published.text} for d in documents]
    server = Service("--index", db, "--token-file", tokens)
    try:
        assert server.post("/api/v1/documents", {"documents": records[:100]}, token=TOKEN).json()["documents"] == 100
        pending = http.client.HTTPConnection(server.host, server.port, timeout=60)
        pending.request("POST", "/api/v1/documents", json.dumps({"documents": records[100:]}), {"Authorization": f"Bearer {TOKEN}"})
        time.sleep(0.3)  # the whole body is sent; its documents' keys are being computed
        assert server.process.poll() is None and len(document_ids(db)) == 100
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
        with pytest.raises(ConnectionError):
            pending.getresponse()
        pending.close()
    finally:
        server.stop()
    kept = document_ids(db)
    assert {r["id"] for r in records[:100]} <= kept and len(kept) in (100, 2600)  # the acknowledged batch, and the other whole or not at all
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = Service("--index", db, "--token-file", tokens, "--workers", "2")
    try:
        workers = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _parent(p) == again.process.pid]
        assert len(workers) >= 2  # --workers 2: two serving processes under the supervisor
        lifted = filler(random.Random(6), 100) + " " + documents[50].text[:600]
        assert again.post("/api/v1/check", {"text": lifted}).json()["drafts"][0]["passages"][0]["origin"]["doc"] == documents[50].id
        assert again.post("/api/v1/documents", {"documents": records}, token=TOKEN).json()["documents"] == 2600
    finally:
        assert again.stop()


def _parent(process: Path) -> int | None:
    try:
        return int((process / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def test_services_share_a_redis_index(redis_url, tmp_path):
    tokens = token_file(tmp_path, TOKEN)
    first = Service("--index", redis_url, "--token-file", tokens)
    second = Service("--index", redis_url)
    try:
        records = [{"id": d.id, "text": d.text, "source": d.source, "published": d.published.text} for d in load_corpus(SAMPLES).documents]
        assert first.post("/api/v1/documents", {"documents": records}, token=TOKEN).json()["added"] == 5
        assert second.get("/api/v1/health").json()["documents"] == 5
        (passage,) = second.post("/api/v1/check", {"text": OWN + "\n\n" + LIFT}).json()["drafts"][0]["passages"]
        assert passage["origin"]["doc"] == "003"
        assert second.get("/api/v1/documents/003").json()["source"] == "Gulf Times (AFP)"
        assert first.request("DELETE", "/api/v1/documents/003", token=TOKEN).status == 200
        one_line_error(second.get("/api/v1/documents/003"), 404)
    finally:
        assert first.stop() and second.stop()


def test_a_redis_server_gone_is_503_and_the_service_goes_on_when_it_is_back(tmp_path):
    port = free_port()
    redis_process = start_redis(port, tmp_path)
    url = f"redis://:{TOKEN}@127.0.0.1:{port}/0"  # a password the server does not ask for: redis accepts it, and it must never be shown
    def fill():
        with open_index(url) as index:
            index.add(load_corpus(SAMPLES).documents)

    fill()
    server = Service("--index", url)
    try:
        assert server.post("/api/v1/check", {"text": LIFT}).json()["drafts"][0]["failed"]
        redis_process.terminate()
        redis_process.wait()
        message = one_line_error(server.post("/api/v1/check", {"text": LIFT}), 503, "Redis answered")
        assert TOKEN not in message and ":***@" in message
        assert TOKEN not in server.get("/api/v1/stats").body.decode()
        redis_process = start_redis(port, tmp_path)  # back, filled again
        fill()
        for _ in range(8):  # whichever reader thread takes it
            assert server.post("/api/v1/check", {"text": LIFT}).json()["drafts"][0]["failed"]
    finally:
        assert server.stop()
        redis_process.terminate()
        redis_process.wait()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--index", "MISSING"], "missing.db: no such index"),
        (["--index", "ARCHIVE", "--token-file", "NOFILE"], "nofile: cannot read the token file"),
        (["--index", "ARCHIVE", "--token-file", "SHORT"], "short:2: a token is 16 or more"),
        (["--index", "ARCHIVE", "--read-token"], "--read-token needs a token file"),
        (["--index", "ARCHIVE", "--max-body", "lots"], "--max-body 'lots'"),
        (["--index", ":memory:"], ":memory: is an index of one connection"),
        (["--index", "ARCHIVE", "--port", "BUSY"], "cannot listen"),
    ],
)
def test_settings_it_cannot_start_with_are_one_line_and_exit_2(archive, tmp_path, args, message):
    (tmp_path / "short").write_text("# tokens\nabc\n", encoding="utf-8")
    busy = socket.create_server(("127.0.0.1", 0))
    values = {"MISSING": tmp_path / "missing.db", "ARCHIVE": archive, "NOFILE": tmp_path / "nofile", "SHORT": tmp_path / "short", "BUSY": busy.getsockname()[1]}
    try:
        out = runner.invoke(app, ["serve", *[str(values.get(a, a)) for a in args]], env={"PROVENANCE_TOKENS_FILE": ""})
    finally:
        busy.close()
    assert out.exit_code == 2, out.output
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in out.stderr
    assert not (tmp_path / "missing.db").exists()  # a read-only service creates no index


def test_a_service_open_beyond_loopback_warns_that_reads_are_open(archive, tmp_path):
    assert prepare(Settings(index=str(archive)))[1] == []
    (documents, warnings) = prepare(Settings(index=str(archive), host="192.0.2.10"))
    assert documents == 5 and warnings == ["listening on 192.0.2.10: reads and checks are open to anyone who reaches it (add --read-token)"]
    tokens = token_file(tmp_path, TOKEN)
    tokens.chmod(0o644)
    assert prepare(Settings(index=str(archive), token_file=str(tokens)))[1] == [f"{tokens}: readable by other users; chmod 600 it"]


def test_a_redis_password_is_never_shown_to_clients():
    assert shown("redis://:s3cret@10.0.0.5:6380/2") == "redis://:***@10.0.0.5:6380/2"
    assert shown("rediss://editor:s3cret@cache.example/0") == "rediss://editor:***@cache.example/0"
    assert shown("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0" and shown("/srv/archive.db") == "/srv/archive.db"


def test_an_install_ships_the_templates_and_static_files(tmp_path):
    """What setuptools copies into a build (and so into a wheel) from a copy of the project."""
    source = tmp_path / "source"
    shutil.copytree(ROOT / "provenance", source / "provenance", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    built = subprocess.run([sys.executable, "-c", "import setuptools; setuptools.setup()", "-q", "build_py", "-d", str(tmp_path / "build")],
                           cwd=source, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    shipped = {p.relative_to(tmp_path / "build").as_posix() for p in (tmp_path / "build").rglob("*") if p.is_file()}
    ours = {p.relative_to(ROOT).as_posix() for p in (ROOT / "provenance" / "serve").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert {"provenance/serve/templates/editor.html", "provenance/serve/static/editor.js"} <= ours <= shipped
