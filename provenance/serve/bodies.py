"""What a request asks, read from its JSON body: a draft and a policy to check it by, or documents
to add. Every problem is one line naming the field (HTTP 400 for a body that is no JSON object,
422 for a field that is missing, of the wrong type or out of range), never a traceback."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from ..check import Policy
from ..corpus import CorpusError, Document, record_document
from ..dates import parse_published
from ..pages import extract_page

CHECK_FIELDS = ("id", "text", "html", "title", "source", "allow", "max_share", "strict", "min_words")
ADD_FIELDS = ("documents",)
MIN_WORDS = 3  # as the command's --min-words
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "true or false", int: "a number", float: "a number", type(None): "null"}


class RequestError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def json_object(raw: bytes) -> dict:
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise RequestError(400, f"body: malformed JSON ({error.msg} at line {error.lineno} column {error.colno})") from None
    except UnicodeDecodeError as error:
        raise RequestError(400, f"body: not UTF-8 ({error.reason} at byte {error.start})") from None
    if not isinstance(value, dict):
        raise RequestError(400, f"body: expected a JSON object, got {_JSON_TYPES[type(value)]}")
    return value


def check_request(body: dict) -> tuple[Document, Policy]:
    """The draft and the policy of a check, as ``provenance check`` takes them from a file and its options."""
    _known_fields(body, CHECK_FIELDS)
    return draft_from(body), policy_from(body)


def policy_from(body: dict) -> Policy:
    allow = _field(body, "allow", list, [], "an array of outlet names")
    if not all(isinstance(source, str) and source.strip() for source in allow):
        raise RequestError(422, "body.allow: expected an array of outlet names (non-empty strings)")
    max_share = _field(body, "max_share", (int, float), 0.0, "a number from 0 to 1")
    if not 0 <= max_share <= 1:
        raise RequestError(422, f"body.max_share: expected a number from 0 to 1, got {max_share}")
    min_words = _field(body, "min_words", int, Policy.min_words, f"a whole number of at least {MIN_WORDS}")
    if min_words < MIN_WORDS:
        raise RequestError(422, f"body.min_words: expected a whole number of at least {MIN_WORDS}, got {min_words}")
    strict = _field(body, "strict", bool, False, "true or false")
    return Policy(min_words=min_words, max_share=float(max_share), allow=tuple(allow), strict=strict)


def draft_from(body: dict) -> Document:
    """A draft, dated now as the command dates a draft file: from ``text``, or the main text of
    the page in ``html``; ``id`` (default "draft") names it in the report, as a file's name does."""
    given = [name for name in ("text", "html") if body.get(name) is not None]
    if len(given) != 1:
        raise RequestError(422, "body: give the draft as 'text' or as 'html' (one of them)" if given else "body.text: missing (give the draft as 'text', or a page as 'html')")
    draft_id = _field(body, "id", str, "draft", "a string")
    if not draft_id.strip():
        raise RequestError(422, "body.id: empty")
    name = given[0]
    content = _field(body, name, str, "", "a string")
    if "\x00" in content:
        raise RequestError(422, f"body.{name}: contains NUL characters (binary data?)")
    if name == "html":
        page = extract_page(content)
        text, why_empty = page.text, page.skipped or "no article text found in the page"
    else:
        text, why_empty = content, "no text"
    if not text.strip():
        raise RequestError(422, f"body.{name}: {why_empty}")
    return Document(
        draft_id, text, _field(body, "source", str, None, "a string"), _field(body, "title", str, None, "a string"),
        published=parse_published(datetime.now(timezone.utc).isoformat()), location=draft_id,
        extracted_from="html" if name == "html" else None,
    )


def documents_from(body: dict) -> list[Document]:
    """Documents to add, each as a line of a JSONL corpus gives one; all of them valid, or none is added."""
    _known_fields(body, ADD_FIELDS)
    records = _field(body, "documents", list, None, "an array of documents")
    if not records:
        raise RequestError(422, "body.documents: missing or empty (give an array of {id, text or html, source, title, url, published})")
    documents, seen = [], {}
    for number, record in enumerate(records):
        where = f"body.documents[{number}]"
        if not isinstance(record, dict):
            raise RequestError(422, f"{where}: expected an object, got {_JSON_TYPES[type(record)]}")
        try:
            doc = record_document(record, where)
        except CorpusError as error:
            raise RequestError(422, str(error)) from None
        if not doc.text.strip():
            raise RequestError(422, f"{where}: {doc.skipped or 'no article text found in the page'}" if doc.extracted_from else f"{where}: no text")
        if doc.id in seen:
            raise RequestError(422, f"{where}: duplicate id {doc.id!r} (also body.documents[{seen[doc.id]}])")
        seen[doc.id] = number
        documents.append(doc)
    return documents


def _known_fields(body: dict, known: tuple[str, ...]) -> None:
    unknown = sorted(set(body) - set(known))
    if unknown:
        raise RequestError(422, f"body.{unknown[0]}: unknown field (this request takes {', '.join(known)})")


def _field(body: dict, name: str, kinds: type | tuple[type, ...], default, expected: str):
    """``body[name]`` if it is of ``kinds`` (null or absent: ``default``); true and false are no numbers."""
    value = body.get(name)
    if value is None:
        return default
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise RequestError(422, f"body.{name}: expected {expected}, got {_JSON_TYPES[type(value)]}")
    return value
