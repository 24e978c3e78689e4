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
from .frequency import DocumentShingles, ShingleFrequencies

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
    common_at = frequencies.common_at(COMMON_SHARE, COMMON_DOCUMENTS)
    k = shingles.shingle_size
    kept: list[Family] = []
    common: list[CommonWording] = []
    for family in families:
        spans = [shingles.inside(m.doc, m.start, m.end) for m in family.members]
        inside = _documents_holding(spans, [m.doc for m in family.members])
        # In words: letters of Chinese, Japanese or Thai count less (``normalize.WordCount``).
        evidence = [
            (k - 1 + _weight(buckets, frequencies.of_buckets(buckets) - inside(buckets), common_at)) * shingles.word_density(m.doc, m.start, m.end)
            if len(buckets) else 0.0
            for m, buckets in zip(family.members, spans)
        ]
        strong = [i for i, e in enumerate(evidence) if e >= min_evidence]
        linked = sorted({i for pair in family.links for i in pair if set(pair) <= set(strong)})
        if len(linked) == len(family.members):
            kept.append(family)
        elif len(linked) > 1:
            kept.append(family.restricted(linked))
        else:
            spans_read = [(shingles.documents[m.doc].id, m.start, m.end) for m in family.members]
            common.append(CommonWording(spans_read, round(max(evidence), 2)))
    return kept, common


def _documents_holding(spans: list[np.ndarray], docs: list[int]):
    """A function giving, for buckets, how many of the family's documents hold each in the family's span."""
    per_doc: dict[int, np.ndarray] = {}
    for doc, buckets in zip(docs, spans):
        per_doc[doc] = np.union1d(per_doc.get(doc, np.empty(0, dtype=buckets.dtype)), buckets)
    values, counts = np.unique(np.concatenate(list(per_doc.values())), return_counts=True)

    def inside(buckets: np.ndarray) -> np.ndarray:
        at = np.clip(np.searchsorted(values, buckets), 0, len(values) - 1)
        return np.where(values[at] == buckets, counts[at], 0)

    return inside


def _weight(buckets: np.ndarray, outside: np.ndarray, common_at: float) -> float:
    common = int(np.count_nonzero(outside >= common_at))
    return len(buckets) - common + COMMON_WEIGHT * common
