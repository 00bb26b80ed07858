"""The Ask tab's handler and the ask services it chooses between, one per generator.

Plain functions over the services, without Gradio: the app wires them to its widgets, and the
tests call them directly.
"""

from __future__ import annotations

import html
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from ragarchive.config import Settings
from ragarchive.errors import FilterError, RagArchiveError
from ragarchive.ui.answer_view import answer_markdown, page_crops, sources_html

# the filter boxes' labels (ui/app.py), as the filter messages name them
FILTER_LABELS = {"date_from": "From", "date_to": "To", "newspaper": "Newspaper"}


# A short question (its language voted by common words) and a long one (langdetect's profiles).
WARM_UP_QUESTIONS = ("When was the bridge opened?",
                     "When was the new railway bridge over the river opened to traffic?")


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
        self._warm = False

    @property
    def ready(self) -> bool:
        """True once ``warm_up`` has loaded the default service's models and indexes."""
        return self._warm

    def warm_up(self) -> list[tuple[str, float]]:
        """Load what the first question would otherwise load (the embedder, the vector and
        lexical indexes, the vocabulary, the gate's background, the reader), so the first
        question is as fast as the next. Returns (what was loaded, seconds), in order."""
        from ragarchive.gating.background import archive_background

        retriever = self.default.retriever
        steps: list[tuple[str, Callable[[], Any]]] = [
            ("embedder", lambda: retriever.embedder.embed_query("warm-up")),
            ("vector index", lambda: retriever.dense.query(retriever.embedder.embed_query("index"), 1)),
            ("vocabulary", lambda: retriever.vocab.trigram_counts),
            ("gate background", lambda: archive_background(retriever)),
            # the whole path once, without an audit record: language id, reader, verification
            ("question path", lambda: [self.default.decide(q) for q in WARM_UP_QUESTIONS]),
        ]
        timings = []
        for name, step in steps:
            t0 = time.perf_counter()
            step()
            timings.append((name, time.perf_counter() - t0))
        self._warm = True
        return timings

    def get(self, generator: str) -> Any:
        from ragarchive.services import build_ask_service

        with self._lock:
            if generator not in self._services:
                self._services[generator] = build_ask_service(
                    self.settings.model_copy(update={"answer": self.settings.answer.model_copy(
                        update={"generator": generator})})
                )
            return self._services[generator]


def warm_pool(settings: Settings, say: Callable[[str], Any] | None = None) -> ServicePool:
    """The app's pool with its default service built and warmed up; ``say`` gets one line per
    thing loaded, with its time."""
    from ragarchive.services import build_ask_service

    t0 = time.perf_counter()
    pool = ServicePool(settings, build_ask_service(settings))
    steps = [("ask service (catalogue, indexes, generator)", time.perf_counter() - t0),
             *pool.warm_up()]
    for name, seconds in steps:
        if say:
            say(f"loaded {name}: {seconds:.2f} s")
    return pool


def ask(pool: ServicePool, question: str, date_from: str, date_to: str, newspaper: str,
        language: str, generator: str, user: str | None = None,
        gallery: Callable[[list], Any] = list) -> Iterator[tuple[str, str, Any]]:
    """Streams progress while the archive is searched and the draft is written; the answer
    itself appears only once verified (DESIGN: verification before anything is shown)."""
    # The docstring is also the API endpoint's description. Each step is (answer Markdown, sources
    # HTML, page crops); the last crops go through ``gallery``, which lets the app show or hide them.
    from ragarchive.retrieval.filters import check_newspaper, parse_filters

    if not question.strip():
        yield "Please type a question.", "", []
        return
    try:  # a filter it cannot read is said, not searched as a silent "nothing found"
        filters = parse_filters(date_from, date_to, newspaper, language, names=FILTER_LABELS)
        chosen = pool.get(generator or pool.choices[0])
        filters = check_newspaper(filters, chosen.retriever.db.newspapers(), names=FILTER_LABELS)
    except FilterError as exc:
        yield f"**Please check the filters.** {html.escape(str(exc))}", "", []
        return
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
