from dataclasses import replace

from provenance import load_corpus, parse_published, scan
from provenance.attribute import Edit
from provenance.lineage import word_edits

from conftest import SAMPLES

WARREN = (
    "Baghdad-based US military spokesman Colonel Steve Warren said that Russia had established some sort of "
    "forward operating base outside Palmyra, and that US forces were watching the town closely."
)


OWN = {
    "Alpha": ("Officials in the capital met on Monday to discuss the budget for schools and hospitals.", "Talks resume next week."),
    "Bravo": ("A storm closed several roads in the north overnight, police told reporters.", "Schools stayed shut on Tuesday."),
    "Charlie": ("The football club named a new coach after a difficult season in the league.", "Fans gathered outside the stadium."),
    "Delta": ("Farmers reported an early harvest thanks to a warm and wet spring.", "Prices at the market fell slightly."),
}


def article(id, published, own, passage):
    opening, closing = OWN[own]
    text = f"{opening}\n\n{passage}\n\n{closing}"
    return replace(load_corpus(SAMPLES).documents[0], id=id, text=text, source=id, published=parse_published(published))


def members(result):
    (family,) = [f for f in result.families if any(m.doc == "wire" for m in f.members)]
    return {m.doc: m for m in family.members}


def test_the_samples_copies_name_their_source_or_their_agency_and_the_words_they_changed():
    result = scan(load_corpus(SAMPLES).documents)
    copies = {(f.id, m.doc): (f, m) for f in result.families for m in f.members if m.relation == "copy"}
    for family, member in copies.values():
        if family.wire is None:  # Stars and Stripes' own paragraphs, copied by Hot Air: dates alone tell
            assert (member.copied_from, member.copied_from_basis) == (family.origin.doc, "dates")
        else:  # wire copy: the agency's copy, the earlier carrier listed as what the texts cannot rule out
            assert member.copied_from is None and member.copied_from_wire == family.wire.agency
            assert member.copied_from_basis == "ambiguous" and member.copied_from_candidates == [family.origin.doc]
    edits = {(e.removed, e.added) for (_, doc), (_, m) in copies.items() if doc == "002" for e in m.edits}
    assert {("US", "USA"), ("solely", "exclusively"), ("ISIL", "ISIS")} <= edits
    assert all(m.copied_from is None and m.edits == [] for f in result.families for m in f.members if m.relation == "origin")


def test_a_copy_of_a_copy_points_to_the_version_whose_edits_it_kept():
    middle_text = WARREN.replace("US military", "USA military").replace("watching", "monitoring")
    last_text = middle_text.replace("closely", "very closely")
    documents = [
        article("wire", "2016-05-20T08:00:00Z", "Alpha", WARREN),
        article("middle", "2016-05-20T12:00:00Z", "Bravo", middle_text),
        article("last", "2016-05-21T09:00:00Z", "Charlie", last_text),
    ]
    found = members(scan(documents))
    assert found["wire"].relation == "origin" and found["wire"].copied_from is None
    assert found["middle"].copied_from == "wire"
    assert {(e.removed, e.added) for e in found["middle"].edits} == {("US", "USA"), ("watching", "monitoring")}
    assert found["last"].copied_from == "middle" and found["last"].copied_from_candidates == ["middle"]
    assert [(e.removed, e.added) for e in found["last"].edits] == [("", "very")]


def test_an_independent_copy_that_made_one_of_the_same_edits_points_to_the_origin():
    documents = [
        article("wire", "2016-05-20T08:00:00Z", "Alpha", WARREN),
        article("middle", "2016-05-20T12:00:00Z", "Bravo", WARREN.replace("US military", "USA military").replace("watching", "monitoring")),
        article("other", "2016-05-21T09:00:00Z", "Delta", WARREN.replace("US military", "USA military")),
    ]
    assert members(scan(documents))["other"].copied_from == "wire"


def test_identical_versions_are_candidates_alike_and_the_earliest_is_named():
    documents = [
        article("wire", "2016-05-20T08:00:00Z", "Alpha", WARREN),
        article("reprint", "2016-05-20T12:00:00Z", "Bravo", WARREN),
        article("late", "2016-05-21T09:00:00Z", "Charlie", WARREN),
    ]
    late = members(scan(documents))["late"]
    assert late.copied_from == "wire" and late.copied_from_candidates == ["wire", "reprint"]
    assert late.copied_from_basis == "ambiguous"


def test_undated_copies_have_no_source_named():
    documents = [article("wire", "2016-05-20T08:00:00Z", "Alpha", WARREN), replace(article("undated", "2016-05-21", "Bravo", WARREN), published=None)]
    found = members(scan(documents))
    assert found["undated"].relation == "order-unknown" and found["undated"].copied_from is None


def test_word_edits_keep_the_words_as_written_and_ignore_case_and_quotes():
    assert word_edits("The U.S. “cease-fire” held", "the U.S. 'ceasefire' held firm") == [Edit("", "firm")]
    assert word_edits("ISIL fighters", "[ISIS] fighters") == [Edit("ISIL", "ISIS")]


def test_show_prints_the_family_as_a_tree_with_the_edits_at_each_step(tmp_path):
    import json

    from typer.testing import CliRunner

    from provenance.cli import app

    middle_text = WARREN.replace("US military", "USA military").replace("watching", "monitoring")
    documents = [
        article("wire", "2016-05-20T08:00:00Z", "Alpha", WARREN),
        article("middle", "2016-05-20T12:00:00Z", "Bravo", middle_text),
        article("last", "2016-05-21T09:00:00Z", "Charlie", middle_text.replace("closely", "very closely")),
    ]
    corpus = tmp_path / "chain.jsonl"
    corpus.write_text("".join(json.dumps({"id": d.id, "text": d.text, "source": d.source, "published": d.published.text}) + "\n" for d in documents))
    shown = CliRunner().invoke(app, ["show", "1", str(corpus)])
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[1] == "origin: wire" and lines[2].startswith("wire  wire  2016-05-20T08:00:00Z  origin")
    assert lines[3].startswith("└── middle  middle  2016-05-20T12:00:00Z  copy")
    assert lines[4].strip() == "edits: US -> USA; watching -> monitoring"
    assert lines[5].startswith("    └── last  last  2016-05-21T09:00:00Z  copy") and lines[6].strip() == "edits: ∅ -> very"
    missing = CliRunner().invoke(app, ["show", "7", str(corpus)])
    assert missing.exit_code == 2 and "no family 7 (the scan found 1)" in missing.output


PROSE = (
    "Moscow yesterday proposed that Russia and US, which have been flying separate bombing campaigns in Syria, "
    "launch joint air strikes against jihadists from next week, a proposal the Pentagon swiftly rejected."
)


def undated(id, own, passage, tail=""):
    return replace(article(id, "2016-05-20", own, passage + tail), published=None)


def test_undated_order_follows_a_credit_in_the_text():
    documents = [undated("wire", "Alpha", WARREN), replace(undated("blog", "Bravo", WARREN, " The wire reported it first."), source="Blog")]
    documents[0] = replace(documents[0], source="The Wire")
    found = members(scan(documents))
    assert found["blog"].copied_from == "wire" and found["blog"].copied_from_basis == "credit"
    assert found["wire"].copied_from is None


def test_undated_compilation_copied_its_sources_and_no_evidence_means_no_answer():
    first, second = undated("wire", "Alpha", WARREN), undated("agency", "Bravo", PROSE)
    compilation = replace(article("digest", "2016-05-20", "Charlie", f"{WARREN}\n\n{PROSE}"), published=None)
    result = scan([first, second, compilation])
    for family in result.families:
        digest = next(m for m in family.members if m.doc == "digest")
        assert digest.copied_from in ("wire", "agency") and digest.copied_from_basis == "compilation"
        assert all(m.copied_from is None for m in family.members if m.doc != "digest")
    pair = scan([first, undated("other", "Charlie", WARREN)])
    assert all(m.copied_from is None and m.relation == "order-unknown" for f in pair.families for m in f.members)
