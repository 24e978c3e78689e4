"""The API's OpenAPI description, served at /api/v1/openapi.json."""

from __future__ import annotations

from .. import __version__
from .settings import Settings, size_label

_ERROR = {"description": "One line saying what was wrong", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_STRING_OR_NULL = {"type": ["string", "null"]}


def _answers(ok: str, schema: dict, *refusals: int) -> dict:
    answers = {"200": {"description": ok, "content": {"application/json": {"schema": schema}}}}
    answers.update({str(status): _ERROR for status in refusals})
    return answers


def schema(settings: Settings) -> dict:
    read_refusals = (401, 503) if settings.read_token else (503,)
    document_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "provenance",
            "version": __version__,
            "description": f"Check drafts against a news archive and keep the archive. Bodies up to {size_label(settings.max_body)}; "
            f"a request may take {settings.timeout:g} s. Writes need Authorization: Bearer TOKEN"
            + ("; so do reads and checks." if settings.read_token else "; reads and checks are open."),
        },
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
                "Check": {
                    "type": "object",
                    "description": "A draft as text, or a page as html (its main text is checked), with the policy of provenance check.",
                    "properties": {
                        "id": {"type": "string", "default": "draft", "description": "names the draft in the report, as a file name does"},
                        "text": {"type": "string"},
                        "html": {"type": "string"},
                        "title": _STRING_OR_NULL,
                        "source": _STRING_OR_NULL,
                        "allow": {"type": "array", "items": {"type": "string"}, "description": "licensed sources: reported, never failing"},
                        "max_share": {"type": "number", "minimum": 0, "maximum": 1, "default": 0},
                        "strict": {"type": "boolean", "default": False, "description": "credited reuse fails too"},
                        "min_words": {"type": "integer", "minimum": 3, "default": 12},
                    },
                    "oneOf": [{"required": ["text"]}, {"required": ["html"]}],
                },
                "CheckReport": {"type": "object", "description": "provenance.check/1, as provenance check --format json writes it (see the README)"},
                "ScanReport": {"type": "object", "description": "provenance.scan/1, as provenance scan --format json writes it (see the README)"},
                "Document": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": {"type": "string"}, "text": {"type": "string"}, "html": {"type": "string"},
                        "source": _STRING_OR_NULL, "title": _STRING_OR_NULL, "url": _STRING_OR_NULL,
                        "published": {"type": ["string", "null"], "description": "ISO 8601"},
                    },
                },
                "AddReport": {
                    "type": "object",
                    "properties": {name: {"type": "integer"} for name in ("added", "replaced", "unchanged", "documents")},
                },
            },
        },
        "paths": {
            "/api/v1/health": {"get": {"summary": "The service is up; how many documents the index holds",
                                       "responses": _answers("Up", {"type": "object"}, 503)}},
            "/api/v1/stats": {"get": {"summary": "The index's documents, outlets, keys, dates and size",
                                      "responses": _answers("Statistics", {"type": "object"}, *read_refusals)}},
            "/api/v1/check": {"post": {
                "summary": "Check one draft against the index",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Check"}}}},
                "responses": _answers("The check report", {"$ref": "#/components/schemas/CheckReport"}, 400, *read_refusals, 413, 422),
            }},
            "/api/v1/documents": {"post": {
                "summary": "Add documents (an id indexed before is replaced if its text changed)",
                "security": [{"token": []}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["documents"],
                    "properties": {"documents": {"type": "array", "items": {"$ref": "#/components/schemas/Document"}}}}}}},
                "responses": _answers("The add report", {"$ref": "#/components/schemas/AddReport"}, 400, 401, 403, 413, 422, 503),
            }},
            "/api/v1/documents/{id}": {
                "get": {"summary": "A document's metadata (and its text with ?text=true)",
                        "parameters": [document_id, {"name": "text", "in": "query", "schema": {"type": "boolean", "default": False}}],
                        "responses": _answers("The document", {"type": "object"}, *read_refusals, 404, 422)},
                "delete": {"summary": "Remove a document", "security": [{"token": []}], "parameters": [document_id],
                           "responses": _answers("Removed", {"type": "object"}, 401, 403, 404, 503)},
            },
            "/api/v1/documents/{id}/families": {"get": {
                "summary": "The families a document belongs to: it scanned with its nearest archive documents",
                "parameters": [document_id],
                "responses": _answers("The scan report", {"$ref": "#/components/schemas/ScanReport"}, *read_refusals, 404),
            }},
        },
    }
