"""A labeled benchmark of who copied whom: wire stories, blogs that lift a carrier's version, and
chains of copies, planted into real English prose (the sentences of ``provenance.benchmark``).

- **Wire stories.** An agency's story (its own text never in the corpus) is carried by 2-4 outlets.
  Each carrier trims it (drops its tail and a sentence or two inside), changes a few words its own
  way, and credits the agency in one of the ways news does (a dateline tag "MOSCOW (AP) -", a
  byline "By The Associated Press", "..., according to Reuters.", a slug "AFP /Moscow") or not at
  all. Every carrier is the agency's copy.
- **Lifts.** A blog lifts 2-4 sentences of one carrier's version, that carrier's changes included,
  into its own text, and credits the carrier's outlet or nobody: it copied that carrier.
- **Chains.** An outlet's own story is copied by a second outlet that changes a few words, and that
  version by a third, which keeps the second's changes and adds its own: the third copied the
  second.

Built from a seed and a split ("dev" or "heldout": disjoint halves of the prose), the same on every
machine with the same Python.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from . import benchmark
from .benchmark import SWAPS, prose_sentences
from .corpus import Document
from .dates import parse_published
from .evaluate import Detection
from .scan import ScanResult

CARRIER, LIFT, CHAIN = "carrier", "lift", "chain"
# Agencies as stories name them: the tag in a dateline, the byline, the name in running text.
AGENCIES = {
    "AP": ("AP", "The Associated Press", "the Associated Press"),
    "AFP": ("AFP", "Agence France-Presse", "AFP"),
    "Reuters": ("Reuters", "Reuters", "Reuters"),
    "UPI": ("UPI", "United Press International", "UPI"),
    "dpa": ("dpa", "Deutsche Presse-Agentur", "dpa"),
    "Kyodo": ("Kyodo", "Kyodo News", "Kyodo News"),
}
CREDIT_STYLES = ("dateline", "byline", "according to", "slug", "none")
CITIES = ("MOSCOW", "SYDNEY", "BERLIN", "TOKYO", "NAIROBI", "LIMA", "CAIRO", "OTTAWA")
_EPOCH = datetime(2017, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class LineageCase:
    """A planted copy: ``doc`` copied ``parent`` (a document), or the agency when ``parent`` is empty."""

    doc: str
    role: str  # carrier | lift | chain
    story: int
    parent: str = ""
    agency: str = ""  # the story's agency, for carriers and lifts
    credits_agency: bool = False  # the carrier's own text credits the agency


@dataclass(frozen=True)
class WireBenchmark:
    documents: list[Document]
    cases: list[LineageCase]


def make_wire_benchmark(seed: int = 1, split: str = "dev", stories: int = 40, chains: int = 20) -> WireBenchmark:
    pool = list(prose_sentences())
    random.Random(0).shuffle(pool)
    half = len(pool) // 2
    pool = pool[:half] if split == "dev" else pool[half:]
    return _Planter(random.Random(seed), pool).build(stories, chains)


class _Planter(benchmark._Planter):
    """Plants as the quality benchmark does, from the same prose, with stories of its own."""

    def __init__(self, rng: random.Random, pool: list[str]):
        super().__init__(rng, pool)
        self.outlets = 0

    def sentences(self, count: int) -> list[str]:
        return self.own_sentences(count)

    def add(self, text: str, hours: float, prefix: str) -> Document:
        self.outlets += 1
        doc = Document(
            id=f"{prefix}{len(self.documents):04d}", text=text, source=f"{prefix.capitalize()} Outlet {self.outlets}",
            published=parse_published((_EPOCH + timedelta(hours=hours)).isoformat()),
        )
        self.documents.append(doc)
        return doc

    def build(self, stories: int, chains: int) -> WireBenchmark:
        for story in range(stories):
            self.wire_story(story, hours=story * 48.0)
        for chain in range(chains):
            self.chain(stories + chain, hours=(stories + chain) * 48.0)
        return WireBenchmark(self.documents, self.cases)

    def wire_story(self, story: int, hours: float) -> None:
        agency = self.rng.choice(sorted(AGENCIES))
        wire = self.sentences(self.rng.randint(12, 18))
        carriers = []
        for _ in range(self.rng.randint(2, 4)):
            carried = self.trimmed(wire)
            changed = self.changed(carried, self.rng.randint(1, 3))
            style = self.rng.choice(CREDIT_STYLES)
            text = self.credited(" ".join(changed), agency, style)
            if self.rng.random() < 0.3:  # the carrier's own closing line
                text += " " + self.sentences(1)[0]
            doc = self.add(text, hours + self.rng.uniform(1, 8), "car")
            carriers.append((doc, carried, changed))
            self.cases.append(LineageCase(doc.id, CARRIER, story, "", agency, style != "none"))
        for _ in range(self.rng.randint(0, 2)):
            doc, carried, changed = self.rng.choice(carriers)
            lifted = self.lifted(carried, changed)
            own = self.sentences(self.rng.randint(4, 7))
            cut = self.rng.randint(1, len(own) - 1)
            credit = [f"This account follows reporting by {doc.source}."] if self.rng.random() < 0.33 else []
            text = " ".join(own[:cut] + lifted + credit + own[cut:])
            blog = self.add(text, (doc.published.start - _EPOCH).total_seconds() / 3600 + self.rng.uniform(2, 24), "blog")
            self.cases.append(LineageCase(blog.id, LIFT, story, doc.id, agency))

    def chain(self, story: int, hours: float) -> None:
        own = self.sentences(self.rng.randint(10, 14))
        first = self.add(" ".join(own), hours, "own")
        start = self.rng.randrange(0, len(own) - 5)
        passage = own[start : start + self.rng.randint(3, 5)]
        middle_version = self.changed(passage, 2)
        middle = self.add(" ".join(self.sentences(3) + middle_version + self.sentences(3)), hours + self.rng.uniform(2, 10), "mid")
        keep = {w for s in middle_version for w in s.split(" ")} - {w for s in passage for w in s.split(" ")}
        last_version = self.changed(middle_version, 1, keep)
        last = self.add(" ".join(self.sentences(3) + last_version + self.sentences(3)), hours + self.rng.uniform(12, 30), "last")
        self.cases.append(LineageCase(middle.id, CHAIN, story, first.id))
        self.cases.append(LineageCase(last.id, CHAIN, story, middle.id))

    def trimmed(self, wire: list[str]) -> list[str]:
        """The story as one outlet runs it: its tail dropped, and one or two sentences inside."""
        kept = wire[: self.rng.randint(max(8, len(wire) - 5), len(wire))]
        for _ in range(self.rng.randint(1, 2)):
            del kept[self.rng.randrange(1, len(kept) - 1)]
        return kept

    def changed(self, sentences: list[str], count: int, keep: set[str] = frozenset()) -> list[str]:
        """The sentences with ``count`` words changed: synonyms where it can, else other words."""
        out = list(sentences)
        reverse = {v: k for k, v in SWAPS.items()}
        for _ in range(count):
            i = self.rng.randrange(len(out))
            words = out[i].split(" ")
            known = [j for j, w in enumerate(words) if (w in SWAPS or w in reverse) and w not in keep]
            j = self.rng.choice(known) if known else self.rng.randrange(1, len(words))
            if words[j] in keep:
                continue
            words[j] = SWAPS.get(words[j]) or reverse.get(words[j]) or self.rng.choice(self.rng.choice(self.pool).split()).strip(".,;:()\"'").lower() or "the"
            out[i] = " ".join(words)
        return out

    def lifted(self, carried: list[str], changed: list[str]) -> list[str]:
        """2-4 sentences of a carrier's version, one of its changed sentences among them."""
        count = self.rng.randint(2, 4)
        edited = [i for i, (a, b) in enumerate(zip(carried, changed)) if a != b] or [0]
        at = self.rng.choice(edited)
        start = max(0, min(at - self.rng.randrange(count), len(changed) - count))
        return changed[start : start + count]

    def credited(self, text: str, agency: str, style: str) -> str:
        tag, byline, running = AGENCIES[agency]
        city = self.rng.choice(CITIES)
        if style == "dateline":
            return f"{city} ({tag}) - {text}"
        if style == "byline":
            return f"By {byline}\n\n{text}"
        if style == "according to":
            return f"{self.sentences(1)[0][:-1]}, according to {running}. {text}"
        if style == "slug":
            return f"{tag} /{city.capitalize()}\n\n{text}"
        return text


@dataclass(frozen=True)
class LineageScores:
    carriers: int
    carriers_not_said_copied: float  # carriers never said to be copied from another carrier
    carriers_found: float  # carriers in a family with another carrier of their story
    lifts: int
    lifts_naming_carrier: float  # by name, or listed where the texts cannot tell
    lifts_naming_carrier_strict: float  # by name
    wire_families: int
    wire_families_naming_agency: float  # families of a credited story that name its agency
    chains: int
    chains_right: float  # the copy of a copy names the middle copy (or lists it, where ambiguous)


def score_lineage(result: ScanResult, cases: list[LineageCase]) -> LineageScores:
    members: dict[str, list] = {}
    for family in result.families:
        for member in family.members:
            members.setdefault(member.doc, []).append((family, member))
    carriers_of: dict[int, set[str]] = {}
    for case in cases:
        if case.role == CARRIER:
            carriers_of.setdefault(case.story, set()).add(case.doc)

    def detection(member) -> Detection:
        return Detection(member.doc, member.start, member.end, None, member.copied_from, None, tuple(member.copied_from_candidates), member.copied_from_basis)

    carriers = [c for c in cases if c.role == CARRIER]
    not_said = found = 0
    for case in carriers:
        others = carriers_of[case.story] - {case.doc}
        mine = [(f, m) for f, m in members.get(case.doc, []) if any(x.doc in others for x in f.members)]
        found += bool(mine)
        not_said += not any(m.copied_from in others for _, m in mine)
    lifts = [c for c in cases if c.role == LIFT]
    lift_right = lift_strict = 0
    for case in lifts:
        mine = [m for f, m in members.get(case.doc, []) if any(x.doc == case.parent for x in f.members)]
        if mine:
            member = max(mine, key=lambda m: m.end - m.start)
            lift_right += detection(member).names_source(case.parent)
            lift_strict += member.copied_from == case.parent
    credited_stories = {c.story: c.agency for c in carriers if c.credits_agency}
    wire_families = {}
    for family in result.families:
        stories = {c.story for c in carriers if c.story in credited_stories and any(m.doc == c.doc for m in family.members)}
        for story in stories:
            if sum(m.doc in carriers_of[story] for m in family.members) >= 2:
                wire_families[family.id] = family.wire is not None and family.wire.agency == credited_stories[story]
    chains = [c for c in cases if c.role == CHAIN and c.parent.startswith("mid")]
    chain_right = 0
    for case in chains:
        mine = [m for f, m in members.get(case.doc, []) if any(x.doc == case.parent for x in f.members)]
        chain_right += bool(mine) and detection(max(mine, key=lambda m: m.end - m.start)).names_source(case.parent)
    share = lambda n, d: n / d if d else 1.0
    return LineageScores(
        len(carriers), share(not_said, len(carriers)), share(found, len(carriers)),
        len(lifts), share(lift_right, len(lifts)), share(lift_strict, len(lifts)),
        len(wire_families), share(sum(wire_families.values()), len(wire_families)),
        len(chains), share(chain_right, len(chains)),
    )
