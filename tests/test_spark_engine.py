"""scan --engine spark: a real local Spark session (2 threads) gives the local engine's results."""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import provenance
from typer.testing import CliRunner

from provenance import load_corpus, scan
from provenance.benchmark import make_benchmark
from provenance.cli import app
from provenance.report import dumps, json_chunks, to_json

from conftest import ROOT, SAMPLE_ROWS, SAMPLES

runner = CliRunner()


@pytest.fixture(scope="module")
def spark():
    reason = None
    if shutil.which("java") is None:
        reason = "Java is not installed here (CI installs it)"
    elif importlib.util.find_spec("pyspark") is None:
        reason = "pyspark is not installed here (the test extra installs it)"
    if reason:
        if os.environ.get("PROVENANCE_CI"):
            pytest.fail(reason + ": .ci/run must provide it")
        pytest.skip(reason + "; the Spark engine was not tested")
    from provenance.spark_engine import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


def test_the_samples_give_the_local_engines_json(spark):
    from provenance.spark_engine import spark_scan

    documents = load_corpus(SAMPLES).documents
    run = spark_scan(spark, documents, partitions=2)
    local = scan(documents)
    assert "".join(json_chunks(run.result, run.document_texts())) == dumps(local)
    assert to_json(run.whole()) == to_json(local)
    # The driver holds the documents that share a passage; the UPI story shares none.
    assert [d.id for d in run.result.documents] == ["000", "001", "002", "003"]
    assert set(run.stages) >= {"fingerprint", "candidates: buckets", "candidates: agreement", "align"}


def test_the_quality_benchmark_gives_the_same_families_origins_and_spans(spark, monkeypatch):
    from provenance import spark_engine
    from provenance.spark_engine import spark_scan

    # The driver concludes groups of linked documents one by one: small groups, merged as one.
    monkeypatch.setattr(spark_engine, "DOCUMENTS_PER_CONCLUSION", 6)
    bench = make_benchmark(seed=5, split="dev", scale=1)
    local, run = scan(bench.documents), spark_scan(spark, bench.documents, partitions=4)
    assert len(local.families) > 50
    assert json.loads("".join(json_chunks(run.result, run.document_texts()))) == to_json(local)
    assert run.result.candidate_pairs == local.candidate_pairs


def test_ocr_read_by_letters_gives_the_local_engines_json(spark):
    from provenance.noisy_benchmark import make_ocr_benchmark
    from provenance.scan import text_model_params
    from provenance.spark_engine import spark_scan

    # Letters' candidates, with each pair of documents' best agreement below the threshold too.
    bench, params = make_ocr_benchmark(0.10, seed=3, split="dev"), text_model_params("chars", ocr=True)
    local, run = scan(bench.documents, params), spark_scan(spark, bench.documents, params, partitions=4)
    assert len(local.families) > 50
    assert json.loads("".join(json_chunks(run.result, run.document_texts()))) == to_json(local)
    assert run.result.candidate_pairs == local.candidate_pairs


def test_jsonl_with_passim_names_and_parquet_are_read_by_spark(spark, tmp_path):
    from provenance.spark_engine import read_documents

    rows = [{"id": row["id"], "series": row["source"], "date": row["published"], "title": row["title"], "text": (SAMPLES / path).read_text(encoding="utf-8")}
            for path, row in SAMPLE_ROWS.items()]
    jsonl = tmp_path / "passim.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    spark.createDataFrame(rows).write.parquet(str(tmp_path / "corpus.parquet"))
    expected = [(d.id, d.text, d.source, d.title, d.published) for d in load_corpus(SAMPLES).documents]
    for corpus in (jsonl, tmp_path / "corpus.parquet", (tmp_path / "corpus.parquet").as_uri()):  # a URL goes to Spark as given
        documents = read_documents(spark, [corpus]).documents()
        assert sorted((d.id, d.text, d.source, d.title, d.published) for d in documents) == sorted(expected)
        if corpus == jsonl:  # one file: its order is kept
            assert [d.id for d in documents] == [row["id"] for row in rows]


def test_cli_spark_engine_json_and_parquet(spark, tmp_path):
    local = runner.invoke(app, ["scan", str(SAMPLES), "-f", "json"])
    distributed = runner.invoke(app, ["scan", str(SAMPLES), "--engine", "spark", "--master", "local[2]", "-f", "json"])
    assert distributed.exit_code == 0 and json.loads(distributed.stdout) == json.loads(local.stdout)
    out = tmp_path / "scan.parquet"
    assert runner.invoke(app, ["scan", str(SAMPLES), "--engine", "spark", "--master", "local[2]", "-f", "parquet", "-o", str(out)]).exit_code == 0
    members = spark.read.parquet(str(out / "members")).collect()
    clusters = json.loads(local.stdout)["clusters"]
    assert sorted((r["family"], r["doc"], r["start"], r["end"]) for r in members) == sorted(
        (c["id"], m["doc"], m["start"], m["end"]) for c in clusters for m in c["members"]
    )
    assert spark.read.parquet(str(out / "documents")).count() == 5
    refused = runner.invoke(app, ["scan", str(SAMPLES), "-f", "parquet", "-o", str(out)])
    assert refused.exit_code == 2 and "--engine spark" in refused.output


def test_cli_spark_engine_tables_csv_and_parquet_documents_are_the_local_engines(spark, tmp_path):
    for output_format in ("table", "csv", "html"):
        local = runner.invoke(app, ["scan", str(SAMPLES), "-f", output_format])
        distributed = runner.invoke(app, ["scan", str(SAMPLES), "--engine", "spark", "--master", "local[2]", "-f", output_format])
        assert distributed.exit_code == 0 and distributed.stdout == local.stdout
    out = tmp_path / "scan.parquet"
    assert runner.invoke(app, ["scan", str(SAMPLES), "--engine", "spark", "--master", "local[2]", "-f", "parquet", "-o", str(out)]).exit_code == 0
    written = sorted((row.asDict() for row in spark.read.parquet(str(out / "documents")).collect()), key=lambda row: row["id"])
    expected = to_json(scan(load_corpus(SAMPLES).documents))["documents"]
    assert [{name: row[name] for name in ("id", "chars", "reused_chars", "reused_share", "reused_from")} for row in written] == [
        {name: entry[name] for name in ("id", "chars", "reused_chars", "reused_share", "reused_from")} for entry in expected
    ]


def test_bad_records_read_by_spark_are_one_line_and_exit_2(spark, tmp_path):
    """Records Spark reads are checked as the local loaders check them, before anything is scanned."""
    text = (SAMPLES / next(iter(SAMPLE_ROWS))).read_text(encoding="utf-8")
    good = {"id": "a", "text": text, "published": "2015-10-01"}
    cases = {
        "dated.jsonl": ([good, {"id": "b", "text": text, "published": "the first of October"}], "error: dated.jsonl:2: "),
        "twice.jsonl": ([good, {**good, "published": "2015-10-02"}], "error: twice.jsonl:2: duplicate id 'a' (first seen in "),
        "nameless.jsonl": ([good, {"text": text}], "error: nameless.jsonl:2: missing 'id'"),
        "blank.jsonl": ([{"id": "a", "text": " \n"}], "error: no document with text in "),
    }
    for name, (records, message) in cases.items():
        corpus = tmp_path / name
        corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        out = runner.invoke(app, ["scan", str(corpus), "--engine", "spark", "--master", "local[2]", "-f", "json"])
        lines = out.output.strip().splitlines()
        assert out.exit_code == 2 and len(lines) == 1, (name, out.output)
        assert lines[0].replace(str(tmp_path) + "/", "").startswith(message), (name, lines[0])


def test_spark_that_cannot_start_is_one_line_and_exit_2(spark):
    environment = {**os.environ, "JAVA_HOME": "/nonexistent"}  # pyspark starts Java from JAVA_HOME when set
    out = subprocess.run([sys.executable, "-m", "provenance", "scan", str(SAMPLES), "--engine", "spark"], capture_output=True, text=True, env=environment, timeout=120)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip().splitlines()[-1].startswith("error: cannot start Spark with master 'local[*]'")


def _bare_python(folder: Path) -> Path:
    """A Python without this machine's packages (no numpy, no provenance), as the python3 that
    comes first on a user's PATH often is."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    return folder / "bin"


def test_a_virtualenvs_provenance_runs_on_executors_of_its_own_python(spark, tmp_path):
    """A venv's provenance called by its path, the venv not on PATH (cron, systemd, CI): the
    executors run the venv's Python, not the python3 that PATH finds first."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "-e", str(ROOT)], check=True, timeout=300)
    environment = {name: value for name, value in os.environ.items() if name not in ("PYSPARK_PYTHON", "PYTHONPATH", "VIRTUAL_ENV")}
    environment["PATH"] = f"{_bare_python(tmp_path / 'bare')}:/usr/bin:/bin"
    command = [str(venv / "bin" / "provenance"), "scan", str(SAMPLES), "--engine", "spark", "--master", "local[2]", "-f", "json"]
    out = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert json.loads(out.stdout) == to_json(scan(load_corpus(SAMPLES).documents))


def test_executors_that_cannot_import_provenance_are_one_line_and_exit_2(spark, tmp_path):
    bare = _bare_python(tmp_path / "bare") / "python3"
    environment = {**os.environ, "PYSPARK_PYTHON": str(bare)}  # the user's choice is kept, and checked
    out = subprocess.run([sys.executable, "-m", "provenance", "scan", str(SAMPLES), "--engine", "spark", "--master", "local[1]"],
                         capture_output=True, text=True, env=environment, timeout=300)
    assert out.returncode == 2 and out.stdout == "" and "Traceback" not in out.stderr
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith(f"error: the executors' Python {bare} cannot import provenance (ModuleNotFoundError: No module named ")
    assert f"install provenance {provenance.__version__} for it" in last


def test_spark_submit_runs_the_scan_script_with_the_local_engines_results(spark):
    pyspark_home = Path(importlib.util.find_spec("pyspark").submodule_search_locations[0])
    environment = {**os.environ, "SPARK_HOME": str(pyspark_home), "PYSPARK_DRIVER_PYTHON": sys.executable, "PYTHONPATH": str(ROOT)}
    environment.pop("PYSPARK_PYTHON", None)
    command = [str(pyspark_home / "bin" / "spark-submit"), "--master", "local[2]", str(ROOT / "scripts" / "spark-scan.py"), "scan", str(SAMPLES), "--engine", "spark", "-f", "json"]
    out = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert json.loads(out.stdout) == to_json(scan(load_corpus(SAMPLES).documents))


def test_packed_band_keys_link_the_pairs_the_local_engine_links():
    """The executors' steps without Spark: windows signed in slices, their band keys packed per
    bucket group (in several input batches, as a partition receives them), then linked. The
    document pairs equal the local engine's ``shared_key_pairs`` on the same keys."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.compute  # noqa: F401 (pa.compute)
    from provenance.candidates import shared_key_pairs
    from provenance.fingerprint import PassageHasher, band_keys, fingerprint
    from provenance.normalize import tokenize
    from provenance.scan import ScanParams, rank_by_time
    from provenance.spark_engine import _ENTRY, _entry_batches, _link_batches, _slices, _window_batches

    bench = make_benchmark(seed=5, split="dev", scale=1)
    params = ScanParams()
    hasher = PassageHasher(params.num_perm, params.seed, params.window, params.step)
    rank = rank_by_time(bench.documents)
    shared = (hasher.permutations, params)
    times = [d.published.start.timestamp() if d.published else np.inf for d in bench.documents]
    texts = pa.RecordBatch.from_pydict({"doc": list(range(len(bench.documents))), "time": times, "text": [d.text for d in bench.documents]})
    assert [b.num_rows for b in _slices([texts], 100)] == [100] * (texts.num_rows // 100) + [texts.num_rows % 100]
    windows = list(_window_batches(iter([texts]), shared))
    assert len(windows) == -(-texts.num_rows // 256)  # signed 256 documents a batch

    keys = [band_keys(fingerprint(tokenize(d.text), hasher, params.align.shingle_size).signatures) for d in bench.documents]
    whole = list(_entry_batches(iter(windows), buckets=8))  # batches of whole documents
    assert all(len(set(names)) == len(names) and set(names) <= set(range(8)) for names in (b.column("bucket").to_pylist() for b in whole))
    entries = np.concatenate([np.frombuffer(blob, dtype=_ENTRY) for b in whole for blob in b.column("entries").to_pylist()])
    repeats = sum(int((k[1:] == k[:-1]).sum()) for k in keys)
    assert len(entries) == sum(k.size for k in keys) - repeats  # a key repeating the previous window's is left out

    # Batches that cut documents apart (as Spark's may) keep a few repeats, which linking drops.
    packed = [blob for batch in _slices(windows, 1000) for blob in _entry_batches(iter([batch]), buckets=8)]
    # Each group of buckets linked as a partition of its own, its blobs in a shuffle's order: every
    # key's entries must have landed in one group.
    pairs = set()
    for group in range(8):
        blobs = [b.filter(pa.compute.equal(b.column("bucket"), group)) for b in reversed(packed)]
        for batch in _link_batches(iter(blobs), shared):
            pairs.update(zip(batch.column("da").to_pylist(), batch.column("db").to_pylist()))
    first, second = shared_key_pairs(keys, rank, params.clique_limit)
    assert len(pairs) > 50 and pairs == set(zip(first.tolist(), second.tolist()))
