"""What SQLite's word searches cost as the archive grows, and how close the candidates stay
to the exact search (issue 18, point 5; ragarchive/storage/sqlite_words.py).

Asks ``bench/scale.py``'s 42 questions once against a scale archive (``--work``; ``--embedder``
as it was made with), recording the words of each search that ranks a question's own words (a
spelling variant's list is ranked from it exactly and is not counted here), then runs those
searches alone:

* ``exact``: FTS5's BM25 over all the words, every chunk holding one scored (the reference, and
  the product's search before the candidates);
* ``product``: ``sqlite_words.ranked_words`` as shipped (``CANDIDATE_OCCURRENCES``);
* ``occ<N>``: the same with ``CANDIDATE_OCCURRENCES = N``.

For each: mean and p95 seconds a search, how many searches took candidates, the share of the
exact top 20 returned (``overlap_exact``) and how often the first chunk is the exact one's
(``top1_exact``).

    .venv/bin/python bench/word_cost.py --work bench/.data/scale-hash-snap-10k \\
        [--embedder hashing] [--occurrences 500,2000,5000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from trigram_cost import LIMIT, ask_questions, summary, timed  # noqa: E402
from ragarchive.storage import sqlite_fts, sqlite_lexical, sqlite_words  # noqa: E402


def capture(work: Path, embedder: str) -> tuple[Path, list[list[str]]]:
    """(the archive's SQLite file, the words of each search of the questions' own words)."""
    searched: list[list[str]] = []
    original = sqlite_lexical.ranked_words

    def recording(conn: Any, words: list[str], limit: int) -> Any:
        if words:
            searched.append(list(words))
        return original(conn, words, limit)

    sqlite_lexical.ranked_words = recording
    try:
        return ask_questions(work, embedder), searched
    finally:
        sqlite_lexical.ranked_words = original


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--embedder", default="hashing")
    ap.add_argument("--occurrences", default="500,2000,5000")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    from ragarchive.storage.sqlite import ArchiveDB

    path, searched = capture(args.work.resolve(), args.embedder)
    db = ArchiveDB(path)
    conn = db.conn
    shipped = sqlite_words.CANDIDATE_OCCURRENCES
    chunks = conn.execute("SELECT count(*) FROM chunks_fts").fetchone()[0]
    print(f"{chunks} chunks, {len(searched)} word searches; CANDIDATE_OCCURRENCES = {shipped}")
    ways = {"exact": None, "product": shipped}
    ways.update({f"occ{n}": int(n) for n in filter(None, args.occurrences.split(","))})
    exact: list[list[Any]] | None = None
    for name, occurrences in ways.items():
        sqlite_words.CANDIDATE_OCCURRENCES = occurrences or 0

        def run(words: list[str]) -> list[Any]:
            if occurrences is None:
                rows = sqlite_fts.best_rowids(conn, "chunks_fts", sqlite_fts.match_any(words), LIMIT)
            else:
                rows = sqlite_words.ranked_words(conn, words, LIMIT)
            return [r[0] for r in rows]

        seconds, results = timed(run, searched, args.rounds)
        exact = results if name == "exact" else exact
        split = 0 if occurrences is None else sum(
            len(sqlite_words.rarest(conn, w)) < len(w) for w in searched)
        terms = [len(w) for w in searched]
        out = summary(seconds, results, exact, [0] * len(searched), terms)
        out.pop("matching_chunks_median")
        print(name, {**out, "candidates_taken": split}, flush=True)
    sqlite_words.CANDIDATE_OCCURRENCES = shipped
    db.close()


if __name__ == "__main__":
    main()
