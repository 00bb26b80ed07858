"""ALTO pages (v2, v3, v4 and the older CCS namespace): one Document per ``Page``.

Elements are matched by local name, so every ALTO namespace (and none) reads the same way.
``TextBlock`` -> Block, ``TextLine`` -> Line, ``String`` -> Word with its ``WC`` confidence and
``HPOS/VPOS/WIDTH/HEIGHT`` box. Hyphenation is kept as the source states it: a ``HypPart1`` word
carries the hyphen of the following ``HYP`` element in its text ("Regie-") and both parts carry
``SUBS_CONTENT`` (the whole word) and ``hyp_part`` 1/2, so cleaning can join them exactly.

The page layout (blocks, lines, words, and what is read where the structure is unusual) is in
:mod:`.alto_layout`. The METS parser reuses :func:`read_alto` and looks blocks up by ID in
:attr:`AltoFile.index`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ragarchive.errors import ParseError
from ragarchive.types import Block, Document

from .alto_layout import num, read_blocks, read_string
from .common import ParseResult, base_id, page_from_name, small_int
from .xmlsafe import local_name, namespace, parse_xml

_VERSIONS = {
    "http://www.loc.gov/standards/alto/ns-v2#": "v2",
    "http://www.loc.gov/standards/alto/ns-v3#": "v3",
    "http://www.loc.gov/standards/alto/ns-v4#": "v4",
    "http://schema.ccs-gmbh.com/ALTO": "ccs",
    "": "none",
}
@dataclass
class AltoPage:
    number: int | None
    blocks: list[Block]
    width: float | None = None
    height: float | None = None
    page_id: str | None = None


@dataclass
class AltoFile:
    path: Path
    version: str
    unit: str  # MeasurementUnit as declared: pixel, mm10 or inch1200
    box_unit: str  # the unit boxes are in after scaling ("pixel" when converted)
    pages: list[AltoPage]
    # element ID (Page, PrintSpace, ComposedBlock, TextBlock, TextLine ...) -> its text blocks
    index: dict[str, list[Block]] = field(default_factory=dict)
    order: dict[int, int] = field(default_factory=dict)  # id(block) -> position in the file
    warnings: list[str] = field(default_factory=list)  # text the file has but no page reads

    @property
    def blocks(self) -> list[Block]:
        return [b for p in self.pages for b in p.blocks]


def parse_alto(path: Path) -> ParseResult:
    """A standalone ALTO file: one Document per page."""
    alto = read_alto(path)
    warnings: list[str] = list(alto.warnings)
    if alto.unit != "pixel":
        warnings.append(
            f"boxes kept in ALTO {alto.unit} units (no image size to convert them to pixels)"
        )
    docs = []
    many = len(alto.pages) > 1
    root_id = base_id(path)
    for i, page in enumerate(alto.pages, 1):
        doc_id = f"{root_id}#p{page.number or i}" if many else root_id
        pages = [page.number] if page.number is not None else []
        docs.append(
            Document(
                doc_id=doc_id,
                source_path=str(path),
                blocks=page.blocks,
                pages=pages,
                meta=_page_meta(alto, page),
            )
        )
    if not any(d.blocks for d in docs):
        warnings.append("no text in this ALTO file")
    return ParseResult(docs, warnings)


def _page_meta(alto: AltoFile, page: AltoPage) -> dict[str, Any]:
    return {
        "format": "alto",
        "alto_version": alto.version,
        "measurement_unit": alto.unit,
        "box_unit": alto.box_unit,
        "page_width": page.width,
        "page_height": page.height,
        "hyphenated_words": sum(
            1 for b in page.blocks for ln in b.lines for w in ln.words if w.hyp_part == 1
        ),
    }


def read_alto(path: Path, *, image_sizes: dict[int, tuple[int, int]] | None = None,
              page_hint: int | None = None) -> AltoFile:
    """Parse an ALTO file. ``image_sizes`` (page number -> pixel width, height), when known from
    METS, lets boxes in mm10/inch1200 be converted to image pixels."""
    root = parse_xml(path)
    if local_name(root) != "alto":
        raise ParseError(f"{path}: root element is <{local_name(root)}>, not <alto>")
    unit = (_first_text(root, "MeasurementUnit") or "pixel").strip().lower()
    # A Page inside a Page (not valid ALTO) is read as part of the outer one: its text once.
    pages_el = [p for p in root.iter("{*}Page") if next(p.iterancestors("{*}Page"), None) is None]
    if not pages_el:
        raise ParseError(f"{path}: ALTO file has no <Page> element")
    version = _VERSIONS.get(namespace(root), "unknown")
    alto = AltoFile(path, version, unit, unit, [])
    for i, page_el in enumerate(pages_el):
        number = _page_number(page_el, path, page_hint if len(pages_el) == 1 else None, i)
        scale = _scale(page_el, unit, (image_sizes or {}).get(number) if number else None)
        if scale:
            alto.box_unit = "pixel"
        alto.pages.append(_read_page(page_el, number, scale, alto))
    stray = _outside_pages(root, pages_el)
    if stray:
        alto.warnings.append(stray)
    return alto


def _outside_pages(root: etree._Element, pages: list[etree._Element]) -> str | None:
    """A warning naming the Strings outside every ``Page`` (not read), or None."""
    inside = sum(1 for p in pages for _ in p.iter("{*}String"))
    if inside == sum(1 for _ in root.iter("{*}String")):
        return None
    lost = [w.text for s in root.iter("{*}String")
            if next(s.iterancestors("{*}Page"), None) is None
            for w in [read_string(s, None)] if w is not None]
    if not lost:
        return None
    more = f" and {len(lost) - 3} more" if len(lost) > 3 else ""
    return (f"{len(lost)} String(s) outside any <Page> not read: "
            + ", ".join(repr(t) for t in lost[:3]) + more)


def _page_number(page_el: etree._Element, path: Path, hint: int | None, i: int) -> int | None:
    if hint:  # the METS physical order is authoritative for an issue
        return hint
    for attr in ("PHYSICAL_IMG_NR", "PRINTED_IMG_NR"):
        value = small_int(page_el.get(attr))
        if value:
            return value
    from_name = page_from_name(path)
    return (from_name + i) if from_name else None


def _scale(page_el: etree._Element, unit: str, image: tuple[int, int] | None
           ) -> tuple[float, float] | None:
    """Factors taking page units to image pixels, when the unit is not pixels and both sizes are
    known (METS mix metadata gives the image size)."""
    if unit == "pixel" or not image:
        return None
    width, height = num(page_el.get("WIDTH")), num(page_el.get("HEIGHT"))
    if not width or not height or not image[0] or not image[1]:
        return None
    return image[0] / width, image[1] / height


def _read_page(page_el: etree._Element, number: int | None, scale: tuple[float, float] | None,
               alto: AltoFile) -> AltoPage:
    page = AltoPage(number, [], num(page_el.get("WIDTH")), num(page_el.get("HEIGHT")),
                    page_el.get("ID"))
    page.blocks = read_blocks(page_el, number, scale, alto.index, alto.order)
    return page


def _first_text(root: etree._Element, name: str) -> str | None:
    for el in root.iter(f"{{*}}{name}"):
        return el.text
    return None
