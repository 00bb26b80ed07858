"""FTS5 helpers shared by SQLite's word and trigram searches: the OR query of some terms, the
best rowids by FTS5's ``bm25()``, and those rowids as chunk ids with scores."""

from __future__ import annotations

import sqlite3
from typing import Sequence

Rows = list[tuple[int, float]]  # (rowid, FTS5 bm25: lower = better), best first


def best_rowids(conn: sqlite3.Connection, table: str, match: str, limit: int) -> Rows:
    """(rowid, FTS5 bm25: lower = better) of the best ``limit`` chunks matching ``match``."""
    return conn.execute(f"SELECT rowid, bm25({table}) AS s FROM {table} WHERE {table} MATCH ? "
                        "ORDER BY s LIMIT ?", (match, limit)).fetchall()


def match_any(terms: Sequence[str]) -> str:
    """An FTS5 query matching a chunk that holds any of ``terms``, each a quoted string."""
    return " OR ".join(f'"{t}"' for t in terms)


def ranked(conn: sqlite3.Connection, table: str, match: str, limit: int) -> list[tuple[str, float]]:
    """FTS5's BM25 ranking of the chunks in ``table`` (``chunks_fts`` or ``chunks_trigram``)
    matching ``match``: (chunk_id, score), best first, higher = better.

    It sorts rowids and maps only the best ``limit`` to chunk ids (``chunk_scores``): SQLite's
    sorter carries every selected column of every matching chunk, and reading ``chunk_id`` for
    each cost 10-15 % of a search (9,600 matching chunks at 10k)."""
    return chunk_scores(conn, table, best_rowids(conn, table, match, limit))


def chunk_scores(conn: sqlite3.Connection, table: str, rows: Rows) -> list[tuple[str, float]]:
    """(rowid, FTS5 bm25) rows as (chunk_id, score), higher = better, in the same order."""
    ids = dict(by_rowid(conn, table, "rowid, chunk_id", [r[0] for r in rows]))
    return [(ids[r[0]], -float(r[1])) for r in rows]


def by_rowid(conn: sqlite3.Connection, table: str, columns: str, rowids: list[int]) -> list[tuple]:
    """``columns`` of the rows of ``table`` with these rowids."""
    marks = ",".join("?" * len(rowids))
    return [tuple(r) for r in conn.execute(f"SELECT {columns} FROM {table} WHERE rowid IN ({marks})", rowids)]
