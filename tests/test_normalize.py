from provenance.normalize import normalize_word, tokenize


def test_hyphen_variants_are_one_word():
    words = tokenize("a cease-fire, a cease\u2011fire and a ceasefire").words
    assert words.count("ceasefire") == 3


def test_case_quotes_and_compatibility_forms_fold():
    assert normalize_word("Syria\u2019s") == normalize_word("syria's")
    assert normalize_word("\uff21\uff22\uff23") == "abc"  # full-width letters (NFKC)
    assert normalize_word("\ufb01eld") == "field"  # ligature


def test_offsets_slice_the_original_text():
    text = "WASHINGTON \u2013 Russia\u2019s \u201ccease-fire\u201d held.\r\nNext line"
    tokens = tokenize(text)
    assert [text[s:e] for s, e in zip(tokens.starts, tokens.ends)] == [
        "WASHINGTON", "Russia\u2019s", "cease-fire", "held", "Next", "line",
    ]
    assert tokens.char_span(1, 3) == (text.index("Russia"), text.index("\u201d"))


def test_dashes_and_punctuation_separate_words():
    assert tokenize("U.S.-led \u2014 coalition").words == ["u", "s", "led", "coalition"]
