#!/usr/bin/env python3
"""Score a scan on the Clough & Stevenson (2011) corpus of plagiarised short answers.

An answer counts as flagged when at least 20% of its text lies in passages attributed to its own
task's Wikipedia article. Prints flagged counts per category (cut, light, heavy, non).

    python scripts/short_answers.py [../shared/corpora/short-answers] [--min-words N] [--min-similarity S]
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from tabulate import tabulate

from provenance import load_corpus, scan
from provenance.scan import TEXT_MODELS, text_model_params
from provenance.attribute import COPY, union_length

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "short-answers"
CATEGORIES = ("cut", "light", "heavy", "non")
# What a good detector reaches here (flagged answers per category, at least / at most).
GOALS = {"cut": ">= 18", "light": ">= 17", "heavy": ">= 13", "non": "<= 2"}


def attributed_shares(result, origin_of: dict[str, str]) -> dict[str, float]:
    """Share of each answer's characters inside passages whose origin is its task's article."""
    spans = defaultdict(list)
    for family in result.families:
        for member in family.members:
            if member.relation == COPY and member.doc in origin_of and origin_of[member.doc] in family.candidates:
                spans[member.doc].append((member.start, member.end))
    shares = {}
    for doc in result.documents:
        if doc.id in origin_of:
            shares[doc.id] = union_length(spans[doc.id]) / len(doc.text)
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--min-words", type=int)
    parser.add_argument("--min-similarity", type=float)
    parser.add_argument("--flag-share", type=float, default=0.2)
    parser.add_argument("--text-model", choices=TEXT_MODELS, default="auto", help="what a token is (scan --text-model)")
    args = parser.parse_args()

    documents = load_corpus(args.corpus, fallback_encoding="cp1252").documents
    params = text_model_params(args.text_model, texts=[d.text for d in documents])
    if args.min_words is not None:
        params = replace(params, align=replace(params.align, min_words=args.min_words))
    if args.min_similarity is not None:
        params = replace(params, align=params.align.with_min_similarity(args.min_similarity))

    with open(args.corpus / "file_information.csv", newline="") as stream:
        labels = {row["File"].removesuffix(".txt"): (row["Task"], row["Category"]) for row in csv.DictReader(stream)}
    origin_of = {answer: f"orig_task{task}" for answer, (task, _) in labels.items()}

    began = time.perf_counter()
    result = scan(documents, params)
    seconds = time.perf_counter() - began
    shares = attributed_shares(result, origin_of)

    flagged, total = defaultdict(int), defaultdict(int)
    for answer, (_, category) in labels.items():
        total[category] += 1
        flagged[category] += shares.get(answer, 0.0) >= args.flag_share
    rows = [[c, f"{flagged[c]}/{total[c]}", GOALS[c]] for c in CATEGORIES]
    print(tabulate(rows, headers=["category", "flagged", "goal"], disable_numparse=True))
    print(f"\nscan: {len(result.documents)} documents, {len(result.families)} families, {seconds:.2f} s")


if __name__ == "__main__":
    main()
