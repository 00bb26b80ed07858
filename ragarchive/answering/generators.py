"""Generators turn evidence into a draft answer with ``[n]`` citations.

* ``ExtractiveGenerator`` (default, no LLM): quotes the evidence sentences that best answer the
  question, framed in the question's language, and declines when no sentence does.
* ``OllamaGenerator``: the grounded prompt through the official ``ollama`` client, streamed.

Both return a ``Draft``; verification (grounding.py) decides what is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Protocol, Sequence

import numpy as np

from ragarchive.errors import BackendError
from ragarchive.retrieval.query import content_terms

from .prompting import REFUSAL_MARKER, EvidenceItem, Prompt, render_grounded_prompt
from .sentences import split_sentences

TokenSink = Callable[[str], None]


@dataclass
class GenerationRequest:
    question: str
    language: str
    evidence: list[EvidenceItem]
    terms: list[str]
    spellings: dict[str, list[str]] = field(default_factory=dict)  # term -> expansions
    query_vector: np.ndarray | None = None


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

_YEAR_OR_DATE = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b|\b\d{1,2}\.?\s+[A-Za-zÀ-ÿ]{3,}")
# digits or number words: old newspapers often spell numbers out ("four full columns")
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|hundred|thousand|dozen|ein|eine|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|"
    r"zwölf|zwanzig|hundert|tausend|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|"
    r"douze|vingt|trente|cent|mille)\b",
    re.IGNORECASE,
)
_INTRO = {"en": "According to", "de": "Laut", "fr": "Selon"}

# What kind of answer a question asks for, from its question words, per language.
_ASKS_DATE = re.compile(
    r"\b(when|what year|which year|what date|wann|welchem jahr|welchem tag|quand|quelle année|"
    r"quelle date|en quelle)\b", re.IGNORECASE)
_ASKS_PERSON = re.compile(r"\b(who|whom|wer|wem|wen|qui)\b", re.IGNORECASE)
_CAPITALISED = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-ZÄÖÜÀÂÉÈÊÎÔÛÇ][a-zäöüßàâéèêëîïôûùç]{2,}")
_ASKS_NUMBER = re.compile(
    r"\b(how many|how much|how long|how high|how old|what price|wie viele?|wieviele?|wie lange|"
    r"wie hoch|wie alt|welchen preis|combien|quel prix|à quel prix)\b", re.IGNORECASE)


class ExtractiveGenerator:
    """Quotes the best-supported evidence sentences; no model, no invention.

    A sentence scores by how many of the question's content terms it contains (directly, as an
    OCR/historical/cross-lingual expansion, or fuzzily) and by its similarity to the question
    under the embedder. A question asking "when" or "how many" needs a sentence with a date or a
    number. Below ``min_score`` the generator declines.
    """

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
        candidates = [
            (item, s)
            for item in request.evidence
            for s in (_strip_title(x, item.title) for x in split_sentences(item.text))
            if len(s) >= 20
        ]
        if not candidates:
            return Draft("", True)
        scores = self._score(request, candidates)
        order = sorted(range(len(candidates)), key=lambda i: -scores[i]["score"])
        best = scores[order[0]]["score"]
        if best < self.min_score:
            return Draft("", True, scores=[scores[i] for i in order[:5]])
        chosen = [i for i in order if scores[i]["score"] >= max(self.min_score, 0.85 * best)]
        chosen = chosen[: self.max_sentences]
        text = " ".join(self._quote(request.language, *candidates[i]) for i in chosen)
        if on_token:
            on_token(text)
        return Draft(text, False, scores=[scores[i] for i in order[:5]])

    def _score(self, request: GenerationRequest, candidates: list) -> list[dict]:
        sims = self._similarities(request, [s for _, s in candidates])
        needs_date = bool(_ASKS_DATE.search(request.question))
        needs_number = bool(_ASKS_NUMBER.search(request.question))
        needs_person = bool(_ASKS_PERSON.search(request.question))
        out = []
        for (item, sentence), sim in zip(candidates, sims):
            coverage = _coverage(sentence, request.terms, request.spellings)
            semantic = min(1.0, max(0.0, (sim - 0.75) / 0.15)) if sim is not None else coverage
            score = 0.55 * coverage + 0.45 * semantic
            typed = (
                (not needs_date or _YEAR_OR_DATE.search(sentence))
                and (not needs_number or _NUMBER.search(sentence))
                and (not needs_person or _names_beyond(sentence, request.terms))
            )
            if not typed:
                score *= 0.5
            out.append({
                "n": item.n, "sentence": sentence, "coverage": round(coverage, 3),
                "similarity": None if sim is None else round(sim, 3), "score": round(score, 3),
            })
        return out

    def _similarities(self, request: GenerationRequest, sentences: list[str]) -> list[float | None]:
        if self._embed is None or request.query_vector is None:
            return [None] * len(sentences)
        vectors = self._embed(sentences)
        return [float(v @ request.query_vector) for v in vectors]

    @staticmethod
    def _quote(language: str, item: EvidenceItem, sentence: str) -> str:
        source = item.newspaper or item.title or "the archive"
        where = ", ".join(x for x in (item.date, f"p. {item.page}" if item.page else "") if x)
        intro = _INTRO.get(language, _INTRO["en"])
        return f'{intro} {source} ({where}): "{sentence.strip()}" [{item.n}]'


def _names_beyond(sentence: str, terms: Sequence[str]) -> bool:
    """Whether the sentence names someone or something the question did not already name."""
    return any(w.lower() not in terms for w in _CAPITALISED.findall(sentence))


def _strip_title(sentence: str, title: str) -> str:
    """Chunks start with the article's title line; a quote should not."""
    if title and sentence.startswith(title) and len(sentence) > len(title) + 20:
        return sentence[len(title) :].strip()
    return sentence


def _coverage(sentence: str, terms: Sequence[str], spellings: dict[str, list[str]]) -> float:
    from rapidfuzz import fuzz, process

    if not terms:
        return 0.0
    words = set(content_terms(sentence))
    found = 0
    for t in terms:
        forms = [t, *spellings.get(t, [])]
        if any(f in words for f in forms) or (
            len(t) >= 5 and process.extractOne(t, words, scorer=fuzz.ratio, score_cutoff=82)
        ):
            found += 1
    return found / len(terms)


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
