"""Chinese, Japanese and Thai: letters are tokens, thresholds count them as part words, on real
prose from Debian's translated manuals and the Thai Emacs tutorial."""

import json
import re
import sqlite3
from dataclasses import replace

import pytest
from conftest import SAMPLES, prose_unavailable

from provenance import scan
from provenance.corpus import Document
from provenance.debian_prose import ProseUnavailable
from provenance.evaluate import detections, score_by_level
from provenance.index import Index, IndexFileError
from provenance.noisy_benchmark import SCRIPTS, make_script_benchmark, script_sentences
from provenance.normalize import tokenize, word_count
from provenance.scan import text_model_params


def _prose(script):
    try:
        return script, script_sentences(script)
    except ProseUnavailable as error:
        prose_unavailable(script, error)


@pytest.fixture(scope="module", params=SCRIPTS)
def prose(request):
    return _prose(request.param)


@pytest.fixture(scope="module", params=["zh", "ja"])
def prose_with_full_stops(request):
    """Chinese and Japanese: the Thai tutorial ends its sentences with a space."""
    return _prose(request.param)


@pytest.fixture(params=["words", "chars"])
def params(request):
    """Either text model: in both, thresholds in words hold for each script."""
    return text_model_params(request.param)


def joined(script, sentences):
    return (" " if script == "th" else "").join(sentences)


def test_letters_of_unspaced_scripts_are_tokens_and_slice_back():
    text = "東京都は５日、Pfizer社の「ワクチン」を発表した。ภาษาไทย cease-fire"
    tokens = tokenize(text)
    assert tokens.words[:4] == ["東", "京", "都", "は"]
    assert "pfizer" in tokens.words and "ceasefire" in tokens.words and "5" in tokens.words
    assert ["ภ", "า", "ษ", "า", "ไ", "ท", "ย"] == tokens.words[-8:-1]
    thai = tokenize("สวัสดี")
    assert thai.words == ["ส", "วั", "ส", "ดี"]  # a vowel sign stays on its letter
    for word, start, end in zip(tokens.words, tokens.starts, tokens.ends):
        assert tokenize(text[start:end]).words == [word]


def test_letters_of_unspaced_scripts_count_as_part_words():
    def words(text):
        tokens = tokenize(text)
        return word_count(tokens).of(0, len(tokens))

    assert words("The minister said the talks would resume.") == 7
    assert words("東京都は新しい計画を発表した") == 7  # 14 letters at half a word
    assert words("การประชุมจะเริ่มขึ้นในวันพรุ่งนี้") == pytest.approx(0.4 * len(tokenize("การประชุมจะเริ่มขึ้นในวันพรุ่งนี้")))
    assert words("The slogan 天下为公 twice") == 5  # 3 words, 4 letters
    assert tokenize("ｶﾞｲﾄﾞ").words == tokenize("ガイド").words == ["ガ", "イ", "ド"]
    assert tokenize("พ.ศ. ๒๕๖๓").words[-1] == "๒๕๖๓"  # digits are a number, as 2563 is


def english_sentences():
    text = next(SAMPLES.glob("001_*.txt")).read_text(encoding="utf-8")
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 16]


def test_thresholds_hold_for_the_passages_own_script(prose, params):
    script, sentences = prose
    english = english_sentences()
    # An English sentence quoted in an article in the script is a passage as it is between English texts.
    quote = english[0]
    documents = [
        Document("script", joined(script, sentences[0:8]) + " " + quote + " " + joined(script, sentences[8:16]), published=None, source="A"),
        Document("english", " ".join(english[1:4]) + " " + quote + " " + " ".join(english[4:7]), published=None, source="B"),
    ]
    [family] = scan(documents, params).families
    assert {documents[0].text[m.start : m.end] for m in family.members if m.doc == "script"} == {quote}
    # A phrase of the script quoted in two English texts is no more a passage than between texts in it.
    phrase = next(s for s in sentences[20:] if len(s) >= 14)[:14]
    documents = [
        Document("a", " ".join(english[0:3]) + " " + phrase + " " + " ".join(english[3:5]), published=None, source="A"),
        Document("b", " ".join(english[5:8]) + " " + phrase + " " + " ".join(english[8:10]), published=None, source="B"),
    ]
    assert scan(documents, params).families == []


def test_a_sentence_copied_between_real_texts_is_found_with_exact_spans(prose, params):
    script, sentences = prose
    origin_text, copy_text = joined(script, sentences[0:8]), joined(script, sentences[8:14])
    lifted = joined(script, sentences[3:5])
    copy_text = copy_text[: len(copy_text) // 2] + lifted + copy_text[len(copy_text) // 2 :]
    documents = [
        Document("origin", origin_text, published=None, source="A"),
        Document("copy", copy_text, published=None, source="B"),
    ]
    result = scan(documents, params)
    assert len(result.families) == 1
    texts = {d.id: d.text for d in documents}
    spans = {m.doc: texts[m.doc][m.start : m.end] for m in result.families[0].members}
    assert spans["copy"].strip() == lifted.strip() == spans["origin"].strip()


def test_a_short_shared_phrase_is_not_a_copy(prose, params):
    script, sentences = prose
    # Fourteen letters: a passage's worth in words, a phrase in these scripts.
    phrase = next(s for s in sentences[20:] if len(s) >= 14)[:14]
    documents = [
        Document("a", joined(script, sentences[0:6]) + phrase + joined(script, sentences[6:10]), published=None, source="A"),
        Document("b", joined(script, sentences[10:16]) + phrase + joined(script, sentences[16:20]), published=None, source="B"),
    ]
    assert scan(documents, params).families == []


def heavily_edited(script, text):
    """One letter in eight changed to another of the script's, the way a rewrite changes a word
    here and there: no run of five words is left, and every letter stays where it was."""
    others = {"zh": "的是", "ja": "のを", "th": "กข"}[script]
    letters = iter(range(len(text)))
    return "".join(others[c == others[0]] if c.isalpha() and next(letters) % 8 == 4 else c for c in text)


def test_a_heavy_rewrite_is_found_by_its_many_short_runs(prose):
    script, sentences = prose
    lifted = joined(script, sentences[3:6])
    rewritten = heavily_edited(script, lifted)
    copy_text = joined(script, sentences[10:13]) + " " + rewritten + " " + joined(script, sentences[13:16])
    documents = [
        Document("origin", joined(script, sentences[0:8]), published=None, source="A"),
        Document("copy", copy_text, published=None, source="B"),
    ]
    params = text_model_params("auto")
    [family] = scan(documents, params).families
    [member] = [m for m in family.members if m.doc == "copy"]
    at = copy_text.index(rewritten)
    assert min(member.end, at + len(rewritten)) - max(member.start, at) >= 0.9 * len(rewritten)
    # Runs of two words along the chain are what make it a passage: none is of five.
    demanding = replace(params, align=replace(params.align, min_kept_run=5.0))
    assert scan(documents, demanding).families == []
    # Read by letters, it must be more alike than words must.
    alike = member.similarity
    assert alike < 1.0
    stricter = replace(params, align=replace(params.align, min_letter_similarity=alike + 0.01))
    assert scan(documents, stricter).families == []


def test_a_copy_garbled_for_a_few_letters_running_is_one_passage(prose):
    """24 letters running changed in the middle of a lifted paragraph break its chain of shared
    shingles in two; the halves, as far apart in both texts, are one passage. A sentence of the
    copy's own put between two lifted ones is not taken in."""
    script, sentences = prose
    origin = Document("origin", joined(script, sentences[0:8]), published=None, source="A")
    lifted = joined(script, sentences[3:7])
    middle = len(lifted) // 2
    others = {"zh": "的是", "ja": "のを", "th": "กข"}[script]
    garbled = lifted[:middle] + "".join(others[c == others[0]] if c.isalpha() else c for c in lifted[middle : middle + 24]) + lifted[middle + 24 :]
    copy_text = joined(script, sentences[10:13]) + " " + garbled + " " + joined(script, sentences[13:16])
    params = text_model_params("auto")
    [family] = scan([origin, Document("copy", copy_text, published=None, source="B")], params).families
    [member] = [m for m in family.members if m.doc == "copy"]
    at = copy_text.index(garbled)
    assert member.start <= at + middle and member.end >= at + middle + 24
    assert min(member.end, at + len(garbled)) - max(member.start, at) >= 0.9 * len(garbled)

    # Tokens more than a chain may gain on one side twice over, fewer than two gaps of a chain.
    own = next(s for s in sentences[20:] if 2 * params.align.max_drift < len(tokenize(s).words) <= 2 * params.align.max_gap)
    stitched = joined(script, [joined(script, sentences[10:13]), joined(script, sentences[3:5]), own, joined(script, sentences[5:7])])
    members = [m for f in scan([origin, Document("copy", stitched, published=None, source="B")], params).families for m in f.members if m.doc == "copy"]
    inserted = stitched.index(own)
    assert len(members) == 2 and not any(m.start <= inserted and inserted + len(own) <= m.end for m in members)


def test_letters_that_end_two_sentences_alike_are_not_part_of_the_copy(prose_with_full_stops, params):
    """Before a lifted paragraph, each text has a sentence of its own, the two ending in the same
    three letters (Japanese sentences end alike, Chinese ones in common words): the passage starts
    where the lifted text does, not three letters before it."""
    script, sentences = prose_with_full_stops
    alike = {}
    for sentence in sentences[20:]:
        if sentence.endswith("。") and len(sentence) > 12 and sentence[-4:-1].isalpha():
            alike.setdefault(sentence[-4:], []).append(sentence)
    before_origin, before_copy = next(pair for pair in alike.values() if len(pair) > 1 and pair[0][-5] != pair[1][-5])[:2]
    lifted = joined(script, sentences[3:7])
    origin = Document("origin", joined(script, sentences[0:2]) + before_origin + lifted + joined(script, sentences[8:10]), published=None, source="A")
    copy_text = joined(script, sentences[10:12]) + before_copy + lifted + joined(script, sentences[13:15])
    [family] = scan([origin, Document("copy", copy_text, published=None, source="B")], params).families
    starts = {m.doc: m.start for m in family.members}
    assert starts == {"origin": origin.text.index(lifted), "copy": copy_text.index(lifted)}


def test_letters_that_begin_two_sentences_alike_are_not_part_of_the_copy_but_a_short_sentence_is(prose_with_full_stops, params):
    """After a lifted paragraph, each text goes on with a sentence of its own, the two beginning
    with the same three letters: the passage ends where the lifted text does. A sentence of five
    letters that opens or closes the lifted text is part of it, short as it is."""
    script, sentences = prose_with_full_stops
    alike = {}
    for sentence in sentences[20:]:
        if len(sentence) > 12 and sentence[:3].isalpha():
            alike.setdefault(sentence[:3], []).append(sentence)
    after_origin, after_copy = next(pair for pair in alike.values() if len(pair) > 1 and pair[0][3] != pair[1][3])[:2]
    short = sentences[30][:5] + "。"
    lifted = short + joined(script, sentences[3:7])
    origin = Document("origin", joined(script, sentences[0:2]) + lifted + after_origin, published=None, source="A")
    copy_text = joined(script, sentences[10:12]) + lifted + after_copy
    [family] = scan([origin, Document("copy", copy_text, published=None, source="B")], params).families
    spans = {m.doc: (m.start, m.end) for m in family.members}
    at_origin, at_copy = origin.text.index(lifted), copy_text.index(lifted)
    assert spans == {"origin": (at_origin, at_origin + len(lifted)), "copy": (at_copy, at_copy + len(lifted))}

    # Nor is one that closes it, followed by sentences that share nothing.
    lifted = joined(script, sentences[3:7]) + sentences[31][:5] + "。"
    origin = Document("origin", joined(script, sentences[0:2]) + lifted + joined(script, sentences[8:10]), published=None, source="A")
    copy_text = joined(script, sentences[10:12]) + lifted + joined(script, sentences[13:15])
    [family] = scan([origin, Document("copy", copy_text, published=None, source="B")], params).families
    ends = {m.doc: m.end for m in family.members}
    assert ends == {"origin": origin.text.index(lifted) + len(lifted), "copy": copy_text.index(lifted) + len(lifted)}


def test_planted_reuse_in_each_script_is_found_precisely(prose):
    script, _ = prose
    bench = make_script_benchmark(script, seed=2, split="dev")
    overall = score_by_level(bench.cases, detections(scan(bench.documents)))["overall"]
    assert overall.precision >= 0.9
    assert overall.recall >= {"zh": 0.8, "ja": 0.8, "th": 0.6}[script]


def test_an_index_built_before_letters_were_tokens_is_refused(tmp_path):
    older = tmp_path / "older.db"
    Index(older).close()
    with sqlite3.connect(older) as connection:
        params = json.loads(connection.execute("SELECT value FROM meta WHERE name = 'params'").fetchone()[0])
        del params["tokens"]
        connection.execute("UPDATE meta SET value = ? WHERE name = 'params'", (json.dumps(params),))
    with pytest.raises(IndexFileError, match="older.db: built with tokens 'words', this version makes 'words\\+unspaced-letters\\+joined-line-ends'"):
        Index(older, create=False)


def test_a_chance_piece_leaves_the_closing_mark_or_space_after_its_stop_with_it():
    """Chinese quotes close after the stop ("好吧。”"): the trimmed passage starts on a letter."""
    from provenance.align import _without_chance_ends

    for after_stop in ("”", "\n", " ", ""):
        text = "前面的句子说好吧。" + after_stop + "然后我们走了很远的路才到家。"
        start, end = _without_chance_ends(text, text.index("说"), text.index("家") + 1)
        assert text[start:end] == "然后我们走了很远的路才到家"
