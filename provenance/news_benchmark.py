"""A labeled benchmark of real news: the BBC's 2,225 articles (``provenance.bbc_news``) given to
eight fictional outlets, with the kinds of reuse real news has planted into them, and the ground
truth of each.

Every document is BBC prose, except the short lines that stand for site furniture and stock
formulas, written here as templates. The articles are cut into two disjoint halves, ``dev`` and
``heldout``; articles that share wording in the BBC's own corpus stay in one half and, at first,
with one outlet. The kinds of cases (``NewsCase.kind``):

- ``furniture``: a line an outlet repeats on some of its own pages, at the top or the bottom: an
  author box, an opinion-page disclaimer on about a tenth of its pages (one section), a newsletter
  promo, a contact or appeal line, a related-story teaser; some with a name or date that varies.
- ``stock-phrase``: a formula of 6-15 words that independent articles of different outlets share.
- ``shared-quote``: a speaker's words, taken from a BBC article's quotation (a remark, a
  statement of several sentences, or two remarks printed as a transcript), printed by two or
  three outlets in different articles, each framing them in its own words.
- ``stock-background``: one outlet's background paragraph, lightly edited, in 3-6 of its stories.
- ``wire``: an agency's story (a BBC article the corpus does not otherwise hold) carried with a
  credit by 2-4 outlets, each trimming it and changing a few words (``wire_benchmark``'s ways).
- ``copy``: sentences or a paragraph of one outlet's article lifted, uncredited, verbatim or lightly
  edited, into a later article of another outlet, some of them quotes with narrative around them;
  an outlet's update of its own story; and the BBC's own near-duplicate articles (one story filed
  twice), which stay in one outlet as a rerun or go to two outlets as a copy. ``parents`` says
  who copied whom.

The BBC articles also share wording short of a near-duplicate (an update around a quote, one
desk's stock paragraph, formulas): that is left in, unlabeled here, for labeling by hand.

Built from a seed and a split, the same on every machine with the same Python.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import numpy as np

from . import bbc_news
from .corpus import Document
from .dates import parse_published
from .normalize import tokenize
from .wire_benchmark import AGENCIES, CREDIT_STYLES
from .wire_benchmark import _Planter as _WirePlanter

KINDS = ("copy", "wire", "furniture", "stock-phrase", "shared-quote", "stock-background")
NEAR_DUPLICATE = 0.8  # share of the shorter article's 8-word sequences two BBC articles share
_GRAM = 8
_COMMON = 5  # an 8-word sequence in more articles than this is a formula, not a link
_START = datetime(2004, 1, 1, tzinfo=timezone.utc)
_DAYS = 730
_SENTENCE_END = re.compile(r'(?<=[.!?])\s+(?=["A-Z])|(?<=[.!?]")\s+(?=["A-Z])')
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Span:
    doc: str
    start: int
    end: int


@dataclass(frozen=True)
class NewsCase:
    """Reuse planted (or found in the BBC's own corpus): its kind and where it stands."""

    id: str
    kind: str  # one of KINDS
    spans: tuple[Span, ...]
    parents: tuple[tuple[str, str], ...] = ()  # for a copy: (document, the document it copied)
    agency: str = ""  # for wire copy: the agency whose story it is
    detail: str = ""  # what was planted: "opinion disclaimer", "lift light", "natural near-duplicate"


@dataclass(frozen=True)
class NewsBenchmark:
    documents: list[Document]
    cases: list[NewsCase]


@dataclass(frozen=True)
class NewsOutlet:
    name: str
    domain: str
    weights: tuple[float, ...]  # its share of each of bbc_news's categories, in CATEGORIES order


CATEGORIES = ("business", "entertainment", "politics", "sports", "tech")
SECTIONS = {"business": "business", "entertainment": "arts", "politics": "politics", "sports": "sport", "tech": "technology"}
OUTLETS = (
    NewsOutlet("The Northern Courier", "northerncourier.co.uk", (1, 1, 1, 1, 1)),
    NewsOutlet("Daily Ledger", "dailyledger.com", (2, 1, 1.5, 1, 1)),
    NewsOutlet("The Westminster Post", "westminsterpost.co.uk", (1, 0.5, 3, 0.5, 0.5)),
    NewsOutlet("Metro Chronicle", "metrochronicle.com", (0.7, 1.5, 0.7, 1.5, 0.7)),
    NewsOutlet("The Harbour Gazette", "harbourgazette.co.uk", (1, 1, 1, 1, 1)),
    NewsOutlet("The Market Observer", "marketobserver.com", (4, 0.2, 0.8, 0.1, 1)),
    NewsOutlet("TechPulse", "techpulse.net", (0.5, 0.5, 0.2, 0.1, 4)),
    NewsOutlet("Touchline Times", "touchlinetimes.co.uk", (0.1, 0.3, 0.1, 4, 0.1)),
)


@dataclass(frozen=True)
class Furniture:
    """A line an outlet prints on some of its pages. ``share`` is of all its pages, drawn from
    ``section`` alone when it has one; a teaser goes on a few pages of one section near in time."""

    outlet: int
    what: str
    where: str  # start | end
    template: str  # {name}, {email}, {date}, {title}, {section} vary
    share: float = 0.0
    section: str | None = None
    names: tuple[str, ...] = ()


FURNITURE = (
    Furniture(0, "opinion disclaimer", "end", "The views expressed in this column are the author's own and are not necessarily those of The Northern Courier.", 0.1, "politics"),
    Furniture(0, "contact line", "end", "Do you have a story for the Courier? Email newsdesk@northerncourier.co.uk or call our confidential news line on 0800 496 0172.", 0.15),
    Furniture(0, "published line", "end", "This article was first published by The Northern Courier on {date}. All rights reserved; no part of it may be reproduced without permission.", 1.0),
    Furniture(1, "newsletter promo", "end", "Sign up for the Daily Ledger Morning Briefing: the day's top stories and the best of our comment, delivered to your inbox before 7am every weekday.", 0.25),
    Furniture(1, "author box", "end", "{name} is the Daily Ledger's business correspondent. You can write to {name} at {email} or follow the business desk at dailyledger.com/business.", 0.12, "business", ("Helen Marsh", "David Okafor")),
    Furniture(1, "related teaser", "start", "Related story: {title}. Read the full report and the latest updates at dailyledger.com/{section}."),
    Furniture(2, "appeal line", "end", "Have your say on this story: email haveyoursay@westminsterpost.co.uk with your views, and please include your name and the town where you live.", 0.2, "politics"),
    Furniture(2, "opinion disclaimer", "end", "Opinions expressed in this piece belong to the writer alone and do not represent the editorial position of The Westminster Post.", 0.1, "business"),
    Furniture(2, "author box", "end", "{name} is a political correspondent at The Westminster Post, where they have covered Parliament and the parties since 1999.", 0.15, "politics", ("Sarah Whitlock", "James Ferrier", "Anand Kapoor")),
    Furniture(3, "newsletter promo", "end", "Never miss a story: get the Metro Chronicle evening newsletter with the day's news, sport and showbiz free in your inbox. Sign up at metrochronicle.com/email.", 0.3),
    Furniture(3, "appeal line", "end", "If you have been affected by the issues in this story, or have information to share, call the Metro Chronicle news team in confidence on 020 7946 0831.", 0.08),
    Furniture(3, "related teaser", "start", "Read more: {title}, and all the latest {section} news and pictures from the Metro Chronicle team."),
    Furniture(4, "published line", "start", "First published in The Harbour Gazette on {date} and updated since with the latest information from our reporters.", 0.35),
    Furniture(4, "opinion disclaimer", "end", "This is a comment piece. The views expressed are the writer's own and are not those of The Harbour Gazette or its owners.", 0.1, "entertainment"),
    Furniture(4, "contact line", "end", "Anyone with information about this story can contact the Harbour Gazette newsroom in confidence on 01632 960 447, or email tips@harbourgazette.co.uk.", 0.1),
    Furniture(5, "disclaimer", "end", "This article is for information only and is not investment advice. The Market Observer and its writers may hold shares in the companies mentioned.", 0.2, "business"),
    Furniture(5, "author box", "end", "{name} writes on markets and companies for The Market Observer and can be reached at {email} with tips and comments.", 0.2, "business", ("Peter Lindqvist", "Grace Adeyemi")),
    Furniture(5, "newsletter promo", "start", "For the latest market news, sign up to The Market Observer's daily briefing at marketobserver.com/briefing; it is free and you can unsubscribe at any time.", 0.12),
    Furniture(6, "affiliate note", "start", "TechPulse is supported by its readers. When you buy through links on our site, we may earn a small commission at no extra cost to you.", 0.15, "tech"),
    Furniture(6, "author box", "end", "{name} is TechPulse's senior technology reporter and has written about gadgets, games and the internet for more than ten years.", 0.25, "tech", ("Tom Brennan", "Mei Lin Ho")),
    Furniture(6, "related teaser", "start", "You might also like: {title}. Find more stories like this one in the {section} section of TechPulse."),
    Furniture(7, "promo", "end", "Follow every game as it happens with Touchline Times live text commentary, and get the results sent to your phone with our free match alerts.", 0.3, "sports"),
    Furniture(7, "opinion disclaimer", "end", "The opinions in this column are those of the writer and not necessarily those of the Touchline Times or its staff.", 0.1, "sports"),
    Furniture(7, "contact line", "end", "Got a sports story for us? Email sportsdesk@touchlinetimes.co.uk or call the Touchline Times sports desk on 0161 496 0318.", 0.06),
)

# Formulas independent writers share, the sections they suit, and where they stand: "tail" ends a
# sentence (", ..."), "lead" opens one ("..., the"), "sentence" stands alone.
STOCK_PHRASES = (
    ("amid growing fears over the health of the world economy", "business politics", "tail"),
    ("according to figures released by the Office for National Statistics", "business politics", "tail"),
    ("in a move that is likely to anger campaigners", "politics business tech", "tail"),
    ("the latest in a string of setbacks for the government", "politics", "tail"),
    ("despite repeated assurances from ministers", "politics", "tail"),
    ("a claim the company strongly denies", "business tech entertainment", "tail"),
    ("according to people familiar with the negotiations", "business sports", "tail"),
    ("just months before a general election expected in May", "politics business", "tail"),
    ("as the industry struggles to adapt to the internet age", "entertainment tech", "tail"),
    ("in a statement released to the stock exchange", "business", "tail"),
    ("amid concerns about rising levels of consumer debt", "business", "tail"),
    ("raising fresh questions about the future of the company", "business tech", "tail"),
    ("In the wake of the 11 September attacks on the United States", "business politics", "lead"),
    ("Speaking on condition of anonymity", "politics business sports", "lead"),
    ("In a move that surprised many in the City", "business", "lead"),
    ("With just weeks to go before polling day", "politics", "lead"),
    ("In a further blow to the embattled chief executive", "business", "lead"),
    ("Against a backdrop of rising oil prices and a weak dollar", "business", "lead"),
    ("For the first time since records began", "business entertainment sports", "lead"),
    ("In a brief statement issued by his lawyers", "entertainment sports politics", "lead"),
    ("The company did not immediately respond to a request for comment.", "business tech", "sentence"),
    ("Neither side would comment on the details of the talks.", "business sports politics", "sentence"),
    ("Further details are expected to be announced later this week.", "business politics sports tech entertainment", "sentence"),
    ("A spokesman for the Department of Trade and Industry declined to comment.", "business politics", "sentence"),
    ("Shares in the company closed slightly lower on the news.", "business tech", "sentence"),
    ("The full extent of the problem is not yet known.", "tech business politics", "sentence"),
    ("The announcement was welcomed by industry groups and consumer organisations.", "business tech", "sentence"),
    ("Tickets for the event are expected to sell out within hours.", "entertainment sports", "sentence"),
)
_LEAD_INTO = ("The ", "It ", "He ", "She ", "They ", "This ", "But ", "A ")

# How an outlet frames a speaker's words; {q} is the quotation without its closing punctuation.
QUOTE_FRAMES = (
    '{speaker} said: "{q}."',
    '"{q}," {speaker} told reporters.',
    'Speaking on {weekday}, {speaker} said: "{q}."',
    '{speaker} later added: "{q}."',
    '"{q}," {speaker} said in an interview.',
    'Asked about the matter, {speaker} replied: "{q}."',
    'In remarks reported on {weekday}, {speaker} said: "{q}."',
)
STATEMENT_FRAMES = (
    'In a statement, {speaker} said: "{q}."',
    'A statement issued on behalf of {speaker} read: "{q}."',
    '{speaker} said in a written statement: "{q}."',
)
TRANSCRIPT_FRAMES = ("A transcript of the remarks, released afterwards, reads:", "This is what {speaker} said, in full:", "The exchange, as recorded:")
_TITLE = r"(?:Mr|Mrs|Ms|Dr|Sir|Lord|Lady)"
_SPEAKER = rf"(?:{_TITLE} [A-Z][\w'-]+|[A-Z][a-z]+ [A-Z][\w'-]+)"
_QUOTED = [
    re.compile(rf'(?P<speaker>{_SPEAKER}) (?:said|told [^:"]{{1,40}}|added|says): "(?P<q>[^"]{{60,700}}?)[.!?]?"'),
    re.compile(rf'"(?P<q>[^"]{{60,700}}?)[,.!?]?" (?:said|says|added) (?P<speaker>{_SPEAKER})\b'),
    re.compile(rf'"(?P<q>[^"]{{60,700}}?)[,.!?]?" (?P<speaker>{_SPEAKER}) (?:said|says|added)\b'),
]
_NAMES = re.compile(r"\b[A-Z][a-z]{2,}\b")


# -- the BBC corpus: paragraphs, links between articles, the two halves ------------------------


@lru_cache(maxsize=1)
def _corpus() -> tuple[tuple[bbc_news.Article, ...], tuple[tuple[str, ...], ...]]:
    """The articles, and each one's paragraphs."""
    articles = tuple(bbc_news.articles())
    paragraphs = tuple(tuple(p.strip() for p in _PARAGRAPH_BREAK.split(a.body) if p.strip()) for a in articles)
    return articles, paragraphs


@lru_cache(maxsize=1)
def natural_links() -> dict[tuple[int, int], tuple[float, tuple[int, int], tuple[int, int]]]:
    """Pairs of BBC articles (by index, lower first) that share an 8-word sequence found in at
    most five articles: the pair's share of the shorter article's sequences, and the character
    span from the first to the last shared sequence in each (in its paragraphs joined by blank
    lines)."""
    _, paragraphs = _corpus()
    tokens = [tokenize("\n\n".join(p)) for p in paragraphs]
    vocabulary: dict[str, int] = {}
    ids = np.array([vocabulary.setdefault(w, len(vocabulary)) for t in tokens for w in t.words], dtype=np.int64)
    lengths = np.array([len(t) for t in tokens])
    doc = np.repeat(np.arange(len(tokens)), lengths)
    place = np.arange(len(ids)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    starts = np.flatnonzero(place <= np.repeat(lengths, lengths) - _GRAM)
    # Each sequence's number, made exact a word at a time: (number so far, next word) renumbered.
    key = ids[starts]
    for offset in range(1, _GRAM):
        key = np.unique(key * len(vocabulary) + ids[starts + offset], return_inverse=True)[1]
    doc, place = doc[starts], place[starts]
    first = np.unique(key * len(tokens) + doc, return_index=True)[1]  # once per article, where it first stands
    key, doc, place = key[first], doc[first], place[first]
    order = np.lexsort((doc, key))
    key, doc, place = key[order], doc[order], place[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    sizes = np.diff(np.r_[starts, len(key)])
    shared: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for start, size in zip(starts[(sizes > 1) & (sizes <= _COMMON)], sizes[(sizes > 1) & (sizes <= _COMMON)]):
        group = list(zip(doc[start : start + size].tolist(), place[start : start + size].tolist()))
        for i, (a, at_a) in enumerate(group):
            for b, at_b in group[i + 1 :]:
                shared[(a, b)].append((at_a, at_b))
    links = {}
    for (a, b), positions in shared.items():
        grams = min(len(tokens[a]), len(tokens[b])) - _GRAM + 1
        spans = []
        for doc_index, column in ((a, 0), (b, 1)):
            first, last = min(p[column] for p in positions), max(p[column] for p in positions)
            spans.append(tokens[doc_index].char_span(first, last + _GRAM))
        links[(a, b)] = (len(positions) / max(1, grams), spans[0], spans[1])
    return links


def _components(count: int, pairs) -> list[list[int]]:
    parent = list(range(count))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(count):
        groups[find(i)].append(i)
    return sorted(groups.values())


def split_articles(split: str) -> list[list[int]]:
    """The groups of linked articles (by index) in one half; a group never straddles the halves."""
    if split not in ("dev", "heldout"):
        raise ValueError(f"unknown split {split!r} (dev or heldout)")
    articles, _ = _corpus()
    groups = _components(len(articles), natural_links())
    random.Random(0).shuffle(groups)
    halves: tuple[list, list] = ([], [])
    sizes = [0, 0]
    for group in groups:
        side = 0 if sizes[0] <= sizes[1] else 1
        halves[side].append(group)
        sizes[side] += len(group)
    return halves[0] if split == "dev" else halves[1]


# -- pages under construction -----------------------------------------------------------------


class _Page:
    """A document being built: its text as segments, each with the cases it belongs to, so that
    inserting text anywhere keeps every case's span right."""

    def __init__(self, outlet: int, category: str, title: str, text: str, hours: float, article: int | None = None):
        self.outlet, self.category, self.title, self.hours, self.article = outlet, category, title, hours, article
        self.segments: list[list] = [[text, set()]]
        self.id = ""
        self.opening_credit = False  # a dateline, tag or byline stands at the top

    @property
    def text(self) -> str:
        return "".join(s[0] for s in self.segments)

    def _cut(self, offset: int) -> int:
        """Index of the segment that starts at ``offset``, splitting one if need be."""
        at = 0
        for i, (text, tags) in enumerate(self.segments):
            if at == offset:
                return i
            if at < offset < at + len(text):
                self.segments[i : i + 1] = [[text[: offset - at], set(tags)], [text[offset - at :], set(tags)]]
                return i + 1
            at += len(text)
        return len(self.segments)

    def tag(self, start: int, end: int, case: str) -> None:
        first, stop = self._cut(start), self._cut(end)
        for segment in self.segments[first:stop]:
            segment[1].add(case)

    def insert(self, offset: int, pieces: list[tuple[str, str | None]]) -> None:
        at = self._cut(offset)
        self.segments[at:at] = [[text, {case} if case else set()] for text, case in pieces]

    def replace(self, start: int, end: int, text: str) -> None:
        first, stop = self._cut(start), self._cut(end)
        self.segments[first:stop] = [[text, set()]]

    def untagged(self, start: int, end: int) -> bool:
        at = 0
        for text, tags in self.segments:
            if tags and at < end and at + len(text) > start:
                return False
            at += len(text)
        return True

    def span(self, case: str) -> tuple[int, int] | None:
        at, found = 0, []
        for text, tags in self.segments:
            if case in tags:
                found.append((at, at + len(text)))
            at += len(text)
        return (found[0][0], found[-1][1]) if found else None

    def paragraphs(self) -> list[tuple[int, int]]:
        text, bounds, start = self.text, [], 0
        for match in _PARAGRAPH_BREAK.finditer(text):
            bounds.append((start, match.start()))
            start = match.end()
        return bounds + [(start, len(text))]

    def add_paragraph(self, index: int, text: str, case: str | None) -> None:
        """Insert a paragraph before paragraph ``index`` (at the end when it is the count)."""
        self.add_pieces(index, [(text, case)])

    def add_pieces(self, index: int, pieces: list[tuple[str, str | None]]) -> None:
        """Insert a paragraph made of (text, case) pieces before paragraph ``index``."""
        bounds = self.paragraphs()
        if index >= len(bounds):
            self.insert(len(self.text), [("\n\n", None)] + pieces)
        else:
            self.insert(bounds[index][0], pieces + [("\n\n", None)])


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences of text[start:end]."""
    end = len(text) if end is None else end
    spans, at = [], start
    for match in _SENTENCE_END.finditer(text, start, end):
        spans.append((at, match.start()))
        at = match.end()
    return spans + [(at, end)] if at < end else spans


def _words(text: str) -> int:
    return len(text.split())


# -- the planter ------------------------------------------------------------------------------


def make_news_benchmark(seed: int = 1, split: str = "dev") -> NewsBenchmark:
    return _NewsPlanter(random.Random(seed), split).build()


class _NewsPlanter(_WirePlanter):
    """Plants into BBC pages; the wire benchmark's ways of trimming, changing and crediting a
    story, and the quality benchmark's light edits, with sentences of articles held back from
    the outlets (the reserve) where those need prose of their own."""

    def __init__(self, rng: random.Random, split: str):
        self.articles, self.article_paragraphs = _corpus()
        groups = split_articles(split)
        rng.shuffle(groups)
        singles = [g[0] for g in groups if len(g) == 1]
        # Held back from the outlets: agency stories and updates' new openings, and prose for
        # the wire planter's credit sentences.
        self.reserve, prose = singles[:80], singles[80:110]
        pool = [s for i in prose for p in self.article_paragraphs[i] for s in _sentence_texts(p) if '"' not in s and 12 <= _words(s) <= 40]
        super().__init__(rng, pool)
        held = set(singles[:110])
        self.groups = [g for g in groups if not (len(g) == 1 and g[0] in held)]
        self.pages: list[_Page] = []
        self.planted: list[tuple] = []  # (case, kind, pages, (copy page, parent page) pairs, agency, detail)
        self.busy: set[int] = set()  # pages already given planted content (by page index)
        self.next_case = 0
        self.article_names: dict[int, set[str]] = {}

    # pages and cases

    def new_page(self, outlet: int, category: str, title: str, text: str, hours: float, article: int | None = None) -> _Page:
        page = _Page(outlet, category, title, text, hours, article)
        self.pages.append(page)
        return page

    def case_id(self, kind: str) -> str:
        self.next_case += 1
        return f"{kind}-{self.next_case:04d}"

    def record(self, case: str, kind: str, pages: list[_Page], parents=(), agency: str = "", detail: str = "") -> None:
        self.planted.append((case, kind, pages, parents, agency, detail))

    def free(self, outlet: int | None = None, category: str | None = None, exclude=()) -> list[int]:
        """Pages of BBC articles with no planted content and no link to another article."""
        return [
            i for i, p in enumerate(self.pages)
            if i not in self.busy and p.article is not None and p.article in self.isolated
            and (outlet is None or p.outlet == outlet) and (category is None or p.category == category) and i not in exclude
        ]

    def nearest(self, index: int, others: list[int], count: int = 5) -> list[int]:
        """The ``count`` pages of ``others`` that name most of the names page ``index`` names (the
        same story, or the same beat), ties in random order."""
        names = self.names(index)
        ranked = sorted(others, key=lambda i: (-len(names & self.names(i)), self.rng.random()))
        return ranked[:count]

    def names(self, index: int) -> set[str]:
        """The capitalized words of the BBC article a page was made from."""
        article = self.pages[index].article
        if article not in self.article_names:
            self.article_names[article] = set(_NAMES.findall(self.articles[article].body))
        return self.article_names[article]

    def build(self) -> NewsBenchmark:
        self.assign_outlets()
        self.natural_copies()
        for _ in range(20):
            self.wire_story()
        for _ in range(30):
            self.lift()
        for _ in range(12):
            self.update()
        self.shared_quotes(plain=24, statements=6, transcripts=5)
        for _ in range(10):
            self.stock_background()
        for phrase, sections, mode in STOCK_PHRASES:
            self.stock_phrase(phrase, sections.split(), mode)
        for furniture in FURNITURE:
            for _ in range(2 if "teaser" in furniture.what else 1):
                self.furnish(furniture)
        return self.finish()

    def assign_outlets(self) -> None:
        """Each group of linked articles to one outlet, weighted by its first article's category."""
        links = natural_links()
        linked = {i for pair in links for i in pair}
        self.isolated = {g[0] for g in self.groups if len(g) == 1 and g[0] not in linked}
        self.page_of: dict[int, int] = {}
        for group in self.groups:
            category = self.articles[group[0]].category
            outlet = self.rng.choices(range(len(OUTLETS)), [o.weights[CATEGORIES.index(category)] for o in OUTLETS])[0]
            for article in group:
                a = self.articles[article]
                self.page_of[article] = len(self.pages)
                self.new_page(outlet, a.category, a.title, "\n\n".join(self.article_paragraphs[article]), self.rng.uniform(0, _DAYS * 24), article)

    def natural_copies(self) -> None:
        """The BBC's near-duplicate articles: the later ones copied the earliest, within hours or
        days; half of them went to another outlet."""
        links = natural_links()
        near = [(a, b) for (a, b), (share, _, _) in links.items() if share >= NEAR_DUPLICATE and a in self.page_of and b in self.page_of]
        members = {i for pair in near for i in pair}
        for group in _components(len(self.articles), near):
            if len(group) < 2 or not set(group) <= members:
                continue
            pages = [self.pages[self.page_of[a]] for a in group]
            first = min(pages, key=lambda p: p.hours)
            for page in pages:
                if page is not first:
                    page.hours = first.hours + self.rng.uniform(1, 72)
                    if self.rng.random() < 0.5:
                        page.outlet = self.rng.choice([o for o in range(len(OUTLETS)) if o != first.outlet])
            case = self.case_id("copy")
            for a, b in near:
                if a in group:
                    _, span_a, span_b = links[(a, b)]
                    self.pages[self.page_of[a]].tag(*span_a, case)
                    self.pages[self.page_of[b]].tag(*span_b, case)
            self.busy.update(self.page_of[a] for a in group)
            across = len({p.outlet for p in pages}) > 1
            self.record(case, "copy", pages, [(p, first) for p in pages if p is not first], detail="natural near-duplicate" + (" across outlets" if across else " rerun"))

    # wire copy

    def take_reserve(self, least_sentences: int, like: _Page | None = None) -> int | None:
        """A held-back article of at least so many sentences; with ``like``, the one of its
        category that names most of the names it names."""
        fit = [i for i, a in enumerate(self.reserve) if sum(len(_sentence_texts(p)) for p in self.article_paragraphs[a]) >= least_sentences]
        if like is not None:
            names = set(_NAMES.findall(like.text))
            fit = [i for i in fit if self.articles[self.reserve[i]].category == like.category]
            fit.sort(key=lambda i: -len(names & set(_NAMES.findall(self.articles[self.reserve[i]].body))))
        return self.reserve.pop(fit[0]) if fit else None

    def wire_story(self) -> None:
        article = self.take_reserve(10)
        if article is None:
            return
        agency = self.rng.choice(sorted(AGENCIES))
        story = [(n, s) for n, p in enumerate(self.article_paragraphs[article]) for s in _sentence_texts(p)]
        hours = self.rng.uniform(0, _DAYS * 24 - 48)
        case = self.case_id("wire")
        carriers = []
        for outlet in self.rng.sample(range(len(OUTLETS)), self.rng.randint(2, 4)):
            kept = self.trimmed(list(range(len(story))))
            changed = self.changed([story[i][1] for i in kept], self.rng.randint(1, 3))
            body = _joined([story[i][0] for i in kept], changed)
            before, after = self.credited("\x00", agency, self.rng.choice([s for s in CREDIT_STYLES if s != "none"])).split("\x00")
            page = self.new_page(outlet, self.articles[article].category, self.articles[article].title, "", hours + self.rng.uniform(0.5, 12))
            page.segments = [[before, set()], [body, {case}], [after, set()]]
            page.opening_credit = True
            carriers.append(page)
        self.busy.update(self.pages.index(p) for p in carriers)
        self.record(case, "wire", carriers, agency=agency, detail=f"{len(carriers)} carriers")

    # genuine copies

    def lift(self) -> None:
        """Sentences of one outlet's article lifted into a later article of another outlet."""
        category = self.rng.choice(CATEGORIES)
        candidates = self.free(category=category)
        if len(candidates) < 2:
            return
        a = self.rng.choice(candidates)
        hosts = [i for i in candidates if self.pages[i].outlet != self.pages[a].outlet]
        if not hosts:
            return
        b = self.rng.choice(self.nearest(a, hosts))
        source, host = sorted((self.pages[a], self.pages[b]), key=lambda p: p.hours)
        with_quote = self.rng.random() < 0.4
        passage = self.passage(source, with_quote)
        if passage is None:
            return
        start, end = passage
        level = self.rng.choice(("verbatim", "light"))
        case = self.case_id("copy")
        source.tag(start, end, case)
        host.add_paragraph(self.rng.randint(1, len(host.paragraphs())), self.edit(source.text[start:end], level), case)
        host.hours = max(host.hours, source.hours + self.rng.uniform(2, 48))
        self.busy.update((a, b))
        self.record(case, "copy", [source, host], [(host, source)], detail=f"lift {level}" + (" with quote" if with_quote else ""))

    def passage(self, page: _Page, with_quote: bool) -> tuple[int, int] | None:
        """1-4 sentences of one paragraph (at least 15 words), with a quoted sentence and a
        narrative one among them when ``with_quote``; None when the page has none such."""
        text = page.text
        options = []
        for start, end in page.paragraphs()[1:]:
            spans = sentences(text, start, end)
            # A sentence is quoted speech when it holds a quotation mark or stands inside a quotation.
            quoted = ['"' in text[s:e] or text.count('"', start, s) % 2 == 1 for s, e in spans]
            for first in range(len(spans)):
                for last in range(first, min(first + 4, len(spans))):
                    speech = sum(quoted[first : last + 1])
                    if _words(text[spans[first][0] : spans[last][1]]) >= 15 and (0 < speech <= last - first if with_quote else not speech):
                        options.append((spans[first][0], spans[last][1]))
        return self.rng.choice(options) if options else None

    def update(self) -> None:
        """An outlet's update of its own story: a new opening paragraph, the story after it with
        its end cut and a few words changed."""
        candidates = self.free()
        if not candidates:
            return
        index = self.rng.choice(candidates)
        old = self.pages[index]
        lead_article = self.take_reserve(3, like=old)
        if lead_article is None:
            return
        paragraphs = old.paragraphs()
        kept = paragraphs[: max(2, len(paragraphs) - self.rng.randint(0, 2))]
        start, end = kept[0][0], kept[-1][1]
        case = self.case_id("copy")
        old.tag(start, end, case)
        story = [(n, s) for n, (ps, pe) in enumerate(kept) for s in _sentence_texts(old.text[ps:pe])]
        body = _joined([n for n, _ in story], self.changed([s for _, s in story], self.rng.randint(1, 3)))
        new = self.new_page(old.outlet, old.category, old.title, "", old.hours + self.rng.uniform(3, 30))
        new.segments = [[self.article_paragraphs[lead_article][0] + "\n\n", set()], [body, {case}]]
        self.busy.update((index, len(self.pages) - 1))
        self.record(case, "copy", [old, new], [(new, old)], detail="update")

    # shared quotes

    def quotations(self) -> list[tuple[int, str, str, tuple[int, int], str]]:
        """(page, speaker, words, span, form) of the quotations of free pages that name their
        speaker: a remark, a statement (two sentences or more) or a transcript (two remarks of one
        speaker in one article, the words joined by a NUL)."""
        found = []
        for index in self.free():
            text = self.pages[index].text
            remarks = []
            for start, end in self.pages[index].paragraphs():
                match = next(filter(None, (pattern.search(text, start, end) for pattern in _QUOTED)), None)
                words = match.group("q").rstrip(" .,;!?") if match else ""
                if _words(words) >= 14:
                    remarks.append((match.group("speaker"), words, match.start("q"), match.start("q") + len(words)))
            for speaker, words, start, end in remarks:
                form = "statement" if len(sentences(words)) >= 2 and _words(words) >= 30 else "remark"
                found.append((index, speaker, words, (start, end), form))
            for (speaker, words, start, _), (other, more, _, end) in zip(remarks, remarks[1:]):
                if speaker == other:
                    found.append((index, speaker, f"{words}\x00{more}", (start, end), "transcript"))
        return found

    def shared_quotes(self, plain: int, statements: int, transcripts: int) -> None:
        found = self.quotations()
        self.rng.shuffle(found)
        wanted = {"remark": plain, "statement": statements, "transcript": transcripts}
        for index, speaker, words, span, form in found:
            if wanted[form] <= 0 or index in self.busy:
                continue
            page = self.pages[index]
            surname = speaker.split()[-1]
            others = [i for i in self.free(category=page.category, exclude={index}) if self.pages[i].outlet != page.outlet]
            others = [i for i in others if surname in self.pages[i].text] + self.nearest(index, [i for i in others if surname not in self.pages[i].text], len(others))
            hosts, outlets, count = [], {page.outlet}, self.rng.choice((1, 1, 2))
            for i in others:
                if self.pages[i].outlet not in outlets:
                    hosts.append(i)
                    outlets.add(self.pages[i].outlet)
                if len(hosts) == count:
                    break
            if not hosts:
                continue
            wanted[form] -= 1
            case = self.case_id("shared-quote")
            page.tag(*span, case)
            for i in hosts:
                host = self.pages[i]
                at = self.rng.randint(1, len(host.paragraphs()))
                if form == "transcript":
                    first, second = words.split("\x00")
                    host.add_paragraph(at, self.rng.choice(TRANSCRIPT_FRAMES).format(speaker=speaker), None)
                    host.add_paragraph(at + 1, f"{speaker.upper()}: {first}.", case)
                    host.add_paragraph(at + 2, f"{speaker.upper()}: {second}.", case)
                else:
                    frame = self.rng.choice(STATEMENT_FRAMES if form == "statement" else QUOTE_FRAMES)
                    weekday = self.rng.choice(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"))
                    before, after = frame.format(speaker=speaker, weekday=weekday, q="\x00").split("\x00")
                    host.add_pieces(at, [(before, None), (words, case), (after, None)])
            self.busy.update([index] + hosts)
            self.record(case, "shared-quote", [page] + [self.pages[i] for i in hosts], detail=form)

    # an outlet's stock background

    def stock_background(self) -> None:
        outlet = self.rng.randrange(len(OUTLETS))
        category = max(CATEGORIES, key=lambda c: OUTLETS[outlet].weights[CATEGORIES.index(c)] * self.rng.random())
        candidates = self.free(outlet, category)
        options = [
            (i, start, end) for i in candidates for start, end in self.pages[i].paragraphs()[1:]
            if '"' not in self.pages[i].text[start:end] and 35 <= _words(self.pages[i].text[start:end]) <= 90
        ]
        if not options:
            return
        index, start, end = self.rng.choice(options)
        page = self.pages[index]
        paragraph = page.text[start:end]
        hosts = self.nearest(index, [i for i in candidates if i != index], self.rng.randint(2, 5))
        if len(hosts) < 2:
            return
        case = self.case_id("stock-background")
        page.tag(start, end, case)
        for i in hosts:
            host = self.pages[i]
            host.add_paragraph(max(1, len(host.paragraphs()) - self.rng.randint(0, 1)), self.edit(paragraph, "light"), case)
        self.busy.update([index] + hosts)
        self.record(case, "stock-background", [page] + [self.pages[i] for i in hosts], detail=f"{1 + len(hosts)} stories")

    # stock phrases and furniture, planted last, into text no other case holds

    def stock_phrase(self, phrase: str, sections: list[str], mode: str) -> None:
        hosts, outlets = [], set()
        order = list(range(len(self.pages)))
        self.rng.shuffle(order)
        wanted = self.rng.randint(2, 4)
        case = self.case_id("stock-phrase")
        for index in order:
            page = self.pages[index]
            if page.outlet in outlets or page.article is None or page.category not in sections:
                continue
            text = page.text
            # Outside quotations: an even count of quotation marks before it in its paragraph.
            spans = [(s, e) for ps, pe in page.paragraphs()[1:] for s, e in sentences(text, ps, pe)
                     if page.untagged(s, e) and _words(text[s:e]) >= 8 and '"' not in text[s:e] and text[e - 1] == "." and text.count('"', ps, s) % 2 == 0]
            if mode == "lead":
                spans = [(s, e) for s, e in spans if text[s:e].startswith(_LEAD_INTO)]
            if not spans:
                continue
            start, end = self.rng.choice(spans)
            if mode == "tail":
                page.insert(end - 1, [(", ", None), (phrase, case)])
            elif mode == "lead":
                page.replace(start, start + 1, text[start].lower())
                page.insert(start, [(phrase, case), (", ", None)])
            else:
                page.insert(end, [(" ", None), (phrase, case)])
            hosts.append(page)
            outlets.add(page.outlet)
            if len(hosts) == wanted:
                break
        self.record(case, "stock-phrase", hosts, detail=mode)

    def furnish(self, furniture: Furniture) -> None:
        outlet_pages = [p for p in self.pages if p.outlet == furniture.outlet]
        target = None
        eligible = [p for p in outlet_pages if furniture.section in (None, p.category) and not (furniture.where == "start" and p.opening_credit)]
        if "teaser" in furniture.what:
            # One story's teaser on a few pages of its section, published near it in time.
            target = self.rng.choice(eligible)
            section_pages = sorted((p for p in eligible if p.category == target.category and p is not target), key=lambda p: abs(p.hours - target.hours))
            chosen = section_pages[: self.rng.randint(3, 8)]
        else:
            chosen = self.rng.sample(eligible, min(len(eligible), max(3, round(furniture.share * len(outlet_pages)))))
        if len(chosen) < 2:
            return
        case = self.case_id("furniture")
        for page in chosen:
            name = self.rng.choice(furniture.names) if furniture.names else ""
            line = furniture.template.format(
                name=name, email=f"{name.split(' ')[0].lower()}.{name.split(' ')[-1].lower()}@{OUTLETS[furniture.outlet].domain}" if name else "",
                date=_day(page.hours), title=target.title if target else "", section=SECTIONS[page.category],
            )
            page.add_paragraph(0 if furniture.where == "start" else len(page.paragraphs()), line, case)
        self.record(case, "furniture", chosen, detail=furniture.what + (" (varies)" if "{" in furniture.template else ""))

    # the documents and the truth

    def finish(self) -> NewsBenchmark:
        counts: dict[int, int] = defaultdict(int)
        for page in sorted(self.pages, key=lambda p: (p.outlet, p.hours)):
            counts[page.outlet] += 1
            page.id = f"{OUTLETS[page.outlet].domain.split('.')[0]}-{counts[page.outlet]:04d}"
        documents = []
        for page in sorted(self.pages, key=lambda p: p.id):
            outlet = OUTLETS[page.outlet]
            moment = _START + timedelta(hours=page.hours)
            slug = re.sub(r"[^a-z0-9]+", "-", page.title.lower()).strip("-")
            documents.append(Document(
                id=page.id, text=page.text, source=outlet.name, title=page.title,
                url=f"https://www.{outlet.domain}/{SECTIONS[page.category]}/{moment:%Y/%m/%d}/{slug}",
                published=parse_published(moment.replace(microsecond=0, second=0).isoformat()),
            ))
        cases = []
        for case, kind, pages, parents, agency, detail in self.planted:
            spans = tuple(Span(p.id, *p.span(case)) for p in pages if p.span(case))
            if len({s.doc for s in spans}) >= 2:
                cases.append(NewsCase(case, kind, spans, tuple((copy.id, parent.id) for copy, parent in parents), agency, detail))
        return NewsBenchmark(documents, cases)


def _sentence_texts(paragraph: str) -> list[str]:
    """The sentences of a paragraph, but for one-word headings ("Mr X:", "Verdict")."""
    return [paragraph[s:e] for s, e in sentences(paragraph) if _words(paragraph[s:e]) > 1]


def _joined(paragraph_numbers: list[int], texts: list[str]) -> str:
    """Sentences joined back into paragraphs: one space within a paragraph, a blank line between."""
    out = ""
    for i, (number, text) in enumerate(zip(paragraph_numbers, texts)):
        out += ("" if i == 0 else " " if number == paragraph_numbers[i - 1] else "\n\n") + text
    return out


def _day(hours: float) -> str:
    moment = _START + timedelta(hours=hours)
    return f"{moment.day} {moment:%B %Y}"
