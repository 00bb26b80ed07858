"""Generators turn evidence into a draft answer with ``[n]`` citations.

* ``ExtractiveGenerator`` (default, no LLM): leads with the fact the reader found (reader.py),
  then quotes the sentence that holds it, framed in the question's language; declines when the
  reader finds no fact of the asked type near the question's terms.
* ``OllamaGenerator``: the grounded prompt through the official ``ollama`` client, streamed.

Both return a ``Draft``; verification (grounding.py) decides what is shown.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, Protocol

from ragarchive.errors import BackendError
from ragarchive.retrieval.answer_type import expected_answer
from ragarchive.text.names import looks_like_path

from ..prompts import Prompt
from .prompting import REFUSAL_MARKER, EvidenceItem, render_grounded_prompt
from .reader import Candidate, Reading, read

TokenSink = Callable[[str], None]


@dataclass
class GenerationRequest:
    question: str
    language: str
    evidence: list[EvidenceItem]
    terms: list[str]
    spellings: dict[str, list[str]] = field(default_factory=dict)  # term -> expansions
    reading: Reading | None = None  # the reader's candidates (asking.py reads before the gate)


@dataclass
class Draft:
    text: str
    declined: bool
    prompt: Prompt | None = None
    scores: list[dict] = field(default_factory=list)  # extractive: the scored candidates
    span: dict | None = None  # extractive: the fact shown (text, n, start, end in passage n)
    missing_fact: bool = False  # declined because no passage gives a fact of the asked type


class Generator(Protocol):
    name: str
    model: str | None

    def generate(self, request: GenerationRequest, on_token: TokenSink | None = None) -> Draft: ...


# -- extractive --------------------------------------------------------------------------------

_INTRO = {"en": "According to", "de": "Laut", "fr": "Selon"}
# A source with neither newspaper nor title (an ALTO or PAGE page), in the answer's language. The
# German has no noun: verification takes a capitalised word that the evidence lacks for a name.
_UNNAMED = {"en": "According to the archive", "de": "Es heißt", "fr": "Selon les archives"}


class ExtractiveGenerator:
    """Leads with the fact the reader found, then quotes the sentence that holds it and the
    passage's best-scored other unit (at most two) with its citation. No model, no invention.

    A typed question's best candidate below ``min_fact_score`` is too unsure to be stated as
    the fact: the answer then quotes the unit that best answers the question (as for a *why*
    question) and names no fact — a user reads the sentence rather than a wrong name.

    Declines (``missing_fact``) when the question asks for a typed answer and no candidate
    reaches ``min_reader_score``, or when no unit of a *why* / *what happened* question reaches
    ``min_score``."""

    name = "extractive"
    model = None

    def __init__(
        self,
        *,
        max_sentences: int = 2,
        min_score: float = 0.0,
        min_reader_score: float = 0.0,
        min_fact_score: float = 0.0,
    ) -> None:
        self.max_sentences = min(max_sentences, 2)
        self.min_score = min_score
        self.min_reader_score = min_reader_score
        self.min_fact_score = min_fact_score

    def generate(self, request: GenerationRequest, on_token: TokenSink | None = None) -> Draft:
        reading = request.reading or read(
            expected_answer(request.question), request.terms,
            {t: [(s, 1.0) for s in forms] for t, forms in request.spellings.items()},
            [(e.n, e.title, e.text) for e in request.evidence],
        )
        scores = [c.to_json() for c in reading.candidates[:5]]
        best = reading.best
        floor = self.min_reader_score if reading.expected.typed else self.min_score
        if best is None or best.score < floor:
            return Draft("", True, scores=scores, missing_fact=True)
        states = reading.expected.typed and best.score >= self.min_fact_score
        # a typed question whose fact is unsure names none: its best units are quoted instead
        # (the user reads them)
        unsure = reading.expected.typed and not states
        if unsure:
            quoted = reading.units[0] if reading.units else None
            if quoted is None or quoted.score < self.min_score:
                return Draft("", True, scores=scores, missing_fact=True)
            best = quoted
        item = next(e for e in request.evidence if e.n == best.n)
        quote = self._quote(request.language, item, self._units(item.text, best, reading))
        text = f"{best.text.strip()} [{best.n}]. {quote}" if states else quote
        if on_token:
            on_token(text)
        # the fact, or the quoted unit when no fact is stated (marked in the source passage)
        span = {"text": best.text, "n": best.n, "start": best.start, "end": best.end}
        return Draft(text, False, scores=scores, span=span)

    def _units(self, text: str, anchor: Candidate, reading: Reading) -> str:
        """The anchor's unit (the stated fact's, or the best unit when no fact is stated) and
        the other unit of that passage that the reader scores best as stating the answer, in
        reading order ("…" between them when they are not neighbours). The sentence that holds
        a fact often only continues the one that restates the question ("It cost 142,000
        francs."), and a wrong fact's sentence is then set right by the best one: two units
        show the fact more often than one (calibration questions: 0.63 → 0.69 of the
        answerable ones) and are still a quote read at a glance."""
        other = next((u for u in reading.units if u.n == anchor.n and u.unit != anchor.unit), None)
        if self.max_sentences < 2 or other is None:
            return _flat(text, anchor.unit)
        first, second = sorted((anchor.unit, other.unit))
        glue = " " if _adjacent(text, first, second) else " … "
        return glue.join(_flat(text, u) for u in (first, second))

    @staticmethod
    def _quote(language: str, item: EvidenceItem, sentence: str) -> str:
        # a file path or URL (a sidecar's "source") names no newspaper to a reader
        source = next((x for x in (item.newspaper, item.title) if x and not looks_like_path(x)), "")
        where = ", ".join(x for x in (item.date, f"p. {item.page}" if item.page else "") if x)
        lang = language if language in _INTRO else "en"
        intro = f"{_INTRO[lang]} {source}" if source else _UNNAMED[lang]
        sentence = sentence.strip().replace('"', "'")  # the quote's own marks stay unambiguous
        place = f" ({where})" if where else ""
        return f'{intro}{place}: "{sentence}" [{item.n}]'


def _flat(text: str, unit: tuple[int, int]) -> str:
    """A unit's text on one line (OCR line breaks and runs of spaces collapsed)."""
    return " ".join(text[unit[0]:unit[1]].split())


def _adjacent(text: str, x: tuple[int, int], y: tuple[int, int]) -> bool:
    """Whether only whitespace separates the two units."""
    first, second = sorted((x, y))
    return not text[first[1]:second[0]].strip()


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
