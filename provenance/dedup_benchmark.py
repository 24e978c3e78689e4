"""A labeled near-duplicate benchmark in real English prose (the standard library's docstrings).

Originals are stories of their own sentences. Duplicates of an original, each published after it:
exact reruns (the same text, or differing only in spacing, quote marks and case), light edits
(one to three word swaps or misspellings), wire updates (an "UPDATE 1" line on top and the last
sentence cut or one sentence changed) and excerpts (the first half or more of the story).
Non-duplicates: articles that lift a sentence or two from an original into text of their own, and
articles that take in a whole original and add at least as much text of their own. The input is
shuffled, so an original is not always read before its reruns.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .benchmark import SWAPS, prose_sentences
from .corpus import Document
from .dates import parse_published
from .normalize import tokenize

DUPLICATE_KINDS = ("exact", "light", "update", "excerpt")
DISTINCT_KINDS = ("original", "shares-passage", "contains-and-adds")
_EPOCH = datetime(2016, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Label:
    kind: str  # one of DUPLICATE_KINDS or DISTINCT_KINDS
    original: str | None  # the story a duplicate reruns, or an article draws on

    @property
    def duplicate(self) -> bool:
        return self.kind in DUPLICATE_KINDS


def make_dedup_benchmark(seed: int = 1, scale: int = 1) -> tuple[list[Document], dict[str, Label]]:
    rng = random.Random(seed)
    pool = list(prose_sentences())
    rng.shuffle(pool)
    sentences = iter(pool)

    def own(count: int) -> list[str]:
        taken = [sentence for _, sentence in zip(range(count), sentences)]
        if len(taken) < count:
            raise ValueError("not enough prose for a benchmark this large (scale 2 is the most)")
        return taken

    documents: list[Document] = []
    labels: dict[str, Label] = {}

    def add(kind: str, text: str, original: Document | None) -> None:
        hours = (original_hours[original.id] + rng.randint(1, 48)) if original else rng.randint(0, 24 * 365)
        doc = Document(
            id=f"{kind[:3]}{len(documents):05d}",
            text=text,
            source=f"outlet{rng.randrange(20)}",
            published=parse_published((_EPOCH + timedelta(hours=hours)).isoformat()),
        )
        original_hours.setdefault(doc.id, hours)
        documents.append(doc)
        labels[doc.id] = Label(kind, original.id if original else None)

    original_hours: dict[str, int] = {}
    for _ in range(100 * scale):
        add("original", " ".join(own(rng.randint(14, 20))), None)
    originals = list(documents)
    for _ in range(30 * scale):
        source = rng.choice(originals)
        add("exact", _restyle(rng, source.text) if rng.random() < 0.5 else source.text, source)
        source = rng.choice(originals)
        add("light", _light_edit(rng, source.text), source)
        source = rng.choice(originals)
        add("update", _update(rng, source.text, own(1)[0]), source)
        source = rng.choice(originals)
        story = _split(source.text)
        add("excerpt", " ".join(story[: rng.randint(len(story) // 2 + 1, len(story) - 2)]), source)
        source = rng.choice(originals)
        story = _split(source.text)
        lifted = story[rng.randrange(len(story) - 1) :][: rng.randint(1, 2)]
        mine = own(rng.randint(12, 18))
        at = rng.randrange(1, len(mine))
        add("shares-passage", " ".join(mine[:at] + lifted + mine[at:]), source)
        source = rng.choice(originals)
        mine = own(len(_split(source.text)) + rng.randint(0, 6))
        add("contains-and-adds", " ".join(mine[: len(mine) // 2] + [source.text] + mine[len(mine) // 2 :]), source)
    rng.shuffle(documents)
    return documents, labels


def _split(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)


def _restyle(rng: random.Random, text: str) -> str:
    """The same words: different spacing, curly quotes, or one word's case."""
    style = rng.choice(("spacing", "quotes", "case", "lines"))
    if style == "spacing":
        return text.replace(". ", ".  ")
    if style == "quotes":
        return text.replace("'", "\u2019").replace('"', "\u201c", 1)
    if style == "lines":
        return "\n\n".join(_split(text))
    words = text.split(" ")
    i = rng.randrange(len(words))
    words[i] = words[i].upper()
    return " ".join(words)


def _light_edit(rng: random.Random, text: str) -> str:
    """One to three edits that change the words (a misspelling may swap two equal letters: redone)."""
    edited = text
    while tokenize(edited).words == tokenize(text).words:
        edited = _edit_words(rng, text)
    return edited


def _edit_words(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    for _ in range(rng.randint(1, 3)):
        known = [i for i, w in enumerate(words) if w in SWAPS]
        if known and rng.random() < 0.5:
            i = rng.choice(known)
            words[i] = SWAPS[words[i]]
        else:
            i = rng.randrange(len(words))
            word = words[i]
            if len(word) > 3:  # a misspelling: two letters swapped
                j = rng.randrange(1, len(word) - 2)
                words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    return " ".join(words)


def _update(rng: random.Random, text: str, fresh: str) -> str:
    story = _split(text)
    if rng.random() < 0.5:
        story = story[:-1]
    else:
        story[rng.randrange(len(story))] = fresh
    header = rng.choice(("UPDATE 1: adds comment from officials", "UPDATE 2-", "CORRECTED: fixes spelling in paragraph 3"))
    return header + "\n\n" + " ".join(story)
