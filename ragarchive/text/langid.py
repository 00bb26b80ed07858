"""Language identification with langdetect, made deterministic and honest about doubt.

langdetect is probabilistic: we fix its seed so a re-run gives the same answer, and we return
``und`` (undetermined) when the text is too short or too garbled for a trustworthy guess, instead
of a confident wrong language.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

UND = "und"
_lock = threading.Lock()  # langdetect's factory is global state; keep seeding and detection atomic


@dataclass(frozen=True)
class LangGuess:
    language: str
    prob: float


def detect_language(
    text: str, *, min_letters: int = 40, min_prob: float = 0.70, seed: int = 0
) -> LangGuess:
    """Best language of ``text`` as an ISO 639-1 code with its probability, or ``und``."""
    letters = sum(ch.isalpha() for ch in text)
    visible = sum(not ch.isspace() for ch in text)
    # OCR garbage is mostly punctuation and digits; langdetect would still name a language.
    if letters < min_letters or (visible and letters / visible < 0.6):
        return LangGuess(UND, 0.0)
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    with _lock:
        DetectorFactory.seed = seed
        try:
            top = detect_langs(text)[0]
        except LangDetectException:
            return LangGuess(UND, 0.0)
    if top.prob < min_prob:
        return LangGuess(UND, float(top.prob))
    return LangGuess(top.lang.split("-")[0], float(top.prob))
