"""Running the service: the index and token file checked before anything listens, then uvicorn,
in one process or ``workers`` processes that share the listening socket."""

from __future__ import annotations

import ipaddress
import math
import os
import socket

import uvicorn
from starlette.applications import Starlette
from uvicorn.supervisors import Multiprocess

from ..corpus import CorpusError
from ..index import open_index
from .app import create_app
from .archive import shown
from .auth import read_tokens
from .settings import ENVIRONMENT, Settings, SettingsError

CONNECTIONS = 256  # per process; more at once get 503 from uvicorn rather than queue without end
GRACE = 5  # seconds past the request time limit that SIGTERM waits for requests in flight


def prepare(settings: Settings) -> tuple[int, list[str]]:
    """Check what the service needs before it listens: the token file, and an index it can open
    (created when writes are enabled). Returns the index's document count and warnings."""
    if settings.read_token and not settings.token_file:
        raise SettingsError("--read-token needs a token file (--token-file FILE or $PROVENANCE_TOKENS_FILE)")
    if settings.index == ":memory:":
        raise SettingsError(":memory: is an index of one connection; the service needs an index file or a redis:// URL")
    warnings = read_tokens(settings.token_file)[1] if settings.token_file else []
    if not settings.read_token and not _loopback(settings.host):
        warnings.append(f"listening on {settings.host}: reads and checks are open to anyone who reaches it (add --read-token)")
    try:
        with open_index(settings.index, create=bool(settings.token_file)) as index:
            documents = len(index)
    except CorpusError as error:
        raise SettingsError(str(error).replace(settings.index, shown(settings.index))) from None
    return documents, warnings


def listen(settings: Settings) -> socket.socket:
    """The listening socket, made here so that a port in use is one line, and --port 0 says
    which port it got."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(settings.host, settings.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)[0]
        # Marked TCP, or asyncio leaves Nagle's algorithm on for its connections: a response's body,
        # written after its headers, would wait 40 ms for the client's delayed ACK.
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
        return sock
    except OSError as error:
        raise SettingsError(f"{settings.host}:{settings.port}: cannot listen ({error.strerror or error})") from None


def serve(settings: Settings, sock: socket.socket) -> None:
    """Serve until SIGTERM or SIGINT, which stop taking connections, let the requests in flight end
    and close the index."""
    os.environ[ENVIRONMENT] = settings.to_environment()  # how the worker processes learn them
    config = uvicorn.Config(
        "provenance.serve.server:app_from_environment",
        factory=True,
        workers=settings.workers,
        access_log=settings.access_log,
        server_header=False,
        limit_concurrency=CONNECTIONS,
        timeout_graceful_shutdown=math.ceil(settings.timeout) + GRACE,
        log_level="info",
    )
    server = uvicorn.Server(config)
    if settings.workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        server.run(sockets=[sock])


def app_from_environment() -> Starlette:
    return create_app(Settings.from_environment())


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
