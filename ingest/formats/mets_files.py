"""The METS fileSec and page facts: the files an issue lists, their local paths (only inside the
folder given to ``ingest``, else the METS folder), the page number of each file and the pixel size
of each page image."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from lxml import etree

from .common import small_int
from .mets_structmap import div_type, struct_map
from .xmlsafe import local_name

XLINK = "{http://www.w3.org/1999/xlink}href"
PAGE_MIMETYPE = "application/vnd.prima.page+xml"
_XML_MIMETYPES = ("text/xml", "application/xml", "application/alto+xml", PAGE_MIMETYPE)
# Why an href has no local path (a missing file has a path that does not exist).
REFUSED_OUTSIDE = "outside the ingested folder"
REFUSED_REMOTE = "not a local file (URLs and URNs are never fetched)"
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
_DRIVE = re.compile(r"^/?[a-z]:/", re.IGNORECASE)  # C:/scans/... on the producing machine


@dataclass
class MetsFile:
    file_id: str
    href: str
    path: Path | None
    mimetype: str
    use: str
    admid: tuple[str, ...] = ()
    refused: str | None = None  # why ``path`` is None: REFUSED_OUTSIDE, REFUSED_REMOTE
    group: int = 0  # position of its fileGrp in the fileSec (the workflow order in OCR-D)

    @property
    def is_text(self) -> bool:
        """ALTO (or other XML) text, as opposed to images and PDFs."""
        if self.mimetype.lower() in _XML_MIMETYPES:
            return True
        return self.href.lower().endswith(".xml") and not self.mimetype.lower().startswith("image")

    @property
    def is_image(self) -> bool:
        return self.mimetype.lower().startswith("image")


def read_files(root: etree._Element, base: Path, ingest_root: Path | None = None
               ) -> dict[str, MetsFile]:
    """FILEID -> the file of every fileGrp, its href resolved next to ``base`` (the METS folder)
    and confined to ``ingest_root`` (the folder given to ``ingest``; default: ``base``)."""
    files: dict[str, MetsFile] = {}
    for position, group in enumerate(root.iter("{*}fileGrp")):
        use = group.get("USE", "") or group.get("ID", "")
        for f in group:
            if local_name(f) != "file" or not f.get("ID"):
                continue
            href = next((loc.get(XLINK, "") for loc in f if local_name(loc) == "FLocat"), "")
            path, refused = resolve_href(href, base, ingest_root) if href else (None, None)
            files[f.get("ID")] = MetsFile(
                f.get("ID"), href, path, f.get("MIMETYPE", ""), use,
                tuple(f.get("ADMID", "").split()), refused, position,
            )
    return files


def resolve_href(href: str, base: Path, ingest_root: Path | None = None
                 ) -> tuple[Path | None, str | None]:
    """(local path, None) for a FLocat href (``file://./text/x.xml``, ``text/x.xml``,
    ``../ocr/x.xml``), else (None, why): remote URLs are never fetched, and nothing outside the
    ingested folder is read. Absolute paths from the producing machine (``/scans/...``,
    ``C:\\scans\\...``) are retried next to the METS. (None, None): no usable name at all."""
    href = href.strip().replace("\\", "/")
    if href.lower().startswith("file://"):
        href = href[7:]
    elif _SCHEME.match(href) and not _DRIVE.match(href):
        return None, REFUSED_REMOTE  # http:, https:, urn: ...
    if _DRIVE.match(href):
        href = "/" + href.lstrip("/")[2:].lstrip("/")
    href = urllib.parse.unquote(href)
    if not href or "\x00" in href:  # "%00" in a hostile href: no file has a NUL in its name
        return None, None
    try:
        return _local_path(Path(href), base, ingest_root)
    except (OSError, RuntimeError, ValueError):  # names too long, symlink loops
        return None, None


def _local_path(candidate: Path, base: Path, ingest_root: Path | None
                ) -> tuple[Path | None, str | None]:
    """Only files inside the ingested folder (symlinks resolved, so none leads out of it): a
    hostile METS must not make ingestion read (and index) any file of this machine through an
    absolute or ``../`` href. Without an ingested folder, the METS folder is the limit."""
    root = base.resolve()
    if ingest_root is not None and root.is_relative_to(ingest_root.resolve()):
        root = ingest_root.resolve()
    if not candidate.is_absolute():
        path = (base / candidate).resolve()
        return (path, None) if path.is_relative_to(root) else (None, REFUSED_OUTSIDE)
    direct = candidate.resolve()
    if direct.is_relative_to(root):
        return direct, None
    for tail in (Path(candidate.parent.name) / candidate.name, Path(candidate.name)):
        path = (base / tail).resolve()
        if path.is_file() and path.is_relative_to(root):
            return path, None
    # A file of this machine outside the folder is refused; a producer's path is just missing.
    return None, (REFUSED_OUTSIDE if direct.exists() else None)


@dataclass
class PhysicalPage:
    number: int  # ORDER, else the position among the pages
    div_id: str | None  # the page division's ID (smLinks point to it)
    file_ids: list[str]  # FILEIDs of its fptrs and areas, in METS order


def physical_page_list(root: etree._Element) -> list[PhysicalPage]:
    """The pages of the PHYSICAL structMap in METS order."""
    pages: list[PhysicalPage] = []
    physical = struct_map(root, "physical")
    if physical is None:
        return pages
    for div in physical.iter("{*}div"):
        if div_type(div) != "page":
            continue
        number = small_int(div.get("ORDER")) or len(pages) + 1
        ids = [el.get("FILEID") for el in div.iter("{*}fptr", "{*}area") if el.get("FILEID")]
        pages.append(PhysicalPage(number, div.get("ID"), list(dict.fromkeys(ids))))
    return pages


def physical_pages(root: etree._Element, files: dict[str, MetsFile]) -> dict[str, int]:
    """FILEID -> page number from the PHYSICAL structMap (ORDER), else from file order."""
    page_of: dict[str, int] = {}
    for page in physical_page_list(root):
        for file_id in page.file_ids:
            page_of.setdefault(file_id, page.number)
    text_files = [f for f in files.values() if f.is_text]
    for i, f in enumerate(text_files, 1):
        page_of.setdefault(f.file_id, i)
    return page_of


def image_sizes(root: etree._Element, files: dict[str, MetsFile],
                page_of: dict[str, int]) -> dict[int, tuple[int, int]]:
    """Page -> (width, height) in pixels of its largest image with NISO mix metadata."""
    sizes: dict[str, tuple[int, int]] = {}
    for amd in root.iter("{*}amdSec", "{*}techMD"):
        w = _first_int(amd, ("imageWidth", "ImageWidth"))
        h = _first_int(amd, ("imageHeight", "ImageHeight"))
        if w and h and amd.get("ID"):
            sizes[amd.get("ID")] = (w, h)
    by_page: dict[int, tuple[int, int]] = {}
    for f in files.values():
        page = page_of.get(f.file_id)
        if page is None or not f.is_image:
            continue
        for adm in f.admid:
            size = sizes.get(adm)
            if size and size[0] > by_page.get(page, (0, 0))[0]:
                by_page[page] = size
    return by_page


def _first_int(el: etree._Element, names: Iterable[str]) -> int | None:
    for name in names:
        for found in el.iter(f"{{*}}{name}"):
            value = small_int(found.text)
            if value is not None:
                return value
    return None
