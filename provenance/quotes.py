"""Shared quotes: two outlets quoting the same speaker are not copying each other.

Outlets that quote one speaker frame the words in their own prose, so what they share is the
speech and at most a few words of its attribution ("Nunes said"). A member's shared text is speech
when no run of ``NARRATIVE_RUN`` words or more of it lies outside quoted speech; when it runs on
into narrative sentences (a wire story with quotes, an update of one story around a quote, prose
copied with its quote), it is copied. A family whose members are all speech is a shared quote. A
family with both (two outlets quoting a speaker, and a third copying one of them with the
narrative around the quote) is split: the narrative members stay a copied family, the speech
members become a shared-quote family, each keeping only members linked to one another. Speech is:

- text inside quotation marks (“…”, «…», "…", ‘…’) credited to a speaker next to it ("…," Davis
  said; Davis: "…"; "…," the ministry said in a statement), the crediting clause included; a
  paragraph that opens a quotation and does not close it runs to its end, as quotations that go on
  for several paragraphs are printed;
- a paragraph after one that introduces speech with a colon ("In a statement, the club said:");
- a transcript line ("NUNES: Was there a physical wiretap of Trump Tower? No."), in a text with
  two or more of them (one such line may be a dateline: "WASHINGTON: The ...").

Shared-quote families are still listed, apart from copied prose, and do not count as reuse in a
document's shares.
"""

from __future__ import annotations

import re

import numpy as np

from .cluster import Family
from .frequency import DocumentShingles
from .normalize import Tokens, WordCount

NARRATIVE_RUN = 8  # words outside speech in a row that make shared text narrative
SPEAKER_REACH = 80  # characters after a closing mark (or before an opening one) searched for a speaker
_PAIRS = (("\u201c", "\u201d"), ("\u00ab", "\u00bb"), ('"', '"'), ("\u2018", "\u2019"))
_SPEECH = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|stated|states|noted|according to|insisted|warned|asked|wrote|writes|"
    r"tweeted|posted|declared|announced|explained|argued|replied|responded|continued|claimed|urged|admitted|"
    r"acknowledged|stressed|recalled|concluded|commented|remarked|confirmed|denied|vowed|promised|quoted|quoting|"
    r"statement|spokesman|spokeswoman|spokesperson)\b",
    re.IGNORECASE,
)
_PARAGRAPH = re.compile(r"\n\s*\n")
_TRANSCRIPT = re.compile(r"[A-Z][A-Z.' -]{0,30}:\s")


def quotations(text: str) -> list[tuple[int, int]]:
    """Spans of speech: quotations credited to a speaker (with the crediting clause), quotations
    that run to the end of their paragraph, paragraphs introduced as speech, transcript lines."""
    spans = []
    paragraphs = _paragraphs(text)
    lines = {number for number, (start, end) in enumerate(paragraphs) if _TRANSCRIPT.match(text, start, end)}
    transcript = lines if len(lines) >= 2 else set()
    for number, (start, end) in enumerate(paragraphs):
        if number in transcript or number and _introduces_speech(text, *paragraphs[number - 1]):
            spans.append((start, end))
            continue
        for opening, closing in _PAIRS:
            at = _opening(text, opening, start, end)
            while at != -1:
                close = text.find(closing, at + 1, end)
                if close == -1:
                    if at == start:  # a quotation printed over several paragraphs
                        spans.append((start, end))
                    break
                speech = _with_speaker(text, at, close + 1)
                if speech:
                    spans.append(speech)
                at = _opening(text, opening, close + 1, end)
    return sorted(spans)


def _opening(text: str, mark: str, start: int, end: int) -> int:
    """The next opening mark; a curly single one only where a word starts (not "Russia’s")."""
    at = text.find(mark, start, end)
    while mark == "\u2018" and at > 0 and text[at - 1].isalnum():
        at = text.find(mark, at + 1, end)
    return at


def _introduces_speech(text: str, start: int, end: int) -> bool:
    paragraph = text[start:end].rstrip()
    return paragraph.endswith(":") and bool(_SPEECH.search(paragraph[-SPEAKER_REACH:]))


def _paragraphs(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for match in _PARAGRAPH.finditer(text):
        bounds.append((start, match.start()))
        start = match.end()
    return bounds + [(start, len(text))]


def _with_speaker(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The quotation with the clause that credits its speaker ('..., Davis said.'; 'Davis: "..."'),
    or None when no speaker is credited next to it."""
    after = text[end : end + SPEAKER_REACH].split("\n", 1)[0]
    said = _SPEECH.search(after)
    if said:
        stop = re.search(r"[.!?]", after[said.end() :])
        return start, end + said.end() + (stop.end() if stop else len(after) - said.end())
    before = text[max(0, start - SPEAKER_REACH) : start].rsplit("\n", 1)[-1]
    said = _SPEECH.search(before)
    if said or before.rstrip().endswith(":"):
        opening = max(before.rfind(". "), before.rfind("! "), before.rfind("? "))
        return start - len(before) + (opening + 2 if opening >= 0 else 0), end
    return None


def narrative_runs(tokens: Tokens, speech: list[tuple[int, int]]) -> np.ndarray:
    """The runs of a text's words that lie outside speech, as (first word, past the last) rows."""
    inside = np.zeros(len(tokens) + 1, dtype=np.int64)
    # +1 where a span starts, -1 where it ends: a running sum covers the words in speech.
    bounds = np.searchsorted(tokens.starts, np.asarray(speech, dtype=np.int64).reshape(-1, 2))
    np.add.at(inside, bounds[:, 0], 1)
    np.add.at(inside, bounds[:, 1], -1)
    outside = np.concatenate(([False], np.cumsum(inside[:-1]) == 0, [False]))
    return np.flatnonzero(outside[1:] != outside[:-1]).reshape(-1, 2)


def narrative_run(tokens: Tokens, runs: np.ndarray, start: int, end: int, count: WordCount) -> float:
    """The longest run of the words in [start, end) that lie outside speech (``narrative_runs``),
    in words (``normalize.WordCount``: letters of the character model, or of unspaced scripts, count less)."""
    first, stop = np.searchsorted(tokens.starts, [start, end])
    low, high = np.maximum(runs[:, 0], first), np.minimum(runs[:, 1], stop)
    if count.cumulative is None:
        return int((high - low).max(initial=0))
    inside = high > low
    return float((count.cumulative[high[inside]] - count.cumulative[low[inside]]).max(initial=0))


def separate_shared_quotes(families: list[Family], shingles: DocumentShingles, speech: dict[int, list[tuple[int, int]]] | None = None) -> list[Family]:
    """The families with shared speech marked (``Family.speech``), and split from copied text.
    ``speech`` holds the ``quotations`` of documents already searched; others are searched here."""
    speech = speech or {}
    runs: dict[int, np.ndarray] = {}
    separated = []
    for family in families:
        for m in family.members:
            if m.doc not in runs:
                spans = speech[m.doc] if m.doc in speech else quotations(shingles.documents[m.doc].text)
                runs[m.doc] = narrative_runs(shingles.of(m.doc)[0], spans)
        narrative = [narrative_run(shingles.of(m.doc)[0], runs[m.doc], m.start, m.end, shingles.word_count(m.doc)) >= NARRATIVE_RUN for m in family.members]
        if all(narrative):
            separated.append(family)
            continue
        if not any(narrative):
            family.speech = True
            separated.append(family)
            continue
        for is_narrative in (True, False):
            group = {i for i, n in enumerate(narrative) if n == is_narrative}
            linked = sorted({i for pair in family.links for i in pair if set(pair) <= group})
            if len(linked) > 1:
                part = family.restricted(linked)
                part.speech = not is_narrative
                separated.append(part)
    return separated
