from provenance import scan
from provenance.attribute import COPY
from provenance.synthetic import planted_corpus


def planted_found(documents, truth):
    result = scan(documents)
    copies = {
        (m.doc, m.start, m.end, f.origin.doc)
        for f in result.families
        for m in f.members
        if m.relation == COPY and f.origin is not None
    }
    exact = sum((t.copy, t.copy_start, t.copy_end, t.source) in copies for t in truth)
    attributed = sum(any(c[0] == t.copy and c[3] == t.source for c in copies) for t in truth)
    return result, copies, exact, attributed


def test_planted_passages_are_found_with_exact_spans_and_origins():
    documents, truth = planted_corpus(400, copy_rate=0.15, passage_words=40, seed=11)
    result, copies, exact, attributed = planted_found(documents, truth)
    assert len(truth) >= 40
    assert attributed == len(truth)
    assert exact >= 0.9 * len(truth)
    assert len(copies) == len(truth)  # nothing else is flagged


def test_one_sentence_copies_of_twelve_words_are_found():
    documents, truth = planted_corpus(300, copy_rate=0.1, passage_words=12, seed=4)
    _, copies, _, attributed = planted_found(documents, truth)
    assert attributed >= 0.95 * len(truth)
    assert len(copies) <= len(truth) + 2


def test_progress_reports_each_stage_to_completion():
    documents, _ = planted_corpus(300, copy_rate=0.1, seed=2)
    seen = {}
    scan(documents, progress=lambda stage, done, total: seen.__setitem__(stage, (done, total)))
    assert seen["fingerprint"] == (300, 300)
    assert seen["align"][0] == seen["align"][1] > 0


def test_worker_processes_give_the_same_result_as_one_process(monkeypatch):
    from provenance import workers

    documents, truth = planted_corpus(240, copy_rate=0.15, passage_words=30, seed=13)
    alone = scan(documents, workers=1)
    monkeypatch.setattr(workers, "PARALLEL_FROM", 10)
    spawned = []
    real_pool = workers.ProcessPoolExecutor
    monkeypatch.setattr(workers, "ProcessPoolExecutor", lambda count: spawned.append(count) or real_pool(count))
    shared = scan(documents, workers=2)
    assert spawned == [2]

    def spans(result):
        return [(f.origin_status, [(m.doc, m.start, m.end, m.similarity, m.relation) for m in f.members]) for f in result.families]

    assert spans(shared) == spans(alone) and len(alone.families) >= len(truth) // 2
    assert shared.candidate_pairs == alone.candidate_pairs


def test_tasks_split_evenly_over_the_workers():
    from itertools import accumulate

    from provenance.workers import task_bounds

    for items in range(0, 1200):
        for most, workers in ((256, 1), (256, 2), (64, 4), (256, 16)):
            bounds = task_bounds(items, most, workers)
            sizes = [stop - start for start, stop in bounds]
            assert [start for start, _ in bounds] == [0, *accumulate(sizes)][:-1] and sum(sizes) == items
            assert all(0 < size <= most for size in sizes) and max(sizes, default=0) - min(sizes, default=0) <= 1
            # Each worker takes as many tasks, and no more tasks are made than the cap and the workers need.
            assert len(bounds) % workers == 0 or len(bounds) == items < workers
            assert len(bounds) <= max(workers, -(-items // most) + workers - 1)
