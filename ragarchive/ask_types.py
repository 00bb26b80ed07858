"""The values a question becomes on its way through the stages, in one shared module.

Ingest values are in ``ragarchive/types.py``; these are the ask values: what the question
analyser, the retriever, the sentence scorer, the reader, the gate and verification hand on to
the next stage (``results.py`` holds what the whole decision becomes). Each stage's module makes
them and re-exports the ones it makes, so a later stage may import a value from here or from
the stage that makes it. This module imports no stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .types import ChunkRow

if TYPE_CHECKING:
    import numpy as np

TYPES = ("person", "organisation", "place", "date", "duration", "number", "money", "name",
         "reason", "description")
TYPED = frozenset(TYPES) - {"reason", "description"}  # types with a span to extract


@dataclass(frozen=True)
class ExpectedAnswer:
    """The answer a question asks for: its type, the head noun that decided it (if any), the
    focus words of the question phrase, and why the type was chosen (for the audit)."""

    type: str = "description"
    head: str | None = None
    focus: tuple[str, ...] = ()
    source: str = "default"  # "question_word", "head" or "default"
    numbers: tuple[str, ...] = field(default=())

    def to_json(self) -> dict:
        return {"type": self.type, "head": self.head, "focus": list(self.focus), "source": self.source}

    @property
    def typed(self) -> bool:
        return self.type in TYPED


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval: ISO dates compared as prefixes (``1870`` ≤ ``1870-05-02``)."""

    date_from: str | None = None
    date_to: str | None = None
    newspaper: str | None = None  # case-insensitive substring of the newspaper title
    language: str | None = None
    # documents held out of the candidates (calibration builds unanswerable questions this way)
    exclude_documents: tuple[str, ...] = ()
    # sentences hidden from the reader, not from retrieval (calibration's synthetic near-misses:
    # the topic is found, the sentence with the asked fact is not there to read)
    hide_sentences: tuple[str, ...] = ()

    def active(self) -> bool:
        return any((self.date_from, self.date_to, self.newspaper, self.language, self.exclude_documents))

    def to_json(self) -> dict[str, str | None]:
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "newspaper": self.newspaper,
            "language": self.language,
        }


@dataclass
class Query:
    text: str
    language: str
    language_source: str  # "detected", "words" or "default"
    terms: list[str]  # content words, lower-case, in question order
    numbers: list[str]
    filters: Filters = field(default_factory=Filters)
    expected: ExpectedAnswer = field(default_factory=ExpectedAnswer)  # what kind of answer it asks for


@dataclass
class Variant:
    origin: str
    text: str  # what dense retrieval embeds
    terms: list[str]  # what lexical retrieval matches
    weight: float = 1.0
    # question term -> [(spelling, weight)] added by this variant (for coverage and the audit)
    mapping: dict[str, list[tuple[str, float]]] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "origin": self.origin,
            "text": self.text,
            "terms": self.terms,
            "weight": self.weight,
            "mapping": {k: [[s, round(w, 3)] for s, w in v] for k, v in self.mapping.items()},
        }


@dataclass
class RankedList:
    name: str  # e.g. "original/dense", "ocr/words"
    origin: str
    kind: str  # dense | words | trigram
    weight: float
    hits: list[tuple[str, float]]  # (chunk_id, score), best first

    def to_json(self, top: int = 10) -> dict:
        return {
            "name": self.name,
            "origin": self.origin,
            "kind": self.kind,
            "weight": round(self.weight, 3),
            "hits": [[cid, round(s, 4)] for cid, s in self.hits[:top]],
        }


@dataclass
class FusedHit:
    chunk_id: str
    score: float
    ranks: dict[str, int] = field(default_factory=dict)  # list name -> 1-based rank


@dataclass
class Passage:
    """One or more adjacent chunks of one document, shown and cited as one piece of evidence."""

    chunk_ids: list[str]
    doc_id: str
    text: str
    score: float
    meta: dict  # metadata of the first chunk (title, date, page, language, ...)
    ords: list[int]


@dataclass
class Retrieval:
    query: Query
    variants: list[Variant]
    lists: list[RankedList]
    fused: list[FusedHit]
    passages: list[Passage]
    chunks: dict[str, ChunkRow]  # chunk rows of every fused hit
    query_vector: np.ndarray | None
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # e.g. an expansion that failed

    def list_named(self, name: str) -> RankedList | None:
        return next((lst for lst in self.lists if lst.name == name), None)

    def weighted_spellings(self, cross_lingual: float = 0.5) -> dict[str, list[tuple[str, float]]]:
        """Question term -> (spelling, trust): OCR and historical spellings are the term itself
        (1.0); word-for-word translations are often a neighbour of the right word, not the word
        (``cross_lingual``)."""
        out: dict[str, list[tuple[str, float]]] = {}
        for v in self.variants:
            trust = cross_lingual if v.origin == "cross_lingual" else 1.0
            for term, pairs in v.mapping.items():
                out.setdefault(term, []).extend((s, trust) for s, _ in pairs)
        return out

    def spellings(self) -> dict[str, list[str]]:
        """Question term -> the spellings and translations the expansions added for it."""
        return {t: [s for s, _ in pairs] for t, pairs in self.weighted_spellings().items()}


@dataclass(frozen=True)
class SentenceScore:
    """One sentence of the top passages and how well it addresses the question."""

    n: int  # the passage's number (1-based, as cited)
    sentence: str
    coverage: float
    similarity: float | None  # None when it was not embedded (see ``MAX_EMBEDDED``)
    score: float


@dataclass
class Candidate:
    text: str  # the fact as it stands in the passage
    type: str
    n: int  # passage number (citation number)
    start: int  # offsets of the fact in the passage text
    end: int
    unit: tuple[int, int]  # the reading unit that holds it
    score: float
    parts: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"text": self.text, "type": self.type, "n": self.n, "start": self.start,
                "end": self.end, "score": round(self.score, 3),
                "parts": {k: round(v, 3) for k, v in self.parts.items()}}


@dataclass
class Reading:
    expected: ExpectedAnswer
    candidates: list[Candidate]  # best first, at most one per distinct fact
    terms_found: list[str]  # question terms present in the top passage (for refusal messages)
    # the units of the top passages, best first by ``unit_score``: the answer of an untyped
    # question, what a typed answer quotes beside its fact (or instead of an unsure one)
    units: list[Candidate] = field(default_factory=list)

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    def features(self) -> dict[str, float]:
        best = self.best
        runner = self.candidates[1].score if len(self.candidates) > 1 else 0.0
        return {
            "reader_score": best.score if best else 0.0,
            "reader_focus": best.parts.get("focus", 0.0) if best else 0.0,
            "reader_margin": (best.score - runner) if best else 0.0,
            "reader_untyped": 0.0 if self.expected.typed else 1.0,
        }

    def to_json(self) -> dict:
        return {"expected": self.expected.to_json(),
                "candidates": [c.to_json() for c in self.candidates[:5]]}


@dataclass
class GateDecision:
    confidence: float
    threshold: float
    features: dict[str, float]
    passed: bool
    reason: str | None  # None, "no_evidence" or "weak_evidence"


@dataclass
class SentenceCheck:
    text: str
    citations: list[int]
    supported: bool
    lexical_support: float
    embedding_support: float | None
    missing_facts: list[str] = field(default_factory=list)
    invalid_citations: list[int] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "citations": self.citations,
            "supported": self.supported,
            "lexical_support": round(self.lexical_support, 3),
            "embedding_support": None
            if self.embedding_support is None
            else round(self.embedding_support, 3),
            "missing_facts": self.missing_facts,
            "invalid_citations": self.invalid_citations,
        }


@dataclass
class Verification:
    sentences: list[SentenceCheck]

    @property
    def supported(self) -> list[SentenceCheck]:
        return [s for s in self.sentences if s.supported]

    @property
    def all_supported(self) -> bool:
        return bool(self.sentences) and all(s.supported for s in self.sentences)

    def text(self) -> str:
        return " ".join(s.text for s in self.supported)
