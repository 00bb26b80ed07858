"""Sentences and reading units of OCR'd text and of answers (ragarchive/text/sentences.py)."""

from __future__ import annotations

from ragarchive.text.sentences import split_sentences, unit_bounds


def test_sentences_split_at_full_stops_but_not_at_abbreviations_ordinals_or_inside_quotes() -> None:
    text = ('Am 15. September sprach Mr. Smith [1]. According to X (1868, p. 2): '
            '"It opened. Then it closed." [2] Fin.')
    assert split_sentences(text) == [
        "Am 15. September sprach Mr. Smith [1].",
        'According to X (1868, p. 2): "It opened. Then it closed." [2]',
        "Fin.",
    ]


def test_unpunctuated_ocr_is_read_in_bounded_windows() -> None:
    run = ("the council met on tuesday and the mayor said\nthat the new bridge would cost a great deal and\n"
           "that the tolls would be raised which the members\nopposed the debate lasted three hours and the\n"
           "vote was taken at midnight when the motion\nwas carried by twelve votes to four and the\n") * 3
    bounds = unit_bounds(run)
    assert len(bounds) >= 3 and all(b - a <= 320 for a, b in bounds)
    assert "".join(run[a:b] for a, b in bounds).replace("\n", "") in run.replace("\n", "")
