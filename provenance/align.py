"""Verify a candidate document pair and align its shared passages to exact character spans.

Shared shingles are anchors: positions (i, j) where both texts have the same k words. Anchors are
chained along a diagonal that may drift a little (inserted or deleted words) and may skip a few
positions (changed words). Each chain is one passage; it starts at its first anchor and ends at its
last one, so its span is where the shared text starts and ends, whatever the candidate windows were.
A passage counts only if it is long enough, similar enough word by word, and shares at least one
verbatim run of ``min_run`` words, which is what keeps stock phrases ("in the war-torn country")
and texts that merely use the same words out. Chains on different diagonals are separate
passages, so lines stitched in another order are found one by one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Indel

from .fingerprint import Shingled

OPENING = "\"'“‘«(["
CLOSING = ".!?\"'”’»)]"


@dataclass(frozen=True)
class AlignParams:
    shingle_size: int = 3
    max_gap: int = 16  # shingle positions a chain may skip (changed words)
    max_drift: int = 6  # words a chain may gain on one side (insertions, deletions)
    max_repeat: int = 4  # a shingle repeated more often inside one text is no anchor
    min_words: int = 12  # shortest passage reported, in words on each side
    min_similarity: float = 0.5  # word-level similarity of the two spans
    min_run: int = 5  # a passage must share at least one run of this many words verbatim
    min_evidence: float = 12.0  # words of evidence a passage needs, common wording weighed less (provenance.evidence)


@dataclass(frozen=True)
class Alignment:
    """One passage shared by two documents; spans are character offsets into each text as read."""

    first: int  # document index
    first_start: int
    first_end: int
    second: int
    second_start: int
    second_end: int
    similarity: float


@dataclass
class _Chain:
    first_i: int
    first_j: int
    last_i: int
    last_j: int
    run: int = 1  # consecutive anchors ending at the last one
    longest_run: int = 1


def anchors(a: np.ndarray, b: np.ndarray, max_repeat: int) -> list[tuple[int, int]]:
    """(i, j) for every shingle hash shared by a and b, sorted; over-repeated shingles skipped."""
    common = np.intersect1d(a, b)
    if len(common) == 0:
        return []
    keep_a = np.isin(a, common)
    keep_b = np.isin(b, common)
    positions_b: dict[int, list[int]] = {}
    for j in np.flatnonzero(keep_b).tolist():
        positions_b.setdefault(int(b[j]), []).append(j)
    shared_a = np.flatnonzero(keep_a).tolist()
    counts_a = Counter(int(a[i]) for i in shared_a)
    matches = []
    for i in shared_a:
        value = int(a[i])
        js = positions_b[value]
        if counts_a[value] > max_repeat or len(js) > max_repeat:
            continue
        matches.extend((i, j) for j in js)
    return matches


def chain_anchors(matches: list[tuple[int, int]], max_gap: int, max_drift: int) -> list[_Chain]:
    """Group anchors into chains that move forward in both texts with bounded gaps and drift."""
    reach = max_gap + 1
    active: list[_Chain] = []
    done: list[_Chain] = []
    for i, j in matches:
        still = []
        for chain in active:
            (still if i - chain.last_i <= reach else done).append(chain)
        active = still
        best, best_cost = None, None
        for chain in active:
            di, dj = i - chain.last_i, j - chain.last_j
            if 0 < di <= reach and 0 < dj <= reach and abs(di - dj) <= max_drift:
                cost = di + dj
                if best_cost is None or cost < best_cost:
                    best, best_cost = chain, cost
        if best is None:
            active.append(_Chain(i, j, i, j))
        else:
            best.run = best.run + 1 if (i - best.last_i, j - best.last_j) == (1, 1) else 1
            best.longest_run = max(best.longest_run, best.run)
            best.last_i, best.last_j = i, j
    return done + active


def shares_run(a: np.ndarray, b: np.ndarray, params: AlignParams) -> bool:
    """Whether shingles of ``a`` that all occur in ``b`` follow each other long enough to make a
    verbatim run of ``min_run`` words: without one, ``align_pair`` finds no passage, so a pair
    that fails this cheap test need not be aligned."""
    needed = max(1, params.min_run - params.shingle_size + 1)
    inside = np.isin(a, b).astype(np.int8)
    return len(inside) >= needed and bool((np.convolve(inside, np.ones(needed, dtype=np.int8), "valid") == needed).any())


def align_pair(
    first: int, fa: Shingled, text_a: str, second: int, fb: Shingled, text_b: str, params: AlignParams
) -> list[Alignment]:
    words_a, words_b = fa.tokens.words, fb.tokens.words
    k = params.shingle_size
    if len(words_a) < k or len(words_b) < k:
        return []
    chains = chain_anchors(anchors(fa.shingles, fb.shingles, params.max_repeat), params.max_gap, params.max_drift)
    passages = []
    for chain in chains:
        # r consecutive anchors of k words each are a verbatim run of r + k - 1 words.
        if chain.longest_run + k - 1 < params.min_run:
            continue
        a0, a1 = chain.first_i, min(chain.last_i + k, len(words_a))
        b0, b1 = chain.first_j, min(chain.last_j + k, len(words_b))
        a0, b0 = _grow(words_a, words_b, a0, b0, -1, lambda i, j: _starts_sentence(fa, text_a, i) or _starts_sentence(fb, text_b, j))
        a1, b1 = _grow(words_a, words_b, a1, b1, +1, lambda i, j: _ends_sentence(fa, text_a, i) or _ends_sentence(fb, text_b, j))
        if min(a1 - a0, b1 - b0) < params.min_words:
            continue
        similarity = Indel.normalized_similarity(words_a[a0:a1], words_b[b0:b1])
        if similarity >= params.min_similarity:
            passages.append((a0, a1, b0, b1, similarity))
    passages = _drop_overlapping(passages)
    result = []
    for a0, a1, b0, b1, similarity in passages:
        sa, ea = _widen(text_a, *fa.tokens.char_span(a0, a1))
        sb, eb = _widen(text_b, *fb.tokens.char_span(b0, b1))
        result.append(Alignment(first, sa, ea, second, sb, eb, round(similarity, 4)))
    return result


# Edits of one or two words tried at a passage edge: (words skipped in a, words skipped in b).
_EDGE_EDITS = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2))


def _grow(words_a: list[str], words_b: list[str], i: int, j: int, direction: int, at_boundary) -> tuple[int, int]:
    """Move a passage edge outward over equal words, and over an edit of one or two words when equal words
    follow it: at least two, or one that reaches a sentence boundary.

    Anchors are whole shingles, so a changed word near the edge ("US" -> "USA" in the second word
    of a sentence) would otherwise cut the rest of the copied sentence off. For the left edge, i and
    j are the first words of the passage and the edge moves to lower indices; for the right edge
    they are one past the last words. ``at_boundary(i, j)`` says whether the edge sits on a
    sentence boundary in either text.
    """
    na, nb = len(words_a), len(words_b)

    def word(words: list[str], edge: int, offset: int) -> str | None:
        index = edge - 1 - offset if direction < 0 else edge + offset
        return words[index] if 0 <= index < len(words) else None

    def equal_run(ei: int, ej: int) -> int:
        run = 0
        while True:
            x, y = word(words_a, ei, run), word(words_b, ej, run)
            if x is None or x != y:
                return run
            run += 1

    while True:
        run = equal_run(i, j)
        i, j = i + direction * run, j + direction * run
        for skip_a, skip_b in _EDGE_EDITS:
            ei, ej = i + direction * skip_a, j + direction * skip_b
            if not (0 <= ei <= na and 0 <= ej <= nb):
                continue
            after = equal_run(ei, ej)
            end_i, end_j = ei + direction * after, ej + direction * after
            if after >= 2 or (after == 1 and at_boundary(end_i, end_j)):
                i, j = end_i, end_j
                break
        else:
            return i, j


def _starts_sentence(fp: Shingled, text: str, word: int) -> bool:
    """Whether the word at this index opens a sentence, a line or the text."""
    if word >= len(fp.tokens):
        return False
    k = int(fp.tokens.starts[word]) - 1
    while k >= 0 and (text[k] in " \t" or text[k] in OPENING):
        k -= 1
    while k >= 0 and text[k] in CLOSING and text[k] not in ".!?":
        k -= 1
    return k < 0 or text[k] in ".!?:\n\r"


def _ends_sentence(fp: Shingled, text: str, stop: int) -> bool:
    """Whether the words before index ``stop`` close a sentence, a line or the text."""
    if stop == 0:
        return False
    k = int(fp.tokens.ends[stop - 1])
    while k < len(text) and text[k] in CLOSING and text[k] not in ".!?":
        k += 1
    return k >= len(text) or text[k] in ".!?\n\r"


def _drop_overlapping(passages: list[tuple]) -> list[tuple]:
    """Keep the longest of passages that overlap in both texts (a repeated phrase seen twice)."""
    kept: list[tuple] = []
    for p in sorted(passages, key=lambda p: (p[0] - p[1], p[0])):
        if not any(p[0] < q[1] and q[0] < p[1] and p[2] < q[3] and q[2] < p[3] for q in kept):
            kept.append(p)
    return sorted(kept)


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in the quote marks and closing punctuation that hug a span."""
    while start > 0 and text[start - 1] in OPENING:
        start -= 1
    while end < len(text) and text[end] in CLOSING:
        end += 1
    return start, end
