"""ALTO pages (v2, v3, v4 and the older CCS namespace): one Document per ``Page``.

Elements are matched by local name, so every ALTO namespace (and none) reads the same way.
``TextBlock`` -> Block, ``TextLine`` -> Line, ``String`` -> Word with its ``WC`` confidence and
``HPOS/VPOS/WIDTH/HEIGHT`` box. Hyphenation is kept as the source states it: a ``HypPart1`` word
carries the hyphen of the following ``HYP`` element in its text ("Regie-") and both parts carry
``SUBS_CONTENT`` (the whole word) and ``hyp_part`` 1/2, so cleaning can join them exactly.

The METS parser reuses :func:`read_alto` and looks blocks up by ID in :attr:`AltoFile.index`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ragarchive.errors import ParseError
from ragarchive.types import Block, Box, Document, Line, Word

from .common import ParseResult, base_id, finite_coordinate, page_from_name, small_int
from .xmlsafe import local_name, namespace, parse_xml

_VERSIONS = {
    "http://www.loc.gov/standards/alto/ns-v2#": "v2",
    "http://www.loc.gov/standards/alto/ns-v3#": "v3",
    "http://www.loc.gov/standards/alto/ns-v4#": "v4",
    "http://schema.ccs-gmbh.com/ALTO": "ccs",
    "": "none",
}
# Elements whose IDs a METS area may point at and which can hold TextBlocks.
_CONTAINERS = {"Page", "PrintSpace", "TopMargin", "BottomMargin", "LeftMargin", "RightMargin",
               "ComposedBlock", "Illustration", "GraphicalElement", "TextBlock"}
_HYP_PARTS = {"HypPart1": 1, "HypPart2": 2}


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

    @property
    def blocks(self) -> list[Block]:
        return [b for p in self.pages for b in p.blocks]


def parse_alto(path: Path) -> ParseResult:
    """A standalone ALTO file: one Document per page."""
    alto = read_alto(path)
    warnings: list[str] = []
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
    return alto


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
    width, height = _num(page_el.get("WIDTH")), _num(page_el.get("HEIGHT"))
    if not width or not height or not image[0] or not image[1]:
        return None
    return image[0] / width, image[1] / height


def _read_page(page_el: etree._Element, number: int | None, scale: tuple[float, float] | None,
               alto: AltoFile) -> AltoPage:
    page = AltoPage(number, [], _num(page_el.get("WIDTH")), _num(page_el.get("HEIGHT")),
                    page_el.get("ID"))
    for tb in page_el.iter("{*}TextBlock"):
        block, line_blocks = _read_block(tb, number, scale)
        if not block.lines:
            _register(alto, tb, None)
            continue
        page.blocks.append(block)
        alto.order[id(block)] = len(alto.order)
        _register(alto, tb, block)
        for line_id, line_block in line_blocks:
            alto.index.setdefault(line_id, []).append(line_block)
            alto.order[id(line_block)] = alto.order[id(block)]
    # Containers without any text (pictures, empty ComposedBlocks) are still known IDs.
    for el in page_el.iter():
        if local_name(el) in _CONTAINERS and el.get("ID"):
            alto.index.setdefault(el.get("ID"), [])
    return page


def _register(alto: AltoFile, tb: etree._Element, block: Block | None) -> None:
    """Index the block under its own ID and every enclosing container's ID."""
    el: etree._Element | None = tb
    while el is not None:
        el_id = el.get("ID")
        if el_id and local_name(el) in _CONTAINERS:
            bucket = alto.index.setdefault(el_id, [])
            if block is not None:
                bucket.append(block)
        if local_name(el) == "Page":
            break
        el = el.getparent()


def _read_block(tb: etree._Element, page: int | None, scale: tuple[float, float] | None
                ) -> tuple[Block, list[tuple[str, Block]]]:
    lines: list[Line] = []
    line_blocks: list[tuple[str, Block]] = []
    for tl in tb.iter("{*}TextLine"):
        if next(tl.iterancestors("{*}TextBlock")) is not tb:
            continue  # a TextBlock inside this one reads it: nested text must not repeat per level
        words = _read_line(tl, scale)
        if not words:
            continue
        line = Line(words)
        lines.append(line)
        if tl.get("ID"):
            line_blocks.append((tl.get("ID"), Block([line], page, _box(tl, scale), tl.get("ID"))))
    box = _box(tb, scale) or _union(w.box for ln in lines for w in ln.words)
    return Block(lines, page, box, tb.get("ID")), line_blocks


def _read_line(tl: etree._Element, scale: tuple[float, float] | None) -> list[Word]:
    words: list[Word] = []
    for el in tl:
        name = local_name(el)
        if name == "String":
            word = _read_string(el, scale)
            if word is not None:
                words.append(word)
        elif name == "HYP" and words:
            words[-1] = _with_hyphen(words[-1], el.get("CONTENT") or "-")
    return words


def _read_string(el: etree._Element, scale: tuple[float, float] | None) -> Word | None:
    text = (el.get("CONTENT") or "").strip()
    if not text:
        return None
    hyp_part = _HYP_PARTS.get(el.get("SUBS_TYPE", ""), 0)
    subs = el.get("SUBS_CONTENT") if hyp_part else None
    return Word(text, _conf(el), _box(el, scale), subs or None, hyp_part)


def _with_hyphen(word: Word, hyphen: str) -> Word:
    """The printed hyphen (from HYP) belongs at the end of the word before it, unless already there."""
    if word.text.endswith(("-", "¬", "⸗", "=", "\u00ad", hyphen)):
        return word
    return dataclasses.replace(word, text=word.text + hyphen)


def _conf(el: etree._Element) -> float | None:
    wc = _num(el.get("WC"))
    if wc is not None:
        if 1.0 < wc <= 100.0:  # some producers write percentages
            wc /= 100.0
        return wc if 0.0 <= wc <= 1.0 else None
    # CC: one digit per character, 0 = sure ... 9 = unsure; used when WC is absent.
    cc = [int(c) for c in (el.get("CC") or "") if c in "0123456789"]
    return round(1.0 - sum(cc) / (9.0 * len(cc)), 4) if cc else None


def _box(el: etree._Element, scale: tuple[float, float] | None) -> Box | None:
    vals = [_num(el.get(a)) for a in ("HPOS", "VPOS", "WIDTH", "HEIGHT")]
    if any(v is None for v in vals):
        return None
    x, y, w, h = vals  # type: ignore[misc]
    sx, sy = scale or (1.0, 1.0)
    box = (x * sx, y * sy, w * sx, h * sy)
    if not all(finite_coordinate(v) for v in box):
        return None  # broken or hostile numbers (scaling can also overflow to inf)
    return round(box[0]), round(box[1]), round(box[2]), round(box[3])


def _union(boxes: Any) -> Box | None:
    boxes = [b for b in boxes if b]
    if not boxes:
        return None
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return x0, y0, x1 - x0, y1 - y0


def _num(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)
    except ValueError:
        return None
    return f if f == f and abs(f) != float("inf") else None


def _first_text(root: etree._Element, name: str) -> str | None:
    for el in root.iter(f"{{*}}{name}"):
        return el.text
    return None
