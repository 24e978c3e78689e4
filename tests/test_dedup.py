import json
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from provenance import load_corpus, parse_published
from provenance.cli import app
from provenance.dedup import DedupParams, dedup, strip_reused
from provenance.dedup_benchmark import DUPLICATE_KINDS, make_dedup_benchmark

from conftest import SAMPLES

runner = CliRunner()


@pytest.fixture(scope="module")
def samples():
    return {doc.id: doc for doc in load_corpus(SAMPLES).documents}


def dropped_into(result) -> dict[str, str]:
    return {d.id: g.kept for g in result.groups for d in g.duplicates}


def test_the_labeled_benchmark_every_rerun_dropped_into_its_original_and_nothing_else():
    documents, labels = make_dedup_benchmark(seed=3)
    result = dedup(documents)
    dropped = dropped_into(result)
    reruns = {doc_id for doc_id, label in labels.items() if label.duplicate}
    assert {labels[d].kind for d in reruns} == set(DUPLICATE_KINDS)
    assert set(dropped) == reruns
    assert all(dropped[d] == labels[d].original for d in reruns)
    assert result.kept == [doc.id not in reruns for doc in documents]
    exact = {d.id for g in result.groups for d in g.duplicates if d.exact}
    assert exact and exact <= {d for d in reruns if labels[d].kind == "exact"}
    # Containment, not Jaccard: an excerpt is wholly contained, far from equal.
    excerpts = [d for g in result.groups for d in g.duplicates if labels[d.id].kind == "excerpt"]
    assert min(d.containment for d in excerpts) > 0.95 and min(d.jaccard for d in excerpts) < 0.8


def test_the_samples_quote_each_other_but_none_is_a_duplicate(samples):
    result = dedup(list(samples.values()))
    assert all(result.kept) and result.groups == []


def rerun(doc, new_id, published=None, text=None):
    return replace(doc, id=new_id, text=text if text is not None else doc.text, published=parse_published(published) if published else None)


def test_keep_rules(samples):
    story = samples["000"]
    update = "UPDATE 1: adds comment from the Pentagon\n\n" + story.text.rsplit("\n", 3)[0]
    corpus = [
        rerun(story, "undated", None, story.text.replace("Syria", "SYRIA")),
        rerun(story, "later", "2016-03-16T10:00:00+00:00", update),
        rerun(story, "first-dated", "2016-03-14T18:00:00+00:00"),
    ]
    earliest = dedup(corpus)
    assert [g.kept for g in earliest.groups] == ["first-dated"] and earliest.kept == [False, False, True]
    # The undated copy is never kept over a dated one, not even when it comes first.
    assert dedup(corpus, DedupParams(keep="first")).groups[0].kept == "later"
    longest = dedup(corpus, DedupParams(keep="longest"))
    assert longest.groups[0].kept == "first-dated"  # the undated copy is as long, the update shorter
    assert sorted(d.id for d in longest.groups[0].duplicates) == ["later", "undated"]
    kinds = {d.id: d.exact for d in earliest.groups[0].duplicates}
    assert kinds == {"undated": True, "later": False}  # case does not make a text different


def test_a_tie_on_dates_is_reported_and_input_order_decides(samples):
    story = samples["000"]
    corpus = [rerun(story, "dated-day", "2016-03-14"), rerun(story, "dated-time", "2016-03-14T18:00:00+00:00")]
    result = dedup(corpus)
    assert result.groups[0].kept == "dated-day" and result.groups[0].tie
    apart = dedup([rerun(story, "a", "2016-03-13"), rerun(story, "b", "2016-03-14T18:00:00+00:00")])
    assert not apart.groups[0].tie


def test_an_exact_copy_of_a_dropped_rerun_joins_the_kept_original(samples):
    story = samples["003"]
    cut = story.text[: story.text.rindex("\n", 0, len(story.text) - 400)]
    corpus = [rerun(story, "wire", "2016-05-20"), rerun(story, "cut", "2016-05-21", cut), rerun(story, "cut-again", "2016-05-22", cut)]
    result = dedup(corpus)
    assert len(result.groups) == 1 and result.groups[0].kept == "wire"
    duplicates = {d.id: d for d in result.groups[0].duplicates}
    assert set(duplicates) == {"cut", "cut-again"}
    assert duplicates["cut-again"].containment == duplicates["cut"].containment == 1.0
    assert not duplicates["cut-again"].exact  # not the same words as the kept one


def test_strip_reused_cuts_what_an_earlier_document_published(samples):
    documents = list(samples.values())
    texts, cuts = strip_reused(documents)
    stripped = dict(zip(samples, texts))
    assert {c.doc for c in cuts} == {"001", "002"}
    assert {c.origin for c in cuts if c.doc == "001"} == {"000"}
    assert "Russian airstrikes in Syria have focused largely" in stripped["000"]
    assert "Russian airstrikes in Syria have focused largely" not in stripped["001"]
    assert "Colonel Steve Warren" not in stripped["002"] and "Colonel Steve Warren" in stripped["003"]
    assert stripped["004"] == samples["004"].text
    removed = sum(len(samples[d].text) - len(stripped[d]) for d in samples)
    assert removed == sum(c.end - c.start for c in cuts)  # the passages do not overlap


def run(*args):
    return runner.invoke(app, list(map(str, args)))


@pytest.fixture
def labeled_jsonl(tmp_path):
    documents, labels = make_dedup_benchmark(seed=4)
    lines = []
    for n, doc in enumerate(documents):
        record = {"id": doc.id, "text": doc.text, "series": doc.source, "date": doc.published.text, "extra": {"n": n}}
        lines.append(json.dumps(record, ensure_ascii=n % 2 == 0))  # escaped and raw Unicode both
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(("\r\n".join(lines[:3]) + "\n" + "\n".join(lines[3:]) + "\n").encode("utf-8"))
    return corpus, documents, labels


def test_cli_writes_the_kept_lines_as_read_in_input_order(tmp_path, labeled_jsonl):
    corpus, documents, labels = labeled_jsonl
    out, report = tmp_path / "kept.jsonl", tmp_path / "dups.json"
    result = run("dedup", corpus, "--output", out, "--report", report)
    assert result.exit_code == 0, result.output
    originals = [line + b"\n" for line in corpus.read_bytes().split(b"\n") if line]
    kept = [line for line, doc in zip(originals, documents) if not labels[doc.id].duplicate]
    assert out.read_bytes() == b"".join(kept)
    reruns = sum(label.duplicate for label in labels.values())
    assert f"{len(documents)} documents in, {len(documents) - reruns} kept, {reruns} dropped" in result.stdout
    written = json.loads(report.read_text())
    assert written["schema"] == "provenance.dedup/1" and written["summary"]["dropped"] == reruns
    group = written["groups"][0]
    assert set(group) >= {"kept", "duplicates", "tie"}
    assert set(group["duplicates"][0]) == {"id", "containment", "jaccard", "exact"}
    assert all(labels[d["id"]].original == g["kept"] for g in written["groups"] for d in g["duplicates"])


def test_cli_threshold_and_keep_options(tmp_path, labeled_jsonl):
    corpus, documents, labels = labeled_jsonl
    strict = run("dedup", corpus, "-o", tmp_path / "a.jsonl", "--threshold", "1.0", "--report", tmp_path / "a.json")
    assert strict.exit_code == 0
    dropped_kinds = {labels[d["id"]].kind for g in json.loads((tmp_path / "a.json").read_text())["groups"] for d in g["duplicates"]}
    assert "exact" in dropped_kinds and "light" not in dropped_kinds
    first = run("dedup", corpus, "-o", tmp_path / "b.jsonl", "--keep", "first", "--report", tmp_path / "b.json")
    assert first.exit_code == 0
    position = {doc.id: n for n, doc in enumerate(documents)}
    groups = json.loads((tmp_path / "b.json").read_text())["groups"]
    assert all(position[g["kept"]] < position[d["id"]] for g in groups for d in g["duplicates"])
    assert run("dedup", corpus, "-o", tmp_path / "c.jsonl", "--keep", "newest").exit_code == 2


def test_cli_strip_reused_keeps_every_field(tmp_path, write_jsonl, samples):
    records = [{"id": d.id, "text": d.text, "published": d.published.text, "source": d.source, "topic": "syria"} for d in samples.values()]
    corpus = write_jsonl(records)
    out, report = tmp_path / "stripped.jsonl", tmp_path / "cuts.json"
    result = run("dedup", corpus, "-o", out, "--strip-reused", "--report", report)
    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in written] == list(samples) and all(r["topic"] == "syria" for r in written)
    assert "Colonel Steve Warren" not in written[2]["text"] and written[4]["text"] == samples["004"].text
    cuts = json.loads(report.read_text())["cuts"]
    assert {(c["doc"], c["origin"]) for c in cuts} == {("001", "000"), ("002", "003")}
    assert "6 reused passages cut from 2 of them" in result.stdout


def test_cli_a_directory_corpus_comes_back_as_records(tmp_path, samples):
    out = tmp_path / "kept.jsonl"
    assert run("dedup", SAMPLES, "-o", out).exit_code == 0
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["text"], r["source"]) for r in written] == [(d.id, d.text, d.source) for d in samples.values()]


def test_cli_refuses_to_overwrite_its_input_and_writes_nothing_on_bad_input(tmp_path, write_jsonl, samples):
    corpus = write_jsonl([{"id": d.id, "text": d.text} for d in samples.values()])
    before = corpus.read_bytes()
    result = run("dedup", corpus, "-o", corpus)
    assert result.exit_code == 2 and "refusing to write into the input corpus" in result.output
    assert corpus.read_bytes() == before
    assert run("dedup", SAMPLES, "-o", SAMPLES / "kept.md").exit_code == 2
    broken = write_jsonl([{"id": "a", "text": "fine"}], name="broken.jsonl")
    broken.write_text(broken.read_text() + "{not json\n")
    out = tmp_path / "never.jsonl"
    result = run("dedup", broken, "-o", out)
    assert result.exit_code == 2 and "broken.jsonl:2: malformed JSON" in result.output
    assert not out.exists()


def test_worker_processes_drop_the_same_documents(monkeypatch):
    from provenance import workers

    documents, _ = make_dedup_benchmark(seed=5)
    alone = dedup(documents, workers=1)
    monkeypatch.setattr(workers, "PARALLEL_FROM", 10)
    shared = dedup(documents, workers=2)
    assert shared.groups == alone.groups and shared.kept == alone.kept and len(alone.groups) > 50
