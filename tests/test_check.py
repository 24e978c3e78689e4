import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from provenance.check import Policy, check_draft, load_drafts
from provenance.credit import classify, credits_near, find_credits
from provenance.outlets import name_parts
from provenance.cli import app
from provenance.corpus import load_corpus
from provenance.index import Index

from conftest import ROOT, SAMPLES

runner = CliRunner()
LIFT = (
    "Moscow on Thursday proposed that Russia and the US, who have been flying separate bombing campaigns in Syria, "
    "launch joint air strikes against jihadists starting next week, a proposal the Pentagon quickly rejected."
)
OWN = "The city council of Lisbon met on Tuesday to discuss the flooding of the riverside district, where water rose to the first floor of several houses."


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("archive") / "archive.db"
    with Index(path) as index:
        index.add(load_corpus(SAMPLES).documents)
    return path


@pytest.fixture
def drafts(tmp_path):
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "lift.txt").write_text(OWN + "\n\n" + LIFT + "\n", encoding="utf-8")
    (folder / "credited.txt").write_text(OWN + "\n\n" + LIFT[:-1] + ", AFP reported.\n", encoding="utf-8")
    (folder / "own.md").write_text(OWN + "\n", encoding="utf-8")
    return folder


def run_check(draft_paths, archive, policy=Policy()):
    with Index(archive, create=False) as index:
        return {d.id: check_draft(d, index, policy) for d in load_drafts(draft_paths)}


def test_a_light_rewrite_fails_and_names_the_afp_story(drafts, archive):
    report = run_check([drafts / "lift.txt"], archive)["lift.txt"]
    assert report.failed
    (passage,) = report.passages
    assert passage.origin.doc == "003" and passage.origin.source == "Gulf Times (AFP)"
    assert passage.origin.published == "2016-05-20T20:40:00+00:00"
    assert report.draft.text[passage.start : passage.end].startswith("Moscow on Thursday proposed")
    origin_text = (SAMPLES / "003_9eb559cecdcd9b42.txt").read_text(encoding="utf-8")
    assert origin_text[passage.origin.start : passage.origin.end].startswith("Moscow yesterday proposed")
    assert passage.status == "uncredited" and 0.7 < passage.similarity < 1
    assert 0.5 < report.reused_share < 0.7


def test_credit_allow_strict_and_max_share(drafts, archive):
    reports = run_check([drafts], archive)
    assert set(reports) == {"lift", "credited", "own"}
    assert not reports["own"].failed and reports["own"].passages == []
    assert reports["credited"].passages[0].status == "credited" and not reports["credited"].failed
    assert run_check([drafts / "credited.txt"], archive, Policy(strict=True))["credited.txt"].failed
    allowed = run_check([drafts / "lift.txt"], archive, Policy(allow=("AFP",)))["lift.txt"]
    assert allowed.passages[0].status == "allowed" and not allowed.failed
    assert not run_check([drafts / "lift.txt"], archive, Policy(max_share=0.9))["lift.txt"].failed
    assert run_check([drafts / "lift.txt"], archive, Policy(max_share=0.3))["lift.txt"].failed
    assert run_check([drafts / "lift.txt"], archive, Policy(min_words=40))["lift.txt"].passages == []


def names_credit(text, start, end, source):
    return classify(credits_near(find_credits(text, [source]), start, end, [(start, end)]), [source]) == "credited"


def test_credit_names_and_reach():
    assert name_parts("Gulf Times (AFP)") == ["Gulf Times (AFP)", "Gulf Times", "AFP"]
    text = "x" * 1000 + " the passage " + "y" * 1000
    assert not names_credit(text, 1000, 1013, "AFP")
    assert names_credit("(AFP) " + text, 1006, 1019, "AFP")  # a dateline tag credits the article
    assert names_credit(text[:1013] + " according to Gulf Times. " + text[1013:], 1000, 1013, "Gulf Times (AFP)")
    assert not names_credit(text[:1013] + " safpx " + text[1013:], 1000, 1013, "AFP")
    assert not names_credit(text[:1013] + " " + "z" * 400 + " AFP reported. " + text[1013:], 1000, 1013, "AFP")  # too far


def test_a_draft_already_in_the_archive_is_not_matched_with_itself(archive, tmp_path):
    draft = tmp_path / "003"
    draft.write_text((SAMPLES / "003_9eb559cecdcd9b42.txt").read_text(encoding="utf-8"), encoding="utf-8")
    report = run_check([draft], archive)["003"]
    # It finds the aggregator's copies of its own lines, never itself.
    assert len(report.passages) == 3 and all(p.matched == ["002"] for p in report.passages)


def cli(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_cli_exit_codes_and_tables(drafts, archive):
    failing = cli("check", drafts / "lift.txt", "--against", archive)
    assert failing.exit_code == 1
    assert "lift.txt: FAIL" in failing.stdout and "003 (Gulf Times (AFP), 2016-05-20T20:40:00+00:00)" in failing.stdout
    assert cli("check", drafts / "own.md", "--against", archive).exit_code == 0
    assert cli("check", drafts / "lift.txt", "--against", archive, "--allow", "AFP").exit_code == 0
    assert cli("check", drafts / "lift.txt", "--against", archive, "--max-share", "0.9").exit_code == 0
    assert cli("check", drafts / "credited.txt", "--against", archive).exit_code == 0
    assert cli("check", drafts / "credited.txt", "--against", archive, "--strict").exit_code == 1
    assert cli("check", drafts / "lift.txt", "--against", archive, "--min-words", "40").exit_code == 0


def test_cli_against_a_corpus_equals_against_an_index(drafts, archive):
    by_index = json.loads(cli("check", drafts, "--against", archive, "-f", "json").stdout)
    by_corpus = json.loads(cli("check", drafts, "--against", SAMPLES, "-f", "json").stdout)
    assert by_index["schema"] == "provenance.check/1"
    strip = lambda report: [(d["id"], d["failed"], [(p["start"], p["end"], p["origin"]) for p in d["passages"]]) for d in report["drafts"]]
    assert strip(by_index) == strip(by_corpus)


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.txt", "--against", "ARCHIVE"], "missing.txt: no such file or directory"),
        (["DRAFT", "--against", "nowhere.db"], "nowhere.db: no such index"),
        (["DRAFT", "--against", "JUNK"], "junk.db: not a usable index"),
    ],
)
def test_cli_input_errors_exit_2_with_one_line(drafts, archive, tmp_path, args, message):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + b"garbage" * 200)
    values = {"ARCHIVE": str(archive), "DRAFT": str(drafts / "lift.txt"), "JUNK": str(junk)}
    argv = [values.get(a, str(tmp_path / a) if a.endswith((".txt", ".db")) else a) for a in args]
    process = subprocess.run([sys.executable, "-m", "provenance", "check", *argv], capture_output=True, text=True)
    assert process.returncode == 2
    lines = process.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in process.stderr


def test_prepublish_check_script(drafts, archive):
    script = ROOT / "scripts" / "prepublish-check"
    result = subprocess.run([sys.executable, str(script), str(drafts), "--against", str(archive)], capture_output=True, text=True)
    assert result.returncode == 1
    rows = {line.split()[0].rsplit("/", 1)[-1]: line for line in result.stdout.splitlines()[2:]}
    assert "FAIL" in rows["lift.txt"] and "003 (Gulf Times (AFP))" in rows["lift.txt"]
    assert " ok " in rows["own.md"] and " ok " in rows["credited.txt"]
    passing = subprocess.run([sys.executable, str(script), str(drafts / "own.md"), "--against", str(archive)], capture_output=True, text=True)
    assert passing.returncode == 0
    allowed = subprocess.run([sys.executable, str(script), str(drafts), "--against", str(archive), "--allow", "AFP"], capture_output=True, text=True)
    assert allowed.returncode == 0
    broken = subprocess.run([sys.executable, str(script), str(drafts / "none.txt"), "--against", str(archive)], capture_output=True, text=True)
    assert broken.returncode == 2 and "none.txt" in broken.stderr
