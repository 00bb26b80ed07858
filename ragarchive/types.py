"""Plain data types passed between the stages of the pipeline.

Each stage takes one of these and returns the next (see DESIGN.md, "Data flow"). They hold no
behaviour beyond small conveniences, so every stage can be tested on hand-built values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# (x, y, width, height) in the source's own pixel units.
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class SourceFile:
    """One input file as discovery found it, with the format it will be parsed as."""

    path: Path  # absolute
    kind: str  # "mets" | "alto" | "hocr" | "pagexml" | "text" | "jsonl" | "image"
    related: tuple[Path, ...] = ()  # e.g. the ALTO pages a METS file references, a .txt's sidecar
    # The folder given to ``ingest`` that holds this file (a file given alone: its own folder).
    # A METS file may reference pages anywhere inside it (``../ocr/p1.xml``), never outside.
    # Context, not identity: two SourceFiles of the same file compare equal whatever their root.
    root: Path | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Word:
    """One OCR token as the source gives it.

    ``text`` is the token exactly as printed on the line (a hyphenated part keeps its hyphen).
    ``conf`` is a word confidence in [0, 1] when the format has one. ``subs_content`` and
    ``hyp_part`` carry ALTO's authoritative hyphenation (``SUBS_CONTENT``, HypPart1/HypPart2).
    """

    text: str
    conf: float | None = None
    box: Box | None = None
    subs_content: str | None = None
    hyp_part: int = 0


@dataclass
class Line:
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class Block:
    """A text region (ALTO TextBlock, hOCR paragraph, PAGE TextRegion, plain-text paragraph)."""

    lines: list[Line]
    page: int | None = None
    box: Box | None = None
    block_id: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass
class Document:
    """One article (METS) or page/record (other formats): the unit that answers cite."""

    doc_id: str
    source_path: str
    blocks: list[Block]
    title: str | None = None
    date: str | None = None  # ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD)
    language: str | None = None  # declared by the source (MODS, sidecar); detection may differ
    newspaper: str | None = None
    pages: list[int] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def raw_text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks if b.lines)


@dataclass
class BlockSpan:
    """Where a source block landed in the cleaned text: [start, end) character offsets."""

    start: int
    end: int
    page: int | None
    box: Box | None
    block_id: str | None = None
    conf: float | None = None  # mean word confidence of the block, when the format has them


@dataclass
class CleanText:
    """A document's cleaned text with the raw text kept next to it for display and exact match."""

    text: str
    raw: str
    spans: list[BlockSpan]
    mean_conf: float | None
    stats: dict[str, int] = field(default_factory=dict)


@dataclass
class Chunk:
    chunk_id: str
    doc_id: str
    source_path: str
    text: str
    start: int  # character offsets into the document's cleaned text
    end: int
    title: str | None
    date: str | None
    page: int | None
    pages: list[int]
    language: str
    language_prob: float
    mean_conf: float | None
    regions: list[dict[str, Any]]
    newspaper: str | None = None

    def metadata(self) -> dict[str, Any]:
        """Flat, scalar-only metadata as Chroma and SQLite store it (None becomes '' or -1)."""
        import json

        return {
            "doc_id": self.doc_id,
            "source_path": self.source_path,
            "title": self.title or "",
            "newspaper": self.newspaper or "",
            "date": self.date or "",
            "page": self.page if self.page is not None else -1,
            "pages": json.dumps(self.pages),
            "language": self.language,
            "language_prob": round(self.language_prob, 4),
            "mean_conf": round(self.mean_conf, 4) if self.mean_conf is not None else -1.0,
            "start": self.start,
            "end": self.end,
            "regions": json.dumps(self.regions),
        }


@dataclass(frozen=True)
class DocumentRow:
    """One document as the catalogue stores it (the ``documents`` table, column for column).

    ``pages`` (a JSON list) and ``meta`` (a JSON object: the format's extras, the declared
    language, the cleaning counts) are stored as the JSON text the ingest pipeline wrote.
    """

    doc_id: str
    source_path: str
    title: str | None
    date: str | None
    language: str | None
    language_prob: float | None
    newspaper: str | None
    pages: str | None
    n_chunks: int
    text: str  # cleaned
    raw_text: str
    meta: str


@dataclass(frozen=True)
class ChunkRow:
    """A stored chunk as the catalogue returns it: its document, its position in the document
    (``ord``, from 0), its text and its metadata (``Chunk.metadata()``, read back)."""

    doc_id: str
    ord: int
    text: str
    meta: dict[str, Any]
