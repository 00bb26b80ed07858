"""The confidence gate: features of the retrieval → a confidence in [0, 1] → answer or refuse.

Features (all in [0, 1] or close to it, so one logistic model can weigh them):

* ``dense_z``: cosine similarity of the original question to its best chunk, in standard
  deviations above the archive's background — the best similarity that off-topic probe questions
  reach in this archive (``background``). Raw e5 similarities crowd into 0.75–0.9 and rise with
  the size of the archive, so a raw cut-off fitted on one archive would not carry to another;
  ``dense_top`` (raw) is still recorded for the audit;
* ``dense_margin``: how far the best chunk stands above the 5th (a clear winner vs a plateau);
* ``coverage``: share of the question's content terms found (fuzzily, or through one of their
  expansions) in the best passage; the best of the top three passages counts;
* ``agreement``: share of the non-empty ranked lists that have the top fused chunk in their
  top 10 (dense, words, trigrams and the variants agree on it);
* ``sentence_support``: the best sentence score of the top passages (answering/evidence.py):
  whether some sentence addresses the question — its terms and the kind of answer it asks
  for — rather than the passage merely being on topic;
* ``foreign_top``: whether the best passage is in another language than the question;
* ``lexical_top``: whether a word search (the original question's, or the cross-lingual
  variant's for evidence in another language) ranks the top passage first;
* the reader's own (answering/reader.py): ``reader_score`` (the best answer candidate's score),
  ``reader_focus`` (the focus words of the question phrase near it), ``reader_margin`` (its lead
  over the runner-up) and ``reader_untyped`` (1 for *why* and *what happened* questions, which
  have no typed span): retrieval similarity says "the topic is here", and cannot see a near-miss;
  only the reading step can say "the answer is here".

The calibration (weights, intercept, threshold) is JSON stored next to the index
(``<archive>/calibration.json``, or the metadata of a shared PostgreSQL catalogue); without one, the default calibration shipped for the default
embedder applies (``ragarchive/data/default_calibration.json``, how it was fitted is written in
it and in docs/retrieval.md).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ragarchive.ask_types import GateDecision, Passage, Retrieval

from ..text.tokens import LETTER_RUN
from .background import Background

if TYPE_CHECKING:
    from ..storage.protocols import Catalogue

FEATURES = (
    "dense_z", "dense_margin", "coverage", "agreement", "lexical_top", "sentence_support",
    "foreign_top", "reader_score", "reader_focus", "reader_margin", "reader_untyped",
)

@dataclass
class Calibration:
    weights: dict[str, float]
    intercept: float
    threshold: float
    embedder: str | None = None
    source: str = "default"
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def confidence(self, features: dict[str, float]) -> float:
        z = self.intercept + sum(self.weights.get(k, 0.0) * features.get(k, 0.0) for k in FEATURES)
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self) -> dict[str, Any]:
        return {
            "weights": self.weights,
            "intercept": self.intercept,
            "threshold": self.threshold,
            "embedder": self.embedder,
            "source": self.source,
            "notes": self.notes,
            **self.extra,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], source: str) -> "Calibration":
        known = {"weights", "intercept", "threshold", "embedder", "notes", "source"}
        return cls(
            weights={k: float(v) for k, v in data["weights"].items()},
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            embedder=data.get("embedder"),
            source=source,
            notes=data.get("notes", ""),
            extra={k: v for k, v in data.items() if k not in known},
        )


CATALOGUE_KEY = "calibration"  # where a shared catalogue keeps the archive's calibration


def load_calibration(archive_dir: Path, catalogue: Catalogue | None = None) -> Calibration:
    """The archive's own calibration when it has one, else the shipped default. A shared
    catalogue (PostgreSQL) keeps it in its metadata, so every app server that uses the
    catalogue gates alike; an embedded archive keeps it in ``<archive>/calibration.json``."""
    if catalogue is not None and catalogue.shared:
        stored = catalogue.get_meta(CATALOGUE_KEY)
        if stored:
            return Calibration.from_json(json.loads(stored), f"catalogue meta {CATALOGUE_KEY!r}")
    else:
        own = archive_dir / "calibration.json"
        if own.is_file():
            return Calibration.from_json(json.loads(own.read_text(encoding="utf-8")), str(own))
    text = resources.files("ragarchive").joinpath("data/default_calibration.json").read_text("utf-8")
    return Calibration.from_json(json.loads(text), "default")


def gate(
    retrieval: Retrieval,
    calibration: Calibration,
    background: Background,
    threshold: float | None = None,
    reader_features: dict[str, float] | None = None,
    sentence_support: float = 0.0,
) -> GateDecision:
    """Answer or refuse on the calibrated confidence of the retrieval's and the reader's
    features; ``sentence_support`` is the best sentence score (``answering.evidence``)."""
    threshold = calibration.threshold if threshold is None else threshold
    if not retrieval.passages:
        return GateDecision(0.0, threshold, {}, False, "no_evidence")
    features = retrieval_features(retrieval, background, sentence_support) | (reader_features or {})
    conf = calibration.confidence(features)
    passed = conf >= threshold
    return GateDecision(conf, threshold, features, passed, None if passed else "weak_evidence")


def retrieval_features(
    retrieval: Retrieval, background: Background, sentence_support: float = 0.0
) -> dict[str, float]:
    dense = retrieval.list_named("original/dense")
    sims = [s for _, s in dense.hits] if dense else []
    top = sims[0] if sims else 0.0
    fifth = sims[min(4, len(sims) - 1)] if sims else 0.0
    return {
        "dense_top": top,
        "dense_z": background.z(top) if sims else -3.0,
        "dense_margin": top - fifth,
        "coverage": max(
            (term_coverage(retrieval, p) for p in retrieval.passages[:3]), default=0.0
        ),
        "agreement": _agreement(retrieval),
        "lexical_top": _lexical_top(retrieval),
        "sentence_support": sentence_support,
        "foreign_top": _foreign_top(retrieval),
    }


def _foreign_top(retrieval: Retrieval) -> float:
    """1 when the best passage is in another language than the question: cross-lingual
    evidence reaches lower similarities and coverage for the same strength, and the model
    needs to know which scale it is reading."""
    if not retrieval.passages:
        return 0.0
    language = retrieval.passages[0].meta.get("language")
    return 1.0 if language not in (retrieval.query.language, "und", None) else 0.0


def term_coverage(retrieval: Retrieval, passage: Passage) -> float:
    """Share of question terms present in the passage, directly, fuzzily or as an expansion."""
    terms = retrieval.query.terms
    if not terms:
        return 0.0
    words = {w.lower() for w in LETTER_RUN.findall(passage.text)}
    spellings = retrieval.spellings()
    return sum(_present(t, spellings.get(t, ()), words) for t in terms) / len(terms)


def _present(term: str, spellings: Any, words: set[str]) -> bool:
    from rapidfuzz import fuzz, process

    if term in words or any(s in words for s in spellings):
        return True
    if len(term) < 5:
        return False
    # inflection and OCR damage: a word sharing a long prefix or nearly the same letters
    hit = process.extractOne(term, words, scorer=fuzz.ratio, score_cutoff=82)
    return hit is not None or any(w.startswith(term[: max(5, len(term) - 3)]) for w in words)


def _agreement(retrieval: Retrieval) -> float:
    if not retrieval.fused:
        return 0.0
    best = retrieval.fused[0].chunk_id
    lists = [lst for lst in retrieval.lists if lst.hits]
    if not lists:
        return 0.0
    return sum(any(cid == best for cid, _ in lst.hits[:10]) for lst in lists) / len(lists)


def _lexical_top(retrieval: Retrieval) -> float:
    """1 when a word search ranks the top passage first: the original question's, or — for
    evidence in another language, which the question's own words cannot match — the search
    with the terms carried into the other languages."""
    if not retrieval.passages:
        return 0.0
    top = retrieval.passages[0].chunk_ids
    for name in ("original/words", "cross_lingual/words"):
        words = retrieval.list_named(name)
        if words and words.hits and words.hits[0][0] in top:
            return 1.0
    return 0.0
