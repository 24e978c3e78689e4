"""Tokenize text into normalized words that keep their character offsets in the original text.

Normalization makes trivially different spellings equal: Unicode NFKC, case folding, curly quotes
folded to straight ones, and word-internal hyphens dropped so that "cease-fire", "cease‑fire" and
"ceasefire" are one token. Punctuation and dashes between words are separators, not tokens.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

TOKENS = "words+unspaced-letters"  # what a token is: an index records it (its keys depend on it)
_HYPHENS = "-\u2010\u2011\u00ad"
_APOSTROPHES = "'\u2019\u02bc"
# A word: letters/digits, optionally joined by hyphens or apostrophes ("cease-fire", "Russia’s").
# Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, kana, Han): each letter,
# with the marks that sit on it, is a unit of its own, as a word is in spaced scripts. A run of them
# would otherwise be one "word" a clause long.
_UNSPACED_BLOCKS = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x3040, 0x30FF), (0x31F0, 0x31FF),
                    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF66, 0xFF9F), (0x20000, 0x3134F))


def _char_class(keep) -> str:
    """A regex character class body of the unspaced blocks' characters that ``keep`` accepts."""
    points = [c for first, last in _UNSPACED_BLOCKS for c in range(first, last + 1) if keep(chr(c))]
    runs, start = [], points[0]
    for previous, point in zip(points, points[1:] + [None]):
        if point != previous + 1:
            runs.append(f"{re.escape(chr(start))}-{re.escape(chr(previous))}" if previous > start else re.escape(chr(start)))
            start = point
    return "".join(runs)


_UNSPACED_LETTER = _char_class(str.isalnum)
_UNSPACED_MARK = _char_class(lambda c: unicodedata.category(c).startswith("M"))
# A letter of these scripts says less than a word: thresholds set in words (shortest passage,
# verbatim run, evidence) ask this many of its units. Measured on the development splits of the
# Chinese, Japanese and Thai benchmarks (provenance.noisy_benchmark): Han and kana at 2 units a
# word, plagdet 0.40 -> 0.93 (zh) and 0.34 -> 0.91 (ja), precision 0.94-1.00; Thai letters (vowel
# signs are letters too) at 2.5, 0.73 -> 0.82 with precision 0.95, where 2 gave precision 0.88.
IDEOGRAPHIC_UNITS_PER_WORD = 2.0
ABUGIDA_UNITS_PER_WORD = 2.5
_IDEOGRAPHIC = re.compile("[" + _char_class(lambda c: c.isalnum() and ord(c) >= 0x3040) + "]")
_ABUGIDA = re.compile("[" + _char_class(lambda c: c.isalnum() and ord(c) < 0x3040) + "]")
# Possessive quantifiers: a word never gives back letters, so a failed join costs no backtracking.
_SPACED_WORD = rf"\w++(?:[{_HYPHENS}{_APOSTROPHES}]\w++)*+"
_SPACED = rf"[^\W{_UNSPACED_LETTER}]"
WORD = re.compile(rf"[{_UNSPACED_LETTER}][{_UNSPACED_MARK}]*+|{_SPACED}++(?:[{_HYPHENS}{_APOSTROPHES}]{_SPACED}++)*+")
# Text with no letter of an unspaced script (nearly all of it, in spaced languages) is split by the
# plain word pattern, 40% faster than WORD, which the few texts with such letters need.
_SPLIT = re.compile(f"({WORD.pattern})")
_SPLIT_SPACED = re.compile(f"({_SPACED_WORD})")
_ANY_UNSPACED = re.compile(f"[{_UNSPACED_LETTER}]")
_OFFSET = np.dtype("<i8")
_DROP = str.maketrans({**{h: None for h in _HYPHENS}, "\u2019": "'", "\u02bc": "'"})


@dataclass(frozen=True)
class Tokens:
    """Normalized words of one text and where each one stands in that text."""

    words: list[str]
    starts: np.ndarray  # int64 character offsets, one per word
    ends: np.ndarray

    def __len__(self) -> int:
        return len(self.words)

    def char_span(self, first: int, stop: int) -> tuple[int, int]:
        """Character span [start, end) of words[first:stop]."""
        return int(self.starts[first]), int(self.ends[stop - 1])

    def to_bytes(self) -> bytes:
        """One record that ``from_bytes`` reads back: the word count, the starts and ends, and the
        words joined by newlines (no normalized word holds one). A scan keeps it rather than
        tokenizing a text again for each pair it is aligned in."""
        head = np.array([len(self.words)], dtype=_OFFSET)
        words = "\n".join(self.words).encode("utf-8", "surrogatepass")  # JSON may carry lone surrogates
        return b"".join((head.tobytes(), self.starts.astype(_OFFSET).tobytes(), self.ends.astype(_OFFSET).tobytes(), words))

    @classmethod
    def from_bytes(cls, record: bytes) -> Tokens:
        count = int(np.frombuffer(record, _OFFSET, 1)[0])
        offsets = np.frombuffer(record, _OFFSET, 2 * count, _OFFSET.itemsize).astype(np.int64)
        words = record[(2 * count + 1) * _OFFSET.itemsize :].decode("utf-8", "surrogatepass").split("\n") if count else []
        return cls(words, offsets[:count], offsets[count:])


def normalize_word(word: str) -> str:
    return normalize_words([word])[0]


def normalize_words(words: list[str]) -> list[str]:
    """Normalize many words in one pass over one joined string (far faster than word by word).

    No normalization step turns a character into a newline or joins characters across one, so
    splitting on newlines gives back exactly one result per word.
    """
    joined = "\n".join(words)
    if not joined.isascii():
        joined = unicodedata.normalize("NFKC", joined)
    return joined.casefold().translate(_DROP).split("\n")


def tokenize(text: str) -> Tokens:
    # Splitting on the captured pattern gives separators and words in turn, with no match objects:
    # their lengths add up to every word's offsets.
    spaced = text.isascii() or not _ANY_UNSPACED.search(text)
    pieces = (_SPLIT_SPACED if spaced else _SPLIT).split(text)
    if len(pieces) == 1:
        return Tokens([], np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    ends = np.cumsum(lengths)[1::2]
    return Tokens(normalize_words(pieces[1::2]), ends - lengths[1::2], ends)


def units_per_word(tokens: Tokens) -> float:
    """How many of a text's tokens make a word's worth of evidence: 1 for spaced scripts, more as
    letters of unspaced ones make up more of the text (a Japanese text with Latin names, an English
    one quoting Chinese)."""
    joined = "".join(tokens.words)
    if joined.isascii() or not tokens.words:
        return 1.0
    ideographic, abugida = len(_IDEOGRAPHIC.findall(joined)), len(_ABUGIDA.findall(joined))
    spaced = len(tokens.words) - ideographic - abugida
    return (spaced + IDEOGRAPHIC_UNITS_PER_WORD * ideographic + ABUGIDA_UNITS_PER_WORD * abugida) / len(tokens.words)
