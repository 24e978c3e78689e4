"""Drop near-duplicate documents from a corpus: keep the original of each story, explain every drop.

Built on the scan's fingerprints and candidate search. Documents are tokenized and shingled as for
a scan; exact copies (the same normalized words) are found by one hash of their words; the other
documents are paired when their passages share LSH band keys. A pair is verified by containment:
the share of a document's distinct shingles found in the other. Containment, not Jaccard, marks a
rerun: a wire update that cuts its last sentence is wholly contained in the original while its
Jaccard similarity falls well below 0.8. An article that quotes a passage or two, or one that takes
in the whole original and adds as much text of its own, is mostly not contained and stays.

Documents are taken in the keep rule's order (earliest, first in the input, or longest; undated
ones after dated ones under every rule); each is dropped when at least ``threshold`` of its
shingles are in a document kept before it, and kept otherwise.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from itertools import repeat

import numpy as np
import xxhash

from .arrays import distinct
from .attribute import COPY, union_length
from .candidates import shared_key_pairs
from .corpus import Document
from .fingerprint import PassageHasher, band_keys, fingerprint
from .normalize import Reading, tokenize
from .scan import Progress, ScanParams, scan
from .workers import pool_map, worker_count

KEEP_RULES = ("earliest", "first", "longest")


@dataclass(frozen=True)
class DedupParams:
    threshold: float = 0.8  # least containment of a dropped document in the one kept
    keep: str = "earliest"
    bands: int = 4  # of the 32: reruns share most passages, so a few bands find every pair

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Duplicate:
    id: str
    containment: float  # share of its shingles found in the kept document
    jaccard: float
    exact: bool  # the same words as the kept document, once normalized


@dataclass
class DuplicateGroup:
    kept: str
    duplicates: list[Duplicate]
    tie: bool  # the keep rule could not tell the kept document from a duplicate: input order did


@dataclass
class DedupResult:
    documents: list[Document]
    kept: list[bool]  # per document, in input order
    groups: list[DuplicateGroup]  # by the kept document's input position
    params: DedupParams
    candidate_pairs: int
    seconds: float

    def dropped(self, exact: bool) -> int:
        return sum(d.exact == exact for g in self.groups for d in g.duplicates)


def dedup(
    documents: list[Document],
    params: DedupParams | None = None,
    scan_params: ScanParams | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> DedupResult:
    """Drop reruns; ``workers`` processes (default: one per core) fingerprint large corpora."""
    params = params or DedupParams()
    if params.keep not in KEEP_RULES:
        raise ValueError(f"keep must be one of {', '.join(KEEP_RULES)}, not {params.keep!r}")
    scan_params = scan_params or ScanParams()
    began = time.perf_counter()
    report = progress or (lambda stage, done, total: None)
    hasher = PassageHasher(scan_params.num_perm, scan_params.seed, scan_params.window, scan_params.step)
    order = keep_order(documents, params.keep)

    with pool_map(worker_count(workers, len(documents))) as run:
        chunks = [[documents[i].text for i in order[start : start + _CHUNK]] for start in range(0, len(order), _CHUNK)]
        profiles = []
        for found in run(_profiles, chunks, repeat(hasher), repeat(scan_params.align.shingle_size), repeat(params.bands), repeat(scan_params.align.reading)):
            profiles.extend(found)
            report("fingerprint", len(profiles), len(order))

    # In keep order, so that the first document with given words is the one an exact copy points to.
    exact_of: dict[int, int] = {}
    first_with_words: dict[int, int] = {}
    shingles: dict[int, np.ndarray] = {}
    representatives: list[int] = []
    keys: list[np.ndarray] = []
    for index, (words, own_shingles, band_keys_) in zip(order, profiles):
        if words in first_with_words:
            exact_of[index] = first_with_words[words]
        else:
            first_with_words[words] = index
            shingles[index] = own_shingles
            representatives.append(index)
            keys.append(band_keys_)

    # Representatives are in keep order: the lower of a pair is the one that may be kept.
    lower, higher = shared_key_pairs(keys, np.arange(len(keys)), scan_params.clique_limit)
    earlier: list[list[int]] = [[] for _ in representatives]
    for a, b in zip(lower.tolist(), higher.tolist()):
        earlier[b].append(representatives[a])

    kept_in: dict[int, int] = {}  # dropped document -> the kept document that contains it
    measures: dict[int, tuple[float, float]] = {}  # dropped document -> (containment, jaccard)
    for position, index in enumerate(representatives):
        best = None
        for other in earlier[position]:
            target = kept_in.get(other, other)
            containment, jaccard = _overlap(shingles[index], shingles[target])
            if containment >= params.threshold and (best is None or containment > best[1][0]):
                best = (target, (containment, jaccard))
        if best is not None:
            kept_in[index], measures[index] = best

    members: dict[int, list[Duplicate]] = {}
    for index in sorted(set(kept_in) | set(exact_of)):
        if index in exact_of and exact_of[index] not in kept_in:
            target, duplicate = exact_of[index], Duplicate(documents[index].id, 1.0, 1.0, True)
        else:
            source = exact_of.get(index, index)  # an exact copy of a dropped document goes with it
            target = kept_in[source]
            containment, jaccard = measures[source]
            duplicate = Duplicate(documents[index].id, round(containment, 4), round(jaccard, 4), False)
        members.setdefault(target, []).append(duplicate)
    by_id = {doc.id: doc for doc in documents}
    groups = [
        DuplicateGroup(documents[k].id, members[k], any(_tied(documents[k], by_id[d.id], params.keep) for d in members[k]))
        for k in sorted(members)
    ]
    dropped = set(kept_in) | set(exact_of)
    return DedupResult(
        documents=documents,
        kept=[i not in dropped for i in range(len(documents))],
        groups=groups,
        params=params,
        candidate_pairs=len(lower),
        seconds=time.perf_counter() - began,
    )


_CHUNK = 256  # documents fingerprinted per task


def _profiles(texts: list[str], hasher: PassageHasher, shingle_size: int, bands: int, reading: Reading) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Per text: a hash of its normalized words (equal for exact copies), its distinct shingle
    hashes, and the keys of its passages in the first ``bands`` bands."""
    found = []
    for text in texts:
        tokens = tokenize(text, *reading)
        fp = fingerprint(tokens, hasher, shingle_size)
        words = xxhash.xxh3_128_intdigest("\x1f".join(tokens.words).encode("utf-8"))
        found.append((words, distinct(fp.shingles), band_keys(fp.signatures)[:, :bands].copy()))  # not views: the signatures go
    return found


def keep_order(documents: list[Document], keep: str) -> list[int]:
    """Document indices, the one to keep first: dated before undated, then by the rule, then input order."""

    def rule(i: int) -> tuple:
        doc = documents[i]
        if keep == "earliest":
            return (doc.published.start.timestamp() if doc.published else 0.0,)
        if keep == "longest":
            return (-len(doc.text),)
        return ()

    return sorted(range(len(documents)), key=lambda i: (documents[i].published is None, *rule(i), i))


def _tied(kept: Document, duplicate: Document, keep: str) -> bool:
    if keep == "longest":
        return len(kept.text) == len(duplicate.text)
    if keep == "first":
        return False
    if kept.published is None or duplicate.published is None:
        return kept.published is None and duplicate.published is None
    return not kept.published.before(duplicate.published)


def _overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(share of a's shingles in b, Jaccard similarity) of two sets of distinct shingle hashes."""
    if len(a) == 0:
        return 0.0, 0.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / len(a), shared / (len(a) + len(b) - shared)


@dataclass
class Cut:
    """A passage removed from a document because an earlier document has it."""

    doc: str
    start: int
    end: int
    origin: str | None  # None when the earliest copies tie
    origin_candidates: list[str]


def strip_reused(
    documents: list[Document], scan_params: ScanParams | None = None, progress: Progress | None = None
) -> tuple[list[str], list[Cut]]:
    """Every document's text without the passages a scan attributes to an earlier document, and
    what was cut. Passages each document is the origin of (or ties for) stay."""
    result = scan(documents, scan_params, progress=progress)
    cuts = [
        Cut(member.doc, member.start, member.end, family.origin.doc if family.origin else None, family.candidates)
        for family in result.families
        for member in family.members
        if member.relation == COPY
    ]
    spans: dict[str, list[tuple[int, int]]] = {}
    for cut in cuts:
        spans.setdefault(cut.doc, []).append((cut.start, cut.end))
    texts = [_without(doc.text, spans.get(doc.id, [])) for doc in documents]
    cuts.sort(key=lambda c: (c.doc, c.start))
    return texts, cuts


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    pieces, reach = [], 0
    for start, end in sorted(spans):
        if start > reach:
            pieces.append(text[reach:start])
        reach = max(reach, end)
    pieces.append(text[reach:])
    return "".join(pieces)


def cut_chars(cuts: list[Cut]) -> int:
    by_doc: dict[str, list[tuple[int, int]]] = {}
    for cut in cuts:
        by_doc.setdefault(cut.doc, []).append((cut.start, cut.end))
    return sum(union_length(spans) for spans in by_doc.values())
