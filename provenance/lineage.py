"""Who copied whom inside a family, read from the text: a copy inherits the changes of the version
it copied.

Every member's passage is compared word by word with one reference version (the origin's). Where
a member reads differently from the reference, that is a variant: words it changed, a sentence it
cut or added. A member's own changes are its variants from the family's base text:

- a family with a dated origin and no wire credit: the origin's text is the base;
- wire copy (members credit an agency, whose own text the corpus lacks) and tied origins: at each
  variant the reading most independent versions share is the base, and where they split evenly no
  change is told, except a cut: of two readings, the one that lacks a sentence (``CUT_WORDS`` words
  or more) the other has is the one that changed. Versions that turn out to be copies of another
  member, or identical to an earlier one, are counted once: the base is worked out again without
  them.

A member then copied from an earlier member whose own changes it has, all of them where it covers
the passage (basis ``edits``); a copy that lacks any of them was not copied from that member. Next
a credit in its own words to an earlier member's outlet names that member (``credit``). Otherwise,
in wire copy it is the agency's copy (``copied_from_wire``; basis ``credit`` when it credits the
agency); elsewhere it copied the origin. Where members it may have copied cannot be told apart
(identical versions), every one is listed and the earliest is named, the agency first (basis
``ambiguous``). Dates only rule out the impossible: a member copies only members certainly
published before it. When no other member could have been compared, dates alone decide (``dates``).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from .attribute import COPY, Edit, ReuseFamily
from .corpus import Document
from .normalize import Tokens, tokenize
from .outlets import Registry

EDITS, CREDIT, DATES, AMBIGUOUS = "edits", "credit", "dates", "ambiguous"
CUT_WORDS = 4  # a reading this many words shorter than the other, where versions split evenly, is a cut
# Families up to this size weigh every pair of members; larger ones (a story reprinted everywhere)
# compare each member with the members it was aligned with, against the origin's text, even in
# wire copy (no majority base: a known limit).
MEMBERS_COMPARED = 64

LIFT_SHARE = 0.8  # a version at most this share of another's length, held in it word for word, is a lift of it
Site = tuple[int, int]  # a span of the reference's words
Reading = tuple[str, ...]


@dataclass
class _Version:
    """One member's passage as variants of the reference: its readings where it differs, and the
    span of the reference it covers."""

    tokens: Tokens
    variants: dict[Site, Reading]
    covers: Site

    def reading(self, site: Site, reference: list[str]) -> Reading | None:
        """What it reads at a site: its variant, the reference's words, or None where it does not
        cover the site or another of its variants overlaps it."""
        if site in self.variants:
            return self.variants[site]
        start, stop = site
        if start < self.covers[0] or stop > self.covers[1]:
            return None
        if any(s < stop and start < e or (s == e == start) for s, e in self.variants if (s, e) != site):
            return None
        return tuple(reference[start:stop])


def trace_lineage(families: list[ReuseFamily], documents: list[Document], registry: Registry) -> None:
    """Set ``copied_from``, its candidates, basis and edits, and ``copied_from_wire``, for every
    member published certainly after another member (run after the credits are found)."""
    by_id = {d.id: d for d in documents}
    for family in families:
        _trace(family, by_id, registry)


def _trace(family: ReuseFamily, by_id: dict[str, Document], registry: Registry) -> None:
    members = family.members
    # A document's version of the passage is all its spans in the family, in text order: a
    # carrier that cut a sentence of the story is aligned as two spans around the cut.
    spans_of: dict[str, list] = {}
    for member in members:
        spans_of.setdefault(member.doc, []).append(member)
    for spans in spans_of.values():
        spans.sort(key=lambda m: m.start)
    docs = list(spans_of)
    texts = [" ".join(by_id[doc].text[m.start : m.end] for m in spans_of[doc]) for doc in docs]
    times = [by_id[doc].published for doc in docs]
    dated = [i for i, t in enumerate(times) if t is not None]
    if not dated:
        return
    reference = docs.index(family.origin.doc) if family.origin else min(dated, key=lambda i: times[i].start)
    small = len(docs) <= MEMBERS_COMPARED
    if small:
        others = [dated] * len(docs)
    else:  # compare with aligned documents only, so a huge family costs its links, not its square
        index = {doc: i for i, doc in enumerate(docs)}
        aligned = [set() for _ in docs]
        for a, b in family.links:
            aligned[index[members[a].doc]].add(index[members[b].doc])
            aligned[index[members[b].doc]].add(index[members[a].doc])
        others = [sorted(linked) for linked in aligned]
    earlier = [
        [j for j in others[i] if j != i and times[j] is not None and times[j].before(times[i])] if times[i] is not None else []
        for i in range(len(docs))
    ]
    if not any(earlier):
        _mark_wire_origins(family)
        return
    ref_tokens = tokenize(texts[reference])
    versions = [_version(ref_tokens, tokenize(text)) if i != reference else _Version(ref_tokens, {}, (0, len(ref_tokens))) for i, text in enumerate(texts)]
    words = ref_tokens.words
    credited = [set().union(*(m.credited for m in spans_of[doc])) for doc in docs]
    sources = [by_id[doc].source for doc in docs]

    def parents_of(own: list[dict], weighed: bool) -> list[tuple[str | None, list[int], bool]]:
        return [_parents(i, earlier[i], own, versions, words, family.wire, credited[i], sources, times, registry, weighed) for i in range(len(docs))]

    # The base text: the origin's, unless the family is wire copy or its origin a tie.
    if small and (family.wire is not None or family.origin is None):
        sites = sorted({site for v in versions for site in v.variants})
        voters = list(range(len(docs)))
        for rounds_left in (1, 0):
            base = _base(sites, versions, words, voters)
            own = [{s: r for s in sites if (r := v.reading(s, words)) is not None and base.get(s) not in (None, r)} for v in versions]
            parents = parents_of(own, True)
            if not rounds_left:
                break
            # Copies of a member, and versions identical to an earlier one, are no independent witnesses.
            voters = [
                i for i, (_, _, of_member) in enumerate(parents)
                if not of_member and not any(_identical(versions[i], versions[j], sites, words) for j in earlier[i])
            ]
    else:  # every change from the origin's text is the member's own
        parents = parents_of([dict(v.variants) for v in versions], False)
    position = {id(m): k for k, m in enumerate(members)}
    for i, doc in enumerate(docs):
        basis, found, of_member = parents[i]
        for member in spans_of[doc]:
            if member.relation != COPY or not earlier[i]:
                continue
            member.copied_from_basis = basis
            member.copied_from_candidates = [docs[j] for j in found]
            text = by_id[doc].text[member.start : member.end]
            if of_member:
                member.copied_from = docs[found[0]]
                member.edits = word_edits(_counterpart(family, position, member, spans_of[docs[found[0]]], by_id), text)
            else:  # the agency's copy; its edits are told against the earliest version the corpus has
                member.copied_from_wire = family.wire.agency
                member.edits = word_edits(_counterpart(family, position, member, spans_of[docs[reference]], by_id), text)
    _mark_wire_origins(family)


def _counterpart(family: ReuseFamily, index: dict[int, int], member, spans: list, by_id: dict[str, Document]) -> str:
    """The text of the span of another document that this member was aligned with (the most
    alike), else of all its spans. ``index``: each member's position, by ``id()``."""
    mine = index[id(member)]
    linked = [(family.links.get(tuple(sorted((mine, index[id(other)]))), 0.0), -k, other) for k, other in enumerate(spans)]
    best = max(linked, key=lambda item: item[:2])
    if best[0] > 0:
        return by_id[best[2].doc].text[best[2].start : best[2].end]
    return " ".join(by_id[m.doc].text[m.start : m.end] for m in spans)


def _mark_wire_origins(family: ReuseFamily) -> None:
    """Members that copied no member are the agency's copies, in wire copy."""
    if family.wire is None:
        return
    for member in family.members:
        if member.copied_from is None:  # tied and undated members too, until provenance.order finds otherwise
            member.copied_from_wire = family.wire.agency


def _version(reference: Tokens, tokens: Tokens) -> _Version:
    """A passage's variants of the reference, leaving out what lies before its first and after its
    last shared word (a shorter extract is no cut)."""
    variants, first, last = {}, None, None
    opcodes = Levenshtein.opcodes(reference.words, tokens.words)
    for tag, a0, a1, b0, b1 in opcodes:
        if tag == "equal":
            first = a0 if first is None else first
            last = a1
    if first is None:
        return _Version(tokens, {}, (0, 0))
    for tag, a0, a1, b0, b1 in opcodes:
        if tag != "equal" and first <= a0 and a1 <= last and not (a0 == a1 and (a0 == first or a0 == last)):
            variants[(a0, a1)] = tuple(tokens.words[b0:b1])
    return _Version(tokens, variants, (first, last))


def _base(sites: list[Site], versions: list[_Version], words: list[str], voters: list[int]) -> dict[Site, Reading]:
    """The base reading at each site: the voters' majority, or where they split evenly between two
    readings, the longer when the other is a cut; sites with no base are left out."""
    base = {}
    for site in sites:
        counts: dict[Reading, int] = {}
        for i in voters:
            reading = versions[i].reading(site, words)
            if reading is not None:
                counts[reading] = counts.get(reading, 0) + 1
        if not counts:
            continue
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        total = sum(counts.values())
        if ranked[0][1] * 2 > total:
            base[site] = ranked[0][0]
        elif len(ranked) == 2 and abs(len(ranked[0][0]) - len(ranked[1][0])) >= CUT_WORDS:
            base[site] = max(ranked[0][0], ranked[1][0], key=len)
    return base


def _identical(version: _Version, other: _Version, sites: list[Site], words: list[str]) -> bool:
    """Whether another version reads the same wherever this one covers the passage."""
    lo, hi = version.covers
    if other.covers[0] > lo or other.covers[1] < hi:
        return False
    return all(version.reading(s, words) == other.reading(s, words) for s in sites if lo <= s[0] and s[1] <= hi)


def _parents(
    i: int, earlier: list[int], own: list[dict], versions: list[_Version], words: list[str], wire,
    credited: set[str], sources: list[str | None], times: list, registry: Registry, weighed: bool,
) -> tuple[str | None, list[int], bool]:
    """The basis, the versions this one may have copied (the one named first), and whether it
    copied one of them (else the agency, in wire copy). ``weighed``: the base text is the versions'
    majority, not a known origin, so a version that shares a change or two with another by chance
    (outlets cut the same sentence, pick the same synonym) could look like its copy; it is taken
    for one only when the changes it shares are at least as many as its changes of its own."""
    if not earlier:
        return None, [], False
    mine = versions[i]
    by_time = lambda j: (times[j].start, j)
    # A few lines lifted as they stand in one earlier version, where other versions read
    # differently, came from that version.
    if weighed:
        holding = [j for j in earlier if _holds(versions[j], mine)]
        if len(holding) == 1 and len(mine.tokens) <= LIFT_SHARE * len(versions[holding[0]].tokens) and len(holding) < len(earlier):
            return EDITS, holding, True
    inherited, lacking = {}, set()
    for j in earlier:
        shared = 0
        for site, reading in own[j].items():
            mine_reads = mine.reading(site, words)
            if mine_reads is None:
                continue
            if mine_reads != reading:
                lacking.add(j)
                break
            shared += 1
        if j not in lacking and shared and (not weighed or shared >= len(own[i]) - shared):
            inherited[j] = shared
    if inherited:
        most = max(inherited.values())
        found = sorted((j for j, n in inherited.items() if n == most), key=by_time)
        return (EDITS if len(found) == 1 else AMBIGUOUS), found, True
    named = [j for j in earlier if j not in lacking and credited & own_outlet(sources[j], registry)]
    if len(named) == 1:
        return CREDIT, named, True
    possible = sorted((j for j in earlier if j not in lacking), key=by_time)
    if wire is not None:
        if wire.agency in credited:
            return CREDIT, possible, False
        return (AMBIGUOUS if possible else EDITS), possible, False
    if not possible:  # every earlier version has changes this one lacks: the closest of them
        return EDITS, [min(earlier, key=lambda j: (len(own[j]), by_time(j)))], True
    if len(possible) > 1:
        return AMBIGUOUS, possible, True
    return (DATES if len(earlier) == 1 else EDITS), possible, True


def _holds(version: _Version, part: _Version) -> bool:
    """Whether a version has the other's words, all of them in a row."""
    return f" {' '.join(part.tokens.words)} " in f" {' '.join(version.tokens.words)} "


def own_outlet(source: str | None, registry: Registry) -> set[str]:
    """The names a credit to this outlet uses, agencies it carries left out."""
    return {name for name in registry.names_of(source) if not registry.by_name(name).is_agency}


def word_edits(source: str, copy: str) -> list[Edit]:
    """The words changed between two passages, as they are written in each (equal when normalized
    words are equal: case, curly quotes and hyphens are no edit)."""
    a, b = tokenize(source), tokenize(copy)
    edits = []
    for tag, a0, a1, b0, b1 in Levenshtein.opcodes(a.words, b.words):
        if tag != "equal":
            edits.append(Edit(_surface(source, a, a0, a1), _surface(copy, b, b0, b1)))
    return edits


def _surface(text: str, tokens: Tokens, first: int, stop: int) -> str:
    return text[tokens.starts[first] : tokens.ends[stop - 1]] if stop > first else ""
