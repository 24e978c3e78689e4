"""A scan as one self-contained HTML page: a section per family, its members side by side with the
shared text highlighted, and the family's spread drawn as an inline SVG timeline (one lane per
outlet, arrows for who copied whom).

The page loads nothing (no script, font or style from elsewhere), so it opens offline and can be
mailed. Every piece of document text and metadata is escaped; a document's URL becomes a link
only when it is http(s).
"""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from urllib.parse import urlsplit

from .attribute import COPIED, ORIGIN, SHARED_QUOTE, STOCK, Member, ReuseFamily
from .corpus import Document
from .report import DOCUMENT_COLUMNS, document_rows, excerpt, upstream_label
from .scan import ScanResult

CONTEXT = 240  # characters shown on each side of a highlighted passage

# Timeline geometry, in SVG user units.
WIDTH = 900
LANE_LABEL = 170  # left margin that holds the outlet names
UNDATED_GUTTER = 90  # right margin for members with no date
LANE_HEIGHT = 34
AXIS_HEIGHT = 30
DOT = 6

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #1c1c1c; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2.2em; border-top: 1px solid #ccc; padding-top: 1em; }
table { border-collapse: collapse; font-size: 0.9em; } th, td { text-align: left; padding: 0.2em 0.7em; border-bottom: 1px solid #e3e3e3; }
.members { display: flex; gap: 1em; overflow-x: auto; align-items: stretch; padding-bottom: 0.5em; }
.member { flex: 0 0 360px; border: 1px solid #ccc; border-radius: 6px; padding: 0.7em 0.9em; background: #fafafa; }
.member.origin { border-color: #2a6f3e; background: #f3faf5; }
.member header { font-size: 0.85em; color: #444; margin-bottom: 0.5em; }
.member header b { color: #000; font-size: 1.05em; }
.text { white-space: pre-wrap; font-family: Georgia, serif; font-size: 0.95em; }
mark { background: #ffd54f; color: inherit; padding: 0 1px; }
.edits { font-size: 0.85em; color: #6b2c2c; margin-top: 0.5em; }
.muted { color: #777; }
svg.timeline { display: block; margin: 0.8em 0; background: #fff; border: 1px solid #eee; }
svg text { font: 11px system-ui, sans-serif; fill: #333; }
"""


def to_html(result: ScanResult) -> str:
    """The whole report page."""
    by_id = {doc.id: doc for doc in result.documents}
    copied = [f for f in result.families if f.kind == COPIED]
    quoted = [f for f in result.families if f.kind == SHARED_QUOTE]
    stock = [f for f in result.families if f.kind == STOCK]
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>provenance scan</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Reused passages and their sources</h1>",
        f"<p>{len(result.documents)} documents; {len(copied)} families of reused text; {len(quoted)} of shared quotes; "
        f"{len(stock)} of an outlet's own stock text; "
        f"{len(result.boilerplate)} boilerplate passages and {len(result.common)} of common wording left out.</p>",
        _documents_table(result),
    ]
    if result.families:
        parts.append("<h2>Families</h2><ol>")
        parts += [f'<li><a href="#family-{f.id}">{escape(_headline(f, by_id))}</a></li>' for f in result.families]
        parts.append("</ol>")
    parts += [family_section(family, by_id) for family in result.families]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _documents_table(result: ScanResult) -> str:
    rows = []
    for doc, cells in zip(result.documents, document_rows(result)):
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in [_doc_name(doc)] + [escape(c) for c in cells[1:]]) + "</tr>")
    head = "".join(f"<th>{name}</th>" for name in DOCUMENT_COLUMNS)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _headline(family: ReuseFamily, by_id: dict[str, Document]) -> str:
    first = family.origin or family.members[0]
    kind = {SHARED_QUOTE: "shared quote", STOCK: "stock text"}.get(family.kind) or f"origin {upstream_label(family)}"
    return f"Family {family.id} ({kind}, {len(family.members)} members): {excerpt(by_id[first.doc].text, first.start, first.end)}"


def family_section(family: ReuseFamily, by_id: dict[str, Document]) -> str:
    """One family: its headline, its timeline and a card per member (also the service's family page)."""
    cards = "".join(member_card(m, by_id[m.doc]) for m in _reading_order(family, by_id))
    return (
        f'<section id="family-{family.id}"><h2>{escape(_headline(family, by_id))}</h2>'
        f"{timeline_svg(family, by_id)}"
        f'<div class="members">{cards}</div></section>'
    )


def _reading_order(family: ReuseFamily, by_id: dict[str, Document]) -> list[Member]:
    """The origin first, then by time; undated members last."""
    return sorted(family.members, key=lambda m: (m.relation != ORIGIN, _sort_time(by_id[m.doc])))


def member_card(member: Member, doc: Document) -> str:
    """A member's card: outlet, date, relation, similarity, credit and edits, and the passage
    highlighted in the text around it."""
    before_start = max(0, member.start - CONTEXT)
    after_end = min(len(doc.text), member.end + CONTEXT)
    text = (
        ("…" if before_start > 0 else "")
        + escape(doc.text[before_start : member.start])
        + f"<mark>{escape(doc.text[member.start : member.end])}</mark>"
        + escape(doc.text[member.end : after_end])
        + ("…" if after_end < len(doc.text) else "")
    )
    facts = [member.relation]
    if member.relation != ORIGIN:
        facts.append(f"similarity {member.similarity:.2f}")
    if member.copied_from:
        facts.append(f"copied from {member.copied_from}")
    if member.credit:
        facts.append(member.credit + (f": {', '.join(member.credited)}" if member.credited else ""))
    edits = ""
    if member.edits:
        changes = "; ".join(f"{e.removed or '∅'} → {e.added or '∅'}" for e in member.edits)
        edits = f'<div class="edits">edits: {escape(changes)}</div>'
    return (
        f'<article class="member {escape(member.relation)}"><header><b>{_doc_name(doc)}</b><br>'
        f"{escape(doc.source or 'unknown outlet')} · {escape(_when(doc))}<br>"
        f'<span class="muted">{escape(" · ".join(facts))} · characters {member.start}–{member.end}</span></header>'
        f'<div class="text">{text}</div>{edits}</article>'
    )


def _doc_name(doc: Document) -> str:
    name = escape(doc.id)
    if doc.url and urlsplit(doc.url).scheme in ("http", "https"):
        return f'<a href="{escape(doc.url)}" rel="noreferrer noopener">{name}</a>'
    return name


def _when(doc: Document) -> str:
    return doc.published.label if doc.published else "undated"


def _sort_time(doc: Document) -> tuple[bool, datetime]:
    floor = datetime.min.replace(tzinfo=timezone.utc)
    return (doc.published is None, doc.published.start if doc.published else floor)


def _midpoint(doc: Document) -> datetime:
    return doc.published.start + (doc.published.end - doc.published.start) / 2


def timeline_svg(family: ReuseFamily, by_id: dict[str, Document]) -> str:
    """The family's spread: each member a dot in its outlet's lane at its publication time (a wide
    or inferred time also as a bar over its interval), undated members in a column of their own,
    and an arrow from the member each one copied (its ``copied_from``, else the origin)."""
    members = _reading_order(family, by_id)
    lanes: list[str] = []
    for member in members:
        outlet = by_id[member.doc].source or "unknown outlet"
        if outlet not in lanes:
            lanes.append(outlet)
    dated = [by_id[m.doc] for m in members if by_id[m.doc].published]
    if dated:
        first = min(d.published.start for d in dated)
        last = max(d.published.end for d in dated)
    span = (last - first).total_seconds() if dated else 0.0
    plot_left, plot_right = LANE_LABEL + DOT * 2, WIDTH - UNDATED_GUTTER - DOT * 2

    def x_of(moment: datetime) -> float:
        if span <= 0:
            return (plot_left + plot_right) / 2
        return plot_left + (moment - first).total_seconds() / span * (plot_right - plot_left)

    height = AXIS_HEIGHT + LANE_HEIGHT * len(lanes)
    marker = f"arrow-{family.id}"
    out = [
        f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img">',
        f"<title>{escape(f'Family {family.id}: who published when, and who copied whom')}</title>",
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#c0392b"/></marker></defs>',
    ]
    for index, outlet in enumerate(lanes):
        y = AXIS_HEIGHT + LANE_HEIGHT * index + LANE_HEIGHT / 2
        out.append(f'<line x1="{LANE_LABEL}" y1="{y}" x2="{WIDTH}" y2="{y}" stroke="#eee"/>')
        out.append(f'<text x="4" y="{y + 4}">{escape(_clip(outlet, 26))}</text>')
    if dated:
        out.append(f'<text x="{plot_left}" y="14">{escape(_axis_label(first))}</text>')
        if span > 0:
            out.append(f'<text x="{plot_right}" y="14" text-anchor="end">{escape(_axis_label(last))}</text>')
    if len(dated) < len(members):
        out.append(f'<text x="{WIDTH - UNDATED_GUTTER / 2}" y="14" text-anchor="middle">undated</text>')
    points: dict[str, tuple[float, float]] = {}
    undated_seen = 0
    for member in members:
        doc = by_id[member.doc]
        y = AXIS_HEIGHT + LANE_HEIGHT * lanes.index(doc.source or "unknown outlet") + LANE_HEIGHT / 2
        if doc.published:
            x = x_of(_midpoint(doc))
            if doc.published.inferred or doc.published.is_day:
                start, end = x_of(doc.published.start), x_of(doc.published.end)
                out.append(f'<line x1="{start:.1f}" y1="{y}" x2="{end:.1f}" y2="{y}" stroke="#9bb7d4" stroke-width="4" stroke-linecap="round"/>')
        else:
            x = WIDTH - UNDATED_GUTTER / 2 + (undated_seen % 3 - 1) * 3 * DOT
            undated_seen += 1
        points.setdefault(member.doc, (x, y))
    for member in members:
        source = member.copied_from or (family.origin.doc if family.origin and member.relation != ORIGIN else None)
        if source is None or source == member.doc or source not in points:
            continue
        (x1, y1), (x2, y2) = points[source], points[member.doc]
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2 - (18 if y1 == y2 else 0)  # copies within one lane arc above it
        # End the arrow at the dot's edge, along the curve's direction there.
        length = max(((x2 - cx) ** 2 + (y2 - cy) ** 2) ** 0.5, 1e-9)
        ex, ey = x2 - (x2 - cx) / length * (DOT + 1), y2 - (y2 - cy) / length * (DOT + 1)
        dash = "" if member.copied_from else ' stroke-dasharray="4 3"'
        out.append(
            f'<path d="M {x1:.1f} {y1} Q {cx:.1f} {cy} {ex:.1f} {ey:.1f}" fill="none" stroke="#c0392b" '
            f'stroke-width="1.6"{dash} marker-end="url(#{marker})"/>'
        )
    for member in members:
        x, y = points[member.doc]
        doc = by_id[member.doc]
        fill = "#2a6f3e" if member.relation == ORIGIN else "#1f5f9e"
        out.append(
            f'<circle cx="{x:.1f}" cy="{y}" r="{DOT}" fill="{fill}"><title>{escape(f"{doc.id} · {_when(doc)} · {member.relation}")}</title></circle>'
        )
    out.append("</svg>")
    return "".join(out)


def _axis_label(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
