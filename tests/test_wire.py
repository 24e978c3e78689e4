"""Wire copy, credits that name outlets, and lineage from shared edits, on the samples' real text and
on stories built from it."""

from dataclasses import replace

from provenance import load_corpus, parse_published, scan
from provenance.check import Policy, check_draft, load_drafts
from provenance.index import Index
from provenance.outlets import shipped
from provenance.pages import extract_page
from provenance.wire_benchmark import make_wire_benchmark, score_lineage

from conftest import SAMPLES

# Three paragraphs of the AFP story in the samples (003), as an agency's story the corpus lacks.
STORY = [
    "Moscow yesterday proposed that Russia and US, which have been flying separate bombing campaigns in Syria, launch joint air strikes against jihadists from next week, a proposal the Pentagon swiftly rejected.",
    "Shoigu said that the proposal included strikes against Jabhat al-Nusra and other illegal armed groups that do not support a frail truce brokered by Moscow and Washington in February.",
    "Hours later Pentagon spokesman Navy Captain Jeff Davis rejected Moscow's proposal, saying the US military does not collaborate or co-ordinate with the Russians on any operations in Syria.",
    "Davis added that the Pentagon had received nothing formal from its Russian counterpart regarding the proposal, and that talks between the two militaries were limited to flight safety.",
    "Russia and the United States pledged earlier this month to redouble efforts to find a solution to the Syrian conflict, which has killed more than 270,000 people and displaced millions since 2011.",
    "Despite diplomatic efforts to resolve the five-year conflict, Moscow and Washington have been critical of each other's bombing campaigns in Syria, each accusing the other of striking the wrong targets.",
]
OWN = {
    "Alpha": "Officials in the capital met on Monday to discuss the budget for schools and hospitals.",
    "Bravo": "A storm closed several roads in the north overnight, police told reporters.",
    "Charlie": "The football club named a new coach after a difficult season in the league.",
    "Delta": "Farmers reported an early harvest thanks to a warm and wet spring.",
}


def doc(id, published, text, source=None):
    return replace(load_corpus(SAMPLES).documents[0], id=id, text=text, source=source or id, published=parse_published(published), url=None)


def carried(replacements=(), drop=None):
    lines = [line for i, line in enumerate(STORY) if i != drop]
    text = " ".join(lines)
    for old, new in replacements:
        text = text.replace(old, new, 1)
    return text


def family_of(result, doc_id):
    return max((f for f in result.families if any(m.doc == doc_id for m in f.members)), key=lambda f: len(f.members))


def member(family, doc_id):
    return next(m for m in family.members if m.doc == doc_id)


def test_carriers_of_a_credited_wire_story_are_the_agency_s_copies_and_a_blog_names_the_carrier_it_lifted():
    documents = [
        doc("first", "2016-05-20T08:00:00Z", "MOSCOW (AFP) - " + carried([("swiftly", "quickly")], drop=4), "Gulf Times"),
        doc("second", "2016-05-20T09:00:00Z", "By Agence France-Presse\n\n" + carried([("redouble", "double"), ("critical", "scathing")], drop=1)),
        doc("third", "2016-05-20T10:00:00Z", carried([("limited to", "confined to")], drop=3)),
        doc("blog", "2016-05-21T09:00:00Z", OWN["Delta"] + " " + " ".join(carried([("redouble", "double"), ("critical", "scathing")], drop=1).split(". ")[2:4]) + ". " + OWN["Charlie"]),
    ]
    result = scan(documents)
    family = family_of(result, "first")
    assert family.wire is not None and family.wire.agency == "AFP" and family.wire.name == "Agence France-Presse"
    assert family.wire.credited_by == ["first", "second"]
    for carrier in ("second", "third"):  # each lacks the others' own changes: none copied another carrier
        m = member(family, carrier)
        assert m.copied_from is None and m.copied_from_wire == "AFP"
    assert member(family, "second").copied_from_basis == "credit"
    blog = member(family_of(result, "blog"), "blog")
    assert blog.copied_from == "second" and blog.copied_from_basis == "edits"  # it kept "double" and "scathing"


def test_a_copy_of_a_copy_with_the_middle_s_own_edits_names_the_middle_and_dates_only_rule_out():
    middle = carried([("swiftly", "quickly"), ("redouble", "double")])
    documents = [
        doc("origin", "2016-05-20T08:00:00Z", OWN["Alpha"] + " " + carried()),
        doc("middle", "2016-05-20T12:00:00Z", OWN["Bravo"] + " " + middle),
        doc("last", "2016-05-21T09:00:00Z", OWN["Charlie"] + " " + middle.replace("critical", "scathing")),
        doc("other", "2016-05-22T09:00:00Z", OWN["Delta"] + " " + carried([("swiftly", "quickly"), ("critical", "scathing")])),
    ]
    family = family_of(scan(documents), "origin")
    assert family.wire is None
    assert (member(family, "middle").copied_from, member(family, "middle").copied_from_basis) == ("origin", "dates")
    assert (member(family, "last").copied_from, member(family, "last").copied_from_basis) == ("middle", "edits")
    # "other" shares one change with middle and one with last, and lacks the rest of each: it copied the origin.
    assert (member(family, "other").copied_from, member(family, "other").copied_from_basis) == ("origin", "edits")


def test_the_samples_stimulus_line_names_the_associated_press_upstream_through_000():
    result = scan(load_corpus(SAMPLES).documents)
    (family,) = [f for f in result.families if any("stimulus" in result.documents[0].text[m.start : m.end] for m in f.members if m.doc == "000")]
    assert (family.wire.agency, family.wire.name, family.wire.credited_by) == ("AP", "Associated Press", ["000"])
    hot_air = member(family, "001")
    assert hot_air.copied_from is None and hot_air.copied_from_wire == "AP" and hot_air.copied_from_candidates == ["000"]


def test_a_link_to_the_origin_s_site_near_the_passage_credits_it():
    stripes = (SAMPLES / "000_c02b9bcadfbfddb0.txt").read_text(encoding="utf-8")
    quoted = stripes.split("\n\n")[0]
    html = (
        "<html><head><title>Russia in Syria</title></head><body><article>"
        f"<p>{OWN['Alpha']} Here is <a href='https://www.stripes.com/news/russia-syria'>how one paper</a> put it:</p>"
        f"<blockquote><p>{quoted}</p></blockquote><p>{OWN['Bravo']} {OWN['Charlie']}</p></article></body></html>"
    )
    page = extract_page(html, "https://hotair.com/2016/03/15/russia")
    (link,) = page.links
    assert page.text[link.start : link.end] == "how one paper" and "stripes.com" in link.url
    assert shipped().by_url(link.url).name == "Stars and Stripes"
    documents = load_corpus(SAMPLES).documents
    post = replace(documents[1], id="post", text=page.text, links=page.links, source="Hot Air Blog")
    copy = member(family_of(scan([documents[0], post]), "post"), "post")
    assert copy.credited == ["Stars and Stripes"] and copy.credit == "credited"


def test_check_allows_a_draft_carrying_wire_copy_whether_or_not_it_credits_the_agency(tmp_path):
    archive = [
        doc("ap-one", "2016-05-20T08:00:00Z", "MOSCOW (AP) - " + carried(drop=4), "Daily Herald"),
        doc("ap-two", "2016-05-20T09:00:00Z", "By The Associated Press\n\n" + carried(drop=1), "Evening Star"),
    ]
    with Index(tmp_path / "archive.db") as index:
        index.add(archive)
    (tmp_path / "draft.txt").write_text(OWN["Delta"] + "\n\n" + carried() + "\n", encoding="utf-8")
    (tmp_path / "credited.txt").write_text(OWN["Delta"] + " (AP)\n\n" + carried() + "\n", encoding="utf-8")
    with Index(tmp_path / "archive.db", create=False) as index:
        for name in ("draft.txt", "credited.txt"):
            (draft,) = load_drafts([tmp_path / name])
            allowed = check_draft(draft, index, Policy(allow=("Associated Press",)))
            assert not allowed.failed and {p.status for p in allowed.passages} == {"allowed"}
            assert {p.wire for p in allowed.passages} == {"AP"}
        (draft,) = load_drafts([tmp_path / "draft.txt"])
        assert check_draft(draft, index).failed  # without the licence, uncredited AP copy fails


def test_the_lineage_benchmark_scores_on_real_prose():
    bench = make_wire_benchmark(seed=3, split="dev", stories=8, chains=4)
    scores = score_lineage(scan(bench.documents), bench.cases)
    assert scores.carriers >= 16 and scores.lifts >= 4 and scores.chains == 4 and scores.wire_families >= 6
    assert scores.carriers_found >= 0.9
    assert scores.carriers_not_said_copied >= 0.9 and scores.wire_families_naming_agency >= 0.9
    assert scores.lifts_naming_carrier >= 0.75 and scores.chains_right >= 0.75


def test_tables_and_the_html_report_name_the_agency_upstream():
    from provenance.html_report import to_html
    from provenance.report import render_tables

    result = scan(load_corpus(SAMPLES).documents)
    tables = render_tables(result)
    assert "AP (wire), first in 000" in tables and "AFP (wire), first in 003" in tables
    assert "AP (wire), first in 000" in to_html(result)


def test_a_tag_is_an_agency_s_name_alone_and_a_punctuation_source_names_nobody():
    registry = shipped().with_sources([("-", None), ("  ", None)])
    from provenance.credit import cue_credits

    assert [c.name for c in cue_credits("WASHINGTON (AP) - Sen. Casey (D-PA) said on Monday.", registry)] == ["AP"]
    assert registry.resolve("LONDON - the minister") is None and registry.names_of("-") == set()


def test_a_registry_sent_to_a_worker_resolves_as_it_did_and_carries_only_the_corpus_outlets():
    import pickle

    registry = shipped().with_sources([("Hot Air", "https://hotair.com/a"), ("Gulf Times (AFP)", "https://www.gulf-times.com/b")])
    sent = pickle.dumps(registry)
    received = pickle.loads(sent)
    assert len(sent) < len(pickle.dumps(shipped().outlets)) / 10 and received.parent is shipped()
    for phrase in ("Hot Air reported", "hotair.com", "this AFP report", "the Associated Press said"):
        assert received.resolve(phrase) == registry.resolve(phrase)
    assert received.by_url("https://hotair.com/2024/x") == registry.by_url("https://hotair.com/2024/x") is not None
    assert pickle.loads(sent) is received  # a registry received again is not compiled again
