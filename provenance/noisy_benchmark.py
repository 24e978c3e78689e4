"""Planted-reuse benchmarks for text the word model breaks on: OCR noise, and scripts without spaces.

Two families, each with "dev" and "heldout" splits on disjoint halves of their prose:

- OCR noise: the English benchmark of ``benchmark.make_benchmark`` (sources, verbatim, light and
  heavy copies, stitched articles, copies of copies, stock phrases), then every document noised on
  its own, as if each had been scanned and read by OCR: confusions (rn/m, e/c, l/1/I, o/0, h/b,
  s/ſ ...), lost and stray characters, merged and split words, at a given character error rate,
  then set in a narrow column with words hyphenated across line ends.
- Scripts without spaces: Chinese, Japanese and Thai prose from Debian packages
  (``debian_prose``), cut into sentences at 。！？ (Chinese, Japanese) or at the spaces Thai puts
  between sentences, with copies planted verbatim and with light and heavier character edits.

Every edit is tracked character by character, so the truth spans are exact offsets into the
texts as they read after noising.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from . import debian_prose
from .benchmark import Benchmark, _Planter, make_benchmark
from .evaluate import Case

RATES = (0.02, 0.05, 0.10)
SCRIPTS = ("zh", "ja", "th")

# What OCR reads for what was printed, both ways where the mistake goes both ways. The cost is the
# edit distance of the change, so that a rate counts characters as a reader would.
_CONFUSIONS = {
    "rn": ["m"], "m": ["rn"], "cl": ["d"], "d": ["cl"], "li": ["h"], "vv": ["w"], "w": ["vv"],
    "e": ["c"], "c": ["e"], "l": ["1", "I"], "I": ["l", "1"], "1": ["l", "I"], "i": ["l", "1"],
    "o": ["0"], "O": ["0"], "0": ["O", "o"], "h": ["b"], "b": ["h"], "s": ["ſ"], "f": ["ſ"],
    "u": ["n"], "n": ["u"], "a": ["o"], "t": ["f"], "S": ["5"], "B": ["8"],
}
_CONFUSION = re.compile("|".join(sorted(map(re.escape, _CONFUSIONS), key=len, reverse=True)))
_STRAY = ".,'`;:^~°|"
# Kinds of OCR damage and how often each is drawn.
_DAMAGE = {"confusion": 0.45, "lost": 0.2, "stray": 0.15, "merge": 0.1, "split": 0.1}


@dataclass(frozen=True)
class Edited:
    """A text after edits, with ``offsets[p]``: where position p of the text before them now is
    (len(old) + 1 entries). Characters inserted before an old character stand with it."""

    text: str
    offsets: np.ndarray

    @classmethod
    def of(cls, pieces: list[str]) -> Edited:
        """``pieces[i]`` is what old character i became ("" when lost); one more piece, for text
        added at the end, closes the list."""
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        return cls("".join(pieces), np.concatenate(([0], np.cumsum(lengths)[:-1])))

    def then(self, later: Edited) -> Edited:
        return Edited(later.text, later.offsets[self.offsets])


@dataclass(frozen=True)
class NoisyBenchmark(Benchmark):
    clean: list[str]  # each document's text before noising, in document order


def make_ocr_benchmark(rate: float, seed: int = 1, split: str = "dev", scale: int = 1) -> NoisyBenchmark:
    """The English benchmark with every document OCR-noised on its own at character error rate
    ``rate`` (0 sets the columns alone) and set in a column of 28-42 characters."""
    bench = make_benchmark(seed, split, scale)
    edits = {}
    for doc in bench.documents:
        rng = random.Random(f"{seed}:{split}:{rate}:{doc.id}")
        damaged = ocr_noise(doc.text, rate, rng, _boundaries(bench.cases, doc.id))
        edits[doc.id] = damaged.then(narrow_column(damaged.text, rng.randint(28, 42), rng))
    noised = _remapped(bench, edits)
    return NoisyBenchmark(noised.documents, noised.cases, clean=[doc.text for doc in bench.documents])


def undo_column(text: str) -> str:
    """The text as it ran before it was set in a column: hyphens at line ends and line breaks out."""
    return text.replace("-\n", "").replace("\n", " ")


def ocr_noise(text: str, rate: float, rng: random.Random, keep: set[int] = frozenset()) -> Edited:
    """OCR damage costing ``rate`` edits per character. No character is damaged twice, and no
    two-character change spans a position in ``keep`` (the ends of truth spans)."""
    pieces = list(text) + [""]
    touched = np.zeros(len(text) + 1, dtype=bool)
    confusable = [(m.start(), m.group()) for m in _CONFUSION.finditer(text)]
    spaces = [i for i in range(1, len(text) - 1) if text[i] == " " and text[i - 1].isalnum() and text[i + 1].isalnum()]
    inner = [i for i in range(1, len(text)) if text[i].isalpha() and text[i - 1].isalpha()]
    printed = [i for i in range(len(text)) if not text[i].isspace()]
    candidates = {"confusion": confusable, "lost": printed, "stray": printed, "merge": spaces, "split": inner}
    budget, tries = round(rate * len(text)), 0
    kinds, weights = zip(*_DAMAGE.items())
    while budget > 0 and tries < 20 * len(text):
        tries += 1
        kind = rng.choices(kinds, weights)[0]
        if not candidates[kind]:
            continue
        found = rng.choice(candidates[kind])
        at, printed_as = found if kind == "confusion" else (found, text[found])
        width = len(printed_as)
        if touched[at : at + width].any() or any(at < k < at + width for k in keep):
            continue
        if kind == "confusion":
            read_as = rng.choice(_CONFUSIONS[printed_as])
            pieces[at : at + width] = [read_as] + [""] * (width - 1)
            cost = max(width, len(read_as))
        elif kind == "lost" or kind == "merge":
            pieces[at], cost = "", 1
        elif kind == "stray":
            pieces[at], cost = rng.choice(_STRAY) + text[at], 1
        else:
            pieces[at], cost = " " + text[at], 1
        touched[at : at + width] = True
        budget -= cost
    return Edited.of(pieces)


def narrow_column(text: str, width: int, rng: random.Random) -> Edited:
    """Lines of at most ``width`` characters: a word that does not fit goes to the next line or,
    if it is long enough, is split there with a hyphen ("recap-" / "tured")."""
    pieces = list(text) + [""]
    line = 0
    for word in re.finditer(r"\S+", text):
        start, length = word.start(), len(word.group())
        # A break after a word's own hyphen would read as a hyphenated line end: the line runs on.
        if line == 0 or line + 1 + length <= width or text[start - 2] == "-":
            line += length + (line > 0)
            continue
        room = width - line - 2  # the space before the word and the hyphen
        cut = start + min(room, length - 3)
        if room >= 3 and length >= 7 and text[cut - 1].isalpha() and text[cut].isalpha() and rng.random() < 0.6:
            pieces[cut] = "-\n" + text[cut]
            line = start + length - cut
        else:
            pieces[start - 1] = "\n"
            line = length
    return Edited.of(pieces)


def _boundaries(cases: list[Case], doc_id: str) -> set[int]:
    spans = [(c.start, c.end) for c in cases if c.doc == doc_id] + [(c.origin_start, c.origin_end) for c in cases if c.origin == doc_id]
    return {p for span in spans for p in span}


def _remapped(bench: Benchmark, edits: dict[str, Edited]) -> Benchmark:
    """The benchmark with each document's text edited and every truth span moved with it."""
    documents = [replace(doc, text=edits[doc.id].text) for doc in bench.documents]
    moved = []
    for c in bench.cases:
        at, origin_at = edits[c.doc].offsets, edits[c.origin].offsets
        moved.append(replace(c, start=int(at[c.start]), end=int(at[c.end]), origin_start=int(origin_at[c.origin_start]), origin_end=int(origin_at[c.origin_end])))
    return Benchmark(documents, moved)


# Letters of each script, for telling its sentences from code, commands and tables.
_LETTERS = {
    "zh": "\u3400-\u4dbf\u4e00-\u9fff",
    "ja": "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff",
    "th": "\u0e01-\u0e5b",
}
_WIDE = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"  # CJK letters and punctuation
_JOINS_WIDE = re.compile(f"(?<=[{_WIDE}]) +(?=[{_WIDE}])")
# Chinese and Japanese put no space after a full stop, nor between two wide characters.
_AFTER_FULL_STOP = re.compile(f"(?<=[。！？」』”）]) +|(?<=[{_WIDE}]) +(?=[{_WIDE}])")
_OPENING_JUNK = "」』”）)】］]，、,.:;·・ "  # what a cut at 。！？ can leave at a sentence's start
_CJK_SENTENCE = re.compile("[^。！？]+[。！？][」』”）)]*")
# Thai writes no spaces between words, and a space between sentences or clauses.
_THAI_SENTENCE_END = re.compile("(?<=[\u0e01-\u0e5b.,:;!?]) +(?=[\u0e01-\u0e5b])")
_THAI_LINE_JOIN = re.compile("(?<=[\u0e01-\u0e5b])\n(?=[\u0e01-\u0e5b])")
# Sentences sharing a run this long with an earlier one are dropped (about five words: Thai
# spells a word with more characters than Chinese or Japanese).
SHARED_CHARACTERS = {"zh": 10, "ja": 12, "th": 20}


@lru_cache(maxsize=3)
def script_sentences(script: str) -> tuple[str, ...]:
    """Sentences of real prose in the script ("zh", "ja", "th"), no two sharing a run of
    SHARED_CHARACTERS characters: the manuals repeat themselves, and that reuse is not planted."""
    letters = re.compile(f"[{_LETTERS[script]}]")
    sentences: dict[str, None] = {}
    for text in debian_prose.texts(script):
        for paragraph in re.split(r"\n\s*\n", text.replace("\t", " ")):
            lines = [line.strip().removeprefix(">>").strip() for line in paragraph.splitlines()]  # ">>" marks a tutorial's exercise
            if not all(lines) or any(line[0] in "$#|+*-;" for line in lines):
                continue  # commands, tables, lists
            # Wrapped lines are one run of text: no space where a line broke between two wide
            # characters (or two Thai ones), one space elsewhere.
            joined = _JOINS_WIDE.sub("", _THAI_LINE_JOIN.sub("", "\n".join(lines)).replace("\n", " "))
            units = _CJK_SENTENCE.findall(joined) if script != "th" else _THAI_SENTENCE_END.split(joined)
            for unit in units:
                unit = " ".join(unit.split()).lstrip(_OPENING_JUNK)
                if 12 <= len(unit) <= 160 and len(letters.findall(unit)) >= 0.4 * len(unit):
                    sentences[unit] = None
    seen: set[str] = set()
    kept = []
    n = SHARED_CHARACTERS[script]
    for sentence in sentences:
        runs = {sentence[i : i + n] for i in range(len(sentence) - n + 1)}
        if not runs & seen:
            seen |= runs
            kept.append(sentence)
    return tuple(kept)


def make_script_benchmark(script: str, seed: int = 1, split: str = "dev") -> Benchmark:
    """Planted reuse in Chinese ("zh"), Japanese ("ja") or Thai ("th") prose. Chinese and Japanese
    run their sentences together with no space between, as they are written; Thai keeps a space."""
    pool = list(script_sentences(script))
    random.Random(0).shuffle(pool)
    half = len(pool) // 2
    pool = pool[:half] if split == "dev" else pool[half:]
    bench = _ScriptPlanter(random.Random(seed), pool, script).build(_SCRIPT_SIZES[script])
    if script == "th":
        return bench
    edits = {doc.id: _without_wide_spaces(doc.text) for doc in bench.documents}
    return _remapped(bench, edits)


# How many articles of each kind, in multiples of a base set: Thai has the least prose.
_SCRIPT_SIZES = {"zh": 2, "ja": 2, "th": 1}


def _without_wide_spaces(text: str) -> Edited:
    pieces = list(text) + [""]
    for space in _AFTER_FULL_STOP.finditer(text):
        pieces[space.start() : space.end()] = [""] * (space.end() - space.start())
    return Edited.of(pieces)


class _ScriptPlanter(_Planter):
    """The English planter's articles and cases, with passages cut at the script's sentences and
    edited character by character (a word is no unit in these scripts)."""

    def __init__(self, rng: random.Random, pool: list[str], script: str):
        super().__init__(rng, pool)
        self.script = script
        self.letters = [c for c in "".join(pool) if re.match(f"[{_LETTERS[script]}]", c)]
        self.sentences_of: dict[str, list[str]] = {}
        # Stock phrases: short pieces of sentences set aside, each put into several articles.
        self.stock = [s[len(s) // 3 : len(s) // 3 + rng.randint(6, 10)] for s in self.own_sentences(8)]

    def build(self, size: int) -> Benchmark:
        sources = []
        for _ in range(12 * size):
            taken = self.own_sentences(self.rng.randint(6, 10))
            sources.append(self.add("src", " ".join(taken)))
            self.sentences_of[sources[-1].id] = taken
        singles = [self.derive([self.rng.choice(sources)], [level], "single") for level in ("verbatim", "light", "heavy") for _ in range(6 * size)]
        for _ in range(4 * size):
            picked = self.rng.sample(sources, self.rng.randint(2, 3))
            self.derive(picked, [self.rng.choice(("verbatim", "light", "heavy")) for _ in picked], "stitched")
        for _ in range(3 * size):
            self.derive_second_generation(*self.rng.choice([d for d in singles if d[1].level != "heavy"]))
        for _ in range(4 * size):
            self.add("own", " ".join(self.own_sentences(self.rng.randint(4, 6))))
        for _ in range(4 * size):
            self.add("stock", self.with_stock_phrases(self.own_sentences(self.rng.randint(4, 6))))
        return Benchmark(self.documents, self.cases)

    def passage(self, source) -> tuple[int, int]:
        """1-3 whole sentences of a source, at least 30 characters long."""
        sentences = self.sentences_of[source.id]
        starts = np.concatenate(([0], np.cumsum([len(s) + 1 for s in sentences])))
        while True:
            count = self.rng.randint(1, 3)
            first = self.rng.randrange(len(sentences) - count + 1)
            start, end = int(starts[first]), int(starts[first + count]) - 1
            if end - start >= 30:
                return start, end

    def with_stock_phrases(self, sentences: list[str]) -> str:
        for phrase in self.rng.sample(self.stock, 2):
            i = self.rng.randrange(len(sentences))
            cut = self.rng.randrange(1, len(sentences[i]))
            sentences[i] = sentences[i][:cut] + phrase + sentences[i][cut:]
        return " ".join(sentences)

    def edit(self, text: str, level: str, keep: set[str] = frozenset()) -> str:
        """Light: one or two characters changed, lost or added. Heavy: about one character in
        eight, some as runs of two to four, the way a rewrite changes a word here and there."""
        if level == "verbatim":
            return text
        chars = list(text)
        edits = self.rng.randint(1, 2) if level == "light" else max(3, round(len(text) / 8))
        for _ in range(edits):
            at = self.rng.randrange(len(chars))
            run = 1 if level == "light" else self.rng.randint(1, 4)
            new = [self.rng.choice(self.letters) for _ in range(run)]
            way = self.rng.choice(("change", "lose", "add"))
            if way == "change":
                chars[at : at + run] = new
            elif way == "lose" and len(chars) > 2 * run:
                del chars[at : at + run]
            else:
                chars[at:at] = new
        return "".join(chars)
