"""The scan pipeline: documents in, reuse families with exact spans and origins out."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Callable

import numpy as np

from .align import AlignParams, Alignment, align_pair
from .attribute import DocumentReuse, ReuseFamily, attribute, document_reuse
from .candidates import candidate_pairs
from .cluster import cluster
from .corpus import Document
from .fingerprint import PassageHasher, fingerprint
from .normalize import tokenize

# progress(stage, done, total): called as work advances, for a progress bar.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ScanParams:
    window: int = 16  # shingles per passage signature
    step: int = 4  # shingles between passage starts
    num_perm: int = 64
    seed: int = 1
    clique_limit: int = 8
    align: AlignParams = field(default_factory=AlignParams)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ScanResult:
    documents: list[Document]
    families: list[ReuseFamily]
    reuse: list[DocumentReuse]  # one per document, in document order
    params: ScanParams
    candidate_pairs: int
    seconds: float


def scan(
    documents: list[Document],
    params: ScanParams | None = None,
    progress: Progress | None = None,
    hasher: PassageHasher | None = None,
    focus: int | None = None,
) -> ScanResult:
    """Find reused passages in documents. ``hasher`` defaults to one made from ``params``; an
    index passes the one it was built with. With ``focus``, only pairs that include that document
    (an index) are aligned: a check needs nothing else."""
    params = params or ScanParams()
    began = time.perf_counter()
    report = progress or (lambda stage, done, total: None)

    hasher = hasher or PassageHasher(params.num_perm, params.seed, params.window, params.step)
    fingerprints = []
    for index, doc in enumerate(documents):
        fingerprints.append(fingerprint(tokenize(doc.text), hasher, params.align.shingle_size))
        if index % 256 == 0 or index == len(documents) - 1:
            report("fingerprint", index + 1, len(documents))

    pairs = candidate_pairs(fingerprints, _rank(documents), params.clique_limit)
    if focus is not None:
        pairs = [p for p in pairs if focus in (p.first, p.second)]
    alignments: list[Alignment] = []
    for index, pair in enumerate(pairs):
        a, b = pair.first, pair.second
        alignments.extend(
            align_pair(a, fingerprints[a], documents[a].text, b, fingerprints[b], documents[b].text, params.align)
        )
        if index % 256 == 0 or index == len(pairs) - 1:
            report("align", index + 1, len(pairs))

    families = attribute(cluster(alignments), documents)
    return ScanResult(
        documents=documents,
        families=families,
        reuse=document_reuse(families, documents),
        params=params,
        candidate_pairs=len(pairs),
        seconds=time.perf_counter() - began,
    )


def _rank(documents: list[Document]) -> np.ndarray:
    """Position of each document from earliest to latest; undated ones last, in input order."""
    order = sorted(
        range(len(documents)),
        key=lambda i: (documents[i].published is None, documents[i].published.start if documents[i].published else 0, i),
    )
    rank = np.empty(len(documents), dtype=np.int64)
    rank[order] = np.arange(len(documents))
    return rank
