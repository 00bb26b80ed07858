"""The ``<issue-id>`` of a METS issue's document ids: unique per issue and stable across runs.

1. The METS ``OBJID`` (a persistent identifier), made path-safe.
2. Else the file stem without its ``-mets`` suffix, when it names the issue
   (``18451228_01-METS.xml``, ``luxzeit1858-1858-12-07-mets.xml``); a stem that is only a number
   is prefixed with folder names (``BLB/18451228_01``). Ids of such files never change.
3. A stem that says nothing about the issue because every issue of that producer has it
   (``mets.xml`` of OCR-D, ``manifest.xml`` of BnF SPAR, ``toc/T0000001.xml``): the issue's own
   identifier from its metadata (MODS ``recordIdentifier``/``identifier``, Dublin Core
   ``dc:identifier`` of the most specific issue-level section), else the nearest folder names that
   are not format folders (``ocr``, ``toc``, ``data``), up to one with letters.

Collisions between informative stems (two folders each with ``issue.xml``... ) are not detected:
an id that depended on what else is in the batch would change between runs.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from .common import base_id

# Stems (after "-mets" is removed) that every issue of some producer shares.
_NAMELESS_STEMS = {"", "mets", "manifest", "toc", "index", "issue", "structure", "metadata",
                   "meta", "document", "content", "main", "export", "default", "package"}
_LETTER_NUMBER = re.compile(r"^[a-z][-_]?\d+$", re.IGNORECASE)  # BnF toc/T0000001.xml
# Folder names that say what is inside, not which issue it is.
_FORMAT_DIRS = {
    "alto", "text", "txt", "ocr", "hocr", "page", "pages", "pagexml", "xml", "data", "images",
    "image", "img", "imgs", "tif", "tiff", "jpg", "jpeg", "png", "master", "fulltext", "mets",
    "scans", "scan", "json", "output", "out", "toc", "metadata", "meta", "content",
}
_HAS_LETTER = re.compile(r"[^\W\d_]")


def issue_id(root: etree._Element, path: Path, identifier: str | None = None) -> str:
    """The issue id by the rule above; ``identifier`` is the issue's own from its metadata."""
    objid = slug((root.get("OBJID") or "").strip())
    if objid:
        return objid
    stem = re.sub(r"[-_.]?mets$", "", path.stem, flags=re.IGNORECASE)
    if not says_nothing(stem):
        return base_id(path, stem)
    return slug(identifier or "") or folder_id(path)


def says_nothing(stem: str) -> bool:
    """Whether a METS file's stem is one every issue of its producer shares."""
    return stem.lower() in _NAMELESS_STEMS or bool(_LETTER_NUMBER.match(stem))


def slug(identifier: str) -> str:
    """A persistent identifier made path-safe: URL scheme and host dropped
    (``https://persist.lu/ark:/70795/hnpwc4`` -> ``ark-70795-hnpwc4``)."""
    text = re.sub(r"^[a-z][a-z0-9+.\-]*://[^/]*/", "", identifier, flags=re.IGNORECASE)
    return re.sub(r"[^\w.\-]+", "-", text).strip("-.")


def folder_id(path: Path) -> str:
    """The nearest informative folder names of a file, up to one that contains letters."""
    parts: list[str] = []
    for parent in path.parents:
        name = parent.name
        if not name:
            break
        if name.lower() in _FORMAT_DIRS:
            continue
        parts.insert(0, name)
        if _HAS_LETTER.search(name):
            break
    return "/".join(parts) or slug(path.stem) or "mets"
