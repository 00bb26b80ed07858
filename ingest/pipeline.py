"""Batch ingestion: discover → parse → clean → langid → chunk → embed → index, file by file.

Crash safety, in order, for each source file:
1. the manifest row is marked ``pending`` (own transaction);
2. the file's old vectors are deleted from Chroma and the new ones upserted (stable ids);
3. one SQLite transaction swaps documents, chunks, FTS rows, vocabulary and marks it ``indexed``.
A kill between any two steps leaves the file non-``indexed``, so a re-run processes it again,
deletes whatever step 2 left, and ends in the same state as an uninterrupted run.

With the embedded SQLite catalogue only one ingest may write to an archive at a time (an
exclusive lock file); a second one stops at once with a clear message rather than interleaving
manifest updates. With a shared PostgreSQL catalogue (``catalogue.url``) several workers, on one
machine or many, ingest into one archive at once: each claims a file before working on it
(``claim_file``), skips the files another worker holds, and re-checks the manifest after the
claim, so no file is ingested twice; a killed worker's claim ends with its connection. Ingests into different
archives run side by side, also against one Chroma server: each archive has its own manifest
and its own collection, and a server collection is claimed by the manifest that created it (see
``ChromaStore.check_owner``), so two data folders cannot write one collection by accident.

When the data folder cannot be written (disk full, read-only) or the Chroma server is
unreachable, the batch stops at once with an ``IndexWriteError`` / ``ChromaUnavailableError``:
the file in progress stays ``pending`` and the next run redoes it.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ragarchive import __version__
from ragarchive.config import Settings
from ragarchive.embedding import Embedder
from ragarchive.errors import (
    CatalogueUnavailableError, ChromaUnavailableError, IndexWriteError, MissingToolError,
    ParseError, RagArchiveError,
)
from ragarchive.storage.protocols import ArchiveStore, VectorStore
from ragarchive.text.langid import UND, detect_language
from ragarchive.text.languages import SUPPORTED_LANGUAGES
from ragarchive.types import Chunk, Document, DocumentRow

from .chunking import make_chunks, split_text
from .discover import SourceFile, discover
from .report import FileReport, IngestReport, NoProgress, Progress, reason
from .units import add_missing_units, question_vectors
from .writers import archive_lock

__all__ = ["Ingestor", "archive_lock"]

# Keep parsed files of the lexicon pre-pass in memory up to this many characters, so small and
# medium batches are parsed once; beyond it files are parsed again (bounded memory).
_PARSE_CACHE_CHARS = 50_000_000


@dataclass
class _Prepared:
    documents: list[DocumentRow]
    chunks: list[Chunk]
    warnings: list[str]
    raw_counts: Counter[str]
    timings: dict[str, float]


class Ingestor:
    """Runs batches into one archive. Build it with ``services.build_ingestor``."""

    def __init__(
        self,
        settings: Settings,
        db: ArchiveStore,
        dense_factory: Callable[[], VectorStore],
        embedder_factory: Callable[[], Embedder],
    ) -> None:
        self.settings = settings
        self.db = db
        self._dense_factory = dense_factory
        self._embedder_factory = embedder_factory
        self._dense: VectorStore | None = None
        self._embedder: Embedder | None = None
        self._within: Callable[[str, float, str], None] = _no_within

    # Heavy parts are built on first need: a re-run on unchanged files loads no model.
    @property
    def dense(self) -> VectorStore:
        if self._dense is None:
            dense = self._dense_factory()
            dense.check_matches(self.db, claim=True)
            self._dense = dense
        return self._dense

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = self._embedder_factory()
            self.db.check_embedder(self._embedder.fingerprint, claim=True)
        return self._embedder

    def run(self, paths: list[Path], progress: Progress | None = None) -> IngestReport:
        progress = progress or NoProgress()
        self._within = getattr(progress, "within", _no_within)  # the optional within-file hook
        t0 = time.perf_counter()
        with self._writer_lock():
            sources, skipped = discover(paths)
            report = IngestReport(
                files=[FileReport(str(p), "skipped", error=why) for p, why in skipped]
            )
            hashes = {s.path: self._hash(s) for s in sources}
            todo = [s for s in sources if not self._unchanged(s, hashes[s.path])]
            report.files += [
                FileReport(str(s.path), "unchanged", s.kind) for s in sources if s not in todo
            ]
            if todo:
                self._connect()
            # files an older ragarchive indexed without unit vectors get them (ingest/units.py)
            stale = ({str(s.path) for s in sources if s not in todo} & self.db.files_without_units()
                     if self.settings.embedder.question_vectors else set())
            progress.start(len(todo) + len(stale))
            done = 0
            try:
                lexicon, cache = self._lexicon(todo)
                for source in todo:
                    report.files.append(self._ingest_claimed(source, hashes[source.path], lexicon, cache, report))
                    done += 1
                    progress.advance(str(source.path))
                report.units_added = add_missing_units(self.db, lambda: self.embedder, stale, progress.advance)
            except (ChromaUnavailableError, CatalogueUnavailableError, IndexWriteError) as exc:
                # Not one file's fault: every following file would fail the same way.
                raise type(exc)(f"Ingest stopped after {done} of {len(todo)} files. {exc}") from exc
            finally:
                progress.stop()
        report.files.sort(key=lambda f: f.path)
        report.wall_seconds = time.perf_counter() - t0
        return report

    def remove(self, path: Path) -> list[tuple[str, int]]:
        """Delete every indexed file at or under ``path`` from all indexes."""
        target = str(path.resolve())
        removed = []
        with self._writer_lock():
            for row in self.db.files():
                p = row["path"]
                if p == target or p.startswith(target.rstrip("/") + "/"):
                    self.dense.delete_source(p)
                    removed.append((p, self.db.remove_file(p)))
        return removed

    def _writer_lock(self) -> Any:
        """The embedded catalogue's one-writer lock; a shared catalogue claims file by file."""
        return nullcontext() if self.db.shared else archive_lock(self.settings.archive_dir)

    def _ingest_claimed(self, source: SourceFile, file_hash: str, lexicon: Any,
                        cache: dict[Path, Any], report: IngestReport) -> FileReport:
        """One file under this worker's claim: skipped while another worker holds it, and
        unchanged if another worker finished it since the batch was planned."""
        path = str(source.path)
        if not self.db.claim_file(path):
            cache.pop(source.path, None)
            return FileReport(path, "skipped", source.kind, error=(
                "another worker is ingesting it; run again later to check it was finished"))
        try:
            if self._unchanged(source, file_hash):
                return FileReport(path, "unchanged", source.kind)
            return self._ingest_one(source, file_hash, lexicon, cache, report)
        finally:
            self.db.release_file(path)

    def _connect(self) -> None:
        """Open the vector store before any embedding work: an unreachable server or a
        collection owned by another data folder stops the batch before it costs anything."""
        _ = self.dense

    # -- one file ---------------------------------------------------------------------------
    def _ingest_one(
        self,
        source: SourceFile,
        file_hash: str,
        lexicon: Any,
        cache: dict[Path, Any],
        report: IngestReport,
    ) -> FileReport:
        path = str(source.path)
        t0 = time.perf_counter()
        try:
            parsed = cache.pop(source.path, None) or self._parse(source)
            prepared = self._prepare(source, parsed, lexicon)
        except MissingToolError as exc:  # not the file's fault: listed, retried once installed
            return FileReport(path, "skipped", source.kind, error=reason(path, str(exc)))
        except RagArchiveError as exc:
            return self._failed(source, file_hash, str(exc))
        except Exception as exc:  # a bug must not cost the rest of the batch
            return self._failed(source, file_hash, f"internal error: {type(exc).__name__}: {exc}")
        self.db.mark_pending(str(source.path), source.kind, file_hash)
        self._within(path, 0.9, f"embedding {len(prepared.chunks)} chunks")
        t_embed = time.perf_counter()
        vectors = self.embedder.embed_documents([c.text for c in prepared.chunks])
        unit_vectors = None
        if self.settings.embedder.question_vectors:  # questions then embed none of these (units.py)
            unit_vectors = question_vectors(
                self.db, self.embedder, [(c.text, c.title or "", c.language) for c in prepared.chunks])
        report.embed_seconds += time.perf_counter() - t_embed
        report.embedded_chunks += len(prepared.chunks)
        prepared.timings["embed"] = time.perf_counter() - t_embed
        self.dense.delete_source(path)
        self.dense.upsert(prepared.chunks, vectors)
        prepared.timings["total"] = time.perf_counter() - t0
        self.db.replace_file(
            path=path,
            file_hash=file_hash,
            kind=source.kind,
            documents=prepared.documents,
            chunks=prepared.chunks,
            warnings=prepared.warnings,
            timings={k: round(v, 4) for k, v in prepared.timings.items()},
            raw_counts=prepared.raw_counts,
            unit_vectors=unit_vectors,
        )
        return FileReport(
            path,
            "ingested",
            source.kind,
            documents=len(prepared.documents),
            chunks=len(prepared.chunks),
            warnings=prepared.warnings,
            seconds=round(time.perf_counter() - t0, 4),
        )

    def _failed(self, source: SourceFile, file_hash: str, error: str) -> FileReport:
        error = reason(str(source.path), error)
        self.db.mark_failed(str(source.path), source.kind, file_hash, error)
        return FileReport(str(source.path), "failed", source.kind, error=error)

    def _parse(self, source: SourceFile) -> Any:
        from .formats import parse

        return parse(source, ocr_languages=self.settings.ocr.languages)

    def _prepare(self, source: SourceFile, parsed: Any, lexicon: Any) -> _Prepared:
        from .clean import CleaningOptions, clean_document

        options = CleaningOptions(
            min_word_conf=self.settings.cleaning.min_word_conf,
            correct_words=self.settings.cleaning.correct_words,
        )
        t0 = time.perf_counter()
        warnings = list(parsed.warnings)
        documents: list[DocumentRow] = []
        chunks: list[Chunk] = []
        seen: set[str] = set()
        for i, doc in enumerate(parsed.documents, 1):
            self._within(str(source.path), 0.9 * (i - 1) / len(parsed.documents),
                         f"cleaning and chunking document {i} of {len(parsed.documents)}")
            problem = self._id_problem(doc, str(source.path), seen)
            if problem:
                warnings.append(problem)
                continue
            seen.add(doc.doc_id)
            clean = clean_document(doc, lexicon, options)
            doc_chunks, doc_row = self._chunk(doc, clean)
            if not doc_chunks:
                warnings.append(f"document {doc.doc_id!r} has no text after cleaning")
            documents.append(doc_row)
            chunks += doc_chunks
        if not documents:
            raise ParseError(f"{source.path}: no document with text" + _first(warnings))
        return _Prepared(
            documents,
            chunks,
            warnings,
            _raw_counts(parsed.documents),
            {"prepare": time.perf_counter() - t0},
        )

    def _id_problem(self, doc: Document, path: str, seen: set[str]) -> str | None:
        if doc.doc_id in seen:
            return f"duplicate document id {doc.doc_id!r} in this file; kept the first"
        owner = self.db.doc_owner(doc.doc_id)
        if owner is not None and owner != path:
            return f"document id {doc.doc_id!r} already belongs to {owner}; skipped"
        return None

    def _chunk(self, doc: Document, clean: Any) -> tuple[list[Chunk], DocumentRow]:
        lid = self.settings.langid
        guess = detect_language(
            clean.text, min_letters=lid.min_letters, min_prob=lid.min_prob, seed=lid.seed
        )
        language, prob = guess.language, guess.prob
        if language == UND and doc.language:
            language, prob = doc.language, 0.0  # declared by the source, not detected
        cfg = self.settings.chunking
        pieces = split_text(clean.text, cfg.size, cfg.overlap)
        langs = []
        for p in pieces:
            g = detect_language(p.text, min_letters=lid.min_letters, min_prob=lid.min_prob, seed=lid.seed)
            # A chunk too short to tell inherits its article's language.
            langs.append((g.language, g.prob) if g.language != UND else (language, prob))
        chunks = make_chunks(doc, clean, pieces, langs)
        row = DocumentRow(
            doc_id=doc.doc_id,
            source_path=doc.source_path,
            title=doc.title,
            date=doc.date,
            language=language,
            language_prob=round(prob, 4),
            newspaper=doc.newspaper,
            pages=json.dumps(doc.pages),
            n_chunks=len(chunks),
            text=clean.text,
            raw_text=clean.raw,
            meta=json.dumps(
                {**doc.meta, "declared_language": doc.language, "cleaning": clean.stats},
                ensure_ascii=False,
                default=str,
            ),
        )
        return chunks, row

    # -- batch helpers ----------------------------------------------------------------------
    def _hash(self, source: SourceFile) -> str:
        """Content of the file and its related files, plus everything that shapes the output."""
        h = hashlib.sha256(self._pipeline_fingerprint().encode())
        for p in (source.path, *source.related):
            h.update(str(p.name).encode())
            try:
                with open(p, "rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        h.update(block)
            except OSError as exc:
                h.update(f"unreadable:{exc}".encode())
        return h.hexdigest()

    def _pipeline_fingerprint(self) -> str:
        s = self.settings
        return json.dumps(
            [__version__, s.chunking.model_dump(), s.cleaning.model_dump(),
             s.langid.model_dump(), s.ocr.languages],
            sort_keys=True,
        )

    def _unchanged(self, source: SourceFile, file_hash: str) -> bool:
        row = self.db.file_record(str(source.path))
        return bool(row and row["status"] == "indexed" and row["hash"] == file_hash)

    def _lexicon(self, todo: list[SourceFile]) -> tuple[Any, dict[Path, Any]]:
        """Correction lexicon from the archive's own vocabulary: indexed files + this batch.

        Counting the whole batch before cleaning any of it makes the result independent of
        file order and of where a killed run stopped. Page images are not pre-parsed (OCR is
        too slow to run twice); their words still join the archive vocabulary once indexed.
        """
        cache: dict[Path, Any] = {}
        if not self.settings.cleaning.correct_words or not todo:
            return None, cache
        from .lexicon import Lexicon

        counts = self.db.archive_counts(exclude={str(s.path) for s in todo})
        budget = _PARSE_CACHE_CHARS
        for source in todo:
            if source.kind == "image":
                continue
            self._within(str(source.path), 0.0, "reading for the spelling lexicon")
            try:
                parsed = self._parse(source)
            except Exception:
                continue  # reported when the file itself is processed
            counts.update(_raw_counts(parsed.documents))
            size = sum(len(d.raw_text) for d in parsed.documents)
            if size <= budget:
                cache[source.path] = parsed
                budget -= size
        return Lexicon.from_counts(counts, SUPPORTED_LANGUAGES), cache


def _no_within(path: str, fraction: float, what: str) -> None:
    pass


def _raw_counts(documents: list[Document]) -> Counter[str]:
    from .clean import tokenize_words

    counts: Counter[str] = Counter()
    for d in documents:
        counts.update(tokenize_words(d.raw_text))
    return counts


def _first(warnings: list[str]) -> str:
    return f" ({warnings[0]})" if warnings else ""
