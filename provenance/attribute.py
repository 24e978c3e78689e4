"""Attribute each family to its earliest dated member and say how every other member relates to it.

Publication times are intervals (a date alone is a whole day), so "earlier" means certainly earlier.
When the earliest members' times overlap, the family's origin is a tie between them; when no member
is dated, the origin is unknown. Neither case is resolved by file name or input order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from .cluster import Family
from .corpus import Document
from .normalize import tokenize

ORIGIN = "origin"  # the first source of the passage
COPY = "copy"  # published certainly after the origin (or after every tied candidate)
TIE = "tie"  # published at the same time as the earliest member, as far as the dates tell
ORDER_UNKNOWN = "order-unknown"  # undated

UNCREDITED = "uncredited"  # a copy whose own text names no source (provenance.credit)
COPIED, SHARED_QUOTE = "copied", "shared-quote"  # family kinds

EARLIEST = "earliest"
STATUS_TIE = "tie"
UNDATED = "undated"


@dataclass(frozen=True)
class Edit:
    """Words a copy changed from the passage it copied: ``removed`` became ``added``."""

    removed: str
    added: str


@dataclass
class Member:
    doc: str
    start: int
    end: int
    similarity: float  # to the origin where the two were aligned, else its best aligned pair
    relation: str
    # The certainly earlier member it most plausibly copied (see _copied_from) and the words it
    # changed from it; None when no aligned member is certainly earlier. The candidates are the
    # members the text cannot tell apart from that one (the earliest first).
    copied_from: str | None = None
    copied_from_candidates: list[str] = field(default_factory=list)
    copied_from_basis: str | None = None  # dates, or for tied and undated members credit | compilation (provenance.order)
    edits: list[Edit] = field(default_factory=list)
    # For a copy: credited | credited-elsewhere | uncredited (None for other members); for every
    # member, the sources its own text credits near the passage (provenance.credit).
    credit: str | None = None
    credited: list[str] = field(default_factory=list)


@dataclass
class ReuseFamily:
    id: int
    members: list[Member]
    origin: Member | None  # None when the origin is a tie or no member is dated
    origin_status: str  # earliest | tie | undated
    candidates: list[str]  # documents that may be the origin (one when the origin is known)
    kind: str = "copied"  # copied | shared-quote (provenance.quotes): quoted speech counts as no reuse


@dataclass
class DocumentReuse:
    doc: str
    chars: int
    reused_chars: int  # characters inside passages copied from certainly earlier documents
    reused_from: list[str]
    uncredited_chars: int = 0  # of those, inside passages whose source the document does not name


def attribute(families: list[Family], documents: list[Document]) -> list[ReuseFamily]:
    attributed = [_attribute_one(family, documents) for family in families]
    by_id = {d.id: d for d in documents}
    attributed.sort(key=lambda f: _family_order(f, by_id))
    for number, family in enumerate(attributed, start=1):
        family.id = number
    return attributed


def _attribute_one(family: Family, documents: list[Document]) -> ReuseFamily:
    members = family.members
    dated = [i for i, m in enumerate(members) if documents[m.doc].published is not None]
    relations = [ORDER_UNKNOWN] * len(members)
    origin_index = None
    if not dated:
        status, first_docs = UNDATED, []
    else:
        earliest = min(dated, key=lambda i: documents[members[i].doc].published.start)
        first_time = documents[members[earliest].doc].published
        # Members whose time is not certainly after the earliest one could be the origin too.
        firsts = [i for i in dated if not first_time.before(documents[members[i].doc].published)]
        first_docs = sorted({documents[members[i].doc].id for i in firsts})
        if len(first_docs) == 1:
            status, origin_index = EARLIEST, earliest
        else:
            status = STATUS_TIE
        for i in dated:
            relations[i] = (ORIGIN if status == EARLIEST else TIE) if i in firsts else COPY
    out_members = []
    for i, m in enumerate(members):
        out_members.append(
            Member(
                doc=documents[m.doc].id,
                start=m.start,
                end=m.end,
                similarity=1.0 if i == origin_index else _similarity(family, i, origin_index),
                relation=relations[i],
            )
        )
    texts = [documents[m.doc].text[m.start : m.end] for m in members]
    # Each member's edits of the origin's wording: a copy shares the edits of the version it copied.
    of_origin = [word_edits(texts[origin_index], text) if origin_index is not None else [] for text in texts]
    changed = [set(edits) for edits in of_origin]
    aligned: list[list[int]] = [[] for _ in members]
    for a, b in family.links:
        aligned[a].append(b)
        aligned[b].append(a)
    for i, member in enumerate(out_members):
        parents = _copied_from(family, documents, changed, i, aligned[i])
        if parents:
            member.copied_from = documents[members[parents[0]].doc].id
            member.copied_from_candidates = [documents[members[p].doc].id for p in parents]
            member.copied_from_basis = "dates"
            # Most copies copied the origin, whose diff is already made.
            member.edits = of_origin[i] if parents[0] == origin_index else word_edits(texts[parents[0]], texts[i])
    origin = out_members[origin_index] if origin_index is not None else None
    return ReuseFamily(0, out_members, origin, status, first_docs)


def _copied_from(family: Family, documents: list[Document], changed: list[set], member: int, aligned: list[int]) -> list[int]:
    """The members this one most plausibly copied, best first, among the aligned members
    certainly published before it. A copy keeps the edits of the version it copied (the one that
    said "USA" where the origin said "US"): first come the members all of whose edits of the
    origin's wording this one has, most of them first (the origin has none); then those whose edits
    it lacks (an independent copy of the origin that made the same edit by chance lacks the others);
    then the most alike. More than one when the text cannot tell them apart (the earliest first).
    Empty when no aligned member is certainly earlier. ``aligned`` are the members aligned with
    this one: only those, so a family of thousands of reprints costs its links, not its square."""
    published = documents[family.members[member].doc].published
    if published is None:
        return []
    ranked = []
    for other in aligned:
        time = documents[family.members[other].doc].published
        similarity = family.similarity(member, other)
        if time is not None and time.before(published):
            inherited, lacking = len(changed[member] & changed[other]), len(changed[other] - changed[member])
            ranked.append(((lacking > 0, -inherited, lacking, -similarity), time.start, other))
    ranked.sort()
    return [other for evidence, _, other in ranked if evidence == ranked[0][0]] if ranked else []


def word_edits(source: str, copy: str) -> list[Edit]:
    """The words changed between two passages, as they are written in each (equal when normalized
    words are equal: case, curly quotes and hyphens are no edit)."""
    a, b = tokenize(source), tokenize(copy)
    edits = []
    for tag, a0, a1, b0, b1 in Levenshtein.opcodes(a.words, b.words):
        if tag != "equal":
            edits.append(Edit(_surface(source, a, a0, a1), _surface(copy, b, b0, b1)))
    return edits


def _surface(text: str, tokens, first: int, stop: int) -> str:
    return text[tokens.starts[first] : tokens.ends[stop - 1]] if stop > first else ""


def _similarity(family: Family, member: int, origin: int | None) -> float:
    if origin is not None:
        direct = family.similarity(member, origin)
        if direct is not None:
            return direct
    return max(s for pair, s in family.links.items() if member in pair)


def _family_order(family: ReuseFamily, by_id: dict[str, Document]) -> tuple:
    times = [by_id[m.doc].published.start.timestamp() for m in family.members if by_id[m.doc].published]
    first = min(times) if times else float("inf")
    return (first, min((m.doc, m.start) for m in family.members))


def document_reuse(families: list[ReuseFamily], documents: list[Document]) -> list[DocumentReuse]:
    """Per document: how much of its text was copied from earlier documents, and from which
    (shared quotes left out)."""
    spans: dict[str, list[tuple[int, int]]] = {d.id: [] for d in documents}
    uncredited: dict[str, list[tuple[int, int]]] = {d.id: [] for d in documents}
    sources: dict[str, set[str]] = {d.id: set() for d in documents}
    for family in families:
        if family.kind == SHARED_QUOTE:
            continue  # quoting the same speaker is no copying
        for member in family.members:
            if member.relation == COPY:
                spans[member.doc].append((member.start, member.end))
                sources[member.doc].update(family.candidates)
                if member.credit == UNCREDITED:
                    uncredited[member.doc].append((member.start, member.end))
    return [
        DocumentReuse(d.id, len(d.text), union_length(spans[d.id]), sorted(sources[d.id] - {d.id}), union_length(uncredited[d.id]))
        for d in documents
    ]


def union_length(spans: list[tuple[int, int]]) -> int:
    """Characters covered by the union of [start, end) spans."""
    total, reach = 0, 0
    for start, end in sorted(spans):
        start = max(start, reach)
        if end > start:
            total += end - start
            reach = end
    return total
