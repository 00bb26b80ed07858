"""Question analysis: language with a fallback, content terms, filters."""

from __future__ import annotations

from ragarchive.retrieval.query import Filters, analyse_question, content_terms


def test_long_questions_are_detected_by_langdetect() -> None:
    q = analyse_question("Wann wurde die neue Brücke über den Fluss feierlich eröffnet?", "en")
    assert (q.language, q.language_source) == ("de", "detected")


def test_short_questions_fall_back_to_function_words() -> None:
    q = analyse_question("Qui a gagné la course?", "en")
    assert (q.language, q.language_source) == ("fr", "words")


def test_questions_without_clues_take_the_default_language() -> None:
    q = analyse_question("Valmarbe 1868?", "de")
    assert (q.language, q.language_source) == ("de", "default")


def test_content_terms_drop_question_and_function_words_and_elisions() -> None:
    assert content_terms("Quand l'église de Valmarbe a-t-elle brûlé?") == [
        "église", "valmarbe", "brûlé",
    ]
    assert content_terms("Who opened the railway in 1868?") == ["opened", "railway"]


def test_filters_report_whether_they_restrict_anything() -> None:
    assert not Filters().active()
    assert Filters(language="fr").active()
    assert Filters(date_from="1870").to_json()["date_from"] == "1870"
