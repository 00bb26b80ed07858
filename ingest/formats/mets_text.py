"""The text files of a METS issue: which file group holds the best text of a page, and reading a
text file, ALTO or PAGE, into blocks that METS areas can name.

OCR-D workspaces list one file group per processing step (``OCR-D-GT-SEG-PAGE``,
``OCR-D-OCR-TESS``, ``OCR-D-OCR-CALAMARI``, ``OCR-D-SEG-LINE`` ...), all PAGE XML, for the same
pages. A page's text is read from one of them, in this order:

1. ground truth (a group named ``GT``: ``OCR-D-GT-SEG-PAGE``, ``GT-PAGE``): verified by people;
2. the other groups from the last in the fileSec to the first: OCR-D adds a group when a
   processor writes it, so the last one is the latest step of the workflow (a post-correction
   after the OCR, an ALTO export of the final PAGE).

The first file of that order that exists and has words is used for the page; a group without text
(a segmentation step, ground truth of regions only) is passed over page by page.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from ragarchive.types import Block

from .alto import AltoFile, read_alto
from .mets_files import MetsFile, PhysicalPage
from .xmlsafe import SNIFF_BYTES, sniff_root

_GROUND_TRUTH = re.compile(r"(?:^|[-_.\s])GT(?:[-_.\s]|$)", re.IGNORECASE)


@dataclass
class PageFile:
    """A PAGE XML file as METS areas see it: the same fields as ``AltoFile`` uses."""

    path: Path
    blocks: list[Block]
    language: str | None = None
    box_unit: str = "pixel"
    index: dict[str, list[Block]] = field(default_factory=dict)  # TextRegion id -> its block
    order: dict[int, int] = field(default_factory=dict)  # id(block) -> position in the file
    warnings: list[str] = field(default_factory=list)  # what the PAGE parser could not place


TextFile = AltoFile | PageFile


def root_name(path: Path) -> str | None:
    """The local name of a file's root element from its first bytes (None if unreadable)."""
    try:
        with path.open("rb") as fh:
            return sniff_root(fh.read(SNIFF_BYTES))
    except OSError:
        return None


def read_text_file(path: Path, page: int | None, image_sizes: dict[int, tuple[int, int]],
                   root: str | None = None) -> TextFile:
    """An ALTO or PAGE file (``root``: its root element's name, if already sniffed); raises
    ParseError like the standalone parsers."""
    if (root or root_name(path) or "").lower() == "pcgts":
        return _read_page_file(path, page)
    return read_alto(path, image_sizes=image_sizes, page_hint=page)


def _read_page_file(path: Path, page: int | None) -> PageFile:
    from .pagexml import parse_pagexml

    result = parse_pagexml(path)
    blocks = [dataclasses.replace(b, page=page if page is not None else b.page)
              for d in result.documents for b in d.blocks]
    out = PageFile(path, blocks, next((d.language for d in result.documents if d.language), None),
                   warnings=[w for w in result.warnings if w != "no text in this PAGE file"])
    for i, block in enumerate(blocks):
        out.order[id(block)] = i
        if block.block_id:
            out.index.setdefault(block.block_id, []).append(block)
    return out


def group_order(files: dict[str, MetsFile]) -> list[str]:
    """Text file groups (``USE``), best first: ground truth, then the last in the fileSec first."""
    groups = sorted({(f.group, f.use) for f in files.values() if f.is_text})
    uses = list(dict.fromkeys(use for _, use in groups))
    truth = [u for u in uses if _GROUND_TRUTH.search(u)]
    return truth + [u for u in reversed(uses) if u not in truth]


def page_candidates(files: dict[str, MetsFile], pages: list[PhysicalPage]
                    ) -> list[tuple[PhysicalPage, list[MetsFile]]]:
    """Each physical page with its text files, best group first (see the module docstring)."""
    rank = {use: i for i, use in enumerate(group_order(files))}
    out = []
    for page in pages:
        texts = [files[i] for i in page.file_ids if i in files and files[i].is_text]
        texts.sort(key=lambda f: rank.get(f.use, len(rank)))
        out.append((page, texts))
    return out


def several_text_groups(files: dict[str, MetsFile], pages: list[PhysicalPage]) -> bool:
    """Whether the pages have text in more than one file group (an OCR-D workspace), so that a
    page's file must be chosen; a METS with one text group reads its files as listed."""
    linked = {i for p in pages for i in p.file_ids}
    return len({f.use for f in files.values() if f.is_text and f.file_id in linked}) > 1


def is_mets(mets_file: MetsFile) -> bool:
    """A METS file listed as a text file (a BnF package manifest lists its table of contents)."""
    return mets_file.path is not None and (root_name(mets_file.path) or "").lower() == "mets"

