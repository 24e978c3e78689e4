"""A labeled text-reuse benchmark planted into real English prose.

The prose is the docstrings of Python's standard library (read from its source files, so nothing is
downloaded and nothing is shipped), cut into sentences. Every article gets sentences no other
article has, so the only text two articles share is what was planted, plus the stock phrases of
the negative controls. Built from a seed, the same on every machine with the same Python.

Kinds of articles: sources; copies with one passage (1-4 sentences) at one edit level (verbatim,
light, heavy); stitched articles with passages from 2-3 sources; second-generation copies (a copy
of a copy, whose origin is the first source); articles with no reuse; articles that share only
stock phrases of 5-8 words. A copy with one passage credits the origin's outlet, another outlet or
nothing in a sentence after it, and its case says which.
"""

from __future__ import annotations

import ast
import random
import re
import sysconfig
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from .corpus import Document
from .dates import parse_published
from .evaluate import Case
from .normalize import tokenize

LEVELS = ("verbatim", "light", "heavy")
# Word swaps of the kind spinning and light editing make; applied in either direction.
SWAPS = {
    "returns": "gives back", "return": "give back", "value": "result", "object": "item", "function": "routine",
    "used": "employed", "also": "additionally", "called": "invoked", "method": "procedure", "string": "text",
    "number": "count", "default": "standard", "must": "has to", "should": "ought to", "module": "library",
    "create": "make", "created": "made", "raised": "thrown", "error": "failure", "specified": "given",
    "said": "stated", "US": "USA", "only": "solely", "contains": "holds", "file": "document",
}
STOCK_PHRASES = [
    "according to people familiar with the matter",
    "in a statement released late on Friday",
    "did not immediately respond to a request for comment",
    "the full extent of the damage",
    "in the war-torn country",
    "speaking on condition of anonymity",
    "said in a televised address",
    "amid growing concerns over the",
]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_EPOCH = datetime(2016, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Benchmark:
    documents: list[Document]
    cases: list[Case]


@lru_cache(maxsize=1)
def prose_sentences() -> tuple[str, ...]:
    """English sentences of 8-45 words from the standard library's docstrings, no two of which
    share a five-word sequence."""
    library = Path(sysconfig.get_paths()["stdlib"])
    sentences: dict[str, None] = {}
    for path in sorted(library.rglob("*.py")):
        parts = path.relative_to(library).parts
        if parts[0] in ("site-packages", "test", "idlelib", "lib2to3") or "tests" in parts:
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                for sentence in _sentences(ast.get_docstring(node) or ""):
                    sentences[sentence] = None
    return tuple(_without_shared_sequences(sentences))


def _without_shared_sequences(sentences, n: int = 5):
    """Drop every sentence that shares an n-word sequence with one kept before it: the standard
    library repeats its own docstrings here and there, and that reuse is not planted."""
    seen: set[tuple[str, ...]] = set()
    for sentence in sentences:
        words = tokenize(sentence).words
        grams = {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
        if not grams & seen:
            seen |= grams
            yield sentence


def _sentences(docstring: str):
    for paragraph in re.split(r"\n\s*\n", docstring):
        if paragraph.startswith(" ") or ">>>" in paragraph:
            continue  # code and examples
        for sentence in _SENTENCE_END.split(" ".join(paragraph.split())):
            words = sentence.split()
            wordy = sum(w.strip(".,;:()\"'").isalpha() for w in words) >= 0.85 * len(words)
            if 8 <= len(words) <= 45 and wordy and sentence[0].isupper() and sentence[-1] in ".!?":
                yield sentence


def make_benchmark(seed: int = 1, split: str = "dev", scale: int = 1) -> Benchmark:
    """Plant a benchmark. ``split`` "dev" and "heldout" use disjoint halves of the prose."""
    pool = list(prose_sentences())
    random.Random(0).shuffle(pool)
    half = len(pool) // 2
    pool = pool[:half] if split == "dev" else pool[half:]
    bench = _Planter(random.Random(seed), pool).build(scale)
    return _with_credits(bench, random.Random(seed + 1))


# Sentences that credit an outlet, placed right after a copied passage.
CREDIT_SENTENCES = ("The story was first reported by {}.", "Details were published earlier by {}.", "This account follows reporting by {}.")


def _with_credits(bench: Benchmark, rng: random.Random) -> Benchmark:
    """Label every single copy's credit: a third credit the origin's outlet in a sentence after the
    passage, a third credit another outlet, a third nothing. A separate random stream, so the
    texts and passages are those of the benchmark without credits, plus these sentences."""
    by_id = {doc.id: doc for doc in bench.documents}
    outlets = sorted({doc.source for doc in bench.documents if doc.source})
    cases = []
    for case in bench.cases:
        if case.kind == "single":
            label = rng.choice(("credited", "credited-elsewhere", "uncredited"))
            doc, origin_outlet = by_id[case.doc], by_id[case.origin].source
            if label != "uncredited":
                named = origin_outlet if label == "credited" else rng.choice([o for o in outlets if o not in (origin_outlet, doc.source)])
                doc.text = f"{doc.text[: case.end]} {rng.choice(CREDIT_SENTENCES).format(named)}{doc.text[case.end :]}"
            case = replace(case, credit=label)
        cases.append(case)
    return Benchmark(bench.documents, cases)


class _Planter:
    def __init__(self, rng: random.Random, pool: list[str]):
        self.rng = rng
        self.pool = pool
        self.next_sentence = 0
        self.documents: list[Document] = []
        self.cases: list[Case] = []
        self.hours = 0

    def own_sentences(self, count: int) -> list[str]:
        if self.next_sentence + count > len(self.pool):
            raise ValueError("not enough prose for a benchmark this large")
        taken = self.pool[self.next_sentence : self.next_sentence + count]
        self.next_sentence += count
        return taken

    def add(self, prefix: str, text: str) -> Document:
        self.hours += self.rng.randint(1, 5)
        published = parse_published((_EPOCH + timedelta(hours=self.hours)).isoformat())
        doc = Document(id=f"{prefix}{len(self.documents):04d}", text=text, source=f"Outlet{self.rng.randrange(12)}", published=published)
        self.documents.append(doc)
        return doc

    def build(self, scale: int) -> Benchmark:
        sources = [self.add("src", " ".join(self.own_sentences(self.rng.randint(12, 20)))) for _ in range(40 * scale)]
        singles = []
        for level in LEVELS:
            for _ in range(20 * scale):
                singles.append(self.derive([self.rng.choice(sources)], [level], "single"))
        for _ in range(15 * scale):
            picked = self.rng.sample(sources, self.rng.randint(2, 3))
            self.derive(picked, [self.rng.choice(LEVELS) for _ in picked], "stitched")
        for _ in range(10 * scale):
            middle = self.rng.choice([d for d in singles if d[1].level != "heavy"])
            self.derive_second_generation(*middle)
        for _ in range(15 * scale):
            self.add("own", " ".join(self.own_sentences(self.rng.randint(8, 14))))
        for _ in range(15 * scale):
            self.add("stock", self.with_stock_phrases(self.own_sentences(self.rng.randint(8, 14))))
        return Benchmark(self.documents, self.cases)

    def passage(self, source: Document) -> tuple[int, int]:
        """A span of 1-4 whole sentences of the source, at least 12 words long."""
        bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(source.text)] + [len(source.text) + 1]
        while True:
            count = self.rng.randint(1, 4)
            first = self.rng.randrange(len(bounds) - count)
            start, end = bounds[first], bounds[first + count] - 1
            if len(tokenize(source.text[start:end])) >= 12:
                return start, end

    def derive(self, sources: list[Document], levels: list[str], kind: str) -> tuple[Document, Case]:
        items = []
        for source, level in zip(sources, levels):
            start, end = self.passage(source)
            items.append((self.edit(source.text[start:end], level), source.id, start, end, level))
        doc, cases = self.plant(items, kind)
        return doc, cases[-1]

    def derive_second_generation(self, middle: Document, case: Case) -> None:
        # A copy of a copy keeps the middle's own edits: it never swaps their words back.
        origin = next(d for d in self.documents if d.id == case.origin)
        kept = set(middle.text[case.start : case.end].split(" ")) - set(origin.text[case.origin_start : case.origin_end].split(" "))
        copied = self.edit(middle.text[case.start : case.end], "light", keep=kept)
        _, cases = self.plant([(copied, case.origin, case.origin_start, case.origin_end, "light")], "second-generation")
        self.cases[-1] = replace(cases[-1], parent=middle.id)

    def plant(self, items: list[tuple[str, str, int, int, str]], kind: str) -> tuple[Document, list[Case]]:
        """A new article of its own sentences with each (copied text, origin id, origin start,
        origin end, level) item placed between two of them; returns the article and its cases."""
        own = self.own_sentences(self.rng.randint(5, 9))
        slots = sorted(self.rng.sample(range(len(own) + 1), len(items)))
        text, spans = "", []
        for i in range(len(own) + 1):
            if i in slots:
                copied = items[slots.index(i)][0]
                text = f"{text} {copied}" if text else copied
                spans.append((len(text) - len(copied), len(text)))
            if i < len(own):
                text = f"{text} {own[i]}" if text else own[i]
        doc = self.add("cpy" if kind != "second-generation" else "gen", text)
        cases = [
            Case(doc.id, start, end, origin, origin_start, origin_end, level, kind)
            for (start, end), (_, origin, origin_start, origin_end, level) in zip(spans, items)
        ]
        self.cases.extend(cases)
        return doc, cases

    def with_stock_phrases(self, sentences: list[str]) -> str:
        for phrase in self.rng.sample(STOCK_PHRASES, 2):
            i = self.rng.randrange(len(sentences))
            words = sentences[i].rstrip(".!?").split()
            cut = self.rng.randint(1, len(words) - 1)
            sentences[i] = " ".join(words[:cut] + phrase.split() + words[cut:]) + "."
        return " ".join(sentences)

    def edit(self, text: str, level: str, keep: set[str] = frozenset()) -> str:
        if level == "verbatim":
            return text
        words = text.split(" ")
        if level == "light":
            for _ in range(self.rng.randint(1, 2)):
                self.swap(words, keep)
            style = self.rng.choice(("quotes", "spacing", "case"))
            if style == "case":
                i = self.rng.randrange(len(words))
                words[i] = words[i].lower() if words[i][:1].isupper() else words[i].capitalize()
            text = " ".join(words)
            if style == "quotes":
                text = text.replace('"', "\u201c", 1).replace('"', "\u201d", 1).replace("'", "\u2019")
            if style == "spacing":
                text = text.replace(". ", ".  ")
            return text
        for _ in range(6):
            self.swap(words)
        for _ in range(max(1, round(0.08 * len(words)))):
            i = self.rng.randrange(1, len(words))
            if self.rng.random() < 0.5:
                del words[i]
            else:
                words.insert(i, self.rng.choice(self.rng.choice(self.pool).split()).strip(".,;:()\"'").lower() or "the")
        return " ".join(words)

    def swap(self, words: list[str], keep: set[str] = frozenset()) -> None:
        """Replace one word with a synonym from SWAPS, or with a word from elsewhere in the prose;
        words in ``keep`` stay."""
        known = [i for i, w in enumerate(words) if (w in SWAPS or w in SWAPS.values()) and w not in keep]
        if known:
            i = self.rng.choice(known)
            reverse = {v: k for k, v in SWAPS.items()}
            words[i] = SWAPS.get(words[i]) or reverse[words[i]]
        else:
            i = self.rng.randrange(len(words))
            if words[i] in keep:
                return
            words[i] = self.rng.choice(self.rng.choice(self.pool).split()).strip(".,;:()\"'").lower() or words[i]
