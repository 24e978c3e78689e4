"""The scan pipeline: documents in, reuse families with exact spans and origins out."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from itertools import repeat
from typing import Callable, Iterable, NamedTuple

import numpy as np

from . import align, normalize
from .align import AlignParams, Alignment
from .attribute import DocumentReuse, ReuseFamily, attribute, document_reuse
from .boilerplate import Boilerplate, remove_furniture
from .candidates import MIN_ESTIMATE, candidate_pairs
from .cluster import Family, cluster
from .corpus import Document
from .credit import Credit, credit_families, cue_credits
from .evidence import CommonWording, weigh_evidence
from .lineage import trace_lineage
from .order import infer_order
from .outlets import Registry, for_documents
from .quotes import quotations, separate_shared_quotes
from .stock import mark_stock
from .fingerprint import PassageHasher
from .frequency import DocumentShingles, ShingleFrequencies
from .signatures import ShingleLocation, TokenLocation, fingerprint_corpus, read_shingles, read_tokens, signature_folder
from .workers import pool_map, task_bounds, worker_count

FINGERPRINT_TASK = 256  # texts fingerprinted per task, at most
ALIGN_TASK = 256  # candidate pairs aligned per task, at most: their shared shingles are found in one go
CUE_TASK = 64  # texts searched for speech and credit cues per task, at most: small, so that this
# process, which reads them in order as it works, seldom waits for the one task still running


class TextCues(NamedTuple):
    """A text's cues, found ahead by a worker."""

    doc: int
    speech: list[tuple[int, int]]
    credits: list[Credit]


# progress(stage, done, total): called as work advances, for a progress bar.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ScanParams:
    window: int = 16  # shingles per passage signature
    step: int = 4  # shingles between passage starts
    num_perm: int = 64
    seed: int = 1
    clique_limit: int = 8
    min_estimate: float = MIN_ESTIMATE  # share of signature rows two passages must agree on to be a candidate pair
    # Below min_estimate, a pair of passages at near_estimate that is the best both documents have
    # and whose shingles are truly shared as much is a candidate (candidates.kept_passage_pairs).
    # Letters' default (CHAR_SETTINGS); None keeps the word model's candidates as they were.
    near_estimate: float | None = None
    align: AlignParams = field(default_factory=AlignParams)

    def to_dict(self) -> dict:
        return asdict(self)


TEXT_MODELS = ("auto",) + normalize.TEXT_MODELS
# The character model's settings, in letters where the word model's are in words (a window of 60
# letters' shingles covers about as much text as one of 16 words' shingles). Chosen on the OCR
# benchmark's dev split (provenance.noisy_benchmark; plagdet at 0/2/5/10% characters wrong): 5-letter
# shingles chained across gaps of 40 letters 0.84/0.88/0.86/0.86, precision 0.85-0.87, for unrelated
# text is half alike letter by letter and a loose chain runs on into a stitched neighbour; 6 letters,
# gaps of 20 and similarity 0.7: 0.90/0.93/0.92/0.90, precision 0.98; 7 letters, gaps of 28 and
# similarity 0.65: 0.96/0.95/0.95/0.95, precision 0.98-0.99. A verbatim run of 3 words (15 letters)
# is what OCR at 10% still leaves. Windows of unrelated texts on one topic share more shingles of
# letters than of words: passages agreeing on 30% of their rows, not 15%, are candidates (BBC News:
# 10,693 -> 1,169 pairs, a scan 8.0 -> 4.7 s; OCR dev plagdet at 10% 0.950 -> 0.945). Windows of
# 60 every 30 rather than 80 every 20: a third fewer, and as many copies found (16,000 synthetic
# documents: 21.3 -> 16.1 s in one process, the same families), and 32 rows of signature, not 64:
# windows of unrelated text on one topic collide in a band of letters' shingles far more often
# than of words', and half the bands is half that work (16,000 documents: 2.0x -> 1.6x the word
# model's time; OCR dev plagdet at 10% 0.945 -> 0.944). Heavily edited sentences stitched into
# other text agree on fewer rows than 30%: near_estimate 0.2 finds them (OCR held-out attribution
# at 10% 0.896 -> 0.906, heavy recall on dev seed 3 0.705 -> 0.752), while 16,000 synthetic
# documents gain 160 candidate pairs to 7,215 (13,202 without checking true shares). Runs of a few
# words that add up to a passage (AlignParams.min_kept_run) are left to the word model's letters of
# unspaced scripts: with min_kept_run at min_run, any run the rule would count makes a passage by
# itself (by letters, OCR dev gained nothing from the rule and BBC News a team sheet in another format).
CHAR_SETTINGS = {"window": 60, "step": 30, "min_estimate": 0.3, "num_perm": 32, "near_estimate": 0.2}
CHAR_ALIGN_SETTINGS = {"shingle_size": 7, "max_gap": 28, "max_drift": 10, "min_similarity": 0.65, "min_run": 3, "min_kept_run": 3, "edge_run": 4}


def text_model_params(text_model: str = "auto", ocr: bool = False, texts: list[str] | None = None) -> ScanParams:
    """The default settings for texts read by a text model (``TEXT_MODELS``): ``auto`` reads
    OCR'd text by letters, where a damaged letter spoils a word, and other text by words (letters
    in scripts written without spaces, as ``normalize.tokenize`` splits them). Text is OCR'd when
    ``ocr`` says so or, for ``auto`` given the corpus's ``texts``, when most of them look it
    (``normalize.looks_ocrd``): then it is read as with ``ocr``."""
    if text_model not in TEXT_MODELS:
        raise ValueError(f"text model {text_model!r}: choose one of {', '.join(TEXT_MODELS)}")
    if text_model == "auto" and not ocr and texts is not None:
        ocr = normalize.looks_ocrd(texts)
    if text_model == "words" or (text_model == "auto" and not ocr):
        return ScanParams(align=AlignParams(ocr=ocr))
    return ScanParams(**CHAR_SETTINGS, align=AlignParams(ocr=ocr, text_model="chars", **CHAR_ALIGN_SETTINGS))


@dataclass
class ScanResult:
    documents: list[Document]
    families: list[ReuseFamily]
    reuse: list[DocumentReuse]  # one per document, in document order
    params: ScanParams
    candidate_pairs: int
    seconds: float
    boilerplate: list[Boilerplate] = field(default_factory=list)  # site furniture, not reuse
    credits: dict[str, list[Credit]] = field(default_factory=dict)  # what each family member's document credits
    common: list[CommonWording] = field(default_factory=list)  # shared wording too common to be evidence


def scan(
    documents: list[Document],
    params: ScanParams | None = None,
    progress: Progress | None = None,
    hasher: PassageHasher | None = None,
    focus: int | None = None,
    workers: int | None = None,
    frequencies: ShingleFrequencies | None = None,
) -> ScanResult:
    """Find reused passages in documents. ``hasher`` defaults to one made from ``params``; an
    index passes the one it was built with. With ``focus``, only pairs that include that document
    (an index) are aligned: a check needs nothing else. ``workers`` processes (default: one per
    core) share the work of scans of ``workers.PARALLEL_FROM`` documents or more. ``frequencies``
    (how common each shingle is) default to the documents' own; a check passes its archive's."""
    params = params or ScanParams()
    began = time.perf_counter()
    report = progress or (lambda stage, done, total: None)
    hasher = hasher or PassageHasher(params.num_perm, params.seed, params.window, params.step)
    workers = worker_count(workers, len(documents))
    texts = [doc.text for doc in documents]

    with pool_map(workers) as run, signature_folder(len(documents)) as directory:
        store = fingerprint_corpus(
            texts, hasher, params.align.shingle_size, directory, run, FINGERPRINT_TASK,
            progress=lambda done, total: report("fingerprint", done, total), workers=workers, reading=params.align.reading,
        )
        if frequencies is None:
            frequencies = ShingleFrequencies().add((chunk.all_shingles(), chunk.shingle_bounds) for chunk in store.chunks)
        report("candidates", 0, store.bands)
        pairs = candidate_pairs(store, rank_by_time(documents), params.clique_limit, params.min_estimate, map=run, focus=focus, near_estimate=params.near_estimate)
        report("candidates", store.bands, store.bands)
        tasks = [[(p.first, p.second) for p in pairs[start:stop]] for start, stop in task_bounds(len(pairs), ALIGN_TASK, workers)]
        involved = [{doc for pair in task for doc in pair} for task in tasks]
        task_texts = ({doc: texts[doc] for doc in docs} for docs in involved)
        locations = ({doc: (store.locate(doc), store.locate_tokens(doc)) for doc in docs} for docs in involved)
        aligned = run(align_task, tasks, task_texts, locations, repeat(params.align))
        # The later stages read the tokens and shingles fingerprinting kept, before they are removed.
        shingles = DocumentShingles(
            documents, params.align.shingle_size, lambda doc: (read_tokens(store.locate_tokens(doc)), read_shingles(store.locate(doc)))
        )
        registry = for_documents(documents)
        alignments: list[Alignment] = []
        done = 0
        for task, found in zip(tasks, aligned):
            alignments.extend(found)
            done += len(task)
            report("align", done, len(pairs))
        # Workers search the texts a family may hold for speech and credit cues while this process
        # takes out furniture and common wording (a pool's map submits its tasks at once). In one
        # process the later stages search only the texts that families still hold.
        aligned_docs = sorted({doc for a in alignments for doc in (a.first, a.second)})
        cue_tasks = [[(doc, texts[doc]) for doc in aligned_docs[start:stop]] for start, stop in task_bounds(len(aligned_docs), CUE_TASK, workers)]
        cues = run(text_cues, cue_tasks, repeat(registry)) if workers > 1 else ()
        alignments, boilerplate = remove_furniture(alignments, shingles, frequencies, params.align.min_words)
        return conclude(cluster(alignments), shingles, params, len(pairs), began, frequencies, boilerplate, registry, cues)


def conclude(
    clustered: list[Family], shingles: DocumentShingles, params: ScanParams, candidate_count: int, began: float,
    frequencies: ShingleFrequencies, boilerplate: list[Boilerplate], registry: Registry | None = None, cues: Iterable[list[TextCues]] = (),
) -> ScanResult:
    """The stages after clustering, whichever engine found the families (and the furniture taken
    out of their alignments): common wording out, shared quotes apart, origins, an outlet's stock
    text, credit and wire, lineage and order. ``cues`` found ahead (``text_cues``) are read only
    after common wording is out; the stages find any others themselves."""
    documents = shingles.documents
    families, common = weigh_evidence(clustered, shingles, frequencies, params.align.min_evidence)
    found = [cue for batch in cues for cue in batch]
    speech = {cue.doc: cue.speech for cue in found}
    families = attribute(separate_shared_quotes(families, shingles, speech), documents)
    mark_stock(families, documents)
    registry = for_documents(documents) if registry is None else registry
    credits = credit_families(families, documents, registry, {documents[cue.doc].id: cue.credits for cue in found})
    trace_lineage(families, documents, registry)
    infer_order(families, documents, registry)
    return ScanResult(
        documents=documents,
        families=families,
        reuse=document_reuse(families, documents),
        params=params,
        candidate_pairs=candidate_count,
        seconds=time.perf_counter() - began,
        boilerplate=boilerplate,
        credits=credits,
        common=common,
    )


def text_cues(texts: list[tuple[int, str]], registry: Registry) -> list[TextCues]:
    """Speech and credit cues of (document, text) pairs: one task of a scan."""
    return [TextCues(doc, quotations(text), cue_credits(text, registry)) for doc, text in texts]


def align_task(
    pairs: list[tuple[int, int]], texts: dict[int, str], locations: dict[int, tuple[ShingleLocation, TokenLocation]], params: AlignParams
) -> list[Alignment]:
    """Align document pairs: one task of a scan, on the shingle hashes and tokens stored by fingerprinting."""
    shingles = {doc: read_shingles(shingle_location) for doc, (shingle_location, _) in locations.items()}
    return align.align_pairs(pairs, texts, shingles, lambda doc: read_tokens(locations[doc][1]), params)


def rank_by_time(documents: list[Document]) -> np.ndarray:
    """Position of each document from earliest to latest; undated ones last, in input order."""
    order = sorted(
        range(len(documents)),
        key=lambda i: (documents[i].published is None, documents[i].published.start if documents[i].published else 0, i),
    )
    rank = np.empty(len(documents), dtype=np.int64)
    rank[order] = np.arange(len(documents))
    return rank
