"""Boilerplate: site furniture that an outlet repeats on its own pages is not reuse.

Newsletter sign-ups, comment forms and author boxes ("Sign Up for Daily Headlines", "LEAVE A
COMMENT Your email address will not be published") recur across many documents of one outlet.
A family's members from one outlet are boilerplate when they stand in at least ``MIN_DOCUMENTS``
of that outlet's documents and in at least ``MIN_SHARE`` of them: a story an outlet reran once or
twice is not, a footer on every page is. Those members leave the family (a family left with one
member is dropped) and are listed apart.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .cluster import Family
from .corpus import Document

MIN_DOCUMENTS = 3
MIN_SHARE = 0.3


@dataclass
class Boilerplate:
    """A passage an outlet repeats on its pages: one span per document that has it."""

    source: str
    spans: list[tuple[str, int, int]]  # (document, start, end)


def remove_boilerplate(families: list[Family], documents: list[Document]) -> tuple[list[Family], list[Boilerplate]]:
    """The families without their boilerplate members, and the boilerplate found."""
    outlet_documents = Counter(doc.source for doc in documents if doc.source)
    kept: list[Family] = []
    found: list[Boilerplate] = []
    for family in families:
        members_by_outlet = Counter(documents[doc].source for doc in {m.doc for m in family.members} if documents[doc].source)
        furniture = {
            source
            for source, count in members_by_outlet.items()
            if count >= MIN_DOCUMENTS and count >= MIN_SHARE * outlet_documents[source]
        }
        if not furniture:
            kept.append(family)
            continue
        for source in sorted(furniture):
            spans = [(documents[m.doc].id, m.start, m.end) for m in family.members if documents[m.doc].source == source]
            found.append(Boilerplate(source, spans))
        remaining = {i for i, m in enumerate(family.members) if documents[m.doc].source not in furniture}
        # Only members still aligned with one another stay.
        linked = sorted({i for pair in family.links for i in pair if set(pair) <= remaining})
        if len(linked) > 1:
            kept.append(_restricted(family, linked))
    return kept, found


def _restricted(family: Family, members: list[int]) -> Family:
    """The family with only these members, and the links among them."""
    new_index = {old: new for new, old in enumerate(members)}
    links = {(new_index[a], new_index[b]): s for (a, b), s in family.links.items() if a in new_index and b in new_index}
    return Family([family.members[i] for i in members], links)

