"""Where SQLite's trigram search spends its time as the archive grows, and how close the
product's bounded search stays to the exact one (issue 18, point 5).

Asks ``bench/scale.py``'s 42 questions once against a scale archive (``--work``, as made by
``bench/scale.py``; ``--embedder`` as it was made with), recording for each trigram search the
question's trigrams and those the retriever's pruning keeps, then runs the searches alone,
several ways:

* ``exact``: FTS5's BM25 over all the question's trigrams (the reference);
* ``pruned``: FTS5's BM25 over the kept trigrams (the product's search before sqlite_trigrams);
* ``product``: ``ArchiveDB.search_trigrams`` as the retriever calls it (candidates from the
  rarest kept trigrams, rescored over all; see ragarchive/storage/sqlite_trigrams.py). Without
  the ``gram_docs`` totals (an archive not written since) it is ``pruned``;
* ``count``: ``SELECT count(*) … MATCH`` of the kept trigrams (reads the postings, scores none);
* ``docs<N>``: ``pruned`` cut to the rarest trigrams whose document counts (``fts5vocab``)
  stay within N, the rarest two kept;
* ``sub<k>``: every k-character substring of the question's words as an FTS5 phrase, unpruned.

For each: mean and p95 seconds a search, the median number of chunks matching the kept
trigrams, the median number of trigrams searched (kept, for ``product``), and for those that
rank: the share of the exact top 20 they return
(``overlap_exact``) and how often their first chunk is the exact one's (``top1_exact``).

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
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale  # noqa: E402
from ragarchive.storage.sqlite_fts import match_any, ranked  # noqa: E402

COUNT = "SELECT count(*) FROM chunks_trigram WHERE chunks_trigram MATCH ?"
LIMIT = 20  # the retriever's per-list depth (retrieval.per_list)

Search = tuple[list[str], list[str], str]  # (the question's trigrams, the kept ones, query text)


def capture(work: Path, embedder: str) -> tuple[Path, list[Search]]:
    """(the archive's SQLite file, one ``Search`` for each trigram search of the questions)."""
    from ragarchive.storage import sqlite_lexical

    searched: list[Search] = []
    original = sqlite_lexical.SQLiteLexical.search_trigrams

    def recording(self: Any, query: str, limit: int = 20, prune: Any = None) -> Any:
        def record(grams: list[str]) -> list[str]:
            kept = prune(grams) if prune else grams
            searched.append((list(grams), list(kept), query))
            return kept
        return original(self, query, limit, record)

    sqlite_lexical.SQLiteLexical.search_trigrams = recording
    try:
        return ask_questions(work, embedder), searched
    finally:
        sqlite_lexical.SQLiteLexical.search_trigrams = original


def ask_questions(work: Path, embedder: str) -> Path:
    """Ask bench/scale.py's questions once against the archive in ``work``; its SQLite file."""
    from ragarchive.services import build_ask_service

    settings = scale.settings_for(work, embedder, None, 1)
    service = build_ask_service(settings)
    try:
        for q in scale.build_questions(scale.load_sources(), 7):
            service.ask(q["question"])
    finally:
        service.retriever.db.close()
    return settings.archive_dir / "archive.sqlite"


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


def fts(conn: sqlite3.Connection, match: str) -> list[str]:
    """FTS5's BM25 over the trigram index, as the product ranks (sqlite_fts.ranked)."""
    return [c for c, _ in ranked(conn, "chunks_trigram", match, LIMIT)]


def count(conn: sqlite3.Connection, match: str) -> list[str]:
    conn.execute(COUNT, (match,)).fetchone()
    return []


def timed(run: Callable[[Any], list[str]], items: list[Any], rounds: int) -> tuple[list[float], list[list[str]]]:
    run(items[0])  # warm the page cache
    seconds, results = [], []
    for r in range(rounds):
        for item in items:
            t = time.perf_counter()
            got = run(item)
            seconds.append(time.perf_counter() - t)
            if r == 0:
                results.append(got)
    return seconds, results


def summary(seconds: list[float], results: list[list[str]], exact: list[list[str]] | None,
            matching: list[int], terms: list[int]) -> dict[str, Any]:
    seconds = sorted(seconds)
    out: dict[str, Any] = {"mean_s": round(statistics.mean(seconds), 4),
                           "p95_s": round(seconds[int(0.95 * len(seconds))], 4),
                           "matching_chunks_median": statistics.median(matching),
                           "terms_median": statistics.median(terms)}
    if exact is not None:
        out["overlap_exact"] = round(statistics.mean(
            len(set(g) & set(e)) / len(e) if e else float(not g) for g, e in zip(results, exact)), 3)
        out["top1_exact"] = round(statistics.mean(g[:1] == e[:1] for g, e in zip(results, exact)), 3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--embedder", default="hashing")
    ap.add_argument("--doc-budgets", default="10000,20000,40000")
    ap.add_argument("--substrings", default="4,5")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    from ragarchive.storage.sqlite import ArchiveDB

    path, searched = capture(args.work.resolve(), args.embedder)
    db = ArchiveDB(path)
    conn = db.conn
    conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, chunks_trigram, row)")
    kept_match = [match_any(k) for _, k, _ in searched]
    matching = [conn.execute(COUNT, (m,)).fetchone()[0] for m in kept_match]
    ways: dict[str, tuple[Callable[[Any], list[str]], list[Any], bool]] = {
        "exact": (lambda m: fts(conn, m), [match_any(a) for a, _, _ in searched], True),
        "pruned": (lambda m: fts(conn, m), kept_match, True),
        "product": (lambda s: [c for c, _ in db.search_trigrams(s[2], LIMIT, lambda _g: s[1])],
                    searched, True),
        "count": (lambda m: count(conn, m), kept_match, False),
    }
    for b in filter(None, args.doc_budgets.split(",")):
        ways[f"docs{b}"] = (lambda m: fts(conn, m),
                            [match_any(doc_budget(conn, k, int(b))) for _, k, _ in searched], True)
    for k in filter(None, args.substrings.split(",")):
        ways[f"sub{k}"] = (lambda m: fts(conn, m),
                           [match_any(substrings(t, int(k))) for _, _, t in searched], True)
    chunks = conn.execute("SELECT count(*) FROM chunks_trigram").fetchone()[0]
    totals = db.get_meta("gram_docs") is not None
    print(f"{chunks} chunks, {len(searched)} trigram searches, median "
          f"{statistics.median(len(a) for a, _, _ in searched)} trigrams each, "
          f"{statistics.median(len(k) for _, k, _ in searched)} kept; gram_docs totals: {totals}")
    exact: list[list[str]] | None = None
    for name, (run, items, ranks) in ways.items():
        seconds, results = timed(run, items, args.rounds)
        exact = results if name == "exact" else exact
        terms = [m.count(" OR ") + 1 if isinstance(m, str) else len(m[1]) for m in items]
        print(name, summary(seconds, results, exact if ranks else None, matching, terms), flush=True)
    db.close()


if __name__ == "__main__":
    main()
