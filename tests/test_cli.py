import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from provenance.cli import app
from provenance.normalize import tokenize

from conftest import SAMPLES

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(map(str, args)))


def test_scan_tables_on_the_samples():
    result = run("scan", SAMPLES)
    assert result.exit_code == 0, result.output
    out = result.stdout
    documents_part, reuse_part = out.split("Reused passages:")
    rows = {line.split()[0]: line for line in documents_part.splitlines()[3:] if line.strip()}
    assert "Hot Air" in rows["001"] and rows["001"].rstrip().endswith("000, AP (wire)")
    assert "Unknown aggregator" in rows["002"] and rows["002"].rstrip().endswith("AFP (wire)")
    assert " 0%" in rows["004"]
    reuse_part, quotes_part = reuse_part.split("Shared quotes")
    assert "5 in 5 families" in reuse_part and "1 in 1 families" in quotes_part
    assert "Baghdad-based USA military spokesman" in reuse_part
    assert "Russian operations are supporting" in quotes_part  # Davis quoted by both, not copied
    assert "\u2502" not in out and "\u2501" not in out  # no progress bar in the report


def test_scan_json_contract():
    result = run("scan", SAMPLES, "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["schema"] == "provenance.scan/1"
    doc = report["documents"][1]
    assert set(doc) >= {"id", "source", "title", "url", "published", "chars", "reused_chars"}
    assert (doc["id"], doc["source"], doc["published"]) == ("001", "Hot Air", "2016-03-15T01:00:00+00:00")
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in SAMPLES.glob("*.txt")}
    assert doc["chars"] == len(texts["001"]) and 0 < doc["reused_chars"] < doc["chars"]
    for cluster in report["clusters"]:
        assert set(cluster) >= {"id", "origin", "members"}
        origin = cluster["origin"]
        assert {"doc": origin["doc"], "start": origin["start"], "end": origin["end"]} in [
            {k: m[k] for k in ("doc", "start", "end")} for m in cluster["members"]
        ]
        for member in cluster["members"]:
            assert set(member) >= {"doc", "start", "end", "similarity"}
            assert 0 < member["similarity"] <= 1
    warren = next(c for c in report["clusters"] if c["origin"]["doc"] == "003" and "Warren" in texts["003"][c["origin"]["start"] : c["origin"]["end"]])
    copy = next(m for m in warren["members"] if m["doc"] == "002")
    assert texts["002"][copy["start"] : copy["end"]].startswith("Baghdad-based USA military spokesman Colonel Steve Warren")


def test_output_file(tmp_path):
    target = tmp_path / "report.json"
    result = run("scan", SAMPLES, "-f", "json", "--output", target)
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["schema"] == "provenance.scan/1"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left
    tables = tmp_path / "report.txt"
    assert run("scan", SAMPLES, "-o", tables).exit_code == 0
    assert tables.read_text(encoding="utf-8").startswith("Documents")


def test_output_into_a_missing_folder_is_an_input_error(tmp_path):
    result = run("scan", SAMPLES, "-o", tmp_path / "nope" / "r.json")
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_min_words_option():
    report = json.loads(run("scan", SAMPLES, "-f", "json", "--min-words", "40").stdout)
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in SAMPLES.glob("*.txt")}
    assert report["parameters"]["align"]["min_words"] == 40
    # Only the long passages remain: the Hot Air paragraphs and the Warren sentence.
    assert len(report["clusters"]) == 2
    for member in (m for c in report["clusters"] for m in c["members"]):
        assert len(tokenize(texts[member["doc"]][member["start"] : member["end"]])) >= 40


def test_min_evidence_option():
    default = json.loads(run("scan", SAMPLES, "-f", "json").stdout)
    strict = json.loads(run("scan", SAMPLES, "-f", "json", "--min-evidence", "40").stdout)
    assert strict["parameters"]["align"]["min_evidence"] == 40
    # Passages with less evidence leave the families and are listed as common wording.
    assert len(strict["clusters"]) < len(default["clusters"]) and not default["common_wording"]
    assert len(strict["common_wording"]) == len(default["clusters"]) - len(strict["clusters"])
    assert all(w["evidence"] < 40 for w in strict["common_wording"])
    assert run("scan", SAMPLES, "--min-evidence", "-1").exit_code == 2


def test_min_similarity_option():
    report = json.loads(run("scan", SAMPLES, "-f", "json", "--min-similarity", "0.95").stdout)
    similarities = [m["similarity"] for c in report["clusters"] for m in c["members"]]
    assert report["parameters"]["align"]["min_similarity"] == report["parameters"]["align"]["min_letter_similarity"] == 0.95
    assert len(report["clusters"]) == 4 and min(similarities) >= 0.95
    # Not given, letters keep their own floor (the character model's, and Chinese, Japanese or Thai letters).
    by_letters = json.loads(run("scan", SAMPLES, "-f", "json", "--text-model", "chars").stdout)["parameters"]["align"]
    assert (by_letters["min_similarity"], by_letters["min_letter_similarity"]) == (0.65, 0.65)
    assert json.loads(run("scan", SAMPLES, "-f", "json").stdout)["parameters"]["align"]["min_letter_similarity"] == 0.65


def test_warnings_and_quiet(write_jsonl):
    path = write_jsonl([{"id": "a", "text": "some words"}, {"id": "b", "text": ""}])
    loud = run("scan", path)
    assert loud.exit_code == 0 and "warning: " in loud.stderr and "empty document 'b'" in loud.stderr
    quiet = run("scan", path, "--quiet")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_fallback_encoding_option(tmp_path):
    (tmp_path / "a.txt").write_bytes("It\u2019s a Windows file.".encode("cp1252"))
    assert run("scan", tmp_path).exit_code == 2
    assert run("scan", tmp_path, "--fallback-encoding", "cp1252").exit_code == 0
    bad = run("scan", tmp_path, "--fallback-encoding", "klingon")
    assert bad.exit_code == 2 and "unknown encoding 'klingon'" in bad.stderr


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.startswith("provenance ")


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: (d / "a.txt").write_bytes(b"caf\xe9"), "a.txt: not UTF-8 text"),
        (lambda d: (d / "a.jsonl").write_text('{"id": 1, "text": "x"}\n{oops\n'), "a.jsonl:2: malformed JSON"),
        (lambda d: (d / "a.jsonl").write_text('{"id": 1, "text": "x", "published": "soon"}\n'), "a.jsonl:1: unparseable date 'soon'"),
        (lambda d: (d / "a.jsonl").write_text('{"id": 1, "text": "x"}\n{"id": 1, "text": "y"}\n'), "a.jsonl:2: duplicate id '1'"),
        (lambda d: (d / "a.txt").write_bytes(b"\x00\x01\x02"), "a.txt: binary file"),
        (lambda d: None, "empty corpus"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_without_traceback(tmp_path, make, message):
    make(tmp_path)
    target = next((p for p in tmp_path.iterdir() if p.suffix == ".jsonl"), tmp_path)
    process = subprocess.run(
        [sys.executable, "-m", "provenance", "scan", str(target)],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"},
    )
    assert process.returncode == 2
    assert process.stdout == ""
    lines = process.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], process.stderr
    assert "Traceback" not in process.stderr


def test_missing_corpus_path(tmp_path):
    result = run("scan", tmp_path / "absent")
    assert result.exit_code == 2 and "no such file or directory" in result.stderr


def test_index_commands_and_scan_db(tmp_path, monkeypatch):
    db = tmp_path / "archive.db"
    added = run("index", "add", SAMPLES, "--db", db)
    assert added.exit_code == 0 and "added 5, replaced 0 (text changed), unchanged 0; 5 documents" in added.stdout
    assert "unchanged 5" in run("index", "add", SAMPLES, "--db", db).stdout
    monkeypatch.setenv("PROVENANCE_DB", str(db))  # the default index
    stats = run("index", "stats")
    assert stats.exit_code == 0 and "documents" in stats.stdout and " 5" in stats.stdout
    from_db = json.loads(run("scan", "--db", db, "-f", "json").stdout)
    from_corpus = json.loads(run("scan", SAMPLES, "-f", "json").stdout)
    assert from_db["clusters"] == from_corpus["clusters"]
    assert run("scan", SAMPLES, "--db", db).exit_code == 2  # the same ids twice
    missing = run("index", "remove", "000", "nope")
    assert missing.exit_code == 2 and "no document with id 'nope'" in missing.stderr
    removed = run("index", "remove", "000", "001")
    assert removed.exit_code == 0 and "3 documents" in removed.stdout
    assert json.loads(run("scan", "--db", db, "-f", "json").stdout)["clusters"][0]["origin"]["doc"] == "003"


def test_scan_needs_a_corpus_or_an_index(tmp_path):
    assert "give a CORPUS or --db" in run("scan").stderr
    assert run("scan", "--db", tmp_path / "none.db").exit_code == 2
    assert run("index", "stats", "--db", tmp_path / "none.db").exit_code == 2
