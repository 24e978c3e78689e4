"""Group aligned passages into reuse families.

Every alignment links a span in one document to a span in another. Spans of one document that
cover mostly the same text are the same passage, so the links join into connected components
(union-find): each component is a family, the copies of one passage across documents.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .align import Alignment


@dataclass
class Passage:
    doc: int  # document index
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class Family:
    members: list[Passage]
    # similarity of the aligned pairs, keyed by (member index, member index), lower index first
    links: dict[tuple[int, int], float] = field(default_factory=dict)
    speech: bool = False  # what the members share is quoted speech (provenance.quotes)

    def similarity(self, a: int, b: int) -> float | None:
        return self.links.get((min(a, b), max(a, b)))

    def restricted(self, members: list[int]) -> "Family":
        """The family with only these members (indices, ascending), and the links among them."""
        new_index = {old: new for new, old in enumerate(members)}
        links = {(new_index[a], new_index[b]): s for (a, b), s in self.links.items() if a in new_index and b in new_index}
        return Family([self.members[i] for i in members], links)


class _UnionFind:
    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)


def linked_groups(alignments: list[Alignment], documents: int, most: int) -> list[list[int]]:
    """The documents that alignments link, in groups no family can span: whole sets of linked
    documents, gathered in document order up to ``most`` documents a group (a larger set is a
    group alone). Each group's families can be found, weighed and attributed on their own."""
    sets = _UnionFind(documents)
    for a in alignments:
        sets.union(a.first, a.second)
    linked: dict[int, list[int]] = defaultdict(list)
    for doc in sorted({doc for a in alignments for doc in (a.first, a.second)}):
        linked[sets.find(doc)].append(doc)
    groups: list[list[int]] = []
    for docs in linked.values():
        if groups and len(groups[-1]) + len(docs) <= most:
            groups[-1].extend(docs)
        else:
            groups.append(list(docs))
    return [sorted(group) for group in groups]


def alignment_spans(alignments: list[Alignment]) -> list[Passage]:
    """The two spans of every alignment: alignment k links spans 2k and 2k + 1."""
    spans: list[Passage] = []
    for a in alignments:
        spans.append(Passage(a.first, a.first_start, a.first_end))
        spans.append(Passage(a.second, a.second_start, a.second_end))
    return spans


def overlap_links(spans: list[tuple[int, int, int]], min_overlap: float = 0.5, of_longer: bool = False) -> list[tuple[int, int]]:
    """Pairs of spans of one document, given as (span number, start, end), that are one passage:
    they overlap by at least ``min_overlap`` of the shorter one (``of_longer``: of the longer one)."""
    links = []
    active: list[tuple[int, int, int]] = []
    measure = max if of_longer else min
    for span in sorted(spans, key=lambda s: s[1]):
        number, start, end = span
        active = [other for other in active if other[2] > start]
        for other, other_start, other_end in active:
            if min(end, other_end) - start >= min_overlap * measure(end - start, other_end - other_start):
                links.append((other, number))
        active.append(span)
    return links


def cluster(alignments: list[Alignment], min_overlap: float = 0.5, of_longer: bool = False) -> list[Family]:
    """Families of passages; two spans in one document are one passage when they overlap by at
    least ``min_overlap`` of the shorter one (``of_longer``: of the longer one, so that a passage
    inside a longer one stays apart)."""
    spans = alignment_spans(alignments)
    sets = _UnionFind(len(spans))
    for k in range(len(alignments)):
        sets.union(2 * k, 2 * k + 1)
    by_doc: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for index, span in enumerate(spans):
        by_doc[span.doc].append((index, span.start, span.end))
    for doc_spans in by_doc.values():
        for i, j in overlap_links(doc_spans, min_overlap, of_longer):
            sets.union(i, j)
    components: dict[int, list[int]] = defaultdict(list)
    for index in range(len(spans)):
        components[sets.find(index)].append(index)
    return families_of(list(components.values()), spans, alignments)


def families_of(components: list[list[int]], spans: list[Passage], alignments: list[Alignment]) -> list[Family]:
    """A family per connected component of spans, in the order of their first members."""
    families = [_family(indices, spans, alignments) for indices in components]
    families.sort(key=lambda f: min((m.doc, m.start) for m in f.members))
    return families


def _family(indices: list[int], spans: list[Passage], alignments: list[Alignment]) -> Family:
    """Merge a component's spans per document into members and carry the pair similarities over."""
    members: list[Passage] = []
    member_of: dict[int, int] = {}
    for i in sorted(indices, key=lambda i: (spans[i].doc, spans[i].start)):
        span = spans[i]
        last = members[-1] if members else None
        if last is not None and last.doc == span.doc and span.start < last.end:
            last.end = max(last.end, span.end)
        else:
            members.append(Passage(span.doc, span.start, span.end))
        member_of[i] = len(members) - 1
    links: dict[tuple[int, int], float] = {}
    for i in indices:
        if i % 2 == 0:
            a, b = member_of[i], member_of[i + 1]
            key = (min(a, b), max(a, b))
            links[key] = max(links.get(key, 0.0), alignments[i // 2].similarity)
    return Family(members, links)
