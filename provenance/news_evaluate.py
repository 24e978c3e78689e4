"""Score a scan of the real-news benchmark (``provenance.news_benchmark``) per kind of reuse.

What a scan reports is an *item*: a family (its kind: ``copied``, ``shared-quote``, ``stock`` or
whatever kinds the scan has) or a boilerplate passage (kind ``boilerplate``). Each of its members
stands for the case whose span it overlaps most in its document, if any; an item matches a case
when at least two of its members, in different documents, stand for it. An item may match several
cases (a scan's family may chain passages of several), and each of them counts it; its truth, for
precision, is the case most of its documents stand for (then the most characters).
Hand labels (``scripts/labels/*.jsonl``) are cases too, of what the scan reported that no planted
case explains; planted truth wins where both match.

Per planted kind: how many cases were planted, how many a matching item reports as copied prose
(wire copy included), how many as their own kind (furniture as boilerplate, a shared quote as
``shared-quote``, stock background as ``stock``, a copy as copied; a stock phrase counts as its own
kind when it is not reported as copied), how many no item matches (missed; for a stock phrase,
not reported at all, which is right), and how many are reported only as some other kind. A case may count as copied and as its own kind at once
(some of its pages in boilerplate, others in a family). For copies and wire copy, who copied whom:
a copy is right when every member whose parent is also a member names that parent (or lists it,
where the texts cannot tell); wire copy is right when the family names the story's agency and no
carrier is said to have copied another.

Per reported kind, precision: the share of its labeled items whose truth is that kind (copied:
copy or wire); estimated over all its items, the unlabeled ones taking the hand-labeled sample's
share.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .attribute import COPIED, ReuseFamily
from .evaluate import Detection
from .news_benchmark import KINDS, NewsCase, Span
from .scan import ScanResult

BOILERPLATE = "boilerplate"
# The kind of item that reports a case of each kind rightly.
OWN_KIND = {"copy": COPIED, "wire": COPIED, "furniture": BOILERPLATE, "shared-quote": "shared-quote", "stock-background": "stock", "stock-phrase": None}
# The truths an item of each reported kind rightly stands for.
RIGHT = {COPIED: {"copy", "wire"}, BOILERPLATE: {"furniture"}, "shared-quote": {"shared-quote"}, "stock": {"stock-background"}}
LABELS = KINDS + ("other",)


@dataclass(frozen=True)
class Item:
    """Something a scan reports: a family or a boilerplate passage."""

    kind: str
    spans: tuple[Span, ...]
    family: ReuseFamily | None = None


@dataclass(frozen=True)
class KindScore:
    kind: str
    planted: int
    as_copy: int
    as_own: int
    missed: int
    as_other: int = 0  # reported, but neither as copied nor as its own kind
    direction_right: int = 0  # of the cases reported as copied, how many say rightly who copied whom
    direction_judged: int = 0

    @property
    def copy_share(self) -> float:
        return self.as_copy / self.planted if self.planted else 0.0


@dataclass(frozen=True)
class PrecisionScore:
    kind: str  # the kind the scan reported
    items: int
    planted: dict[str, int]  # items that match planted cases, by the cases' kind
    labeled: dict[str, int]  # items that match only hand labels, by label
    unlabeled: int

    @property
    def precision(self) -> float | None:
        right = RIGHT.get(self.kind, {self.kind})
        labeled = sum(self.planted.values()) + sum(self.labeled.values())
        good = sum(n for k, n in self.planted.items() if k in right) + sum(n for k, n in self.labeled.items() if k in right)
        return good / labeled if labeled else None

    @property
    def estimated(self) -> float | None:
        """Over every item: the unlabeled ones count at the hand-labeled items' precision."""
        right = RIGHT.get(self.kind, {self.kind})
        sample = sum(self.labeled.values())
        if not self.items or (self.unlabeled and not sample):
            return None
        good = sum(n for k, n in self.planted.items() if k in right) + sum(n for k, n in self.labeled.items() if k in right)
        good += self.unlabeled * (sum(n for k, n in self.labeled.items() if k in right) / sample if sample else 0)
        return good / self.items


@dataclass
class NewsScores:
    kinds: list[KindScore]
    precision: list[PrecisionScore]
    unlabeled: list[Item]  # items that match no planted case and no hand label
    label_checks: list[tuple[NewsCase, NewsCase]] = field(default_factory=list)  # (hand label, planted case) of one item


def reported_items(result: ScanResult) -> list[Item]:
    items = [Item(f.kind, tuple(Span(m.doc, m.start, m.end) for m in f.members), f) for f in result.families]
    items += [Item(BOILERPLATE, tuple(Span(*s) for s in b.spans)) for b in result.boilerplate]
    return items


class _Matcher:
    """Finds the case an item matches, through an index of case spans by document."""

    def __init__(self, cases: list[NewsCase]):
        self.cases = cases
        self.by_doc: dict[str, list[tuple[int, Span]]] = defaultdict(list)
        for number, case in enumerate(cases):
            for span in case.spans:
                self.by_doc[span.doc].append((number, span))

    def match(self, spans: tuple[Span, ...]) -> list[NewsCase]:
        """Every case the spans match, the best-overlapping first."""
        docs: dict[int, set[str]] = defaultdict(set)
        chars: Counter = Counter()
        for span in spans:
            overlaps: Counter = Counter()
            for number, case_span in self.by_doc.get(span.doc, ()):
                overlaps[number] += max(0, min(span.end, case_span.end) - max(span.start, case_span.start))
            best = max(overlaps, key=lambda n: (overlaps[n], -n), default=None)
            if best is not None and overlaps[best] > 0:
                docs[best].add(span.doc)
                chars[best] += overlaps[best]
        matched = sorted((n for n, d in docs.items() if len(d) >= 2), key=lambda n: (-len(docs[n]), -chars[n], n))
        return [self.cases[n] for n in matched]


def score_news(result: ScanResult, cases: list[NewsCase], labels: list[NewsCase] = ()) -> NewsScores:
    items = reported_items(result)
    planted, hand = _Matcher(cases), _Matcher(list(labels))
    found: dict[str, list[Item]] = defaultdict(list)
    truth_of = []  # (best planted case, best hand label) of each item
    for item in items:
        matched = planted.match(item.spans)
        for case in matched:
            found[case.id].append(item)
        labeled = hand.match(item.spans)
        truth_of.append((matched[0] if matched else None, labeled[0] if labeled else None))
    kinds = []
    for kind in KINDS:
        mine = [c for c in cases if c.kind == kind]
        as_copy = [c for c in mine if any(i.kind == COPIED for i in found[c.id])]
        if OWN_KIND[kind] is None:
            own = [c for c in mine if c not in as_copy]
        else:
            own = [c for c in mine if any(i.kind == OWN_KIND[kind] for i in found[c.id])]
        other = sum(1 for c in mine if found[c.id] and c not in as_copy and c not in own)
        judged = right = 0
        if kind in ("copy", "wire"):
            for case in as_copy:
                family = max((i for i in found[case.id] if i.kind == COPIED), key=lambda i: _overlap(i.spans, case.spans)).family
                verdict = _copy_direction(family, case) if kind == "copy" else _wire_direction(family, case)
                if verdict is not None:
                    judged += 1
                    right += verdict
        kinds.append(KindScore(kind, len(mine), len(as_copy), len(own), sum(not found[c.id] for c in mine), other, right, judged))

    by_kind: dict[str, list[tuple[NewsCase | None, NewsCase | None]]] = defaultdict(list)
    for item, truth in zip(items, truth_of):
        by_kind[item.kind].append(truth)
    precision = []
    for kind in sorted(by_kind, key=lambda k: (k != COPIED, k)):
        truths = by_kind[kind]
        precision.append(PrecisionScore(
            kind, len(truths),
            dict(Counter(case.kind for case, _ in truths if case)),
            dict(Counter(label.kind for case, label in truths if not case and label)),
            sum(1 for case, label in truths if not case and not label),
        ))
    unlabeled = [item for item, (case, label) in zip(items, truth_of) if not case and not label]
    checks = [(label, case) for case, label in truth_of if case and label]
    return NewsScores(kinds, precision, unlabeled, checks)


def _overlap(spans: tuple[Span, ...], others: tuple[Span, ...]) -> int:
    return sum(max(0, min(a.end, b.end) - max(a.start, b.start)) for a in spans for b in others if a.doc == b.doc)


def _copy_direction(family: ReuseFamily, case: NewsCase) -> bool | None:
    """Whether every member whose parent is a member too names it; None when no such pair."""
    members = {m.doc: m for m in family.members}
    pairs = [(doc, parent) for doc, parent in case.parents if doc in members and parent in members]
    if not pairs:
        return None
    return all(_detection(members[doc]).names_source(parent) for doc, parent in pairs)


def _wire_direction(family: ReuseFamily, case: NewsCase) -> bool:
    carriers = {s.doc for s in case.spans}
    named = family.wire is not None and family.wire.agency == case.agency
    return named and not any(m.copied_from in carriers for m in family.members if m.doc in carriers)


def _detection(member) -> Detection:
    return Detection(member.doc, member.start, member.end, None, member.copied_from, None, tuple(member.copied_from_candidates), member.copied_from_basis)


# -- hand labels ------------------------------------------------------------------------------


def read_labels(path: Path, documents) -> tuple[list[NewsCase], int]:
    """Hand labels, one JSON object a line: ``label`` (one of LABELS), ``spans`` ([doc, start,
    end] each), ``digest`` (``span_digest`` of the text they cover), optional ``parents`` ([doc,
    parent] each) and ``what`` (for "other"). Returns the labels whose spans still cover the text
    they were made on, and how many do not (stale: the benchmark has changed since)."""
    texts = {doc.id: doc.text for doc in documents}
    labels, stale = [], 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        if record["label"] not in LABELS:
            raise ValueError(f"{path}:{number}: unknown label {record['label']!r}")
        spans = tuple(Span(*s) for s in record["spans"])
        if span_digest(texts, spans) != record.get("digest"):
            stale += 1
            continue
        labels.append(NewsCase(f"label-{number}", record["label"], spans, tuple(tuple(p) for p in record.get("parents", ())), detail=record.get("what", "")))
    return labels, stale


def span_digest(texts: dict[str, str], spans: tuple[Span, ...]) -> str | None:
    """A short fingerprint of the text at the spans (None when a document is missing), so that a
    label is known to refer to the text it was made on."""
    if any(s.doc not in texts for s in spans):
        return None
    return hashlib.sha1("\x00".join(texts[s.doc][s.start : s.end] for s in spans).encode("utf-8")).hexdigest()[:12]


def unlabeled_records(result: ScanResult, items: list[Item]) -> list[dict]:
    """The items no truth explains, with their text, for labeling by hand."""
    texts = {doc.id: doc.text for doc in result.documents}
    sources = {doc.id: doc.source for doc in result.documents}
    return [
        {
            "kind": item.kind,
            "spans": [[s.doc, s.start, s.end] for s in item.spans],
            "digest": span_digest(texts, item.spans),
            "members": [{"doc": s.doc, "source": sources[s.doc], "text": texts[s.doc][s.start : s.end]} for s in item.spans],
        }
        for item in items
    ]
