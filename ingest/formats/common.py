"""Helpers that several formats share: the parse result, document ids, page numbers from file
names, numbers from hostile text, ISO language codes and dates."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

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
    r"(?:^|[_\-.\s])(p|pg|page|seite|s|f|seq)?[_\-]?(0*)(\d{1,5})$", re.IGNORECASE | re.ASCII
)
# The suffix a producer adds to the OCR file of a page image: ``p1_alto.xml`` is page 1's text.
OCR_SUFFIX = re.compile(r"[._-](?:alto|ocr|hocr)$", re.IGNORECASE)
# A number after one of these words numbers something else than the page (``ed-1``, ``vol_12``).
_NOT_PAGE_LABEL = re.compile(
    r"(?:^|[_\-.\s])(ed|edition|vol|volume|issue|no|nr)$", re.IGNORECASE | re.ASCII
)


def page_from_name(path: Path) -> int | None:
    """Page number at the end of a file stem (``00003``, ``issue-p0003``, ``page_3``), else None.

    An OCR suffix is not part of the name (``p0003_alto``, ``p0003.alto``). A bare number of four
    digits or more that is not zero-padded (``report_2013``) is a year or an id, not a page; nor
    is a number labelled as an edition, volume or issue (``ed-1``). When the stem holds a date
    (``YYYY-MM-DD``, ``YYYY_MM_DD``, ``YYYYMMDD``), only what follows the date can be the page:
    ``sn90050306_1920_05_27_1`` is page 1, ``lunion_1865-04-15`` has none (its day is not a
    page), ``x_18950101_0001`` is page 1.
    """
    stem = OCR_SUFFIX.sub("", path.stem)
    dates = list(_dates_in(stem))
    if dates:
        stem = stem[dates[-1][1].end():]
    m = _PAGE_IN_NAME.search(stem)
    if not m:
        return None
    prefix, zeros, digits = m.groups()
    page = int(digits)
    if page == 0 or (not prefix and not zeros and page >= 1000):
        return None
    if not prefix and _NOT_PAGE_LABEL.search(stem[:m.start()]):
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


# A full date in a name: 1500-2099, the same separator (``-``, ``_`` or none) between its parts,
# not part of a longer number (``sn90050306`` holds none).
_DATE_IN_NAME = re.compile(
    r"(?<!\d)(1[5-9]\d\d|20\d\d)([-_]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)", re.ASCII
)


def _dates_in(name: str) -> Iterator[tuple[str, re.Match[str]]]:
    """The valid calendar dates written in a name (``1865-02-30`` is none), with their match."""
    for m in _DATE_IN_NAME.finditer(name):
        year, _, month, day = m.groups()
        found = iso_date(f"{year}-{month}-{day}")
        if found:
            yield found, m


def date_from_name(*names: str) -> str | None:
    """First plausible date written in file or folder names: ``1858-12-07``, ``1920_05_27``,
    ``18451228_01``; the year from 1500 to 2099, the month and day valid."""
    for name in names:
        for found, _ in _dates_in(name):
            return found
    return None


# Folders above a file that may name its issue (``bnl_lunion_1865-04-15/ALTO/00002.xml``).
_DATE_FOLDER_LEVELS = 3
# Formats whose files carry no publication date: their name gives one. METS reads its own names;
# a JSONL manifest's name says nothing about the date of each record.
_NAME_DATED_KINDS = {"alto", "hocr", "pagexml", "text", "image"}


def add_name_dates(result: ParseResult, path: Path, kind: str) -> ParseResult:
    """Give the documents that have no date (from the file or its sidecar) the date written in
    the file name, else in the three nearest folder names that are not format folders like
    ``ALTO``; ``meta["date_source"]`` says which ("file name" or "folder name")."""
    if kind not in _NAME_DATED_KINDS or all(d.date for d in result.documents):
        return result
    found = date_from_name(path.stem)
    source = "file name"
    if found is None:
        folders = [p.name for p in path.parents if p.name and p.name.lower() not in _GENERIC_DIRS]
        found, source = date_from_name(*folders[:_DATE_FOLDER_LEVELS]), "folder name"
    if found:
        for doc in result.documents:
            if not doc.date:
                doc.date = found
                doc.meta["date_source"] = source
    return result
