"""The editor's page: paste a draft or upload a file, see the verdict and each passage beside its
origin, and open a passage's family on a timeline. Server-rendered; the script only adds
Ctrl+Enter and a busy state."""

from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote, urlencode

from markupsafe import Markup
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..attribute import ORIGIN, Member
from ..check import QUOTE, STOCK_TEXT, DraftReport, check_draft, load_drafts
from ..corpus import CorpusError, Document
from ..html_report import STYLE, family_section, member_card
from ..scan import scan
from .archive import families_of
from .auth import READ, requires
from .bodies import RequestError, draft_from, policy_from
from .responses import TEMPLATES

FORM_FIELDS = ("text", "allow", "max_share", "strict")
_UNSAFE_NAME = re.compile(r"[^\w.-]")


@requires(READ)
async def editor(request: Request) -> Response:
    documents = await request.app.state.readers.run(len)
    return TEMPLATES.TemplateResponse(request, "editor.html", {"documents": documents, "form": {}})


@requires(READ)
async def check_page(request: Request) -> Response:
    form = await request.form(max_files=1, max_fields=len(FORM_FIELDS) + 1, max_part_size=request.app.state.settings.max_body)
    fields = {name: form.get(name) for name in FORM_FIELDS if isinstance(form.get(name), str)}
    upload = form.get("file")
    upload = (upload.filename, await upload.read()) if isinstance(upload, UploadFile) and upload.filename else None

    def work(index):
        if upload:
            draft = _uploaded_draft(*upload)
        elif (fields.get("text") or "").strip():
            draft = draft_from({"text": fields["text"]})
        else:
            raise RequestError(422, "paste a draft or choose a file")
        policy = policy_from(_form_policy(fields))
        report = check_draft(draft, index, policy)
        origins = {p.origin.doc: index.document(p.origin.doc) for p in report.passages if p.origin}
        return report, origins, _edits(report, origins, index)

    try:
        report, origins, edits = await request.app.state.readers.run(work)
    except (RequestError, CorpusError) as error:
        status = error.status if isinstance(error, RequestError) else 422
        context = {"form": fields, "error": str(error)}
        return TEMPLATES.TemplateResponse(request, "editor.html", context, status_code=status)
    return TEMPLATES.TemplateResponse(request, "editor.html", {"form": fields, "report": report, **_result_view(report, origins, edits)})


@requires(READ)
async def family_page(request: Request) -> Response:
    doc_id = request.path_params["id"]
    span = _span(request)
    result = await request.app.state.readers.run(lambda index: families_of(index, doc_id))
    if result is None:
        raise RequestError(404, f"no document with id {doc_id!r} in the index")
    by_id = {doc.id: doc for doc in result.documents}
    families = [family for family in result.families if any(m.doc == doc_id for m in family.members)]
    if span:
        overlap = {family.id: max(min(m.end, span[1]) - max(m.start, span[0]) for m in family.members if m.doc == doc_id) for family in families}
        families = [family for family in families if overlap[family.id] > 0]
        families = sorted(families, key=lambda family: -overlap[family.id])[:1]
    sections = [Markup(family_section(family, by_id)) for family in families]
    return TEMPLATES.TemplateResponse(request, "family.html", {"doc": by_id[doc_id], "span": span, "sections": sections})


async def report_style(request: Request) -> Response:
    """The HTML report's own style, so that its cards and timelines look here as they do there."""
    return Response(STYLE, media_type="text/css")


def _form_policy(fields: dict) -> dict:
    """The form's policy fields as the JSON API takes them."""
    policy: dict = {"allow": [s.strip() for s in (fields.get("allow") or "").split(",") if s.strip()], "strict": fields.get("strict") == "on"}
    if (fields.get("max_share") or "").strip():
        try:
            policy["max_share"] = float(fields["max_share"])
        except ValueError:
            raise RequestError(422, f"max share {fields['max_share']!r}: expected a number from 0 to 1") from None
    return policy


def _uploaded_draft(filename: str, content: bytes) -> Document:
    """An uploaded file read as ``provenance check`` reads a draft file (an .html file as a page)."""
    name = _UNSAFE_NAME.sub("_", Path(filename).name).lstrip(".") or "draft"
    with tempfile.TemporaryDirectory(prefix="provenance-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            (draft,) = load_drafts([path])
        except CorpusError as error:
            raise RequestError(422, str(error).replace(str(path), name)) from None
    return replace(draft, location=name)


def _span(request: Request) -> tuple[int, int] | None:
    try:
        start, end = (int(request.query_params[name]) for name in ("start", "end"))
    except KeyError:
        return None
    except ValueError:
        raise RequestError(422, "start and end: expected character offsets") from None
    return (start, end)


def _edits(report: DraftReport, origins: dict[str, Document], index) -> dict[int, list]:
    """The words each passage changed from its origin (by passage start), as a scan of the draft
    with its origins finds them."""
    if not origins:
        return {}
    draft = report.draft
    result = scan([draft, *origins.values()], index.params, hasher=index.hasher, focus=0)
    mine = [member for family in result.families for member in family.members if member.doc == draft.id]
    edits = {}
    for passage in report.passages:
        overlap = lambda member: min(member.end, passage.end) - max(member.start, passage.start)
        best = max(mine, key=overlap, default=None)
        edits[passage.start] = best.edits if best is not None and overlap(best) > 0 else []
    return edits


def _result_view(report: DraftReport, origins: dict[str, Document], edits: dict[int, list]) -> dict:
    """The draft with its passages marked, and each passage's two cards: the draft's and its origin's."""
    draft = report.draft
    shown_draft = replace(draft, source=draft.source or "this draft")
    segments, reached = [], 0
    passages = []
    for number, passage in enumerate(report.passages, start=1):
        start = max(passage.start, reached)  # passages of two families may overlap: marked once
        if start < passage.end:
            segments += [(draft.text[reached:start], None), (draft.text[start : passage.end], number)]
            reached = passage.end
        origin = passage.origin
        origin_doc = origins.get(origin.doc) if origin else None
        mine = Member(
            draft.id, passage.start, passage.end, passage.similarity, "draft",
            copied_from=origin.doc if origin and passage.status not in (QUOTE, STOCK_TEXT) else None,
            edits=edits.get(passage.start, []),
            credit=passage.status,
        )
        cards = member_card(mine, shown_draft)
        if origin_doc:
            cards += member_card(Member(origin.doc, origin.start, origin.end, 1.0, ORIGIN), origin_doc)
            family = f"/family/{quote(origin.doc, safe='')}?{urlencode({'start': origin.start, 'end': origin.end})}"
        else:
            family = f"/family/{quote(passage.matched[0], safe='')}"
        passages.append({"number": number, "passage": passage, "origin": origin_doc, "cards": Markup(cards), "family_url": family})
    segments.append((draft.text[reached:], None))
    return {"segments": segments, "passages": passages}


ROUTES = [
    Route("/", editor, methods=["GET"]),
    Route("/check", check_page, methods=["POST"]),
    Route("/family/{id:path}", family_page, methods=["GET"]),
    Route("/static/report.css", report_style, methods=["GET"]),
    Mount("/static", StaticFiles(packages=[("provenance.serve", "static")]), name="static"),
]
