import json
from pathlib import Path

import pytest

from provenance import load_corpus, scan

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def samples_result():
    return scan(load_corpus(SAMPLES).documents)


@pytest.fixture
def write_jsonl(tmp_path):
    """Write records as a JSONL corpus and return its path."""

    def write(records, name="corpus.jsonl"):
        path = tmp_path / name
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        return path

    return write
