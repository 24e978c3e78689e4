"""Tokenize text into normalized words that keep their character offsets in the original text.

Normalization makes trivially different spellings equal: Unicode NFKC, case folding, curly quotes
folded to straight ones, and word-internal hyphens dropped so that "cease-fire", "cease‑fire" and
"ceasefire" are one token. Punctuation and dashes between words are separators, not tokens.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

TOKENS = "words+unspaced-letters+joined-line-ends"  # what a token is: an index records it (its keys depend on it)
TEXT_MODELS = ("words", "chars")  # what a token is: a word (a letter in unspaced scripts), or every letter
_HYPHENS = "-\u2010\u2011\u00ad"
_APOSTROPHES = "'\u2019\u02bc"
# A word: letters/digits, optionally joined by hyphens or apostrophes ("cease-fire", "Russia’s").
# Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, kana, Han): each letter,
# with the marks that sit on it, is a unit of its own, as a word is in spaced scripts. A run of them
# would otherwise be one "word" a clause long.
_UNSPACED_BLOCKS = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x3005, 0x3007), (0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F))
# Han: every code point a letter (those not yet assigned never stand in a text), taken whole
# rather than looked up one by one at import.
_HAN_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
# Half-width katakana's voiced marks are letters to Unicode (Lm), but NFKC makes them the combining
# marks of the full-width letters: they stay on their letter, so "ｶﾞ" is one token as "ガ" is.
_HALF_WIDTH_MARKS = "\uff9e\uff9f"


def _runs(points: list[int]) -> list[tuple[int, int]]:
    """Consecutive code points as (first, last) runs."""
    runs, start = [], points[0]
    for previous, point in zip(points, points[1:] + [None]):
        if point != previous + 1:
            runs.append((start, previous))
            start = point
    return runs


def _letters_and_marks() -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Runs of the unspaced scripts' letters (a unit each; digits stay words, as 2563 and １０ do)
    and of the marks that sit on them."""
    letters, marks = [], []
    for first, last in _UNSPACED_BLOCKS:
        for point in range(first, last + 1):
            category = unicodedata.category(chr(point))
            if category[0] == "M" or chr(point) in _HALF_WIDTH_MARKS:
                marks.append(point)
            elif category[0] in "LN" and category != "Nd":
                letters.append(point)
    return sorted(_runs(letters) + list(_HAN_BLOCKS)), _runs(marks)


def _char_class(runs: list[tuple[int, int]]) -> str:
    return "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in runs)


_LETTER_RUNS, _MARK_RUNS = _letters_and_marks()
_UNSPACED_LETTER = _char_class(_LETTER_RUNS)
_UNSPACED_MARK = _char_class(_MARK_RUNS)
# A hyphen at a line's end joins the word it splits, as a reader reads it ("recap-\ntured").
_JOIN = rf"(?:[{_HYPHENS}{_APOSTROPHES}]|[{_HYPHENS}][ \t]*+\r?\n[ \t]*+)"
# Possessive quantifiers: a word never gives back letters, so a failed join costs no backtracking.
_SPACED_WORD = rf"\w++(?:[{_HYPHENS}{_APOSTROPHES}]\w++)*+"
_SPACED = rf"[^\W{_UNSPACED_LETTER}]"
WORD = re.compile(rf"[{_UNSPACED_LETTER}][{_UNSPACED_MARK}]*+|{_SPACED}++(?:{_JOIN}{_SPACED}++)*+")
# Text with no letter of an unspaced script (nearly all of it, in spaced languages) is split by the
# plain word pattern, 40% faster than WORD, which the few texts with such letters need.
_SPLIT = re.compile(f"({WORD.pattern})")
_SPLIT_SPACED = re.compile(f"({_SPACED_WORD})")
# Joining across line ends costs the plain pattern 14%: it is used only for texts that have one.
_SPLIT_SPACED_JOINED = re.compile(rf"(\w++(?:{_JOIN}\w++)*+)")
_LINE_END_HYPHEN = re.compile(rf"[{_HYPHENS}][ \t]*\r?\n")
# OCR reads specks as marks, mostly inside words ("wo.rd", "be|ieve"): in OCR'd text a mark between
# two letters is a speck, and the word stays one.
_SPECKS = ".,`;:^~°|"
_SPLIT_OCR = re.compile(rf"(\w++(?:(?:{_JOIN}|[{re.escape(_SPECKS)}]++)\w++)*+)")
_ANY_UNSPACED = re.compile(f"[{_UNSPACED_LETTER}]")
SPACED_WORD = re.compile(rf"{_SPACED}++(?:{_JOIN}{_SPACED}++)*+")  # a word of a script written with spaces
# The character model: every letter or digit is a token, with the marks of an unspaced script's
# letter; spaces, punctuation and line ends are no token, so that words OCR merged, split or
# hyphenated across a line read as they should. OCR's misread pairs are one token, folded as words are.
_CHAR = rf"[{_UNSPACED_LETTER}][{_UNSPACED_MARK}]*+|\w"
_SPLIT_CHARS = re.compile(f"({_CHAR})")
_SPLIT_CHARS_OCR = re.compile(rf"((?i:rn|cl|vv|li)|{_CHAR})")

# A letter of these scripts says less than a word: thresholds set in words (shortest passage,
# verbatim run, evidence) count it as this much of one. Measured on the development splits of the
# Chinese, Japanese and Thai benchmarks (provenance.noisy_benchmark): Han and kana letters at half
# a word, plagdet 0.40 -> 0.93 (zh) and 0.34 -> 0.91 (ja), precision 0.94-1.00; Thai letters (its
# vowel signs are letters too) at 0.4, 0.73 -> 0.82 with precision 0.95, where 0.5 gave 0.88.
IDEOGRAPHIC_LETTER_WORDS = 0.5
ABUGIDA_LETTER_WORDS = 0.4
# A letter or digit of a spaced script read by the character model: English news has about five of
# them to a word.
SPACED_LETTER_WORDS = 0.2
# Code point runs of the letters (first, last), with what each letter weighs, for a vectorized
# lookup: Han and kana from U+3005 on, the scripts of South-East Asia below it.
_WEIGHED = [(a, b, IDEOGRAPHIC_LETTER_WORDS if a >= 0x3005 else ABUGIDA_LETTER_WORDS) for a, b in _LETTER_RUNS]
_RUN_FIRST = np.array([a for a, _, _ in _WEIGHED], dtype=np.int64)
_RUN_LAST = np.array([b for _, b, _ in _WEIGHED], dtype=np.int64)
_RUN_WEIGHT = np.array([w for _, _, w in _WEIGHED])
_OFFSET = np.dtype("<i8")
_CHARS_FLAG = 1 << 62
_DROP = str.maketrans({**{h: None for h in _HYPHENS}, "\u2019": "'", "\u02bc": "'"})


@dataclass(frozen=True)
class Tokens:
    """Normalized words of one text and where each one stands in that text."""

    words: list[str]
    starts: np.ndarray  # int64 character offsets, one per word
    ends: np.ndarray
    chars: bool = False  # read by the character model: every letter a token

    def __len__(self) -> int:
        return len(self.words)

    def char_span(self, first: int, stop: int) -> tuple[int, int]:
        """Character span [start, end) of words[first:stop]."""
        return int(self.starts[first]), int(self.ends[stop - 1])

    def to_bytes(self) -> bytes:
        """One record that ``from_bytes`` reads back: the word count (bit 62 set for the character
        model's tokens), the starts and ends, and the words joined by newlines (no normalized word
        holds one). A scan keeps it rather than tokenizing a text again for each pair it is aligned in."""
        head = np.array([len(self.words) | (_CHARS_FLAG if self.chars else 0)], dtype=_OFFSET)
        words = "\n".join(self.words).encode("utf-8", "surrogatepass")  # JSON may carry lone surrogates
        return b"".join((head.tobytes(), self.starts.astype(_OFFSET).tobytes(), self.ends.astype(_OFFSET).tobytes(), words))

    @classmethod
    def from_bytes(cls, record: bytes) -> Tokens:
        head = int(np.frombuffer(record, _OFFSET, 1)[0])
        count = head & ~_CHARS_FLAG
        offsets = np.frombuffer(record, _OFFSET, 2 * count, _OFFSET.itemsize).astype(np.int64)
        words = record[(2 * count + 1) * _OFFSET.itemsize :].decode("utf-8", "surrogatepass").split("\n") if count else []
        return cls(words, offsets[:count], offsets[count:], bool(head & _CHARS_FLAG))


# OCR's commonest misreadings (rn/m, cl/d, vv/w, li/h, c/e, h/b, u/n, a/o/0, f/t/s/ſ/5, i/l/1/I,
# B/8), folded in the normal form of OCR'd text, so that a word read wrong one way or the other
# is still the word, but for a letter misread inside one of the pairs or into one ("clear" folds
# otherwise than "c1ear": pairs are folded first). Measured on the OCR benchmark's dev split (provenance.noisy_benchmark), plagdet
# at 2/5/10% characters wrong: 0.915/0.487/0.008 -> 0.953/0.807/0.355, and 0.964/0.862/0.510 with
# specks (below) taken out too. Off for other text: on clean English it shifts a few passages'
# edges and regroups some of the BBC News corpus's families (clean held-out plagdet 0.992 ->
# 0.988), for nothing.
_OCR_PAIR_FOLD = {"rn": "m", "cl": "d", "vv": "w", "li": "h"}
_OCR_PAIRS = re.compile("|".join(_OCR_PAIR_FOLD))
_OCR_SPECKS_OUT = str.maketrans(dict.fromkeys(_SPECKS))
_OCR_LETTER_FOLD = str.maketrans(
    {"c": "e", "b": "h", "u": "n", "a": "o", "0": "o", "t": "s", "f": "s", "5": "s", "i": "l", "1": "l", "8": "h"}
)


def normalize_word(word: str, ocr: bool = False) -> str:
    return normalize_words([word], ocr)[0]


def normalize_words(words: list[str], ocr: bool = False) -> list[str]:
    """Normalize many words in one pass over one joined string (far faster than word by word).

    No normalization step turns a character into a newline or joins characters across one, so
    splitting on newlines gives back exactly one result per word. ``ocr``: OCR's misreadings folded.
    """
    joined = "\n".join(words)
    if not joined.isascii():
        joined = unicodedata.normalize("NFKC", joined)
    joined = joined.casefold().translate(_DROP)
    if ocr:
        joined = _OCR_PAIRS.sub(lambda m: _OCR_PAIR_FOLD[m.group()], joined.translate(_OCR_SPECKS_OUT)).translate(_OCR_LETTER_FOLD)
    return joined.split("\n")


class Reading(NamedTuple):
    """How texts are read into tokens (``tokenize``'s arguments): an index records it."""

    ocr: bool = False
    chars: bool = False


def tokenize(text: str, ocr: bool = False, chars: bool = False) -> Tokens:
    """The normalized words of a text, with their offsets; ``ocr``: in the normal form of OCR'd
    text; ``chars``: every letter a token (the character model)."""
    # Splitting on the captured pattern gives separators and words in turn, with no match objects:
    # their lengths add up to every word's offsets.
    spaced = text.isascii() or not _ANY_UNSPACED.search(text)
    if chars and spaced and (letters := _ascii_letters(text, ocr)) is not None:
        return letters
    if chars:
        pattern = _SPLIT_CHARS_OCR if ocr else _SPLIT_CHARS
    elif not spaced:
        pattern = _SPLIT
    elif ocr:
        pattern = _SPLIT_OCR
    else:
        pattern = _SPLIT_SPACED_JOINED if _LINE_END_HYPHEN.search(text) else _SPLIT_SPACED
    pieces = pattern.split(text)
    if len(pieces) == 1:
        return Tokens([], np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), chars)
    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    ends = np.cumsum(lengths)[1::2]
    words = pieces[1::2]
    if not chars and pattern is not _SPLIT_SPACED and "\n" in text:
        words = ["".join(word.split()) if "\n" in word else word for word in words]
    return Tokens(normalize_words(words, ocr), ends - lengths[1::2], ends, chars)


# Signs of OCR inside words: digits between letters ("f1lter"), a speck between lower-case letters
# ("be|ieve", "wo.rd"). Per word (split at spaces), on the OCR benchmark's dev split at 1% of
# characters wrong the median document has 0.011 of them, and 85% of documents 0.005 or more; in
# clean corpora the median document has none, and at most 33% have 0.005 (the benchmark's prose
# of Python's manual, "sys.path"); BBC News 1%, the short answers 3%.
_OCR_SIGNS = re.compile(r"[^\W\d_][0-9]+[^\W\d_]|[a-z][|`^~°][a-z]|[a-z][.,;:][a-z]{2}")
OCR_SIGNS_PER_WORD = 0.005
# Documents looked at, spread over a corpus, and the characters of each: a scan of clean text by
# words pays 15 ms for the look (BBC News: 1.8 s).
OCR_SAMPLE, OCR_SAMPLE_CHARS = 64, 3000


def looks_ocrd(texts: list[str]) -> bool:
    """Whether most texts (a sample of ``OCR_SAMPLE``) show signs of OCR in at least
    ``OCR_SIGNS_PER_WORD`` of their words. Texts in scripts written without spaces never do: they
    are read by letters already."""
    sample = [text[:OCR_SAMPLE_CHARS] for text in texts[:: max(1, len(texts) // OCR_SAMPLE)][:OCR_SAMPLE]]
    signs = [len(_OCR_SIGNS.findall(text)) >= OCR_SIGNS_PER_WORD * len(text.split()) > 0 and not _ANY_UNSPACED.search(text) for text in sample]
    return 2 * sum(signs) > len(sample)


# Which code points below 128 are word characters (``\\w``: letters, digits and the underscore).
_ASCII_WORD = np.array([chr(point).isalnum() or chr(point) == "_" for point in range(128)])
_OCR_PAIR_START = re.compile("(?=(" + "|".join(_OCR_PAIR_FOLD) + "))")


def _ascii_letters(text: str, ocr: bool) -> Tokens | None:
    """The character model's tokens of a text whose letters and digits are all ASCII, found with
    arrays rather than a match per letter (five times faster); None for other text, which the
    pattern splits. The same tokens as the pattern: OCR's misread pairs are one token only where
    the two letters stand side by side, taken from the left."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if len(points) and int(points.max()) >= 128:
        # Other code points are fine where none of them is a word character.
        other = np.unique(points[points >= 128])
        if any(chr(point).isalnum() or chr(point) == "_" for point in other.tolist()):
            return None
        word = np.zeros(len(points), dtype=bool)
        ascii_points = points < 128
        word[ascii_points] = _ASCII_WORD[points[ascii_points]]
    else:
        word = _ASCII_WORD[points]
    starts = np.flatnonzero(word).astype(np.int64)
    letters = points[starts].astype(np.uint8).tobytes().decode("ascii").lower()
    ends = starts + 1
    if ocr:
        taken, keep = -1, np.ones(len(starts), dtype=bool)
        folded = list(letters)
        for pair in _OCR_PAIR_START.finditer(letters):
            at = pair.start()
            if at > taken and starts[at + 1] == starts[at] + 1:  # side by side in the text
                folded[at], keep[at + 1], ends[at], taken = _OCR_PAIR_FOLD[pair.group(1)], False, ends[at + 1], at + 1
        letters = "".join(folded[at] for at in np.flatnonzero(keep).tolist()) if not keep.all() else letters
        letters = letters.translate(_OCR_LETTER_FOLD)
        starts, ends = starts[keep], ends[keep]
    return Tokens(list(letters), starts, ends, True)


@dataclass(frozen=True)
class WordCount:
    """What runs of a text's tokens are worth in words: a word counts one, a letter of an unspaced
    script less (``IDEOGRAPHIC_LETTER_WORDS``, ``ABUGIDA_LETTER_WORDS``), so that a passage's
    thresholds in words hold for the passage's own script, whatever the rest of its text is."""

    cumulative: np.ndarray | None  # words before each token (one entry more); None: every token is a word
    heaviest: float = 1.0  # what the text's weightiest token is worth

    def of(self, first: int, stop: int) -> float:
        """Words' worth of tokens [first, stop)."""
        # Rounded: 30 Thai letters are 12 words, not 11.999999999999998.
        return float(stop - first) if self.cumulative is None else round(float(self.cumulative[stop] - self.cumulative[first]), 9)

    def density(self, first: int, stop: int) -> float:
        """Words' worth of a token, on average over [first, stop)."""
        return 1.0 if self.cumulative is None or stop <= first else self.of(first, stop) / (stop - first)


def word_count(tokens: Tokens) -> WordCount:
    joined = "".join(tokens.words)
    plain = joined.isascii() or not _ANY_UNSPACED.search(joined)
    if plain and not tokens.chars:
        return WordCount(None)
    if plain:
        return WordCount(np.arange(len(tokens) + 1) * SPACED_LETTER_WORDS, SPACED_LETTER_WORDS)
    # A letter token starts with its letter: look each token's first code point up in the runs.
    firsts = np.frombuffer("".join(word[0] for word in tokens.words).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    run = np.searchsorted(_RUN_FIRST, firsts, side="right") - 1
    inside = (run >= 0) & (firsts <= _RUN_LAST[run.clip(0)])
    weights = np.where(inside, _RUN_WEIGHT[run.clip(0)], SPACED_LETTER_WORDS if tokens.chars else 1.0)
    return WordCount(np.concatenate(([0.0], np.cumsum(weights))), float(weights.max(initial=0.0)))
