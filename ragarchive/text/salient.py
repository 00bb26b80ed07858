"""The salient words of passages: the candidates a question's terms are carried to in other
languages (``retrieval.expand.carry_terms``), and the words whose vectors the ingest stores so
that carrying them embeds nothing at question time (``ingest/units.py``)."""

from __future__ import annotations

from typing import Sequence

from .languages import SUPPORTED_LANGUAGES
from .tokens import content_terms


def salient_words(candidate_texts: Sequence[tuple[str, str]], limit: int | None = None) -> list[str]:
    """Words of the (language, text) passages that are rare in their language (names, content
    words), the most telling first; all of them when ``limit`` is None."""
    from wordfreq import zipf_frequency

    scored: dict[str, float] = {}
    for lang, text in candidate_texts:
        for w in content_terms(text):
            if len(w) < 4 or w in scored:
                continue
            z = zipf_frequency(w, lang) if lang in SUPPORTED_LANGUAGES else 3.0
            if z >= 5.5:  # function-like words carry no topic
                continue
            scored[w] = z if z > 0 else 2.5  # unknown words: names or OCR noise, middle rank
    ranked = sorted(scored, key=lambda w: (abs(scored[w] - 3.5), w))
    return ranked if limit is None else ranked[:limit]
