"""Typographic variants of letters, as cleaning writes them and as the CER measure compares them.

The letter map (long s, r rotunda, Latin ligatures, hyphen variants), the MUFI private-use
letters of early-modern prints (``MUFI_LETTERS``) and the superscript-e umlauts of Fraktur are
shared; the two maps differ in two groups of invisible characters, and
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
# Private-use code points of the MUFI character recommendation (Medieval Unicode Font Initiative)
# that OCR and transcriptions of early-modern prints use for ligatures and letter forms Unicode
# lacks ("Chri\ueadaian" is "Christian"). Written as the plain letters cleaning gives their
# Unicode counterparts (long s -> s, a with e above -> ä). Only code points whose MUFI name and
# reading are certain are listed; abbreviations (U+E8BF q with final et = "que") and forms read
# differently by print and language (U+E8B7 long s with flourish: ß in some German prints) stay.
MUFI_LETTERS: dict[str, str] = {
    "\ue42c": "ä",  # LATIN SMALL LETTER A WITH LATIN SMALL LETTER E ABOVE
    "\ue644": "ö",  # LATIN SMALL LETTER O WITH LATIN SMALL LETTER E ABOVE
    "\ue72b": "ü",  # LATIN SMALL LETTER U WITH LATIN SMALL LETTER E ABOVE
    "\ueada": "st",  # LATIN SMALL LIGATURE LONG S DESCENDING T
    "\ueba2": "si",  # LATIN SMALL LIGATURE LONG S I
    "\ueba3": "sl",  # LATIN SMALL LIGATURE LONG S L
    "\ueba5": "sp",  # LATIN SMALL LIGATURE LONG S P
    "\ueba6": "ss",  # LATIN SMALL LIGATURE LONG S LONG S
    "\ueba7": "ssi",  # LATIN SMALL LIGATURE LONG S LONG S I
    "\ueec4": "ck",  # LATIN SMALL LIGATURE CK
    "\ueec5": "ct",  # LATIN SMALL LIGATURE CT
    "\ueedc": "tz",  # LATIN SMALL LIGATURE TZ
    "\uefa1": "æ",  # LATIN SMALL LIGATURE NECKLESS A E
    "\uf4f9": "ll",  # LATIN SMALL LIGATURE LL
}
ZERO_WIDTH: dict[str, str] = {"\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": ""}
SOFT_HYPHEN: dict[str, str] = {"\u00ad": ""}

CLEANING_CHAR_MAP = str.maketrans({**LETTER_VARIANTS, **MUFI_LETTERS, **ZERO_WIDTH})
CER_CHAR_MAP = str.maketrans({**LETTER_VARIANTS, **MUFI_LETTERS, **SOFT_HYPHEN})

_UMLAUT = {"a": "ä", "o": "ö", "u": "ü", "A": "Ä", "O": "Ö", "U": "Ü"}
# a, o, u + combining small e (U+0364) is the umlaut; after an umlaut already written, it is dropped
_SUPERSCRIPT_E = re.compile("([aouAOU])\u0364|(?<=[äöüÄÖÜ])\u0364")


def superscript_e_umlauts(text: str) -> str:
    """Fraktur's superscript e over a, o, u written as ä, ö, ü (and dropped after one)."""
    return _SUPERSCRIPT_E.sub(lambda m: _UMLAUT[m.group(1)] if m.group(1) else "", text)
