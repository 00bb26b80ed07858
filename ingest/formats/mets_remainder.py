"""Text of a METS issue that no article reads, when the articles name their ALTO blocks (areas).

Not every producer puts every block of a page into an article: a notice, a table, a line of
market prices, a whole supplement page may be in no article division, or only in a division
outside the articles (a ``TABLE`` or ``ILLUSTRATION`` caption under ``CONTENT``). Such text is not
dropped:

* **Page remainder.** The blocks of a page that no article reads, in file order, are one Document
  ``<issue-id>/<FILEID>-rest`` (``meta["page_remainder"] = True``); lines are the unit, since an
  area may name a ``TextLine`` (the rest of its block stays); a page whose text files no
  area names at all is one such Document too (named like a page document, plus ``-rest``). One
  warning lists them. An issue whose blocks are all read by its articles gains nothing.
* **Masthead.** Blocks that only divisions of the masthead or the publishing statement
  (``TITLE_SECTION``, ``MASTHEAD``, ``PUBLISHING_STMT``, ``IMPRINT``, ``COLOPHON``, and every
  division inside them) reference are boilerplate that each issue repeats: they are left out,
  and one warning per file says how many blocks and words, from which divisions, and which.

A METS read through the METS that lists it (a BnF table of contents) makes remainders only of
the files its areas name; its manifest makes page documents of the others, as before.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from lxml import etree

from ragarchive.types import Block, Document

from .mets_structmap import UNIT_TYPES, div_type, struct_map
from .xmlsafe import local_name

MASTHEAD_NOTE = "masthead not indexed"  # the start of the warning; reports group these

# The ``mets_documents.IssueReader`` of the issue; not imported, since it imports this module.
IssueReader = Any

# Divisions whose text is the paper's masthead or imprint: repeated in every issue, not content.
MASTHEAD_TYPES = {"title_section", "masthead", "publishing_stmt", "imprint", "colophon"}
SUFFIX = "-rest"


def outside_areas(logical: etree._Element) -> list[tuple[etree._Element, str | None]]:
    """Areas of the LOGICAL map outside every article-like division, in document order, each
    with the TYPE of the innermost masthead-like division it lies in (None: not in one)."""
    out: list[tuple[etree._Element, str | None]] = []
    _walk(logical, None, out)
    return out


def _walk(div: etree._Element, masthead: str | None,
          out: list[tuple[etree._Element, str | None]]) -> None:
    for child in div:
        name = local_name(child)
        if name == "div":
            kind = div_type(child)
            if kind in UNIT_TYPES:
                continue  # an article's areas are read by the article
            _walk(child, child.get("TYPE", "").strip() if kind in MASTHEAD_TYPES else masthead,
                  out)
        elif name == "fptr":
            out += [(area, masthead) for area in child.iter("{*}area")]


def remainder_documents(reader: IssueReader, docs: list[Document],
                        common: dict[str, Any]) -> list[Document]:
    """The page remainders of an issue whose articles have areas (see the module docstring);
    adds the masthead and remainder warnings to ``reader.warnings``. Lines are the unit: an area
    may name a ``TextLine``, so an article can read part of a block."""
    logical = struct_map(reader.root, "logical")
    if logical is None:
        return []
    read = {id(ln) for d in docs for b in d.blocks for ln in b.lines}
    masthead: dict[int, tuple[Block, str]] = {}  # id(line) -> the block named, its division
    claimed: set[int] = set()  # lines a division outside the articles that is no masthead names
    seen: set[tuple[str | None, ...]] = set()
    for area, kind in outside_areas(logical):
        key = (area.get("FILEID"), area.get("BEGIN"), area.get("END"), kind)
        if key in seen:
            continue  # the same area twice (a hostile METS repeats one thousands of times)
        seen.add(key)
        for block in reader._area_blocks(area, [], [], []):
            for line in block.lines:
                if id(line) in read:
                    continue
                if kind is None:
                    claimed.add(id(line))
                else:
                    masthead.setdefault(id(line), (block, kind))
    left_out = {k: v for k, v in masthead.items() if k not in claimed}
    named = {a.get("FILEID", "") for a in logical.iter("{*}area")}
    out: list[Document] = []
    for file_id, mets_file in reader.files.items():
        text = reader._alto.get(file_id) if file_id in named else None
        if text is None:
            continue
        blocks = [b for b in (_unread(b, read, left_out) for b in text.blocks) if b is not None]
        if blocks:
            page = reader.page_of.get(file_id)
            out.append(_remainder(reader, f"{file_id}{SUFFIX}", blocks, page, mets_file.use,
                                  text.box_unit, common))
    if reader.parent is None:  # pages no area names (a listed METS leaves them to its manifest)
        paths = {f.path for i, f in reader.files.items() if i in named and f.path is not None}
        pages = {reader.page_of[i] for i in named if i in reader.page_of}
        for doc in reader._page_documents(common, skip_pages=pages,
                                          skip_paths=paths | reader._covered):
            doc.doc_id += SUFFIX
            doc.meta["page_remainder"] = True
            out.append(doc)
    _warn(reader, out, left_out)
    return out


def _unread(block: Block, read: set[int], left_out: dict[int, Any]) -> Block | None:
    """The block, or the part of it (its box around the words kept) no article reads."""
    lines = [ln for ln in block.lines if ln.words and id(ln) not in read and id(ln) not in left_out]
    if len(lines) == len(block.lines):
        return block
    if not lines:
        return None
    boxes = [w.box for ln in lines for w in ln.words if w.box]
    box = block.box
    if boxes:
        x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
        x1, y1 = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
        box = (x0, y0, x1 - x0, y1 - y0)
    return dataclasses.replace(block, lines=lines, box=box)


def _remainder(reader: IssueReader, name: str, blocks: list[Block], page: int | None,
               group: str, box_unit: str, common: dict[str, Any]) -> Document:
    return Document(
        doc_id=f"{reader.issue_id}/{name}",
        source_path=str(reader.path),
        blocks=blocks,
        date=common["date"],
        newspaper=common["newspaper"],
        pages=[page] if page is not None else sorted({b.page for b in blocks if b.page}),
        meta={"format": "mets", "issue_id": reader.issue_id, "box_unit": box_unit,
              "text_group": group, "page_remainder": True},
    )


def _warn(reader: IssueReader, docs: list[Document],
          left_out: dict[int, tuple[Block, str]]) -> None:
    if docs:
        blocks = [b for d in docs for b in d.blocks]
        reader.warnings.append(
            f"text outside the articles indexed as {_count(len(docs), 'page remainder document')}"
            f" ({_count(len(blocks), 'block')}, {_count(sum(map(_words, blocks)), 'word')}): "
            + _listing([d.doc_id.rsplit("/", 1)[-1] for d in docs]))
    if left_out:
        blocks = list({id(b): b for b, _ in left_out.values()}.values())
        kinds = ", ".join(dict.fromkeys(kind for _, kind in left_out.values()))
        words = sum(len(ln.words) for b in blocks for ln in b.lines if id(ln) in left_out)
        reader.warnings.append(
            f"{MASTHEAD_NOTE} (boilerplate each issue repeats): "
            f"{_count(len(blocks), 'block')} ({_count(words, 'word')})"
            f" that only {kinds} divisions reference: "
            + _listing([b.block_id or "?" for b in blocks]))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _words(block: Block) -> int:
    return sum(len(line.words) for line in block.lines)


def _listing(items: list[str], limit: int = 20) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
