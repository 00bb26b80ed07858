"""PostgreSQL's word searches (storage/postgres_words.py) against BM25 computed the plain way:
every posting of the lexemes read, each lexeme's documents counted from them."""

import random

import pytest

from ragarchive.storage import postgres_words
from ragarchive.storage.postgres import PostgresArchive
from ragarchive.storage.postgres_schema import QUERY_CONFIGS
from ragarchive.storage.word_plans import plan_word_searches, searched_words

from storage.test_archive_store import _chunk, _put
from test_postgres_archive import _counted_from_postings, _totals

# What the word search computed before the running totals (schema version 7): the reference
_PLAIN = """WITH l AS (SELECT DISTINCT x FROM unnest(%(configs)s::regconfig[]) AS cfg,
    unnest(tsvector_to_array(to_tsvector(cfg, %(words)s))) AS x),
m AS (SELECT seq, lexeme, tf::float8 AS tf, dl::float8 AS dl FROM chunk_words WHERE lexeme IN (SELECT x FROM l)),
df AS (SELECT lexeme, count(*)::float8 AS n FROM m GROUP BY lexeme),
n AS (SELECT count(*)::float8 AS total, avg(n_words)::float8 AS avgdl FROM chunks)
SELECT c.chunk_id, sum(greatest(ln((n.total - df.n + 0.5) / (df.n + 0.5)), 1e-6)
    * m.tf * 2.2 / (m.tf + 1.2 * (0.25 + 0.75 * m.dl / n.avgdl))) AS score
FROM m JOIN df USING (lexeme) CROSS JOIN n JOIN chunks c USING (seq) {where}
GROUP BY c.chunk_id, m.seq ORDER BY score DESC, m.seq"""

_WORDS = ("Regierung Regierungen Rcgierung Regiernng Hochwasser Hochwaffer Brücke Zeitung Stadt Mosel "
          "Minister Kammer Ananas").split()


@pytest.fixture(scope="module")
def archive(postgres_server):  # type: ignore[no-untyped-def]
    """Three files of random sentences, one of them replaced by a smaller version and one
    removed, so that the totals have seen every kind of write."""
    url = postgres_server.create_database("word_search")
    db = PostgresArchive(url, "w")
    rng = random.Random(11)
    weights = [8, 3, 1, 1, 6, 1, 2, 9, 9, 3, 2, 2, 1]  # common and rare words
    files = {f"/{n}.txt": [_chunk(i, " ".join(rng.choices(_WORDS, weights, k=rng.randint(3, 25))), f"/{n}.txt")
                           for i in range(n * 100, n * 100 + 80)] for n in range(3)}
    for path, chunks in files.items():
        _put(db, path, chunks)
    _put(db, "/1.txt", files["/1.txt"][:30], file_hash="h2")
    db.remove_file("/2.txt")
    yield db, url
    db.close()


def _plain(db: PostgresArchive, words: list[str], limit: int, holding: list[str] | None = None):
    """(chunk_id, score) by the plain computation; only the chunks holding a lexeme of
    ``holding`` when it is given."""
    where = ""
    args = {"configs": list(QUERY_CONFIGS), "words": " ".join(words)}
    if holding is not None:
        where = ("WHERE m.seq IN (SELECT seq FROM chunk_words WHERE lexeme IN (SELECT unnest("
                 "tsvector_to_array(to_tsvector(cfg, %(holding)s))) FROM unnest(%(configs)s::regconfig[]) AS cfg))")
        args["holding"] = " ".join(holding)
    with db.connection() as c:
        rows = c.execute(_PLAIN.format(where=where), args).fetchall()  # type: ignore[arg-type]
    return [(r[0], float(r[1])) for r in rows[:limit]]


def _same(got: list[tuple[str, float]], want: list[tuple[str, float]]) -> None:
    """The same scores in the same order, and the same chunks with each score: chunks of the
    same length holding the same words tie, and the order of equal sums in floating point
    (PostgreSQL adds a chunk's postings in the order its plan reads them) may then differ in
    the last digit. The lowest score's chunks may be cut anywhere by the limit."""
    assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-9)
    tied_got, tied_want = _tied(got), _tied(want)
    assert tied_got.keys() == tied_want.keys()
    assert all(tied_got[s] == tied_want[s] for s in tied_want if s != min(tied_want))


def _tied(rows: list[tuple[str, float]]) -> dict[float, set[str]]:
    out: dict[float, set[str]] = {}
    for chunk_id, score in rows:
        out.setdefault(round(score, 9), set()).add(chunk_id)
    return out


def test_lexeme_document_counts_are_the_postings_own(archive) -> None:  # type: ignore[no-untyped-def]
    _, url = archive
    assert _totals(url, "w", "word_docs") == _counted_from_postings(url, "w", "chunk_words", "lexeme")


@pytest.mark.parametrize("limit", [3, 20])
def test_each_list_is_the_plain_bm25_of_its_words(archive, limit: int) -> None:  # type: ignore[no-untyped-def]
    """A question, spelling variants that extend it (ranked from the question's ranking), one
    whose added spelling stems as the question's word does, and a variant of other words."""
    db, _ = archive
    queries = ["Regierung Zeitung Stadt", "Regierung Zeitung Stadt Rcgierung Hochwaffer",
               "Regierung Zeitung Stadt Regierungen", "Minister Kammer", "Regierung Zeitung Stadt Ananas"]
    for prune in (None, lambda words: sorted(words)[:3]):
        plans = plan_word_searches(queries, prune)
        for plan, got in zip(plans, db.search_word_lists(queries, limit, prune)):
            want = _plain(db, searched_words(plan, plans[0]), limit)
            assert len(want) == limit  # more chunks match than the list holds
            _same(got, want)
    assert db.search_word_lists([], 5) == [] and db.search_words("und der die", 5) == []


@pytest.fixture(scope="module")
def skewed(postgres_server):  # type: ignore[no-untyped-def]
    """Chunks of a rare word, of common words, and short chunks of common words only."""
    texts = (["Ananas und viele andere Worte der langen Rede hier"] * 30
             + ["Zeitung Stadt und manches andere mehr"] * 40 + ["Zeitung Zeitung Stadt Stadt"] * 3
             + ["Minister Minister sprach"] * 60 + ["Mosel Ufer und Wein hier"] * 5
             + ["Wetter Markt Preise Hafen Schiffe"] * 200)
    db = PostgresArchive(postgres_server.create_database("word_candidates"), "c")
    _put(db, "/a.txt", [_chunk(i, t) for i, t in enumerate(texts)])
    yield db
    db.close()


def test_common_lexemes_score_only_the_chunks_holding_a_rarer_one(
    skewed, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Past ``CANDIDATE_DOCS``, the candidates are the chunks holding the rarest lexemes,
    scored over all of them as the plain BM25 scores them; a chunk holding only common ones is
    not, even one that the exact search ranks first."""
    words = ["Ananas", "Stadt", "Zeitung"]
    exact = _plain(skewed, words, 10)
    monkeypatch.setattr(postgres_words, "CANDIDATE_DOCS", 30)  # the rarest lexeme only
    got = skewed.search_words(" ".join(words), 10)
    _same(got, _plain(skewed, words, 10, holding=["Ananas"]))
    assert exact[0][0] not in {c for c, _ in got}  # a short chunk of common words ranks first when exact
    monkeypatch.setattr(postgres_words, "CANDIDATE_DOCS", 10**6)
    _same(skewed.search_words(" ".join(words), 10), exact)


def test_a_variants_common_added_lexemes_are_scored_only_in_the_chunks_of_its_rarer_ones(
    skewed, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A spelling variant's added lexemes past ``CANDIDATE_DOCS`` (an OCR spelling the stemmer
    reads as a common word's): the question's list, updated with the chunks holding the
    rarest added lexemes only, scored over all of them; exact again within the bound."""
    queries = ["Ananas", "Ananas Minister Mosel"]
    exact = _plain(skewed, ["Ananas", "Minister", "Mosel"], 10)
    monkeypatch.setattr(postgres_words, "CANDIDATE_DOCS", 30)  # "mosel" (5 chunks), not "minist" (60)
    got = skewed.search_word_lists(queries, 10)[1]
    updated = dict(_plain(skewed, ["Ananas"], 10)) | dict(_plain(skewed, queries[1].split(), 10, holding=["Mosel"]))
    _same(got, sorted(updated.items(), key=lambda r: -r[1])[:10])
    assert {c for c, _ in exact} - {c for c, _ in got}  # the short "Minister Minister" chunks
    monkeypatch.setattr(postgres_words, "CANDIDATE_DOCS", 10**6)
    _same(skewed.search_word_lists(queries, 10)[1], exact)
