"""The question as the rest of the pipeline sees it: text, language, content terms, filters and
the expected answer (answer_type.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ragarchive.text.langid import detect_language
from ragarchive.text.languages import SUPPORTED_LANGUAGES
from ragarchive.text.stopwords import is_stopword
from ragarchive.text.tokens import QUESTION_WORD

from .answer_type import ExpectedAnswer, expected_answer

_NUMBER = re.compile(r"\b\d[\d.,]*\b")
_INVERSION = re.compile(r"(?:-t)?-(?:il|elle|ils|elles|on|je|tu|nous|vous|ce)$")


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval: ISO dates compared as prefixes (``1870`` ≤ ``1870-05-02``)."""

    date_from: str | None = None
    date_to: str | None = None
    newspaper: str | None = None  # case-insensitive substring of the newspaper title
    language: str | None = None
    # documents held out of the candidates (calibration builds unanswerable questions this way)
    exclude_documents: tuple[str, ...] = ()
    # sentences hidden from the reader, not from retrieval (calibration's synthetic near-misses:
    # the topic is found, the sentence with the asked fact is not there to read)
    hide_sentences: tuple[str, ...] = ()

    def active(self) -> bool:
        return any((self.date_from, self.date_to, self.newspaper, self.language, self.exclude_documents))

    def to_json(self) -> dict[str, str | None]:
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "newspaper": self.newspaper,
            "language": self.language,
        }


@dataclass
class Query:
    text: str
    language: str
    language_source: str  # "detected", "words" or "default"
    terms: list[str]  # content words, lower-case, in question order
    numbers: list[str]
    filters: Filters = field(default_factory=Filters)
    expected: ExpectedAnswer = field(default_factory=ExpectedAnswer)  # what kind of answer it asks for


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


def content_terms(text: str) -> list[str]:
    """Words that carry meaning: not function words of de/fr/en, at least 3 letters."""
    seen: dict[str, None] = {}
    for word in QUESTION_WORD.findall(text):
        w = word.lower().strip("'’-")
        w = re.sub(r"^(?:l|d|qu|j|n|s|c)['’]", "", w)  # French elision: l'église → église
        w = _INVERSION.sub("", w)  # French inversion: a-t-elle → a, brûla-t-il → brûla
        if len(w) >= 3 and not is_stopword(w):
            seen.setdefault(w, None)
    return list(seen)
