"""The shared index in a real Redis: the same answers as the SQLite index, several writers and a
reader at once, writers that die, and values on the server that are not what we wrote."""

import json
import multiprocessing
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from provenance import load_corpus
from provenance.check import Policy, check_draft
from provenance.cli import app
from provenance.index import Index, IndexFileError, open_index
from provenance.redis_index import RedisIndex
from provenance.report import check_to_json
from provenance.synthetic import planted_corpus

from conftest import SAMPLES, free_port, wait_for

runner = CliRunner()


def test_the_same_answers_as_the_sqlite_index(redis_url, tmp_path):
    documents = load_corpus(SAMPLES).documents
    with RedisIndex(redis_url) as shared, Index(tmp_path / "archive.db") as local:
        for index in (shared, local):
            report = index.add(documents, batch_size=2)
            assert (report.added, report.replaced, report.unchanged) == (5, 0, 0)
        fields = lambda index: [(d.id, d.text, d.source, d.title, d.url, d.published) for d in index.documents()]
        assert fields(shared) == fields(local)
        for doc in documents:
            assert [d.id for d in shared.candidates(doc.text)] == [d.id for d in local.candidates(doc.text)]
        draft = documents[1]
        draft.id = "draft"
        reports = [check_to_json([check_draft(draft, index, Policy())], Policy()) for index in (shared, local)]
        assert reports[0] == reports[1] and reports[0]["drafts"][0]["failed"]
        summary = lambda index: {name: index.stats()[name] for name in ("documents", "outlets", "band_keys", "first_published", "last_published")}
        assert summary(shared) == summary(local) and summary(local)["outlets"] == 5


def test_add_replace_and_remove(redis_url):
    documents = load_corpus(SAMPLES).documents
    with RedisIndex(redis_url) as index:
        index.add(documents)
        again = index.add(documents)
        assert (again.added, again.replaced, again.unchanged) == (0, 0, 5)
        old_text = documents[4].text
        documents[4].text = "A brand new text about the Lisbon floods that has nothing to do with Syria at all, officials said."
        changed = index.add([documents[4]])
        assert (changed.added, changed.replaced, changed.unchanged) == (0, 1, 0)
        assert {d.id: d.text for d in index.documents()}["004"] == documents[4].text
        assert "004" not in [d.id for d in index.candidates(old_text)]  # its old keys lead nowhere
        with pytest.raises(IndexFileError, match="no document with id 'nope'"):
            index.remove(["003", "nope"])
        assert len(index) == 5  # all or none
        index.remove(["003"])
        assert len(index) == 4 and "003" not in [d.id for d in index.candidates(documents[3].text)]
        assert index.stats()["removed_rows"] == 2


def test_a_writer_that_dies_before_publishing_leaves_nothing_half_visible(redis_url, monkeypatch):
    documents = load_corpus(SAMPLES).documents
    with RedisIndex(redis_url) as index:
        index.add(documents[:2])

        def killed(*args, **kwargs):
            raise KeyboardInterrupt  # the process dies between storing and publishing

        monkeypatch.setattr(index, "_publish", killed)
        with pytest.raises(KeyboardInterrupt):
            index.add(documents[2:])
        monkeypatch.undo()
        assert [d.id for d in index.documents()] == ["000", "001"]
        assert {d.id for d in index.candidates(documents[3].text)} <= {"000", "001"}
        report = index.add(documents[2:])  # the next writer adds them whole
        assert report.added == 3 and len(index) == 5


def writer(url: str, documents: list, started) -> None:
    started.wait()
    with RedisIndex(url) as index:
        index.add(documents, batch_size=40, workers=1)


def reader(url: str, texts: dict, started, done, out) -> None:
    started.wait()
    problems, lookups = [], 0
    with RedisIndex(url) as index:
        while not done.is_set() or lookups < 5:
            for doc in index.candidates(texts["probe"], limit=50):
                if texts.get(doc.id) != doc.text:
                    problems.append(doc.id)
            lookups += 1
    out.put((lookups, problems))


def test_two_writers_and_a_reader_at_once_lose_and_duplicate_nothing(redis_url):
    documents, _ = planted_corpus(600, words=150, seed=3)
    first, second = documents[:400], documents[200:]  # 200 documents added by both
    texts = {d.id: d.text for d in documents}
    texts["probe"] = documents[250].text
    context = multiprocessing.get_context("spawn")
    started, done, out = context.Event(), context.Event(), context.Queue()
    with RedisIndex(redis_url):
        pass  # one index description, before the race
    writers = [context.Process(target=writer, args=(redis_url, part, started)) for part in (first, second)]
    watcher = context.Process(target=reader, args=(redis_url, texts, started, done, out))
    for process in writers + [watcher]:
        process.start()
    started.set()
    for process in writers:
        process.join(120)
        assert process.exitcode == 0
    done.set()
    lookups, problems = out.get(timeout=120)
    watcher.join(30)
    assert lookups >= 5 and problems == []
    with RedisIndex(redis_url) as index:
        stored = list(index.documents())
        assert sorted(d.id for d in stored) == sorted(d.id for d in documents)  # each once
        assert all(d.text == texts[d.id] for d in stored)
        assert index.stats()["removed_rows"] <= 200  # the losing copy of a document added twice
        for doc in documents[::50]:
            assert doc.id in [d.id for d in index.candidates(doc.text, limit=5)]


def test_values_that_are_not_ours_are_refused_not_loaded(redis_url):
    import pickle

    import redis

    server = redis.Redis.from_url(redis_url)
    server.set("provenance:meta", pickle.dumps({"schema": "redis-1"}))
    with pytest.raises(IndexFileError, match="is not an index's description"):
        RedisIndex(redis_url)
    server.flushdb()
    with RedisIndex(redis_url) as index:
        index.add(load_corpus(SAMPLES).documents)
        bucket = next(server.scan_iter("provenance:b:*"))
        server.append(bucket, b"\x80\x04\x95")  # three stray bytes: no whole (key, row) pair
        with pytest.raises(IndexFileError, match="not whole pairs"):
            for doc in load_corpus(SAMPLES).documents:
                index.candidates(doc.text)
    server.close()


def test_cli_takes_a_redis_url_wherever_it_takes_an_index(redis_url, tmp_path):
    db = str(tmp_path / "archive.db")
    for target in (redis_url, db):
        out = runner.invoke(app, ["index", "add", str(SAMPLES), "--index", target])
        assert out.exit_code == 0 and "added 5" in out.stdout
    draft = SAMPLES / "001_f3dd744afda12b92.txt"
    checks = [runner.invoke(app, ["check", str(draft), "--against", target, "-f", "json"]) for target in (redis_url, db)]
    assert checks[0].exit_code == checks[1].exit_code == 1
    assert json.loads(checks[0].stdout) == json.loads(checks[1].stdout)
    scans = [runner.invoke(app, ["scan", "--db", target, "-f", "json"]) for target in (redis_url, db)]
    assert [json.loads(s.stdout)["clusters"] for s in scans][0] == json.loads(scans[1].stdout)["clusters"]
    assert runner.invoke(app, ["index", "remove", "003", "--index", redis_url]).exit_code == 0
    stats = runner.invoke(app, ["index", "stats", "--index", redis_url])
    assert stats.exit_code == 0 and "documents        4" in stats.stdout


def test_an_unreachable_server_or_an_empty_one_is_one_line_and_exit_2(redis_url):
    out = runner.invoke(app, ["index", "stats", "--index", f"redis://127.0.0.1:{free_port()}/0"])
    assert out.exit_code == 2 and out.output.count("\n") == 1 and "ConnectionError" in out.output
    out = runner.invoke(app, ["check", str(SAMPLES / "000_c02b9bcadfbfddb0.txt"), "--against", redis_url])
    assert out.exit_code == 2 and "no provenance index here" in out.output
    with pytest.raises(IndexFileError, match="not a Redis URL"):
        open_index("redis://127.0.0.1:notaport/0")


def test_a_server_that_goes_away_mid_use_is_an_index_error(redis_server, tmp_path):
    binary = shutil.which("redis-server")
    port = free_port()
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    wait_for(port)
    documents = load_corpus(SAMPLES).documents
    with RedisIndex(f"redis://127.0.0.1:{port}/0") as index:
        index.add(documents)
        server.terminate()
        server.wait()
        for use in (lambda: index.candidates(documents[0].text), lambda: len(index), index.stats,
                    lambda: list(index.documents()), lambda: index.remove(["000"]), lambda: index.add(documents[:1])):
            with pytest.raises(IndexFileError, match="Redis answered"):
                use()


def test_an_index_built_before_letters_were_tokens_is_refused(redis_url):
    import redis

    server = redis.Redis.from_url(redis_url)
    RedisIndex(redis_url).close()
    meta = json.loads(server.get("provenance:meta"))
    del meta["settings"]["tokens"]
    server.set("provenance:meta", json.dumps(meta))
    with pytest.raises(IndexFileError, match="built with tokens 'words', this version makes 'words\\+unspaced-letters\\+joined-line-ends'"):
        RedisIndex(redis_url, create=False)
    server.set("provenance:meta", json.dumps({**meta, "settings": None}))
    with pytest.raises(IndexFileError, match="fingerprint settings are not readable"):
        RedisIndex(redis_url, create=False)
    server.flushdb()
    server.close()
