"""Typographic variants of letters, as cleaning writes them and as the CER measure compares them.

The letter map (long s, r rotunda, Latin ligatures, hyphen variants) and the superscript-e
umlauts of Fraktur are shared; the two maps differ in two groups of invisible characters, and
the difference is kept (it is part of the published figures):

* ``CLEANING_CHAR_MAP`` (``ingest.clean.normalise_chars``) deletes zero-width characters
  (U+200B, U+200C, U+200D, U+FEFF) and keeps the soft hyphen (U+00AD), which marks a line-end
  break for dehyphenation later in cleaning;
* ``CER_CHAR_MAP`` (``ragarchive.evaluation.canonical_for_cer``) deletes the soft hyphen (a
  transcription convention, not an OCR error) and leaves zero-width characters as they are.
"""

from __future__ import annotations

import re

LETTER_VARIANTS: dict[str, str] = {
    "ſ": "s",
    "ꝛ": "r",
    "ﬀ": "ff",
    "ﬁ": "fi",
    "ﬂ": "fl",
    "ﬃ": "ffi",
    "ﬄ": "ffl",
    "ﬅ": "st",
    "ﬆ": "st",
    "\u2010": "-",
    "\u2011": "-",
}
ZERO_WIDTH: dict[str, str] = {"\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": ""}
SOFT_HYPHEN: dict[str, str] = {"\u00ad": ""}

CLEANING_CHAR_MAP = str.maketrans({**LETTER_VARIANTS, **ZERO_WIDTH})
CER_CHAR_MAP = str.maketrans({**LETTER_VARIANTS, **SOFT_HYPHEN})

_UMLAUT = {"a": "ä", "o": "ö", "u": "ü", "A": "Ä", "O": "Ö", "U": "Ü"}
# a, o, u + combining small e (U+0364) is the umlaut; after an umlaut already written, it is dropped
_SUPERSCRIPT_E = re.compile("([aouAOU])\u0364|(?<=[äöüÄÖÜ])\u0364")


def superscript_e_umlauts(text: str) -> str:
    """Fraktur's superscript e over a, o, u written as ä, ö, ü (and dropped after one)."""
    return _SUPERSCRIPT_E.sub(lambda m: _UMLAUT[m.group(1)] if m.group(1) else "", text)
