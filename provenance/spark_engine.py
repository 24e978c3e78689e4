"""The scan as Spark jobs, for corpora past one machine: ``provenance scan --engine spark``.

The stages are the local engine's, run by Spark over a DataFrame of documents:

1. fingerprint: each partition tokenizes and signs its documents (the same code as the local
   engine), giving every passage window its 32 band keys;
2. candidates: Spark groups the (band, key) pairs of all windows, so no band is ever collected to
   the driver; each bucket links its documents' first windows, past ``clique_limit`` documents to
   the bucket's earliest only, exactly as ``candidates._part_links`` does; the window pairs are
   joined to both windows' keys to count agreeing signature rows, and the document pairs that
   remain are counted;
3. align: candidate pairs are joined to both texts and aligned in the executors;
4. cluster: connected components of the aligned spans (an alignment joins its two spans, spans of
   one document that overlap join too) by label propagation over Spark, round after round until
   no label moves.

The driver then builds the families from the components and runs the stages that read whole
families (boilerplate, origins, lineage, quotes, credit, order) with the local engine's code, so
the JSON is the local engine's, field for field.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .align import Alignment
from .candidates import MIN_ESTIMATE
from .cluster import alignment_spans, families_of, overlap_links
from .corpus import CorpusError, Document, load_corpus
from .dates import parse_published
from .fingerprint import PassageHasher, band_keys, fingerprint, shingle_hashes
from .normalize import tokenize
from .report import CSV_COLUMNS, member_rows, to_json
from .scan import ScanParams, ScanResult, align_pairs, conclude, rank_by_time

# passim's column names, read as ours.
COLUMN_ALIASES = {"series": "source", "date": "published"}
SPARK_FORMATS = {".jsonl": "json", ".ndjson": "json", ".json": "json", ".parquet": "parquet"}


@dataclass
class SparkRun:
    """A scan's result, with the wall time of each stage (what a cluster's size should be planned on)."""

    result: ScanResult
    stages: dict[str, float] = field(default_factory=dict)


def spark_session(master: str = "local[*]", app_name: str = "provenance scan"):
    """A Spark session; ``master`` is local[N], spark://host:port, yarn, or what spark-submit set."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise CorpusError("the Spark engine needs pyspark and Java 17+ (pip install 'provenance[spark]')") from None
    session = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def read_documents(spark, paths: list[str | Path], fallback_encoding: str | None = None) -> list[Document]:
    """Documents in input order. JSONL and Parquet are read by Spark (our names or passim's:
    series, date); directories, pages and crawls by the local loaders."""
    documents: list[Document] = []
    for path in map(Path, paths):
        kind = SPARK_FORMATS.get(path.suffix.lower()) if path.is_file() or path.suffix.lower() == ".parquet" else None
        if kind is None:
            documents += load_corpus(path, fallback_encoding).documents
            continue
        frame = getattr(spark.read, kind)(str(path))
        for name, ours in COLUMN_ALIASES.items():
            if name in frame.columns and ours not in frame.columns:
                frame = frame.withColumnRenamed(name, ours)
        missing = {"id", "text"} - set(frame.columns)
        if missing:
            raise CorpusError(f"{path}: no {', '.join(sorted(missing))} column")
        for number, row in enumerate(frame.collect(), start=1):
            values = row.asDict()
            documents.append(_document(values, f"{path}:{number}"))
    seen: set[str] = set()
    for doc in documents:
        if doc.id in seen:
            raise CorpusError(f"{doc.location}: duplicate id {doc.id!r}")
        seen.add(doc.id)
    return [doc for doc in documents if doc.text.strip()]


def _document(values: dict, where: str) -> Document:
    meta = {name: (None if values.get(name) in (None, "") else str(values[name])) for name in ("source", "title", "url", "published")}
    try:
        published = parse_published(meta["published"]) if meta["published"] else None
    except ValueError as error:
        raise CorpusError(f"{where}: {error}") from None
    return Document(str(values["id"]), values["text"] or "", meta["source"], meta["title"], meta["url"], published, where)


def spark_scan(spark, documents: list[Document], params: ScanParams | None = None, partitions: int | None = None) -> SparkRun:
    """Scan documents with Spark; the result equals ``scan.scan``'s."""
    params = params or ScanParams()
    began = time.perf_counter()
    stages: dict[str, float] = {}
    context = spark.sparkContext
    partitions = partitions or max(2, context.defaultParallelism * 2)
    hasher = PassageHasher(params.num_perm, params.seed, params.window, params.step)
    shared = context.broadcast((hasher.permutations, params, rank_by_time(documents)))
    texts = context.parallelize(list(enumerate(doc.text for doc in documents)), partitions).cache()

    def timed(stage: str, rdd):
        start = time.perf_counter()
        rdd = rdd.cache()
        rdd.count()
        stages[stage] = time.perf_counter() - start
        return rdd

    windows = timed("fingerprint", texts.mapPartitions(lambda part: _window_keys(part, shared.value)))
    window_pairs = timed(
        "candidates: buckets",
        windows.flatMap(_band_entries).groupByKey(partitions).flatMap(lambda bucket: _bucket_links(bucket, shared.value)).distinct(partitions),
    )
    keyed = windows.map(lambda w: ((w[0], w[1]), w[2]))
    doc_pairs = timed(
        "candidates: agreement",
        window_pairs.join(keyed, partitions)
        .map(lambda item: (item[1][0], (item[0], item[1][1])))
        .join(keyed, partitions)
        .filter(lambda item: _agreement(item[1][0][1], item[1][1]) >= MIN_ESTIMATE)
        .map(lambda item: ((item[1][0][0][0], item[0][0]), 1))
        .reduceByKey(lambda a, b: a + b, partitions),
    )
    candidate_count = doc_pairs.count()
    alignments = timed(
        "align",
        doc_pairs.map(lambda pair: (pair[0][0], pair[0][1]))
        .join(texts, partitions)
        .map(lambda item: (item[1][0], (item[0], item[1][1])))
        .join(texts, partitions)
        .mapPartitions(lambda part: _align_partition(part, shared.value)),
    )
    found = sorted(alignments.collect(), key=_alignment_order)
    start = time.perf_counter()
    components = connected_components(context, found, partitions)
    stages["cluster"] = time.perf_counter() - start
    start = time.perf_counter()
    families = families_of(components, alignment_spans(found), found)
    result = conclude(families, documents, params, candidate_count, began)
    stages["attribute (driver)"] = time.perf_counter() - start
    for rdd in (texts, windows, window_pairs, doc_pairs, alignments):
        rdd.unpersist()
    return SparkRun(result, stages)


def _window_keys(partition, shared):
    """(doc, window, band keys) for every passage window of a partition's documents."""
    permutations, params, _ = shared
    hasher = PassageHasher(params.num_perm, params.seed, params.window, params.step, permutations)
    for doc, text in partition:
        keys = band_keys(fingerprint(tokenize(text), hasher, params.align.shingle_size).signatures)
        for window, row in enumerate(keys):
            yield doc, window, row.tobytes()


def _band_entries(window):
    doc, number, keys = window
    for band, key in enumerate(np.frombuffer(keys, dtype=np.uint64).tolist()):
        yield (band, key), (doc, number)


def _bucket_links(bucket, shared):
    """The window pairs one bucket links: its documents' first windows with that key, each pair in
    a bucket of at most ``clique_limit`` documents, else each one to the earliest document's."""
    _, params, rank = shared
    first: dict[int, int] = {}
    for doc, window in bucket[1]:
        if doc not in first or window < first[doc]:
            first[doc] = window
    members = sorted(first.items())
    if len(members) < 2:
        return []
    if len(members) <= params.clique_limit:
        pairs = [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
    else:
        earliest = min(members, key=lambda member: rank[member[0]])
        pairs = [tuple(sorted((earliest, other))) for other in members if other != earliest]
    return pairs


def _agreement(first: bytes, second: bytes) -> float:
    """The share of signature rows (two per band) on which two windows agree."""
    differ = np.frombuffer(first, dtype=np.uint64) ^ np.frombuffer(second, dtype=np.uint64)
    agree = int(((differ & np.uint64(0xFFFFFFFF)) == 0).sum() + ((differ >> np.uint64(32)) == 0).sum())
    return agree / (2 * len(differ))


def _align_partition(partition, shared):
    """Alignments of (second, ((first, first text), second text)) document pairs."""
    _, params, _ = shared
    for second, ((first, first_text), second_text) in partition:
        texts = {first: first_text, second: second_text}
        shingles = {doc: shingle_hashes(tokenize(text).words, params.align.shingle_size) for doc, text in texts.items()}
        yield from align_pairs([(first, second)], texts, shingles, params.align)


def _alignment_order(a: Alignment) -> tuple:
    return (a.first, a.second, a.first_start, a.second_start, a.first_end, a.second_end)


def connected_components(context, alignments: list[Alignment], partitions: int) -> list[list[int]]:
    """Spans (2k and 2k + 1 for alignment k) grouped into connected components by label
    propagation in Spark: every span takes the smallest label among itself and its neighbours,
    until a round moves none."""
    spans = alignment_spans(alignments)
    if not spans:
        return []
    by_doc = context.parallelize([(span.doc, (index, span.start, span.end)) for index, span in enumerate(spans)], partitions)
    overlaps = by_doc.groupByKey(partitions).flatMap(lambda doc: overlap_links(list(doc[1])))
    joined = context.parallelize([(2 * k, 2 * k + 1) for k in range(len(alignments))], partitions).union(overlaps)
    edges = joined.flatMap(lambda edge: [edge, (edge[1], edge[0])]).distinct(partitions).cache()
    labels = context.parallelize([(index, index) for index in range(len(spans))], partitions)
    while True:
        proposed = edges.join(labels, partitions).map(lambda item: (item[1][0], item[1][1]))
        updated = labels.union(proposed).reduceByKey(min, partitions)
        updated.localCheckpoint()  # each round's labels cut the lineage: rounds do not pile up
        moved = updated.join(labels, partitions).filter(lambda item: item[1][0] != item[1][1]).count()
        labels = updated
        if moved == 0:
            break
    edges.unpersist()
    components: dict[int, list[int]] = defaultdict(list)
    for index, label in sorted(labels.collect()):
        components[label].append(index)
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
