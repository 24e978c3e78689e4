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

_HYPHENS = "-\u2010\u2011\u00ad"
_APOSTROPHES = "'\u2019\u02bc"
# A word: letters/digits, optionally joined by hyphens or apostrophes ("cease-fire", "Russia’s").
# Possessive quantifiers: a word never gives back letters, so a failed join costs no backtracking.
WORD = re.compile(rf"\w++(?:[{_HYPHENS}{_APOSTROPHES}]\w++)*+")
_SPLIT = re.compile(f"({WORD.pattern})")
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
    pieces = _SPLIT.split(text)
    if len(pieces) == 1:
        return Tokens([], np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    ends = np.cumsum(lengths)[1::2]
    return Tokens(normalize_words(pieces[1::2]), ends - lengths[1::2], ends)
