"""``ragarchive move``: put an embedded archive on the shared servers without embedding it again.

What moves: the catalogue rows of every indexed file (manifest, documents, chunks; PostgreSQL
rebuilds its own search columns and word counts from them), the stored vectors when they
change store, the archive's identity and embedder fingerprint, and its calibration. What stays
in the data folder: the audit log and a query adapter (each app server keeps its own).

Per file, in the order an ingest writes, so that a catalogue row never points at missing vectors:

1. claim the file on the target (the advisory lock an ingest worker takes), so a worker
   ingesting the same path into the target is never interleaved with the move;
2. skip it when the target has it indexed with the same hash (and, when the vectors move,
   holds every one of its vectors): this is what makes a re-run after a kill finish the job
   without duplicates;
3. mark it pending in the target, delete its old vectors there and upsert the copied ones;
4. swap its rows in one transaction (``replace_file``), which marks it indexed.

A kill between two steps leaves the file non-indexed in the target, and the next run redoes it.
The caller holds the source's one-writer lock (``cli_move``), so no ingest changes the source
meanwhile.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from .errors import (
    CatalogueUnavailableError, ChromaUnavailableError, EmbedderMismatchError, IndexWriteError,
    RagArchiveError,
)

if TYPE_CHECKING:
    from pathlib import Path

    from .config import Settings
    from .storage.chroma import ChromaStore
    from .storage.protocols import ArchiveStore
    from .storage.sqlite import ArchiveDB


class Progress(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, path: str) -> None: ...
    def stop(self) -> None: ...


class _NoProgress:
    def start(self, total: int) -> None:
        pass

    def advance(self, path: str) -> None:
        pass

    def stop(self) -> None:
        pass


@dataclass
class MoveReport:
    files: int = 0  # indexed files in the source
    moved: int = 0
    skipped: int = 0  # already in the target (a re-run)
    chunks: int = 0
    vectors: int = 0  # vectors copied (0 when they stay where they are)
    busy: list[str] = field(default_factory=list)  # an ingest worker held them on the target
    missing_vectors: list[str] = field(default_factory=list)  # the source store lacks some
    not_indexed: list[str] = field(default_factory=list)  # failed or pending in the source
    calibration: str = "none"

    @property
    def ok(self) -> bool:
        return not self.busy and not self.missing_vectors


@dataclass
class _Ends:
    """Both ends of a move; ``dst_dense`` is None when the vectors stay where they are."""

    src: ArchiveDB
    src_dense: ChromaStore
    dst: ArchiveStore
    dst_dense: ChromaStore | None


def move_archive(
    settings: Settings, catalogue_url: str, chroma_url: str | None, progress: Progress | None = None
) -> MoveReport:
    """Move the embedded archive that ``settings`` name into the PostgreSQL catalogue at
    ``catalogue_url`` and, when given, its vectors into the Chroma server at ``chroma_url``."""
    from .services import open_db, open_dense

    src = open_source(settings)
    dst = None
    target = _with_urls(settings, catalogue_url, chroma_url)
    try:
        src_dense = open_dense(settings)
        src_dense.check_matches(src, claim=False)  # a store without this archive's vectors
        dst = open_db(target)
        archive_id, embedder = check_target(src, dst, settings.archive)
        dst_dense = None
        if chroma_url and not same_server(settings.chroma.url, chroma_url):
            dst_dense = open_dense(target)
            dst_dense.check_owner(archive_id, claim=False)  # another archive's collection
        _claim_target(dst, dst_dense, archive_id, embedder)
        report = _move_files(_Ends(src, src_dense, dst, dst_dense), progress or _NoProgress())
        report.calibration = carry_calibration(settings.archive_dir, dst)
        dst.refresh_statistics()  # a bulk load: without it the first questions run twice as slow
        return report
    finally:
        src.close()
        if dst is not None:
            dst.close()


def open_source(settings: Settings) -> ArchiveDB:
    """The embedded catalogue of the archive, whatever ``catalogue.url`` says; an archive that
    is not there is an error (opening the file would create an empty one)."""
    from .services import open_db

    path = settings.archive_dir / "archive.sqlite"
    if not path.is_file():
        raise RagArchiveError(
            f"No embedded archive {settings.archive!r} in {settings.data_dir} (no {path}). "
            "`ragarchive move` copies the archive that --data-dir and --archive name; check both."
        )
    return open_db(_with_urls(settings, None, settings.chroma.url))  # type: ignore[return-value]


def _with_urls(settings: Settings, catalogue_url: str | None, chroma_url: str | None) -> Settings:
    """``settings`` with these stores (the factory in ``services`` builds the engines)."""
    return settings.model_copy(update={
        "catalogue": settings.catalogue.model_copy(update={"url": catalogue_url}),
        "chroma": settings.chroma.model_copy(update={"url": chroma_url}),
    })


def same_server(a: str | None, b: str | None) -> bool:
    """The two Chroma URLs name one server (then the vectors are already where they go)."""
    return bool(a and b and a.rstrip("/") == b.rstrip("/"))


def check_target(src: ArchiveDB, dst: ArchiveStore, archive: str) -> tuple[str, str]:
    """The source's archive id and embedder, once the target may take them: it is empty, or
    holds this very archive (an earlier move, finished or not) with the same embedder. Checked
    before anything is written, so a refused move leaves the target as it was."""
    embedder = src.get_meta("embedder")
    if embedder is None or not src.counts()["files"]:
        raise RagArchiveError(f"Archive {archive!r} has no indexed files: nothing to move.")
    archive_id = src.archive_id(create=True) or ""
    held = dst.get_meta("archive_id")
    where = getattr(dst, "where", "the target catalogue")
    if held != archive_id and (held is not None or dst.counts()["files"]):
        raise RagArchiveError(
            f"The PostgreSQL catalogue {where} already holds an archive {archive!r} that is not "
            "this one (another data folder ingested or moved it there). A move fills an empty "
            "catalogue or finishes its own earlier move: use another database, or drop the "
            f"schema {archive!r} there if it is a leftover."
        )
    stored = dst.get_meta("embedder")
    if stored is not None and stored != embedder:
        raise EmbedderMismatchError(
            f"The PostgreSQL catalogue {where} holds archive {archive!r} with embedder "
            f"{stored!r}, but this archive was embedded with {embedder!r}; one archive cannot "
            "mix embedders. Move it into another database."
        )
    return archive_id, embedder


def _claim_target(dst: ArchiveStore, dst_dense: ChromaStore | None, archive_id: str, embedder: str) -> None:
    """Record the source's identity and embedder in the target, and own its collection. Set
    once: another writer that got there first since ``check_target`` is refused here."""
    if dst.set_meta_once("archive_id", archive_id) != archive_id:
        raise RagArchiveError("Another data folder claimed the target catalogue during the move; "
                              "use another database.")
    dst.check_embedder(embedder, claim=True)
    if dst_dense is not None:
        dst_dense.check_owner(archive_id, claim=True)


def _move_files(ends: _Ends, progress: Progress) -> MoveReport:
    records = ends.src.files()
    todo = [r for r in records if r["status"] == "indexed"]
    report = MoveReport(files=len(todo),
                        not_indexed=[r["path"] for r in records if r["status"] != "indexed"])
    # the vectors the target server has, to tell a finished file from one whose vectors are gone
    present = set(ends.dst_dense.ids()) if ends.dst_dense is not None else None
    progress.start(len(todo))
    done = 0
    try:
        for record in todo:
            _move_claimed(ends, record, present, report)
            done += 1
            progress.advance(record["path"])
    except (ChromaUnavailableError, CatalogueUnavailableError, IndexWriteError) as exc:
        # not one file's fault: every following file would fail the same way
        raise type(exc)(f"Move stopped after {done} of {len(todo)} files. {exc}") from exc
    finally:
        progress.stop()
    return report


def _move_claimed(ends: _Ends, record: dict, present: set[str] | None, report: MoveReport) -> None:
    """One file under the target's claim (the lock an ingest worker takes for that path)."""
    path = record["path"]
    if not ends.dst.claim_file(path):
        report.busy.append(path)
        return
    try:
        if _already_there(ends.dst, record, present):
            report.skipped += 1
        else:
            _move_one(ends, record, report)
    finally:
        ends.dst.release_file(path)


def _already_there(dst: ArchiveStore, record: dict, present: set[str] | None) -> bool:
    row = dst.file_record(record["path"])
    if not (row and row["status"] == "indexed" and row["hash"] == record["hash"]):
        return False
    # the same hash means the same chunk ids; their vectors may have been lost on the server
    return present is None or set(json.loads(record["chunk_ids"])) <= present


def _move_one(ends: _Ends, record: dict, report: MoveReport) -> None:
    import numpy as np

    from .storage.copy import copy_file, file_chunks

    path = record["path"]
    chunks = file_chunks(ends.src, path)
    if ends.dst_dense is not None and chunks:
        stored = ends.src_dense.vectors([c.chunk_id for c in chunks])
        if len(stored) < len(chunks):  # a damaged source: do not move a file that cannot be asked
            report.missing_vectors.append(path)
            return
        ends.dst.mark_pending(path, record["kind"], record["hash"])
        ends.dst_dense.delete_source(path)  # vectors of an older version of the file
        ends.dst_dense.upsert(chunks, np.stack([stored[c.chunk_id] for c in chunks]))
        report.vectors += len(chunks)
    copy_file(ends.src, ends.dst, record, chunks)
    report.moved += 1
    report.chunks += len(chunks)


def carry_calibration(archive_dir: Path, dst: ArchiveStore) -> str:
    """Put the archive's own ``calibration.json`` where a shared catalogue keeps it (its meta,
    read by every app server). A calibration the target already has is kept: it was fitted
    there (``ragarchive calibrate`` after an earlier move) and is the newer one."""
    from .gating.gate import CATALOGUE_KEY

    own = archive_dir / "calibration.json"
    if not own.is_file():
        return "none (the shipped default applies until `ragarchive calibrate`)"
    text = own.read_text(encoding="utf-8")
    held = dst.get_meta(CATALOGUE_KEY)
    if held is None:
        dst.set_meta(CATALOGUE_KEY, text)
        return "carried over"
    if json.loads(held) == json.loads(text):
        return "already there"
    return "the target's own kept (it differs from this data folder's calibration.json)"
