"""Command line: parses arguments, calls the library, prints. Nothing else lives here."""

from __future__ import annotations

import enum
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .corpus import CorpusError, load_corpus
from .report import dumps, render_tables
from .scan import ScanParams, scan

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Find reused passages across news articles and where each came from first.")

_DEFAULTS = ScanParams()
_err = Console(stderr=True)


class Format(str, enum.Enum):
    table = "table"
    json = "json"


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
    corpus: List[Path] = typer.Argument(..., help="Directories of .txt/.md files (optional manifest.csv/.jsonl) or JSONL files."),
    output_format: Format = typer.Option(Format.table, "--format", "-f", help="table for people, json for machines."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report to this file instead of stdout."),
    min_words: int = typer.Option(_DEFAULTS.align.min_words, "--min-words", min=3, help="Shortest passage reported, in words."),
    min_similarity: float = typer.Option(
        _DEFAULTS.align.min_similarity, "--min-similarity", min=0.0, max=1.0, help="Lowest word-level similarity of a reported passage to its match."
    ),
    fallback_encoding: Optional[str] = typer.Option(
        None, "--fallback-encoding", metavar="ENCODING", help="Decode files that are not UTF-8 with this encoding (e.g. cp1252)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No warnings or progress bar on stderr."),
) -> None:
    """Find reused passages in a corpus, group them into families and name each family's origin."""
    try:
        loaded = load_corpus(corpus, fallback_encoding)
    except CorpusError as error:
        _fail(str(error))
    if not quiet:
        for warning in loaded.warnings:
            typer.echo(f"warning: {warning}", err=True)
    params = replace(_DEFAULTS, align=replace(_DEFAULTS.align, min_words=min_words, min_similarity=min_similarity))
    with _progress(disabled=quiet) as report:
        result = scan(loaded.documents, params, progress=report)
    text = dumps(result) if output_format is Format.json else render_tables(result)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            write_atomically(output, text)
        except OSError as error:
            _fail(f"{output}: cannot write ({error.strerror})")


def write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, so a reader never sees half a report."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class _progress:
    """A progress bar on stderr, shown only when stderr is a terminal."""

    def __init__(self, disabled: bool):
        self._bar = Progress(
            TextColumn("{task.description:<11}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=_err,
            transient=True,
            disable=disabled or not _err.is_terminal,
        )
        self._tasks: dict[str, int] = {}

    def __enter__(self):
        self._bar.__enter__()
        return self.update

    def __exit__(self, *exc) -> None:
        self._bar.__exit__(*exc)

    def update(self, stage: str, done: int, total: int) -> None:
        if stage not in self._tasks:
            self._tasks[stage] = self._bar.add_task(stage, total=total)
        self._bar.update(self._tasks[stage], completed=done, total=total)
