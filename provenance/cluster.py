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

    def similarity(self, a: int, b: int) -> float | None:
        return self.links.get((min(a, b), max(a, b)))


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


def cluster(alignments: list[Alignment], min_overlap: float = 0.5) -> list[Family]:
    """Families of passages; two spans in one document are one passage when they overlap by at
    least ``min_overlap`` of the shorter one."""
    spans: list[Passage] = []
    for a in alignments:
        spans.append(Passage(a.first, a.first_start, a.first_end))
        spans.append(Passage(a.second, a.second_start, a.second_end))
    sets = _UnionFind(len(spans))
    for k in range(len(alignments)):
        sets.union(2 * k, 2 * k + 1)
    by_doc: dict[int, list[int]] = defaultdict(list)
    for index, span in enumerate(spans):
        by_doc[span.doc].append(index)
    for indices in by_doc.values():
        indices.sort(key=lambda i: spans[i].start)
        active: list[int] = []
        for i in indices:
            active = [j for j in active if spans[j].end > spans[i].start]
            for j in active:
                overlap = min(spans[i].end, spans[j].end) - spans[i].start
                if overlap >= min_overlap * min(spans[i].length, spans[j].length):
                    sets.union(i, j)
            active.append(i)

    components: dict[int, list[int]] = defaultdict(list)
    for index in range(len(spans)):
        components[sets.find(index)].append(index)
    families = []
    for indices in components.values():
        families.append(_family(indices, spans, alignments))
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
