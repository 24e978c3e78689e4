import csv
import io
import json
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from provenance import load_corpus, parse_published, scan
from provenance.benchmark import prose_sentences
from provenance.cli import app

from conftest import SAMPLES

runner = CliRunner()


@pytest.fixture(scope="module")
def outlets_corpus():
    """The samples, plus six more Stars and Stripes pages with 000's author box and sign-up footer
    and four more Gulf Times pages with 003's comment form, each with prose of its own."""
    samples = load_corpus(SAMPLES).documents
    stripes, gulf = samples[0], samples[3]
    footer = stripes.text[stripes.text.index("author picture") :]
    comments = gulf.text[gulf.text.index("There are no comments.") :]
    prose = list(prose_sentences())
    pages = []
    for i in range(6):
        own = " ".join(prose[i * 12 : (i + 1) * 12])
        pages.append(replace(stripes, id=f"stripes{i}", text=f"{own}\n\n{footer}", published=parse_published(f"2016-02-1{i}")))
    for i in range(4):
        own = " ".join(prose[200 + i * 12 : 200 + (i + 1) * 12])
        pages.append(replace(gulf, id=f"gulf{i}", text=f"{own}\n\n{comments}", published=parse_published(f"2016-04-1{i}")))
    return samples + pages


def test_furniture_repeated_on_an_outlets_pages_is_boilerplate_not_reuse(outlets_corpus):
    result = scan(outlets_corpus)
    found = {b.source: {doc for doc, _, _ in b.spans} for b in result.boilerplate}
    assert found == {"Stars and Stripes": {"000"} | {f"stripes{i}" for i in range(6)}, "Gulf Times (AFP)": {"003"} | {f"gulf{i}" for i in range(4)}}
    texts = {d.id: d.text for d in outlets_corpus}
    for b in result.boilerplate:
        for doc, start, end in b.spans:
            assert "Sign Up" in texts[doc][start:end] or "LEAVE A COMMENT" in texts[doc][start:end]
    # The real copies are still found, and no family holds furniture.
    samples_only = scan(load_corpus(SAMPLES).documents)
    spans = lambda r: sorted((m.doc, m.start, m.end, f.origin.doc) for f in r.families for m in f.members)
    assert spans(result) == spans(samples_only)
    assert {r.doc: r.reused_chars for r in result.reuse if r.doc.startswith(("stripes", "gulf"))} == {d: 0 for d in found["Stars and Stripes"] | found["Gulf Times (AFP)"] if d not in ("000", "003")}


def test_an_outlet_rerunning_a_story_twice_is_no_boilerplate():
    samples = load_corpus(SAMPLES).documents
    rerun = replace(samples[0], id="000-rerun", published=parse_published("2016-03-15"))
    extra = [replace(samples[0], id=f"other{i}", text=" ".join(list(prose_sentences())[i * 10 : (i + 1) * 10]), published=parse_published("2016-03-16")) for i in range(3)]
    result = scan(samples + [rerun] + extra)
    assert result.boilerplate == [] and any(m.doc == "000-rerun" for f in result.families for m in f.members)


def test_cli_show_boilerplate_json_and_csv(outlets_corpus, tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": d.id, "text": d.text, "source": d.source, "published": d.published.text}) + "\n" for d in outlets_corpus))
    plain = runner.invoke(app, ["scan", str(corpus)])
    shown = runner.invoke(app, ["scan", str(corpus), "--show-boilerplate"])
    assert "Boilerplate" not in plain.stdout
    assert "Boilerplate (repeated on an outlet's own pages, not reuse): 2 passages" in shown.stdout
    assert any(line.split()[:4] == ["Stars", "and", "Stripes", "7"] for line in shown.stdout.splitlines())
    report = json.loads(runner.invoke(app, ["scan", str(corpus), "-f", "json"]).stdout)
    assert {b["source"]: len(b["spans"]) for b in report["boilerplate"]} == {"Stars and Stripes": 7, "Gulf Times (AFP)": 5}
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["scan", str(corpus), "-f", "csv"]).stdout)))
    members = [m for c in report["clusters"] for m in c["members"]]
    assert len(rows) == len(members) and rows[0]["family"] == "1"
    texts = {d.id: d.text for d in outlets_corpus}
    assert all(r["passage"] == texts[r["doc"]][int(r["start"]) : int(r["end"])] for r in rows)
    assert {r["kind"] for r in rows} == {"copied", "shared-quote"}
