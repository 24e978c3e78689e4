"""How the service answers: JSON for the API, server-rendered HTML (Jinja, every value escaped)
for the editor's pages, and one-line errors for both."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

TEMPLATES = Jinja2Templates(env=Environment(loader=PackageLoader("provenance.serve", "templates"), autoescape=True))


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def one_line(message: str) -> str:
    return " ".join(message.split())


def error_response(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """``{"error": "..."}`` for the API; for a page, a page saying the same."""
    if is_api(request.url.path):
        return JSONResponse({"error": one_line(message)}, status_code=status, headers=headers)
    return TEMPLATES.TemplateResponse(request, "error.html", {"status": status, "message": one_line(message)}, status_code=status, headers=headers)
