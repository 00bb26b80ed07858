"""The Ask tab's handler and the ask services it chooses between, one per generator.

Plain functions over the services, without Gradio: the app wires them to its widgets, and the
tests call them directly.
"""

from __future__ import annotations

import html
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

from ragarchive.config import Settings
from ragarchive.errors import RagArchiveError
from ragarchive.ui.answer_view import answer_markdown, page_crops, sources_html


class ServicePool:
    """The configured ask service, and the other generator's built on first use."""

    def __init__(self, settings: Settings, first: Any) -> None:
        self.settings = settings
        self.default = first
        self._services = {settings.answer.generator: first}
        # Both generators are offered when an Ollama server is configured; the other service is
        # built on first use (its own retriever, so LLM expansions stay with the Ollama one).
        self.choices = ["extractive", "ollama"] if settings.ollama.host else [settings.answer.generator]
        self._lock = threading.Lock()

    def get(self, generator: str) -> Any:
        from ragarchive.services import build_ask_service

        with self._lock:
            if generator not in self._services:
                self._services[generator] = build_ask_service(
                    self.settings.model_copy(update={"answer": self.settings.answer.model_copy(
                        update={"generator": generator})})
                )
            return self._services[generator]


def ask(pool: ServicePool, question: str, date_from: str, date_to: str, newspaper: str,
        language: str, generator: str, user: str | None = None,
        gallery: Callable[[list], Any] = list) -> Iterator[tuple[str, str, Any]]:
    """Streams progress while the archive is searched and the draft is written; the answer
    itself appears only once verified (DESIGN: verification before anything is shown)."""
    # The docstring is also the API endpoint's description. Each step is (answer Markdown, sources
    # HTML, page crops); the last crops go through ``gallery``, which lets the app show or hide them.
    from ragarchive.retrieval.query import Filters

    if not question.strip():
        yield "Please type a question.", "", []
        return
    filters = Filters(date_from or None, date_to or None, newspaper or None, language or None)
    chosen = pool.get(generator or pool.choices[0])
    tokens, outcome = _ask_in_background(chosen, question, filters, user)
    yield "_Searching the archive…_", "", []
    words = 0
    while (piece := tokens.get()) is not None:
        words += len(piece.split())
        yield f"_Drafting an answer… {words} words (verified before it is shown)_", "", []
    if "error" in outcome:
        yield f"**Error:** {html.escape(str(outcome['error']))}", "", []
        return
    result = outcome["result"]
    crops = page_crops(result)
    yield answer_markdown(result, chosen.generator), sources_html(result), gallery(crops)


def _ask_in_background(service: Any, question: str, filters: Any,
                       user: str | None) -> tuple[queue.Queue, dict[str, Any]]:
    """Run the question on a thread; its draft's tokens arrive on the queue, then None."""
    tokens: queue.Queue = queue.Queue()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = service.ask(question, filters, on_token=tokens.put, user=user)
        except RagArchiveError as exc:
            outcome["error"] = exc
        finally:
            tokens.put(None)

    threading.Thread(target=run, daemon=True).start()
    return tokens, outcome
