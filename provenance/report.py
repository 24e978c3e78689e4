"""Present a scan: terminal tables (tabulate) and the JSON contract ``provenance.scan/1``."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import asdict, replace
from typing import Iterable, Iterator

from .attribute import COPIED, COPY, ORIGIN, SHARED_QUOTE, STOCK, DocumentReuse, ReuseFamily
from .check import DraftReport, Policy
from .corpus import Document
from .credit import Credit
from .dedup import Cut, DedupResult, cut_chars
from .scan import ScanResult

SCHEMA = "provenance.scan/1"
EXCERPT_WIDTH = 60
_SPACE = re.compile(r"\s+")


def to_json(result: ScanResult) -> dict:
    """The public JSON contract. Fields may be added; none renamed or dropped within version 1."""
    reuse = {r.doc: r for r in result.reuse}
    documents = [document_json(doc, reuse[doc.id], result.credits.get(doc.id, [])) for doc in result.documents]
    clusters = []
    for family in result.families:
        origin = family.origin
        clusters.append(
            {
                "id": family.id,
                "origin": {"doc": origin.doc, "start": origin.start, "end": origin.end} if origin else None,
                "origin_status": family.origin_status,
                "kind": family.kind,
                "origin_candidates": family.candidates,
                "wire": {"agency": family.wire.agency, "name": family.wire.name, "credited_by": family.wire.credited_by} if family.wire else None,
                "members": [
                    {
                        "doc": m.doc,
                        "start": m.start,
                        "end": m.end,
                        "similarity": m.similarity,
                        "relation": m.relation,
                        "copied_from": m.copied_from,
                        "copied_from_candidates": m.copied_from_candidates,
                        "copied_from_basis": m.copied_from_basis,
                        "copied_from_wire": m.copied_from_wire,
                        "edits": [asdict(e) for e in m.edits],
                        "credit": m.credit,
                        "credited": m.credited,
                    }
                    for m in family.members
                ],
            }
        )
    return {
        "schema": SCHEMA,
        "parameters": result.params.to_dict(),
        "documents": documents,
        "clusters": clusters,
        "boilerplate": [
            {"source": b.source, "spans": [{"doc": doc, "start": start, "end": end} for doc, start, end in b.spans]}
            for b in result.boilerplate
        ],
        "common_wording": [
            {"evidence": c.evidence, "spans": [{"doc": doc, "start": start, "end": end} for doc, start, end in c.spans]}
            for c in result.common
        ],
    }


def document_json(doc: Document, reuse: DocumentReuse, credits: list[Credit]) -> dict:
    """A document's entry in the JSON: what it is, and how much of it is reused and from where."""
    return {
        "id": doc.id,
        "source": doc.source,
        "title": doc.title,
        "url": doc.url,
        "published": doc.published.text if doc.published else None,
        "published_inferred": bool(doc.published and doc.published.inferred),
        "extracted_from": doc.extracted_from,
        # Offsets into a page refer to its extracted text, which is not on disk: it is here.
        "text": doc.text if doc.extracted_from else None,
        "chars": reuse.chars,
        "reused_chars": reuse.reused_chars,
        "reused_share": round(reuse.reused_chars / reuse.chars, 4) if reuse.chars else 0.0,
        "reused_from": reuse.reused_from,
        "reused_from_wire": reuse.reused_from_wire,
        "uncredited_chars": reuse.uncredited_chars,
        "uncredited_share": round(reuse.uncredited_chars / reuse.chars, 4) if reuse.chars else 0.0,
        "credits": [{"name": c.name, "cue": c.cue, "start": c.start, "end": c.end} for c in credits],
    }


def dumps(result: ScanResult) -> str:
    return "".join(json_chunks(result))


def json_chunks(result: ScanResult, documents: Iterable[str] | None = None) -> Iterator[str]:
    """``dumps``'s text in pieces, with the documents given as their ``document_text`` in order
    when they are not the result's own (the Spark engine's come from its executors, a few at a
    time, so that the whole never has to be in memory)."""
    if documents is None:
        yield json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n"
        return
    whole = to_json(replace(result, documents=[]))  # the result's own entries would be dropped unread
    # The first '"documents": []' is the top level's: it comes before every text field.
    head, _, tail = json.dumps(whole, ensure_ascii=False, indent=2).partition('"documents": []')
    yield head + '"documents": ['
    empty = True
    for text in documents:
        yield ("\n" if empty else ",\n") + text
        empty = False
    yield ("]" if empty else "\n  ]") + tail + "\n"


def document_text(entry: dict) -> str:
    """A document's JSON entry as ``dumps`` lays it out inside the documents list."""
    return "\n".join("    " + line for line in json.dumps(entry, ensure_ascii=False, indent=2).splitlines())


def excerpt(text: str, start: int, end: int, width: int = EXCERPT_WIDTH) -> str:
    """The passage on one line, cut to ``width`` characters."""
    flat = _SPACE.sub(" ", text[start:end]).strip()
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def upstream_label(family: ReuseFamily) -> str:
    """Where the passage came from: its origin, or for wire copy the agency, then the earliest copy."""
    if family.wire is not None:
        return f"{family.wire.agency} (wire), first in {origin_label(family)}"
    return origin_label(family)


def origin_label(family: ReuseFamily) -> str:
    if family.origin is not None:
        return family.origin.doc
    if family.origin_status == "tie":
        return "tie: " + ", ".join(family.candidates)
    return "unknown (undated)"


DOCUMENT_COLUMNS = ["document", "outlet", "published", "reused", "uncredited", "from"]


def document_rows(result: ScanResult) -> list[list[str]]:
    """A row of DOCUMENT_COLUMNS per document: how much of it is reused, and from where."""
    reuse = {r.doc: r for r in result.reuse}
    rows = []
    for doc in result.documents:
        r = reuse[doc.id]
        share = r.reused_chars / r.chars if r.chars else 0.0
        rows.append(
            [
                doc.id,
                doc.source or "",
                doc.published.label if doc.published else "undated",
                f"{share:.0%}",
                f"{r.uncredited_chars / r.chars if r.chars else 0.0:.0%}",
                ", ".join(r.reused_from + [f"{agency} (wire)" for agency in r.reused_from_wire]),
            ]
        )
    return rows


def documents_table(result: ScanResult) -> str:
    return text_table(document_rows(result), headers=DOCUMENT_COLUMNS)


def reuse_table(result: ScanResult, kind: str = COPIED) -> str:
    """The passages of the families of one kind (copied prose, shared quotes, or stock text)."""
    texts = {doc.id: doc.text for doc in result.documents}
    rows = []
    for family in (f for f in result.families if f.kind == kind):
        for member in family.members:
            if member.relation == ORIGIN:
                continue
            rows.append(
                [
                    family.id,
                    excerpt(texts[member.doc], member.start, member.end),
                    member.doc,
                    upstream_label(family) if member.relation == COPY else f"{upstream_label(family)} ({member.relation})",
                    f"{member.similarity:.2f}",
                    _credit_label(member),
                ]
            )
    return text_table(rows, headers=["family", "passage", "in", "origin", "similarity", "credit"])


def _credit_label(member) -> str:
    if member.credit is None:
        return ""
    return f"{member.credit}: {', '.join(member.credited)}" if member.credited else member.credit


def render_tables(result: ScanResult) -> str:
    parts = ["Documents", documents_table(result)]
    kinds = (
        (COPIED, "Reused passages"),
        (SHARED_QUOTE, "Shared quotes (the same speaker quoted, not copied)"),
        (STOCK, "Stock text (an outlet repeating its own words, not copied)"),
    )
    for kind, title in kinds:
        families = [f for f in result.families if f.kind == kind]
        passages = sum(1 for f in families for m in f.members if m.relation != ORIGIN)
        if kind == COPIED or families:
            parts += ["", f"{title}: {passages} in {len(families)} families"]
        if passages:
            parts.append(reuse_table(result, kind))
    return "\n".join(parts) + "\n"


def boilerplate_table(result: ScanResult) -> str:
    """Site furniture found (the outlet, how many of its documents repeat it, an example), then
    wording shared but too common to be evidence (how many documents, the evidence, an example)."""
    texts = {doc.id: doc.text for doc in result.documents}
    rows = [[b.source, len(b.spans), excerpt(texts[b.spans[0][0]], b.spans[0][1], b.spans[0][2])] for b in result.boilerplate]
    title = f"Boilerplate (repeated on an outlet's own pages, not reuse): {len(rows)} passages"
    parts = [title] + ([text_table(rows, headers=["outlet", "documents", "passage"])] if rows else [])
    common = [[len(c.spans), f"{c.evidence:.1f}", excerpt(texts[c.spans[0][0]], c.spans[0][1], c.spans[0][2])] for c in result.common]
    parts += ["", f"Common wording (shared, but too common to be evidence of copying): {len(common)} passages"]
    if common:
        parts.append(text_table(common, headers=["documents", "evidence (words)", "passage"]))
    return "\n".join(parts) + "\n"


CSV_COLUMNS = (
    "family", "kind", "doc", "source", "published", "start", "end", "relation", "similarity", "origin", "copied_from", "credit", "passage",
    "wire", "copied_from_basis",
)


def member_rows(result: ScanResult) -> Iterator[list]:
    """A row of CSV_COLUMNS per family member."""
    by_id = {doc.id: doc for doc in result.documents}
    for family in result.families:
        for m in family.members:
            doc = by_id[m.doc]
            yield [
                family.id, family.kind, m.doc, doc.source or "", doc.published.label if doc.published else "", m.start, m.end,
                m.relation, m.similarity, origin_label(family), m.copied_from or "", m.credit or "", doc.text[m.start : m.end],
                family.wire.agency if family.wire else "", m.copied_from_basis or "",
            ]


def to_csv(result: ScanResult) -> str:
    """One row per family member, for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(member_rows(result))
    return out.getvalue()


def family_tree(result: ScanResult, family_id: int) -> str:
    """One family as a tree of who copied whom: each member under the one it copied, with its
    outlet, date, relation, similarity, credit and the words it changed. Wire copy stands under its
    agency. Members whose source cannot be told (tied or undated) stand at the top, beside the
    origin; where the text could not tell which member was copied, the others it may be are named."""
    family = next((f for f in result.families if f.id == family_id), None)
    if family is None:
        raise KeyError(f"no family {family_id} (the scan found {len(result.families)})")
    by_id = {doc.id: doc for doc in result.documents}
    first = family.origin or family.members[0]
    lines = [f"Family {family.id}: {excerpt(by_id[first.doc].text, first.start, first.end)}", f"origin: {origin_label(family)}"]
    if family.wire is not None:
        lines.append(f"wire: {family.wire.agency} ({family.wire.name}), credited by {', '.join(family.wire.credited_by)}")
    children: dict[str | None, list] = {}
    for member in family.members:
        children.setdefault(member.copied_from, []).append(member)

    def describe(member) -> str:
        doc = by_id[member.doc]
        parts = [member.doc, doc.source or "unknown outlet", doc.published.label if doc.published else "undated", member.relation]
        if member.relation != "origin":
            parts.append(f"similarity {member.similarity:.2f}")
        if member.credit or member.credited:
            parts.append(_credit_label(member) if member.credit else "credits " + ", ".join(member.credited))
        others = [c for c in member.copied_from_candidates if c != member.copied_from]
        if member.copied_from_basis == "ambiguous":
            parts.append(f"the texts cannot tell: or from {', '.join(others)}")
        elif member.copied_from_basis:
            parts.append(f"basis: {member.copied_from_basis}")
        return "  ".join(parts)

    def walk(member, prefix: str, last: bool, top: bool) -> None:
        lines.append(("" if top else prefix + ("└── " if last else "├── ")) + describe(member))
        inner = "" if top else prefix + ("    " if last else "│   ")
        if member.edits:
            lines.append(inner + "    edits: " + "; ".join(f"{e.removed or '∅'} -> {e.added or '∅'}" for e in member.edits))
        below = children.get(member.doc, [])
        for index, child in enumerate(below):
            walk(child, inner, index == len(below) - 1, False)

    if family.wire is None:
        for member in children.get(None, []):
            walk(member, "", True, True)
    else:
        lines.append(f"{family.wire.agency} (wire)")
        top = sorted(children.get(None, []), key=lambda m: (by_id[m.doc].published is None, by_id[m.doc].published.start if by_id[m.doc].published else 0))
        for index, member in enumerate(top):
            walk(member, "", index == len(top) - 1, False)
    return "\n".join(lines) + "\n"


CHECK_SCHEMA = "provenance.check/1"


def check_to_json(reports: list[DraftReport], policy: Policy) -> dict:
    """The check report: one entry per draft, each passage with its origin and verdict."""
    drafts = []
    for r in reports:
        drafts.append(
            {
                "id": r.draft.id,
                "path": r.draft.location,
                "chars": len(r.draft.text),
                "reused_chars": r.reused_chars,
                "reused_share": round(r.reused_share, 4),
                "failing_chars": r.failing_chars,
                "failing_share": round(r.failing_share, 4),
                "failed": r.failed,
                "extracted_from": r.draft.extracted_from,
                "text": r.draft.text if r.draft.extracted_from else None,  # offsets into a page refer to this
                "passages": [
                    {
                        "start": p.start,
                        "end": p.end,
                        "text": r.draft.text[p.start : p.end],
                        "origin": asdict(p.origin) if p.origin else None,
                        "origin_status": p.origin_status,
                        "matched": p.matched,
                        "similarity": p.similarity,
                        "status": p.status,
                        "wire": p.wire,
                    }
                    for p in r.passages
                ],
            }
        )
    return {"schema": CHECK_SCHEMA, "policy": asdict(policy), "drafts": drafts}


def dumps_check(reports: list[DraftReport], policy: Policy) -> str:
    return json.dumps(check_to_json(reports, policy), ensure_ascii=False, indent=2) + "\n"


def check_tables(reports: list[DraftReport]) -> str:
    parts = []
    for r in reports:
        verdict = "FAIL" if r.failed else "pass"
        parts.append(f"{r.draft.id}: {verdict}, {r.reused_share:.0%} found in the archive, {r.failing_share:.0%} counted against it")
        rows = []
        for p in r.passages:
            origin = p.origin
            rows.append(
                [
                    excerpt(r.draft.text, p.start, p.end),
                    f"{p.start}-{p.end}",
                    (f"{p.wire} (wire), first in " if p.wire else "")
                    + (f"{origin.doc} ({origin.source or 'unknown outlet'}, {origin.published or 'undated'})" if origin else f"{p.origin_status}: {', '.join(p.matched)}"),
                    f"{origin.start}-{origin.end}" if origin else "",
                    f"{p.similarity:.2f}",
                    p.status,
                ]
            )
        if rows:
            parts.append(text_table(rows, headers=["passage", "draft span", "origin", "origin span", "similarity", "status"]))
        parts.append("")
    return "\n".join(parts)


DEDUP_SCHEMA = "provenance.dedup/1"
TABLE_GROUPS = 50  # duplicate groups shown in the terminal; the JSON report has them all
TABLE_ROWS = 200  # passages cut, likewise


def dedup_summary(result: DedupResult) -> str:
    exact, near = result.dropped(exact=True), result.dropped(exact=False)
    kept = sum(result.kept)
    return f"{len(result.documents)} documents in, {kept} kept, {exact + near} dropped ({exact} exact, {near} near)"


def dedup_to_json(result: DedupResult) -> dict:
    exact, near = result.dropped(exact=True), result.dropped(exact=False)
    return {
        "schema": DEDUP_SCHEMA,
        "parameters": result.params.to_dict(),
        "summary": {"documents": len(result.documents), "kept": sum(result.kept), "dropped": exact + near, "exact": exact, "near": near},
        "groups": [{"kept": g.kept, "tie": g.tie, "duplicates": [asdict(d) for d in g.duplicates]} for g in result.groups],
    }


def dumps_dedup(result: DedupResult) -> str:
    return json.dumps(dedup_to_json(result), ensure_ascii=False, indent=2) + "\n"


def dedup_table(result: DedupResult) -> str:
    by_id = {doc.id: doc for doc in result.documents}

    def described(doc_id: str) -> list[str]:
        doc = by_id[doc_id]
        return [doc_id, doc.source or "", doc.published.label if doc.published else "undated"]

    rows = []
    for number, group in enumerate(result.groups[:TABLE_GROUPS], start=1):
        rows.append([number, *described(group.kept), "kept (tie: input order)" if group.tie else "kept", "", ""])
        for d in group.duplicates:
            rows.append(["", *described(d.id), "exact" if d.exact else "near", f"{d.containment:.2f}", f"{d.jaccard:.2f}"])
    headers = ["group", "document", "outlet", "published", "", "containment", "jaccard"]
    lines = [text_table(rows, headers=headers)] if rows else []
    if len(result.groups) > TABLE_GROUPS:
        lines.append(f"... and {len(result.groups) - TABLE_GROUPS} more groups (--report writes them all)")
    return "\n".join(lines + [dedup_summary(result)]) + "\n"


def strip_to_json(documents: int, cuts: list[Cut]) -> dict:
    return {
        "schema": DEDUP_SCHEMA,
        "mode": "strip-reused",
        "summary": {"documents": documents, "cuts": len(cuts), "cut_chars": cut_chars(cuts)},
        "groups": [],
        "cuts": [asdict(c) for c in cuts],
    }


def dumps_strip(documents: int, cuts: list[Cut]) -> str:
    return json.dumps(strip_to_json(documents, cuts), ensure_ascii=False, indent=2) + "\n"


def strip_table(documents: list, cuts: list[Cut]) -> str:
    texts = {doc.id: doc.text for doc in documents}
    rows = [
        [c.doc, f"{c.start}-{c.end}", excerpt(texts[c.doc], c.start, c.end), c.origin or "tie: " + ", ".join(c.origin_candidates)]
        for c in cuts[:TABLE_ROWS]
    ]
    lines = [text_table(rows, headers=["document", "span", "passage cut", "origin"])] if rows else []
    if len(cuts) > TABLE_ROWS:
        lines.append(f"... and {len(cuts) - TABLE_ROWS} more passages (--report writes them all)")
    touched = len({c.doc for c in cuts})
    lines.append(f"{len(documents)} documents, {len(cuts)} reused passages cut from {touched} of them ({cut_chars(cuts)} characters)")
    return "\n".join(lines) + "\n"


def text_table(rows, headers=(), plain: bool = False) -> str:
    """A terminal table of cells as given (numbers are not reformatted); ``plain``: without rules.
    tabulate is imported here: a command that writes JSON starts without it."""
    from tabulate import tabulate

    return tabulate(rows, headers=headers, tablefmt="plain" if plain else "simple", disable_numparse=True)
