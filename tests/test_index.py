import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from provenance import load_corpus, scan
from provenance.index import Index, IndexFileError
from provenance.scan import ScanParams
from provenance.synthetic import planted_corpus

from conftest import SAMPLES


@pytest.fixture
def samples_index(tmp_path):
    with Index(tmp_path / "archive.db") as index:
        index.add(load_corpus(SAMPLES).documents)
        yield index


def test_add_is_incremental_and_reports_replacements(samples_index):
    docs = load_corpus(SAMPLES).documents
    assert len(samples_index) == 5
    again = samples_index.add(docs)
    assert (again.added, again.replaced, again.unchanged) == (0, 0, 5)
    changed = docs[4]
    old_text = changed.text
    old_row = next(row for doc, row in zip(samples_index.documents(), indexed_rows(samples_index)) if doc.id == "004")
    changed.text = "A brand new text about the Lisbon floods that has nothing to do with Syria at all, officials said."
    report = samples_index.add([changed])
    assert (report.added, report.replaced, report.unchanged) == (0, 1, 0)
    stored = {d.id: d.text for d in samples_index.documents()}
    assert stored["004"] == changed.text and len(stored) == 5
    rows = {d.id: row for row, d in zip(indexed_rows(samples_index), samples_index.documents())}
    found = set(samples_index.keys.lookup(samples_index.keys_of(changed.text)).tolist())
    assert rows["004"] in found and found <= set(rows.values())  # no key of a replaced row is found
    assert old_row not in samples_index.keys.lookup(samples_index.keys_of(old_text)).tolist()


def indexed_rows(index):
    return [row for row, in index.db.execute("SELECT doc FROM documents ORDER BY doc")]


def postings_of(index, doc):
    """How many of a document's keys the key store finds for it."""
    row = index.db.execute("SELECT doc FROM documents WHERE id = ?", (doc.id,)).fetchone()[0]
    return int((index.keys.lookup(index.keys_of(doc.text)) == row).sum())


def test_documents_round_trip_with_metadata(samples_index):
    original = {d.id: d for d in load_corpus(SAMPLES).documents}
    for doc in samples_index.documents():
        source = original[doc.id]
        assert (doc.text, doc.source, doc.title, doc.published) == (source.text, source.source, source.title, source.published)


def test_candidates_find_the_archive_copies_of_a_passage(samples_index):
    warren = "Baghdad-based US military spokesman Colonel Steve Warren said that Russia had established some sort of forward operating base outside Palmyra."
    ids = {d.id for d in samples_index.candidates("Our own words first. " + warren)}
    assert {"002", "003"} <= ids and "004" not in ids


def test_remove_is_all_or_none(samples_index):
    with pytest.raises(IndexFileError, match="no document with id 'nope'"):
        samples_index.remove(["000", "nope"])
    assert len(samples_index) == 5
    removed_rows = indexed_rows(samples_index)[:2]
    samples_index.remove(["000", "001"])
    assert sorted(d.id for d in samples_index.documents()) == ["002", "003", "004"]
    removed_text = load_corpus(SAMPLES).documents[0].text
    assert not set(samples_index.keys.lookup(samples_index.keys_of(removed_text)).tolist()) & set(removed_rows)
    for doc in samples_index.documents():
        assert postings_of(samples_index, doc) == len(samples_index.keys_of(doc.text))


def test_stats(samples_index):
    stats = samples_index.stats()
    assert stats["documents"] == 5 and stats["outlets"] == 5 and stats["bytes"] > 0
    assert stats["first_published"].startswith("2015-10-04")


def test_scanning_the_index_equals_scanning_the_corpus(samples_index):
    from_index = scan(list(samples_index.documents()), hasher=samples_index.hasher)
    direct = scan(load_corpus(SAMPLES).documents)
    assert [(f.origin.doc, [(m.doc, m.start, m.end) for m in f.members]) for f in from_index.families] == [
        (f.origin.doc, [(m.doc, m.start, m.end) for m in f.members]) for f in direct.families
    ]


def test_bad_index_files(tmp_path):
    with pytest.raises(IndexFileError, match="no such index"):
        Index(tmp_path / "missing.db", create=False)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(IndexFileError, match="junk.db: not a usable index"):
        Index(junk)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(IndexFileError, match="not a provenance index"):
        Index(other, create=False)
    Index(tmp_path / "built.db").close()
    older = tmp_path / "older.db"
    Index(older).close()
    with sqlite3.connect(older) as connection:
        connection.execute("UPDATE meta SET value = '1' WHERE name = 'schema'")
    with pytest.raises(IndexFileError, match="older.db: index schema '1', this version reads '2'; build a new index"):
        Index(older, create=False)
    with pytest.raises(IndexFileError, match="built with other fingerprint settings"):
        Index(tmp_path / "built.db", params=ScanParams(window=24))


def write_corpus(path, documents):
    with open(path, "w", encoding="utf-8") as stream:
        for d in documents:
            stream.write(json.dumps({"id": d.id, "text": d.text, "published": d.published.text}) + "\n")


def count_documents(path):
    connection = sqlite3.connect(path, timeout=30)
    try:
        return connection.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        connection.close()


def assert_no_process_left(argument: str, wait: float = 10) -> None:
    """No process (the writer's hashing workers included) still runs with this argument."""
    deadline = time.monotonic() + wait
    while True:
        left = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                if argument.encode() in cmdline.read_bytes():
                    left.append(cmdline.parent.name)
            except OSError:
                pass  # gone meanwhile
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert not left, f"processes left behind: {left}"


def test_a_killed_add_leaves_whole_batches_and_readers_work_meanwhile(tmp_path):
    documents, _ = planted_corpus(3000, copy_rate=0.1, seed=21)
    corpus = tmp_path / "big.jsonl"
    write_corpus(corpus, documents)
    db = tmp_path / "archive.db"
    writer = subprocess.Popen(
        [sys.executable, "-m", "provenance", "index", "add", str(corpus), "--db", str(db), "--batch-size", "100", "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while count_documents(db) < 300:
            assert writer.poll() is None, writer.stderr.read()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        # A reader opens the index and searches it while the writer goes on.
        seen = []
        with Index(db, create=False) as reader:
            for i in range(0, 50, 10):
                assert documents[i].id in {d.id for d in reader.candidates(documents[i].text)}
                seen.append(len(reader))
        assert writer.poll() is None, "the writer should still be adding"
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    finally:
        if writer.poll() is None:
            writer.kill()
    kept = count_documents(db)
    assert 300 <= kept < 3000 and kept % 100 == 0  # whole batches only
    assert_no_process_left(str(db))
    assert seen == sorted(seen)
    with Index(db, create=False) as index:
        assert index.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        indexed = list(index.documents())
        assert [d.id for d in indexed] == [d.id for d in documents[:kept]]
        for doc in indexed[-100:]:  # the last batch has all its keys
            assert postings_of(index, doc) == len(index.keys_of(doc.text))
        # Adding again completes the index without duplicating what is there.
        report = index.add(documents)
        assert (report.added, report.unchanged) == (3000 - kept, kept)
        assert len(index) == 3000
