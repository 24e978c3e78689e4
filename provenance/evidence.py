"""Evidence that weighs what is common: a passage proves copying in proportion to how unusual its
wording is in the corpus.

On real news the same events are written up by many, so twelve shared words with a verbatim run
("in the wake of the country's decision to leave the European Union") are often a formula that
independent writers produce. Each shingle of a passage is weighed by the documents outside the
passage's family that hold it (``provenance.frequency``, counted once by the scan):

- a shingle held by fewer than ``max(COMMON_DOCUMENTS, COMMON_SHARE * corpus documents)`` other
  documents is unusual and weighs 1; a more common one weighs ``COMMON_WEIGHT``;
- a member's evidence is ``shingle_size - 1`` plus its shingles' weights: its length in words when
  every shingle is unusual, so that a long lift of ordinary wording still counts (in a script
  written without spaces, times what its letters are worth in words: ``normalize.WordCount``);
- members with less than ``min_evidence`` words of evidence leave the family; a family left with
  fewer than two members still aligned with each other is common wording, listed apart.

The family's own documents do not count towards a shingle's frequency: wire copy that forty
outlets carry is not common for being carried. The work is one lookup per shingle of the family
members, linear in what the families hold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cluster import Family
from .frequency import BITS, DocumentShingles, ShingleFrequencies

COMMON_DOCUMENTS = 10
COMMON_SHARE = 0.002
COMMON_WEIGHT = 0.25


@dataclass
class CommonWording:
    """A passage shared in wording too common to be evidence of copying."""

    spans: list[tuple[str, int, int]]  # (document, start, end)
    evidence: float  # the best member's evidence, in words


def weigh_evidence(
    families: list[Family], shingles: DocumentShingles, frequencies: ShingleFrequencies, min_evidence: float
) -> tuple[list[Family], list[CommonWording]]:
    """The families with enough evidence, restricted to their members that have it, and the rest."""
    k = shingles.shingle_size
    members = [m for family in families for m in family.members]
    spans = [shingles.inside(m.doc, m.start, m.end) for m in members]
    family_of = np.repeat(np.arange(len(families)), [len(family.members) for family in families])
    common = _common_shingles(spans, family_of, np.array([m.doc for m in members], dtype=np.int64), frequencies).tolist()
    kept: list[Family] = []
    found: list[CommonWording] = []
    first = 0
    for family in families:
        at = range(first, first + len(family.members))
        first = at.stop
        # In words: letters of Chinese, Japanese or Thai count less (``normalize.WordCount``).
        evidence = [
            (k - 1 + len(spans[i]) - common[i] + COMMON_WEIGHT * common[i]) * shingles.word_density(m.doc, m.start, m.end) if len(spans[i]) else 0.0
            for m, i in zip(family.members, at)
        ]
        strong = [i for i, e in enumerate(evidence) if e >= min_evidence]
        linked = sorted({i for pair in family.links for i in pair if set(pair) <= set(strong)})
        if len(linked) == len(family.members):
            kept.append(family)
        elif len(linked) > 1:
            kept.append(family.restricted(linked))
        else:
            spans_read = [(shingles.documents[m.doc].id, m.start, m.end) for m in family.members]
            found.append(CommonWording(spans_read, round(max(evidence), 2)))
    return kept, found


def _common_shingles(spans: list[np.ndarray], family_of: np.ndarray, doc_of: np.ndarray, frequencies: ShingleFrequencies) -> np.ndarray:
    """How many of each member's shingle buckets are common: held by ``common_at`` documents or
    more besides the documents of the member's family that hold it in their spans. All members of
    all families at once: one sort of (family, bucket, document)."""
    buckets = np.concatenate(spans + [np.empty(0, dtype=np.int64)]).astype(np.int64)
    if len(buckets) == 0:
        return np.zeros(len(spans), dtype=np.int64)
    member = np.repeat(np.arange(len(spans)), [len(s) for s in spans])
    group, doc = family_of[member] << BITS | buckets, doc_of[member]  # a bucket has BITS bits
    order = np.lexsort((doc, group))
    group, doc = group[order], doc[order]
    new_group = np.concatenate(([True], group[1:] != group[:-1]))
    new_doc = new_group | np.concatenate(([True], doc[1:] != doc[:-1]))
    number = np.cumsum(new_group) - 1
    holders = np.bincount(number, weights=new_doc).astype(np.int64)  # the family's documents holding each
    inside = np.empty(len(buckets), dtype=np.int64)
    inside[order] = holders[number]
    common_at = frequencies.common_at(COMMON_SHARE, COMMON_DOCUMENTS)
    common = frequencies.of_buckets(buckets) - inside >= common_at
    return np.bincount(member, weights=common, minlength=len(spans)).astype(np.int64)
