"""The five sample articles, end to end: what must be found, where, and what must not."""

from provenance.attribute import COPY, ORIGIN

STOCK_PHRASES = ["in the war-torn country", "the Syrian Observatory for Human Rights", "agreement between the United States and Russian"]


def span(text: str, first: str, last: str) -> tuple[int, int]:
    start = text.index(first)
    return start, text.index(last, start) + len(last)


def expected_passages(texts):
    """The reused passages in each copying document, with their origin."""
    t1, t2 = texts["001"], texts["002"]
    return {
        "001": [
            (span(t1, "Russian airstrikes in Syria have focused", "though some fighting has continued."), "000"),
            (span(t1, "Putin said that the Russian airbase in Hemeimeem", "will continue to operate."), "000"),
        ],
        "002": [
            (span(t2, "Baghdad-based USA military spokesman", "with the help of Russian air strikes and special forces."), "003"),
            (span(t2, "\u201cRussian operations are supporting", "defeating [ISIS]\u201d, Davis said."), "003"),
            (span(t2, "He also proposed that joint strikes", "the Syrian-Turkish border\u201d."), "003"),
        ],
    }


def copies(result):
    return [(family, m) for family in result.families for m in family.members if m.relation == COPY]


def covered(members):
    chars = set()
    for m in members:
        chars.update(range(m.start, m.end))
    return chars


def test_every_expected_passage_is_found_with_its_origin(samples_result):
    texts = {d.id: d.text for d in samples_result.documents}
    found = copies(samples_result)
    for doc_id, passages in expected_passages(texts).items():
        for (start, end), origin in passages:
            matching = [m for f, m in found if m.doc == doc_id and f.origin is not None and f.origin.doc == origin]
            core = set(range(start, end)) - set(range(end - 12, end))  # allow the attribution tail
            hit = covered([m for m in matching if m.start < end and start < m.end])
            share = len(core & hit) / len(core)
            assert share >= 0.85, (doc_id, texts[doc_id][start:end][:50], share)


def test_spans_are_tight(samples_result):
    texts = {d.id: d.text for d in samples_result.documents}
    found = copies(samples_result)
    for doc_id, passages in expected_passages(texts).items():
        flagged = covered([m for _, m in found if m.doc == doc_id])
        inside = set().union(*(range(s, e) for (s, e), _ in passages))
        assert flagged and len(flagged & inside) / len(flagged) >= 0.9, doc_id


def test_hot_air_copy_spans_slice_to_the_copied_paragraphs(samples_result):
    texts = {d.id: d.text for d in samples_result.documents}
    family = next(f for f in samples_result.families if any(m.doc == "001" and "focused largely" in texts["001"][m.start : m.end] for m in f.members))
    origin, copy = family.origin, next(m for m in family.members if m.doc == "001")
    assert origin.doc == "000" and family.origin_status == "earliest"
    assert texts["000"][origin.start : origin.end].startswith("Russian airstrikes in Syria have focused")
    assert texts["000"][origin.start : origin.end].endswith("though some fighting has continued.")
    assert texts["001"][copy.start : copy.end].startswith("Russian airstrikes in Syria have focused")
    assert texts["001"][copy.start : copy.end].endswith("though some fighting has continued.")
    assert "ceasefire" in texts["001"][copy.start : copy.end] and "cease-fire" in texts["000"][origin.start : origin.end]


def test_nothing_in_the_originals_is_flagged_and_004_is_in_no_family(samples_result):
    assert all(m.doc not in ("000", "003", "004") for _, m in copies(samples_result))
    assert all(m.doc != "004" for f in samples_result.families for m in f.members)
    reuse = {r.doc: r for r in samples_result.reuse}
    assert (reuse["003"].reused_chars, reuse["004"].reused_chars) == (0, 0)
    # Hot Air copied 000's own paragraphs, and carries AP lines 000 credits to the AP; 002 carries
    # AFP lines that 003 credits to AFP, and nothing in its text says it took them from 003.
    assert (reuse["001"].reused_from, reuse["001"].reused_from_wire) == (["000"], ["AP"])
    assert (reuse["002"].reused_from, reuse["002"].reused_from_wire) == ([], ["AFP"])


def test_stock_phrases_outside_copied_passages_are_not_reuse(samples_result):
    texts = {d.id: d.text for d in samples_result.documents}
    expected = expected_passages(texts)
    members = [m for f in samples_result.families for m in f.members]
    checked = 0
    for doc_id, text in texts.items():
        allowed = set().union(*(range(s, e) for (s, e), _ in expected.get(doc_id, [])), set())
        allowed |= covered([m for m in members if m.doc == doc_id and m.relation == ORIGIN])
        for phrase in STOCK_PHRASES:
            start = text.find(phrase)
            while start >= 0:
                if start not in allowed:
                    checked += 1
                    assert not any(m.doc == doc_id and m.start <= start < m.end for m in members), (doc_id, phrase)
                start = text.find(phrase, start + 1)
    assert checked >= 4
