"""Credit: does a copy name where its passage came from?

A credit is a cue in a document's own words that names a source: an agency tag or dateline
("(AFP)", "AFP /Moscow", "WASHINGTON (AP) -"), "according to the Associated Press", "Interfax
reported", "the Pentagon said in a statement", or an outlet named outright. Cues inside a copied
passage came with the copy from its source and credit nobody; only the copy's own text counts,
near the passage (``REACH`` characters either side) or in its opening lines, where datelines and
agency tags stand.

A passage inside a block quote (lines starting with ">") is marked as someone else's words: that is
a cue too, one that names nobody; the lead-in before the block usually says whose.

A copied passage is then ``credited`` (a cue names the origin's outlet or its wire),
``credited-elsewhere`` (cues name other sources, or a block quote names none) or ``uncredited`` (no
cue at all).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .attribute import COPY, ReuseFamily
from .corpus import Document

REACH = 300  # characters around a passage searched for a credit
MEMBERS_NAMED = 64  # outlets of an undated family looked for by name, at most
OPENING = 300  # characters at the top of a text where a dateline or agency tag credits it all
CREDITED, CREDITED_ELSEWHERE, UNCREDITED = "credited", "credited-elsewhere", "uncredited"

# A name: capitalized words or abbreviations ("U.S."), possibly joined by "of", "for", "and", "&".
_WORD = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w&'’-]*)"
_NAME = rf"{_WORD}(?:\s+(?:(?:of|for|and|the|&)\s+)?{_WORD})*"
# What "according to" names: a phrase up to the end of its clause ("the Associated Press",
# "Russian news agency Interfax", "this AFP report").
_PHRASE = r"[^\s,.;:!?()\n][^,.;:!?()\n]{0,80}?(?=\s*(?:[,.;:!?()\n]|\s(?:which|that|who|and)\s|$))"
_CUES = (
    ("agency tag", re.compile(r"\(([A-Z][A-Za-z]*[A-Z]|Reuters)\)")),
    ("dateline", re.compile(rf"(?m)^\s*({_NAME})\s*/\s*[A-Z]")),
    ("according to", re.compile(rf"\b[Aa]ccording to\s+(?:(?:the|a|an|this|that)\s+)?({_PHRASE})")),
    ("reported", re.compile(rf"\b({_NAME})\s+(?:has\s+|had\s+)?(?:reported|reports|said in a statement|told)\b")),
    ("said", re.compile(rf"\bthe\s+({_NAME})\s+(?:said|says|announced)\b")),
    ("reported by", re.compile(rf"\b(?:reported|published|reporting|written|first carried)\s+(?:earlier\s+|first\s+)?by\s+(?:the\s+)?({_NAME})")),
)
_BLOCKQUOTE = re.compile(r"(?m)^[ \t]*>.*(?:\n[ \t]*>.*)*")
BLOCK_QUOTE = "(block quote)"  # the name of a block-quote cue: it names no source
_NAME_PARTS = re.compile(r"\s*(?:[()/,;]|\s-\s|\bvia\b)\s*")
_NOT_NAMES = {"The", "A", "An", "This", "That", "It", "He", "She", "They", "We", "I", "But", "And", "In", "On", "At"} | {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
}


@dataclass(frozen=True)
class Credit:
    """A cue in a text naming a source: ``text[start:end]`` is the name."""

    name: str
    start: int
    end: int
    cue: str  # agency tag | dateline | according to | reported | said | outlet


def find_credits(text: str, outlets: list[str] = ()) -> list[Credit]:
    """Every credit cue in a text, in order; ``outlets`` (names of known outlets) count when named
    anywhere."""
    return _outermost(cue_credits(text) + outlet_credits(text, outlets))


def cue_credits(text: str) -> list[Credit]:
    """The cues that name a source by their wording, and block quotes."""
    found = []
    for cue, pattern in _CUES:
        for match in pattern.finditer(text):
            name = match.group(1).strip(" .’'")
            if name and name not in _NOT_NAMES:
                found.append(Credit(name, match.start(1), match.start(1) + len(name), cue))
    # A block quote marks words as someone else's; whose, the lead-in says.
    found += [Credit(BLOCK_QUOTE, m.start(), m.end(), "blockquote") for m in _BLOCKQUOTE.finditer(text)]
    return found


def outlet_credits(text: str, outlets: list[str]) -> list[Credit]:
    """Where the text names one of these outlets outright."""
    found = []
    for outlet in outlets:
        for name in credit_names(outlet):
            for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, 0 if name.isupper() else re.IGNORECASE):
                found.append(Credit(match.group(0), match.start(), match.end(), "outlet"))
    return found


def _outermost(credits: list[Credit]) -> list[Credit]:
    """The credits in text order, a name inside a longer cue ("AFP" in "this AFP report") left out."""
    ordered = sorted(set(credits), key=lambda c: (c.start, -c.end, c.cue))
    kept: list[Credit] = []
    for credit in ordered:
        if not any(k.start <= credit.start and credit.end <= k.end for k in kept[-8:]):
            kept.append(credit)
    return kept


def credit_names(source: str | None) -> list[str]:
    """The names a credit may use for an outlet: "Gulf Times (AFP)" -> the whole, "Gulf Times", "AFP"."""
    if not source:
        return []
    names = {source.strip()} | {part for part in _NAME_PARTS.split(source) if len(part) >= 2}
    return sorted(names, key=len, reverse=True)


_WHOLE_TEXT_CUES = ("agency tag", "dateline", "outlet")  # in the opening lines, they credit the whole text


def credits_near(credits: list[Credit], start: int, end: int, copied: list[tuple[int, int]]) -> list[Credit]:
    """The credits that may speak for a passage: within REACH of it, or a dateline, agency tag or
    outlet in the opening lines, or a block quote that holds it; never one inside a copied span
    (it came with the copy)."""

    def speaks(c: Credit) -> bool:
        if c.cue == "blockquote":
            return c.start <= start and end <= c.end
        near = start - REACH <= c.start < end + REACH or (c.start < OPENING and c.cue in _WHOLE_TEXT_CUES)
        return near and not any(s <= c.start and c.end <= e for s, e in copied)

    return [c for c in credits if speaks(c)]


def names_source(name: str, source: str | None) -> bool:
    """Whether a credited name names an outlet ("AFP" names "Gulf Times (AFP)"); acronyms match
    in capitals only."""
    for outlet_name in credit_names(source):
        if outlet_name.isupper():
            if re.search(rf"(?<!\w){re.escape(outlet_name)}(?!\w)", name):
                return True
        elif outlet_name.casefold() in name.casefold():
            return True
    return False


def classify(credits: list[Credit], origin_sources: list[str | None]) -> str:
    """credited, credited-elsewhere or uncredited, from the credits that speak for a passage."""
    if any(names_source(c.name, s) for c in credits for s in origin_sources):
        return CREDITED
    return CREDITED_ELSEWHERE if credits else UNCREDITED


def credit_families(families: list[ReuseFamily], documents: list[Document]) -> None:
    """Name the sources every member's own text credits near its passage, and judge each copy's
    credit (an origin may credit a source too: the Associated Press for a statement it reports)."""
    by_id = {d.id: d for d in documents}
    copied: dict[str, list[tuple[int, int]]] = {}
    for family in families:
        for member in family.members:
            copied.setdefault(member.doc, [])
            if member.relation == COPY:
                copied[member.doc].append((member.start, member.end))
    # Cues once per document; outlets named outright are looked for per family, and only the
    # origins' outlets: other sources are named by cues, and every outlet in every text would grow
    # with the square of the corpus.
    cues = {doc: cue_credits(by_id[doc].text) for doc in copied}
    for family in families:
        origins = [family.origin.doc] if family.origin else family.candidates
        sources = [by_id[doc].source for doc in origins]
        # Without a dated origin, any member's outlet may be the one credited (see provenance.order).
        named = sources if origins else [by_id[m.doc].source for m in family.members[:MEMBERS_NAMED]]
        for member in family.members:
            credits = _outermost(cues[member.doc] + outlet_credits(by_id[member.doc].text, [s for s in named if s]))
            near = credits_near(credits, member.start, member.end, copied[member.doc])
            member.credited = sorted({c.name for c in near if not names_source(c.name, by_id[member.doc].source)})
            if member.relation == COPY:
                member.credit = classify(near, sources)
