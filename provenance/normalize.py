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
WORD = re.compile(rf"\w+(?:[{_HYPHENS}{_APOSTROPHES}]\w+)*")
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


def normalize_word(word: str) -> str:
    if not word.isascii():
        word = unicodedata.normalize("NFKC", word)
    return word.casefold().translate(_DROP)


def tokenize(text: str) -> Tokens:
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in WORD.finditer(text):
        words.append(normalize_word(match.group()))
        starts.append(match.start())
        ends.append(match.end())
    return Tokens(words, np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))
