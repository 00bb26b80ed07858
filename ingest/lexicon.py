"""Conservative word-level OCR correction against word frequencies and the archive's vocabulary.

A word is changed only when all of these hold (see docs/cleaning.md for the measurements):

* it is rare: unknown to the language's word list (``wordfreq``, large lists) and not a
  recurring word of the archive itself (historical spellings such as "seyn" or "Jch" recur;
  a random OCR error seldom does);
* a candidate one OCR-typical edit away (ſ read as f, e/c, n/u, rn/m, li/h, a stray umlaut, ...)
  is a common word of the same language;
* the candidate is so much more frequent that the change is very likely right (a margin in
  Zipf units, larger for short words and for words that are real but uncommon).

Generic edits (any deletion, insertion or substitution) were measured too and rejected: they
gained little and made many more documents worse.

Why not SymSpell or a spelling library: they rank by plain edit distance and frequency, so they
"correct" rare but right words (names, historical spellings) into common ones; OCR errors have a
known shape, and generating only those shapes is both faster and safer.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# OCR → print confusions: (seen, meant). Fraktur long s read as f is the commonest in German.
_CONFUSIONS: tuple[tuple[str, str], ...] = (
    ("f", "s"), ("ff", "ss"), ("s", "f"), ("c", "e"), ("e", "c"), ("o", "e"), ("e", "o"), ("c", "o"),
    ("o", "c"), ("n", "u"), ("u", "n"), ("rn", "m"), ("m", "rn"),
    ("in", "m"), ("m", "in"), ("ni", "m"), ("iu", "m"), ("li", "h"), ("h", "li"), ("h", "b"),
    ("b", "h"), ("b", "d"), ("d", "b"), ("cl", "d"), ("vv", "w"), ("ii", "n"), ("ii", "ü"),
    ("l", "i"), ("i", "l"), ("1", "l"), ("l", "1"), ("I", "l"), ("l", "I"), ("0", "o"),
    ("5", "s"), ("t", "f"), ("f", "t"), ("k", "t"), ("t", "k"), ("r", "t"), ("t", "r"),
    ("i", "j"), ("J", "I"), ("I", "J"), ("G", "C"), ("C", "G"), ("B", "V"), ("V", "B"),
    ("ü", "u"), ("u", "ü"), ("ä", "a"), ("a", "ä"), ("ö", "o"), ("o", "ö"), ("é", "e"),
    ("e", "é"), ("è", "e"), ("e", "è"), ("y", "v"), ("v", "y"), ("x", "r"), ("z", "x"),
    ("x", "z"), ("g", "q"), ("q", "g"), ("é", "è"), ("è", "é"), ("â", "a"), ("a", "à"),
    ("à", "a"), ("ô", "o"), ("î", "i"), ("í", "i"), ("ì", "i"),
)
_MIXED = re.compile(r"^(?=.*[^\W\d_])[\w]+$", re.UNICODE)


@dataclass(frozen=True)
class LexiconOptions:
    """Thresholds in Zipf units (log10 of frequency per billion words; "the" ≈ 7.7).

    Chosen on the HIPE-OCRepair data (bench/cleaning_cer.py): lower margins correct more but
    start to turn right words into wrong ones.
    """

    rare_zipf: float = 2.0  # below this a word counts as unknown to the language
    common_zipf: float = 3.5  # a word at or above this is never changed
    real_word_penalty: float = 0.5  # extra margin for a known word between rare and common
    candidate_zipf: float = 3.0  # a correction must be at least this common
    margin_rule: float = 2.5  # candidate minus original, for an OCR-typical edit
    short_penalty: float = 1.0  # extra margin for words of 4 letters or fewer
    archive_keep: int = 3  # a word seen this often in the archive may be its own spelling,
    archive_ratio: float = 0.05  # ... unless the candidate is 1/ratio times more frequent there
    min_len: int = 3


class Lexicon:
    """Word frequencies per language plus the archive's own word counts."""

    def __init__(
        self,
        frequencies: dict[str, dict[str, float]],
        archive_counts: Counter[str],
        options: LexiconOptions | None = None,
    ) -> None:
        self._freq = frequencies
        self._archive = archive_counts
        self.options = options or LexiconOptions()

    @classmethod
    def from_counts(
        cls,
        counts: Counter[str],
        languages: Iterable[str],
        options: LexiconOptions | None = None,
    ) -> Lexicon:
        """Load the large wordfreq lists for ``languages`` (≈0.3 s each) next to ``counts``."""
        from wordfreq import get_frequency_dict

        freq = {lang: get_frequency_dict(lang, wordlist="large") for lang in languages}
        lowered: Counter[str] = Counter()
        for word, n in counts.items():
            lowered[word.lower()] += n
        return cls(freq, lowered, options)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._freq)

    def zipf(self, word: str, language: str) -> float:
        f = self._freq.get(language, {}).get(word.lower(), 0.0)
        return math.log10(f) + 9.0 if f > 0 else 0.0

    def archive_count(self, word: str) -> int:
        return self._archive.get(word.lower(), 0)

    def known(self, word: str, language: str) -> bool:
        """Common in the language, or a recurring word of this archive."""
        o = self.options
        return (
            self.zipf(word, language) >= o.rare_zipf
            or self.archive_count(word) >= o.archive_keep
        )

    def correct(self, word: str, language: str | None) -> str | None:
        """The corrected word, or None to keep ``word`` as it is."""
        o = self.options
        if language not in self._freq or len(word) < o.min_len or not _MIXED.match(word):
            return None
        if word.isupper() and len(word) > 1 and word.isalpha():
            return None  # acronyms and headlines in capitals: too little to go on
        base = self.zipf(word, language)
        if base >= o.common_zipf:
            return None
        # A real but uncommon word ("fein" for "sein") and a short word need more evidence.
        extra = (o.short_penalty if len(word) <= 4 else 0.0) + (
            o.real_word_penalty if base >= o.rare_zipf else 0.0
        )
        seen = self.archive_count(word)
        best: tuple[float, str] | None = None
        for cand in set(_rule_edits(word)) - {word}:
            z = self.zipf(cand, language)
            if z < o.candidate_zipf or z - base < o.margin_rule + extra:
                continue
            if seen >= o.archive_keep and seen > o.archive_ratio * self.archive_count(cand):
                continue  # the archive's own spelling ("seyn"), not an error of one page
            if best is None or (z, cand) > best:
                best = (z, cand)
        return _match_case(best[1], word) if best else None


def _rule_edits(word: str) -> Iterable[str]:
    for seen, meant in _CONFUSIONS:
        start = word.find(seen)
        while start >= 0:
            yield word[:start] + meant + word[start + len(seen):]
            start = word.find(seen, start + 1)


def _match_case(candidate: str, original: str) -> str:
    if original[:1].isupper():
        return candidate[:1].upper() + candidate[1:]
    return candidate
