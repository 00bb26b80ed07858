"""Generators turn evidence into a draft answer with ``[n]`` citations.

* ``ExtractiveGenerator`` (default, no LLM): quotes the evidence sentences that best answer the
  question, framed in the question's language, and declines when no sentence does.
* ``OllamaGenerator``: the grounded prompt through the official ``ollama`` client, streamed.

Both return a ``Draft``; verification (grounding.py) decides what is shown.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, Protocol

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
    """The grounded prompt through the official ollama client (host, model, timeout, retries from
    config).

    ``timeout`` bounds the whole request, not each read: a server that trickles tokens forever or
    stalls mid-stream would otherwise hold the UI for as long as it likes. The stream is consumed
    on a worker thread and abandoned at the deadline. A connection that fails before the first
    token is retried ``retries`` times within that deadline (a restarting server, a dropped
    connection); once tokens have arrived nothing is retried, since a second reply could differ.
    """

    name = "ollama"

    def __init__(self, host: str, model: str, timeout: float, max_sentences: int = 3,
                 retries: int = 1) -> None:
        import ollama

        self.host = host
        self.model = model
        self.timeout = timeout
        self.retries = retries
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

    def _stream(self, messages: list[dict]) -> Iterator[str]:
        deadline = time.monotonic() + self.timeout
        for attempt in range(self.retries + 1):
            pieces: queue.Queue = queue.Queue()
            threading.Thread(target=self._pump, args=(messages, pieces), daemon=True).start()
            started = False
            while True:
                try:
                    kind, value = pieces.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    raise BackendError(
                        f"Ollama at {self.host} did not finish within {self.timeout:g} s — raise "
                        "ollama.timeout, use a smaller model, or use --generator extractive"
                    ) from None
                if kind == "piece":
                    started = True
                    yield value
                elif kind == "done":
                    return
                elif started or attempt == self.retries or time.monotonic() >= deadline:
                    raise self._error(value) from value
                else:
                    time.sleep(min(0.5 * 2**attempt, max(0.0, deadline - time.monotonic())))
                    break

    def _pump(self, messages: list[dict], pieces: "queue.Queue") -> None:
        import httpx
        import ollama

        try:
            for chunk in self._client.chat(
                model=self.model, messages=messages, stream=True, options={"temperature": 0}
            ):
                pieces.put(("piece", chunk["message"]["content"]))
            pieces.put(("done", None))
        except (ollama.ResponseError, httpx.HTTPError, ConnectionError, OSError) as exc:
            pieces.put(("error", exc))

    def _error(self, exc: Exception) -> BackendError:
        return BackendError(
            f"Ollama at {self.host} failed ({type(exc).__name__}: {exc}) — start it with "
            f'"ollama serve", check --ollama-host and that model {self.model!r} is pulled, '
            "or use --generator extractive"
        )
