"""Generators turn evidence into a draft answer with ``[n]`` citations.

* ``ExtractiveGenerator`` (default, no LLM): quotes the evidence sentences that best answer the
  question, framed in the question's language, and declines when no sentence does.
* ``OllamaGenerator``: the grounded prompt through the official ``ollama`` client, streamed.

Both return a ``Draft``; verification (grounding.py) decides what is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol

import numpy as np

from ragarchive.errors import BackendError
from ragarchive.retrieval.evidence import score_sentences

from .prompting import REFUSAL_MARKER, EvidenceItem, Prompt, render_grounded_prompt

TokenSink = Callable[[str], None]


@dataclass
class GenerationRequest:
    question: str
    language: str
    evidence: list[EvidenceItem]
    terms: list[str]
    spellings: dict[str, list[str]] = field(default_factory=dict)  # term -> expansions
    query_vector: np.ndarray | None = None
    sentence_scores: list[dict] | None = None  # computed by retrieval for the gate, reused


@dataclass
class Draft:
    text: str
    declined: bool
    prompt: Prompt | None = None
    scores: list[dict] = field(default_factory=list)  # extractive: the scored sentences


class Generator(Protocol):
    name: str
    model: str | None

    def generate(self, request: GenerationRequest, on_token: TokenSink | None = None) -> Draft: ...


# -- extractive --------------------------------------------------------------------------------

_INTRO = {"en": "According to", "de": "Laut", "fr": "Selon"}


class ExtractiveGenerator:
    """Quotes the best-supported evidence sentences (retrieval/evidence.py scores them); no
    model, no invention. Below ``min_score`` the generator declines."""

    name = "extractive"
    model = None

    def __init__(
        self,
        embed: Callable[[list[str]], np.ndarray] | None,
        *,
        max_sentences: int = 3,
        min_score: float = 0.3,
    ) -> None:
        self._embed = embed
        self.max_sentences = max_sentences
        self.min_score = min_score

    def generate(self, request: GenerationRequest, on_token: TokenSink | None = None) -> Draft:
        scores = request.sentence_scores
        if scores is None:
            scores = score_sentences(
                request.question, request.terms, request.spellings,
                [(e.n, e.title, e.text) for e in request.evidence],
                request.query_vector, self._embed,
            )
        if not scores or scores[0]["score"] < self.min_score:
            return Draft("", True, scores=scores[:5])
        best = scores[0]["score"]
        chosen = [s for s in scores if s["score"] >= max(self.min_score, 0.85 * best)]
        by_n = {e.n: e for e in request.evidence}
        text = " ".join(
            self._quote(request.language, by_n[s["n"]], s["sentence"])
            for s in chosen[: self.max_sentences]
        )
        if on_token:
            on_token(text)
        return Draft(text, False, scores=scores[:5])

    @staticmethod
    def _quote(language: str, item: EvidenceItem, sentence: str) -> str:
        source = item.newspaper or item.title or "the archive"
        where = ", ".join(x for x in (item.date, f"p. {item.page}" if item.page else "") if x)
        intro = _INTRO.get(language, _INTRO["en"])
        return f'{intro} {source} ({where}): "{sentence.strip()}" [{item.n}]'


# -- Ollama ------------------------------------------------------------------------------------

class OllamaGenerator:
    """The grounded prompt through the official ollama client (host, model, timeout from config)."""

    name = "ollama"

    def __init__(self, host: str, model: str, timeout: float, max_sentences: int = 3) -> None:
        import ollama

        self.host = host
        self.model = model
        self.max_sentences = max_sentences
        self._client = ollama.Client(host=host, timeout=timeout)

    def generate(self, request: GenerationRequest, on_token: TokenSink | None = None) -> Draft:
        prompt, text = render_grounded_prompt(
            request.question, request.language, request.evidence, self.max_sentences
        )
        parts: list[str] = []
        for piece in self._stream([{"role": "user", "content": text}]):
            parts.append(piece)
            if on_token:
                on_token(piece)
        reply = "".join(parts).strip()
        declined = REFUSAL_MARKER in reply or not reply
        return Draft(reply, declined, prompt)

    def complete(self, text: str) -> str:
        return "".join(self._stream([{"role": "user", "content": text}]))

    def _stream(self, messages: list[dict]):
        import httpx
        import ollama

        try:
            for chunk in self._client.chat(
                model=self.model, messages=messages, stream=True, options={"temperature": 0}
            ):
                yield chunk["message"]["content"]
        except (ollama.ResponseError, httpx.HTTPError, ConnectionError, OSError) as exc:
            raise BackendError(
                f"Ollama at {self.host} failed ({type(exc).__name__}: {exc}) — start it with "
                f'"ollama serve", check --ollama-host and that model {self.model!r} is pulled, '
                "or use --generator extractive"
            ) from exc
