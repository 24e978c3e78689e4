"""An outlet's own stock text: a background paragraph it repeats across its own stories.

TASS's paragraph on Crimea or a desk's standing account of a war is reuse, but of the outlet's own
words: no one copied anyone. A family whose members all come from one outlet is of kind
``stock`` (listed apart from copying, not counted as reuse in a document's shares), unless it is
part of a rerun or update of one story: when at least half of its aligned member pairs are pairs
of documents that share, over all their families, ``RERUN_SHARE`` of one of the two texts (a rerun
is often split into several families, by a quote or a changed paragraph). Furniture, the outlet's
verbatim site text, has left the alignments before this stage.
"""

from __future__ import annotations

from collections import Counter

from .attribute import COPIED, STOCK, ReuseFamily
from .boilerplate import RERUN_SHARE, single_outlet
from .corpus import Document


def mark_stock(families: list[ReuseFamily], documents: list[Document]) -> None:
    """Set the kind of copied families that are one outlet's own repeated text to stock."""
    by_id = {d.id: d for d in documents}
    single = [f for f in families if f.kind == COPIED and single_outlet([(by_id[m.doc], m.start, m.end) for m in f.members]) is not None]
    reruns = rerun_pairs(single, by_id)
    for family in single:
        pairs = [tuple(sorted((family.members[a].doc, family.members[b].doc))) for a, b in family.links]
        if sum(pair in reruns for pair in pairs) * 2 < len(pairs):
            family.kind = STOCK


def rerun_pairs(families: list[ReuseFamily], by_id: dict[str, Document]) -> set[tuple[str, str]]:
    """Pairs of documents (ids, in order) whose aligned passages, over all these families, cover
    ``RERUN_SHARE`` of one of the two texts. Each family adds only its aligned pairs."""
    covered: Counter = Counter()
    for family in families:
        for a, b in family.links:
            first, second = family.members[a], family.members[b]
            if first.doc != second.doc:
                covered[first.doc, second.doc] += first.end - first.start
                covered[second.doc, first.doc] += second.end - second.start
    return {tuple(sorted(pair)) for pair, chars in covered.items() if chars >= RERUN_SHARE * len(by_id[pair[0]].text)}
