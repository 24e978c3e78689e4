"""Credit: does a copy name where its passage came from?

A credit is a cue in a document's own words that names a source: an agency tag or dateline
("(AFP)", "AFP /Moscow", "WASHINGTON (AP) -"), a byline ("By The Associated Press"), "according to
Reuters", "Interfax reported", an outlet named outright, or, on a web page, a link to the source's
site. A cue counts only when what it names is a news agency or outlet (``provenance.outlets``):
"the Pentagon said" attributes news to a newsmaker and credits nobody. Each credit carries the
canonical name ("this AFP report" -> "AFP").

Cues inside a copied passage came with the copy from its source and credit nobody; only the copy's
own text counts, near the passage (``REACH`` characters either side), or in its opening lines,
where datelines, agency tags and bylines stand: a source named there, or an agency named there in
any words ("..., according to Reuters."), speaks for the whole text. A paragraph that ends with a colon leads in to what follows
("According to this AFP report, ...:"): its cues credit only the text after them.

A passage inside a block quote (lines starting with ">") is marked as someone else's words: that is
a cue too, one that names nobody; the lead-in before the block usually says whose.

A copied passage is then ``credited`` (a cue names the origin's outlet or the agency the family came
from), ``credited-elsewhere`` (cues name other sources, or a block quote names none) or
``uncredited`` (no cue at all). A family whose members credit a news agency for the passage is wire
copy: the agency is named upstream of every member (``Wire``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .attribute import COPY, ReuseFamily, Wire
from .corpus import Document
from .outlets import Outlet, Registry, for_documents, name_parts, shipped

REACH = 300  # characters around a passage searched for a credit
MEMBERS_NAMED = 64  # outlets of an undated family looked for by name, at most
OPENING = 300  # characters at the top of a text where a dateline, agency tag or byline credits it all
CREDITED, CREDITED_ELSEWHERE, UNCREDITED = "credited", "credited-elsewhere", "uncredited"

# A name: capitalized words or abbreviations ("U.S."), possibly joined by "of", "for", "and", "&".
_WORD = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w&'’-]*)"
_NAME = rf"{_WORD}(?:\s+(?:(?:of|for|and|the|&)\s+)?{_WORD})*"
# What "according to" names: a phrase up to the end of its clause ("the Associated Press",
# "Russian news agency Interfax", "this AFP report").
_PHRASE = r"[^\s,.;:!?()\n][^,.;:!?()\n]{0,80}?(?=\s*(?:[,.;:!?()\n]|\s(?:which|that|who|and)\s|$))"
_CUES = (
    ("agency tag", re.compile(r"\(([A-Za-z][\w.-]*(?: [A-Z][\w.-]*)?)\)")),
    ("dateline", re.compile(rf"(?m)^\s*({_NAME})\s*/\s*[A-Z]")),
    ("byline", re.compile(r"(?m)^[ \t]*[Bb]y\s+([^\n]{2,80}?)[ \t]*$")),
    ("according to", re.compile(rf"[Aa](?<!\w[Aa])ccording to\s+(?:(?:the|a|an|this|that)\s+)?({_PHRASE})")),
    ("said", re.compile(rf"t(?<!\wt)he\s+({_NAME})\s+(?:said|says|announced)\b")),
    (
        "reported by",
        re.compile(
            rf"[rpwf](?<!\w[rpwf])(?:(?<=r)eported|(?<=p)ublished|(?<=r)eporting|(?<=w)ritten|(?<=f)irst carried)"
            rf"\s+(?:earlier\s+|first\s+)?by\s+(?:the\s+)?({_NAME})"
        ),
    ),
)
# These patterns open with a letter and check the word boundary just after it ("t(?<!\wt)he", not
# "\bthe"): the regex engine then skips ahead to that letter fast, which a leading \b prevents
# (three times the cost on news text).
# "Interfax reported", "AFP has reported", "Reuters told": found from the verb back, since a name
# may start at any capital letter and trying each one costs four times as much.
_REPORTED = re.compile(r"(?:reported|reports|said in a statement|told)\b")
_NAME_BEFORE = re.compile(rf"\b({_NAME})\s+(?:has\s+|had\s+)?$")
_NAME_REACH = 130  # characters before the verb a name may start
_BLOCKQUOTE = re.compile(r"(?m)^[ \t]*>.*(?:\n[ \t]*>.*)*")
BLOCK_QUOTE = "(block quote)"  # the name of a block-quote cue: it names no source
_WHOLE_TEXT_CUES = ("agency tag", "dateline", "byline", "outlet")  # in the opening lines, they credit the whole text
_SLUG_CUES = ("agency tag", "dateline", "byline")  # and these even where the copy shares them, as an agency credited in words does
_PARAGRAPH_END = re.compile(r"\n|$")


@dataclass(frozen=True)
class Credit:
    """A cue in a text naming a source by its canonical name; ``text[start:end]`` is the cue's
    words for it."""

    name: str
    start: int
    end: int
    cue: str  # agency tag | dateline | byline | according to | reported | said | reported by | outlet | link | blockquote
    agency: bool = False  # the name is a news agency's
    lead_in: bool = False  # in a paragraph that ends with a colon: it credits only what follows


def find_credits(text: str, outlets: list[str] = (), registry: Registry | None = None) -> list[Credit]:
    """Every credit in a text, in order; ``outlets`` (names of known outlets) count when named
    anywhere."""
    registry = registry or shipped().with_sources((o, None) for o in outlets)
    return _outermost(cue_credits(text, registry) + outlet_credits(text, outlets, registry))


def cue_credits(text: str, registry: Registry) -> list[Credit]:
    """The cues that name an agency or outlet by their wording, and block quotes."""
    found = []
    for cue, pattern in _CUES:
        # A tag or slug is the agency's name alone: "(AP)", never "(D-PA)".
        lookup = registry.named_exactly if cue in ("agency tag", "dateline") else registry.resolve
        for match in pattern.finditer(text):
            outlet = lookup(match.group(1).strip())
            if outlet is not None:
                start, end = match.span(1)
                found.append(Credit(outlet.name, start, end, cue, outlet.is_agency, _leads_in(text, end)))
    for verb in _REPORTED.finditer(text):
        at = verb.start()
        named = None if at and _is_word(text[at - 1]) else _NAME_BEFORE.search(text, max(0, at - _NAME_REACH), at)
        outlet = registry.resolve(named.group(1).strip()) if named else None
        if outlet is not None:
            found.append(Credit(outlet.name, named.start(1), named.end(1), "reported", outlet.is_agency, _leads_in(text, named.end(1))))
    # A block quote marks words as someone else's; whose, the lead-in says.
    found += [Credit(BLOCK_QUOTE, m.start(), m.end(), "blockquote") for m in _BLOCKQUOTE.finditer(text)]
    return found


def outlet_credits(text: str, outlets: list[str], registry: Registry) -> list[Credit]:
    """Where the text names one of these outlets outright."""
    return _named_in(text, outlet_names(outlets, registry))


def outlet_names(outlets: list[str], registry: Registry) -> list[tuple[Outlet, str, re.Pattern]]:
    """Each name of these outlets that the registry knows, as written (lower case where case does
    not matter), with the pattern that finds it named."""
    found = []
    for outlet in outlets:
        for name in name_parts(outlet):
            named = registry.resolve(name)
            if named is not None:
                # A literal is searched for fast; whether it stands alone as a word is checked after.
                exact = name.isupper()
                found.append((named, name if exact else name.lower(), re.compile(re.escape(name), 0 if exact else re.IGNORECASE)))
    return found


def _named_in(text: str, names: list[tuple[Outlet, str, re.Pattern]], lowered: str | None = None) -> list[Credit]:
    """Where these names stand in a text. ``lowered`` (an ASCII text in lower case; None for
    others, where a case-blind match may be a letter that lower() spells otherwise, "İ" or "ſ")
    lets an ASCII name the text lacks be passed over without a case-blind search, which costs
    three times as much."""
    return [
        Credit(named.name, match.start(), match.end(), "outlet", named.is_agency, _leads_in(text, match.end()))
        for named, literal, pattern in names
        if _may_name(text, lowered, literal, pattern)
        for match in pattern.finditer(text)
        if _stands_alone(text, match.start(), match.end())
    ]


def _may_name(text: str, lowered: str | None, literal: str, pattern: re.Pattern) -> bool:
    if not pattern.flags & re.IGNORECASE:
        return literal in text
    return lowered is None or not literal.isascii() or literal in lowered


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Whether no word character touches [start, end): "AP", not the "AP" of "APPLE"."""
    return not (start > 0 and _is_word(text[start - 1]) or end < len(text) and _is_word(text[end]))


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def link_credits(document: Document, registry: Registry) -> list[Credit]:
    """A page's links to an outlet's site, where the link's words stand in the text."""
    found = []
    for link in document.links:
        outlet = registry.by_url(link.url)
        if outlet is not None:
            found.append(Credit(outlet.name, link.start, link.end, "link", outlet.is_agency, _leads_in(document.text, link.end)))
    return found


def _leads_in(text: str, at: int) -> bool:
    """Whether the paragraph around ``at`` ends with a colon, introducing what follows."""
    end = _PARAGRAPH_END.search(text, at).start()
    return text[at:end].rstrip().endswith(":")


def _outermost(credits: list[Credit]) -> list[Credit]:
    """The credits in text order, a name inside a longer cue ("AFP" in "this AFP report") left out."""
    ordered = sorted(set(credits), key=lambda c: (c.start, -c.end, c.cue))
    kept: list[Credit] = []
    for credit in ordered:
        if not any(k.start <= credit.start and credit.end <= k.end for k in kept[-8:]):
            kept.append(credit)
    return kept


def credits_near(credits: list[Credit], start: int, end: int, copied: list[tuple[int, int]]) -> list[Credit]:
    """The credits that may speak for a passage: within REACH of it (a lead-in only before it) and
    not inside a copied span (it came with the copy), or a dateline, agency tag, byline, outlet or
    agency named in the opening lines, or a block quote that holds it."""

    def speaks(c: Credit) -> bool:
        if c.cue == "blockquote":
            return c.start <= start and end <= c.end
        if c.start < OPENING and (c.cue in _SLUG_CUES or c.agency and c.cue != "outlet"):
            return True  # the story's slug or lead says where it came from, even in words it shares
        opening = c.start < OPENING and c.cue in _WHOLE_TEXT_CUES
        near = start - REACH <= c.start < end + REACH and not (c.lead_in and c.start >= start)
        return (opening or near) and not any(s <= c.start and c.end <= e for s, e in copied)

    return [c for c in credits if speaks(c)]


def classify(credits: list[Credit], origin_sources: list[str | None], registry: Registry | None = None, agency: str | None = None) -> str:
    """credited, credited-elsewhere or uncredited, from the credits that speak for a passage: a
    credit to an origin's outlet, or to the agency the passage came from, is a credit."""
    registry = registry or shipped().with_sources((s, None) for s in origin_sources)
    named = set().union(*(registry.names_of(s) for s in origin_sources)) | ({agency} if agency else set())
    if any(c.name in named for c in credits):
        return CREDITED
    return CREDITED_ELSEWHERE if credits else UNCREDITED


def own_names(source: str | None, registry: Registry) -> set[str]:
    """The names under which a document would credit itself: its outlet's, not an agency it
    carries ("Gulf Times (AFP)" crediting AFP credits the agency; AFP's own story does not)."""
    whole = registry.resolve(source) if source else None
    itself = whole.name if whole is not None and any(a.casefold() == source.strip().casefold() for a in whole.aliases) else None
    return {name for name in registry.names_of(source) if name == itself or not registry.by_name(name).is_agency}


def agencies_of(source: str | None, registry: Registry) -> set[str]:
    """The agencies a document's outlet is named for: "Gulf Times (AFP)" -> AFP, "Reuters" -> Reuters."""
    return {name for name in registry.names_of(source) if registry.by_name(name).is_agency}


def _time(document: Document) -> float:
    return document.published.start.timestamp() if document.published else float("inf")


def credit_families(
    families: list[ReuseFamily], documents: list[Document], registry: Registry | None = None, cues_found: dict[str, list[Credit]] | None = None
) -> dict[str, list[Credit]]:
    """Name the sources every member's own text credits near its passage, name the agency of wire
    families, and judge each copy's credit (an origin may credit a source too: the Associated Press
    for a statement it reports). ``cues_found`` holds the ``cue_credits`` of documents (by id)
    already searched; others are searched here. Returns the credits found in each member's document."""
    registry = registry or for_documents(documents)
    searched = cues_found or {}
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
    cues = {
        doc: (searched[doc] if doc in searched else cue_credits(by_id[doc].text, registry)) + link_credits(by_id[doc], registry) for doc in copied
    }
    lowered = {doc: by_id[doc].text.lower() if by_id[doc].text.isascii() else None for doc in copied}
    carriers = {by_id[doc].source for doc in copied}
    own_of = {source: own_names(source, registry) for source in carriers}
    agencies_named = {source: agencies_of(source, registry) for source in carriers}
    found = {doc: list(credits) for doc, credits in cues.items()}
    # A corpus has far fewer outlets than families, and many families share a member: the outlets
    # a family's origins name are compiled once per such set of outlets, and looked for in a member's
    # text once per member and set.
    names_of: dict[tuple[str, ...], list[tuple[Outlet, str, re.Pattern]]] = {}
    credits_of: dict[tuple[str, tuple[str, ...]], list[Credit]] = {}
    for family in families:
        origins = [family.origin.doc] if family.origin else family.candidates
        sources = [by_id[doc].source for doc in origins]
        # Without a dated origin, any member's outlet may be the one credited (see provenance.order).
        named = sources if origins else [by_id[m.doc].source for m in family.members[:MEMBERS_NAMED]]
        named = tuple(s for s in named if s)
        crediting: dict[str, set[str]] = {}
        near_of = []
        if named not in names_of:
            names_of[named] = outlet_names(named, registry)
        for member in family.members:
            if (member.doc, named) not in credits_of:
                outright = _named_in(by_id[member.doc].text, names_of[named], lowered[member.doc])
                found[member.doc].extend(outright)
                credits_of[member.doc, named] = _outermost(cues[member.doc] + outright)
            near = credits_near(credits_of[member.doc, named], member.start, member.end, copied[member.doc])
            own = own_of[by_id[member.doc].source]
            member.credited = sorted({c.name for c in near if c.name not in own})
            near_of.append(near)
            # An outlet named for an agency ("Gulf Times (AFP)") says its text is that agency's.
            for name in {c.name for c in near if c.agency} | agencies_named[by_id[member.doc].source]:
                crediting.setdefault(name, set()).add(member.doc)
        agencies = Counter({name: len(docs) for name, docs in crediting.items()})  # documents, not spans
        if agencies:
            # The agency most members credit; of those, the one credited earliest.
            first = {name: min(_time(by_id[doc]) for doc in docs) for name, docs in crediting.items()}
            agency = min(agencies, key=lambda name: (-agencies[name], first[name], name))
            outlet = registry.by_name(agency)
            family.wire = Wire(agency, outlet.full, sorted(crediting[agency]))
        for member, near in zip(family.members, near_of):
            if member.relation == COPY:
                member.credit = classify(near, sources, registry, family.wire.agency if family.wire else None)
    return {doc: _outermost(credits) for doc, credits in found.items()}
