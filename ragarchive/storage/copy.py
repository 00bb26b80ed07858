"""Copy an embedded SQLite catalogue into another engine (a PostgreSQL one), file by file.

``copy_catalogue`` copies the rows only: the vectors stay where they are (the same Chroma folder
or server serves both catalogues), so an archive moves to a shared catalogue without embedding
anything again; the quality benchmark uses it to ask the same archive through both engines
(``bench/pg_quality.py``). ``ragarchive move`` (``ragarchive.moving``) copies a file's vectors
too, with ``file_chunks`` and ``copy_file``.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from ..text.salient import salient_words
from ..types import Chunk, DocumentRow
from .protocols import ArchiveStore
from .sqlite import ArchiveDB

# carried over as they are; the content generation is the target's own, and values cached
# under the source's generation (the gate's background) are measured again
_META_KEYS = ("archive_id", "embedder")


def copy_catalogue(src: ArchiveDB, dst: ArchiveStore) -> int:
    """Copy every indexed file's rows of ``src`` into ``dst``; returns the files copied."""
    for key in _META_KEYS:
        value = src.get_meta(key)
        if value is not None:
            dst.set_meta(key, value)
    copied = 0
    for record in src.files():
        if record["status"] != "indexed":
            continue
        copy_file(src, dst, record, file_chunks(src, record["path"]))
        copied += 1
    return copied


def copy_file(src: ArchiveDB, dst: ArchiveStore, record: dict[str, Any], chunks: list[Chunk]) -> None:
    """Swap one indexed file's rows (manifest ``record`` of ``src``, its documents, ``chunks``)
    into ``dst`` in its one transaction, with the chunks' stored unit and word vectors; ``dst`` rebuilds
    its own search columns and word counts from them, so nothing engine-specific is copied."""
    path = record["path"]
    units = src.unit_vectors([c.chunk_id for c in chunks])
    words = src.word_vectors(salient_words([(c.language, c.text) for c in chunks]))
    if words:
        dst.put_word_vectors(words)
    dst.replace_file(
        path=path, file_hash=record["hash"], kind=record["kind"],
        documents=file_documents(src, path), chunks=chunks,
        warnings=json.loads(record["warnings"]), timings=json.loads(record["timings"]),
        raw_counts=Counter(json.loads(record["raw_counts"])),
        unit_vectors=[units.get(c.chunk_id) for c in chunks],
    )


def file_documents(src: ArchiveDB, path: str) -> list[DocumentRow]:
    """The documents of one source file, in indexing order."""
    rows = src.conn.execute("SELECT * FROM documents WHERE source_path = ? ORDER BY rowid", (path,))
    return [DocumentRow(**dict(r)) for r in rows]


def file_chunks(src: ArchiveDB, path: str) -> list[Chunk]:
    """The chunks of one source file, in order, as the ingest built them."""
    rows = src.conn.execute(
        "SELECT chunk_id, text, metadata FROM chunks WHERE source_path = ? ORDER BY ord", (path,))
    return [_chunk(r[0], r[1], json.loads(r[2])) for r in rows]


def _chunk(chunk_id: str, text: str, m: dict[str, Any]) -> Chunk:
    """The chunk whose ``metadata()`` is ``m`` (the inverse of ``Chunk.metadata``)."""
    return Chunk(
        chunk_id=chunk_id, doc_id=m["doc_id"], source_path=m["source_path"], text=text,
        start=m["start"], end=m["end"], title=m["title"] or None, date=m["date"] or None,
        page=None if m["page"] == -1 else m["page"], pages=json.loads(m["pages"]),
        language=m["language"], language_prob=m["language_prob"],
        mean_conf=None if m["mean_conf"] == -1.0 else m["mean_conf"],
        regions=json.loads(m["regions"]), newspaper=m.get("newspaper") or None,
    )
