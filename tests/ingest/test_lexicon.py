"""Word-level OCR correction against wordfreq and the archive's own counts (real word lists)."""

from __future__ import annotations

from collections import Counter

import pytest

from ragarchive.ingest.lexicon import Lexicon


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    archive = Counter({"seyn": 5, "sein": 20, "ünd": 4, "und": 900})
    return Lexicon.from_counts(archive, ("de", "en"))


@pytest.mark.parametrize(
    ("word", "language", "expected"),
    [
        ("zufammen", "de", "zusammen"),  # long s read as f
        ("Meuschen", "de", "Menschen"),  # n read as u, capital kept
        ("tlie", "en", "the"),  # h read as li
        ("ünd", "de", "und"),  # recurs in the archive, but "und" is far more frequent there
    ],
)
def test_corrects_ocr_confusions(lexicon: Lexicon, word: str, language: str, expected: str) -> None:
    assert lexicon.correct(word, language) == expected


@pytest.mark.parametrize(
    ("word", "language"),
    [
        ("Haus", "de"),  # a common word is never changed
        ("seyn", "de"),  # the archive's own spelling
        ("Xylander", "de"),  # rare, but no OCR-typical edit from a common word
        ("UNB", "de"),  # capitals: too little to go on
        ("zufammen", "fr"),  # no word list for this language: leave it
        ("ab", "de"),  # too short
    ],
)
def test_leaves_words_alone(lexicon: Lexicon, word: str, language: str) -> None:
    assert lexicon.correct(word, language) is None


def test_known_uses_word_list_and_archive(lexicon: Lexicon) -> None:
    assert lexicon.known("Haus", "de") and lexicon.known("seyn", "de")
    assert not lexicon.known("zufammen", "de")
    assert lexicon.languages == ("de", "en")
