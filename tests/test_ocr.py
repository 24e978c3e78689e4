"""OCR'd text on real prose: words hyphenated across line ends are joined always, and with --ocr
OCR's misreadings and specks are folded in the normal form, never in the offsets or reported text."""

import json
import random
import re
from pathlib import Path

import pytest
from conftest import span_quality
from typer.testing import CliRunner

from provenance import ScanParams, scan
from provenance.align import AlignParams
from provenance.cli import app
from provenance.evaluate import detections, score_by_level
from provenance.noisy_benchmark import _CONFUSIONS, _STRAY, make_ocr_benchmark, narrow_column, ocr_noise
from provenance.normalize import tokenize

SAMPLES = Path(__file__).parents[1] / "samples"
AFP = next(SAMPLES.glob("003_*.txt")).read_text(encoding="utf-8")  # an AFP story, as published
runner = CliRunner()


def pieces(text: str, ocr: bool = False) -> list[str]:
    tokens = tokenize(text, ocr)
    return [text[start:end] for start, end in zip(tokens.starts, tokens.ends)]


def test_words_hyphenated_across_line_ends_are_the_words_and_slice_back_to_the_text():
    column = narrow_column(AFP, 30, random.Random(2)).text
    assert column.count("-\n") >= 10
    assert tokenize(column).words == tokenize(AFP).words
    split = [piece for piece in pieces(column) if "-\n" in piece]
    assert len(split) == column.count("-\n") and [p.replace("-\n", "") for p in pieces(column)] == pieces(AFP)


def test_ocr_misreadings_and_specks_are_the_word_only_when_read_as_ocr():
    words = sorted({w for sample in SAMPLES.glob("*.txt") for w in re.findall(r"\w{4,}", sample.read_text(encoding="utf-8"))})

    def folded_pairs(word: str) -> int:  # misreadings of two letters folded as one ("rn" as "m")
        return sum(word.lower().count(pair) for pair in ("rn", "cl", "vv", "li"))

    misread = []
    for printed, readings in _CONFUSIONS.items():
        for reading in readings:
            # A word with no other two-letter misreading in it, before or after: folds are made
            # one at a time, and "el" misread "cl" would read as "d".
            found = [(w, w.replace(printed, reading, 1)) for w in words if printed in w]
            misread += [(w, noisy) for w, noisy in found if folded_pairs(w) == folded_pairs(printed) and folded_pairs(noisy) == folded_pairs(reading)][:1]
    word = next(w for w in words if len(w) >= 6 and w.isalpha())
    misread += [(word, word[:3] + speck + word[3:]) for speck in _STRAY if speck != "'"]
    assert len(misread) >= 35
    for clean, noisy in misread:
        assert tokenize(noisy, ocr=True).words == tokenize(clean, ocr=True).words, (clean, noisy)
        assert pieces(noisy, ocr=True) == [noisy]  # one word, sliced as it reads
    # Read as words, each misreading is another word (but for the long s, which NFKC reads as s).
    assert all(tokenize(noisy).words != tokenize(clean).words for clean, noisy in misread if "ſ" not in noisy)


@pytest.fixture(scope="module")
def ocr_5():
    return make_ocr_benchmark(0.05, seed=3, split="dev")


def test_scanning_ocr_text_as_ocr_finds_what_the_word_model_loses(ocr_5):
    def overall(ocr: bool):
        found = detections(scan(ocr_5.documents, ScanParams(align=AlignParams(ocr=ocr))))
        return found, score_by_level(ocr_5.cases, found)["overall"]

    _, words = overall(False)
    found, read_as_ocr = overall(True)
    # Measured at 5% of characters wrong: plagdet 0.449 -> 0.887, precision 0.998 -> 0.995.
    assert read_as_ocr.plagdet >= 0.85 and read_as_ocr.plagdet >= words.plagdet + 0.3
    assert read_as_ocr.precision >= 0.98 and read_as_ocr.attribution >= 0.8
    # Spans are offsets into the noised text as read: none cuts a word, and nearly all they cover
    # is planted.
    cut, planted = span_quality(ocr_5.documents, ocr_5.cases, found)
    assert found and cut == 0 and planted >= 0.98


def test_an_index_keeps_reading_as_ocr_and_refuses_to_be_read_otherwise(tmp_path):
    def run(*args):
        return runner.invoke(app, list(map(str, args)))

    draft = next(SAMPLES.glob("001_*.txt"))
    assert run("index", "add", SAMPLES, "--db", tmp_path / "ocr.db", "--ocr", "-q").exit_code == 0
    assert run("index", "add", SAMPLES, "--db", tmp_path / "plain.db", "-q").exit_code == 0
    # Opened again, an index reads texts as it was built to: no flag to repeat.
    for db in ("ocr.db", "plain.db"):
        checked = run("check", draft, "--against", tmp_path / db, "-f", "json")
        assert checked.exit_code == 1 and '"failed": true' in checked.stdout
        scanned = json.loads(run("scan", "--db", tmp_path / db, "-f", "json").stdout)
        assert scanned["parameters"]["align"]["ocr"] is (db == "ocr.db") and scanned["clusters"]
    for args in (("check", draft, "--against", tmp_path / "plain.db", "--ocr"), ("index", "add", SAMPLES, "--db", tmp_path / "plain.db", "--ocr")):
        refused = run(*args)
        assert refused.exit_code == 2 and "Traceback" not in refused.output
        assert refused.stderr.strip().count("\n") == 0 and "built without --ocr" in refused.stderr


def test_an_index_from_before_line_ends_were_joined_is_refused_in_one_line(tmp_path):
    import sqlite3

    from provenance.index import Index, IndexFileError

    older = tmp_path / "older.db"
    Index(older).close()
    with sqlite3.connect(older) as connection:
        params = json.loads(connection.execute("SELECT value FROM meta WHERE name = 'params'").fetchone()[0])
        params["tokens"] = "words+unspaced-letters"
        del params["ocr"]
        connection.execute("UPDATE meta SET value = ? WHERE name = 'params'", (json.dumps(params),))
    with pytest.raises(IndexFileError, match="words hyphenated across line ends joined\\); build a new index with 'provenance index add'$"):
        Index(older, create=False)


def ocr_reruns(tmp_path: Path, rate: float) -> Path:
    """The five sample articles, each with an OCR'd rerun of itself a day later (a scanned print
    edition): damaged at ``rate`` and set in a narrow column."""
    records = []
    for number, path in enumerate(sorted(SAMPLES.glob("*.txt"))):
        text = path.read_text(encoding="utf-8")
        scanned = narrow_column(ocr_noise(text, rate, random.Random(number)).text, 34, random.Random(number)).text
        records += [{"id": f"web{number}", "text": text, "published": "2016-05-20"}, {"id": f"print{number}", "text": scanned, "published": "2016-05-21"}]
    corpus = tmp_path / f"reruns-{rate}.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return corpus


def test_dedup_and_scan_read_ocr_reruns_as_reruns_with_ocr(tmp_path):
    def run(*args):
        return runner.invoke(app, list(map(str, args)))

    corpus, kept = ocr_reruns(tmp_path, 0.02), tmp_path / "kept.jsonl"
    # At 2% of characters wrong, no scanned rerun is a duplicate as words; read as OCR'd, each is.
    kept_ids = []
    for ocr in ([], ["--ocr"]):
        assert run("dedup", corpus, "-o", kept, "-q", *ocr).exit_code == 0
        kept_ids.append([json.loads(line)["id"] for line in kept.read_text(encoding="utf-8").splitlines()])
    assert len(kept_ids[0]) == 10 and kept_ids[1] == [f"web{n}" for n in range(5)]
    # At 10%, a scan finds far more of the scanned copies (measured: 10,187 of their characters as
    # words, 17,623 read as OCR'd), and says it read the texts as OCR'd.
    reports = [json.loads(run("scan", ocr_reruns(tmp_path, 0.10), "-f", "json", *ocr).stdout) for ocr in ([], ["--ocr"])]
    assert [r["parameters"]["align"]["ocr"] for r in reports] == [False, True]

    def covered(report):
        return sum(m["end"] - m["start"] for c in report["clusters"] for m in c["members"] if m["doc"].startswith("print"))

    assert covered(reports[1]) >= 1.5 * covered(reports[0]) > 0
