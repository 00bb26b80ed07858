"""Query variants written by an LLM (Ollama) from prompts/query_expansion.md."""

from __future__ import annotations

from typing import Callable

from ragarchive.ask_types import Query, Variant
from ragarchive.prompts import load_prompt

from .query import content_terms


class LlmQueryExpander:
    """Paraphrases, other-language equivalents and period vocabulary, one variant per line."""

    def __init__(
        self,
        complete: Callable[[str], str],
        languages: list[str],
        n: int,
        date_range: tuple[str, str] | None = None,
    ) -> None:
        self._complete = complete
        self._languages = languages
        self.n = n
        self._dates = f"{date_range[0][:4]}–{date_range[1][:4]}" if date_range else "unknown"

    def __call__(self, query: Query) -> list[Variant]:
        prompt = load_prompt("query_expansion.md")
        reply = self._complete(
            prompt.render(
                question=query.text,
                n=str(self.n),
                archive_languages=", ".join(self._languages) or "unknown",
                date_range=self._dates,
            )
        )
        lines = [ln.strip(" -*\t") for ln in reply.splitlines()]
        lines = [ln for ln in lines if ln and ln.lower() != query.text.lower()][: self.n]
        return [Variant("llm", ln, content_terms(ln), 0.8) for ln in lines]
