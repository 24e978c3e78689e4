import math

import pytest

from provenance.evaluate import Case, Detection, score, score_by_level


def case(doc, start, end, origin="src", level="verbatim"):
    return Case(doc, start, end, origin, 0, end - start, level)


def test_perfect_detection():
    s = score([case("a", 100, 200)], [Detection("a", 100, 200, "src")])
    assert (s.precision, s.recall, s.granularity, s.plagdet, s.attribution) == (1.0, 1.0, 1.0, 1.0, 1.0)


def test_hand_computed_overshoot_split_and_false_alarm():
    cases = [case("a", 100, 200), case("b", 0, 100, origin="other")]
    found = [
        Detection("a", 50, 150, "src"),  # half inside case 1
        Detection("a", 150, 200, "src"),  # all inside case 1: case 1 is detected twice
        Detection("c", 0, 40, "src"),  # a false alarm
    ]
    s = score(cases, found)
    assert s.precision == pytest.approx((0.5 + 1.0 + 0.0) / 3)
    assert s.recall == pytest.approx((1.0 + 0.0) / 2)
    assert s.granularity == 2.0
    f1 = 2 * s.precision * s.recall / (s.precision + s.recall)
    assert s.plagdet == pytest.approx(f1 / math.log2(3))
    assert s.attribution == 0.5  # case 1 right, case 2 not detected


def test_attribution_uses_the_most_overlapping_detection():
    found = [Detection("a", 0, 10, "src"), Detection("a", 10, 100, "wrong")]
    assert score([case("a", 0, 100)], found).attribution == 0.0


def test_levels_count_their_own_cases_and_overall_counts_false_alarms():
    cases = [case("a", 0, 100, level="verbatim"), case("b", 0, 100, level="heavy")]
    found = [Detection("a", 0, 100, "src"), Detection("b", 0, 50, "src"), Detection("z", 0, 10, "src")]
    scores = score_by_level(cases, found)
    assert scores["verbatim"].recall == 1.0 and scores["verbatim"].detections == 1
    assert scores["heavy"].recall == 0.5 and scores["heavy"].precision == 1.0
    assert scores["overall"].precision == pytest.approx(2 / 3)


def test_nothing_planted_and_nothing_found():
    s = score([], [])
    assert (s.precision, s.recall, s.plagdet) == (1.0, 1.0, 1.0)
