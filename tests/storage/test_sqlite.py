"""The SQLite engine (catalogue and FTS5 lexical index), real, in a temporary folder."""

from collections import Counter
from pathlib import Path

from ragarchive.storage.sqlite import ArchiveDB
from ragarchive.types import Chunk, ChunkRow, DocumentRow


def _chunk(i: int, text: str, source: str = "/a.txt") -> Chunk:
    return Chunk(
        chunk_id=f"doc{i}#0", doc_id=f"doc{i}", source_path=source, text=text, start=0,
        end=len(text), title=None, date="1856", page=None, pages=[], language="de",
        language_prob=0.9, mean_conf=None, regions=[],
    )


def _doc(i: int, source: str = "/a.txt") -> DocumentRow:
    return DocumentRow(doc_id=f"doc{i}", source_path=source, title=None, date=None, language="de",
                       language_prob=0.9, newspaper=None, pages="[]", n_chunks=1, text="t",
                       raw_text="t", meta="{}")


def test_replace_and_remove_file_keeps_indexes_consistent(tmp_path: Path) -> None:
    db = ArchiveDB(tmp_path / "a.sqlite")
    chunks = [_chunk(1, "Die Regierung beschloss"), _chunk(2, "Rcgierung und Hochwasser")]
    kw = dict(path="/a.txt", file_hash="h", kind="text", warnings=[], timings={},
              raw_counts=Counter({"Regierung": 1}))
    db.replace_file(documents=[_doc(1), _doc(2)], chunks=chunks, **kw)
    assert db.counts() == {"files": 1, "documents": 2, "chunks": 2}
    assert [c for c, _ in db.search_words("hochwasser")] == ["doc2#0"]
    tri = db.conn.execute(
        "SELECT chunk_id FROM chunks_trigram WHERE chunks_trigram MATCH '\"gierung\"'"
    ).fetchall()
    assert len(tri) == 2  # the trigram index finds the OCR-damaged spelling too
    assert [c for c, _ in db.search_words("Regierung")] == ["doc1#0"]
    assert {c for c, _ in db.search_trigrams("Regierung")} == {"doc1#0", "doc2#0"}
    vocab = dict(db.conn.execute("SELECT word, count FROM vocab").fetchall())
    assert vocab["hochwasser"] == 1 and vocab["rcgierung"] == 1
    # replacing the file swaps its rows, never duplicates them
    db.replace_file(documents=[_doc(1)], chunks=chunks[:1], **kw)
    assert db.counts()["chunks"] == 1 and db.search_words("hochwasser") == []
    assert "hochwasser" not in dict(db.conn.execute("SELECT word, count FROM vocab").fetchall())
    assert db.remove_file("/a.txt") == 1
    assert db.counts() == {"files": 0, "documents": 0, "chunks": 0}
    assert db.conn.execute("SELECT count(*) FROM chunks_fts").fetchone()[0] == 0


def test_document_rows_are_stored_column_for_column_and_chunks_read_back_as_chunk_rows(tmp_path: Path) -> None:
    db = ArchiveDB(tmp_path / "a.sqlite")
    doc = DocumentRow(doc_id="doc1", source_path="/a.txt", title="Blatt", date="1856-03-14",
                      language="de", language_prob=0.9731, newspaper="Der Moselbote", pages="[1, 2]",
                      n_chunks=1, text="Die Brücke", raw_text="Die Brü-\ncke", meta='{"cleaning": {}}')
    db.replace_file(path="/a.txt", file_hash="h", kind="text", documents=[doc],
                    chunks=[_chunk(1, "Die Brücke")], warnings=[], timings={}, raw_counts=Counter())
    stored = db.conn.execute("SELECT * FROM documents").fetchone()
    assert tuple(stored) == ("doc1", "/a.txt", "Blatt", "1856-03-14", "de", 0.9731, "Der Moselbote",
                             "[1, 2]", 1, "Die Brücke", "Die Brü-\ncke", '{"cleaning": {}}')
    rows = db.chunk_rows(["doc1#0", "missing#0", "doc1#0"])
    assert list(rows) == ["doc1#0"]
    row = rows["doc1#0"]
    assert isinstance(row, ChunkRow)
    assert (row.doc_id, row.ord, row.text) == ("doc1", 0, "Die Brücke")
    assert row.meta == _chunk(1, "Die Brücke").metadata()


def test_content_key_changes_when_a_file_is_replaced_by_one_with_as_many_chunks(tmp_path: Path) -> None:
    # the gate's background is keyed on it: a same-size replacement must still re-measure it
    db = ArchiveDB(tmp_path / "a.sqlite")
    kw = dict(path="/a.txt", kind="text", warnings=[], timings={}, raw_counts=Counter())
    db.replace_file(documents=[_doc(1)], chunks=[_chunk(1, "Die Regierung beschloss")], file_hash="h1", **kw)
    first = db.content_key()
    assert db.content_key() == first
    db.replace_file(documents=[_doc(1)], chunks=[_chunk(1, "Ganz anderer Text")], file_hash="h2", **kw)
    assert db.counts()["chunks"] == 1 and db.content_key() != first
    second = db.content_key()
    db.remove_file("/a.txt")
    assert db.content_key() not in (first, second)


def test_common_terms_are_left_out_of_lexical_search_but_the_rarest_stay(tmp_path: Path) -> None:
    from ragarchive.retrieval.expand import Vocabulary
    from ragarchive.retrieval.retriever import prune_common

    db = ArchiveDB(tmp_path / "a.sqlite")
    texts = ["Die Regierung tagte", "Die Regierung beschloss", "Regierung und Hochwasser"]
    db.replace_file(documents=[_doc(i) for i in range(3)], chunks=[_chunk(i, t) for i, t in enumerate(texts)],
                    path="/a.txt", file_hash="h", kind="text", warnings=[], timings={}, raw_counts=Counter())
    vocab = Vocabulary(db.vocabulary())
    assert vocab.trigram_counts["gie"] == 3 and vocab.trigram_counts["hoc"] == 1
    # "regierung" (3 chunks) is over the cap: only "hochwasser" is searched, so the one
    # chunk holding it is the only hit
    prune = lambda terms: prune_common(terms, vocab.counts, cap=2, keep=1)  # noqa: E731
    assert prune(["regierung", "hochwasser"]) == ["hochwasser"]
    assert [c for c, _ in db.search_words("Regierung Hochwasser", prune=prune)] == ["doc2#0"]
    assert len(db.search_words("Regierung Hochwasser")) == 3
    # a question of common words only keeps its rarest ``keep`` terms
    assert prune(["regierung"]) == ["regierung"]
    grams = lambda terms: prune_common(terms, vocab.trigram_counts, cap=2, keep=0)  # noqa: E731
    assert [c for c, _ in db.search_trigrams("Regierung Hochwasser", prune=grams)] == ["doc2#0"]


def test_archive_counts_are_running_totals_that_match_the_files(tmp_path: Path) -> None:
    db = ArchiveDB(tmp_path / "a.sqlite")
    kw = dict(kind="text", warnings=[], timings={})
    db.replace_file(path="/a.txt", file_hash="a", documents=[_doc(1, "/a.txt")],
                    chunks=[_chunk(1, "Regierung", "/a.txt")], raw_counts=Counter({"Regierung": 2, "Rath": 1}), **kw)
    db.replace_file(path="/b.txt", file_hash="b", documents=[_doc(2, "/b.txt")],
                    chunks=[_chunk(2, "Regierung", "/b.txt")], raw_counts=Counter({"Regierung": 1}), **kw)
    assert db.archive_counts(set()) == Counter({"Regierung": 3, "Rath": 1})
    assert db.archive_counts({"/a.txt"}) == Counter({"Regierung": 1})  # the batch being re-ingested
    # a new version replaces the old counts; a removed file takes its counts away
    db.replace_file(path="/a.txt", file_hash="a2", documents=[_doc(1, "/a.txt")],
                    chunks=[_chunk(1, "Stadt", "/a.txt")], raw_counts=Counter({"Stadt": 1}), **kw)
    db.remove_file("/b.txt")
    assert db.archive_counts(set()) == Counter({"Stadt": 1})
    # an archive made before the totals existed gets them built once from its files
    db.conn.execute("DELETE FROM raw_vocab")
    db.conn.execute("DELETE FROM meta WHERE key = 'raw_vocab'")
    assert db.archive_counts(set()) == Counter({"Stadt": 1})
    assert db.get_meta("raw_vocab") == "totals"


def test_newspapers_are_the_names_the_newspaper_filter_matches_commonest_first(tmp_path: Path) -> None:
    db = ArchiveDB(tmp_path / "a.sqlite")
    docs = [
        DocumentRow(doc_id=f"doc{i}", source_path="/a.txt", title=title, date=None, language="de",
                    language_prob=0.9, newspaper=paper, pages="[]", n_chunks=1, text="t",
                    raw_text="t", meta="{}")
        for i, (paper, title) in enumerate([
            ("Der Moselbote", "Brücke"), ("Der Moselbote", None), ("Le Courrier", "Pont"),
            (None, "Plain export"), ("", None), (None, None),
        ])
    ]
    db.replace_file(path="/a.txt", file_hash="h", kind="text", documents=docs,
                    chunks=[_chunk(0, "Die Brücke")], warnings=[], timings={}, raw_counts=Counter())
    # a document without a newspaper is matched (and listed) by its title; one with neither is not
    assert db.newspapers() == ["Der Moselbote", "Le Courrier", "Plain export"]
    assert ArchiveDB(tmp_path / "b.sqlite").newspapers() == []
