"""Sentence splitting and reading units (ragarchive/text/sentences.py, formerly
ragarchive/answering/sentences.py): the cases tests/text/test_sentences.py leaves out."""

from __future__ import annotations

import pytest

from ragarchive.text.sentences import MAX_UNIT_CHARS, split_sentences, split_units, unit_bounds


@pytest.mark.parametrize("text, expected", [
    ("Really? Yes! Well… Then it rained.", ["Really?", "Yes!", "Well…", "Then it rained."]),
    # a year ends a sentence; a day or chapter number does not
    ("Er kam im Jahre 1852. Dann ging er.", ["Er kam im Jahre 1852.", "Dann ging er."]),
    ("Am 3. Juni kam er.", ["Am 3. Juni kam er."]),
    # initials and listed abbreviations, in any case
    ("J. Smith and Mme. Roux came. Rev. Hale spoke.", ["J. Smith and Mme. Roux came.", "Rev. Hale spoke."]),
    # a full stop before a lower-case word is no sentence end (OCR, quoted speech)
    ("He said no. and then he left.", ["He said no. and then he left."]),
    # a sentence may start with a digit, a quote or a bracket
    ("It rained. 1200 men came. «Vive le roi!» cried one. (Applause.) Fin.",
     ["It rained.", "1200 men came.", "«Vive le roi!» cried one.", "(Applause.)", "Fin."]),
    # citations and closing brackets stay with their sentence
    ("It cost 5 francs. [1] [2] The band played (all night.) Next.",
     ["It cost 5 francs. [1] [2]", "The band played (all night.)", "Next."]),
    # a quotation protects its inner full stops, and ends a sentence where it closes
    ('He said "It opened. Then it closed." Then he left.', ['He said "It opened. Then it closed."', "Then he left."]),
    ("", []),
    ("  \n\t ", []),
])
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_split_sentences_collapses_whitespace_and_line_breaks() -> None:
    assert split_sentences("  The  bridge\nwas\r\n opened.\n\nIt  rained. ") == ["The bridge was opened.", "It rained."]


def test_unit_bounds_are_offsets_into_the_original_text() -> None:
    text = "  The bridge\nwas opened.   It rained\n all day.  "
    bounds = unit_bounds(text)
    assert [text[a:b] for a, b in bounds] == ["The bridge\nwas opened.", "It rained\n all day."]
    assert split_units(text) == ["The bridge was opened.", "It rained all day."]
    assert unit_bounds("") == [] and split_units("   ") == []


def test_short_sentences_are_their_own_units() -> None:
    text = "First sentence here. Second one there."
    assert unit_bounds(text) == [(0, 20), (21, len(text))]
    assert MAX_UNIT_CHARS == 320


@pytest.mark.parametrize("text, expected", [
    # only a line break in reach: the window ends there
    ("aaaa bbbb cccc\ndddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm",
     ["aaaa bbbb cccc", "dddd eeee ffff gggg hhhh iiii jjjj kkkk", "llll mmmm"]),
    # else after a comma, semicolon or colon (the mark stays in the first window)
    ("aaaa bbbb cccc dddd eeee; ffff gggg hhhh iiii jjjj kkkk llll mmmm",
     ["aaaa bbbb cccc dddd eeee;", "ffff gggg hhhh iiii jjjj kkkk llll mmmm"]),
    # else between words
    ("aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm",
     ["aaaa bbbb cccc dddd eeee ffff gggg hhhh", "iiii jjjj kkkk llll mmmm"]),
])
def test_a_long_sentence_is_cut_into_windows(text: str, expected: list[str]) -> None:
    bounds = unit_bounds(text, max_chars=40)
    assert [text[a:b] for a, b in bounds] == expected
    assert all(b - a <= 40 for a, b in bounds)


def test_a_cut_before_the_first_third_of_the_window_is_not_taken() -> None:
    # the comma at 4 is too early (a window of 5 characters): the cut falls at the last space
    # before the 40th character instead
    text = "aaaa, bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk"
    assert [text[a:b] for a, b in unit_bounds(text, max_chars=40)] == [
        "aaaa, bbbb cccc dddd eeee ffff gggg", "hhhh iiii jjjj kkkk"]


def test_windows_cover_the_sentence_in_order() -> None:
    text = "Intro. Item " + ", ".join(f"item {i} of the long unpunctuated list" for i in range(40)) + " end."
    bounds = unit_bounds(text)
    assert bounds[0] == (0, 6)
    assert all(a < b <= c for (a, b), (c, _) in zip(bounds, bounds[1:]))
    assert "".join(text[a:b] for a, b in bounds).replace(" ", "") == text.replace(" ", "")
    assert all(b - a <= MAX_UNIT_CHARS for a, b in bounds)


def test_a_run_without_spaces_is_cut_hard_at_max_chars() -> None:
    bounds = unit_bounds("x" * 100, max_chars=40)
    assert [b - a for a, b in bounds] == [40, 40, 20]
