"""Attribute each family to its earliest dated member and say how every other member relates to it
(who copied whom inside a family is ``provenance.lineage``'s to tell).

Publication times are intervals (a date alone is a whole day), so "earlier" means certainly earlier.
When the earliest members' times overlap, the family's origin is a tie between them; when no member
is dated, the origin is unknown. Neither case is resolved by file name or input order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .cluster import Family
from .corpus import Document

ORIGIN = "origin"  # the first source of the passage
COPY = "copy"  # published certainly after the origin (or after every tied candidate)
TIE = "tie"  # published at the same time as the earliest member, as far as the dates tell
ORDER_UNKNOWN = "order-unknown"  # undated

UNCREDITED = "uncredited"  # a copy whose own text names no source (provenance.credit)
COPIED, SHARED_QUOTE, STOCK = "copied", "shared-quote", "stock"  # family kinds

EARLIEST = "earliest"
STATUS_TIE = "tie"
UNDATED = "undated"


@dataclass(frozen=True)
class Edit:
    """Words a copy changed from the passage it copied: ``removed`` became ``added``."""

    removed: str
    added: str


@dataclass(frozen=True)
class Wire:
    """A news agency upstream of a family: ``credited_by`` are the members that credit it."""

    agency: str  # canonical name ("AP")
    name: str  # full name ("Associated Press")
    credited_by: list[str]


@dataclass
class Member:
    doc: str
    start: int
    end: int
    similarity: float  # to the origin where the two were aligned, else its best aligned pair
    relation: str
    # The certainly earlier member it copied and the words it changed from it (provenance.lineage);
    # None when it copied none: it is the origin, the agency's copy in wire copy, or no member is
    # certainly earlier. The candidates are every member it may have copied (the one named first).
    copied_from: str | None = None
    copied_from_candidates: list[str] = field(default_factory=list)
    # edits | credit | dates | ambiguous, or for tied and undated members credit | compilation (provenance.order)
    copied_from_basis: str | None = None
    edits: list[Edit] = field(default_factory=list)
    copied_from_wire: str | None = None  # the agency, for a member taken as the agency's copy
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
    kind: str = COPIED  # copied | shared-quote (provenance.quotes) | stock (provenance.stock): only copied counts as reuse
    wire: Wire | None = None  # the news agency members credit for the passage (provenance.credit)
    # similarity of the aligned member pairs, by member index (lower first)
    links: dict[tuple[int, int], float] = field(default_factory=dict, repr=False)


@dataclass
class DocumentReuse:
    doc: str
    chars: int
    reused_chars: int  # characters inside passages copied from certainly earlier documents
    reused_from: list[str]
    uncredited_chars: int = 0  # of those, inside passages whose source the document does not name
    reused_from_wire: list[str] = field(default_factory=list)  # agencies whose copy it carries


def attribute(families: list[Family], documents: list[Document]) -> list[ReuseFamily]:
    attributed = [_attribute_one(family, documents) for family in families]
    by_id = {d.id: d for d in documents}
    attributed.sort(key=lambda f: family_order(f, by_id))
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
    origin = out_members[origin_index] if origin_index is not None else None
    kind = SHARED_QUOTE if family.speech else COPIED
    return ReuseFamily(0, out_members, origin, status, first_docs, kind=kind, links=dict(family.links))


def _similarity(family: Family, member: int, origin: int | None) -> float:
    if origin is not None:
        direct = family.similarity(member, origin)
        if direct is not None:
            return direct
    return max(s for pair, s in family.links.items() if member in pair)


def family_order(family: ReuseFamily, by_id: dict[str, Document]) -> tuple:
    """Families are numbered by their first publication, then their first member (id, start)."""
    times = [by_id[m.doc].published.start.timestamp() for m in family.members if by_id[m.doc].published]
    first = min(times) if times else float("inf")
    return (first, min((m.doc, m.start) for m in family.members))


def document_reuse(families: list[ReuseFamily], documents: list[Document]) -> list[DocumentReuse]:
    """Per document: how much of its text was copied from earlier documents, and from which: the
    family's origin, or in wire copy the member it copied, or the agency (shared quotes and an
    outlet's stock text left out)."""
    spans: dict[str, list[tuple[int, int]]] = {d.id: [] for d in documents}
    uncredited: dict[str, list[tuple[int, int]]] = {d.id: [] for d in documents}
    sources: dict[str, set[str]] = {d.id: set() for d in documents}
    agencies: dict[str, set[str]] = {d.id: set() for d in documents}
    for family in families:
        if family.kind != COPIED:
            continue  # quoting the same speaker, or an outlet repeating itself, is no copying
        for member in family.members:
            if member.relation == COPY:
                spans[member.doc].append((member.start, member.end))
                if member.copied_from_wire:  # the agency's copy, not a copy of the earliest carrier
                    agencies[member.doc].add(member.copied_from_wire)
                elif family.wire is not None and member.copied_from:
                    sources[member.doc].add(member.copied_from)
                else:
                    sources[member.doc].update(family.candidates)
                if member.credit == UNCREDITED:
                    uncredited[member.doc].append((member.start, member.end))
    return [
        DocumentReuse(
            d.id, len(d.text), union_length(spans[d.id]), sorted(sources[d.id] - {d.id}), union_length(uncredited[d.id]), sorted(agencies[d.id])
        )
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
