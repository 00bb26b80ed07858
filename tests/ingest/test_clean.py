"""Cleaning of OCR text: characters, hyphenation, garbage, noise, spans, word correction."""

from __future__ import annotations

from collections import Counter

import pytest

from ragarchive.ingest.clean import CleaningOptions, clean_document, clean_string, normalise_chars, tokenize_words
from ragarchive.ingest.lexicon import Lexicon
from ragarchive.types import Block, Document, Line, Word


def _words(text: str, conf: float | None = None) -> Line:
    return Line([Word(t, conf) for t in text.split()])


def _doc(*blocks: Block, language: str | None = "de") -> Document:
    return Document("d1", "x.xml", list(blocks), language=language)


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    archive = Counter(tokenize_words("seyn seyn seyn to-day to-day well-known"))
    return Lexicon.from_counts(archive, ("de", "fr", "en"))


def test_characters_are_normalised() -> None:
    assert normalise_chars("Waſſer ﬁnden Muͤller e\u0301") == "Wasser finden Müller é"


def test_mufi_private_use_letters_are_cleaned_and_kept_raw() -> None:
    # U+EADA long s + descending t, U+EEC5 ct, U+EBA2 long s + i, U+E644 o with e above
    raw = "Chri\ueadaian Da\ueec5us wei\ueba2t G\ue644the"
    doc = _doc(Block([_words(raw)]))
    clean = clean_document(doc)
    assert clean.text == "Christian Dactus weisit Göthe"
    assert clean.raw == raw  # the source's characters stay for display
    assert tokenize_words(raw) == ["Christian", "Dactus", "weisit", "Göthe"]


def test_soft_hyphen_inside_a_line_vanishes() -> None:
    assert clean_string("Zei\u00adtung") == "Zeitung"


@pytest.mark.parametrize("mark", ["-", "¬", "⸗", "=", "\u00ad", "--"])
def test_line_end_break_joins_lowercase_continuation(mark: str) -> None:
    assert clean_string(f"die Versiche{mark}\nrung zahlt") == "die Versicherung zahlt"


def test_broken_compound_keeps_its_hyphen() -> None:
    assert clean_string("nach Nord-\nAmerika") == "nach Nord-Amerika"


def test_dash_at_line_end_is_not_a_hyphen() -> None:
    assert clean_string("Er kam —\nund ging") == "Er kam — und ging"


@pytest.mark.parametrize("mark", ["-", "¬", "⸗", "="])
def test_line_end_hyphen_written_as_its_own_token_joins(mark: str) -> None:
    # OCR exports that tokenise the hyphen ("Men -" / "ſchen") break the word just the same
    assert clean_string(f"die Men {mark}\nſchen zahlen") == "die Menschen zahlen"


def test_hyphen_token_is_joined_before_word_correction(lexicon: Lexicon) -> None:
    assert clean_string("der Unmün -\ndigkeit des Volkes", lexicon, "de") == (
        "der Unmündigkeit des Volkes")


def test_a_dash_token_is_not_hyphenation(lexicon: Lexicon) -> None:
    assert clean_string("Er kam - und ging") == "Er kam - und ging"  # inside a line
    assert clean_string("seine Habe. -\nWenn er") == "seine Habe. - Wenn er"  # after punctuation
    assert clean_string("Er kam -\nDer Mann") == "Er kam - Der Mann"  # a capital follows
    assert clean_string("Er kam --\nund ging") == "Er kam -- und ging"  # a doubled dash
    # both halves are words and together they are none: a dash, when the lexicon can tell
    assert clean_string("Er kam -\nund ging", lexicon, "de") == "Er kam - und ging"


def test_low_confidence_hyphen_token_at_a_line_end_is_kept_for_the_join() -> None:
    first = Line([Word("die", 0.9), Word("Men", 0.9), Word("-", 0.1)])
    second = Line([Word("ſchen", 0.9), Word("~", 0.1)])
    clean = clean_document(_doc(Block([first, second])))
    assert clean.text == "die Menschen"
    assert clean.stats["dehyphenated"] == 1 and clean.stats["noise_words_dropped"] == 1


def test_hyphenated_compound_the_archive_spells_with_hyphen(lexicon: Lexicon) -> None:
    # "wellknown" is no word; the archive writes "well-known" elsewhere: keep the hyphen.
    assert clean_string("a well-\nknown man", lexicon, "en") == "a well-known man"


def test_lines_join_into_paragraphs_and_blocks_stay_apart() -> None:
    assert clean_string("erste Zeile\nzweite Zeile\n\nneuer Absatz") == (
        "erste Zeile zweite Zeile\n\nneuer Absatz"
    )


def test_garbage_lines_are_dropped_numbers_kept() -> None:
    text = "Die Stadt\n■ ■ ,.;' ~~\n— 5 —\nbrennt."
    assert clean_string(text) == "Die Stadt — 5 — brennt."


def test_space_before_comma_and_full_stop_removed() -> None:
    assert clean_string("dahin , daß er kam .") == "dahin, daß er kam."


def test_alto_subs_content_joins_hyphen_parts_across_blocks() -> None:
    first = Block([Line([Word("die", 0.9), Word("Regie-", 0.9, subs_content="Regierung", hyp_part=1)])])
    second = Block([Line([Word("rung", 0.9, subs_content="Regierung", hyp_part=2), Word("hat", 0.9)])])
    clean = clean_document(_doc(first, second))
    assert clean.text == "die Regierung\n\nhat"
    assert clean.stats["hyphenation_joined_alto"] == 1


def test_low_confidence_noise_dropped_low_confidence_words_kept() -> None:
    line = Line([Word("Der", 0.95), Word("~;", 0.1), Word("Rhein", 0.2), Word("'", 0.05),
                 Word("à", 0.2), Word("Bâle", 0.9)])
    clean = clean_document(_doc(Block([line])), options=CleaningOptions(min_word_conf=0.3))
    assert clean.text == "Der Rhein à Bâle"  # a one-letter word is a word, not noise
    assert clean.stats["noise_words_dropped"] == 2


def test_spans_map_blocks_to_cleaned_text_with_their_confidence() -> None:
    a = Block([_words("Erster Block", 0.8)], page=1, box=(1, 2, 3, 4), block_id="b1")
    b = Block([_words("Zweiter", 0.6)], page=2, box=(5, 6, 7, 8), block_id="b2")
    clean = clean_document(_doc(a, b))
    assert [clean.text[s.start:s.end] for s in clean.spans] == ["Erster Block", "Zweiter"]
    assert [(s.page, s.box, s.block_id) for s in clean.spans] == [(1, (1, 2, 3, 4), "b1"), (2, (5, 6, 7, 8), "b2")]
    assert clean.spans[0].conf == pytest.approx(0.8)
    assert clean.mean_conf == pytest.approx((0.8 * 2 + 0.6) / 3)
    assert clean.raw == "Erster Block\n\nZweiter"


def test_word_correction_fixes_ocr_confusions(lexicon: Lexicon) -> None:
    text = "Die Wiffenschaft unb die Kunst sind zufammen gekommen."
    assert clean_string(text, lexicon, "de") == "Die Wissenschaft und die Kunst sind zusammen gekommen."


def test_word_correction_keeps_archive_spellings_names_and_elisions(lexicon: Lexicon) -> None:
    # "seyn" recurs in this archive; "Teutonia" is rare but not one OCR edit from a common word;
    # "Gäst'" is an elision.
    text = "Es muss seyn, sagte Teutonia zum Gäst'."
    assert clean_string(text, lexicon, "de") == text


def test_inline_leftover_hyphenation_joined_but_english_compounds_kept(lexicon: Lexicon) -> None:
    assert clean_string("les com-munes de France", lexicon, "fr") == "les communes de France"
    assert clean_string("the bath-room and to-day", lexicon, "en") == "the bath-room and to-day"


def test_without_lexicon_or_option_words_are_not_corrected(lexicon: Lexicon) -> None:
    doc = _doc(Block([_words("Die Wiffenschaft")]))
    assert clean_document(doc, lexicon, CleaningOptions(correct_words=False)).text == "Die Wiffenschaft"
    assert clean_document(doc, None).text == "Die Wiffenschaft"


def test_language_is_detected_when_not_declared(lexicon: Lexicon) -> None:
    text = "Die Wiffenschaft und die Kunst sind in dieser Stadt immer zusammen gewesen, sagte er."
    doc = Document("d", "x", [Block([_words(text)])], language=None)
    assert "Wissenschaft" in clean_document(doc, lexicon).text


def test_tokenize_words_counts_compounds_and_parts() -> None:
    assert tokenize_words("Nord-Amerika 1858 ſein") == ["Nord-Amerika", "Nord", "Amerika", "sein"]
