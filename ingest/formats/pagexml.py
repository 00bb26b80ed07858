"""PAGE XML (Transkribus, eScriptorium, OCR-D; 2010-2019 namespaces): one Document per ``Page``.

``TextRegion`` -> Block (its ``Coords`` polygon -> bounding box), in ``ReadingOrder`` when the
file has one; ``TextLine`` -> Line; ``Word`` -> Word with ``TextEquiv/Unicode`` and the
TextEquiv ``conf``. Lines without Word elements are split on whitespace, each word taking the
line's confidence (the finest the file states). Elements are matched by local name.

No text is left out: any other element that holds lines or its own ``TextEquiv`` is a block too
(Transkribus' ``TableCell``, a region type we do not know, lines straight under the ``Page``), at
the place the reading order gives the region it is in; a ``Word`` without ``TextEquiv`` takes its
``Glyph``s' text; text outside every ``Page`` is named in a warning.
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
        blocks = [b for b in _blocks(page_el, number) if b.lines]
        language = page_el.get("primaryLanguage")
        docs.append(Document(
            doc_id=root_id if len(pages) == 1 else f"{root_id}#p{number or i + 1}",
            source_path=str(path),
            blocks=blocks,
            language=norm_language(language) if language else None,
            pages=[number] if number is not None else [],
            meta=_meta(root, page_el),
        ))
    stray = _outside_pages(root)
    if stray:
        warnings.append(stray)
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


def _blocks(page_el: etree._Element, page: int | None) -> list[Block]:
    """Every element that holds text, as a block, in reading order.

    A holder is the ``Page``, a ``TextRegion`` or any other element outside a line with
    ``TextLine`` or ``TextEquiv`` children (a Transkribus ``TableCell``, a region type we do not
    know); its lines are the ``TextLine``s (and runs of ``Word``s outside any line) it is the
    nearest holder of, a line's words the ``Word``s it is the nearest line of. One walk: a
    holder's block is made when it closes, so whether a holder inside it has text is known by
    then. Blocks go with the nearest enclosing element the ``ReadingOrder`` names (a
    ``TableRegion`` it names brings its cells), in its order; the rest follow in file order.
    """
    refs = list(dict.fromkeys(_reading_order(page_el)))
    wanted = set(refs)
    slots: list[tuple[str | None, _Holder]] = []  # in document order of the holders' starts
    holders: list[_Holder] = []
    anchors: list[tuple[etree._Element, str]] = []
    lines: list[_LineEls] = []  # the TextLines open around the current element
    in_word = 0  # Words open outside any line
    for event, el in etree.iterwalk(page_el, events=("start", "end")):
        name = local_name(el)
        if event == "start":
            if wanted and el.get("id") in wanted:
                anchors.append((el, el.get("id")))
            if name == "TextLine":
                lines.append(_LineEls(el))
                holders[-1].add_line(lines[-1])
            elif name == "Word":
                if lines:
                    lines[-1].words.append(el)
                else:
                    holders[-1].add_word(el)
                    in_word += 1
            elif not holders or (not lines and not in_word and name and _holds_text(el, name)):
                holders.append(_Holder(el))
                slots.append((anchors[-1][1] if anchors else None, holders[-1]))
            continue
        if name == "TextLine":
            lines.pop()
        elif name == "Word" and not lines:
            in_word -= 1
        elif holders[-1].el is el:
            holder = holders.pop()
            has_text = holder.close(page)
            if holders:
                holders[-1].inner_text = holders[-1].inner_text or has_text
        if anchors and anchors[-1][0] is el:
            anchors.pop()
    placed: dict[str | None, list[Block]] = {}
    for anchor, holder in slots:
        if holder.block is not None:
            placed.setdefault(anchor, []).append(holder.block)
    return [b for ref in refs for b in placed.get(ref, [])] + placed.get(None, [])


class _LineEls:
    """A ``TextLine`` (or, with ``el`` None, a run of Words outside any line) and its Words."""

    __slots__ = ("el", "words")

    def __init__(self, el: etree._Element | None) -> None:
        self.el = el
        self.words: list[etree._Element] = []


class _Holder:
    """An element that holds text: its lines, then its block when it closes."""

    __slots__ = ("el", "lines", "inner_text", "block", "_run")

    def __init__(self, el: etree._Element) -> None:
        self.el = el
        self.lines: list[_LineEls] = []
        self.inner_text = False  # a holder inside this one has text
        self.block: Block | None = None
        self._run: _LineEls | None = None

    def add_line(self, line: _LineEls) -> None:
        self.lines.append(line)
        self._run = None

    def add_word(self, word: etree._Element) -> None:
        """A Word outside any line: consecutive ones are read as one line."""
        if self._run is None:
            self._run = _LineEls(None)
            self.lines.append(self._run)
        self._run.words.append(word)

    def close(self, page: int | None) -> bool:
        lines = [ln for ln in (_line(x) for x in self.lines) if ln.words]
        if not lines and not self.inner_text:  # transcribed as a whole, not a mere container
            text, conf = _text_equiv(self.el)
            lines = [Line([Word(t, conf) for t in row.split()]) for row in text.splitlines()]
            lines = [ln for ln in lines if ln.words]
        self.block = Block(lines, page, _coords_box(self.el), self.el.get("id"))
        return bool(lines) or self.inner_text


def _holds_text(el: etree._Element, name: str) -> bool:
    if name == "TextRegion":
        return True
    if name in _NOT_HOLDERS:
        return False
    return any(local_name(c) in ("TextLine", "TextEquiv") for c in el)


# Elements whose TextEquiv their Word reads (or that are no text of the page).
_NOT_HOLDERS = {"Glyph", "Grapheme", "GraphemeGroup", "NonPrintingChar", "TextEquiv"}


def _reading_order(page_el: etree._Element) -> list[str]:
    for ro in page_el.iter("{*}ReadingOrder"):
        return _order_refs(ro)
    return []


def _outside_pages(root: etree._Element) -> str | None:
    """A warning naming the text the file has outside every ``Page`` (not read), or None."""
    lost = []
    for child in root:
        if local_name(child) == "Page":
            continue
        for uni in child.iter("{*}Unicode"):
            equiv = uni.getparent()
            owner = equiv.getparent() if equiv is not None else None
            if owner is not None and "".join(uni.itertext()).strip():
                lost.append(owner)
    if not lost:
        return None
    named = ", ".join(f"<{local_name(el)}" + (f" id={el.get('id')!r}>" if el.get("id") else ">")
                      for el in lost[:3])
    more = f" and {len(lost) - 3} more" if len(lost) > 3 else ""
    return f"{len(lost)} text element(s) outside any <Page> not read: {named}{more}"


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


def _line(line: _LineEls) -> Line:
    """The line's Words; its own TextEquiv when it has none, or when some of its Words have no
    text and the line's text has more words than they do (so nothing of the line is lost)."""
    words: list[Word] = []
    empty = False
    for w in line.words:
        text, conf = _text_equiv(w)
        if not text.strip():  # no TextEquiv of its own: its Glyphs' text, if any
            text, conf = "".join(_text_equiv(g)[0] for g in w if local_name(g) == "Glyph"), None
        text = " ".join(text.split())
        if text:
            words.append(Word(text, conf, _coords_box(w)))
        else:
            empty = True
    if line.el is None:
        return Line(words)
    text, conf = _text_equiv(line.el)
    if words and not (empty and len(text.split()) > sum(len(w.text.split()) for w in words)):
        return Line(words)
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
