from provenance.align import Alignment
from provenance.attribute import COPY, ORDER_UNKNOWN, ORIGIN, TIE, attribute, document_reuse
from provenance.cluster import cluster, linked_groups
from provenance.corpus import Document, parse_published


def doc(id, published=None, text="x" * 1000):
    return Document(id=id, text=text, published=parse_published(published) if published else None)


def test_copy_of_a_copy_joins_one_family_with_the_first_as_origin():
    documents = [doc("b", "2016-01-02T10:00:00Z"), doc("a", "2016-01-01T10:00:00Z"), doc("c", "2016-01-03")]
    alignments = [Alignment(1, 100, 300, 0, 10, 210, 0.95), Alignment(0, 12, 205, 2, 500, 690, 0.9)]
    families = attribute(cluster(alignments), documents)
    assert len(families) == 1
    family = families[0]
    assert family.origin_status == "earliest" and family.origin.doc == "a"
    relations = {m.doc: (m.relation, m.similarity) for m in family.members}
    assert relations == {"a": (ORIGIN, 1.0), "b": (COPY, 0.95), "c": (COPY, 0.9)}
    b_member = next(m for m in family.members if m.doc == "b")
    assert (b_member.start, b_member.end) == (10, 210)  # overlapping spans of one document merge


def test_distinct_passages_of_one_document_stay_separate_families():
    alignments = [Alignment(0, 0, 100, 1, 0, 100, 1.0), Alignment(0, 500, 600, 1, 300, 400, 1.0)]
    assert len(cluster(alignments)) == 2


def test_linked_groups_keep_linked_documents_together_in_document_order():
    # 0-5-2 are linked through 5, 1-3 directly, 4 by nothing, 6-7 directly.
    alignments = [Alignment(0, 0, 100, 5, 0, 100, 1.0), Alignment(5, 200, 300, 2, 0, 100, 1.0), Alignment(1, 0, 50, 3, 0, 50, 1.0),
                  Alignment(6, 0, 80, 7, 0, 80, 1.0)]
    assert linked_groups(alignments, 8, most=3) == [[0, 2, 5], [1, 3], [6, 7]]
    assert linked_groups(alignments, 8, most=5) == [[0, 1, 2, 3, 5], [6, 7]]
    assert linked_groups(alignments, 8, most=2) == [[0, 2, 5], [1, 3], [6, 7]]  # a larger set is a group alone


def test_same_day_date_and_time_are_a_tie_not_an_order():
    documents = [doc("wire", "2016-05-20"), doc("paper", "2016-05-20T20:40:00Z"), doc("late", "2016-05-22")]
    alignments = [Alignment(0, 0, 100, 1, 0, 100, 1.0), Alignment(1, 0, 100, 2, 0, 100, 1.0)]
    (family,) = attribute(cluster(alignments), documents)
    assert family.origin is None and family.origin_status == "tie"
    assert family.candidates == ["paper", "wire"]
    assert {m.doc: m.relation for m in family.members} == {"wire": TIE, "paper": TIE, "late": COPY}
    reuse = {r.doc: r for r in document_reuse([family], documents)}
    assert reuse["late"].reused_chars == 100 and reuse["late"].reused_from == ["paper", "wire"]
    assert reuse["wire"].reused_chars == 0


def test_undated_members_are_order_unknown():
    documents = [doc("x"), doc("y"), doc("z", "2016-01-01")]
    (undated,) = attribute(cluster([Alignment(0, 0, 100, 1, 0, 100, 1.0)]), documents)
    assert undated.origin is None and undated.origin_status == "undated" and undated.candidates == []
    (mixed,) = attribute(cluster([Alignment(0, 0, 100, 2, 0, 100, 1.0)]), documents)
    assert mixed.origin.doc == "z"
    assert {m.doc: m.relation for m in mixed.members} == {"x": ORDER_UNKNOWN, "z": ORIGIN}
    assert document_reuse([mixed], documents)[0].reused_chars == 0  # not known to be later


def test_reused_chars_count_overlapping_passages_once():
    documents = [doc("a", "2016-01-01"), doc("b", "2016-01-02"), doc("c", "2016-01-03")]
    alignments = [Alignment(0, 0, 100, 2, 0, 100, 1.0), Alignment(1, 0, 100, 2, 60, 160, 1.0)]
    families = attribute(cluster(alignments, min_overlap=0.5), documents)
    assert len(families) == 2
    assert document_reuse(families, documents)[2].reused_chars == 160
