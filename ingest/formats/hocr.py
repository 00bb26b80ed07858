"""hOCR as tesseract writes it: one Document per ``ocr_page``.

``ocr_par`` -> Block (or ``ocr_carea`` when a producer writes no paragraphs), ``ocr_line`` (and
tesseract's ``ocr_header``/``ocr_caption``/``ocr_textfloat``) -> Line, ``ocrx_word`` -> Word with
``bbox`` and ``x_wconf`` (0-100, scaled to [0, 1]). The page number is ``ppageno`` + 1.

Tesseract output is well-formed XHTML and goes through the safe XML parser; hOCR from other tools
that is only HTML (``&nbsp;``, unclosed tags) falls back to lxml's HTML parser, same guards.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from lxml import etree

from ragarchive.errors import ParseError
from ragarchive.types import Block, Box, Document, Line, Word

from . import ParseResult, base_id, page_from_name
from .xmlsafe import parse_html_bytes, parse_xml_bytes, read_bytes

_LINE_CLASSES = {"ocr_line", "ocrx_line", "ocr_header", "ocr_caption", "ocr_textfloat"}


def parse_hocr(path: Path) -> ParseResult:
    return parse_hocr_bytes(read_bytes(path), path)


def parse_hocr_bytes(data: bytes, path: Path, *, doc_id: str | None = None,
                     page: int | None = None, meta: dict[str, Any] | None = None) -> ParseResult:
    """Parse hOCR bytes. The image parser passes its own id, page number and metadata."""
    root = _parse(data, str(path))
    pages = [el for el in root.iter() if "ocr_page" in _classes(el)]
    if not pages:
        raise ParseError(f"{path}: no ocr_page element; not hOCR")
    system = _ocr_system(root)
    root_id = doc_id or base_id(path)
    docs = []
    for i, page_el in enumerate(pages):
        props = _title(page_el)
        number = page if page is not None else _page_number(props, path, i, len(pages))
        blocks, langs = _blocks(page_el, number)
        doc_meta: dict[str, Any] = {"format": "hocr", "box_unit": "pixel"}
        if system:
            doc_meta["ocr_system"] = system
        if props.get("image"):
            doc_meta["image"] = props["image"].strip('"')
        if langs:
            doc_meta["ocr_languages"] = dict(langs.most_common())
        doc_meta.update(meta or {})
        docs.append(Document(
            doc_id=root_id if len(pages) == 1 else f"{root_id}#p{number or i + 1}",
            source_path=str(path),
            blocks=blocks,
            pages=[number] if number is not None else [],
            meta=doc_meta,
        ))
    warnings = [] if any(d.blocks for d in docs) else ["no recognised text in this hOCR file"]
    return ParseResult(docs, warnings)


def _parse(data: bytes, name: str) -> etree._Element:
    try:
        return parse_xml_bytes(data, name)
    except ParseError as exc:
        if "not well-formed" not in str(exc):
            raise  # hostile, empty or binary: no second chance
        return parse_html_bytes(data, name)


def _page_number(props: dict[str, str], path: Path, i: int, count: int) -> int | None:
    ppageno = props.get("ppageno", "").split()
    if ppageno and ppageno[0].isdigit():
        return int(ppageno[0]) + 1
    if count > 1:
        return i + 1
    return page_from_name(path)


def _blocks(page_el: etree._Element, page: int | None) -> tuple[list[Block], Counter[str]]:
    langs: Counter[str] = Counter()
    containers = [el for el in page_el.iter() if "ocr_par" in _classes(el)]
    if not containers:
        containers = [el for el in page_el.iter() if "ocr_carea" in _classes(el)]
    if not containers:
        containers = [page_el]
    blocks = []
    for el in containers:
        lines = [_line(ln) for ln in el.iter() if _classes(ln) & _LINE_CLASSES]
        lines = [ln for ln in lines if ln.words]
        if not lines:
            continue
        lang = el.get("lang") or el.get("{http://www.w3.org/XML/1998/namespace}lang")
        if lang:
            langs[lang] += sum(len(ln.words) for ln in lines)
        blocks.append(Block(lines, page, _title_box(el), el.get("id")))
    return blocks, langs


def _line(el: etree._Element) -> Line:
    words = []
    word_els = [w for w in el.iter() if "ocrx_word" in _classes(w)]
    if word_els:
        for w in word_els:
            text = " ".join("".join(w.itertext()).split())
            if text:
                props = _title(w)
                words.append(Word(text, _wconf(props), _bbox(props)))
    else:  # a producer that marks lines only
        words = [Word(t) for t in "".join(el.itertext()).split()]
    return Line(words)


def _classes(el: etree._Element) -> set[str]:
    value = el.get("class") if isinstance(el.tag, str) else None
    return set(value.split()) if value else set()


def _title(el: etree._Element) -> dict[str, str]:
    """``title="bbox 1 2 3 4; x_wconf 96"`` -> {"bbox": "1 2 3 4", "x_wconf": "96"}."""
    props = {}
    for part in re.split(r";\s*", el.get("title") or ""):
        key, _, value = part.strip().partition(" ")
        if key:
            props[key] = value.strip()
    return props


def _bbox(props: dict[str, str]) -> Box | None:
    nums = props.get("bbox", "").split()
    if len(nums) != 4:
        return None
    try:
        x0, y0, x1, y1 = (round(float(n)) for n in nums)
    except ValueError:
        return None
    return x0, y0, max(0, x1 - x0), max(0, y1 - y0)


def _title_box(el: etree._Element) -> Box | None:
    return _bbox(_title(el))


def _wconf(props: dict[str, str]) -> float | None:
    try:
        value = float(props.get("x_wconf", "").split()[0])
    except (ValueError, IndexError):
        return None
    return min(1.0, max(0.0, value / 100.0))


def _ocr_system(root: etree._Element) -> str | None:
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.rsplit("}", 1)[-1] == "meta" \
                and el.get("name") == "ocr-system":
            return el.get("content")
    return None
