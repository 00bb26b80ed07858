"""Helpers that several formats share: the parse result, document ids, page numbers from file
names, numbers from hostile text, ISO language codes and dates."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ragarchive.types import Document

DEFAULT_OCR_LANGUAGES = "deu+fra+eng"


@dataclass
class ParseResult:
    documents: list[Document]
    warnings: list[str] = field(default_factory=list)



# --- document ids ----------------------------------------------------------------------------

# Folder names that only say what format is inside; they do not tell issues apart.
_GENERIC_DIRS = {
    "alto", "text", "txt", "ocr", "hocr", "page", "pages", "pagexml", "xml", "data", "images",
    "image", "img", "imgs", "tif", "tiff", "jpg", "jpeg", "png", "master", "fulltext", "mets",
    "scans", "scan", "json", "output", "out",
}
# File stems that, once digits and separators are removed, say nothing about the issue.
_GENERIC_STEMS = {"", "p", "pg", "page", "pages", "seite", "s", "img", "image", "scan", "ocr",
                  "alto", "mets", "hocr", "text", "txt", "index", "f", "file", "part"}


def _is_generic_stem(stem: str) -> bool:
    return re.sub(r"[\d_\-.\s]+", "", stem).lower() in _GENERIC_STEMS


def base_id(path: Path, stem: str | None = None) -> str:
    """A stable id for a file-level document: its stem, made unique by telling folders.

    Page files are often named only by number (``BLB/18451228_01/ALTO/00001.xml``), so when the
    stem says nothing about the issue the nearest informative parent folders are prefixed, up to
    one that contains letters: ``BLB/18451228_01/00001``. Format folders (``ALTO``, ``text``)
    are skipped. The id depends only on the path's tail, so it survives moving the archive.
    """
    stem = path.stem if stem is None else stem
    parts = [stem]
    if _is_generic_stem(stem):
        for parent in path.parents:
            name = parent.name
            if not name:
                break
            if name.lower() in _GENERIC_DIRS or name == parts[0]:
                continue
            parts.insert(0, name)
            if re.search(r"[^\W\d_]", name):
                break
    return "/".join(parts)


_PAGE_IN_NAME = re.compile(
    r"(?:^|[_\-.\s])(p|pg|page|seite|s|f)?[_\-]?(0*)(\d{1,5})$", re.IGNORECASE
)


def page_from_name(path: Path) -> int | None:
    """Page number at the end of a file stem (``00003``, ``issue-p0003``, ``page_3``), else None.

    A bare number of four digits or more that is not zero-padded (``report_2013``) is a year or
    an id, not a page.
    """
    m = _PAGE_IN_NAME.search(path.stem)
    if not m:
        return None
    prefix, zeros, digits = m.groups()
    page = int(digits)
    if page == 0 or (not prefix and not zeros and page >= 1000):
        return None
    return page


# --- numbers from hostile text ----------------------------------------------------------------

_SMALL_INT = re.compile(r"[0-9]{1,9}")
# No real page, image or box is a billion units long; larger (or non-finite) numbers in a file are
# broken or hostile, and would overflow int conversions and the stores' 64-bit integers.
MAX_COORDINATE = 1e9


def small_int(value: object) -> int | None:
    """A non-negative integer written in at most nine ASCII digits, else None.

    ``str.isdigit`` accepts characters ``int`` rejects ("²"), and ``int`` refuses strings of
    thousands of digits, so attribute values from a file must not go straight to ``int``.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    return int(text) if _SMALL_INT.fullmatch(text) else None


def finite_coordinate(value: float) -> bool:
    """True for a number usable as a coordinate (False for inf, nan and absurd sizes)."""
    return abs(value) <= MAX_COORDINATE


# --- languages and dates ---------------------------------------------------------------------

_LANGUAGES = {
    "de": ("ger", "deu", "german", "deutsch", "allemand", "gmh", "goh", "frk"),
    "fr": ("fre", "fra", "french", "français", "francais", "französisch", "frm", "fro"),
    "en": ("eng", "english", "anglais", "englisch", "enm"),
    "lb": ("ltz", "luxembourgish", "letzeburgesch", "lëtzebuergesch", "luxemburgisch"),
    "nl": ("dut", "nld", "dutch", "flemish"),
    "it": ("ita", "italian", "italiano", "italien"),
    "la": ("lat", "latin", "latein"),
    "es": ("spa", "spanish", "español", "espanol"),
    "rm": ("roh", "romansh", "rumantsch", "romanche"),
    "pt": ("por", "portuguese"),
    "da": ("dan", "danish"),
    "sv": ("swe", "swedish"),
    "no": ("nor", "norwegian"),
    "nb": ("nob",),
    "fi": ("fin", "finnish"),
    "pl": ("pol", "polish"),
    "cs": ("cze", "ces", "czech"),
    "hu": ("hun", "hungarian"),
    "ru": ("rus", "russian"),
    "el": ("gre", "ell", "greek"),
    "yi": ("yid", "yiddish"),
    "he": ("heb", "hebrew"),
}
_LANGUAGE_INDEX = {alias: code for code, aliases in _LANGUAGES.items() for alias in aliases}
_NO_LANGUAGE = {"", "und", "zxx", "mul", "mis", "n/a", "na", "none", "unknown"}


def norm_language(value: object) -> str | None:
    """ISO 639-1 code for a declared language (``ger``/``deu``/``de-DE``/``German`` -> ``de``).

    Returns None for empty, "undetermined" and unknown values; the first of several
    (``deu+fra``, ``de; fr``) wins.
    """
    if not isinstance(value, str):
        return None
    first = re.split(r"[+;,/\s]+", value.strip().lower(), maxsplit=1)[0]
    primary = re.split(r"[-_]", first, maxsplit=1)[0]
    if primary in _NO_LANGUAGE:
        return None
    if primary in _LANGUAGES:
        return primary
    return _LANGUAGE_INDEX.get(primary) or _LANGUAGE_INDEX.get(first)


_ISO_DATE = re.compile(r"^(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?(?:[T ].*)?$")


def iso_date(value: object) -> str | None:
    """Normalise a date to ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; None when it is not one."""
    if isinstance(value, int) and 1000 <= value <= 9999:
        return str(value)
    if not isinstance(value, str):
        return None
    m = _ISO_DATE.match(value.strip())
    if not m:
        return None
    year, month, day = m.groups()
    try:
        if day:
            return _dt.date(int(year), int(month), int(day)).isoformat()
        if month:
            _dt.date(int(year), int(month), 1)
            return f"{year}-{month}"
    except ValueError:
        return None
    return year


_DATE_IN_NAME = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")


def date_from_name(*names: str) -> str | None:
    """First plausible date written in file or folder names (``18451228_01``, ``1858-12-07``)."""
    for name in names:
        for m in _DATE_IN_NAME.finditer(name):
            found = iso_date("-".join(m.groups()))
            if found:
                return found
    return None
