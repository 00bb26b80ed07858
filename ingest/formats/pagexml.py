"""PAGE XML (Transkribus, eScriptorium, OCR-D; 2010-2019 namespaces): one Document per ``Page``.

``TextRegion`` -> Block (its ``Coords`` polygon -> bounding box), in ``ReadingOrder`` when the
file has one; ``TextLine`` -> Line; ``Word`` -> Word with ``TextEquiv/Unicode`` and the
TextEquiv ``conf``. Lines without Word elements are split on whitespace, each word taking the
line's confidence (the finest the file states). Elements are matched by local name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from ragarchive.errors import ParseError
from ragarchive.types import Block, Box, Document, Line, Word

from .common import ParseResult, base_id, finite_coordinate, norm_language, page_from_name
from .xmlsafe import local_name, namespace, parse_xml


def parse_pagexml(path: Path) -> ParseResult:
    root = parse_xml(path)
    if local_name(root) != "PcGts":
        raise ParseError(f"{path}: root element is <{local_name(root)}>, not PAGE <PcGts>")
    pages = [el for el in root if local_name(el) == "Page"]
    if not pages:
        raise ParseError(f"{path}: PAGE file has no <Page> element")
    warnings: list[str] = []
    docs = []
    root_id = base_id(path)
    first = page_from_name(path)
    for i, page_el in enumerate(pages):
        image = page_el.get("imageFilename")
        if first:
            number: int | None = first + i
        elif image and page_from_name(Path(image.replace("\\", "/"))):
            number = page_from_name(Path(image.replace("\\", "/")))
        else:
            number = i + 1 if len(pages) > 1 else None
        blocks = [b for b in (_region(r, number) for r in _regions(page_el)) if b.lines]
        language = page_el.get("primaryLanguage")
        docs.append(Document(
            doc_id=root_id if len(pages) == 1 else f"{root_id}#p{number or i + 1}",
            source_path=str(path),
            blocks=blocks,
            language=norm_language(language) if language else None,
            pages=[number] if number is not None else [],
            meta=_meta(root, page_el),
        ))
    if not any(d.blocks for d in docs):
        warnings.append("no text in this PAGE file")
    return ParseResult(docs, warnings)


def _meta(root: etree._Element, page_el: etree._Element) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "format": "pagexml",
        "page_namespace": namespace(root),
        "box_unit": "pixel",
        "image": page_el.get("imageFilename"),
        "page_width": _int(page_el.get("imageWidth")),
        "page_height": _int(page_el.get("imageHeight")),
    }
    for el in root.iter("{*}Creator"):
        meta["creator"] = (el.text or "").strip() or None
        break
    return meta


def _regions(page_el: etree._Element) -> list[etree._Element]:
    """TextRegions with lines, in reading order; regions the order omits follow in file order."""
    regions = [r for r in page_el.iter("{*}TextRegion")]
    by_id = {r.get("id"): r for r in regions if r.get("id")}
    ordered: list[etree._Element] = []
    for ro in page_el.iter("{*}ReadingOrder"):
        for ref in _order_refs(ro):
            region = by_id.pop(ref, None)
            if region is not None:
                ordered.append(region)
        break
    placed = {id(r) for r in ordered}
    return ordered + [r for r in regions if id(r) not in placed]


def _order_refs(group: etree._Element) -> list[str]:
    refs: list[str] = []
    children = [c for c in group if isinstance(c.tag, str)]
    if any(c.get("index") is not None for c in children):
        children.sort(key=lambda c: _int(c.get("index")) or 0)
    for child in children:
        if child.get("regionRef"):
            refs.append(child.get("regionRef"))
        refs += _order_refs(child)
    return refs


def _region(region: etree._Element, page: int | None) -> Block:
    lines = []
    for tl in region:
        if local_name(tl) != "TextLine":
            continue
        line = _line(tl)
        if line.words:
            lines.append(line)
    nested = any(local_name(c) == "TextRegion" for c in region)
    if not lines and not nested:  # a region transcribed as a whole (not a mere container)
        text, conf = _text_equiv(region)
        lines = [Line([Word(t, conf) for t in row.split()]) for row in text.splitlines()]
        lines = [ln for ln in lines if ln.words]
    return Block(lines, page, _coords_box(region), region.get("id"))


def _line(tl: etree._Element) -> Line:
    word_els = [w for w in tl if local_name(w) == "Word"]
    words = []
    for w in word_els:
        text, conf = _text_equiv(w)
        text = " ".join(text.split())
        if text:
            words.append(Word(text, conf, _coords_box(w)))
    if words:
        return Line(words)
    text, conf = _text_equiv(tl)
    return Line([Word(t, conf) for t in text.split()])


def _text_equiv(el: etree._Element) -> tuple[str, float | None]:
    """The element's own TextEquiv: the one with the lowest ``index`` (PAGE's first choice)."""
    equivs = [c for c in el if local_name(c) == "TextEquiv"]
    if not equivs:
        return "", None
    equivs.sort(key=lambda e: _int(e.get("index")) or 0)  # unreadable index: first
    best = equivs[0]
    unicode_el = next((c for c in best if local_name(c) == "Unicode"), None)
    text = "".join(unicode_el.itertext()) if unicode_el is not None else ""
    return text, _conf(best.get("conf"))


def _coords_box(el: etree._Element) -> Box | None:
    coords = next((c for c in el if local_name(c) == "Coords"), None)
    if coords is None:
        return None
    points: list[tuple[float, float]] = []
    if coords.get("points"):
        for pair in coords.get("points", "").split():
            x, _, y = pair.partition(",")
            try:
                points.append((float(x), float(y)))
            except ValueError:
                continue
    else:  # PAGE 2010: <Point x= y=/> children
        for p in coords:
            if local_name(p) == "Point":
                try:
                    points.append((float(p.get("x", "")), float(p.get("y", ""))))
                except ValueError:
                    continue
    points = [p for p in points if finite_coordinate(p[0]) and finite_coordinate(p[1])]
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, y0 = round(min(xs)), round(min(ys))
    return x0, y0, round(max(xs)) - x0, round(max(ys)) - y0


def _conf(value: str | None) -> float | None:
    try:
        f = float(value) if value is not None else None
    except ValueError:
        return None
    return f if f is not None and 0.0 <= f <= 1.0 else None


def _int(value: str | None) -> int | None:
    try:
        f = float(value) if value is not None else None
    except ValueError:
        return None
    return int(f) if f is not None and finite_coordinate(f) else None
