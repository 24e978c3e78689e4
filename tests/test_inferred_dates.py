import json
import shutil
from datetime import datetime, timezone

from typer.testing import CliRunner

from provenance import load_corpus, parse_published
from provenance.cli import app
from provenance.dates import infer_published
from provenance.index import Index

from conftest import SAMPLES

runner = CliRunner()


def samples_without_manifest(tmp_path):
    folder = tmp_path / "pages"
    shutil.copytree(SAMPLES, folder)
    (folder / "manifest.csv").unlink()
    return folder


def test_a_dateline_gives_an_inferred_date_that_covers_every_zone():
    published = infer_published("Pentagon rejects plan\nMay 20 2016 11:40 PM\n\nAFP /Moscow\n\nMoscow yesterday proposed")
    assert published.inferred and published.text == "2016-05-20T23:40:00"
    # The true time (Doha, UTC+3: 20:40 UTC) lies inside, and so does any other zone's reading.
    assert published.start <= parse_published("2016-05-20T20:40:00+00:00").start < published.end
    assert (published.end - published.start).total_seconds() == 26 * 3600 + 1e-6
    day = infer_published("WASHINGTON, Oct. 4, 2015 - Russia said")
    assert day.text == "2015-10-04" and day.inferred
    assert infer_published("DAMASCUS, Syria, Oct. 4 (UPI) -- no year here") is None


def test_a_dateline_without_a_year_takes_it_from_the_url_or_the_crawl():
    wire = "DAMASCUS, Syria, Oct. 4 (UPI) -- Russia said"
    assert infer_published(wire, url="https://www.upi.com/Top_News/2015/10/04/x").text == "2015-10-04"
    seen = datetime(2016, 1, 10, tzinfo=timezone.utc)
    assert infer_published(wire, seen=seen).text == "2015-10-04"  # October is later than the crawl's January
    assert infer_published("BEIRUT, Jan. 9 — The talks", seen=seen).text == "2016-01-09"
    assert infer_published("In an Oct. 4 (Sunday) speech he said", seen=seen) is None  # no dash: not a dateline
    assert infer_published("Feb. 30 (AP) -- no such day", seen=seen) is None


def test_a_time_found_with_its_zone_is_that_instant():
    zoned = parse_published("2016-05-20T23:40:00-04:00 (inferred)")
    assert zoned.inferred and zoned.start == parse_published("2016-05-21T03:40:00+00:00").start
    assert zoned.label == "2016-05-20T23:40:00-04:00 (inferred)"
    assert infer_published("Feb 30, 2016 is no date") is None
    assert infer_published("x" * 700 + " May 20 2016") is None  # too far down to be a dateline


def test_an_inferred_date_is_used_marked_and_never_overrides_a_given_one(tmp_path):
    pages = samples_without_manifest(tmp_path)
    documents = {d.id: d for d in load_corpus(pages).documents}
    inferred = documents["003_9eb559cecdcd9b42"].published
    assert inferred.inferred and inferred.text == "2016-05-20T23:40:00"
    given = {d.id: d for d in load_corpus(SAMPLES).documents}["003"].published
    assert not given.inferred and given.text == "2016-05-20T20:40:00+00:00"
    table = runner.invoke(app, ["scan", str(pages)]).stdout
    assert "2016-05-20T23:40:00 (inferred)" in table
    report = json.loads(runner.invoke(app, ["scan", str(pages), "-f", "json"]).stdout)
    flags = {d["id"]: (d["published"], d["published_inferred"]) for d in report["documents"]}
    assert flags["003_9eb559cecdcd9b42"] == ("2016-05-20T23:40:00", True)
    assert flags["002_586ac0e9c24d228b"] == (None, False)


def test_an_inferred_date_survives_the_index_and_dedup_output(tmp_path):
    pages = samples_without_manifest(tmp_path)
    with Index(tmp_path / "archive.db") as index:
        index.add(load_corpus(pages).documents)
        stored = {d.id: d.published for d in index.documents()}
    assert stored["003_9eb559cecdcd9b42"].inferred and stored["003_9eb559cecdcd9b42"].text == "2016-05-20T23:40:00"
    out = tmp_path / "kept.jsonl"
    assert runner.invoke(app, ["dedup", str(pages), "-o", str(out)]).exit_code == 0
    reread = {d.id: d.published for d in load_corpus(out).documents}
    assert reread["003_9eb559cecdcd9b42"] == stored["003_9eb559cecdcd9b42"]
