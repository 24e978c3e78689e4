"""Read corpora: a directory of text files and web pages (with an optional manifest), a JSONL
file, or a WARC crawl.

Every problem with the input is raised as :class:`CorpusError` with a message that names the
file (and line or row) so that the CLI can print it on one line.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from itertools import chain, repeat
from typing import Iterable, Iterator

from .dates import Published, infer_published, parse_published
from .workers import PARALLEL_FROM, batched, pool_map, worker_count
from .pages import HTML_SUFFIXES, WARC_SUFFIXES, CrawledPage, Link, Page, PageError, declared_charset, extract_page, read_warc

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
MANIFEST_NAMES = ("manifest.csv", "manifest.jsonl")
PAGES_PER_TASK = 64  # HTML files a worker extracts per trip

# passim's field names, accepted as synonyms of ours.
FIELD_ALIASES = {"series": "source", "date": "published"}
METADATA_FIELDS = ("source", "title", "url", "published")


class CorpusError(Exception):
    """Input that cannot be read; the message names the file and the problem."""


@dataclass
class Document:
    """One article. ``text`` is exactly as read; every offset the tool reports refers to it."""

    id: str
    text: str
    source: str | None = None
    title: str | None = None
    url: str | None = None
    published: Published | None = None
    location: str = ""  # where it was read from, for messages: "dir/file.txt" or "corpus.jsonl:12"
    file: Path | None = None  # the file it was read from (None for an index)
    line: int | None = None  # its line in a JSONL file
    extracted_from: str | None = None  # "html" or "warc": the text is a page's extracted main text
    skipped: str | None = None  # why a page gave no text, for the warning
    links: tuple[Link, ...] = ()  # a page's links to other sites, placed in its text


@dataclass
class Corpus:
    documents: list[Document]
    warnings: list[str] = field(default_factory=list)


def load_corpus(paths: str | Path | Iterable[str | Path], fallback_encoding: str | None = None) -> Corpus:
    """Load one or more corpora (directories or JSONL files) into one list of documents.

    Text must be UTF-8 unless ``fallback_encoding`` names the encoding of files that are not
    (e.g. "cp1252" for Windows-written corpora). Empty documents are skipped with a warning.
    Raises CorpusError for unreadable input, duplicate ids across everything loaded, or a corpus
    with no documents at all.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    documents: list[Document] = []
    warnings: list[str] = []
    seen: dict[str, str] = {}
    path_list = [Path(p) for p in paths]
    if not path_list:
        raise CorpusError("no corpus given")
    for path in path_list:
        for doc in _read_any(path, fallback_encoding):
            if doc.id in seen:
                raise CorpusError(f"{doc.location}: duplicate id {doc.id!r} (first seen in {seen[doc.id]})")
            seen[doc.id] = doc.location
            if not doc.text.strip():
                if doc.extracted_from:
                    warnings.append(f"{doc.location}: page {doc.id!r} skipped: {doc.skipped or 'no article text found in it'}")
                else:
                    warnings.append(f"{doc.location}: empty document {doc.id!r} skipped")
                continue
            documents.append(doc)
    if not documents:
        # The skipped documents' warnings would never be shown: the first says why.
        why = f"; {len(warnings)} skipped, the first: {warnings[0]}" if warnings else ""
        raise CorpusError(f"{', '.join(map(str, path_list))}: empty corpus (no documents with text{why})")
    return Corpus(documents, warnings)


def _read_any(path: Path, fallback_encoding: str | None) -> Iterator[Document]:
    if path.is_dir():
        yield from read_directory(path, fallback_encoding)
    elif path.is_file():
        if path.suffix.lower() in JSONL_SUFFIXES:
            yield from read_jsonl(path, fallback_encoding)
        elif _is_warc(path):
            yield from read_warc_corpus(path, fallback_encoding)
        else:
            raise CorpusError(f"{path}: not a corpus (give a directory of .txt/.md/.html files, a .jsonl file or a .warc(.gz) file)")
    else:
        raise CorpusError(f"{path}: no such file or directory")


def read_jsonl(path: Path, fallback_encoding: str | None = None) -> Iterator[Document]:
    """One JSON object per line: id, text (or html, a page whose main text is extracted), and
    optional source/series, title, url, published/date."""
    for number, where, record in _json_lines(path, _decoded_lines(path, fallback_encoding)):
        yield replace(record_document(record, where), file=path, line=number)


def record_document(record: dict, where: str) -> Document:
    """A document from one JSON record, as a JSONL line or a request to the service gives it:
    ``id``, ``text`` (or ``html``, a page whose main text is extracted) and the optional
    metadata; ``where`` names the record in messages."""
    record = _canonical_fields(record, where)
    if record.get("id") in (None, ""):
        raise CorpusError(f"{where}: missing 'id'")
    field_name = "text" if "text" in record or "html" not in record else "html"
    body = record.get(field_name)
    if not isinstance(body, str):
        raise CorpusError(f"{where}: {field_name!r} must be a string")
    if "\x00" in body:
        raise CorpusError(f"{where}: {field_name} contains NUL bytes (binary data?)")
    if field_name == "html":
        page = extract_page(body, record.get("url") or None)
        return replace(document_from(str(record["id"]), page.text, record, where, page), extracted_from="html")
    return document_from(str(record["id"]), body, record, where)


def read_warc_corpus(path: Path, fallback_encoding: str | None = None) -> Iterator[Document]:
    """One document per HTML page of a WARC file, its id the page's URL (a URL fetched again gets
    "@2", "@3"), its outlet the site, its date from the page (never from the crawl)."""
    seen: dict[str, int] = {}
    try:
        # Pages are extracted a batch at a time (in a pool once there are many), so that a crawl
        # of any size passes through without its HTML held whole.
        batches = batched(read_warc(path), PARALLEL_FROM)
        first = next(batches, [])
        with pool_map(worker_count(None, len(first)), chunksize=PAGES_PER_TASK) as run:
            for batch in chain([first], batches):
                for crawled, page in zip(batch, run(_crawled_text, batch, repeat(path), repeat(fallback_encoding))):
                    seen[crawled.url] = seen.get(crawled.url, 0) + 1
                    doc_id = crawled.url if seen[crawled.url] == 1 else f"{crawled.url}@{seen[crawled.url]}"
                    where = f"{path}@{crawled.offset}"
                    doc = document_from(doc_id or where, page.text, {}, where, page, crawled.seen)
                    yield replace(doc, file=path, extracted_from="warc")
    except PageError as error:
        raise CorpusError(f"{path}: {error}") from None
    except OSError as error:
        raise CorpusError(f"{path}: cannot read ({error.strerror})") from None


def _crawled_text(crawled: CrawledPage, path: Path, fallback_encoding: str | None) -> Page:
    html = _decode(Path(f"{path}@{crawled.offset}"), crawled.html, fallback_encoding, declared=crawled.charset or declared_charset(crawled.html))
    return extract_page(html, crawled.url or None)


def _is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def read_directory(root: Path, fallback_encoding: str | None = None) -> Iterator[Document]:
    """Every .txt/.md/.html file under root (recursively, in path order), with manifest metadata,
    and the pages of every .warc(.gz) file there.

    A file's id is its path relative to root without the suffix, unless the manifest gives one.
    """
    manifest = _read_manifest(root, fallback_encoding)
    by_path = {row["path"]: row for row in manifest if row.get("path")}
    by_id = {row["id"]: row for row in manifest if row.get("id") and not row.get("path")}
    files = sorted(p for p in root.rglob("*") if p.is_file() and (p.suffix.lower() in TEXT_SUFFIXES + HTML_SUFFIXES or _is_warc(p)))
    inside = root.resolve()
    for file in files:
        # A link may point anywhere: a corpus reads only what lies inside it.
        if inside not in file.resolve().parents:
            raise CorpusError(f"{file}: a link to {file.resolve()}, outside the corpus; refused")
    known_paths = {f.relative_to(root).as_posix() for f in files}
    for rel, row in by_path.items():
        if rel not in known_paths:
            raise CorpusError(f"{row['_where']}: file {rel!r} not found in {root}")
    rows = {}
    for file in files:
        rel = file.relative_to(root).as_posix()
        rows[file] = by_path.get(rel) or by_id.get(rel[: -len(file.suffix)]) or {}
    html_files = [f for f in files if f.suffix.lower() in HTML_SUFFIXES]
    # Extraction costs milliseconds a page: many pages are read by a pool, in order.
    with pool_map(worker_count(None, len(html_files)), chunksize=PAGES_PER_TASK) as run:
        pages = run(read_page, html_files, repeat(fallback_encoding), [rows[f].get("url") or None for f in html_files])
        for file in files:
            if _is_warc(file):
                for doc in read_warc_corpus(file, fallback_encoding):
                    yield _with_row(doc, by_id.get(doc.id))
                continue
            row = rows[file]
            doc_id = str(row.get("id") or file.relative_to(root).as_posix()[: -len(file.suffix)])
            if file.suffix.lower() in HTML_SUFFIXES:
                page = next(pages)
                yield replace(document_from(doc_id, page.text, row, str(file), page), file=file, extracted_from="html")
            else:
                yield replace(document_from(doc_id, read_text(file, fallback_encoding), row, str(file)), file=file)


def _with_row(doc: Document, row: dict | None) -> Document:
    """A crawled page with what the manifest says of its URL (as id) put first."""
    if not row:
        return doc
    page = Page(doc.text, doc.title, doc.source, doc.url, doc.published, links=doc.links)
    return replace(document_from(doc.id, doc.text, row, doc.location, page), file=doc.file, extracted_from=doc.extracted_from)


def read_page(path: Path, fallback_encoding: str | None = None, url: str | None = None) -> Page:
    """An HTML file's main text and what its markup says; decoded by its byte-order mark, as UTF-8,
    or by the charset it declares, in that order."""
    data = _read_bytes(path)
    return extract_page(_decode(path, data, fallback_encoding, declared=declared_charset(data)), url)


def read_text(path: Path, fallback_encoding: str | None = None) -> str:
    """The text of one file, exactly as read; CorpusError for binary or undecodable files."""
    body = _decode(path, _read_bytes(path), fallback_encoding)
    if "\x00" in body:
        raise CorpusError(f"{path}: binary file (contains NUL bytes)")
    return body


def _read_manifest(root: Path, fallback_encoding: str | None) -> list[dict]:
    present = [root / name for name in MANIFEST_NAMES if (root / name).is_file()]
    if len(present) > 1:
        raise CorpusError(f"{root}: both manifest.csv and manifest.jsonl present; keep one")
    if not present:
        return []
    path = present[0]
    text = _decode(path, _read_bytes(path), fallback_encoding)
    rows: list[dict] = []
    if path.suffix == ".csv":
        # The csv module reads line ends itself; strict, so that an unclosed quote is an error, not a
        # field that swallows the rest of the file.
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        try:
            columns = {FIELD_ALIASES.get(c, c) for c in (reader.fieldnames or [])}
            if not columns & {"path", "id"}:
                raise CorpusError(f"{path}: manifest needs a 'path' or 'id' column")
            for row in reader:
                where = f"{path}:{reader.line_num}"
                if None in row:
                    raise CorpusError(f"{where}: more values than columns")
                rows.append(_canonical_fields(row, where))
        except csv.Error as error:
            raise CorpusError(f"{path}: malformed CSV ({error}, after line {reader.line_num})") from None
    else:
        for _, where, record in _json_lines(path, text.split("\n")):
            if not ({"path", "id"} & record.keys()):
                raise CorpusError(f"{where}: manifest entry needs a 'path' or 'id'")
            rows.append(record)
    for row in rows:
        # Manifests written on Windows may use backslashes; files are matched by POSIX paths.
        if row.get("path"):
            rel = str(row["path"]).replace("\\", "/")
            row["path"] = rel[2:] if rel.startswith("./") else rel
    return rows


def _decoded_lines(path: Path, fallback_encoding: str | None) -> Iterator[str]:
    """The lines of a text file, read one at a time (a large corpus is never held whole), each
    decoded as ``_decode`` decodes a file. Lines end at "\n" only: a JSON string may hold U+2028
    or U+0085 as they are."""
    try:
        with open(path, "rb") as stream:
            offset = 0
            for raw in stream:
                if offset == 0 and raw.startswith(codecs.BOM_UTF8):
                    raw, offset = raw[3:], 3
                elif offset == 0 and raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    raise CorpusError(f"{path}: a JSONL file must be UTF-8, and this one is UTF-16 or UTF-32 (convert it, e.g. with iconv -t UTF-8)")
                if offset < 8192 and b"\x00" in raw[: 8192 - offset]:
                    raise CorpusError(f"{path}: binary file (contains NUL bytes)")
                yield _decode(path, raw, fallback_encoding, offset)
                offset += len(raw)
    except OSError as error:
        raise CorpusError(f"{path}: cannot read ({error.strerror})") from None


def _json_lines(path: Path, lines: Iterable[str]) -> Iterator[tuple[int, str, dict]]:
    """(line number, location, record with canonical field names) for each non-blank line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line.rstrip("\r\n"))  # a line cut short inside a string: "unterminated", not "control character"
        except json.JSONDecodeError as error:
            # Some of json's messages end in "at" ("Unterminated string starting at").
            raise CorpusError(f"{where}: malformed JSON ({error.msg.removesuffix(' at')} at column {error.colno})") from None
        if not isinstance(record, dict):
            raise CorpusError(f"{where}: expected a JSON object, got {type(record).__name__}")
        yield number, where, _canonical_fields(record, where)


def _canonical_fields(record: dict, where: str) -> dict:
    out = {"_where": where}
    for key, value in record.items():
        name = FIELD_ALIASES.get(key, key)
        if name in out and key != name:
            continue  # our own field name wins over passim's synonym
        out[name] = value
    return out


def document_from(doc_id: str, body: str, record: dict, where: str, page: Page | None = None, seen: datetime | None = None) -> Document:
    """A document from its text and given metadata (``record``); what its ``page`` says fills in
    what the record leaves out. A time found on the page, else a dateline in the text (its year
    perhaps from the URL or the crawl time ``seen``), is used only where none is given."""
    meta = {}
    for name in METADATA_FIELDS:
        value = record.get(name)
        meta[name] = None if value in (None, "") else str(value)
        if meta[name] is None and page is not None and name != "published":
            meta[name] = getattr(page, name)
    published = None
    if meta["published"]:
        try:
            published = parse_published(meta["published"])
        except ValueError as error:
            raise CorpusError(f"{record.get('_where', where)}: {error}") from None
    else:  # an inferred date never overrides a given one
        published = (page.published if page else None) or infer_published(body, meta["url"], seen)
    return Document(
        id=doc_id,
        text=body,
        source=meta["source"],
        title=meta["title"],
        url=meta["url"],
        published=published,
        location=where,
        skipped=page.skipped if page else None,
        links=page.links if page else (),
    )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CorpusError(f"{path}: cannot read ({error.strerror})") from None


# Byte-order marks, the 4-byte UTF-32 ones before the UTF-16 ones they begin with.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _decode(path: Path, data: bytes, fallback_encoding: str | None, offset: int = 0, declared: str | None = None) -> str:
    """``data`` read from ``path`` at ``offset``, as text: by its byte-order mark, else as UTF-8
    (which text in another encoding almost never passes), else in the encoding a page
    ``declared``, else in ``fallback_encoding``. The error names the file offset."""
    if offset == 0:
        for mark, codec in _BOMS:
            if data.startswith(mark):
                try:
                    return data[len(mark) :].decode(codec)
                except UnicodeDecodeError as error:
                    raise CorpusError(f"{path}: not {codec} text, though it starts with a {codec} byte-order mark (offset {len(mark) + error.start})") from None
        if b"\x00" in data[:8192]:
            raise CorpusError(f"{path}: binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = f"byte 0x{data[error.start]:02x} at offset {offset + error.start}"
    tried = ["UTF-8"]
    for codec in (declared, fallback_encoding):
        if codec is None:
            continue
        try:
            return data.decode(codec)
        except UnicodeDecodeError as error:
            tried.append(codec)
            bad = f"byte 0x{data[error.start]:02x} at offset {offset + error.start}"
        except LookupError:
            raise CorpusError(f"unknown encoding {codec!r}") from None
    if len(tried) == 1:
        raise CorpusError(f"{path}: not UTF-8 text ({bad}); name the corpus's other encoding as fallback encoding (e.g. cp1252)")
    raise CorpusError(f"{path}: neither {' nor '.join(tried)} ({bad})")


def belongs_to(path: Path, corpora: Iterable[Path]) -> bool:
    """Whether writing ``path`` would overwrite one of these corpora or add to what they hold."""
    target = path.resolve()
    for corpus in map(Path, corpora):
        root = corpus.resolve()
        if target == root:
            return True
        if corpus.is_dir() and root in target.parents:
            if target.suffix.lower() in TEXT_SUFFIXES + HTML_SUFFIXES or _is_warc(target) or (target.parent == root and target.name in MANIFEST_NAMES):
                return True
    return False


def as_read(documents: Iterable[Document], texts: Iterable[str] | None = None) -> Iterator[bytes]:
    """Each document as one JSONL line, in the order given: a line of a JSONL corpus exactly as it
    was read (its bytes, every field), any other document as a record of its id, text and metadata.
    With ``texts`` (one per document), each line keeps every field but gets that text.

    The lines of each JSONL file are read again as they are needed, so a corpus of any size streams
    through; documents must come in the order they were read, as the loaders give them.
    """
    lines: Iterator[tuple[int, bytes]] = iter(())
    current: Path | None = None
    replacements = iter(texts) if texts is not None else None
    for doc in documents:
        text = next(replacements) if replacements is not None else None
        if doc.line is None or doc.file is None:
            yield record_line(doc, text)
            continue
        if doc.file != current:
            current, lines = doc.file, _raw_lines(doc.file)
        raw = next((raw for number, raw in lines if number == doc.line), None)
        if raw is None:
            raise CorpusError(f"{doc.location}: the file changed while it was being read")
        if text is None:
            yield raw
        else:
            record = json.loads(raw)
            record["text"] = text
            yield (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def record_line(doc: Document, text: str | None = None) -> bytes:
    """A document as a JSONL record of our field names; ``text`` replaces its text."""
    record = {"id": doc.id, "text": doc.text if text is None else text}
    for name in METADATA_FIELDS:
        value = doc.published.label if name == "published" and doc.published else getattr(doc, name)
        if value is not None:
            record[name] = value
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def _raw_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with open(path, "rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]  # a byte-order mark belongs to the file, not to the line
            yield number, raw if raw.endswith(b"\n") else raw + b"\n"
