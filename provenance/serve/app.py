"""The application: the API and the editor's pages, with their limits and refusals."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..corpus import CorpusError
from ..index import IndexFileError
from . import api, editor
from .archive import READERS, IndexThreads, shown
from .auth import Access, Refusal, read_tokens
from .bodies import RequestError
from .responses import error_response, is_api
from .settings import Settings, size_label

log = logging.getLogger("provenance.serve")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    # Nothing runs or loads from elsewhere, nothing inline runs: escaped text cannot become a script.
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
]


def create_app(settings: Settings) -> Starlette:
    tokens, warnings = read_tokens(settings.token_file) if settings.token_file else ([], [])
    for warning in warnings:
        log.warning(warning)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        app.state.readers = IndexThreads(settings.index, READERS, "reader")
        app.state.writer = IndexThreads(settings.index, 1, "writer")  # one writer: SQLite takes one at a time anyway
        try:
            yield
        finally:  # after uvicorn has drained the requests in flight
            app.state.readers.close()
            app.state.writer.close()

    middleware = [Middleware(SecurityHeaders), Middleware(BodyLimit, limit=settings.max_body), Middleware(TimeLimit, seconds=settings.timeout)]
    if settings.cors_origins:
        middleware.insert(0, Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST", "DELETE"],
                                        allow_headers=["Authorization", "Content-Type"], max_age=600))
    app = Starlette(
        routes=api.ROUTES + editor.ROUTES,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={
            Refusal: lambda request, error: error_response(request, error.status, error.message, error.headers),
            RequestError: lambda request, error: error_response(request, error.status, error.message),
            IndexFileError: lambda request, error: error_response(request, 503, str(error).replace(settings.index, shown(settings.index))),
            CorpusError: lambda request, error: error_response(request, 422, str(error)),
            HTTPException: _http_error,
            Exception: _internal_error,
        },
    )
    app.state.settings = settings
    app.state.access = Access(tokens, settings.read_token)
    return app


def _too_large(request: Request, limit: int):
    return error_response(request, 413, f"{request.method} {request.url.path}: the body is over the {size_label(limit)} limit (--max-body)")


def _http_error(request: Request, error: HTTPException):
    if error.status_code == 413:
        return _too_large(request, request.app.state.settings.max_body)
    if error.status_code in (404, 405):
        return error_response(request, error.status_code, f"{request.method} {request.url.path}: {error.detail.lower()}", error.headers)
    return error_response(request, error.status_code, f"{request.method} {request.url.path}: {error.detail}", error.headers)


def _internal_error(request: Request, error: Exception):
    return error_response(request, 500, f"{request.method} {request.url.path}: internal error ({type(error).__name__}); the server's log has the details")


class SecurityHeaders:
    """Headers on every answer: no sniffing, no framing, no referrer, no script from elsewhere, and
    drafts and reports kept out of caches."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        cache = b"public, max-age=3600" if scope["path"].startswith("/static/") else b"no-store"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS + [(b"cache-control", cache)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Request bodies of ``limit`` bytes at most: a larger declared length is refused before a byte
    is read, and a body sent without one is counted as it arrives (413 once past the limit)."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            return await _too_large(Request(scope), self.limit)(scope, receive, send)
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise HTTPException(413)  # inside the endpoint reading the body: answered by _http_error
            return message

        await self.app(scope, counted, send)


class TimeLimit:
    """A request answered within ``seconds``: past them it gets 503, and work not yet started on
    the index is dropped (a check already running finishes, its answer unused)."""

    def __init__(self, app: ASGIApp, seconds: float):
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            async with asyncio.timeout(self.seconds):
                await self.app(scope, receive, watched_send)
        except TimeoutError:
            if started:  # the answer was on its way: nothing else can be said
                return
            request = Request(scope)
            what = "check" if is_api(scope["path"]) and scope["path"].endswith("/check") else "request"
            response = error_response(request, 503, f"{request.method} {request.url.path}: the {what} took longer than {self.seconds:g} s (--timeout)")
            await response(scope, receive, send)
