"""wordfreq is asked only for languages it has a list for (issue 16, point 10b).

wordfreq has no Latin list: asked for ``la`` it logged "You asked for word frequencies in
language 'la'. Using the nearest match, which is 'it'" to stderr on every ``ragarchive ask`` of
an archive with Latin documents. The OCR expansion now asks for that nearest list itself, so the
spellings it finds are the same and nothing is printed.
"""

from __future__ import annotations

import logging

import pytest

from ragarchive.retrieval.expand import Vocabulary, ocr_variant
from ragarchive.retrieval.query import analyse_question
from ragarchive.text.languages import WORDLIST_LANGUAGES, wordfreq_code

VOCAB = Vocabulary({"regierung": 40, "rcgierung": 3, "negierung": 2, "reqierung": 1,
                    "senatus": 9, "senatvs": 2, "senatns": 1})


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The languages wordfreq is asked for (the real function does the work)."""
    import wordfreq

    calls: list[str] = []
    real = wordfreq.zipf_frequency

    def spy(word: str, lang: str, *args, **kwargs) -> float:  # type: ignore[no-untyped-def]
        calls.append(lang)
        return real(word, lang, *args, **kwargs)

    monkeypatch.setattr(wordfreq, "zipf_frequency", spy)
    return calls


def test_every_wordlist_language_maps_to_a_list_wordfreq_has() -> None:
    from wordfreq import available_languages

    assert {wordfreq_code(x) for x in WORDLIST_LANGUAGES} <= set(available_languages("best"))
    assert wordfreq_code("la") == "it" and wordfreq_code("de") == "de"


def test_a_latin_archive_asks_no_missing_list_and_finds_the_same_spellings(
        asked: list[str], caplog: pytest.LogCaptureFixture) -> None:
    from wordfreq import available_languages

    caplog.set_level(logging.WARNING)
    for question, language in (("Was beschloss die Regierung?", "de"),
                               ("Quid senatus decrevit?", "la")):
        q = analyse_question(question, language)
        latin = ocr_variant(q, VOCAB, [language, "la"])
        asked_for_latin = list(asked)
        italian = ocr_variant(q, VOCAB, [language, "it"])  # wordfreq's nearest list for Latin
        assert asked_for_latin and set(asked_for_latin) <= set(available_languages("best"))
        assert (latin and latin.mapping) == (italian and italian.mapping)
        asked.clear()
    assert not [r for r in caplog.records if "You asked for word frequencies" in r.getMessage()]
