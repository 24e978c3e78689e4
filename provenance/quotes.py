"""Shared quotes: two outlets quoting the same speaker are not copying each other.

A family whose every member lies inside quotation marks that a speaker is credited with ("...",
Davis said; Davis: "..."; "...," the ministry said in a statement) is a ``shared-quote`` family: the
words came from the speaker, whoever printed them first. Such a family is still listed, apart from
copied prose, and does not count as reuse in a document's shares.
"""

from __future__ import annotations

import re

from .attribute import COPIED, SHARED_QUOTE, ReuseFamily
from .corpus import Document

INSIDE = 0.8  # least share of a passage inside quotation marks
SPEAKER_REACH = 80  # characters after a closing mark (or before an opening one) searched for a speaker
_PAIRS = (("\u201c", "\u201d"), ("\u00ab", "\u00bb"), ('"', '"'))
_SPEECH = re.compile(r"\b(?:said|says|say|told|added|adds|stated|states|noted|according to|insisted|warned|asked)\b", re.IGNORECASE)
_PARAGRAPH = re.compile(r"\n\s*\n")


def quotations(text: str) -> list[tuple[int, int]]:
    """Spans of quoted speech, marks included: an opening mark to the next closing one within the
    same paragraph, when a speaker is credited next to it."""
    spans = []
    for paragraph in _paragraphs(text):
        start, end = paragraph
        for opening, closing in _PAIRS:
            at = text.find(opening, start, end)
            while at != -1:
                close = text.find(closing, at + 1, end)
                if close == -1:
                    break
                speech = _with_speaker(text, at, close + 1)
                if speech:
                    spans.append(speech)
                at = text.find(opening, close + 1, end)
    return sorted(spans)


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


def quoted_share(spans: list[tuple[int, int]], start: int, end: int) -> float:
    inside = sum(max(0, min(end, e) - max(start, s)) for s, e in spans)
    return inside / (end - start) if end > start else 0.0


def mark_shared_quotes(families: list[ReuseFamily], documents: list[Document]) -> None:
    """Set each family's kind: shared-quote when every member is quoted speech, else copied."""
    by_id = {d.id: d for d in documents}
    spans: dict[str, list[tuple[int, int]]] = {}
    for family in families:
        for member in family.members:
            if member.doc not in spans:
                spans[member.doc] = quotations(by_id[member.doc].text)
        quoted = all(quoted_share(spans[m.doc], m.start, m.end) >= INSIDE for m in family.members)
        family.kind = SHARED_QUOTE if quoted else COPIED
