#!/usr/bin/env python3
"""Scan a noisy benchmark (OCR'd English, or Chinese, Japanese or Thai) and print PAN measures.

    python scripts/evaluate_text_models.py --kind ocr|zh|ja|th [--rate 0.05] [--split dev|heldout]
        [--seed 1 [2 ...]] [--ocr] [--text-model auto|words|chars] [--passim [--passim-venv DIR] [--passim-kit DIR]]

--ocr scans as `provenance scan --ocr` does (OCR's misreadings folded in the normal form).

With several seeds, each seed's benchmark is scanned and tabled, then the overall measures of every
seed and their mean: in a benchmark of some thirty passages, one passage moves a measure by 0.03.

With --passim, passim runs on the same corpus (through the kit that ../shared/notes/peers.md
describes; its venv is made on first use) and its passages are scored by the same code, in the
same table. Run it under `flock -s /tmp/work/cpu.lock`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tabulate import tabulate

from provenance import scan
from provenance.scan import TEXT_MODELS, text_model_params
from provenance.bbc_news import cache_folder
from provenance.corpus import record_line
from provenance.debian_prose import ProseUnavailable
from provenance.evaluate import Detection, detections, score_by_level
from provenance.noisy_benchmark import make_ocr_benchmark, make_script_benchmark

ORDER = ("verbatim", "light", "heavy", "stitched", "second-generation", "overall")
MEASURES = ("precision", "recall", "granularity", "plagdet", "attribution")
KIT = Path(__file__).resolve().parents[1].parent / "shared" / "peers" / "passim"


def passim_detections(documents, venv: Path, kit: Path) -> list[Detection]:
    """passim's passages on the documents: every member of a cluster but those in its origin's
    document (the kit names the earliest member the origin, our rule)."""
    if not (venv / "bin" / "spark-submit").exists():
        subprocess.run([str(kit / "setup"), str(venv)], check=True, capture_output=True)
    with tempfile.TemporaryDirectory() as work:
        corpus, out = Path(work) / "corpus.jsonl", Path(work) / "passim.json"
        corpus.write_bytes(b"".join(record_line(doc) for doc in documents))
        subprocess.run([sys.executable, str(kit / "scan"), str(venv), str(corpus), str(out)], check=True)
        result = json.loads(out.read_text(encoding="utf-8"))
    return [
        Detection(m["doc"], m["start"], m["end"], cluster["origin"]["doc"])
        for cluster in result["clusters"]
        for m in cluster["members"]
        if m["doc"] != cluster["origin"]["doc"]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=("ocr", "zh", "ja", "th"), required=True)
    parser.add_argument("--rate", type=float, default=0.05, help="character error rate of --kind ocr")
    parser.add_argument("--split", choices=("dev", "heldout"), default="dev")
    parser.add_argument("--seed", type=int, nargs="+", default=[1], help="one benchmark per seed")
    parser.add_argument("--ocr", action="store_true", help="read the texts as OCR'd (scan --ocr)")
    parser.add_argument("--text-model", choices=TEXT_MODELS, default="auto", help="what a token is (scan --text-model)")
    parser.add_argument("--passim", action="store_true", help="run passim side by side")
    parser.add_argument("--passim-venv", type=Path, default=cache_folder() / "passim-venv")
    parser.add_argument("--passim-kit", type=Path, default=KIT)
    args = parser.parse_args()

    overall = []
    for seed in args.seed:
        scores = evaluate(args, seed)
        overall.append([seed, scores["provenance"]["overall"].cases] + [f"{getattr(scores[tool]['overall'], m):.3f}" for tool in scores for m in MEASURES])
    if len(args.seed) > 1:
        tools = list(scores)
        mean = ["mean", ""] + [f"{sum(float(row[i]) for row in overall) / len(overall):.3f}" for i in range(2, len(overall[0]))]
        headers = ["seed", "cases"] + [f"{tool} {m}" if i == 0 else m for tool in tools for i, m in enumerate(MEASURES)]
        print(f"\noverall, {len(overall)} seeds\n")
        print(tabulate(overall + [mean], headers=headers, disable_numparse=True))


def evaluate(args, seed: int) -> dict:
    """Scan one seed's benchmark (and run passim on it if asked), print its table, return its scores by tool and level."""
    try:
        bench = make_ocr_benchmark(args.rate, seed, args.split) if args.kind == "ocr" else make_script_benchmark(args.kind, seed, args.split)
    except ProseUnavailable as error:
        sys.exit(f"evaluate_text_models: {error}")
    tools = {}
    began = time.perf_counter()
    params = text_model_params(args.text_model, args.ocr, [d.text for d in bench.documents])
    tools["provenance"] = (detections(scan(bench.documents, params)), time.perf_counter() - began)
    if args.passim:
        began = time.perf_counter()
        tools["passim"] = (passim_detections(bench.documents, args.passim_venv, args.passim_kit), time.perf_counter() - began)

    scores = {tool: score_by_level(bench.cases, found) for tool, (found, _) in tools.items()}
    headers = ["level", "cases"] + [f"{tool} {m}" if i == 0 else m for tool in tools for i, m in enumerate(MEASURES)]
    rows = []
    for level in ORDER:
        if level not in scores["provenance"]:
            continue
        row = [level, scores["provenance"][level].cases]
        for tool in tools:
            s = scores[tool].get(level)
            row += [f"{getattr(s, m):.3f}" if s else "-" for m in MEASURES]
        rows.append(row)
    what = f"OCR at a character error rate of {args.rate:.0%}" if args.kind == "ocr" else {"zh": "Chinese", "ja": "Japanese", "th": "Thai"}[args.kind]
    read = (f", read as OCR'd ({'--ocr' if args.ocr else 'found so'})" if params.align.ocr else "") + f", text model {params.align.text_model}"
    print(f"{what}, {args.split} split, seed {seed}{read}: {len(bench.documents)} documents, {len(bench.cases)} planted passages\n")
    print(tabulate(rows, headers=headers, disable_numparse=True))
    print("\n" + ", ".join(f"{tool}: {len(found)} detections in {seconds:.1f} s" for tool, (found, seconds) in tools.items()))
    return scores


if __name__ == "__main__":
    main()
