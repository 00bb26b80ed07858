"""hOCR as tesseract writes it: one Document per ``ocr_page``.

``ocr_par`` -> Block (or ``ocr_carea`` when a producer writes no paragraphs), ``ocr_line`` (and
tesseract's ``ocr_header``/``ocr_caption``/``ocr_textfloat``) -> Line, ``ocrx_word`` -> Word with
``bbox`` and ``x_wconf`` (0-100, scaled to [0, 1]). The page number is ``ppageno`` + 1. No text
of a page is left out: lines outside blocks, words and text outside lines are read where they
stand (see :func:`_blocks`); lines and words outside every ``ocr_page`` are named in a warning.

Tesseract output is well-formed XHTML and goes through the safe XML parser; hOCR from other tools
that is only HTML (``&nbsp;``, unclosed tags) falls back to lxml's HTML parser, same guards.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lxml import etree

from ragarchive.errors import ParseError
from ragarchive.types import Block, Box, Document, Line, Word

from .common import ParseResult, base_id, finite_coordinate, page_from_name, small_int
from .xmlsafe import parse_html_bytes, parse_xml_bytes, read_bytes

_NO_CLASSES: frozenset[str] = frozenset()
_LINE_CLASSES = {"ocr_line", "ocrx_line", "ocr_header", "ocr_caption", "ocr_textfloat"}
_BREAKS = {"br", "{http://www.w3.org/1999/xhtml}br"}
_TEXT_CLASSES = _LINE_CLASSES | {"ocrx_word", "ocr_par", "ocr_carea"}


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
    stray = _outside_pages(root)
    if stray:
        warnings.insert(0, stray)
    return ParseResult(docs, warnings)


def _parse(data: bytes, name: str) -> etree._Element:
    try:
        return parse_xml_bytes(data, name)
    except ParseError as exc:
        if "not well-formed" not in str(exc):
            raise  # hostile, empty or binary: no second chance
        return parse_html_bytes(data, name)


def _outside_pages(root: etree._Element) -> str | None:
    """A warning naming the lines and words outside every ``ocr_page`` (not read), or None."""
    lost: list[etree._Element] = []
    walker = etree.iterwalk(root, events=("start",))
    for _, el in walker:
        classes = _classes(el)
        if "ocr_page" in classes:
            walker.skip_subtree()
        elif classes & _TEXT_CLASSES and "".join(el.itertext()).strip():
            lost.append(el)
            walker.skip_subtree()  # its words are in it: counted once
    if not lost:
        return None
    named = ", ".join(f"{sorted(_classes(el) & _TEXT_CLASSES)[0]}"
                      + (f" {el.get('id')!r}" if el.get("id") else "") for el in lost[:3])
    more = f" and {len(lost) - 3} more" if len(lost) > 3 else ""
    return f"{len(lost)} line(s) or word(s) outside any ocr_page not read: {named}{more}"


def _page_number(props: dict[str, str], path: Path, i: int, count: int) -> int | None:
    ppageno = small_int((props.get("ppageno", "").split() or [""])[0])
    if ppageno is not None:
        return ppageno + 1
    if count > 1:
        return i + 1
    return page_from_name(path)


def _blocks(page_el: etree._Element, page: int | None) -> tuple[list[Block], Counter[str]]:
    """The page's blocks, each with the lines it owns, each line with its words, in one pass.

    Every line belongs to its innermost block, every word to its innermost line and every piece of
    text to its innermost line or word. Asking each block for all its descendant lines (and each
    line for its descendant words) instead repeats nested content once per level, which a hostile
    file nested a hundred levels deep turns into minutes and gigabytes. Objects are built as their
    elements close, so nothing but the result outlives the walk (cheap for the garbage collector).

    Lines outside any block (ocropy and kraken put headings and first paragraphs straight under
    the page or an ``ocr_carea``) are collected by the nearest such element (:class:`_Bare`) and
    become blocks of their own, one per run of consecutive lines, in document order. Words and
    text outside any line (a converter that marks paragraphs and words only) are lines of the
    element that holds them (:class:`_Acc` without a line element), so nothing is left out.
    """
    container_class = _container_class(page_el)
    langs: Counter[str] = Counter()
    blocks: list[Block] = []
    # For each open element: the lines of its block (a list, or the _Bare collecting lines outside
    # any block), the line its words and text go to (an ocr_line, or the block's own words outside
    # lines), the text of the word it is in (None outside words), and what it opened.
    stack: list[tuple[list | _Bare | None, _Acc | None, list | None, str]] = []
    walker = etree.iterwalk(page_el, events=("start", "end"))
    for event, el in walker:
        if event == "start":
            if not stack:  # the page itself collects the lines outside any block
                stack.append((_Bare(el), _Acc(None), None, "bare"))
                continue
            lines, acc, text, _ = stack[-1]
            value = el.get("class")  # comments answer None too
            classes = set(value.split()) if value else _NO_CLASSES
            opened = ""
            if "ocr_page" in classes:  # a page inside a page is read as a page of its own
                walker.skip_subtree()
                lines = acc = text = None
            elif container_class and container_class in classes:
                _flush(lines, acc, blocks, page, langs)
                _split(lines, blocks, page, langs)
                lines, acc, text, opened = [], _Acc(None), None, "block"
            elif "ocr_carea" in classes and isinstance(lines, _Bare):  # an area of bare lines
                _flush(lines, acc, blocks, page, langs)
                _split(lines, blocks, page, langs)
                lines, acc, text, opened = _Bare(el), _Acc(None), None, "bare"
            elif classes & _LINE_CLASSES:
                _flush(lines, acc, blocks, page, langs)  # words outside lines come first
                acc, text, opened = _Acc(el), None, "line"
            elif "ocrx_word" in classes:
                if text is None and acc is not None:
                    acc.cut()  # the line's text before this word is words of their own
                text, opened = [], "word"
            piece = " " if el.tag in _BREAKS else el.text if isinstance(el.tag, str) else None
            target = text if text is not None else acc.text if acc is not None else None
            if piece and target is not None:  # a <br/> separates the words around it
                target.append(piece)
            stack.append((lines, acc, text, opened))
            continue
        lines, acc, text, opened = stack.pop()
        if opened == "word" and acc is not None:
            word = _word(el, text)
            if acc.el is None:  # words outside lines: a word on the next row starts a new line
                if acc.starts_below(word):
                    _flush(lines, acc, blocks, page, langs)
                acc.first_id = acc.first_id or el.get("id")
            acc.words.append(word)
        elif opened == "line" and lines is not None and acc is not None:
            line = acc.take()
            if line.words:
                if isinstance(lines, _Bare):
                    lines.add(line, _title_box(el), el.get("id"))
                else:
                    lines.append(line)
        elif opened == "block" and isinstance(lines, list):
            _flush(lines, acc, blocks, page, langs)
            if lines:
                blocks.append(_block(el, lines, page, langs))
        elif opened == "bare" and isinstance(lines, _Bare):
            _flush(lines, acc, blocks, page, langs)
            lines.flush(blocks, page, langs, closing=True)
        if stack and el.tail:
            _, parent_acc, parent_text, _ = stack[-1]
            if parent_text is not None:
                parent_text.append(el.tail)
            elif parent_acc is not None:
                parent_acc.text.append(el.tail)
    return blocks, langs


class _Acc:
    """The words and loose text of one line: an ``ocr_line`` (``el``), or with ``el`` None the
    words and text a block (or a page or area of bare lines) holds outside any line."""

    __slots__ = ("el", "words", "text", "first_id")

    def __init__(self, el: etree._Element | None) -> None:
        self.el = el
        self.words: list[Word | None] = []  # None: a word element without text
        self.text: list[str] = []
        self.first_id: str | None = None  # outside lines: the id of the line's first word

    def cut(self) -> None:
        """Text collected so far (outside any word) becomes words, in its place."""
        if self.text:
            self.words.extend(Word(t) for t in "".join(self.text).split())
            self.text = []

    def take(self) -> Line:
        """The line so far (a producer that marks lines only: its text split on whitespace)."""
        self.cut()
        line = Line([w for w in self.words if w is not None])
        self.words = []
        return line

    def take_id(self) -> str | None:
        first, self.first_id = self.first_id, None
        return first

    def starts_below(self, word: Word | None) -> bool:
        """Whether ``word`` starts below the previous word's box: the next row of the page."""
        last = next((w for w in reversed(self.words) if w is not None), None)
        return bool(word and word.box and last and last.box
                    and word.box[1] >= last.box[1] + last.box[3])


def _flush(owner: list | _Bare | None, acc: _Acc | None, blocks: list[Block],
           page: int | None, langs: Counter[str]) -> None:
    """Words and text outside any line, collected so far, become a line of their owner."""
    if acc is None or acc.el is not None or owner is None or not (acc.words or acc.text):
        return
    line, line_id = acc.take(), acc.take_id()
    if not line.words:
        return
    if isinstance(owner, _Bare):
        owner.add(line, _union(w.box for w in line.words), line_id)
    else:
        owner.append(line)


class _Bare:
    """A page or area that holds lines outside any block: each run of them becomes a block.

    When the element holds nothing else, its one run is the element itself (its id and box);
    when blocks come between, each run is named by its first line and boxed by its lines.
    """

    def __init__(self, el: etree._Element) -> None:
        self.el = el
        self.lines: list[Line] = []
        self.boxes: list[Box | None] = []
        self.first_id: str | None = None
        self.split = False

    def add(self, line: Line, box: Box | None, line_id: str | None) -> None:
        if not self.lines:
            self.first_id = line_id
        self.lines.append(line)
        self.boxes.append(box)

    def flush(self, blocks: list[Block], page: int | None, langs: Counter[str], *,
              closing: bool) -> None:
        if not self.lines:
            return
        if closing and not self.split:
            blocks.append(_block(self.el, self.lines, page, langs))
        else:
            box = _union(self.boxes) or _union(w.box for ln in self.lines for w in ln.words)
            blocks.append(_block(self.el, self.lines, page, langs, (box, self.first_id)))
        self.lines, self.boxes, self.first_id = [], [], None


def _split(owner: list | _Bare | None, blocks: list[Block], page: int | None,
           langs: Counter[str]) -> None:
    """A block opens inside an element of bare lines: the run before it is a block of its own."""
    if isinstance(owner, _Bare):
        owner.split = True
        owner.flush(blocks, page, langs, closing=False)


def _union(boxes: Iterable[Box | None]) -> Box | None:
    known = [b for b in boxes if b]
    if not known:
        return None
    x0, y0 = min(b[0] for b in known), min(b[1] for b in known)
    x1, y1 = max(b[0] + b[2] for b in known), max(b[1] + b[3] for b in known)
    return x0, y0, x1 - x0, y1 - y0


def _container_class(page_el: etree._Element) -> str | None:
    """``ocr_par`` when the page has paragraphs, else ``ocr_carea``, else None (the page itself)."""
    for name in ("ocr_par", "ocr_carea"):
        if any(name in _classes(el) for el in page_el.iter()):
            return name
    return None


def _word(el: etree._Element, text: list[str]) -> Word | None:
    """None for a word element without text: it still marks its line as one with words."""
    joined = " ".join("".join(text).split())
    if not joined:
        return None
    props = _title(el)
    return Word(joined, _wconf(props), _bbox(props))


def _block(el: etree._Element, lines: list[Line], page: int | None, langs: Counter[str],
           place: tuple[Box | None, str | None] | None = None) -> Block:
    """A block of ``lines`` owned by ``el``: its box and id unless ``place`` gives others."""
    lang = el.get("lang") or el.get("{http://www.w3.org/XML/1998/namespace}lang")
    if lang:
        langs[lang] += sum(len(ln.words) for ln in lines)
    box, block_id = place or (_title_box(el), el.get("id"))
    return Block(lines, page, box, block_id)


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
        values = [float(n) for n in nums]
    except ValueError:
        return None
    if not all(finite_coordinate(v) for v in values):
        return None  # inf, nan or absurd sizes: broken or hostile
    x0, y0, x1, y1 = (round(v) for v in values)
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
