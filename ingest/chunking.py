"""Sentence-aware chunking of one document's cleaned text.

llama-index's SentenceSplitter does the sentence-aware packing (paragraphs first, then sentences,
then words), with chunk size and overlap measured in characters (we pass ``list`` as its
tokenizer, which also keeps it from loading a BPE vocabulary from the network). Chunks never
cross a document boundary because each document is split on its own. We locate every chunk in
the cleaned text ourselves, searching forward from the previous chunk, so offsets are exact.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ragarchive.types import BlockSpan, Chunk, CleanText, Document


@dataclass(frozen=True)
class Piece:
    text: str
    start: int
    end: int


@lru_cache(maxsize=8)
def _splitter(size: int, overlap: int) -> Any:
    from llama_index.core.node_parser import SentenceSplitter

    return SentenceSplitter(
        chunk_size=size, chunk_overlap=overlap, tokenizer=list, paragraph_separator="\n\n"
    )


def split_text(text: str, size: int, overlap: int) -> list[Piece]:
    """Split ``text`` into sentence-aligned pieces with exact [start, end) offsets."""
    pieces: list[Piece] = []
    cursor = 0
    for part in _splitter(size, overlap).split_text(text):
        start = text.find(part, cursor)
        if start < 0:  # the splitter normalised something; fall back to a stripped match
            part = part.strip()
            start = text.find(part, cursor)
        if start < 0 or not part.strip():
            continue
        pieces.append(Piece(part, start, start + len(part)))
        cursor = start + 1
    return pieces


def chunk_id(doc_id: str, start: int, text: str) -> str:
    """Stable id: the same document text always yields the same ids, so re-runs upsert in place."""
    digest = hashlib.sha1(f"{doc_id}\x00{start}\x00{text}".encode()).hexdigest()[:12]
    return f"{doc_id}#{start}-{digest}"


def _regions(spans: list[BlockSpan], start: int, end: int) -> list[BlockSpan]:
    return [s for s in spans if s.start < end and s.end > start]


def _mean_conf(covered: list[BlockSpan], fallback: float | None) -> float | None:
    confs = [s.conf for s in covered if s.conf is not None]
    return sum(confs) / len(confs) if confs else fallback


def make_chunks(
    doc: Document,
    clean: CleanText,
    pieces: list[Piece],
    languages: list[tuple[str, float]],
) -> list[Chunk]:
    """Attach metadata to each piece; ``languages`` holds one (code, prob) per piece."""
    chunks = []
    for piece, (lang, prob) in zip(pieces, languages):
        covered = _regions(clean.spans, piece.start, piece.end)
        pages = sorted({s.page for s in covered if s.page is not None}) or list(doc.pages)
        chunks.append(
            Chunk(
                chunk_id=chunk_id(doc.doc_id, piece.start, piece.text),
                doc_id=doc.doc_id,
                source_path=doc.source_path,
                text=piece.text,
                start=piece.start,
                end=piece.end,
                title=doc.title,
                date=doc.date,
                page=pages[0] if pages else None,
                pages=pages,
                language=lang,
                language_prob=prob,
                mean_conf=_mean_conf(covered, clean.mean_conf),
                regions=[
                    {"page": s.page, "box": list(s.box), "block_id": s.block_id}
                    for s in covered
                    if s.box is not None
                ],
                newspaper=doc.newspaper,
            )
        )
    return chunks
