"""The scan as Spark jobs, for corpora past one machine: ``provenance scan --engine spark``.

The stages are the local engine's, run by Spark over DataFrames, with the local engine's code
inside the executors (Arrow batches carry the arrays between the JVM and Python):

1. fingerprint: each partition tokenizes and signs its documents, giving every passage window
   its 32 band keys;
2. candidates: every (band, key) of every window is shuffled by Spark so that a bucket's entries
   meet in one partition, never on the driver; there ``candidates.bucket_links`` links them band by
   band (first window per document, past ``clique_limit`` documents each to the earliest only);
   the window pairs are joined to both windows' keys and the agreeing signature rows counted in
   the JVM; the document pairs that pass are counted;
3. align: candidate pairs are joined to both texts and aligned in the executors;
4. cluster: connected components of the aligned spans (an alignment joins its two spans, spans of
   one document that overlap join too) by label propagation, round after round until no label
   moves.

The driver then builds the families from the components and runs the stages that read whole
families (boilerplate, origins, lineage, quotes, credit, order) with the local engine's code, so
the JSON is the local engine's, field for field.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import __version__
from .align import Alignment
from .arrays import distinct
from .candidates import MIN_ESTIMATE, bucket_links
from .cluster import alignment_spans, families_of, overlap_links
from .corpus import CorpusError, Document, document_from, load_corpus
from .fingerprint import PassageHasher, band_keys, fingerprint, shingle_hashes
from .boilerplate import remove_furniture
from .frequency import DocumentShingles, ShingleFrequencies, document_buckets
from .normalize import tokenize
from .report import CSV_COLUMNS, member_rows, to_json
from .scan import ScanParams, ScanResult, align_pairs, conclude, rank_by_time

# passim's column names, read as ours.
COLUMN_ALIASES = {"series": "source", "date": "published"}
TEXTS_PER_SLICE = 1000
# A document leaves about 2,000 band-key entries to link: partitions of 2,500 documents' entries
# (about 120 MB) keep the linking's sorts small; fewer, larger ones took longer than linear.
DOCUMENTS_PER_LINK_PARTITION = 2_500
# Groups of buckets per partition: enough that Spark's hashing of group numbers spreads them evenly.
BUCKET_GROUPS_PER_PARTITION = 8
# Documents signed per Arrow batch: their windows' keys come to about 6 MB (Spark hands over
# 10,000 rows at a time, whose 250 MB of keys overran Arrow's 1 GB of direct memory).
DOCUMENTS_PER_BATCH = 256
SPARK_FORMATS = {".jsonl": "json", ".ndjson": "json", ".json": "json", ".parquet": "parquet"}


@dataclass
class SparkRun:
    """A scan's result, with the wall time of each stage (what a cluster's size should be planned on)."""

    result: ScanResult
    stages: dict[str, float] = field(default_factory=dict)


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


def read_documents(spark, paths: list[str | Path], fallback_encoding: str | None = None) -> list[Document]:
    """Documents in input order. JSONL and Parquet are read by Spark (our names or passim's:
    series, date); directories, pages and crawls by the local loaders."""
    documents: list[Document] = []
    for location in map(str, paths):
        remote = "://" in location  # hdfs://, s3a://, file://: for Spark to read
        path = Path(location)
        kind = SPARK_FORMATS.get(path.suffix.lower()) if remote or path.is_file() or path.suffix.lower() == ".parquet" else None
        if kind is None:
            documents += load_corpus(path, fallback_encoding).documents
            continue
        frame = getattr(spark.read, kind)(location)
        if kind == "json" and "text" not in frame.columns and not remote:
            documents += load_corpus(path, fallback_encoding).documents  # pages in an html field: extracted here
            continue
        for name, ours in COLUMN_ALIASES.items():
            if name in frame.columns and ours not in frame.columns:
                frame = frame.withColumnRenamed(name, ours)
        missing = {"id", "text"} - set(frame.columns)
        if missing:
            raise CorpusError(f"{location}: no {', '.join(sorted(missing))} column")
        for number, row in enumerate(frame.collect(), start=1):
            record = {name: value for name, value in row.asDict().items() if value is not None}
            where = f"{location}:{number}"
            # The local loaders' rules: our fields, a date inferred from a dateline when none is given.
            documents.append(document_from(str(record["id"]), record.get("text") or "", {**record, "_where": where}, where))
    seen: set[str] = set()
    for doc in documents:
        if doc.id in seen:
            raise CorpusError(f"{doc.location}: duplicate id {doc.id!r}")
        seen.add(doc.id)
    return [doc for doc in documents if doc.text.strip()]


def spark_scan(spark, documents: list[Document], params: ScanParams | None = None, partitions: int | None = None) -> SparkRun:
    """Scan documents with Spark; the result equals ``scan.scan``'s."""
    from pyspark.sql import functions as F

    params = params or ScanParams()
    began = time.perf_counter()
    stages: dict[str, float] = {}
    partitions = partitions or max(2, spark.sparkContext.defaultParallelism * 2)
    hasher = PassageHasher(params.num_perm, params.seed, params.window, params.step)
    shared = spark.sparkContext.broadcast((hasher.permutations, params, rank_by_time(documents)))

    def timed(stage: str, frame):
        start = time.perf_counter()
        frame = frame.localCheckpoint()  # computed once, here, and timed as one stage
        stages[stage] = time.perf_counter() - start
        return frame

    # A list from the driver travels inside Spark's tasks: slices of about 1,000 texts keep each
    # task small (two slices of 100,000 texts overran a 1 GB driver heap).
    rows = spark.sparkContext.parallelize([(i, doc.text) for i, doc in enumerate(documents)], max(partitions, len(documents) // TEXTS_PER_SLICE + 1))
    texts = timed("read", spark.createDataFrame(rows, "doc long, text string").repartition(partitions))
    windows = timed("fingerprint", texts.mapInArrow(lambda batches: _window_batches(batches, shared.value), _WINDOWS))
    start = time.perf_counter()
    frequencies = ShingleFrequencies()
    for row in texts.mapInArrow(lambda batches: _frequency_batches(batches, shared.value), _FREQUENCIES).toLocalIterator():
        frequencies.add_counts(np.frombuffer(row.buckets, dtype=np.int64), np.frombuffer(row.counts, dtype=np.int64), row.documents)
    stages["frequencies"] = time.perf_counter() - start
    # Every (band, key) of every window, gathered by Spark so that a bucket's entries meet in one
    # partition; there the local engine's numpy code links them, band by band.
    link_partitions = max(partitions, len(documents) // DOCUMENTS_PER_LINK_PARTITION)
    buckets = link_partitions * BUCKET_GROUPS_PER_PARTITION
    entries = windows.mapInArrow(lambda batches: _entry_batches(batches, buckets), _ENTRIES).repartition(link_partitions, "bucket")
    window_pairs = timed("candidates: buckets", entries.mapInArrow(lambda batches: _link_batches(batches, shared.value), _WINDOW_PAIRS).distinct())
    first = windows.select(F.col("doc").alias("da"), F.col("window").alias("wa"), F.col("keys").alias("ka"))
    second = windows.select(F.col("doc").alias("db"), F.col("window").alias("wb"), F.col("keys").alias("kb"))
    doc_pairs = timed(
        "candidates: agreement",
        window_pairs.join(first, ["da", "wa"]).join(second, ["db", "wb"])
        .filter(F.expr(_AGREEING_ROWS) / hasher.num_perm >= MIN_ESTIMATE)  # rows agreeing / all rows
        .groupBy("da", "db").count(),
    )
    candidate_count = doc_pairs.count()
    to_align = doc_pairs.join(texts.select(F.col("doc").alias("da"), F.col("text").alias("ta")), "da").join(
        texts.select(F.col("doc").alias("db"), F.col("text").alias("tb")), "db"
    )
    aligned = timed("align", to_align.mapInArrow(lambda batches: _alignment_batches(batches, shared.value), _ALIGNMENTS))
    found = sorted((Alignment(**row.asDict()) for row in aligned.collect()), key=_alignment_order)
    shingles = DocumentShingles(documents, params.align.shingle_size, ocr=params.align.ocr)
    found, boilerplate = remove_furniture(found, shingles, frequencies, params.align.min_words)
    start = time.perf_counter()
    components = connected_components(spark, found, partitions)
    stages["cluster"] = time.perf_counter() - start
    start = time.perf_counter()
    families = families_of(components, alignment_spans(found), found)
    result = conclude(families, shingles, params, candidate_count, began, frequencies, boilerplate)
    stages["attribute (driver)"] = time.perf_counter() - start
    return SparkRun(result, stages)


_WINDOWS = "doc long, window int, keys array<long>"
_FREQUENCIES = "documents long, buckets binary, counts binary"
_ENTRIES = "bucket int, entries binary"
# An entry of a band key, packed: Spark moves a few large rows far faster than one row per key
# (40 M rows of one key each took 80 of a 20,000-document scan's 85 s).
_ENTRY = np.dtype([("doc", "<i8"), ("key", "<i8"), ("window", "<i4"), ("band", "<i4")])
_WINDOW_PAIRS = "da long, wa int, db long, wb int"
_ALIGNMENTS = "first long, first_start long, first_end long, second long, second_start long, second_end long, similarity double"
# Rows (two per band) on which two windows' signatures agree, computed in the JVM.
_AGREEING_ROWS = (
    "aggregate(zip_with(ka, kb, (x, y) -> "
    "IF(((x ^ y) & 4294967295) = 0, 1, 0) + IF(shiftrightunsigned(x ^ y, 32) = 0, 1, 0)), 0, (total, v) -> total + v)"
)


def _window_batches(batches, shared):
    """Arrow batches of (doc, window, band keys as int64) for every passage window of the
    documents in the batches given, signed with the local engine's code."""
    import pyarrow as pa

    permutations, params, _ = shared
    hasher = PassageHasher(params.num_perm, params.seed, params.window, params.step, permutations)
    for batch in _slices(batches, DOCUMENTS_PER_BATCH):
        docs, texts = batch.column("doc").to_pylist(), batch.column("text").to_pylist()
        keys = [band_keys(fingerprint(tokenize(text, params.align.ocr), hasher, params.align.shingle_size).signatures).view(np.int64) for text in texts]
        counts = [len(k) for k in keys]
        flat = np.concatenate(keys + [np.empty((0, hasher.num_perm // 2), dtype=np.int64)])
        yield pa.RecordBatch.from_arrays(
            [
                pa.array(np.repeat(docs, counts).astype(np.int64)),
                pa.array(np.concatenate([np.arange(n, dtype=np.int32) for n in counts] + [np.empty(0, np.int32)])),
                pa.FixedSizeListArray.from_arrays(pa.array(flat.ravel()), hasher.num_perm // 2).cast(pa.list_(pa.int64())),
            ],
            names=["doc", "window", "keys"],
        )


def _frequency_batches(batches, shared):
    """Per Arrow batch of texts, how many of them hold a shingle of each bucket (as int64 bytes:
    the buckets found and their counts), for ``frequency.ShingleFrequencies``."""
    import pyarrow as pa

    _, params, _ = shared
    for batch in batches:
        hashes = [shingle_hashes(tokenize(text, params.align.ocr).words, params.align.shingle_size) for text in batch.column("text").to_pylist()]
        bounds = np.cumsum([0] + [len(h) for h in hashes])
        buckets, counts = np.unique(document_buckets(np.concatenate(hashes + [np.empty(0, np.uint32)]), bounds), return_counts=True)
        yield pa.RecordBatch.from_arrays(
            [pa.array([batch.num_rows], pa.int64()), pa.array([buckets.tobytes()], pa.binary()), pa.array([counts.astype(np.int64).tobytes()], pa.binary())],
            names=["documents", "buckets", "counts"],
        )


def _entry_batches(batches, buckets: int):
    """Arrow batches of (bucket, packed entries): every band key of the windows given as a
    (doc, key, window, band) entry, packed per group of buckets so that Spark's shuffle brings
    every entry of a key to one partition. A key repeating the one of the document's previous
    window in the same band is left out, as the local engine leaves it out (a third of them)."""
    import pyarrow as pa

    for batch in batches:
        if batch.num_rows == 0:
            continue
        keys = batch.column("keys").flatten().to_numpy().reshape(batch.num_rows, -1)
        doc, window = batch.column("doc").to_numpy(), batch.column("window").to_numpy()
        repeats = np.zeros(keys.shape, dtype=bool)
        repeats[1:] = (keys[1:] == keys[:-1]) & (doc[1:] == doc[:-1])[:, None]
        kept = np.flatnonzero(~repeats.ravel())
        rows, bands = np.divmod(kept, keys.shape[1])
        entries = np.empty(len(kept), dtype=_ENTRY)
        entries["doc"], entries["window"], entries["band"], entries["key"] = doc[rows], window[rows], bands, keys.ravel()[kept]
        # Minimum hash values are small, so the key's low bits are mixed with its band first.
        mixed = (entries["key"].view(np.uint64) ^ entries["band"].astype(np.uint64)) * np.uint64(0x9E3779B97F4A7C15)
        bucket = ((mixed >> np.uint64(32)) % np.uint64(buckets)).astype(np.uint16 if buckets <= 1 << 16 else np.uint32)
        order = np.argsort(bucket, kind="stable")
        entries, bucket = entries[order], bucket[order]
        starts = np.flatnonzero(np.concatenate(([True], bucket[1:] != bucket[:-1])))
        ends = np.concatenate((starts[1:], [len(bucket)]))
        yield pa.RecordBatch.from_arrays(
            [pa.array(bucket[starts].astype(np.int32)), pa.array([entries[a:b].tobytes() for a, b in zip(starts, ends)], type=pa.binary())],
            names=["bucket", "entries"],
        )


def _slices(batches, rows: int):
    """Arrow batches cut to at most ``rows`` rows each."""
    for batch in batches:
        for start in range(0, batch.num_rows, rows):
            yield batch.slice(start, rows)


def _link_batches(batches, shared):
    """The window pairs that the buckets of one partition link (a partition holds every entry of
    its buckets, packed as ``_entry_batches`` packs them): per band, entries in document order go
    through ``candidates.bucket_links``, the local engine's own linking."""
    import pyarrow as pa

    _, params, rank = shared
    packed = b"".join(blob for batch in batches for blob in batch.column("entries").to_pylist())
    entries = np.frombuffer(packed, dtype=_ENTRY)
    band, key, doc, window = (entries[name] for name in ("band", "key", "doc", "window"))
    for number in distinct(band).tolist():
        chosen = np.flatnonzero(band == number)
        chosen = chosen[np.lexsort((window[chosen], doc[chosen]))]  # the owner of each entry ascends
        first, second = bucket_links(key[chosen], doc[chosen], rank, params.clique_limit)
        a, b = chosen[first], chosen[second]
        yield pa.RecordBatch.from_arrays(
            [pa.array(doc[a]), pa.array(window[a].astype(np.int32)), pa.array(doc[b]), pa.array(window[b].astype(np.int32))],
            names=["da", "wa", "db", "wb"],
        )


def _alignment_batches(batches, shared):
    """Arrow batches of the alignments of the (da, db, ta, tb) document pairs given."""
    import pyarrow as pa

    _, params, _ = shared
    names = ["first", "first_start", "first_end", "second", "second_start", "second_end", "similarity"]
    for batch in batches:
        found = []
        for a, b, text_a, text_b in zip(*(batch.column(name).to_pylist() for name in ("da", "db", "ta", "tb"))):
            texts = {a: text_a, b: text_b}
            shingles = {doc: shingle_hashes(tokenize(text, params.align.ocr).words, params.align.shingle_size) for doc, text in texts.items()}
            found += align_pairs([(a, b)], texts, shingles, params.align)
        yield pa.RecordBatch.from_pylist([{name: getattr(f, name) for name in names} for f in found],
                                         schema=pa.schema([(n, pa.float64() if n == "similarity" else pa.int64()) for n in names]))


def _alignment_order(a: Alignment) -> tuple:
    return (a.first, a.second, a.first_start, a.second_start, a.first_end, a.second_end)


def connected_components(spark, alignments: list[Alignment], partitions: int) -> list[list[int]]:
    """Spans (2k and 2k + 1 for alignment k) grouped into connected components by label
    propagation in Spark: every span takes the smallest label among itself and its neighbours,
    until a round moves none."""
    from pyspark.sql import functions as F

    spans = alignment_spans(alignments)
    if not spans:
        return []
    by_doc = spark.sparkContext.parallelize([(span.doc, (index, span.start, span.end)) for index, span in enumerate(spans)], partitions)
    overlaps = by_doc.groupByKey(partitions).flatMap(lambda doc: overlap_links(list(doc[1])))
    joined = spark.sparkContext.parallelize([(2 * k, 2 * k + 1) for k in range(len(alignments))], partitions).union(overlaps)
    edges = spark.createDataFrame(joined.flatMap(lambda edge: [edge, (edge[1], edge[0])]), "src long, dst long").distinct().localCheckpoint()
    labels = spark.range(len(spans)).select(F.col("id"), F.col("id").alias("label")).localCheckpoint()
    while True:
        proposed = edges.join(labels.withColumnRenamed("id", "src"), "src").select(F.col("dst").alias("id"), "label")
        updated = labels.union(proposed).groupBy("id").agg(F.min("label").alias("label")).localCheckpoint()
        moved = updated.join(labels.withColumnRenamed("label", "before"), "id").filter("label != before").count()
        labels = updated
        if moved == 0:
            break
    components: dict[int, list[int]] = defaultdict(list)
    for row in labels.orderBy("id").collect():
        components[row["label"]].append(row["id"])
    return list(components.values())


def write_parquet(spark, result: ScanResult, directory: Path) -> None:
    """The scan as Parquet tables for large outputs: ``members`` (the CSV's columns, a row per
    family member) and ``documents`` (the JSON's document fields)."""
    from pyspark.sql.types import ArrayType, BooleanType, DoubleType, LongType, StringType, StructField, StructType

    types = {"family": LongType(), "start": LongType(), "end": LongType(), "similarity": DoubleType(), "chars": LongType(),
             "reused_chars": LongType(), "uncredited_chars": LongType(), "reused_share": DoubleType(), "uncredited_share": DoubleType(),
             "published_inferred": BooleanType(), "reused_from": ArrayType(StringType())}
    schema = StructType([StructField(name, types.get(name, StringType())) for name in CSV_COLUMNS])
    spark.createDataFrame(list(member_rows(result)), schema).write.mode("overwrite").parquet(str(directory / "members"))
    documents = to_json(result)["documents"]
    schema = StructType([StructField(name, types.get(name, StringType())) for name in documents[0]])
    spark.createDataFrame([list(d.values()) for d in documents], schema).write.mode("overwrite").parquet(str(directory / "documents"))
