"""Pre-publication check: which passages of a draft already exist in an archive, and may it run?

A draft is scanned together with the (at most ``CANDIDATES``) archive documents that share the
most band keys with it, through the same pipeline as ``scan``; the draft counts as published now,
so every family it shares names an archive document as origin. Each passage of the draft in a family is then judged by the policy:

- ``shared-quote``: the passage is speech the archive quotes too (``provenance.quotes``), never failing;
- ``stock``: the passage is the outlet's own stock text, repeated from its own earlier stories
  (``provenance.stock``; the draft's source is the archive documents'), never failing;
- ``allowed``: the origin's outlet, or the agency of wire copy, is one the newsroom licenses
  (``allow``, by any of its names: "AP" allows "The Associated Press"), reported, never failing,
  whether or not the draft credits it;
- ``credited``: the draft names the origin's outlet, or the agency of wire copy, near the passage,
  in its own words ("(AFP)", "according to AFP", "AFP reported"; see ``provenance.credit``); fails
  only under ``strict``;
- ``credited-elsewhere``: the draft credits other sources only near the passage; fails only under
  ``strict``, like a credit;
- ``uncredited``: no credit at all.

A draft fails when its uncredited share is above ``max_share`` (0 by default: any uncredited passage).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from .align import AlignParams
from .attribute import SHARED_QUOTE, STOCK, ReuseFamily, union_length
from .corpus import CorpusError, Document, read_directory, read_page, read_text
from .dates import parse_published
from .pages import HTML_SUFFIXES
from .credit import CREDITED, CREDITED_ELSEWHERE, UNCREDITED, classify, credits_near, find_credits
from .index import ArchiveIndex
from .outlets import Registry, for_documents
from .scan import ScanParams, scan

CANDIDATES = 50  # archive documents scanned with a draft, those sharing the most keys first
ALLOWED = "allowed"
QUOTE = "shared-quote"  # the same speaker quoted in the archive: reported, never failing
STOCK_TEXT = "stock"  # the outlet's own stock text in its own archive: reported, never failing


@dataclass(frozen=True)
class Policy:
    min_words: int = AlignParams.min_words
    max_share: float = 0.0
    allow: tuple[str, ...] = ()
    strict: bool = False


@dataclass
class Origin:
    doc: str
    source: str | None
    published: str | None
    start: int
    end: int


@dataclass
class DraftPassage:
    start: int  # in the draft
    end: int
    origin: Origin | None  # None when the archive's own copies are undated or tied
    origin_status: str
    matched: list[str]  # every archive document that has the passage
    similarity: float
    status: str  # shared-quote | allowed | credited | credited-elsewhere | uncredited
    wire: str | None = None  # the agency, when the archive holds the passage as its wire copy


@dataclass
class DraftReport:
    draft: Document
    passages: list[DraftPassage] = field(default_factory=list)
    reused_chars: int = 0
    failing_chars: int = 0  # the characters the policy counts against the draft
    failed: bool = False

    @property
    def reused_share(self) -> float:
        return self.reused_chars / len(self.draft.text)

    @property
    def failing_share(self) -> float:
        return self.failing_chars / len(self.draft.text)


def load_drafts(paths: list[Path], fallback_encoding: str | None = None) -> list[Document]:
    """Drafts from files (an .html page's main text, any other file as text) and folders (their
    .txt/.md/.html files); each is dated now."""
    now = parse_published(datetime.now(timezone.utc).isoformat())
    drafts: list[Document] = []
    for path in paths:
        if path.is_dir():
            found = list(read_directory(path, fallback_encoding))
        elif path.is_file() and path.suffix.lower() in HTML_SUFFIXES:
            page = read_page(path, fallback_encoding)
            found = [Document(path.name, page.text, location=str(path), extracted_from="html", links=page.links)]
        elif path.is_file():
            found = [Document(path.name, read_text(path, fallback_encoding), location=str(path))]
        else:
            raise CorpusError(f"{path}: no such file or directory")
        for draft in found:
            draft.published = now
            if draft.text.strip():
                drafts.append(draft)
    if not drafts:
        raise CorpusError(f"{', '.join(map(str, paths))}: no draft with text")
    return drafts


def _allowed(source: str | None, allow: tuple[str, ...], registry: Registry) -> bool:
    """Whether an outlet or agency is licensed: named in ``allow`` as written or by any of its names."""
    if not source:
        return False
    if any(a.casefold() in source.casefold() for a in allow):
        return True
    allowed = {outlet.name for a in allow if (outlet := registry.resolve(a)) is not None}
    return bool(allowed & registry.names_of(source))


def check_draft(draft: Document, index: ArchiveIndex, policy: Policy = Policy(), params: ScanParams | None = None) -> DraftReport:
    params = params or index.params
    params = replace(params, align=replace(params.align, min_words=policy.min_words))
    archive = [doc for doc in index.candidates(draft.text, limit=CANDIDATES) if doc.id != draft.id]
    # Copies of a passage elsewhere in the archive join its family through the draft's own span,
    # so only the draft's pairs need aligning.
    result = scan([draft] + archive, params, hasher=index.hasher, focus=0, frequencies=index.frequencies())
    by_id = {doc.id: doc for doc in archive}
    report = DraftReport(draft)
    mine = [(family, member) for family in result.families for member in family.members if member.doc == draft.id]
    copied = [(member.start, member.end) for _, member in mine]  # a credit inside them came with the copy
    registry = for_documents([draft] + archive)
    for family, member in mine:
        report.passages.append(_judge(draft, member, family, by_id, policy, copied, registry))
    report.passages.sort(key=lambda p: p.start)
    report.reused_chars = union_length([(p.start, p.end) for p in report.passages])
    counted = {UNCREDITED, CREDITED, CREDITED_ELSEWHERE} if policy.strict else {UNCREDITED}
    report.failing_chars = union_length([(p.start, p.end) for p in report.passages if p.status in counted])
    report.failed = report.failing_chars > 0 and report.failing_share > policy.max_share
    return report


def _judge(
    draft: Document, member, family: ReuseFamily, archive: dict[str, Document], policy: Policy, copied: list[tuple[int, int]],
    registry: Registry,
) -> DraftPassage:
    matched = sorted({m.doc for m in family.members if m.doc != draft.id})
    origin = None
    if family.origin is not None and family.origin.doc != draft.id:
        doc = archive[family.origin.doc]
        origin = Origin(doc.id, doc.source, doc.published.label if doc.published else None, family.origin.start, family.origin.end)
    # Without a known origin, any archive copy's outlet may be the one to credit or allow.
    sources = [origin.source] if origin else [archive[d].source for d in matched]
    wire = family.wire.agency if family.wire else None
    if family.kind == SHARED_QUOTE:
        status = QUOTE
    elif family.kind == STOCK:
        status = STOCK_TEXT
    elif any(_allowed(s, policy.allow, registry) for s in sources + [wire]):
        status = ALLOWED
    elif member.credit is not None:  # judged by the scan, wire agency included
        status = member.credit
    else:
        credits = find_credits(draft.text, [s for s in sources if s], registry)
        status = classify(credits_near(credits, member.start, member.end, copied), sources, registry, wire)
    return DraftPassage(member.start, member.end, origin, family.origin_status, matched, member.similarity, status, wire)
