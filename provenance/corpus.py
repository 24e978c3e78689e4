"""Read corpora: a directory of text files (with an optional manifest) or a JSONL file.

Every problem with the input is raised as :class:`CorpusError` with a message that names the
file (and line or row) so that the CLI can print it on one line.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Iterable, Iterator

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
MANIFEST_NAMES = ("manifest.csv", "manifest.jsonl")

# passim's field names, accepted as synonyms of ours.
FIELD_ALIASES = {"series": "source", "date": "published"}
METADATA_FIELDS = ("source", "title", "url", "published")

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CorpusError(Exception):
    """Input that cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class Published:
    """A publication time as an interval: a date alone covers that whole day (UTC)."""

    text: str
    start: datetime
    end: datetime
    inferred: bool = False  # read off a dateline in the text, zone unknown: the interval is wide

    @property
    def label(self) -> str:
        """The time as shown and as stored: an inferred one says so (parse_published reads it back)."""
        return f"{self.text}{INFERRED}" if self.inferred else self.text

    @property
    def is_day(self) -> bool:
        return self.end - self.start >= timedelta(days=1)

    def before(self, other: Published) -> bool:
        """True only when this time certainly precedes the other (the intervals do not touch)."""
        return self.end <= other.start


def parse_published(text: str) -> Published:
    """Parse ISO 8601: a date (whole day) or a datetime; a datetime without offset is UTC.

    Raises ValueError with a readable message.
    """
    value = text.strip()
    if value.endswith(INFERRED):
        return _local_time(value[: -len(INFERRED)].strip())
    if _DATE_ONLY.match(value):
        day = date.fromisoformat(value)
        start = datetime.combine(day, time(0), tzinfo=timezone.utc)
        return Published(value, start, start + timedelta(days=1))
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"unparseable date {text!r} (expected ISO 8601, e.g. 2016-03-14 or 2016-03-14T18:00:00+00:00)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    # A datetime is an instant; the interval is closed-open, so give it the smallest width.
    return Published(value, moment, moment + timedelta(microseconds=1))


INFERRED = " (inferred)"
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
# "May 20 2016 11:40 PM", "May 20, 2016", "Oct. 4, 2015, 10:05 a.m." near the top of a text.
_DATELINE = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})"
    r"(?:,?\s+(\d{1,2}):(\d{2})\s*([AaPp])\.?[Mm]\.?)?"
)
DATELINE_REACH = 600  # characters at the top of a text searched for a dateline


def infer_published(body: str) -> Published | None:
    """A publication time read off a dateline near the top of a text, or None. The zone is not
    printed, so the interval reaches from 14 hours before the local time to 12 hours after it
    (every UTC offset): an inferred date orders documents only when they are far enough apart."""
    match = _DATELINE.search(body[:DATELINE_REACH])
    if not match:
        return None
    month, day, year, hour, minute, half = match.groups()
    try:
        if hour is None:
            return _local_time(date(int(year), _MONTHS[month.lower()], int(day)).isoformat())
        clock = int(hour) % 12 + (12 if half.lower() == "p" else 0)
        return _local_time(datetime(int(year), _MONTHS[month.lower()], int(day), clock, int(minute)).isoformat())
    except ValueError:
        return None  # "Feb 30": no date


def _local_time(value: str) -> Published:
    """A local date or time of unknown zone, as the UTC interval it may stand for."""
    given = parse_published(value)
    return Published(value, given.start - timedelta(hours=14), given.end + timedelta(hours=12), inferred=True)


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


@dataclass
class Corpus:
    documents: list[Document]
    warnings: list[str] = field(default_factory=list)


def load_corpus(paths: str | Path | Iterable[str | Path], fallback_encoding: str | None = None) -> Corpus:
    """Load one or more corpora (directories or JSONL files) into one list of documents.

    Text must be UTF-8 unless ``fallback_encoding`` names the encoding of files that are not
    (e.g. "cp1252" for Windows-written corpora). Empty documents are skipped with a warning. Raises CorpusError for unreadable input, duplicate
    ids across everything loaded, or a corpus with no documents at all.
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
                warnings.append(f"{doc.location}: empty document {doc.id!r} skipped")
                continue
            documents.append(doc)
    if not documents:
        raise CorpusError(f"{', '.join(map(str, path_list))}: empty corpus (no documents with text)")
    return Corpus(documents, warnings)


def _read_any(path: Path, fallback_encoding: str | None) -> Iterator[Document]:
    if path.is_dir():
        yield from read_directory(path, fallback_encoding)
    elif path.is_file():
        if path.suffix.lower() in JSONL_SUFFIXES:
            yield from read_jsonl(path, fallback_encoding)
        else:
            raise CorpusError(f"{path}: not a corpus (give a directory of .txt/.md files or a .jsonl file)")
    else:
        raise CorpusError(f"{path}: no such file or directory")


def read_jsonl(path: Path, fallback_encoding: str | None = None) -> Iterator[Document]:
    """One JSON object per line: id, text, and optional source/series, title, url, published/date."""
    for number, where, record in _json_lines(path, _decoded_lines(path, fallback_encoding)):
        if record.get("id") in (None, ""):
            raise CorpusError(f"{where}: missing 'id'")
        body = record.get("text")
        if not isinstance(body, str):
            raise CorpusError(f"{where}: 'text' must be a string")
        if "\x00" in body:
            raise CorpusError(f"{where}: text contains NUL bytes (binary data?)")
        yield replace(_document(str(record["id"]), body, record, where), file=path, line=number)


def read_directory(root: Path, fallback_encoding: str | None = None) -> Iterator[Document]:
    """Every .txt/.md file under root (recursively, in path order), with manifest metadata.

    A file's id is its path relative to root without the suffix, unless the manifest gives one.
    """
    manifest = _read_manifest(root, fallback_encoding)
    by_path = {row["path"]: row for row in manifest if row.get("path")}
    by_id = {row["id"]: row for row in manifest if row.get("id") and not row.get("path")}
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
    inside = root.resolve()
    for file in files:
        # A link may point anywhere: a corpus reads only what lies inside it.
        if inside not in file.resolve().parents:
            raise CorpusError(f"{file}: a link to {file.resolve()}, outside the corpus; refused")
    known_paths = {f.relative_to(root).as_posix() for f in files}
    for rel, row in by_path.items():
        if rel not in known_paths:
            raise CorpusError(f"{row['_where']}: file {rel!r} not found in {root}")
    for file in files:
        rel = file.relative_to(root).as_posix()
        default_id = rel[: -len(file.suffix)]
        row = by_path.get(rel) or by_id.get(default_id) or {}
        doc_id = str(row.get("id") or default_id)
        yield replace(_document(doc_id, read_text(file, fallback_encoding), row, str(file)), file=file)


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
        reader = csv.DictReader(io.StringIO(text))
        columns = {FIELD_ALIASES.get(c, c) for c in (reader.fieldnames or [])}
        if not columns & {"path", "id"}:
            raise CorpusError(f"{path}: manifest needs a 'path' or 'id' column")
        for row in reader:
            where = f"{path}:{reader.line_num}"
            if None in row:
                raise CorpusError(f"{where}: more values than columns")
            rows.append(_canonical_fields(row, where))
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
                if offset == 0 and raw.startswith(b"\xef\xbb\xbf"):
                    raw, offset = raw[3:], 3
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
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise CorpusError(f"{where}: malformed JSON ({error.msg} at column {error.colno})") from None
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


def _document(doc_id: str, body: str, record: dict, where: str) -> Document:
    meta = {}
    for name in METADATA_FIELDS:
        value = record.get(name)
        meta[name] = None if value in (None, "") else str(value)
    published = None
    if meta["published"]:
        try:
            published = parse_published(meta["published"])
        except ValueError as error:
            raise CorpusError(f"{record.get('_where', where)}: {error}") from None
    else:  # an inferred date never overrides a given one
        published = infer_published(body)
    return Document(
        id=doc_id,
        text=body,
        source=meta["source"],
        title=meta["title"],
        url=meta["url"],
        published=published,
        location=where,
    )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CorpusError(f"{path}: cannot read ({error.strerror})") from None


def _decode(path: Path, data: bytes, fallback_encoding: str | None, offset: int = 0) -> str:
    """``data`` read from ``path`` at ``offset``, as text; the error names the file offset."""
    if offset == 0 and b"\x00" in data[:8192]:
        raise CorpusError(f"{path}: binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig" if offset == 0 else "utf-8")
    except UnicodeDecodeError as error:
        if fallback_encoding is None:
            raise CorpusError(
                f"{path}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {offset + error.start}); "
                "name the corpus's other encoding as fallback encoding (e.g. cp1252)"
            ) from None
    try:
        return data.decode(fallback_encoding)
    except UnicodeDecodeError as error:
        raise CorpusError(f"{path}: neither UTF-8 nor {fallback_encoding} (byte 0x{data[error.start]:02x} at offset {offset + error.start})") from None
    except LookupError:
        raise CorpusError(f"unknown encoding {fallback_encoding!r}") from None


def belongs_to(path: Path, corpora: Iterable[Path]) -> bool:
    """Whether writing ``path`` would overwrite one of these corpora or add to what they hold."""
    target = path.resolve()
    for corpus in map(Path, corpora):
        root = corpus.resolve()
        if target == root:
            return True
        if corpus.is_dir() and root in target.parents:
            if target.suffix.lower() in TEXT_SUFFIXES or (target.parent == root and target.name in MANIFEST_NAMES):
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
