"""Score a scan against planted truth with the PAN text-alignment measures (Potthast et al. 2010).

A truth case is a passage planted in a document, with the document and span it was first taken from.
A detection is a family member that is not the family's origin, with the family's origin document.
Characters are counted in the documents the passages were planted in:

- precision: mean over detections of the share of its characters that lie in some case;
- recall: mean over cases of the share of its characters covered by some detection;
- granularity: mean number of detections per detected case (1 is best);
- plagdet = F1 / log2(1 + granularity);
- attribution: share of cases whose most-overlapping detection names the case's origin document;
- lineage: share of cases whose detection names the document the passage was copied from, or,
  where it says the texts cannot tell (``ambiguous``), lists it among the candidates.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from .attribute import ORIGIN
from .scan import ScanResult


@dataclass(frozen=True)
class Case:
    doc: str
    start: int
    end: int
    origin: str
    origin_start: int
    origin_end: int
    level: str  # verbatim | light | heavy
    kind: str = "single"  # single | stitched | second-generation
    parent: str = ""  # the document the passage was copied from, when not its origin (a copy of a copy)
    credit: str = ""  # credited | credited-elsewhere | uncredited, where the benchmark planted one

    @property
    def copied_from(self) -> str:
        return self.parent or self.origin


@dataclass(frozen=True)
class Detection:
    doc: str
    start: int
    end: int
    origin: str | None
    copied_from: str | None = None
    credit: str | None = None
    copied_from_candidates: tuple[str, ...] = ()
    copied_from_basis: str | None = None

    def names_source(self, doc: str) -> bool:
        """Whether it says the passage was copied from ``doc``: by name, or among the candidates
        the texts cannot tell apart."""
        return self.copied_from == doc or (self.copied_from_basis == "ambiguous" and doc in self.copied_from_candidates)


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    granularity: float
    plagdet: float
    attribution: float
    cases: int
    detections: int
    lineage: float = 1.0  # share of cases whose detection names the document it was copied from
    credit: float = 1.0  # share of the cases with a planted credit whose detection judges it right


def detections(result: ScanResult) -> list[Detection]:
    return [
        Detection(
            m.doc, m.start, m.end, family.origin.doc if family.origin else None, m.copied_from, m.credit,
            tuple(m.copied_from_candidates), m.copied_from_basis,
        )
        for family in result.families
        for m in family.members
        if m.relation != ORIGIN
    ]


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def _covered(span: tuple[int, int], others: list[tuple[int, int]]) -> int:
    """Characters of span covered by the union of others."""
    start, end = span
    total, reach = 0, start
    for o_start, o_end in sorted(others):
        o_start, o_end = max(o_start, reach), min(o_end, end)
        if o_end > o_start:
            total += o_end - o_start
            reach = o_end
    return total


def score(cases: list[Case], found: list[Detection]) -> Scores:
    by_doc_cases: dict[str, list[Case]] = defaultdict(list)
    by_doc_found: dict[str, list[Detection]] = defaultdict(list)
    for c in cases:
        by_doc_cases[c.doc].append(c)
    for d in found:
        by_doc_found[d.doc].append(d)

    precisions = []
    for d in found:
        hits = [(c.start, c.end) for c in by_doc_cases[d.doc] if _overlap(c.start, c.end, d.start, d.end)]
        precisions.append(_covered((d.start, d.end), hits) / (d.end - d.start) if d.end > d.start else 0.0)
    recalls, detected_counts, attributed, lineage = [], [], 0, 0
    credit_cases, credit_right = sum(1 for c in cases if c.credit), 0
    for c in cases:
        hits = [d for d in by_doc_found[c.doc] if _overlap(c.start, c.end, d.start, d.end)]
        recalls.append(_covered((c.start, c.end), [(d.start, d.end) for d in hits]) / (c.end - c.start))
        if hits:
            detected_counts.append(len(hits))
            best = max(hits, key=lambda d: _overlap(c.start, c.end, d.start, d.end))
            attributed += best.origin == c.origin
            lineage += best.names_source(c.copied_from)
            credit_right += bool(c.credit) and best.credit == c.credit
    precision = sum(precisions) / len(precisions) if precisions else 1.0
    recall = sum(recalls) / len(recalls) if recalls else 1.0
    granularity = sum(detected_counts) / len(detected_counts) if detected_counts else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(
        precision=precision,
        recall=recall,
        granularity=granularity,
        plagdet=f1 / math.log2(1 + granularity),
        attribution=attributed / len(cases) if cases else 1.0,
        cases=len(cases),
        detections=len(found),
        lineage=lineage / len(cases) if cases else 1.0,
        credit=credit_right / credit_cases if credit_cases else 1.0,
    )


def score_by_level(cases: list[Case], found: list[Detection]) -> dict[str, Scores]:
    """Scores per edit level and per kind, and "overall".

    For a level, the detections counted are those that overlap a case of that level; detections
    that overlap no case at all (false alarms) count only in "overall".
    """
    groups: dict[str, list[Case]] = defaultdict(list)
    for c in cases:
        groups[c.level].append(c)
        if c.kind != "single":
            groups[c.kind].append(c)
    out = {}
    for name, members in groups.items():
        spans = defaultdict(list)
        for c in members:
            spans[c.doc].append(c)
        relevant = [d for d in found if any(_overlap(c.start, c.end, d.start, d.end) for c in spans[d.doc])]
        out[name] = score(members, relevant)
    out["overall"] = score(cases, found)
    return out


def write_truth(path: Path, cases: list[Case]) -> None:
    path.write_text("".join(json.dumps(asdict(c)) + "\n" for c in cases), encoding="utf-8")


def read_truth(path: Path) -> list[Case]:
    return [Case(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
