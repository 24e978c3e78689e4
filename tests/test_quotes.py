from dataclasses import replace

from provenance import load_corpus, parse_published, scan
from provenance.index import Index
from provenance.check import Policy, check_draft
from provenance.quotes import quotations

from conftest import SAMPLES

DAVIS = "\u201cRussian operations are supporting and enabling the Assad regime and our focus is solely on degrading and defeating ISIL,\u201d Davis said."
PROSE = "Moscow yesterday proposed that Russia and US, which have been flying separate bombing campaigns in Syria, launch joint air strikes against jihadists from next week."


def sample(doc_id):
    return next(d for d in load_corpus(SAMPLES).documents if d.id == doc_id)


def outlet(doc_id, published, opening, body):
    closing = {"first": "Talks resume next week in Geneva.", "second": "Schools stayed shut on Tuesday."}[doc_id]
    return replace(sample("003"), id=doc_id, source=doc_id, text=f"{opening}\n\n{body}\n\n{closing}", published=parse_published(published))


def test_quotations_are_spans_of_speech_credited_to_a_speaker():
    text = sample("003").text
    spans = [text[s:e] for s, e in quotations(text)]
    assert any(q.startswith("\u201cRussian operations are supporting") for q in spans)
    assert quotations('He called it "fine". Nobody else spoke.') == []  # scare quotes, no speaker
    told = 'Rain fell. The minister told reporters: "We will stay." Then he left.'
    assert quotations(told) == [(told.index("The minister"), told.index(" Then"))]
    said = '"We will stay," the minister said on Monday. Then he left.'
    assert quotations(said) == [(0, said.index(" Then"))]


def test_two_outlets_quoting_one_speaker_are_a_shared_quote_not_a_copy():
    first = outlet("first", "2016-05-20T08:00:00Z", "Officials in the capital met on Monday to discuss the budget.", DAVIS)
    second = outlet("second", "2016-05-20T12:00:00Z", "A storm closed several roads in the north overnight, police said.", DAVIS)
    result = scan([first, second])
    (family,) = result.families
    assert family.kind == "shared-quote"
    assert all(r.reused_chars == 0 for r in result.reuse)


def test_copied_prose_around_a_quote_is_copied():
    body = f"{PROSE} {DAVIS}"
    first = outlet("first", "2016-05-20T08:00:00Z", "Officials in the capital met on Monday to discuss the budget.", body)
    second = outlet("second", "2016-05-20T12:00:00Z", "A storm closed several roads in the north overnight, police said.", body)
    result = scan([first, second])
    (family,) = result.families
    assert family.kind == "copied" and {r.doc: r.reused_chars > 0 for r in result.reuse} == {"first": False, "second": True}


def test_a_draft_quoting_the_speaker_the_archive_quotes_does_not_fail(tmp_path):
    draft = replace(sample("003"), id="draft", source=None, text=f"A new story on the talks opens our page today.\n\n{DAVIS}\n\nMore later.", published=parse_published("2026-01-01T00:00:00Z"))
    with Index(tmp_path / "archive.db") as index:
        index.add(load_corpus(SAMPLES).documents)
        report = check_draft(draft, index, Policy())
    assert [p.status for p in report.passages] == ["shared-quote"] and not report.failed
