"""What a question becomes: the values that ``AskService`` returns and the audit log, the CLI
and the UI read (an answer or a refusal, its citations and the closest passages). They live
apart from the service so that the audit and the interfaces need not import the stage that
makes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .ask_types import Filters, GateDecision, Reading, Retrieval, Verification

REASONS = ("no_evidence", "weak_evidence", "model_declined", "unsupported_answer", "backend_error")


@dataclass
class Citation:
    n: int
    document_id: str
    chunk_id: str
    title: str
    newspaper: str
    date: str
    page: int | None
    language: str
    snippet: str
    score: float
    chunk_ids: list[str] = field(default_factory=list)
    text: str = ""  # the whole passage as given to the generator
    source_path: str = ""
    regions: list[dict] = field(default_factory=list)  # page boxes the passage covers
    ocr_conf: float | None = None  # mean OCR word confidence of the chunk, when the format has it

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "document_id": self.document_id,
            "chunk_id": self.chunk_id,
            "title": self.title,
            "newspaper": self.newspaper,
            "date": self.date,
            "page": self.page,
            "language": self.language,
            "snippet": self.snippet,
            "score": round(self.score, 5),
        }


@dataclass
class AskResult:
    decision: str  # "answer" | "refuse"
    reason: str | None
    text: str
    language: str
    confidence: float
    threshold: float
    citations: list[Citation]
    passages: list[Citation]  # the closest passages (all evidence considered)
    # what the audit and the UI need besides the public fields
    question: str = ""
    filters: Filters = field(default_factory=Filters)
    retrieval: Retrieval | None = None
    gate: GateDecision | None = None
    verification: Verification | None = None
    generator: str = ""
    model: str | None = None
    prompt_name: str | None = None
    prompt_sha256: str | None = None
    draft: str = ""
    draft_scores: list[dict] = field(default_factory=list)  # extractive: best candidates scored
    reading: Reading | None = None  # the reader's expected answer and candidates
    answer_span: dict | None = None  # the fact shown: text, citation n, offsets in that passage
    detail: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    record_id: str | None = None  # the audit record written for this decision

    def to_json(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "reason": self.reason,
            "text": self.text,
            "language": self.language,
            "confidence": round(self.confidence, 4),
            "threshold": round(self.threshold, 4),
            "answer_span": self.answer_span,
            "expected_answer": self.reading.expected.to_json() if self.reading else None,
            "citations": [c.to_json() for c in self.citations],
            "passages": [p.to_json() for p in self.passages],
        }
