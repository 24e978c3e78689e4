import csv
import html
import io
import json
from pathlib import Path

import pytest

from provenance import load_corpus, scan

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def samples_result():
    return scan(load_corpus(SAMPLES).documents)


@pytest.fixture
def write_jsonl(tmp_path):
    """Write records as a JSONL corpus and return its path."""

    def write(records, name="corpus.jsonl"):
        path = tmp_path / name
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        return path

    return write


# Web pages built from the samples: each article inside its outlet's furniture (menu, newsletter
# box, comment form, footer), as a crawler would fetch it.
SAMPLE_ROWS = {row["path"]: row for row in csv.DictReader((SAMPLES / "manifest.csv").open(encoding="utf-8"))}


def html_page(text: str, title: str, outlet: str, published: str | None = None, charset: str = "utf-8") -> str:
    """An article page in the shape of a news site's."""
    paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>\n" for p in text.split("\n\n") if p.strip())
    date_meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    return f"""<!doctype html><html><head><meta charset="{charset}"><title>{html.escape(title)} | {html.escape(outlet)}</title>
<meta property="og:site_name" content="{html.escape(outlet)}">{date_meta}</head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/politics">Politics</a></nav>
<div class="newsletter">Sign Up for Daily Headlines</div>
<article><h1>{html.escape(title)}</h1>{paragraphs}</article>
<div id="comments"><h3>LEAVE A COMMENT</h3><p>Your email address will not be published. Required fields are marked</p></div>
<footer>Copyright 2016 {html.escape(outlet)}. All rights reserved.</footer></body></html>"""


def sample_pages(folder: Path, dated: bool = True) -> Path:
    """The samples as one .html page each (no manifest): outlet and date only in the markup."""
    folder.mkdir(parents=True, exist_ok=True)
    for path, row in SAMPLE_ROWS.items():
        page = html_page((SAMPLES / path).read_text(encoding="utf-8"), row["title"], row["source"], row["published"] if dated else None)
        (folder / path.replace(".txt", ".html")).write_text(page, encoding="utf-8")
    return folder


def write_warc(path: Path, responses: list[tuple[str, str, bytes, str]]) -> Path:
    """A gzipped WARC of (url, Content-Type, body, WARC-Date) responses; a body of b"404" is a 404."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, content_type, body, fetched in responses:
            status = "404 Not Found" if body == b"404" else "200 OK"
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers, warc_headers_dict={"WARC-Date": fetched})
            writer.write_record(record)
    return path
