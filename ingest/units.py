"""The vectors a question would otherwise embed, stored by the ingest: each chunk's scoring
units and the archive's salient words (``ragarchive/storage/unit_vectors.py``).

An archive indexed by an older ragarchive has its chunks but not these, so its questions embed
them, as they always did. Ingesting the same folders again adds them: the unchanged files'
chunks are read back from the catalogue and only their units and new words are embedded (the
chunks' own vectors stay), each file under the claim that keeps other workers off it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Callable, Sequence

from ragarchive.embedding import Embedder, embed_units
from ragarchive.storage.protocols import ArchiveStore
from ragarchive.text.salient import salient_words

if TYPE_CHECKING:
    import numpy as np

ChunkText = tuple[str, str, str]  # a chunk's text, its article's title, its language


def question_vectors(db: ArchiveStore, embedder: Embedder, chunks: Sequence[ChunkText]) -> list[np.ndarray]:
    """For one file's (text, title, language) chunks: store the vectors of their salient words
    that the archive lacks, as the cross-lingual expansion would embed them, and return each
    chunk's unit vectors for its catalogue row."""
    words = salient_words([(language, text) for text, _, language in chunks])
    known = db.word_vectors(words)
    new = [w for w in words if w not in known]
    if new:
        db.put_word_vectors(dict(zip(new, embedder.embed_documents(new))))
    return embed_units(embedder, [(text, title) for text, title, _ in chunks])


def add_missing_units(
    db: ArchiveStore, embedder: Callable[[], Embedder], paths: set[str],
    advance: Callable[[str], None] = lambda path: None,
) -> int:
    """Embed and store the units of ``paths`` (indexed files without unit vectors); returns the
    files done. ``embedder`` is called only when one is needed (loading it takes seconds)."""
    done = 0
    for path in sorted(paths):
        if not db.claim_file(path):
            continue  # another worker holds it: a later run adds them
        try:
            record = db.file_record(path)
            if record is None or record["status"] != "indexed":
                continue
            ids = json.loads(record["chunk_ids"])
            rows = db.chunk_rows(ids)
            ids = [i for i in ids if i in rows]
            chunks = [(rows[i].text, rows[i].meta.get("title") or "", rows[i].meta.get("language", "und"))
                      for i in ids]
            db.put_unit_vectors(path, ids, question_vectors(db, embedder(), chunks))
            done += 1
        finally:
            db.release_file(path)
            advance(path)
    return done
