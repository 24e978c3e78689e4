"""provenance: find reused passages across news articles and where each one came from first.

    from provenance import load_corpus, scan
    result = scan(load_corpus("samples/").documents)
"""

from .corpus import CorpusError, Document, load_corpus
from .dates import Published, parse_published
from .scan import ScanParams, ScanResult, scan

__version__ = "0.1.0"
__all__ = ["CorpusError", "Document", "Published", "ScanParams", "ScanResult", "load_corpus", "parse_published", "scan"]
