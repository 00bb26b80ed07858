"""The vectors a question would otherwise embed, stored by the ingest: each chunk's scoring
units and the archive's salient words (``ragarchive/storage/unit_vectors.py``).

An archive indexed by an older ragarchive has its chunks but not these, so its questions embed
them, as they always did. Ingesting the same folders again adds them: the unchanged files'
chunks are read back from the catalogue and only their units and new words are embedded (the
chunks' own vectors stay), each file under the claim that keeps other workers off it.
"""

from __future__ import annotations

import json
from typing import Callable, Sequence

from ragarchive.embedding import Embedder, embed_units
from ragarchive.storage.protocols import ArchiveStore
from ragarchive.text.salient import salient_words


def store_word_vectors(db: ArchiveStore, embedder: Embedder, texts: Sequence[tuple[str, str]]) -> int:
    """Embed and store the salient words of the (language, text) chunks that the archive has
    no vector for yet, as the cross-lingual expansion would embed them; returns how many."""
    words = salient_words(texts)
    known = db.word_vectors(words)
    new = [w for w in words if w not in known]
    if new:
        db.put_word_vectors(dict(zip(new, embedder.embed_documents(new))))
    return len(new)


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
            pairs = [(rows[i].text, rows[i].meta.get("title") or "") for i in ids]
            store_word_vectors(db, embedder(), [(rows[i].meta.get("language", "und"), rows[i].text) for i in ids])
            db.put_unit_vectors(path, ids, embed_units(embedder(), pairs))
            done += 1
        finally:
            db.release_file(path)
            advance(path)
    return done
