"""The scan as Spark jobs, for corpora past one machine: ``provenance scan --engine spark``.

The corpus stays in Spark (JSONL and Parquet are read there); the stages are the local engine's,
run by Spark over DataFrames, with the local engine's code inside the executors (Arrow batches
carry the arrays between the JVM and Python):

1. fingerprint: each partition tokenizes and signs its documents, giving every passage window
   its 32 band keys, and each document's distinct shingle buckets for the frequencies (a table
   per partition, summed in a tree on the executors);
2. candidates: every (band, key) of every window is shuffled by Spark so that a bucket's entries
   meet in one partition, never on the driver; there ``candidates.bucket_links`` links them band by
   band (first window per document, past ``clique_limit`` documents each to the earliest only);
   the window pairs are joined to both windows' keys and the agreeing signature rows counted;
   the document pairs that pass are counted;
3. align: candidate pairs are joined to both texts and aligned in the executors.

The driver then takes the alignments and the documents they hold (no others), and runs the stages
that read whole families (boilerplate, clusters, origins, lineage, quotes, credit, order) with the
local engine's code on one group of linked documents at a time, so that it holds the words of one
group only. The documents table of the whole corpus is made in the executors
from the families' figures, so the JSON is the local engine's, field for field, and its memory on
the driver grows with the families, not with the corpus.
"""

from __future__ import annotations

import math
import os
import pickle
import re
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

import numpy as np

from . import __version__
from .align import Alignment, align_pairs
from .arrays import distinct
from .attribute import DocumentReuse, document_reuse, family_order
from .candidates import bucket_links
from .cluster import cluster, linked_groups
from .corpus import CorpusError, Document, load_corpus, record_document
from .fingerprint import PassageHasher, band_keys, fingerprint, passage_of, shingle_hashes, shingle_jaccards
from .boilerplate import remove_furniture
from .frequency import BITS, DocumentShingles, ShingleFrequencies, bucket_of
from .normalize import tokenize
from .outlets import Registry, host_of, shipped
from .report import CSV_COLUMNS, document_json, document_text, member_rows
from .scan import ALIGN_TASK, ScanParams, ScanResult, conclude

TEXTS_PER_SLICE = 1000
# A document leaves about 2,000 band-key entries to link: partitions of 2,500 documents' entries
# (about 120 MB) keep the linking's sorts small; fewer, larger ones took longer than linear.
DOCUMENTS_PER_LINK_PARTITION = 2_500
# Groups of buckets per partition: enough that Spark's hashing of group numbers spreads them evenly.
BUCKET_GROUPS_PER_PARTITION = 8
# Documents signed per Arrow batch: their windows' keys come to about 6 MB (Spark hands over
# 10,000 rows at a time, whose 250 MB of keys overran Arrow's 1 GB of direct memory).
DOCUMENTS_PER_BATCH = 256
# Documents whose words and shingles the driver holds at once while it attributes families. At
# 20,000 documents, concluding all 3,806 that share a passage at once added 100 MB to the driver's
# peak; groups of 500 add 16 MB, in the same time.
DOCUMENTS_PER_CONCLUSION = 500
SPARK_FORMATS = {".jsonl": "json", ".ndjson": "json", ".json": "json", ".parquet": "parquet"}


@dataclass
class SparkRun:
    """A scan's result, with the wall time of each stage (what a cluster's size should be planned
    on). ``result`` holds the documents that families hold, ``numbers`` their numbers in the corpus;
    the documents table of the whole corpus comes from Spark."""

    result: ScanResult
    corpus: "SparkCorpus"
    numbers: list[int]
    stages: dict[str, float] = field(default_factory=dict)

    def document_entries(self):
        """An RDD of every document's JSON entry, in corpus order, made in the executors."""
        figures = {number: (reuse, self.result.credits.get(reuse.doc, [])) for number, reuse in zip(self.numbers, self.result.reuse)}
        shared = self.corpus.frame.sparkSession.sparkContext.broadcast(figures)
        # The corpus frame's partitions are in document order, and mapping keeps it.
        return self.corpus.frame.select("doc", "text", "document").rdd.mapPartitions(lambda rows: _document_entries(rows, shared.value))

    def document_texts(self) -> Iterator[str]:
        """Every document's entry as ``report.json_chunks`` lays it out, a partition at a time."""
        return self.document_entries().map(document_text).toLocalIterator()

    def whole(self) -> ScanResult:
        """The result with every document of the corpus, on the driver (for tables and pages)."""
        documents = self.corpus.documents()
        return replace(self.result, documents=documents, reuse=document_reuse(self.result.families, documents))


def spark_session(master: str | None = None, app_name: str = "provenance scan", shuffle_partitions: int = 64):
    """A Spark session; ``master`` is local[N], spark://host:port, yarn or k8s://..., else the one
    spark-submit set, else local[*].
    ``shuffle_partitions``: Spark's default of 200 makes thousands of tiny tasks on a small
    machine; a cluster scanning millions of documents wants more (spark-submit --conf wins).

    Executors of a local master run this interpreter (PySpark would start ``python3`` from PATH,
    which a virtualenv called by its path does not put first) unless PYSPARK_PYTHON or
    ``spark.pyspark.python`` names another; executors that may run another Python are checked
    at start to import provenance at this version."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise CorpusError("the Spark engine needs pyspark and Java 17+ (pip install 'provenance[spark]')") from None
    builder = SparkSession.builder if master is None else SparkSession.builder.master(master)
    try:
        session = (
            builder.appName(app_name)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
            .getOrCreate()
        )
    except Exception as error:  # py4j and pyspark raise several kinds; the first line says which
        raise CorpusError(f"cannot start Spark with master {master or 'local[*]'!r}: {_first_line(error)} (Java 17+ on PATH or JAVA_HOME?)") from None
    session.sparkContext.setLogLevel("ERROR")
    context = session.sparkContext
    chosen = os.environ.get("PYSPARK_PYTHON") or context.getConf().get("spark.pyspark.python")
    if chosen is None and context.master.startswith("local"):
        chosen = sys.executable
    # PySpark names the executors' program in every task, read from PYSPARK_PYTHON as the context
    # starts; the conf alone would reach only the Python that spark-submit starts for the driver.
    context.pythonExec = chosen or context.pythonExec
    if not (context.master.startswith("local") and context.pythonExec == sys.executable):
        try:
            check_executors(session)
        except CorpusError:
            session.stop()
            raise
    return session


def check_executors(spark) -> None:
    """Raise CorpusError, naming the executors' Python, unless a task there imports provenance
    (and pyarrow, which the stages' Arrow batches need) at the driver's version."""
    context = spark.sparkContext

    # Nested, so that the task carries it by value: the module it lives in may not import there.
    def probe(_):
        import sys

        try:
            import provenance
            import pyarrow  # noqa: F401
        except Exception as error:  # what the executors lack, for the message
            return sys.executable, None, f"{type(error).__name__}: {error}"
        return sys.executable, provenance.__version__, None

    slots = max(1, context.defaultParallelism)
    try:
        found = set(context.parallelize(range(slots), slots).map(probe).collect())
    except Exception as error:  # the Python cannot start at all, or a task died
        raise CorpusError(f"the executors' Python {context.pythonExec!r} cannot run Spark's tasks: {_task_failure(error)}") from None
    for executable, version, failure in sorted(found, key=str):
        if failure is not None:
            raise CorpusError(f"the executors' Python {executable} cannot import provenance ({failure}): install provenance {__version__} for it, or set PYSPARK_PYTHON to a Python that has it")
        if version != __version__:
            raise CorpusError(f"the executors' Python {executable} has provenance {version}, the driver {__version__}: install the same version there")


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _task_failure(error: Exception) -> str:
    """The cause a failed Spark job gives, without its Java stack: the last 'Exception: ...' or
    'Error: ...' line that is not a stack frame."""
    causes = [line.strip().removeprefix("Caused by: ") for line in str(error).splitlines() if re.search(r"(Exception|Error)\b.*:", line) and not line.strip().startswith("at ")]
    return causes[-1][:300] if causes else _first_line(error)


# A corpus as Spark holds it, a row per document with text. ``doc`` numbers documents in input
# order (with gaps where empty ones were left out); ``document`` is the Document without its text,
# pickled, so that the driver can take back the few it needs exactly as they were read; ``time``
# orders documents as ``scan.rank_by_time`` does (undated ones last); ``problem`` is a record's
# error, raised on the driver.
_CORPUS = "doc long, id string, location string, time double, source string, url string, text string, document binary, problem string"


@dataclass
class SparkCorpus:
    """Documents read into Spark: texts stay in the executors; the driver takes only those that
    share a passage."""

    frame: object  # a DataFrame of _CORPUS rows without problems, in ``doc`` order

    def documents(self, numbers: list[int] | None = None) -> list[Document]:
        """The documents of these numbers (ascending), or all of them, in order."""
        frame = self.frame.select("doc", "text", "document")
        if numbers is not None:
            frame = frame.join(self.frame.sparkSession.createDataFrame([(n,) for n in numbers], "doc long"), "doc").orderBy("doc")
        return [_document(row) for row in frame.toLocalIterator()]

    def registry(self) -> Registry:
        """The shipped registry with the corpus's outlets, as ``outlets.for_documents`` makes it,
        from each outlet's (source, site) pairs alone."""
        firsts = (
            self.frame.select("doc", "source", "url").rdd
            .map(lambda row: ((row.source, host_of(row.url) if row.url else ""), (row.doc, row.url)))
            .reduceByKey(min)
            .map(lambda pair: (pair[1][0], pair[0][0], pair[1][1]))
            .collect()
        )
        return shipped().with_sources((source, url) for _, source, url in sorted(firsts))


def read_documents(spark, paths: list[str | Path], fallback_encoding: str | None = None, documents: list[Document] = ()) -> SparkCorpus:
    """``documents`` (e.g. an index's), then those of the paths, in order. JSONL and Parquet are
    read by Spark (our names or passim's: series, date) and never reach the driver; directories,
    pages and crawls are read by the local loaders. Raises CorpusError for a bad record, a
    duplicate id or no document with text."""
    from pyspark.sql import Window, functions as F

    context = spark.sparkContext
    parts, offset, pending = [], 0, list(documents)

    def take_pending() -> None:
        nonlocal offset, pending
        if pending:
            numbered = list(enumerate(pending, start=offset))
            # A list from the driver travels inside Spark's tasks: slices of about 1,000 texts keep
            # each task small (two slices of 100,000 texts overran a 1 GB driver heap).
            parts.append(context.parallelize(numbered, len(numbered) // TEXTS_PER_SLICE + 1).flatMap(lambda item: _corpus_rows(*item)))
            offset, pending = offset + len(numbered), []

    for location in map(str, paths):
        remote = "://" in location  # hdfs://, s3a://, file://: for Spark to read
        path = Path(location)
        kind = SPARK_FORMATS.get(path.suffix.lower()) if remote or path.is_file() or path.suffix.lower() == ".parquet" else None
        frame = getattr(spark.read, kind)(location) if kind else None
        if frame is None or (kind == "json" and "text" not in frame.columns and not remote):
            pending += load_corpus(path, fallback_encoding).documents  # pages in an html field: extracted here
            continue
        missing = {"id", "text"} - set(frame.columns)
        if missing:
            raise CorpusError(f"{location}: no {', '.join(sorted(missing))} column")
        take_pending()
        # Each record's number from its partition's first, counted in the JVM: records cross to
        # Python once, to be read.
        sizes = dict(frame.groupBy(F.spark_partition_id()).count().collect())
        records = frame.rdd
        firsts = offset + np.concatenate(([0], np.cumsum([sizes.get(part, 0) for part in range(records.getNumPartitions())])))
        parts.append(records.mapPartitionsWithIndex(lambda part, rows, location=location, offset=offset, first=firsts.tolist(): _record_rows(rows, location, first[part], offset)))
        offset = int(firsts[-1])
    take_pending()
    if not parts:
        raise CorpusError("no corpus given")
    read = spark.createDataFrame(context.union(parts), _CORPUS).localCheckpoint()
    problem = read.filter("problem is not null").orderBy("doc").select("problem").first()
    if problem is not None:
        raise CorpusError(problem.problem)
    same_id = Window.partitionBy("id").orderBy("doc")
    again = (
        read.filter("problem is null")
        .select("doc", "id", "location", F.row_number().over(same_id).alias("seen"), F.lag("location").over(same_id).alias("before"))
        .filter("seen = 2").orderBy("doc").first()
    )
    if again is not None:
        raise CorpusError(f"{again.location}: duplicate id {again.id!r} (first seen in {again.before})")
    corpus = SparkCorpus(read.filter("problem is null"))
    if corpus.frame.isEmpty():
        raise CorpusError("no document with text in " + (", ".join(map(str, paths)) or "the documents given"))
    return corpus


def _document(row) -> Document:
    return replace(pickle.loads(row.document), text=row.text)


def _corpus_rows(doc: int, document: Document) -> list[tuple]:
    """A document's row of _CORPUS, or none for a document without text."""
    if not document.text.strip():
        return []
    when = document.published.start.timestamp() if document.published else math.inf
    kept = pickle.dumps(replace(document, text=""), protocol=pickle.HIGHEST_PROTOCOL)
    return [(doc, document.id, document.location, when, document.source, document.url, document.text, kept, None)]


def _record_rows(rows, location: str, first: int, offset: int) -> Iterator[tuple]:
    """The _CORPUS rows of records Spark read (numbered from ``first``; the file's own begin at
    ``offset``), made by the local loaders' rules (our fields or passim's, a date inferred from a
    dateline when none is given), or their problems."""
    for doc, row in enumerate(rows, start=first):
        where = f"{location}:{doc - offset + 1}"
        try:
            document = record_document({name: value for name, value in row.asDict().items() if value is not None}, where)
        except CorpusError as error:
            yield (doc, None, where, None, None, None, "", None, str(error))
            continue
        yield from _corpus_rows(doc, document)


def spark_scan(spark, corpus: SparkCorpus | list[Document], params: ScanParams | None = None, partitions: int | None = None) -> SparkRun:
    """Scan a corpus with Spark; the result equals ``scan.scan``'s. The driver holds the families,
    the alignments and the documents they hold, never the corpus."""
    from pyspark.sql import functions as F

    params = params or ScanParams()
    if not isinstance(corpus, SparkCorpus):
        corpus = read_documents(spark, [], documents=corpus)
    began = time.perf_counter()
    stages: dict[str, float] = {}
    partitions = partitions or max(2, spark.sparkContext.defaultParallelism * 2)
    hasher = PassageHasher(params.num_perm, params.seed, params.window, params.step)
    shared = spark.sparkContext.broadcast((hasher.permutations, params))

    def timed(stage: str, frame):
        start = time.perf_counter()
        frame = frame.localCheckpoint()  # computed once, here, and timed as one stage
        stages[stage] = time.perf_counter() - start
        return frame

    texts = timed("read", corpus.frame.select("doc", "time", "text").repartition(partitions))
    windows = timed("fingerprint", texts.mapInArrow(lambda batches: _window_batches(batches, shared.value), _WINDOWS))
    start = time.perf_counter()
    # Each partition counts into one table, and the tables are summed in a tree on the executors,
    # so the driver receives one (16 MB, whatever the corpus). Summed by rows of (bucket, count)
    # instead, 100,000 documents took 17-21 s, not 6.
    counts = windows.filter("buckets is not null").select("buckets").rdd.mapPartitions(_bucket_counts).treeReduce(np.add, depth=2)
    size = corpus.frame.count()
    frequencies = ShingleFrequencies()
    frequencies.add_counts(counts, size)  # a text too short for a window counts too
    stages["frequencies"] = time.perf_counter() - start
    # Every (band, key) of every window, gathered by Spark so that a bucket's entries meet in one
    # partition; there the local engine's numpy code links them, band by band.
    link_partitions = max(partitions, size // DOCUMENTS_PER_LINK_PARTITION)
    buckets = link_partitions * BUCKET_GROUPS_PER_PARTITION
    entries = windows.mapInArrow(lambda batches: _entry_batches(batches, buckets), _ENTRIES).repartition(link_partitions, "bucket")
    window_pairs = timed("candidates: buckets", entries.mapInArrow(lambda batches: _link_batches(batches, shared.value), _WINDOW_PAIRS).distinct())
    first = windows.select(F.col("doc").alias("da"), F.col("window").alias("wa"), F.col("keys").alias("ka"))
    second = windows.select(F.col("doc").alias("db"), F.col("window").alias("wb"), F.col("keys").alias("kb"))
    lowest = min(params.min_estimate, params.near_estimate or params.min_estimate)
    start = time.perf_counter()
    agreeing = (
        window_pairs.join(first, ["da", "wa"]).join(second, ["db", "wb"])
        .mapInArrow(lambda batches: _agreeing_batches(batches, hasher.num_perm, lowest), _AGREEING)
    )
    if params.near_estimate is not None:
        agreeing = _with_mutual_best(agreeing.localCheckpoint(), texts, shared, params)  # read twice there
    doc_pairs = agreeing.groupBy("da", "db").count().localCheckpoint()
    stages["candidates: agreement"] = time.perf_counter() - start
    candidate_count = doc_pairs.count()
    to_align = doc_pairs.join(texts.select(F.col("doc").alias("da"), F.col("text").alias("ta")), "da").join(
        texts.select(F.col("doc").alias("db"), F.col("text").alias("tb")), "db"
    )
    aligned = timed("align", to_align.mapInArrow(lambda batches: _alignment_batches(batches, shared.value), _ALIGNMENTS))
    start = time.perf_counter()
    found = [Alignment(**row.asDict()) for row in aligned.collect()]
    # The documents that share a passage, numbered anew in corpus order: the later stages index them so.
    numbers = sorted({doc for a in found for doc in (a.first, a.second)})
    position = {doc: i for i, doc in enumerate(numbers)}
    found = sorted((replace(a, first=position[a.first], second=position[a.second]) for a in found), key=_alignment_order)
    members = corpus.documents(numbers)
    registry = corpus.registry()
    stages["members to the driver"] = time.perf_counter() - start
    start = time.perf_counter()
    result = _conclude_in_groups(found, members, frequencies, registry, params, candidate_count, began)
    stages["attribute (driver)"] = time.perf_counter() - start
    return SparkRun(result, corpus, numbers, stages)


def _conclude_in_groups(
    found: list[Alignment], members: list[Document], frequencies: ShingleFrequencies, registry: Registry, params: ScanParams,
    candidate_count: int, began: float,
) -> ScanResult:
    """``scan.conclude`` on each group of linked documents alone (no family spans two), so that
    the words and shingles of one group at a time are held; the groups' families, furniture and
    common wording merged in the order one conclusion of them all gives."""
    parts = []
    groups = linked_groups(found, len(members), DOCUMENTS_PER_CONCLUSION)
    group_of = {doc: number for number, group in enumerate(groups) for doc in group}
    alignments: list[list[Alignment]] = [[] for _ in groups]
    for a in found:
        alignments[group_of[a.first]].append(a)
    for group, held in zip(groups, alignments):
        local = {doc: i for i, doc in enumerate(group)}
        shingles = DocumentShingles([members[doc] for doc in group], params.align.shingle_size, reading=params.align.reading)
        kept, boilerplate = remove_furniture([replace(a, first=local[a.first], second=local[a.second]) for a in held], shingles, frequencies, params.align.min_words)
        parts.append(conclude(cluster(kept), shingles, params, candidate_count, began, frequencies, boilerplate, registry))
    by_id = {doc.id: doc for doc in members}
    position = {doc.id: i for i, doc in enumerate(members)}

    def first_span(spans) -> tuple[int, int]:
        return min((position[doc], start) for doc, start, _ in spans)

    families = sorted((f for part in parts for f in part.families), key=lambda f: family_order(f, by_id))
    for number, family in enumerate(families, start=1):
        family.id = number
    boilerplate = sorted((b for part in parts for b in part.boilerplate), key=lambda b: first_span(b.spans))
    common = sorted((c for part in parts for c in part.common), key=lambda c: first_span(c.spans))
    credits = {doc: cited for part in parts for doc, cited in part.credits.items()}
    # A document's figures come from its own families, all in its group: each group's stand.
    reuse = {figures.doc: figures for part in parts for figures in part.reuse}
    return ScanResult(members, families, [reuse[doc.id] for doc in members], params, candidate_count, time.perf_counter() - began, boilerplate, credits, common)


# A window's band keys are one binary value (int64 bytes): Spark moves and joins them as they are,
# where an array of longs is converted value by value at each crossing.
_WINDOWS = "doc long, window int, time double, keys binary, buckets binary"
_ENTRIES = "bucket int, entries binary"
# An entry of a band key, packed: Spark moves a few large rows far faster than one row per key
# (40 M rows of one key each took 80 of a 20,000-document scan's 85 s). The document's time goes
# with it, so that a bucket too large to link whole links each entry to its earliest document.
_ENTRY = np.dtype([("doc", "<i8"), ("key", "<i8"), ("time", "<f8"), ("window", "<i4"), ("band", "<i2")])
_WINDOW_PAIRS = "da long, wa int, db long, wb int"
_AGREEING = "da long, wa int, db long, wb int, estimate double"
_ALIGNMENTS = "first long, first_start long, first_end long, second long, second_start long, second_end long, similarity double"


def _window_batches(batches, shared):
    """Arrow batches of (doc, window, time, band keys as int64, buckets) for every passage window
    of the documents in the batches given, signed with the local engine's code. A document's
    first window also carries the distinct buckets of its shingles (int64 bytes), which
    ``frequency.ShingleFrequencies`` counts: texts are tokenized once, here."""
    import pyarrow as pa

    permutations, params = shared
    hasher = PassageHasher(params.num_perm, params.seed, params.window, params.step, permutations)
    for batch in _slices(batches, DOCUMENTS_PER_BATCH):
        docs, texts = batch.column("doc").to_numpy(), batch.column("text").to_pylist()
        prints = [fingerprint(tokenize(text, *params.align.reading), hasher, params.align.shingle_size) for text in texts]
        keys = [band_keys(p.signatures).view(np.int64) for p in prints]
        counts = [len(k) for k in keys]
        flat = np.concatenate(keys + [np.empty((0, hasher.num_perm // 2), dtype=np.int64)])
        width = flat.shape[1] * flat.itemsize
        offsets = np.arange(len(flat) + 1, dtype=np.int32) * width
        firsts = [distinct(bucket_of(p.shingles)).astype(np.int64).tobytes() for p in prints]
        yield pa.RecordBatch.from_arrays(
            [
                pa.array(np.repeat(docs, counts).astype(np.int64)),
                pa.array(np.concatenate([np.arange(n, dtype=np.int32) for n in counts] + [np.empty(0, np.int32)])),
                pa.array(np.repeat(batch.column("time").to_numpy(), counts)),
                pa.Array.from_buffers(pa.binary(), len(flat), [None, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(flat))]),
                pa.array([first if window == 0 else None for first, n in zip(firsts, counts) for window in range(n)], pa.binary()),
            ],
            names=["doc", "window", "time", "keys", "buckets"],
        )


def _bucket_counts(rows):
    """How many of the documents given (rows of their distinct shingle buckets, as int64 bytes)
    hold a shingle of each bucket: one ``frequency.ShingleFrequencies`` table."""
    counts = np.zeros(1 << BITS, dtype=np.uint32)
    for row in rows:
        counts[np.frombuffer(row.buckets, dtype=np.int64)] += 1  # a document's buckets are distinct
    yield counts


def _entry_batches(batches, buckets: int):
    """Arrow batches of (bucket, packed entries): every band key of the windows given as a
    (doc, key, time, window, band) entry, packed per group of buckets so that Spark's shuffle
    brings every entry of a key to one partition. A key repeating the one of the document's
    previous window in the same band is left out, as the local engine leaves it out (a third of them)."""
    import pyarrow as pa

    for batch in batches:
        if batch.num_rows == 0:
            continue
        keys = _fixed_rows(batch.column("keys"))
        doc, window, when = batch.column("doc").to_numpy(), batch.column("window").to_numpy(), batch.column("time").to_numpy()
        repeats = np.zeros(keys.shape, dtype=bool)
        repeats[1:] = (keys[1:] == keys[:-1]) & (doc[1:] == doc[:-1])[:, None]
        kept = np.flatnonzero(~repeats.ravel())
        key = keys.ravel()[kept]
        # Minimum hash values are small, so the key's low bits are mixed with its band first.
        mixed = (key.view(np.uint64) ^ (kept % keys.shape[1]).astype(np.uint64)) * np.uint64(0x9E3779B97F4A7C15)
        bucket = ((mixed >> np.uint64(32)) % np.uint64(buckets)).astype(np.uint16 if buckets <= 1 << 16 else np.uint32)
        order = np.argsort(bucket, kind="stable")
        kept, bucket = kept[order], bucket[order]
        rows, bands = np.divmod(kept, keys.shape[1])
        # Filled field by field, in bucket order: gathering whole unaligned records costs twice as much.
        entries = np.empty(len(kept), dtype=_ENTRY)
        entries["doc"], entries["window"], entries["time"], entries["band"], entries["key"] = doc[rows], window[rows], when[rows], bands, key[order]
        starts = np.flatnonzero(np.concatenate(([True], bucket[1:] != bucket[:-1])))
        ends = np.concatenate((starts[1:], [len(bucket)]))
        yield pa.RecordBatch.from_arrays(
            [pa.array(bucket[starts].astype(np.int32)), pa.array([entries[a:b].tobytes() for a, b in zip(starts, ends)], type=pa.binary())],
            names=["bucket", "entries"],
        )


def _fixed_rows(values) -> np.ndarray:
    """An Arrow binary array of equal-length int64 bytes as a (rows, values) int64 array, not copied."""
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32, count=len(values) + 1, offset=values.offset * 4)
    data = np.frombuffer(values.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return data.view(np.int64).reshape(len(values), -1)


def _agreeing_batches(batches, num_perm: int, min_estimate: float):
    """The (da, wa, db, wb, estimate) of the joined window pairs (da, wa, db, wb, ka, kb) whose
    signatures agree on at least ``min_estimate`` of their rows: a band key holds two rows, 32 bits each."""
    import pyarrow as pa

    for batch in batches:
        if batch.num_rows == 0:
            continue
        differ = (_fixed_rows(batch.column("ka")) ^ _fixed_rows(batch.column("kb"))).view(np.uint32)
        estimate = np.count_nonzero(differ == 0, axis=1) / num_perm
        agree = pa.array(estimate >= min_estimate)
        columns = [batch.column(name).filter(agree) for name in ("da", "wa", "db", "wb")]
        yield pa.RecordBatch.from_arrays(columns + [pa.array(estimate).filter(agree)], names=["da", "wa", "db", "wb", "estimate"])


def _with_mutual_best(agreeing, texts, shared, params: ScanParams):
    """The window pairs (da, db) at ``min_estimate``, and those below it whose estimate is the best
    that both documents have below it and whose windows truly share ``near_estimate`` of their
    shingles: ``candidates.kept_passage_pairs``'s rule."""
    from pyspark.sql import functions as F

    near = agreeing.filter(F.col("estimate") < params.min_estimate)
    best = (
        near.select(F.col("da").alias("doc"), "estimate").union(near.select(F.col("db").alias("doc"), "estimate"))
        .groupBy("doc").agg(F.max("estimate").alias("best"))
    )
    mutual = (
        near.join(best.select(F.col("doc").alias("da"), F.col("best").alias("best_a")), "da")
        .join(best.select(F.col("doc").alias("db"), F.col("best").alias("best_b")), "db")
        .filter("estimate = best_a and estimate = best_b")
        .join(texts.select(F.col("doc").alias("da"), F.col("text").alias("ta")), "da")
        .join(texts.select(F.col("doc").alias("db"), F.col("text").alias("tb")), "db")
        .mapInArrow(lambda batches: _truly_near_batches(batches, shared.value), "da long, db long")
    )
    return agreeing.filter(F.col("estimate") >= params.min_estimate).select("da", "db").union(mutual)


def _truly_near_batches(batches, shared):
    """The (da, db) of the window pairs (da, wa, db, wb, ta, tb) whose windows share at least
    ``near_estimate`` of their shingles, read as the local engine reads them."""
    import pyarrow as pa

    _, params = shared
    for batch in batches:
        sides = [
            [passage_of(_shingles(text, params), window, params.window, params.step) for text, window in zip(batch.column(t).to_pylist(), batch.column(w).to_pylist())]
            for t, w in (("ta", "wa"), ("tb", "wb"))
        ]
        kept = pa.array(shingle_jaccards(*sides) >= params.near_estimate)
        yield pa.RecordBatch.from_arrays([batch.column("da").filter(kept), batch.column("db").filter(kept)], names=["da", "db"])


def _slices(batches, rows: int):
    """Arrow batches cut to at most ``rows`` rows each."""
    for batch in batches:
        for start in range(0, batch.num_rows, rows):
            yield batch.slice(start, rows)


def _link_batches(batches, shared):
    """The window pairs that the buckets of one partition link (a partition holds every entry of
    its buckets, packed as ``_entry_batches`` packs them): per band, entries in document order go
    through ``candidates.bucket_links``, the local engine's own linking, with the partition's
    documents ranked by time as the local engine ranks the corpus's."""
    import pyarrow as pa

    _, params = shared
    packed = b"".join(blob for batch in batches for blob in batch.column("entries").to_pylist())
    entries = np.frombuffer(packed, dtype=_ENTRY)
    doc, window, band, key, when = (np.ascontiguousarray(entries[name]) for name in ("doc", "window", "band", "key", "time"))
    if len(entries) == 0:
        return
    # Entries in owner order (document, then window), then stably by band: each band's entries
    # ascend by owner, as linking needs them. One sort of a combined key, where it fits in 63 bits.
    shift = int(window.max()).bit_length()
    if int(doc.max()) < 1 << (63 - shift):
        by_owner = np.argsort((doc << shift) | window.astype(np.int64), kind="stable")
    else:
        by_owner = np.lexsort((window, doc))
    order = by_owner[np.argsort(band[by_owner], kind="stable")]
    # Linking compares documents' numbers and ranks only: those of the documents here stand in.
    owners = doc[by_owner]
    new = np.empty(len(owners), dtype=bool)
    new[0] = True
    np.not_equal(owners[1:], owners[:-1], out=new[1:])
    local = np.empty(len(owners), dtype=np.int64)
    local[by_owner] = np.cumsum(new) - 1
    rank = np.empty(int(new.sum()), dtype=np.int64)
    rank[np.argsort(when[by_owner][new], kind="stable")] = np.arange(len(rank))  # ties: in document order
    bands = band[order]
    starts = np.flatnonzero(np.concatenate(([True], bands[1:] != bands[:-1])))
    for start, end in zip(starts, np.append(starts[1:], len(order))):
        chosen = order[start:end]
        first, second = bucket_links(key[chosen], local[chosen], rank, params.clique_limit)
        a, b = chosen[first], chosen[second]
        yield pa.RecordBatch.from_arrays(
            [pa.array(doc[a]), pa.array(window[a].astype(np.int32)), pa.array(doc[b]), pa.array(window[b].astype(np.int32))],
            names=["da", "wa", "db", "wb"],
        )


def _alignment_batches(batches, shared):
    """Arrow batches of the alignments of the (da, db, ta, tb) document pairs given: a batch's
    pairs are aligned ``ALIGN_TASK`` at a time, as the local engine aligns a task's, each text
    tokenized once for its shingles and its words (50,000 documents' 20,313 pairs: 13.2 s pair by
    pair, 10.3 s a whole Arrow batch of 10,000 at a time, 9.3 s in slices of ALIGN_TASK)."""
    import pyarrow as pa

    _, params = shared
    names = ["first", "first_start", "first_end", "second", "second_start", "second_end", "similarity"]
    for batch in _slices(batches, ALIGN_TASK):
        firsts, seconds = batch.column("da").to_pylist(), batch.column("db").to_pylist()
        texts = dict(zip(firsts, batch.column("ta").to_pylist())) | dict(zip(seconds, batch.column("tb").to_pylist()))
        tokens = {doc: tokenize(text, *params.align.reading) for doc, text in texts.items()}
        shingles = {doc: shingle_hashes(words.words, params.align.shingle_size) for doc, words in tokens.items()}
        found = align_pairs(list(zip(firsts, seconds)), texts, shingles, tokens.__getitem__, params.align)
        yield pa.RecordBatch.from_pylist([{name: getattr(f, name) for name in names} for f in found],
                                         schema=pa.schema([(n, pa.float64() if n == "similarity" else pa.int64()) for n in names]))


def _shingles(text: str, params: ScanParams) -> np.ndarray:
    """A text's shingle hashes, as the local engine's store holds them."""
    return shingle_hashes(tokenize(text, *params.align.reading).words, params.align.shingle_size)


def _alignment_order(a: Alignment) -> tuple:
    return (a.first, a.second, a.first_start, a.second_start, a.first_end, a.second_end)


def _document_entries(rows, figures: dict[int, tuple[DocumentReuse, list]]):
    """The JSON's entries of the corpus rows given: figures from the driver for the documents
    families hold, none reused for the others."""
    for row in rows:
        document = _document(row)
        reuse, credits = figures.get(row.doc) or (DocumentReuse(document.id, len(document.text), 0, [], 0, []), [])
        yield document_json(document, reuse, credits)


def write_parquet(run: SparkRun, directory: Path) -> None:
    """The scan as Parquet tables for large outputs, written by Spark: ``members`` (the CSV's
    columns, a row per family member) and ``documents`` (the JSON's document fields)."""
    from pyspark.sql.types import ArrayType, BooleanType, DoubleType, LongType, StringType, StructField, StructType

    spark = run.corpus.frame.sparkSession
    types = {"family": LongType(), "start": LongType(), "end": LongType(), "similarity": DoubleType(), "chars": LongType(),
             "reused_chars": LongType(), "uncredited_chars": LongType(), "reused_share": DoubleType(), "uncredited_share": DoubleType(),
             "published_inferred": BooleanType(), "reused_from": ArrayType(StringType())}
    schema = StructType([StructField(name, types.get(name, StringType())) for name in CSV_COLUMNS])
    spark.createDataFrame(list(member_rows(run.result)), schema).write.mode("overwrite").parquet(str(directory / "members"))
    names = list(document_json(Document("", ""), DocumentReuse("", 0, 0, [], 0, []), []))
    schema = StructType([StructField(name, types.get(name, StringType())) for name in names])
    rows = run.document_entries().map(lambda entry: [entry[name] for name in names])
    spark.createDataFrame(rows, schema).write.mode("overwrite").parquet(str(directory / "documents"))
