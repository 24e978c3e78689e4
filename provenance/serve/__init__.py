"""``provenance serve``: the index as a service for a newsroom's CMS and its editors.

- ``create_app(settings)``: the ASGI application (Starlette). The API under ``/api/v1`` checks a
  draft (the same ``provenance.check/1`` JSON as ``provenance check --format json``), adds,
  shows and removes documents, and gives a document's families; the editor's page at ``/``
  checks a pasted or uploaded draft and shows each passage beside its origin.
- ``prepare``, ``listen`` and ``serve``: what the command does, in that order (uvicorn serves).
- ``Settings``: what a service is told; ``SettingsError``: settings it cannot start with.

The index stays open in each process: a check pays neither for starting Python nor for opening
the index. Writes need a bearer token; see ``auth``.
"""

from .app import create_app
from .server import listen, prepare, serve
from .settings import Settings, SettingsError, parse_size

__all__ = ["Settings", "SettingsError", "create_app", "listen", "parse_size", "prepare", "serve"]
