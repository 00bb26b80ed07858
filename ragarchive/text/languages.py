"""The languages the archive is built for, and the wider set retrieval has word lists for.

Order is behaviour where a caller iterates or draws at random over a list of languages: callers
that need another order derive it here from the one list (``calibration.LANGUAGES`` is
``sorted(SUPPORTED_LANGUAGES)``), so adding a language stays a one-line change.
"""

from __future__ import annotations

SUPPORTED_LANGUAGES: tuple[str, ...] = ("de", "fr", "en")
"""German, French and English: the languages a question is told apart in (retrieval/query.py),
translated into (calibration.py), whose wordfreq lists correct OCR words at ingest (the
lexicon) and rank salient words (retrieval/expand.py), and the UI's language filter."""

WORDLIST_LANGUAGES: tuple[str, ...] = (*SUPPORTED_LANGUAGES, "it", "nl", "es", "pt", "sv", "da", "pl", "la")
"""Archive languages whose word list (wordfreq) the OCR expansion consults, so that a real word
of the language is never taken for a misreading (retrieval/retriever.py → ``ocr_variant``).
Wider than ``SUPPORTED_LANGUAGES``: an archive may hold documents in other languages. wordfreq
has no Latin list: ``la`` is looked up in its nearest list, Italian (see ``wordfreq_code``)."""

WORDFREQ_NEAREST: dict[str, str] = {"la": "it"}
"""Languages wordfreq has no list for -> the list it would pick itself as the nearest match.
Asking for that list directly gives the same frequencies (wordfreq tokenises ``la`` and ``it``
alike) without its "You asked for word frequencies in language 'la'" warning on stderr."""


def wordfreq_code(language: str) -> str:
    """The wordfreq list to look ``language`` up in: itself, or the nearest list it has."""
    return WORDFREQ_NEAREST.get(language, language)
