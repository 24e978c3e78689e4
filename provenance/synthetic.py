"""Synthetic corpora with planted reuse, for tests and benchmarks.

Filler text is drawn word by word from the vocabulary of the English prose that ships with Python
(``pydoc_data``), with its real word frequencies, so documents share common words and short stock
sequences by chance, as real articles do, but no passage unless one was planted.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from .corpus import Document
from .dates import parse_published

_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_EPOCH = datetime(2016, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class PlantedCopy:
    """A passage of ``source`` (chars source_start:source_end) copied into ``copy``."""

    copy: str
    copy_start: int
    copy_end: int
    source: str
    source_start: int
    source_end: int


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[list[str], list[int]]:
    from pydoc_data.topics import topics

    counts = Counter(w.lower() for text in topics.values() for w in _WORD.findall(text))
    words = [w for w, n in counts.most_common() if n >= 2]
    return words, [counts[w] for w in words]


def filler(rng: random.Random, n_words: int) -> str:
    """Original-looking prose: sentences of 8-30 words drawn by word frequency."""
    words, weights = _vocabulary()
    drawn = rng.choices(words, weights=weights, k=n_words)
    sentences, i = [], 0
    while i < n_words:
        length = min(rng.randint(8, 30), n_words - i)
        sentence = drawn[i : i + length]
        sentences.append(" ".join([sentence[0].capitalize()] + sentence[1:]) + ".")
        i += length
    return " ".join(sentences)


def _document(index: int, text: str, hours: int) -> Document:
    published = parse_published((_EPOCH + timedelta(hours=hours)).isoformat())
    return Document(id=f"d{index:06d}", text=text, source=f"outlet{index % 50}", published=published)


def planted_corpus(
    n_docs: int, words: int = 400, copy_rate: float = 0.1, passage_words: int = 60, seed: int = 0
) -> tuple[list[Document], list[PlantedCopy]]:
    """n_docs documents of about ``words`` words; a share ``copy_rate`` of them carries a verbatim
    passage of ``passage_words`` words from an earlier document, placed at a sentence boundary."""
    rng = random.Random(seed)
    documents: list[Document] = []
    truth: list[PlantedCopy] = []
    originals: list[Document] = []  # sources are never copies themselves: truth is one hop
    for index in range(n_docs):
        text = filler(rng, words)
        is_copy = index >= 10 and rng.random() < copy_rate
        if is_copy:
            source = rng.choice(originals)
            boundaries = [m.end() for m in re.finditer(r"\. ", source.text)]
            start = rng.choice([0] + boundaries[: max(1, len(boundaries) // 2)])
            end_word = [m.end() for m in re.finditer(r"\S+", source.text[start:])][passage_words - 1]
            passage = source.text[start : start + end_word]
            cut = text.find(". ", len(text) // 3) + 2
            text = text[:cut] + passage + " " + text[cut:]
            truth.append(PlantedCopy(f"d{index:06d}", cut, cut + len(passage), source.id, start, start + len(passage)))
        documents.append(_document(index, text, hours=index))
        if not is_copy:
            originals.append(documents[-1])
    return documents, truth
