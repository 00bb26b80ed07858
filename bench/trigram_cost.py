"""Where SQLite's trigram search spends its time as the archive grows (issue 18, point 5).

Asks ``bench/scale.py``'s 42 questions once against a scale archive (``--work``, as made by
``bench/scale.py``; ``--embedder`` as it was made with), recording the trigram lists that the
retriever's pruning leaves for each FTS5 trigram search, then times the FTS5 statement alone on
those lists, several ways:

* ``count``: ``SELECT count(*) … MATCH`` (reads the postings, scores nothing);
* ``bm25``: the product's statement (``bm25()`` of every matching chunk, ORDER BY … LIMIT);
* ``docs<N>``: the product's statement with the lists cut to the rarest trigrams whose
  document counts (``fts5vocab``) stay within N, the rarest two kept: a budget on the chunks a
  search touches instead of on the occurrences it reads;
* ``sub<k>``: every k-character substring of the question's words as an FTS5 phrase, unpruned.

For each: mean and p95 seconds a search, and the median number of matching chunks. The archive
is opened read-only apart from a temporary ``fts5vocab`` table.

    .venv/bin/python bench/trigram_cost.py --work bench/.data/scale-hash-snap-10k \
        [--embedder hashing] [--doc-budgets 10000,20000,40000] [--substrings 4,5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale  # noqa: E402
from ragarchive.storage.sqlite_lexical import TRIGRAM_SEARCH, match_any  # noqa: E402

COUNT = "SELECT count(*) FROM chunks_trigram WHERE chunks_trigram MATCH ?"
LIMIT = 20  # the retriever's per-list depth (retrieval.per_list)


def capture(work: Path, embedder: str) -> tuple[Path, list[tuple[list[str], str]]]:
    """(the archive's SQLite file, [(pruned trigrams, query text)] for each trigram search)."""
    from ragarchive.services import build_ask_service
    from ragarchive.storage import sqlite_lexical

    searched: list[tuple[list[str], str]] = []
    original = sqlite_lexical.SQLiteLexical.search_trigrams

    def recording(self: Any, query: str, limit: int = 20, prune: Any = None) -> Any:
        def record(grams: list[str]) -> list[str]:
            kept = prune(grams) if prune else grams
            searched.append((kept, query))
            return kept
        return original(self, query, limit, record)

    sqlite_lexical.SQLiteLexical.search_trigrams = recording
    settings = scale.settings_for(work, embedder, None, 1)
    service = build_ask_service(settings)
    try:
        for q in scale.build_questions(scale.load_sources(), 7):
            service.ask(q["question"])
    finally:
        service.retriever.db.close()
        sqlite_lexical.SQLiteLexical.search_trigrams = original
    return settings.archive_dir / "archive.sqlite", searched


def doc_budget(conn: sqlite3.Connection, grams: list[str], budget: int) -> list[str]:
    marks = ",".join("?" * len(grams))
    docs = dict(conn.execute(f"SELECT term, doc FROM temp.vocab WHERE term IN ({marks})", grams))
    kept: list[str] = []
    for gram in grams:  # already rarest first (the retriever's pruning order)
        if len(kept) >= 2 and sum(docs.get(g, 0) for g in kept) + docs.get(gram, 0) > budget:
            break
        kept.append(gram)
    return kept


def substrings(text: str, k: int) -> list[str]:
    return sorted({w[i:i + k] for w in text.lower().split() for i in range(len(w) - k + 1)})


def timed(conn: sqlite3.Connection, sql: str, matches: list[str], rounds: int) -> dict[str, float]:
    extra = (LIMIT,) if sql == TRIGRAM_SEARCH else ()
    seconds = []
    for _ in range(rounds):
        for m in matches:
            t = time.perf_counter()
            conn.execute(sql, (m, *extra)).fetchall()
            seconds.append(time.perf_counter() - t)
    seconds.sort()
    rows = [conn.execute(COUNT, (m,)).fetchone()[0] for m in matches]
    return {"mean_s": round(statistics.mean(seconds), 4),
            "p95_s": round(seconds[int(0.95 * len(seconds))], 4),
            "matching_chunks_median": statistics.median(rows),
            "terms_median": statistics.median(m.count(" OR ") + 1 for m in matches)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--embedder", default="hashing")
    ap.add_argument("--doc-budgets", default="10000,20000,40000")
    ap.add_argument("--substrings", default="4,5")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    db, searched = capture(args.work.resolve(), args.embedder)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, chunks_trigram, row)")
    ways = {"count": (COUNT, [match_any(g) for g, _ in searched]),
            "bm25": (TRIGRAM_SEARCH, [match_any(g) for g, _ in searched])}
    for b in filter(None, args.doc_budgets.split(",")):
        ways[f"docs{b}"] = (TRIGRAM_SEARCH, [match_any(doc_budget(conn, g, int(b))) for g, _ in searched])
    for k in filter(None, args.substrings.split(",")):
        ways[f"sub{k}"] = (TRIGRAM_SEARCH, [match_any(substrings(t, int(k))) for _, t in searched])
    chunks = conn.execute("SELECT count(*) FROM chunks_trigram").fetchone()[0]
    print(f"{chunks} chunks, {len(searched)} trigram searches, "
          f"median {statistics.median(len(g) for g, _ in searched)} trigrams each")
    for name, (sql, matches) in ways.items():
        timed(conn, sql, matches[:1], 1)  # warm the page cache
        print(name, timed(conn, sql, matches, args.rounds))


if __name__ == "__main__":
    main()
