"""The HTTP API under /api/v1: JSON in and out, the same JSON as the commands write."""

from __future__ import annotations

from dataclasses import asdict

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..check import check_draft
from ..report import dumps, dumps_check
from .archive import IndexThreads, document_json, families_of, shown
from .auth import OPEN, READ, WRITE, requires
from .bodies import RequestError, check_request, documents_from, json_object
from .openapi import schema

PREFIX = "/api/v1"
JSON = "application/json"


def readers(request: Request) -> IndexThreads:
    return request.app.state.readers


def writer(request: Request) -> IndexThreads:
    return request.app.state.writer


def _doc_id(request: Request) -> str:
    return request.path_params["id"]


def _unknown(doc_id: str) -> RequestError:
    return RequestError(404, f"no document with id {doc_id!r} in the index")


@requires(OPEN)
async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok", "documents": await readers(request).run(len)})


@requires(READ)
async def stats(request: Request) -> Response:
    found = await readers(request).run(lambda index: index.stats())
    return JSONResponse({**found, "path": shown(found["path"])})


@requires(READ)
async def check(request: Request) -> Response:
    """The provenance.check/1 report of one draft, exactly as ``provenance check --format json`` writes it."""
    raw = await request.body()

    def work(index) -> str:  # parsed on the reader thread too: the event loop only moves bytes
        draft, policy = check_request(json_object(raw))
        return dumps_check([check_draft(draft, index, policy)], policy)

    return Response(await readers(request).run(work), media_type=JSON)


@requires(WRITE)
async def add_documents(request: Request) -> Response:
    """Add documents as ``provenance index add`` does; up to a batch (5,000) in one transaction."""
    raw = await request.body()

    def work(index) -> dict:
        # One worker: a pool forked from a threaded server could inherit a held lock.
        report = index.add(documents_from(json_object(raw)), workers=1)
        return {**asdict(report), "documents": len(index)}

    return JSONResponse(await writer(request).run(work))


@requires(READ)
async def get_document(request: Request) -> Response:
    doc_id, with_text = _doc_id(request), _flag(request, "text")
    doc = await readers(request).run(lambda index: index.document(doc_id))
    if doc is None:
        raise _unknown(doc_id)
    return JSONResponse(document_json(doc, with_text))


@requires(WRITE)
async def delete_document(request: Request) -> Response:
    doc_id = _doc_id(request)

    def work(index) -> int | None:
        if index.document(doc_id) is None:
            return None
        index.remove([doc_id])
        return len(index)

    total = await writer(request).run(work)
    if total is None:
        raise _unknown(doc_id)
    return JSONResponse({"removed": doc_id, "documents": total})


@requires(READ)
async def document_families(request: Request) -> Response:
    """The provenance.scan/1 JSON of a document and its nearest archive documents: its families."""
    doc_id = _doc_id(request)
    result = await readers(request).run(lambda index: families_of(index, doc_id))
    if result is None:
        raise _unknown(doc_id)
    return Response(dumps(result), media_type=JSON)


@requires(OPEN)
async def openapi(request: Request) -> Response:
    return JSONResponse(schema(request.app.state.settings))


def _flag(request: Request, name: str) -> bool:
    value = request.query_params.get(name, "false").lower()
    if value not in ("true", "1", "false", "0"):
        raise RequestError(422, f"query {name}={value!r}: expected true or false")
    return value in ("true", "1")


ROUTES = [
    Route(f"{PREFIX}/health", health, methods=["GET"]),
    Route(f"{PREFIX}/stats", stats, methods=["GET"]),
    Route(f"{PREFIX}/check", check, methods=["POST"]),
    Route(f"{PREFIX}/documents", add_documents, methods=["POST"]),
    # Ids may hold slashes (a crawled page's id is its URL); "/families" is matched first.
    Route(f"{PREFIX}/documents/{{id:path}}/families", document_families, methods=["GET"]),
    Route(f"{PREFIX}/documents/{{id:path}}", get_document, methods=["GET"]),
    Route(f"{PREFIX}/documents/{{id:path}}", delete_document, methods=["DELETE"]),
    Route(f"{PREFIX}/openapi.json", openapi, methods=["GET"]),
]
