"""Boilerplate: site furniture that an outlet repeats on its own pages is not reuse.

Newsletter sign-ups, comment forms, author boxes, an opinion desk's disclaimer, contact and appeal
lines ("Sign Up for Daily Headlines", "The views expressed in this article are the author's own")
recur nearly verbatim on some of one outlet's pages. Furniture is set by documents, not by the
outlet's share of them: a disclaimer on the fifty pages of one section of a large site is
furniture however many pages the site has.

It is found in the alignments, before they join into families: a story rerun with its footer
would otherwise join the footer's family, and furniture would make one family of everything that
carries it. The alignments between two documents of one outlet are grouped into passages whose
spans overlap by ``GROUP_OVERLAP`` of the longer one (a footer inside a rerun stays apart from the
rerun). A group is furniture when:

- its members stand in at least ``MIN_DOCUMENTS`` of the outlet's documents;
- they are nearly verbatim alike (``MIN_SIMILARITY``: a name or date inside may change);
- it is no rerun: it covers less than ``RERUN_SHARE`` of all but one of those documents;
- it stands at the edge of the text (at most ``EDGE_WORDS`` words, or ``EDGE_SHARE`` of the text,
  before or after it) in most of them, or in at least ``MANY_DOCUMENTS`` of them wherever it stands;
- its documents are about different things: fewer than ``TOPICAL_SHARE`` of their pairs share
  ``TOPICAL_SHINGLES`` uncommon shingles outside it (``provenance.evidence``'s measure of
  common). Stories that carry one background paragraph ("Mr Ebbers could face a jail sentence of
  85 years") follow one story line and share its names and phrases ("former WorldCom chief
  Bernie Ebbers"); pages that carry an author box share nothing else;
- it speaks of the site, not of the news: it names the outlet or its site, gives an email
  address, a web address or a phone number, addresses the reader ("you", "your"), or uses the
  words of site furniture (``SITE_WORDS``: "sign up", "newsletter", "follow", "read more",
  "copyright", "views expressed", "correspondent", ...). A background paragraph an outlet repeats
  in stories on different subjects does none of these, and stays as the outlet's stock text.

Every alignment then loses the furniture at its edges (on the side whose document has it, and as
many characters on the other side when only one has it), and is dropped when fewer than
``min_words`` words are left. Text an outlet repeats that is not furniture stays;
``provenance.stock`` reports it as the outlet's own stock text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from urllib.parse import urlsplit

import numpy as np

from .align import Alignment
from .arrays import distinct
from .cluster import Family, cluster
from .corpus import Document
from .evidence import COMMON_DOCUMENTS, COMMON_SHARE
from .frequency import DocumentShingles, ShingleFrequencies

MIN_DOCUMENTS = 3
MANY_DOCUMENTS = 6
MIN_SIMILARITY = 0.8
RERUN_SHARE = 0.5
EDGE_WORDS = 25
EDGE_SHARE = 0.05
GROUP_OVERLAP = 0.8
TOPICAL_SHARE = 0.5
TOPICAL_SHINGLES = 6
TOPICAL_SAMPLE = 24  # documents of a group whose pairs are looked at
SITE_WORDS = (
    "sign up", "signup", "subscribe", "newsletter", "inbox", "follow", "click", "share this", "read more", "related",
    "full story", "full report", "latest updates", "copyright", "all rights reserved", "reproduced", "advertisement",
    "cookies", "comments", "comment on", "have your say", "editorial policy", "views expressed", "first published",
    "updated since", "correspondent", "reporter", "columnist", "contributor", "commentator", "editor", "contact us",
    "get in touch", "tip off", "tips", "app", "download", "live text", "alerts",
)
_SITE = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.-]+"  # an email address
    r"|\b(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|net|co\.uk|co|ie|de|fr|ru|cn|in|au)\b(?:/\S*)?"  # a web address
    r"|\+?\d[\d ()-]{6,}\d"  # a phone number
    r"|\b(?:you|your|yours)\b"
    rf"|\b(?:{'|'.join(re.escape(w) for w in SITE_WORDS)})\b",
    re.IGNORECASE,
)


@dataclass
class Boilerplate:
    """A passage an outlet repeats on its pages: one span per document that has it."""

    source: str
    spans: list[tuple[str, int, int]]  # (document, start, end)


def remove_furniture(
    alignments: list[Alignment], shingles: DocumentShingles, frequencies: ShingleFrequencies, min_words: int
) -> tuple[list[Alignment], list[Boilerplate]]:
    """The alignments without the furniture they hold, and the furniture found."""
    documents = shingles.documents
    own = [a for a in alignments if documents[a.first].source is not None and documents[a.first].source == documents[a.second].source]
    common_at = frequencies.common_at(COMMON_SHARE, COMMON_DOCUMENTS)
    found: list[Boilerplate] = []
    furniture: dict[int, list[tuple[int, int]]] = {}
    for group in cluster(own, GROUP_OVERLAP, of_longer=True):
        members = [(documents[m.doc], m.start, m.end) for m in group.members]
        if _looks_like_furniture(group, members, shingles) and _speaks_of_the_site(members) and not _topical(group, shingles, frequencies, common_at):
            found.append(Boilerplate(members[0][0].source, [(doc.id, start, end) for doc, start, end in members]))
            for m in group.members:
                furniture.setdefault(m.doc, []).append((m.start, m.end))
    if not furniture:
        return alignments, found
    kept = []
    for a in alignments:
        trimmed = _trimmed(a, furniture, shingles, min_words)
        if trimmed is not None:
            kept.append(trimmed)
    return kept, found


def single_outlet(members: list[tuple[Document, int, int]]) -> str | None:
    """The outlet all members (document, start, end) come from, or None (several outlets, or a
    member whose outlet is unknown)."""
    sources = {doc.source for doc, _, _ in members}
    return sources.pop() if len(sources) == 1 and None not in sources else None


def is_rerun(members: list[tuple[Document, int, int]]) -> bool:
    """Whether the shared text is most of at least two of the documents: the story itself, run again
    or updated, rather than a passage repeated in other stories."""
    return sum(end - start >= RERUN_SHARE * len(doc.text) for doc, start, end in members) >= 2


def _looks_like_furniture(group: Family, members: list[tuple[Document, int, int]], shingles: DocumentShingles) -> bool:
    pages = len({doc.id for doc, _, _ in members})
    if pages < MIN_DOCUMENTS or is_rerun(members) or min(group.links.values(), default=0.0) < MIN_SIMILARITY:
        return False
    at_edge = sum(_at_edge(shingles, m.doc, m.start, m.end) for m in group.members)
    return pages >= MANY_DOCUMENTS or 2 * at_edge > len(members)


def _speaks_of_the_site(members: list[tuple[Document, int, int]]) -> bool:
    """Whether a member's text names its outlet or site, gives contact details, addresses the
    reader, or uses the words of site furniture."""
    for doc, start, end in members:
        text = doc.text[start:end]
        if _SITE.search(text):
            return True
        name = doc.source.removeprefix("The ").casefold()
        if name in text.casefold() or (doc.url and _host(doc.url) in text.casefold()):
            return True
    return False


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _topical(group: Family, shingles: DocumentShingles, frequencies: ShingleFrequencies, common_at: float) -> bool:
    """Whether at least ``TOPICAL_SHARE`` of the pairs of the group's documents (the first
    ``TOPICAL_SAMPLE`` of them) share ``TOPICAL_SHINGLES`` uncommon shingles outside it."""
    uncommon = {}
    for m in group.members:
        if m.doc not in uncommon and len(uncommon) < TOPICAL_SAMPLE:
            buckets = distinct(shingles.outside(m.doc, m.start, m.end))
            uncommon[m.doc] = buckets[frequencies.of_buckets(buckets) < common_at]
    held = list(uncommon.values())
    pairs = [(a, b) for i, a in enumerate(held) for b in held[i + 1 :]]
    linked = sum(len(np.intersect1d(a, b, assume_unique=True)) >= TOPICAL_SHINGLES for a, b in pairs)
    return linked >= TOPICAL_SHARE * len(pairs)


def _at_edge(shingles: DocumentShingles, doc: int, start: int, end: int) -> bool:
    """Whether [start, end) stands at the edge of its text, counted in words (``normalize.WordCount``)."""
    tokens, count = shingles.of(doc)[0], shingles.word_count(doc)
    whole = len(tokens)
    limit = max(EDGE_WORDS, EDGE_SHARE * count.of(0, whole))
    return count.of(0, int(np.searchsorted(tokens.starts, start))) <= limit or count.of(int(np.searchsorted(tokens.starts, end)), whole) <= limit


def _trimmed(a: Alignment, furniture: dict[int, list[tuple[int, int]]], shingles: DocumentShingles, min_words: int) -> Alignment | None:
    """The alignment with furniture cut from the edges of its spans, or None when too little is left."""
    first = _without(a.first_start, a.first_end, furniture.get(a.first, []))
    second = _without(a.second_start, a.second_end, furniture.get(a.second, []))
    if first == (a.first_start, a.first_end) and second == (a.second_start, a.second_end):
        return a
    if first is None or second is None:
        return None
    # A side without furniture of its own loses as many characters as the other side.
    if second == (a.second_start, a.second_end):
        second = _shifted(second, (a.first_start, a.first_end), first)
    elif first == (a.first_start, a.first_end):
        first = _shifted(first, (a.second_start, a.second_end), second)
    if min(shingles.words_in(a.first, *first), shingles.words_in(a.second, *second)) < min_words:
        return None
    return replace(a, first_start=first[0], first_end=first[1], second_start=second[0], second_end=second[1])


def _without(start: int, end: int, ranges: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The longest part of [start, end) outside the ranges, or None when they cover it."""
    pieces = [(start, end)]
    for r0, r1 in ranges:
        pieces = [p for s, e in pieces for p in ((s, min(e, r0)), (max(s, r1), e)) if p[1] > p[0]]
    return max(pieces, key=lambda p: p[1] - p[0]) if pieces else None


def _shifted(span: tuple[int, int], before: tuple[int, int], after: tuple[int, int]) -> tuple[int, int]:
    start, end = span[0] + (after[0] - before[0]), span[1] - (before[1] - after[1])
    return (start, end) if end > start else span
