"""``ragarchive move``: the embedded demo archive put on a real PostgreSQL server
(tests/pg_server.py) and a real ``chroma run``, then asked from another, empty data folder
through the two URLs alone, as an app server on another machine would. A second move skips
everything; a target holding another archive, and bad or unreachable URLs, are one-line errors.
The CLI runs in-process (``cli.main``, the console script's entry point) to spare a second
interpreter start per call. Skipped without PostgreSQL's server binaries."""

from __future__ import annotations

import io
import json
import shutil
import sys
from contextlib import redirect_stderr, redirect_stdout
from importlib import resources
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

from ragarchive.cli import main
from ragarchive.config import load_settings
from ragarchive.moving import move_archive
from ragarchive.retrieval.filters import parse_filters
from ragarchive.services import build_ask_service
from chroma_server import ChromaServer, free_port
from test_chroma_server import run_chroma

pytestmark = pytest.mark.slow

# the README's examples (CLI section and the audit walk-through), with the filters shown there
QUESTIONS = [
    ("When was the railway between Marbethal and Valmarbe opened?", {}),
    ("Combien a coûté le pont suspendu ?", {"language": "fr", "date_from": "1860"}),
    ("Wann wurde in Marbethal das erste Theater eröffnet?", {}),
]
# PostgreSQL's word search stems and drops stop words where FTS5 does neither, so the fused list
# may order passages below the first few differently (one of the three questions: its 4th); the
# rows and vectors themselves are compared (``_assert_copied_exactly``; with the catalogue moved
# and the vectors left embedded the lists were the same as with the vectors on the server)
TOP = 3
THRESHOLD = 0.47  # the source's own calibration: not the shipped default's, to see it carried


@pytest.fixture(scope="module")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    yield from run_chroma(tmp_path_factory, "chroma-for-move")


def _source(demo_data_dir: Path, data_dir: Path, archive: str = "demo", calibrated: bool = False) -> Path:
    """A copy of the session's demo archive (a move takes its lock and may record its id),
    under another archive name if asked (its embedded collection renamed to match)."""
    folder = data_dir / "archives" / archive
    shutil.copytree(demo_data_dir / "archives" / "demo", folder,
                    ignore=shutil.ignore_patterns("ingest.lock", "calibration.json"))
    if archive != "demo":
        import chromadb

        client = chromadb.PersistentClient(path=str(folder / "chroma"))
        client.get_collection("ragarchive-demo").modify(name=f"ragarchive-{archive}")
    if calibrated:
        default = resources.files("ragarchive").joinpath("data/default_calibration.json").read_text("utf-8")
        text = json.dumps({**json.loads(default), "threshold": THRESHOLD}, indent=2) + "\n"
        (folder / "calibration.json").write_text(text, encoding="utf-8")
    return data_dir


def _cli(*args: str) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of ``ragarchive ARGS``."""
    out, err, argv = io.StringIO(), io.StringIO(), sys.argv
    sys.argv = ["ragarchive", *args]
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        sys.argv = argv
    return code, out.getvalue(), err.getvalue()


def _move(
    data_dir: Path, catalogue: str, chroma: str | None = None, archive: str = "demo"
) -> tuple[int, str, str]:
    args = ["--data-dir", str(data_dir), "--archive", archive, "move", "--no-progress",
            "--catalogue-url", catalogue]
    return _cli(*args, *(["--chroma-url", chroma] if chroma else []))


def _one_error(code: int, err: str, expected: str) -> None:
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 2 and len(errors) == 1 and expected in errors[0], err
    assert "Traceback" not in err


class _Stop:
    """A progress display that is interrupted after ``n`` files."""

    def __init__(self, n: int) -> None:
        self.n = n

    def start(self, total: int) -> None:
        pass

    def advance(self, path: str) -> None:
        self.n -= 1
        if not self.n:
            raise KeyboardInterrupt

    def stop(self) -> None:
        pass


def _ids(citations: list) -> list[str]:
    return [c.chunk_id for c in citations]


def _assert_copied_exactly(src: Path, url: str, chroma: ChromaServer) -> None:
    """The catalogue's rows as in the source, the chunks' unit vectors, and every vector (to the last bit of a float32:
    vectors read back from a Chroma server differ from the embedded store's by up to 1e-8)."""
    from ragarchive.services import open_db, open_dense

    lite_settings = load_settings(data_dir=src, archive="demo")
    pg_settings = load_settings(data_dir=src, archive="demo", catalogue={"url": url},
                                chroma={"url": chroma.url})
    lite, pg = open_db(lite_settings), open_db(pg_settings)
    try:
        assert pg.counts() == lite.counts() and pg.chunk_ids() == lite.chunk_ids()
        assert pg.vocabulary() == lite.vocabulary()
        assert pg.get_meta("embedder") == lite.get_meta("embedder")
        assert pg.archive_id(create=False) == lite.archive_id(create=False)
        ids = lite.chunk_ids()
        units, moved = lite.unit_vectors(ids), pg.unit_vectors(ids)  # the ingest stored them
        assert sorted(units) == sorted(moved) == sorted(ids)
        assert all(np.array_equal(units[i], moved[i]) for i in ids)
    finally:
        lite.close()
        pg.close()
    a, b = open_dense(lite_settings).vectors(ids), open_dense(pg_settings).vectors(ids)
    assert sorted(a) == sorted(b) == sorted(ids)
    assert all(np.allclose(a[i], b[i], rtol=0, atol=1e-7) for i in ids)


def _assert_vacuumed(url: str, schema: str, tables: list[str]) -> None:
    """The move ended with VACUUM (ANALYZE): statistics and visibility map for the new rows."""
    import psycopg

    with psycopg.connect(url) as conn:
        rows = dict(conn.execute(
            "SELECT relname, last_vacuum IS NOT NULL AND last_analyze IS NOT NULL FROM pg_stat_user_tables "
            "WHERE schemaname = %s", (schema,)).fetchall())
    assert all(rows.get(t) for t in tables), rows


def _state(url: str, chroma: ChromaServer) -> tuple:
    from ragarchive.storage.chroma import ChromaStore
    from ragarchive.storage.postgres import PostgresArchive

    db = PostgresArchive(url, "demo")
    try:
        return db.counts(), db.content_key(), ChromaStore("demo", url=chroma.url).count()
    finally:
        db.close()


def test_a_moved_archive_answers_alike_from_another_data_folder_and_a_rerun_skips_everything(
    demo_data_dir: Path, pg_url: str, chroma: ChromaServer, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ragarchive.storage.sqlite import ArchiveDB

    src = _source(demo_data_dir, tmp_path / "src", calibrated=True)
    lite = ArchiveDB(src / "archives" / "demo" / "archive.sqlite")
    files = lite.counts()["files"]
    lite.close()
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C (or a kill) after some files
        move_archive(load_settings(data_dir=src, archive="demo"), pg_url, chroma.url, _Stop(5))
    code, out, err = _move(src, pg_url, chroma.url)
    assert code == 0, err
    assert f"moved {files - 5} files, skipped 5 already there" in out
    assert "calibration: carried over" in out
    assert "s3cret" not in out + err  # the catalogue's password is never echoed
    _assert_vacuumed(pg_url, "demo", ["chunk_grams", "chunk_words", "chunks"])

    _assert_copied_exactly(src, pg_url, chroma)
    embedded = build_ask_service(load_settings(data_dir=src, archive="demo"))
    expected = [embedded.ask(q, parse_filters(**f)) for q, f in QUESTIONS]
    monkeypatch.setenv("RAGARCHIVE_CATALOGUE__URL", pg_url)
    monkeypatch.setenv("RAGARCHIVE_CHROMA__URL", chroma.url)
    served = build_ask_service(load_settings(data_dir=tmp_path / "elsewhere", archive="demo"))
    assert served.calibration.threshold == THRESHOLD
    answers = []
    for (question, filters), want in zip(QUESTIONS, expected):
        got = served.ask(question, parse_filters(**filters))
        answers.append(got)
        assert (got.decision, got.reason, got.text) == (want.decision, want.reason, want.text), question
        assert _ids(got.citations) == _ids(want.citations), question
        assert _ids(got.passages)[:TOP] == _ids(want.passages)[:TOP], question
        assert got.confidence == pytest.approx(want.confidence, abs=1e-3), question

    # the command line of an app server: nothing but the two URLs and an empty data folder
    code, out, err = _cli("--data-dir", str(tmp_path / "app"), "--archive", "demo", "ask", "--json",
                          QUESTIONS[0][0])
    assert code == 0, err
    assert [p["chunk_id"] for p in json.loads(out)["passages"]] == _ids(answers[0].passages)

    before = _state(pg_url, chroma)
    monkeypatch.delenv("RAGARCHIVE_CATALOGUE__URL")
    monkeypatch.delenv("RAGARCHIVE_CHROMA__URL")
    code, out, err = _move(src, pg_url, chroma.url)
    assert code == 0, err
    assert f"moved 0 files, skipped {files} already there" in out
    assert "0 chunks, 0 vectors copied; calibration: already there" in out
    assert _state(pg_url, chroma) == before  # nothing rewritten: the content key did not move


def test_a_target_that_holds_another_archive_or_embedder_is_refused(
    demo_data_dir: Path, postgres_server, chroma: ChromaServer, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    from ragarchive.storage.chroma import ChromaStore
    from ragarchive.storage.postgres import PostgresArchive

    src = _source(demo_data_dir, tmp_path / "src")
    for name, key, value, message in [
        ("move_other_archive", "archive_id", "another-data-folder", "already holds an archive 'demo'"),
        ("move_other_embedder", "embedder", "sentence-transformers:other:1:384", "cannot mix embedders"),
    ]:
        url = postgres_server.create_database(name)
        db = PostgresArchive(url, "demo")
        db.set_meta(key, value)
        code, _, err = _move(src, url)  # the vectors would stay embedded: a warning, then the refusal
        _one_error(code, err, message)
        assert db.counts()["files"] == 0
        db.close()

    # a server collection of that name owned by another archive: refused before any write
    ChromaStore("other", url=chroma.url).check_owner("another-data-folder", claim=True)
    other = _source(demo_data_dir, tmp_path / "other", archive="other")
    url = postgres_server.create_database("move_other_collection")
    code, _, err = _move(other, url, chroma.url, archive="other")
    _one_error(code, err, "already holds archive 'other'")
    db = PostgresArchive(url, "other")
    assert db.get_meta("archive_id") is None and db.counts()["files"] == 0
    db.close()


def test_bad_or_unreachable_urls_are_one_line_errors(
    demo_data_dir: Path, postgres_server, pg_url: str, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    src = _source(demo_data_dir, tmp_path / "src")
    chroma_down = f"http://127.0.0.1:{free_port()}"
    cases = [
        (("mysql://u@127.0.0.1/db", chroma_down), "must be a PostgreSQL URL"),
        ((f"postgresql://u@127.0.0.1:{free_port()}/db", chroma_down), "is unreachable"),
        ((postgres_server.url("postgres", password="nope"), chroma_down), "refused the login"),
        ((pg_url, "chroma:8000"), "--chroma-url must be a Chroma server URL"),
        ((pg_url, chroma_down), f"The Chroma server at {chroma_down} is unreachable"),
    ]
    for (catalogue, chroma), message in cases:
        code, out, err = _move(src, catalogue, chroma)
        _one_error(code, err, message)
        assert "nope" not in err and out == ""
    code, _, err = _move(tmp_path / "empty", pg_url, chroma_down)
    _one_error(code, err, "No embedded archive 'demo'")
