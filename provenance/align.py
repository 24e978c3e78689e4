"""Verify a candidate document pair and align its shared passages to exact character spans.

Shared shingles are anchors: positions (i, j) where both texts have the same k words. Anchors are
chained along a diagonal that may drift a little (inserted or deleted words) and may skip a few
positions (changed words). Each chain is one passage; it starts at its first anchor and ends at its
last one, so its span is where the shared text starts and ends, whatever the candidate windows were.
A passage counts only if it is long enough, similar enough word by word, and shares at least one
verbatim run of ``min_run`` words, which is what keeps stock phrases ("in the war-torn country")
and texts that merely use the same words out; a passage of words half as long again as the
shortest may instead hold two runs of ``min_second_run`` words, as a heavy rewrite keeps (on the short answers,
heavy rewrites flagged 14 -> 17 of 19; on real news, what is reported as copied the same or one
less, its labeled precision 0.934 -> 0.939 and 0.953 -> 0.953). In the letters of Chinese, Japanese
or Thai, a heavy rewrite keeps many runs of two or three words instead, which together may make
the passage (``min_kept_run``), and letters must be more alike than words (``min_letter_similarity``).
Chains on different diagonals are separate passages, so lines stitched in another order are found one by one.

Pairs are aligned in batches: the shared shingles of every pair of a batch, and whether they make
a verbatim run at all, are found with a few array operations over all of them; only chaining and
the passages' edges are worked out pair by pair.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Mapping

import numpy as np
from rapidfuzz.distance import Indel

from .normalize import SPACED_WORD, Reading, Tokens, WordCount, word_count

SENTENCE_END = ".!?。！？"  # full-width stops end Chinese and Japanese sentences
OPENING = "\"'“‘«([「『（【"
CLOSING = SENTENCE_END + "\"'”’»)]」』）】"


@dataclass(frozen=True)
class AlignParams:
    shingle_size: int = 3
    max_gap: int = 18  # shingle positions a chain may skip (changed words)
    max_drift: int = 6  # words a chain may gain on one side (insertions, deletions)
    max_repeat: int = 4  # a shingle repeated more often inside one text is no anchor
    min_words: int = 12  # shortest passage reported, in words on each side
    min_similarity: float = 0.5  # word-level similarity of the two spans
    min_letter_similarity: float = 0.65  # ... at least this, letter by letter: unrelated text on one topic is half alike
    min_run: int = 5  # a passage must share at least one run of this many words verbatim
    min_second_run: int = 3  # ... or, in a longer passage, two runs of this many (a heavy rewrite keeps phrases)
    min_kept_run: float = 2.0  # ... or, read by letters, runs of this many words that add up to min_words
    min_evidence: float = 12.0  # words of evidence a passage needs, common wording weighed less (provenance.evidence)
    ocr: bool = False  # texts read in the normal form of OCR'd text (normalize.tokenize)
    text_model: str = "words"  # what a token is (normalize.TEXT_MODELS); sizes in words weigh tokens (normalize.WordCount)
    edge_run: int = 2  # equal tokens that must follow an edit for a passage's edge to move past it

    @property
    def reading(self) -> Reading:
        return Reading(self.ocr, self.text_model == "chars")

    def with_min_similarity(self, similarity: float) -> "AlignParams":
        """These settings with one similarity floor for words and letters alike, as a user who sets
        one (``--min-similarity``) means it."""
        return replace(self, min_similarity=similarity, min_letter_similarity=similarity)


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
    run_start: int = 0  # the first text's position of the current run's first anchor
    ended: list[tuple[int, int]] = field(default_factory=list)  # (run_start, run) of the runs before the current one

    @property
    def runs(self) -> list[tuple[int, int]]:
        """Every run of consecutive anchors, (first position in the first text, anchors), in chain order."""
        return [*self.ended, (self.run_start, self.run)]

    @property
    def second_run(self) -> int:
        """The second longest run of consecutive anchors."""
        return sorted(anchors for _, anchors in self.runs)[-2] if self.ended else 0


class PairShingles:
    """The shingle hashes of many document pairs side by side, so that shared shingles are found
    for all pairs at once with a few array operations instead of set operations pair by pair.

    Each document's hashes are sorted once (with ties in text order). Laid out pair after pair,
    the second documents' sorted hashes, keyed by (pair, hash), are one sorted array; each
    shingle of a first document is looked up in it by binary search, which gives the positions
    in the second document that hold the same shingle.
    """

    def __init__(self, pairs: list[tuple[int, int]], shingles: Mapping[int, np.ndarray]):
        docs = sorted({doc for pair in pairs for doc in pair})
        number = {doc: n for n, doc in enumerate(docs)}
        lengths = np.array([len(shingles[doc]) for doc in docs], dtype=np.int64)
        offsets = np.cumsum(lengths) - lengths
        values = np.concatenate([np.asarray(shingles[doc], dtype=np.uint32) for doc in docs] + [np.empty(0, np.uint32)])
        owner = np.repeat(np.arange(len(docs), dtype=np.uint64), lengths)
        doc_keys = owner << np.uint64(32) | values
        by_value = np.argsort(doc_keys, kind="stable")  # per document: positions by hash, ties in text order
        sorted_keys = doc_keys[by_value]
        fresh = np.ones(len(sorted_keys), dtype=bool)
        fresh[1:] = sorted_keys[1:] != sorted_keys[:-1]
        run = np.cumsum(fresh) - 1
        self.repeats = np.empty(len(values), dtype=np.int64)  # how often each position's shingle occurs in its document
        self.repeats[by_value] = np.bincount(run)[run] if len(run) else run

        firsts = np.array([number[a] for a, _ in pairs], dtype=np.int64)
        seconds = np.array([number[b] for _, b in pairs], dtype=np.int64)
        self.pairs = len(pairs)
        self.first_lengths = lengths[firsts]
        # Every shingle of each pair's first document: its pair, position and place in ``values``.
        self.a_pair, self.a_position = _segments(self.first_lengths)
        self.a_flat = offsets[firsts][self.a_pair] + self.a_position
        # The shingles of each pair's second document, and again of its first, in hash order.
        b_pair, b_rank = _segments(lengths[seconds])
        b_flat = by_value[offsets[seconds][b_pair] + b_rank]
        self.b_position = b_flat - offsets[seconds][b_pair]
        b_keys = b_pair.astype(np.uint64) << np.uint64(32) | values[b_flat]
        a_sorted = by_value[self.a_flat]  # the same places as a_flat, each pair's hashes in order
        a_keys = self.a_pair.astype(np.uint64) << np.uint64(32) | values[a_sorted]
        # Searched in order, the keys are found in a fraction of the time (each search starts
        # where the last one ended); the results go back to the shingles' text order.
        in_text_order = np.arange(len(a_keys)) - self.a_position + (a_sorted - offsets[firsts][self.a_pair])
        self.low = np.empty(len(a_keys), dtype=np.int64)  # matches of a shingle: b_position[low:high]
        self.high = np.empty(len(a_keys), dtype=np.int64)
        self.low[in_text_order] = np.searchsorted(b_keys, a_keys, "left")
        self.high[in_text_order] = np.searchsorted(b_keys, a_keys, "right")

    def shares_run(self, params: AlignParams) -> np.ndarray:
        """Whether each pair's first document has shingles that all occur in the second and follow
        each other long enough to make a verbatim run of ``min_run`` words: without one, no
        passage is found, so a pair that fails this cheap test need not be aligned."""
        needed = max(1, math.ceil(_least_run(params)) - params.shingle_size + 1)
        inside = np.concatenate(([0], np.cumsum(self.high > self.low)))
        starts = np.flatnonzero(self.a_position + needed <= self.first_lengths[self.a_pair])
        full = inside[starts + needed] - inside[starts] == needed
        return np.bincount(self.a_pair[starts[full]], minlength=self.pairs) > 0

    def anchor_runs(self, wanted: np.ndarray, max_repeat: int, shortest: int = 1) -> list[tuple[list[int], list[int], list[int]]]:
        """For each pair, its anchors: the (i, j) positions of every shingle shared by both
        documents, skipping shingles repeated more than ``max_repeat`` times in either; none for
        pairs not ``wanted``. Anchors that follow each other on a diagonal ((i, j), (i + 1, j + 1),
        ...) are given as one run, (first i, first j, anchors), in the order of their first ones:
        chaining takes a run in one step as it would take its anchors one by one. Runs of fewer
        than ``shortest`` anchors are left out (the character model: a lone shared shingle of
        letters is most often chance)."""
        matches = self.high - self.low  # how often the shingle occurs in the second document
        keep = wanted[self.a_pair] & (matches > 0) & (matches <= max_repeat) & (self.repeats[self.a_flat] <= max_repeat)
        keep = np.flatnonzero(keep)
        counts = matches[keep]
        entry = np.repeat(keep, counts)  # in (pair, i, j) order
        _, rank = _segments(counts)
        pair, i = self.a_pair[entry], self.a_position[entry]
        j = self.b_position[self.low[entry] + rank]
        # Runs in (pair, diagonal, i) order, then their first anchors back in (pair, i, j) order.
        by_diagonal = np.lexsort((i, j - i, pair))
        p, d, ii = pair[by_diagonal], (j - i)[by_diagonal], i[by_diagonal]
        new = np.ones(len(by_diagonal), dtype=bool)
        new[1:] = (p[1:] != p[:-1]) | (d[1:] != d[:-1]) | (ii[1:] != ii[:-1] + 1)
        lengths = np.diff(np.append(np.flatnonzero(new), len(new)))
        firsts = by_diagonal[new]
        in_order = np.argsort(firsts, kind="stable")
        firsts, lengths = firsts[in_order], lengths[in_order]
        long_enough = lengths >= shortest
        firsts, lengths = firsts[long_enough], lengths[long_enough]
        bounds = np.searchsorted(pair[firsts], np.arange(self.pairs + 1)).tolist()
        i, j, n = i[firsts].tolist(), j[firsts].tolist(), lengths.tolist()
        return [(i[start:stop], j[start:stop], n[start:stop]) for start, stop in zip(bounds[:-1], bounds[1:])]


def _segments(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For segments of these lengths laid end to end: each element's segment and place in it."""
    segment = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    starts = np.cumsum(lengths) - lengths
    return segment, np.arange(len(segment), dtype=np.int64) - starts[segment]


def chain_anchors(runs: Iterable[tuple[int, int, int]], max_gap: int, max_drift: int) -> list[_Chain]:
    """Group anchors into chains that move forward in both texts with bounded gaps and drift.
    ``runs`` are (i, j, anchors) on a diagonal (``PairShingles.anchor_runs``): after its first
    anchor, the rest of a run goes on the same chain, a step of (1, 1) each, as no other chain can
    take them for less."""
    reach = max_gap + 1
    active: list[_Chain] = []
    done: list[_Chain] = []
    oldest = 0  # no active chain's last anchor lies before this one: while it is in reach, all are
    for i, j, anchors in runs:
        if i - oldest > reach:
            still = []
            for chain in active:
                (still if i - chain.last_i <= reach else done).append(chain)
            active = still
            oldest = min((chain.last_i for chain in active), default=i)
        best, best_cost = None, 2 * reach + 1
        for chain in active:
            di, dj = i - chain.last_i, j - chain.last_j
            if 0 < di <= reach and 0 < dj <= reach and -max_drift <= di - dj <= max_drift and di + dj < best_cost:
                best, best_cost = chain, di + dj
        if best is None:
            best = _Chain(i, j, i, j, run=0, run_start=i)
            active.append(best)
        elif best_cost != 2:  # not a step of (1, 1): a run ends
            best.ended.append((best.run_start, best.run))
            best.run, best.run_start = 0, i
        best.run += anchors
        best.longest_run = max(best.longest_run, best.run)
        best.last_i, best.last_j = i + anchors - 1, j + anchors - 1
    return done + active


def align_pairs(
    pairs: list[tuple[int, int]],
    texts: Mapping[int, str],
    shingles: Mapping[int, np.ndarray],
    tokens: Callable[[int], Tokens],
    params: AlignParams,
) -> list[Alignment]:
    """Align document pairs (indices into ``texts`` and ``shingles``, each document's shingle
    hashes). Shared shingles are found for all pairs at once; pairs without a verbatim run are
    ruled out on them. ``tokens(doc)`` gives a document's words, asked at most once a document,
    and only for a pair that has a chain of anchors long enough to be a passage."""
    shared = PairShingles(pairs, shingles)
    found_runs = shared.anchor_runs(shared.shares_run(params), params.max_repeat, 2 if params.text_model == "chars" else 1)
    k = params.shingle_size
    words_of: dict[int, tuple[Tokens, WordCount]] = {}
    found = []
    for (a, b), runs in zip(pairs, found_runs):
        # Counted in tokens first (a token is at most a word); then in words, where letters of
        # unspaced scripts count less.
        least = _least_run(params)
        chains = [c for c in chain_anchors(zip(*runs), params.max_gap, params.max_drift) if c.longest_run + k - 1 >= least]
        if not chains:
            continue
        for doc in (a, b):
            if doc not in words_of:
                words = tokens(doc)
                words_of[doc] = words, word_count(words)
        (ta, count_a), (tb, count_b) = words_of[a], words_of[b]
        longest = least / min(count_a.heaviest, count_b.heaviest) - k + 1  # in tokens, at their weightiest
        chains = [c for c in chains if c.longest_run >= longest and _verbatim(c, k, _run_density(c, k, count_a, count_b), params)]
        found.extend(_passages(a, ta, texts[a], b, tb, texts[b], chains, params, count_a, count_b))
    return found


def _least_run(params: AlignParams) -> float:
    """The shortest verbatim run, in words, that any rule of ``_verbatim`` counts."""
    return min(params.min_run, params.min_second_run, params.min_kept_run)


def _verbatim(chain: _Chain, k: int, density: float, params: AlignParams) -> bool:
    """Whether a chain shares text verbatim enough: one run of ``min_run`` words, or, in text of
    words over half as many again as ``min_words`` (a rewritten paragraph, not a sentence that two
    reports of one event both hold), two runs of ``min_second_run``; in text read by letters, runs
    of ``min_kept_run`` words that together hold ``min_words``."""
    if (chain.longest_run + k - 1) * density >= params.min_run:
        return True
    if not _mostly_letters(density):
        return (chain.second_run + k - 1) >= params.min_second_run and (chain.last_i + k - chain.first_i) >= 1.5 * params.min_words
    # Two runs of a few letters are shared by chance (held-out precision, two runs of letters
    # allowed: Japanese 0.981 -> 0.961, Thai 0.970 -> 0.927); a passage's worth of them along one
    # chain is not. A heavy rewrite of Thai, Chinese or Japanese, a letter in eight changed, keeps
    # runs of a few words and seldom one of five (dev plagdet of heavy, Thai 0.52 -> 0.83, Chinese
    # and Japanese the same or better; no passage more reported falsely, dev or held-out).
    kept, covered = 0, 0  # tokens of the first text in kept runs; where the last kept one ends
    for start, anchors in chain.runs:
        if (anchors + k - 1) * density >= params.min_kept_run:
            kept += start + anchors + k - 1 - max(start, covered)  # runs a drift apart overlap
            covered = start + anchors + k - 1
    return kept * density >= params.min_words


def _mostly_letters(density: float) -> bool:
    """Whether text of this density (words' worth of a token) is mostly letters: more than half its
    tokens letters of an unspaced script (half a word or less each), or any text the character
    model reads. A Chinese name in an English sentence leaves the sentence to the words' rules."""
    return density < 0.75


def _run_density(chain: _Chain, k: int, count_a: WordCount, count_b: WordCount) -> float:
    """Words' worth of a token of the chain's text, the lesser of its two sides."""
    return min(count_a.density(chain.first_i, chain.last_i + k), count_b.density(chain.first_j, chain.last_j + k))


def _passages(
    first: int, ta: Tokens, text_a: str, second: int, tb: Tokens, text_b: str, chains: list[_Chain], params: AlignParams,
    count_a: WordCount, count_b: WordCount,
) -> list[Alignment]:
    """The passages of one pair from its chains of anchors that hold a long enough verbatim run."""
    words_a, words_b = ta.words, tb.words
    k = params.shingle_size
    if len(words_a) < k or len(words_b) < k:
        return []
    passages = []
    for chain in chains:
        a0, a1 = chain.first_i, min(chain.last_i + k, len(words_a))
        b0, b1 = chain.first_j, min(chain.last_j + k, len(words_b))
        a0, b0 = _grow(words_a, words_b, a0, b0, -1, lambda i, j: _starts_sentence(ta, text_a, i) or _starts_sentence(tb, text_b, j), params.edge_run)
        a1, b1 = _grow(words_a, words_b, a1, b1, +1, lambda i, j: _ends_sentence(ta, text_a, i) or _ends_sentence(tb, text_b, j), params.edge_run)
        if min(count_a.of(a0, a1), count_b.of(b0, b1)) < params.min_words:
            continue
        similarity = Indel.normalized_similarity(words_a[a0:a1], words_b[b0:b1])
        # Letters' passages on one topic are alike by chance more than words' are (Thai dev precision
        # 0.954 -> 0.996 at 0.65 rather than 0.5; Japanese held-out 0.961 -> 0.978).
        of_letters = _mostly_letters(min(count_a.density(a0, a1), count_b.density(b0, b1)))
        if similarity >= (max(params.min_similarity, params.min_letter_similarity) if of_letters else params.min_similarity):
            passages.append((a0, a1, b0, b1, similarity, of_letters))
    passages = _drop_overlapping(_joined(_drop_overlapping(passages), words_a, words_b, params))  # a joined one may overlap another
    result = []
    for a0, a1, b0, b1, similarity, of_letters in passages:
        result.append(Alignment(first, *_span(text_a, ta, a0, a1, of_letters), second, *_span(text_b, tb, b0, b1, of_letters), round(similarity, 4)))
    return result


def _span(text: str, tokens: Tokens, start: int, stop: int, of_letters: bool) -> tuple[int, int]:
    """The characters of a passage's tokens ``start:stop``, with the marks that hug them: whole
    words when the character model read them, and no chance piece of a sentence at an edge past a
    full stop when they are letters."""
    first, end = tokens.char_span(start, stop)
    if tokens.chars:
        first, end = _whole_words(text, first, end)
    if of_letters:
        first, end = _without_chance_ends(text, first, end)
    return _widen(text, first, end)


# Edits of one or two words tried at a passage edge: (words skipped in a, words skipped in b).
_EDGE_EDITS = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2))


def _grow(words_a: list[str], words_b: list[str], i: int, j: int, direction: int, at_boundary, edge_run: int) -> tuple[int, int]:
    """Move a passage edge outward over equal words, and over an edit of one or two words when equal words
    follow it: at least ``edge_run``, or fewer that reach a sentence boundary.

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
            if after >= edge_run or (after >= 1 and at_boundary(end_i, end_j)):
                i, j = end_i, end_j
                break
        else:
            return i, j


def _starts_sentence(tokens: Tokens, text: str, word: int) -> bool:
    """Whether the word at this index opens a sentence, a line or the text."""
    return word < len(tokens) and _opens_sentence(text, int(tokens.starts[word]))


def _ends_sentence(tokens: Tokens, text: str, stop: int) -> bool:
    """Whether the words before index ``stop`` close a sentence, a line or the text."""
    return stop > 0 and _closes_sentence(text, int(tokens.ends[stop - 1]))


def _opens_sentence(text: str, at: int) -> bool:
    """Whether the text from this offset opens a sentence, a line or the text."""
    k = at - 1
    while k >= 0 and (text[k] in " \t" or text[k] in OPENING):
        k -= 1
    while k >= 0 and text[k] in CLOSING and text[k] not in SENTENCE_END:
        k -= 1
    return k < 0 or text[k] in SENTENCE_END or text[k] in ":：\n\r"


def _closes_sentence(text: str, at: int) -> bool:
    """Whether the text before this offset closes a sentence, a line or the text."""
    k = at
    while k < len(text) and text[k] in CLOSING and text[k] not in SENTENCE_END:
        k += 1
    return k >= len(text) or text[k] in SENTENCE_END or text[k] in "\n\r"


def _drop_overlapping(passages: list[tuple]) -> list[tuple]:
    """Keep the longest of passages that overlap in both texts (a repeated phrase seen twice)."""
    kept: list[tuple] = []
    for p in sorted(passages, key=lambda p: (p[0] - p[1], p[0])):
        if not any(p[0] < q[1] and q[0] < p[1] and p[2] < q[3] and q[2] < p[3] for q in kept):
            kept.append(p)
    return sorted(kept)


def _joined(passages: list[tuple], words_a: list[str], words_b: list[str], params: AlignParams) -> list[tuple]:
    """Passages of letters that follow each other in both texts, at most twice ``max_gap`` tokens
    apart on each side and the two gaps at most twice ``max_drift`` apart in length, as one
    passage when the whole is as alike as a passage must be. A heavy edit of Chinese, Japanese or
    Thai that garbles a few letters running breaks a chain, and the copy was one (dev plagdet, six
    seeds: Japanese 0.916 -> 0.942, granularity 1.045 -> 1.008; Chinese 0.944 -> 0.954; three
    seeds: OCR at 10% by letters 0.937 -> 0.946). A sentence of the copy's own, over 12 tokens, between two
    lifted ones makes the gaps unlike in length, and is not taken in."""
    joined: list[tuple] = []
    for p in passages:
        q = joined[-1] if joined else None
        if q and p[5] and q[5]:
            gap_a, gap_b = p[0] - q[1], p[2] - q[3]
            if 0 <= min(gap_a, gap_b) and max(gap_a, gap_b) <= 2 * params.max_gap and abs(gap_a - gap_b) <= 2 * params.max_drift:
                similarity = Indel.normalized_similarity(words_a[q[0] : p[1]], words_b[q[2] : p[3]])
                if similarity >= max(params.min_similarity, params.min_letter_similarity):
                    joined[-1] = (q[0], p[1], q[2], p[3], similarity, True)
                    continue
        joined.append(p)
    return joined


# Letters past a sentence's end at a passage's edge, at most, that are taken for chance (by the
# character model, "The R" after one sentence and "There" after the other share four letters).
FRAGMENT_LETTERS = 12


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """A span the character model found, made of whole words: a word it cuts is taken whole when
    most of its letters are inside, else left out, and a fragment past a sentence end at either
    edge is left out."""
    if end <= start:
        return start, end
    # Only the words around each edge are looked at: a word is shorter than 64 letters but for freaks.
    for word in SPACED_WORD.finditer(text, max(0, start - 64), min(len(text), start + 64)):
        if word.start() < start < word.end():
            start = word.start() if word.end() - start >= start - word.start() else word.end()
    for word in SPACED_WORD.finditer(text, max(0, end - 64), min(len(text), end + 64)):
        if word.start() < end < word.end():
            end = word.end() if end - word.start() >= word.end() - end else word.start()
    inside = text[start:end]
    # A sentence end: the next sentence opens with a capital or a quote ("U.S. military" goes on).
    ends = [m.end() for m in re.finditer(r"[.!?][\"'”’»)\]]*\s+", inside) if m.end() < len(inside) and (inside[m.end()].isupper() or inside[m.end()] in OPENING)]
    if ends and sum(map(str.isalnum, inside[ends[-1] :])) <= FRAGMENT_LETTERS:
        end = start + ends[-1]
    if ends and sum(map(str.isalnum, inside[: ends[0]])) <= FRAGMENT_LETTERS and end > start + ends[0]:
        start += ends[0]
    while start < end and not text[start].isalnum() and text[start] not in OPENING:
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# Letters of a piece of sentence at a passage's edge, at most, that unspaced scripts share by
# chance: Japanese sentences end alike ("ません。", "します。"), Chinese ones in common words ("设置。").
CHANCE_LETTERS = 6
_FULL_STOP = re.compile("[。！？][" + re.escape("".join(c for c in CLOSING if c not in SENTENCE_END)) + "]*")


def _without_chance_ends(text: str, start: int, end: int) -> tuple[int, int]:
    """A span of unspaced letters without a piece of a sentence, ``CHANCE_LETTERS`` or fewer, before
    its first full stop or after its last one: a short sentence whole at an edge stays."""
    inside = text[start:end]
    stops = [m.end() for m in _FULL_STOP.finditer(inside) if m.end() < len(inside)]
    if not stops:
        return start, end
    if sum(map(str.isalnum, inside[stops[-1] :])) <= CHANCE_LETTERS and not _closes_sentence(text, end):
        end = start + stops[-1]
    if sum(map(str.isalnum, inside[: stops[0]])) <= CHANCE_LETTERS and end > start + stops[0] and not _opens_sentence(text, start):
        start += stops[0]
        while start < end and not text[start].isalnum() and text[start] not in OPENING:  # a space or a line end
            start += 1
    return start, end


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in the quote marks and closing punctuation that hug a span."""
    while start > 0 and text[start - 1] in OPENING:
        start -= 1
    while end < len(text) and text[end] in CLOSING:
        end += 1
    return start, end
