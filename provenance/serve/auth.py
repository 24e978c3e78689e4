"""Who may do what: bearer tokens from a token file, compared in constant time.

Writes (adding and removing documents) need a token, and without a token file they are refused
outright. Reads and checks are open unless the service was started with ``--read-token``. The
editor's page takes a token as the password of HTTP Basic authentication, which browsers ask for
themselves; the API takes ``Authorization: Bearer TOKEN``.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import os
import re
import stat
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from .settings import SettingsError

TOKEN = re.compile(r"[!-~]{16,}")  # printable ASCII without spaces, at least 16 characters
OPEN, READ, WRITE = "open", "read", "write"
ENABLE_WRITES = "start provenance serve with --token-file FILE (or $PROVENANCE_TOKENS_FILE), one token a line"


class Refusal(Exception):
    """A request refused before any work: its status, one line saying why, and headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def read_tokens(path: str) -> tuple[list[bytes], list[str]]:
    """The tokens of a token file (one a line; blank lines and lines starting with # skipped),
    and warnings about the file."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        mode = os.stat(path).st_mode
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: cannot read the token file ({getattr(error, 'strerror', None) or error})") from None
    tokens = []
    for number, line in enumerate(lines, start=1):
        token = line.strip()
        if not token or token.startswith("#"):
            continue
        if not TOKEN.fullmatch(token):
            raise SettingsError(f"{path}:{number}: a token is 16 or more printable ASCII characters without spaces")
        tokens.append(token.encode("ascii"))
    if not tokens:
        raise SettingsError(f"{path}: no token in the token file")
    warnings = [f"{path}: readable by other users; chmod 600 it"] if mode & (stat.S_IRGRP | stat.S_IROTH) else []
    return tokens, warnings


class Access:
    """Decides, for each request, whether it may go on."""

    def __init__(self, tokens: list[bytes], read_token: bool):
        self.tokens, self.read_token = tokens, read_token

    def check(self, request: Request, level: str) -> None:
        """Raise Refusal unless the request may do what ``level`` names."""
        if level == WRITE and not self.tokens:
            raise Refusal(403, f"writes are disabled: {ENABLE_WRITES}")
        if level == WRITE or (level == READ and self.read_token):
            if not self._accepts(presented_token(request)):
                what = "a write" if level == WRITE else "this service (--read-token)"
                # A browser asks for Basic credentials itself; an API client sends a bearer token.
                challenge = 'Bearer realm="provenance"' if request.url.path.startswith("/api/") else 'Basic realm="provenance", charset="UTF-8"'
                raise Refusal(401, f"{what} needs Authorization: Bearer TOKEN, a token of the token file", {"WWW-Authenticate": challenge})

    def _accepts(self, presented: str | None) -> bool:
        if presented is None:
            return False
        given = presented.encode("utf-8", "replace")
        matched = False
        for token in self.tokens:  # every token compared, so the time does not tell which matched
            matched |= hmac.compare_digest(given, token)
        return matched


def requires(level: str):
    """An endpoint that first checks the request may do what ``level`` names (before its body is read)."""

    def guard(endpoint):
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            request.app.state.access.check(request, level)
            return await endpoint(request)

        return guarded

    return guard


def presented_token(request: Request) -> str | None:
    """The token of ``Authorization: Bearer TOKEN``, or the password of Basic credentials."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return value.strip() or None
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2] or None
        except (binascii.Error, UnicodeDecodeError):
            return None
    return None
