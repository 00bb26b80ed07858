"""The word tokenisers differ on purpose: each keeps what its users need (ragarchive/text/tokens.py)."""

from __future__ import annotations

from ragarchive.text.tokens import (
    LETTER_RUN,
    LEXICON_TOKEN,
    QUESTION_WORD,
    SPAN_WORD,
    VOCABULARY_WORD,
    trigrams,
    word_counts,
)

TEXT = "l'église a-t-elle Smith's Nord-Amerika 1870 3e x"


def test_each_tokeniser_cuts_the_same_text_its_own_way() -> None:
    assert LETTER_RUN.findall(TEXT) == ["l", "église", "a", "t", "elle", "Smith", "s", "Nord", "Amerika", "e", "x"]
    assert QUESTION_WORD.findall(TEXT) == ["l'église", "a-t-elle", "Smith's", "Nord-Amerika", "e", "x"]
    assert SPAN_WORD.findall(TEXT) == ["l'église", "a", "t", "elle", "Smith's", "Nord", "Amerika", "e", "x"]
    assert LEXICON_TOKEN.findall(TEXT) == ["l", "église", "a-t-elle", "Smith", "s", "Nord-Amerika", "1870", "3e", "x"]
    assert VOCABULARY_WORD.findall(TEXT) == ["église", "elle", "Smith", "Nord", "Amerika"]


def test_the_vocabulary_counts_lower_cased_words_of_two_letters_or_more() -> None:
    assert word_counts(["Die Stadt, die Stadt!", "a 1870 Stadt"]) == {"die": 2, "stadt": 3}
    assert trigrams("Stadt") == ["Sta", "tad", "adt"] and trigrams("an") == []
