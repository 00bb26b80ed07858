"""The layout of one ALTO ``Page``: its blocks, lines and words, and the IDs a METS area may name.

``TextBlock`` -> Block, ``TextLine`` -> Line, ``String`` -> Word with its ``WC`` confidence and
``HPOS/VPOS/WIDTH/HEIGHT`` box. Hyphenation is kept as the source states it: a ``HypPart1`` word
carries the hyphen of the following ``HYP`` element in its text ("Regie-") and both parts carry
``SUBS_CONTENT`` (the whole word) and ``hyp_part`` 1/2, so cleaning can join them exactly.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from lxml import etree

from ragarchive.types import Block, Box, Line, Word

from .common import finite_coordinate
from .xmlsafe import local_name

# Elements whose IDs a METS area may point at and which can hold TextBlocks.
_CONTAINERS = {"Page", "PrintSpace", "TopMargin", "BottomMargin", "LeftMargin", "RightMargin",
               "ComposedBlock", "Illustration", "GraphicalElement", "TextBlock"}
_HYP_PARTS = {"HypPart1": 1, "HypPart2": 2}
# Containers that can hold TextLines outside any TextBlock (not valid ALTO, but written).
_AREAS = _CONTAINERS - {"TextBlock"}


def read_blocks(page_el: etree._Element, number: int | None, scale: tuple[float, float] | None,
                index: dict[str, list[Block]], order: dict[int, int]) -> list[Block]:
    """The page's blocks in document order, in one walk.

    Each ``TextLine`` belongs to its innermost ``TextBlock``, each ``String`` to its innermost
    line (a nested TextBlock reads its own text, so nothing repeats per level). Nothing with text
    is left out: lines outside any TextBlock (a ``TextLine`` straight in a ``ComposedBlock``, not
    valid ALTO but written) are blocks of their own, one per run of them in their container (the
    container itself when they are all it holds), and Strings outside any line are a line of
    their own where they stand. ``index`` gets every block (and line) under each enclosing ID,
    ``order`` each block's position, for METS areas.
    """
    blocks: list[Block] = []
    slots: list[_Slot] = []  # blocks in the making, in document order
    page_area = _Area(page_el)
    # For each open element: the TextBlock (or run) it is in, its line, its container area.
    stack: list[tuple[_Slot | None, _LineEls | None, _Area]] = []
    for event, el in etree.iterwalk(page_el, events=("start", "end")):
        name = local_name(el)
        if event == "end":
            slot, line, area = stack.pop()
            if name == "TextBlock" and slot is not None and slot.el is el and slot.has_words():
                area.close_run()
            elif name in _AREAS and area.el is el and stack:
                if area.finish():
                    stack[-1][2].close_run()
            continue
        if not stack:
            stack.append((None, None, page_area))
            continue
        slot, line, area = stack[-1]
        if name == "TextBlock":
            slot, line = _Slot(el), None
            slots.append(slot)
        elif name in _AREAS and slot is None:
            area = _Area(el)
        elif name == "TextLine":
            line = _LineEls(el)
            slot = slot or area.run(slots)
            slot.add_line(line)
        elif name == "String":
            word = read_string(el, scale)
            if word is not None:
                target = _target(slot, line, area, slots)
                target.words.append(word)
                target.first_id = target.first_id or el.get("ID")
        elif name == "HYP":  # the hyphen goes to the word before it, in its line
            holder = slot or area.open
            target = line or (holder.loose if holder is not None else None)
            if target is not None and target.words:
                target.words[-1] = _with_hyphen(target.words[-1], el.get("CONTENT") or "-")
        stack.append((slot, line, area))
    page_area.finish()
    for slot in slots:
        _place(slot, blocks, number, scale, index, order)
    # Containers without any text (pictures, empty ComposedBlocks) are still known IDs.
    for el in page_el.iter():
        if local_name(el) in _CONTAINERS and el.get("ID"):
            index.setdefault(el.get("ID"), [])
    return blocks


def _target(slot: _Slot | None, line: _LineEls | None, area: _Area, slots: list[_Slot]
            ) -> _LineEls:
    """Where a String goes: its line, else the words its TextBlock (or run) holds outside lines."""
    if line is not None:
        return line
    return (slot or area.run(slots)).loose_line()


class _LineEls:
    """A ``TextLine`` (``el``) or, with ``el`` None, Strings outside any line; and its words."""

    __slots__ = ("el", "words", "first_id")

    def __init__(self, el: etree._Element | None) -> None:
        self.el = el
        self.words: list[Word] = []
        self.first_id: str | None = None  # its first String's ID (names Strings outside lines)


class _Slot:
    """A block in the making: a ``TextBlock`` (``el``), or a run of lines outside any TextBlock
    in the container ``area`` (``el`` is then the container)."""

    __slots__ = ("el", "lines", "loose", "area", "whole")

    def __init__(self, el: etree._Element, area: _Area | None = None) -> None:
        self.el, self.area, self.whole = el, area, False
        self.lines: list[_LineEls] = []
        self.loose: _LineEls | None = None  # Strings outside lines, until the next line

    def add_line(self, line: _LineEls) -> None:
        self.lines.append(line)
        self.loose = None

    def loose_line(self) -> _LineEls:
        if self.loose is None:
            self.loose = _LineEls(None)
            self.lines.append(self.loose)
        return self.loose

    def has_words(self) -> bool:
        return any(ln.words for ln in self.lines)


class _Area:
    """A container (Page, PrintSpace, ComposedBlock ...) outside any TextBlock: the runs of lines
    it holds outside TextBlocks, each a block; a block with text inside it ends the open run."""

    __slots__ = ("el", "runs", "open", "inner")

    def __init__(self, el: etree._Element) -> None:
        self.el = el
        self.runs: list[_Slot] = []
        self.open: _Slot | None = None
        self.inner = False  # a TextBlock or container with text inside it

    def run(self, slots: list[_Slot]) -> _Slot:
        if self.open is None:
            self.open = _Slot(self.el, self)
            self.runs.append(self.open)
            slots.append(self.open)
        return self.open

    def close_run(self) -> None:
        self.open, self.inner = None, True

    def finish(self) -> bool:
        """At its end: one run and nothing else is the container itself. Whether it has text."""
        runs = [r for r in self.runs if r.has_words()]
        if len(runs) == 1 and not self.inner:
            runs[0].whole = True
        return bool(runs) or self.inner


def _place(slot: _Slot, blocks: list[Block], number: int | None,
           scale: tuple[float, float] | None, index: dict[str, list[Block]],
           order: dict[int, int]) -> None:
    """Make the slot's block, add it to the page and index it under every enclosing ID."""
    pairs = [(ln, Line(ln.words)) for ln in slot.lines if ln.words]
    lines = [line for _, line in pairs]
    if not lines:
        if slot.area is None:
            _register(index, slot.el, None)  # an empty TextBlock is still a known ID
        return
    words_box = _union(w.box for ln in lines for w in ln.words)
    if slot.area is None or slot.whole:
        box, block_id = _box(slot.el, scale) or words_box, slot.el.get("ID")
    else:  # a run among other blocks: named by its first line, boxed by its lines
        first = pairs[0][0]
        box = _union(_box(ln.el, scale) for ln, _ in pairs if ln.el is not None) or words_box
        block_id = first.el.get("ID") if first.el is not None else first.first_id
    block = Block(lines, number, box, block_id)
    blocks.append(block)
    order[id(block)] = len(order)
    _register(index, slot.el, block)
    for ln, line in pairs:
        if ln.el is not None and ln.el.get("ID"):
            line_block = Block([line], number, _box(ln.el, scale), ln.el.get("ID"))
            index.setdefault(ln.el.get("ID"), []).append(line_block)
            order[id(line_block)] = order[id(block)]


def _register(index: dict[str, list[Block]], tb: etree._Element, block: Block | None) -> None:
    """Index the block under its own ID and every enclosing container's ID."""
    el: etree._Element | None = tb
    while el is not None:
        el_id = el.get("ID")
        if el_id and local_name(el) in _CONTAINERS:
            bucket = index.setdefault(el_id, [])
            if block is not None:
                bucket.append(block)
        if local_name(el) == "Page":
            break
        el = el.getparent()


def read_string(el: etree._Element, scale: tuple[float, float] | None) -> Word | None:
    text = (el.get("CONTENT") or "").strip()
    if not text:  # no CONTENT: its Glyphs' CONTENT, if any
        text = "".join(g.get("CONTENT") or "" for g in el if local_name(g) == "Glyph").strip()
    if not text:
        return None
    hyp_part = _HYP_PARTS.get(el.get("SUBS_TYPE", ""), 0)
    subs = el.get("SUBS_CONTENT") if hyp_part else None
    return Word(text, _conf(el), _box(el, scale), subs or None, hyp_part)


def _with_hyphen(word: Word, hyphen: str) -> Word:
    """The printed hyphen (from HYP) belongs at the end of the word before it, unless already
    there."""
    if word.text.endswith(("-", "¬", "⸗", "=", "\u00ad", hyphen)):
        return word
    return dataclasses.replace(word, text=word.text + hyphen)


def _conf(el: etree._Element) -> float | None:
    wc = num(el.get("WC"))
    if wc is not None:
        if 1.0 < wc <= 100.0:  # some producers write percentages
            wc /= 100.0
        return wc if 0.0 <= wc <= 1.0 else None
    # CC: one digit per character, 0 = sure ... 9 = unsure; used when WC is absent.
    cc = [int(c) for c in (el.get("CC") or "") if c in "0123456789"]
    return round(1.0 - sum(cc) / (9.0 * len(cc)), 4) if cc else None


def _box(el: etree._Element, scale: tuple[float, float] | None) -> Box | None:
    vals = [num(el.get(a)) for a in ("HPOS", "VPOS", "WIDTH", "HEIGHT")]
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


def num(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)
    except ValueError:
        return None
    return f if f == f and abs(f) != float("inf") else None


