"""Measures of text quality used by the benchmarks (character error rate against ground truth).

The canonical form removes differences that are conventions of transcription, not OCR errors,
so that a CER figure counts only real recognition mistakes and their corrections:

* Unicode NFC; long s (ſ) as s; Latin ligatures (ﬁ, ﬂ, ...) spelled out; r rotunda (ꝛ) as r;
  the superscript e of Fraktur umlauts (a + U+0364) as ä/ö/ü; the MUFI private-use letters of
  ``text.characters.MUFI_LETTERS`` as their letters;
* hyphen variants (‐ ‑ soft hyphen) as "-"; the hyphenation mark of a word broken across lines
  (``-``, ``¬``, ``⸗``, ``=`` right after a word and before a line break) joined away when a lowercase letter follows,
  kept as "-" (no space) when an uppercase one does, as in a broken compound "Nord-Amerika";
* whitespace: every run becomes one space, none before , . ; : ! ? ) ] » or after ( [ «.

The same function is applied to the OCR, the cleaned text and the ground truth alike.
"""

from __future__ import annotations

import re
import unicodedata

from .text.characters import CER_CHAR_MAP, superscript_e_umlauts

_BREAK_LOWER = re.compile(r"(?<=\S)[-¬⸗=][ \t]*\n\s*(?=[a-zäöüßàâçéèêëîïôûùœæ])")
_BREAK_UPPER = re.compile(r"(?<=\S)[-¬⸗=][ \t]*\n\s*(?=\S)")
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE = re.compile(r" (?=[,.;:!?)\]»])")
_SPACE_AFTER = re.compile(r"(?<=[(\[«]) ")


def canonical_for_cer(text: str) -> str:
    """The text in the canonical form described in the module docstring."""
    text = superscript_e_umlauts(unicodedata.normalize("NFC", text).translate(CER_CHAR_MAP))
    text = _BREAK_LOWER.sub("", text)
    text = _BREAK_UPPER.sub("-", text)
    text = _SPACES.sub(" ", text).strip()
    text = _SPACE_BEFORE.sub("", text)
    return _SPACE_AFTER.sub("", text)


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate: Levenshtein distance over the reference length (canonical forms)."""
    from rapidfuzz.distance import Levenshtein

    ref = canonical_for_cer(reference)
    hyp = canonical_for_cer(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(hyp, ref) / len(ref)
