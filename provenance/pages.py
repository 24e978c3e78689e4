"""Web pages as documents: an HTML page's main text (trafilatura), its publication time from the
page's markup (htmldate, through trafilatura), and the pages of a WARC crawl (warcio).

The extracted text is the document's text: every offset refers to it, and the scan's JSON carries
it so that a user can slice it. The extractors load on first use, so a corpus of plain text never
pays for them.
"""

from __future__ import annotations

import codecs
import logging
import re
import zlib
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Iterator
from urllib.parse import urljoin, urlsplit

from .dates import Published, inferred_time

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
WARC_SUFFIXES = (".warc", ".warc.gz")
_HTML_TYPES = ("text/html", "application/xhtml+xml")

# htmldate on structured markup only (meta tags, <time>, JSON-LD, the URL): its extensive search
# guesses from free text (it read "Oct. 4, 2015" as 2015-01-01), and datelines are ours to read.
_DATE_SEARCH = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}
# Extraction time grows faster than a page's size (5 MB: 3 s, 50 MB: 140 s and 3.7 GB); no news
# article comes near this, and a crawl's data dumps should not stall a scan.
MAX_PAGE_CHARS = 20_000_000
_MIDNIGHT = "T00:00:00"  # how htmldate writes a date found without a time
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


# The extractors log a page they cannot parse as an error; here such a page is just one without
# article text (load_corpus warns of it), so their logs stay out of the user's terminal.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


class PageError(Exception):
    """A page or crawl file that cannot be read (the caller names the file)."""


@dataclass(frozen=True)
class Link:
    """A link in a page whose words stand at ``text[start:end]`` of the extracted text."""

    start: int
    end: int
    url: str


@dataclass(frozen=True)
class Page:
    """What a page says of itself; any field may be missing."""

    text: str
    title: str | None = None
    source: str | None = None  # the site's name, else its host
    url: str | None = None
    published: Published | None = None  # from the page's markup, marked inferred
    skipped: str | None = None  # why a page was not read for text
    links: tuple[Link, ...] = ()  # links to other sites, where their words are in the text


@dataclass(frozen=True)
class CrawledPage:
    """One HTML response of a WARC file."""

    offset: int  # byte offset of its record in the file
    url: str
    seen: datetime | None  # when the crawler fetched it
    html: bytes
    charset: str | None  # as the HTTP header declared it


def extract_page(html: str, url: str | None = None) -> Page:
    """The main text of a page without its furniture (menus, comment forms, footers), with its
    title, site and publication time where the markup gives them. A page over MAX_PAGE_CHARS is
    not read (its text is empty and ``skipped`` says why)."""
    import trafilatura

    if len(html) > MAX_PAGE_CHARS:
        return Page("", url=url, skipped=f"{len(html) / 1e6:.1f} M characters, over the {MAX_PAGE_CHARS / 1e6:g} M an article page may have")

    found = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True, date_extraction_params=_DATE_SEARCH
    )
    if found is None:
        return Page("", url=url)
    page_url = url or found.url
    text = found.text or ""
    return Page(
        text=text,
        title=found.title or None,
        source=found.sitename or found.hostname or _host(page_url),
        url=page_url or None,
        published=_markup_time(found.date),
        links=outside_links(html, text, page_url),
    )


def outside_links(html: str, text: str, page_url: str | None) -> tuple[Link, ...]:
    """The page's links to other sites, each placed where its words stand in the extracted text
    (the first place not yet taken): a link to a source's site credits it (provenance.credit)."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ()
    own = _host(page_url)
    links, taken = [], set()
    for anchor in tree.iter("a"):
        href, words = (anchor.get("href") or "").strip(), " ".join(anchor.text_content().split())
        target = _host(urljoin(page_url or "", href)) if href.startswith(("http:", "https:", "//")) else None
        if not target or target == own or len(words) < 2:
            continue
        at = text.find(words)
        while at in taken:
            at = text.find(words, at + 1)
        if at >= 0:
            taken.add(at)
            links.append(Link(at, at + len(words), urljoin(page_url or "", href)))
    return tuple(sorted(links, key=lambda link: link.start))


def _markup_time(value: str | None) -> Published | None:
    if not value:
        return None
    if value.endswith(_MIDNIGHT):
        value = value[: -len(_MIDNIGHT)]  # a date alone: keep it a whole (local) day
    elif value[-5] in "+-":
        value = f"{value[:-2]}:{value[-2:]}"  # +0400 -> +04:00, as ISO 8601 writes it
    try:
        return inferred_time(value)
    except ValueError:
        return None


def _host(url: str | None) -> str | None:
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def declared_charset(data: bytes) -> str | None:
    """The encoding a page declares in a <meta> tag near its top, if Python knows it."""
    match = _CHARSET.search(data[:4096])
    return _known_codec(match.group(1).decode("ascii", "replace")) if match else None


def _known_codec(label: str) -> str | None:
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # Browsers read pages labelled Latin-1 or ASCII as Windows-1252 (curly quotes at 0x91-0x94).
    return "cp1252" if name in ("iso8859-1", "ascii") else name


def read_warc(path: Path) -> Iterator[CrawledPage]:
    """The HTML pages a WARC file holds (responses with status 200, and resource records), in
    file order. Raises PageError for a file that is not a WARC or breaks off."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        with open(path, "rb") as stream:
            records = ArchiveIterator(stream)
            for record in records:
                # (warcio reads a record to its end before it tells where the record began)
                if record.format != "warc":  # warcio also takes ARC files and, leniently, any bytes as one
                    raise PageError(f"not a readable WARC file (no WARC/1.x record at byte {records.get_record_offset()})")
                page = _crawled_page(record)
                whole = _read_to_end(record)
                offset = records.get_record_offset()
                if not whole:
                    raise PageError(f"not a readable WARC file (it breaks off inside the record at byte {offset}: cut short?)")
                if page is not None:
                    yield replace(page, offset=offset)
    except AttributeError:  # warcio's own parser, on a response record without a WARC-Target-URI
        raise PageError("not a readable WARC file (a response record without its WARC-Target-URI header)") from None
    except (ArchiveLoadFailed, EOFError, zlib.error, ValueError) as error:
        raise PageError(f"not a readable WARC file ({str(error).strip() or type(error).__name__})") from None


def _read_to_end(record) -> bool:
    """Consume what is left of a record; False when it is shorter than its Content-Length."""
    while record.raw_stream.read(1 << 16):
        pass
    return record.raw_stream.limit == 0  # warcio's LimitReader: bytes promised and not yet read


def _crawled_page(record) -> CrawledPage | None:
    """The record's page, if it is an HTML page fetched whole (its offset is filled in later)."""
    if record.rec_type == "response":
        if record.http_headers is None or record.http_headers.get_statuscode() != "200":
            return None
        content_type = record.http_headers.get_header("Content-Type") or ""
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
    else:
        return None
    if not content_type.lower().startswith(_HTML_TYPES):
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    html = record.content_stream().read()
    header = _HEADER_CHARSET.search(content_type)
    return CrawledPage(
        offset=-1,
        url=url,
        seen=_warc_date(record.rec_headers.get_header("WARC-Date")),
        html=html,
        charset=_known_codec(header.group(1)) if header else None,
    )


def _warc_date(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
