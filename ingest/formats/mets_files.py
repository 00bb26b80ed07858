"""The METS fileSec and page facts: the files an issue lists, their local paths (only inside the
METS folder), the page number of each file and the pixel size of each page image."""

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
_XML_MIMETYPES = ("text/xml", "application/xml", "application/alto+xml")


@dataclass
class MetsFile:
    file_id: str
    href: str
    path: Path | None
    mimetype: str
    use: str
    admid: tuple[str, ...] = ()

    @property
    def is_text(self) -> bool:
        """ALTO (or other XML) text, as opposed to images and PDFs."""
        if self.mimetype.lower() in _XML_MIMETYPES:
            return True
        return self.href.lower().endswith(".xml") and not self.mimetype.lower().startswith("image")

    @property
    def is_image(self) -> bool:
        return self.mimetype.lower().startswith("image")


def read_files(root: etree._Element, base: Path) -> dict[str, MetsFile]:
    """FILEID -> the file of every fileGrp, its href resolved next to ``base`` (the METS folder)."""
    files: dict[str, MetsFile] = {}
    for group in root.iter("{*}fileGrp"):
        use = group.get("USE", "") or group.get("ID", "")
        for f in group:
            if local_name(f) != "file" or not f.get("ID"):
                continue
            href = next((loc.get(XLINK, "") for loc in f if local_name(loc) == "FLocat"), "")
            files[f.get("ID")] = MetsFile(
                f.get("ID"), href, resolve_href(href, base) if href else None,
                f.get("MIMETYPE", ""), use, tuple(f.get("ADMID", "").split()),
            )
    return files


def resolve_href(href: str, base: Path) -> Path | None:
    """A local path for a FLocat href (``file://./text/x.xml``, ``text/x.xml``), or None for
    remote URLs and paths outside the METS folder. Absolute paths from the producing machine are
    retried next to the METS."""
    href = href.strip().replace("\\", "/")
    if href.lower().startswith("file://"):
        href = href[7:]
    elif re.match(r"^[a-z][a-z0-9+.\-]*:", href, re.IGNORECASE):
        return None  # http:, https:, urn: ... are never fetched
    href = urllib.parse.unquote(href)
    if not href or "\x00" in href:  # "%00" in a hostile href: no file has a NUL in its name
        return None
    try:
        return _local_path(Path(href), base)
    except (OSError, RuntimeError):  # names too long, symlink loops
        return None


def _local_path(candidate: Path, base: Path) -> Path | None:
    """Only files inside the METS file's folder tree: a hostile METS must not make ingestion read
    (and index) any file of this machine through an absolute or ``../`` href."""
    root = base.resolve()
    if not candidate.is_absolute():
        path = (base / candidate).resolve()
        return path if path.is_relative_to(root) else None
    for tail in (Path(candidate.parent.name) / candidate.name, Path(candidate.name)):
        path = (base / tail).resolve()
        if path.is_file() and path.is_relative_to(root):
            return path
    return None


def physical_pages(root: etree._Element, files: dict[str, MetsFile]) -> dict[str, int]:
    """FILEID -> page number from the PHYSICAL structMap (ORDER), else from file order."""
    page_of: dict[str, int] = {}
    physical = struct_map(root, "physical")
    if physical is not None:
        count = 0
        for div in physical.iter("{*}div"):
            if div_type(div) != "page":
                continue
            count += 1
            number = small_int(div.get("ORDER")) or count
            for el in div.iter("{*}fptr", "{*}area"):
                if el.get("FILEID"):
                    page_of.setdefault(el.get("FILEID"), number)
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
