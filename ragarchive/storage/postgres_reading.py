"""The reading half of the PostgreSQL catalogue: documents, chunks, counts and filters.

The queries mirror ``sqlite.ArchiveDB``'s so both engines answer alike: text sorts by code point
(``COLLATE "C"``, as SQLite compares), missing dates sort first, and a chunk's metadata is read
from its ``jsonb`` column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence

from ..types import ChunkRow
from .unit_vectors import unpacked, unpacked_words

if TYPE_CHECKING:
    import numpy as np


class PostgresReading:
    """Catalogue reads for ``PostgresArchive``, which provides the pool."""

    _rows: Callable[..., list[tuple]]
    _dicts: Callable[..., list[dict[str, Any]]]
    get_meta: Callable[[str], str | None]

    def documents(self) -> list[dict[str, Any]]:
        return self._dicts(
            "SELECT doc_id, source_path, title, date, language, language_prob, newspaper, "
            'pages, n_chunks FROM documents ORDER BY date COLLATE "C" NULLS FIRST, doc_id COLLATE "C"'
        )

    def document_meta(self, doc_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """doc_id -> the document's ``meta`` (format-specific extras) for the given ids."""
        import json

        rows = self._rows("SELECT doc_id, meta FROM documents WHERE doc_id = ANY(%s)", (list(doc_ids),))
        return {r[0]: json.loads(r[1]) for r in rows}

    def chunk_ids(self) -> list[str]:
        return [r[0] for r in self._rows('SELECT chunk_id FROM chunks ORDER BY chunk_id COLLATE "C"')]

    def content_key(self) -> str:
        """Identifies what is indexed: a counter that every file added, replaced or removed moves
        on, in the same transaction (see ``postgres._next_generation``)."""
        return self.get_meta("content_generation") or "0"

    def counts(self) -> dict[str, int]:
        row = self._rows(
            "SELECT (SELECT count(*) FROM files WHERE status = 'indexed'), "
            "(SELECT count(*) FROM documents), (SELECT count(*) FROM chunks)"
        )[0]
        return {"files": int(row[0]), "documents": int(row[1]), "chunks": int(row[2])}

    def chunk_rows(self, chunk_ids: Sequence[str]) -> dict[str, ChunkRow]:
        """chunk_id -> its ``ChunkRow`` for the given ids (missing ids are left out)."""
        ids = list(dict.fromkeys(chunk_ids))
        rows = self._rows(
            "SELECT chunk_id, doc_id, ord, text, metadata FROM chunks WHERE chunk_id = ANY(%s)", (ids,)
        )
        found = {r[0]: ChunkRow(doc_id=r[1], ord=r[2], text=r[3], meta=r[4]) for r in rows}
        return {i: found[i] for i in ids if i in found}

    def unit_vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """chunk_id -> its scoring units' stored vectors, for the ids that have them."""
        ids = list(dict.fromkeys(chunk_ids))
        return unpacked(self._rows(
            "SELECT chunk_id, n, vectors FROM unit_vectors WHERE chunk_id = ANY(%s)", (ids,)))

    def word_vectors(self, words: Sequence[str]) -> dict[str, np.ndarray]:
        """word -> its stored vector, for the words that have one."""
        return unpacked_words(self._rows(
            "SELECT word, vector FROM word_vectors WHERE word = ANY(%s)", (list(dict.fromkeys(words)),)))

    def files_without_units(self) -> set[str]:
        """Indexed files with chunks but no unit vectors (indexed before they were stored)."""
        return {r[0] for r in self._rows(
            "SELECT path FROM files WHERE status = 'indexed' AND chunk_ids != '[]' AND NOT EXISTS "
            "(SELECT 1 FROM unit_vectors u WHERE u.source_path = files.path)")}

    def date_range(self) -> tuple[str, str] | None:
        row = self._rows(
            'SELECT min(date COLLATE "C"), max(date COLLATE "C") FROM documents '
            "WHERE date IS NOT NULL AND date != ''"
        )[0]
        return (row[0], row[1]) if row and row[0] else None

    def long_chunks(self, min_chars: int = 300) -> list[tuple[str, str, str, str]]:
        """(chunk_id, doc_id, text, document language) of every chunk longer than ``min_chars``,
        in indexing order: the material of calibration's synthetic questions."""
        return [tuple(r) for r in self._rows(  # type: ignore[misc]
            "SELECT c.chunk_id, c.doc_id, c.text, d.language FROM chunks c JOIN documents d "
            "USING (doc_id) WHERE length(c.text) > %s ORDER BY c.seq", (min_chars,))]

    def chunk_texts(self, doc_id: str) -> list[str]:
        """The texts of one document's chunks."""
        return [r[0] for r in self._rows("SELECT text FROM chunks WHERE doc_id = %s ORDER BY ord",
                                         (doc_id,))]

    def chunk_texts_by_source(self) -> dict[str, list[str]]:
        """source path -> its chunks' texts in order, sources sorted by path."""
        groups: dict[str, list[str]] = {}
        for path, text in self._rows(
            'SELECT source_path, text FROM chunks ORDER BY source_path COLLATE "C", ord'
        ):
            groups.setdefault(path, []).append(text)
        return groups

    def distinct_chunk_texts(self) -> int:
        """How many chunk texts differ (the scale benchmark repeats its paragraphs)."""
        return int(self._rows("SELECT count(DISTINCT text) FROM chunks")[0][0])

    def languages(self) -> list[str]:
        """The archive's document languages, commonest first (``und`` left out)."""
        rows = self._rows(
            "SELECT language, count(*) AS n FROM documents WHERE language != 'und' "
            'GROUP BY language ORDER BY n DESC, language COLLATE "C"'
        )
        return [r[0] for r in rows if r[0]]

    def newspapers(self) -> list[str]:
        """The names the newspaper filter matches, commonest first: each document's newspaper,
        or its title when it has none (plain exports)."""
        rows = self._rows(
            "SELECT name, count(*) AS n FROM (SELECT CASE WHEN coalesce(newspaper, '') != '' "
            "THEN newspaper ELSE title END AS name FROM documents) AS named "
            "WHERE coalesce(name, '') != '' GROUP BY name ORDER BY n DESC, name COLLATE \"C\""
        )
        return [r[0] for r in rows]

    def filtered_chunk_ids(
        self,
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        newspaper: str | None = None,
        language: str | None = None,
        exclude_documents: tuple[str, ...] = (),
    ) -> set[str]:
        """Chunks that pass the filters. Dates compare as ISO prefixes; a chunk without a date
        fails any date filter (we cannot say it is in range)."""
        where, args = _filters(date_from, date_to, newspaper, language, exclude_documents)
        sql = "SELECT chunk_id FROM chunks" + (" WHERE " + " AND ".join(where) if where else "")
        return {r[0] for r in self._rows(sql, args)}


def _filters(
    date_from: str | None, date_to: str | None, newspaper: str | None, language: str | None,
    exclude_documents: tuple[str, ...],
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    date = "(metadata->>'date')"
    for bound, op in ((date_from, ">="), (date_to, "<=")):
        if bound:
            where.append(f"{date} != '' AND substr({date}, 1, %s) COLLATE \"C\" {op} %s")
            args += [len(bound), bound]
    if newspaper:
        # sources without a newspaper field (plain exports) carry the title instead
        paper = ("CASE WHEN metadata->>'newspaper' != '' THEN metadata->>'newspaper' "
                 "ELSE metadata->>'title' END")
        where.append(f"strpos(lower({paper}), %s) > 0")
        args.append(newspaper.lower())
    if language:
        where.append("metadata->>'language' = %s")
        args.append(language)
    if exclude_documents:
        where.append("NOT (doc_id = ANY(%s))")
        args.append(list(exclude_documents))
    return where, args
