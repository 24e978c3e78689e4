"""Command line: parses arguments, calls the library, prints. Nothing else lives here."""

from __future__ import annotations

import enum
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Iterable, List, Optional

import typer

from . import __version__
from .check import Policy, check_draft, load_drafts
from .corpus import CorpusError, as_read, belongs_to, load_corpus
from .dedup import KEEP_RULES, DedupParams, dedup, strip_reused
from .html_report import to_html
from .index import Index, is_index_file, open_index
from .redis_index import is_redis_url
from .report import (
    boilerplate_table,
    check_tables,
    dedup_table,
    dumps,
    dumps_check,
    dumps_dedup,
    dumps_strip,
    family_tree,
    json_chunks,
    render_tables,
    strip_table,
    text_table,
    to_csv,
)
from .scan import ScanParams, scan, text_model_params

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Find reused passages across news articles and where each came from first.")

_DEFAULTS = ScanParams()
index_app = typer.Typer(no_args_is_help=True, help="Build and inspect the archive index (SQLite).")
app.add_typer(index_app, name="index")


def _default_db() -> str:
    return os.environ.get("PROVENANCE_DB", "provenance.db")


class Format(str, enum.Enum):
    table = "table"
    json = "json"


class ScanFormat(str, enum.Enum):
    table = "table"
    json = "json"
    csv = "csv"
    html = "html"
    parquet = "parquet"


class Engine(str, enum.Enum):
    local = "local"
    spark = "spark"


# Options that several commands share.
_DB_OPTION = typer.Option(
    None, "--db", "--index", help="The index: a SQLite file, or redis://host:port/db for a shared one (default: $PROVENANCE_DB, else provenance.db)."
)
_FORMAT_OPTION = typer.Option(Format.table, "--format", "-f", help="table for people, json for machines.")
_OUTPUT_OPTION = typer.Option(None, "--output", "-o", help="Write the report to this file instead of stdout.")
_MIN_WORDS_OPTION = typer.Option(_DEFAULTS.align.min_words, "--min-words", min=3, help="Shortest passage reported, in words.")
_ENCODING_OPTION = typer.Option(
    None, "--fallback-encoding", metavar="ENCODING", help="Decode files that are not UTF-8 with this encoding (e.g. cp1252)."
)
_QUIET_OPTION = typer.Option(False, "--quiet", "-q", help="No warnings or progress bar on stderr.")


_OCR_OPTION = typer.Option(
    False, "--ocr",
    help="The texts are OCR'd: words are read with OCR's common misreadings folded (rn/m, c/e, l/1/I, 0/O ...). An index keeps the setting it was built with.",
)


class TextModel(str, enum.Enum):
    auto = "auto"
    words = "words"
    chars = "chars"


_TEXT_MODEL_OPTION = typer.Option(
    TextModel.auto, "--text-model",
    help="What a token is: words (letters in Chinese, Japanese, Thai and other scripts written without spaces), or chars, every letter, "
    "which reads damaged words (OCR); auto reads by letters with --ocr, else by words. An index keeps the model it was built with.",
)


def _read_as(ocr: bool, text_model: TextModel, documents: list | None = None, quiet: bool = True) -> ScanParams:
    """The settings for reading texts as asked; ``documents`` that look OCR'd are read as with --ocr
    under auto, and a warning says so."""
    params = text_model_params(text_model.value, ocr, None if documents is None else [d.text for d in documents])
    if params.align.ocr and not ocr:
        _warn(["most of the texts look OCR'd (digits or specks inside words): read by letters with OCR's misreadings folded, "
               "as with --ocr; --text-model words reads them by words"], quiet)
    return params


def _index_params(ocr: bool, text_model: TextModel) -> ScanParams | None:
    """Settings to open an index with: the reading asked for, or none (the index's own)."""
    return _read_as(ocr, text_model) if ocr or text_model is not TextModel.auto else None


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"provenance {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """provenance: reused passages and their earliest sources."""


@app.command("scan")
def scan_command(
    corpus: Optional[List[str]] = typer.Argument(
        None,
        help="Directories of .txt/.md/.html files and WARC crawls (optional manifest.csv/.jsonl), JSONL files (a text or html field) or .warc(.gz) files; with --engine spark also Parquet, and hdfs://, s3a:// ... URLs.",
    ),
    db: Optional[str] = typer.Option(None, "--db", "--index", help="Scan the documents of this index, a file or redis:// URL (with or instead of CORPUS)."),
    output_format: ScanFormat = typer.Option(ScanFormat.table, "--format", "-f", help="table for people, json for machines, csv (a row per member) for spreadsheets, html (one self-contained page) for reading, parquet (a folder given by -o; spark engine)."),
    output: Optional[Path] = _OUTPUT_OPTION,
    min_words: int = _MIN_WORDS_OPTION,
    min_similarity: Optional[float] = typer.Option(
        None, "--min-similarity", min=0.0, max=1.0,
        help=f"Lowest similarity, token by token, of a reported passage to its match (default {_DEFAULTS.align.min_similarity} by words, "
        f"{_DEFAULTS.align.min_letter_similarity} by letters: the character model's, and Chinese, Japanese or Thai read by words); given, it holds for both.",
    ),
    min_evidence: float = typer.Option(
        _DEFAULTS.align.min_evidence, "--min-evidence", min=0.0,
        help="Least evidence of copying a passage needs, in words; a word of wording common in the corpus counts a quarter.",
    ),
    fallback_encoding: Optional[str] = _ENCODING_OPTION,
    quiet: bool = _QUIET_OPTION,
    show_boilerplate: bool = typer.Option(False, "--show-boilerplate", help="Also list the site furniture and common wording left out (tables only; JSON always has them)."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local (this machine's cores) or spark (PySpark; needs 'provenance[spark]' and Java 17+)."),
    master: Optional[str] = typer.Option(None, "--master", help="Spark master: local[N], spark://host:7077, yarn (with --engine spark; default spark-submit's, else local[*])."),
    ocr: bool = _OCR_OPTION,
    text_model: TextModel = _TEXT_MODEL_OPTION,
) -> None:
    """Find reused passages in a corpus, group them into families and name each family's origin."""
    if not corpus and db is None:
        _fail("give a CORPUS or --db INDEX to scan")
    if output_format is ScanFormat.parquet and (engine is not Engine.spark or output is None):
        _fail("--format parquet writes a folder with the spark engine: add --engine spark and -o FOLDER")
    params = _read_as(ocr, text_model)
    documents = []
    try:
        if db is not None:
            with open_index(db, create=False) as index:
                documents.extend(index.documents())
                if _index_params(ocr, text_model) is None:  # an index's texts are read as it was built, unless asked otherwise
                    params = index.params
        if engine is Engine.spark:
            from .spark_engine import spark_scan, spark_session, read_documents, write_parquet

            spark = spark_session(master)
            spark_corpus = read_documents(spark, corpus or [], fallback_encoding, documents)
        else:
            if corpus:
                loaded = load_corpus(corpus, fallback_encoding)
                _warn(loaded.warnings, quiet)
                documents.extend(loaded.documents)
            _unique_ids(documents)
            if not documents:
                _fail(f"{db}: empty index")
            if db is None:
                params = _read_as(ocr, text_model, documents, quiet)
    except CorpusError as error:
        _fail(str(error))
    params = replace(params, align=replace(params.align, min_words=min_words, min_evidence=min_evidence))
    if min_similarity is not None:
        params = replace(params, align=params.align.with_min_similarity(min_similarity))
    if engine is Engine.spark:
        # The corpus stays in Spark: JSON and Parquet are written from its executors as they go.
        run = spark_scan(spark, spark_corpus, params)
        if output_format is ScanFormat.parquet:
            write_parquet(run, output)
            return
        if output_format is ScanFormat.json:
            _emit(json_chunks(run.result, run.document_texts()), output)
            return
        result = run.result if output_format is ScanFormat.csv else run.whole()
    else:
        with _ProgressBar(disabled=quiet) as report:
            result = scan(documents, params, progress=report)
    if output_format is ScanFormat.json:
        _emit(dumps(result), output)
    elif output_format is ScanFormat.csv:
        _emit(to_csv(result), output)
    elif output_format is ScanFormat.html:
        _emit(to_html(result), output)
    else:
        _emit(render_tables(result) + ("\n" + boilerplate_table(result) if show_boilerplate else ""), output)


@app.command("show")
def show_command(
    family: int = typer.Argument(..., help="The family's number, as scan prints it."),
    corpus: List[Path] = typer.Argument(..., help="The corpora the scan read (same inputs as scan)."),
    min_words: int = _MIN_WORDS_OPTION,
    fallback_encoding: Optional[str] = _ENCODING_OPTION,
    quiet: bool = _QUIET_OPTION,
    ocr: bool = _OCR_OPTION,
    text_model: TextModel = _TEXT_MODEL_OPTION,
) -> None:
    """Show one reuse family as a tree of who copied whom, with the words changed at each step."""
    try:
        loaded = load_corpus(corpus, fallback_encoding)
    except CorpusError as error:
        _fail(str(error))
    _warn(loaded.warnings, quiet)
    params = _read_as(ocr, text_model, loaded.documents, quiet)
    params = replace(params, align=replace(params.align, min_words=min_words))
    with _ProgressBar(disabled=quiet) as report:
        result = scan(loaded.documents, params, progress=report)
    try:
        sys.stdout.write(family_tree(result, family))
    except KeyError as error:
        _fail(error.args[0])


def _emit(text: str | Iterable[str], output: Optional[Path]) -> None:
    """Write text, whole or in pieces, to stdout or to a file (whole or not at all)."""
    pieces = [text] if isinstance(text, str) else text
    if output is None:
        for piece in pieces:
            sys.stdout.write(piece)
        return
    try:
        write_atomically(output, (piece.encode("utf-8") for piece in pieces))
    except OSError as error:
        _fail(f"{output}: cannot write ({error.strerror})")


def _warn(warnings: list[str], quiet: bool) -> None:
    if not quiet:
        for warning in warnings:
            typer.echo(f"warning: {warning}", err=True)


def _unique_ids(documents) -> None:
    seen = set()
    for doc in documents:
        if doc.id in seen:
            raise CorpusError(f"{doc.location}: duplicate id {doc.id!r} (also in the index)")
        seen.add(doc.id)


Keep = enum.Enum("Keep", {rule: rule for rule in KEEP_RULES}, type=str)


@app.command("dedup")
def dedup_command(
    corpus: List[Path] = typer.Argument(..., help="Corpora to deduplicate (same inputs as scan)."),
    output: Path = typer.Option(..., "--output", "-o", help="JSONL of the kept documents, each line as read, in input order."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write the duplicate groups as JSON (provenance.dedup/1)."),
    threshold: float = typer.Option(
        DedupParams.threshold, "--threshold", min=0.0, max=1.0, help="Least share of a document's shingles found in a kept one for it to be dropped."
    ),
    keep: Keep = typer.Option(DedupParams.keep, "--keep", help="Which document of a group stays (undated never before dated)."),
    strip: bool = typer.Option(False, "--strip-reused", help="Keep every document, with the passages first published elsewhere cut out."),
    fallback_encoding: Optional[str] = _ENCODING_OPTION,
    quiet: bool = _QUIET_OPTION,
    ocr: bool = _OCR_OPTION,
    text_model: TextModel = _TEXT_MODEL_OPTION,
) -> None:
    """Drop near-duplicate documents (reruns, light edits, wire updates, excerpts), keeping the original."""
    try:
        if belongs_to(output, corpus) or (report is not None and belongs_to(report, corpus)):
            raise CorpusError(f"{output if belongs_to(output, corpus) else report}: refusing to write into the input corpus")
        loaded = load_corpus(corpus, fallback_encoding)
        _warn(loaded.warnings, quiet)
        documents = loaded.documents
        with _ProgressBar(disabled=quiet) as progress:
            if strip:
                texts, cuts = strip_reused(documents, _read_as(ocr, text_model, documents, quiet), progress=progress)
                lines = as_read(documents, texts)
                summary, report_text = strip_table(documents, cuts), dumps_strip(len(documents), cuts)
            else:
                result = dedup(documents, DedupParams(threshold, keep.value), _read_as(ocr, text_model, documents, quiet), progress=progress)
                lines = as_read(doc for doc, kept in zip(documents, result.kept) if kept)
                summary, report_text = dedup_table(result), dumps_dedup(result)
        _write_file(output, lines)
        if report is not None:
            _write_file(report, report_text)
    except CorpusError as error:
        _fail(str(error))
    sys.stdout.write(summary)


def _write_file(path: Path, data: str | Iterable[bytes]) -> None:
    try:
        write_atomically(path, data)
    except OSError as error:
        raise CorpusError(f"{path}: cannot write ({error.strerror})") from None


@index_app.command("add")
def index_add(
    corpus: List[Path] = typer.Argument(..., help="Corpora to add (same inputs as scan)."),
    db: Optional[str] = _DB_OPTION,
    batch_size: int = typer.Option(5000, "--batch-size", min=1, help="Documents per transaction (larger is faster to build)."),
    fallback_encoding: Optional[str] = _ENCODING_OPTION,
    quiet: bool = _QUIET_OPTION,
    ocr: bool = _OCR_OPTION,
    text_model: TextModel = _TEXT_MODEL_OPTION,
) -> None:
    """Add documents to the index; an id added before is replaced if its text changed."""
    path = db or _default_db()
    try:
        loaded = load_corpus(corpus, fallback_encoding)
        _warn(loaded.warnings, quiet)
        with open_index(path, _index_params(ocr, text_model)) as index, _ProgressBar(disabled=quiet) as report:
            done = 0

            def advance(count: int) -> None:
                nonlocal done
                done += count
                report("index", done, len(loaded.documents))

            added = index.add(loaded.documents, batch_size=batch_size, progress=advance)
            total = len(index)
    except CorpusError as error:
        _fail(str(error))
    typer.echo(f"{path}: added {added.added}, replaced {added.replaced} (text changed), unchanged {added.unchanged}; {total} documents")


@index_app.command("stats")
def index_stats(db: Optional[str] = _DB_OPTION) -> None:
    """How many documents, outlets and keys the index holds, its dates and its size."""
    try:
        with open_index(db or _default_db(), create=False) as index:
            stats = index.stats()
    except CorpusError as error:
        _fail(str(error))
    typer.echo(text_table(stats.items(), plain=True))


@index_app.command("remove")
def index_remove(ids: List[str] = typer.Argument(..., help="Document ids."), db: Optional[str] = _DB_OPTION) -> None:
    """Remove documents by id (all of them, or none if one is unknown)."""
    path = db or _default_db()
    try:
        with open_index(path, create=False) as index:
            index.remove(ids)
            total = len(index)
    except CorpusError as error:
        _fail(str(error))
    typer.echo(f"{path}: removed {len(ids)}; {total} documents")


@app.command("check")
def check_command(
    drafts: List[Path] = typer.Argument(..., help="Draft files (an .html draft is read as a page), or folders of .txt/.md/.html drafts."),
    against: str = typer.Option(..., "--against", help="An index (a .db file or a redis:// URL) or a corpus (folder, JSONL or WARC)."),
    output_format: Format = _FORMAT_OPTION,
    output: Optional[Path] = _OUTPUT_OPTION,
    min_words: int = _MIN_WORDS_OPTION,
    max_share: float = typer.Option(0.0, "--max-share", min=0.0, max=1.0, help="Fail only above this share of uncredited reuse."),
    allow: List[str] = typer.Option([], "--allow", help="A licensed source (outlet or wire): reported, never failing. Repeatable."),
    strict: bool = typer.Option(False, "--strict", help="Credited reuse fails too."),
    fallback_encoding: Optional[str] = _ENCODING_OPTION,
    ocr: bool = _OCR_OPTION,
    text_model: TextModel = _TEXT_MODEL_OPTION,
) -> None:
    """Check drafts against an archive. Exit 0: nothing uncredited over the limit; 1: reuse found; 2: bad input."""
    policy = Policy(min_words=min_words, max_share=max_share, allow=tuple(allow), strict=strict)
    try:
        documents = load_drafts(drafts, fallback_encoding)
        with _archive(against, fallback_encoding, ocr, text_model) as index:
            reports = [check_draft(draft, index, policy) for draft in documents]
    except CorpusError as error:
        _fail(str(error))
    _emit(dumps_check(reports, policy) if output_format is Format.json else check_tables(reports), output)
    raise typer.Exit(1 if any(r.failed for r in reports) else 0)


@app.command("serve")
def serve_command(
    db: Optional[str] = _DB_OPTION,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; anything but loopback opens reads to others (see --read-token)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    token_file: Optional[Path] = typer.Option(
        None, "--token-file", envvar="PROVENANCE_TOKENS_FILE", help="Bearer tokens, one a line, that may add and remove documents (default: $PROVENANCE_TOKENS_FILE; without one, writes are refused)."
    ),
    read_token: bool = typer.Option(False, "--read-token", help="Reads and checks need a token of the token file too."),
    workers: int = typer.Option(1, "--workers", min=1, help="Processes serving requests, each with the index open (one per core for the most checks a second)."),
    max_body: str = typer.Option("10M", "--max-body", help="Largest request body (bytes, or with K, M, G); larger ones get 413."),
    cors_origin: List[str] = typer.Option([], "--cors-origin", help="An origin (https://cms.example) whose pages may call the API from a browser. Repeatable; none by default."),
    timeout: float = typer.Option(30.0, "--timeout", min=0.001, help="Seconds a request may take before it gets 503."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="Log each request on stdout."),
) -> None:
    """Serve the index over HTTP: the API for a CMS under /api/v1, and a page for editors at /."""
    try:
        from . import serve
    except ImportError as error:
        _fail(f"provenance serve needs the serve extra: pip install 'provenance[serve]' ({error})")
    try:
        settings = serve.Settings(
            index=db or _default_db(), host=host, port=port, token_file=str(token_file) if token_file else None, read_token=read_token,
            workers=workers, max_body=serve.parse_size(max_body), cors_origins=tuple(cors_origin), timeout=timeout, access_log=access_log,
        )
        documents, warnings = serve.prepare(settings)
        sock = serve.listen(settings)
    except serve.SettingsError as error:
        _fail(str(error))
    _warn(warnings, quiet=False)
    writes = f"writes need a token of {settings.token_file}" if settings.token_file else "writes refused (no --token-file)"
    where = f"[{host}]" if ":" in host else host
    typer.echo(f"provenance serve: {documents} documents, {writes}, on http://{where}:{sock.getsockname()[1]}/", err=True)
    serve.serve(settings, sock)


def _archive(against: str, fallback_encoding: Optional[str], ocr: bool, text_model: TextModel):
    """An index as it is (the reading asked for must be the one it was built with), or a corpus put
    into a throwaway in-memory index."""
    if is_redis_url(against) or is_index_file(Path(against)):
        return open_index(against, _index_params(ocr, text_model), create=False)
    index = Index(":memory:", _read_as(ocr, text_model))
    index.add(load_corpus(against, fallback_encoding).documents)
    return index


def write_atomically(path: Path, data: str | Iterable[bytes]) -> None:
    """Write through a temporary file in the same folder, so a reader never sees half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            if isinstance(data, str):
                stream.write(data.encode("utf-8"))
            else:
                stream.writelines(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class _ProgressBar:
    """A progress bar on stderr, shown only when stderr is a terminal (rich is imported only then:
    a quiet or piped command starts faster without it)."""

    def __init__(self, disabled: bool):
        self._bar = None
        if not disabled and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            columns = (TextColumn("{task.description:<11}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            self._bar = Progress(*columns, console=Console(stderr=True), transient=True)
        self._tasks: dict[str, int] = {}

    def __enter__(self):
        if self._bar is not None:
            self._bar.__enter__()
        return self.update

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def update(self, stage: str, done: int, total: int) -> None:
        if self._bar is None:
            return
        if stage not in self._tasks:
            self._tasks[stage] = self._bar.add_task(stage, total=total)
        self._bar.update(self._tasks[stage], completed=done, total=total)
