"""The question as the rest of the pipeline sees it: text, language, content terms, filters and
the expected answer (answer_type.py)."""

from __future__ import annotations

import re

from ragarchive.ask_types import Filters, Query
from ragarchive.text.langid import detect_language
from ragarchive.text.languages import SUPPORTED_LANGUAGES
from ragarchive.text.tokens import QUESTION_WORD, content_terms

from .answer_type import expected_answer

__all__ = ["analyse_question", "content_terms", "question_language"]

_NUMBER = re.compile(r"\b\d[\d.,]*\b")


def analyse_question(text: str, default_language: str, filters: Filters | None = None) -> Query:
    """Language (falling back to ``default_language`` when it cannot tell) and content terms."""
    language, source = question_language(text, default_language)
    return Query(
        text=text.strip(),
        language=language,
        language_source=source,
        terms=content_terms(text),
        numbers=_NUMBER.findall(text),
        filters=filters or Filters(),
        expected=expected_answer(text),
    )


def question_language(text: str, default_language: str) -> tuple[str, str]:
    """langdetect when the question is long enough, else a vote of common words, else default.

    Questions are short; langdetect needs ~40 letters to be trustworthy. Below that, function
    words decide ("wer", "die" → de; "qui", "les" → fr): each word votes for the languages in
    whose word list it is very common.
    """
    guess = detect_language(text, min_letters=40, min_prob=0.85)
    if guess.language in SUPPORTED_LANGUAGES:
        return guess.language, "detected"
    voted = _function_word_vote(text)
    if voted:
        return voted, "words"
    return default_language, "default"


def _function_word_vote(text: str) -> str | None:
    from wordfreq import zipf_frequency

    scores = dict.fromkeys(SUPPORTED_LANGUAGES, 0.0)
    for word in (w.lower() for w in QUESTION_WORD.findall(text)):
        z = {lang: zipf_frequency(word, lang) for lang in SUPPORTED_LANGUAGES}
        best = max(z.values())
        if best < 4.5:  # only frequent words vote: names and rare words say little
            continue
        for lang, value in z.items():
            if value >= best - 0.5:
                scores[lang] += 1.0
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if ranked[0][1] >= 2 and ranked[0][1] > ranked[1][1]:
        return ranked[0][0]
    return None
