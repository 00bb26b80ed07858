"""The Ask tab's handler and the ask services it chooses between, one per generator.

Plain functions over the services, without Gradio: the app wires them to its widgets, and the
tests call them directly. A session's answers are kept in its state (``turns``), so earlier
answers stay on screen with their sources; what is shown is in the question's language.
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
from ragarchive.ui.answer_view import answer_html, history_html, message_html, sources_html
from ragarchive.ui.citation_view import Catalogue
from ragarchive.ui.i18n import language_choices, text

# the filter boxes' labels (ui/app.py), as the filter messages name them (these messages exist
# only in English, so they name the English labels)
FILTER_LABELS = {"date_from": "From", "date_to": "To", "newspaper": "Newspaper"}
MAX_TURNS = 30  # earlier answers kept per session (each holds its sources and page images)


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
        turns: list[dict[str, str]] | None = None) -> Iterator[tuple[str, str, str, list[dict[str, str]]]]:
    """Answers in the question's language, with its sources, or refuses saying why. Streams
    progress while the archive is searched and the draft is written; the answer itself appears
    only once verified. Returns the answer (HTML: its decision and reason in data-decision and
    data-reason), its sources (HTML) and the session's earlier answers (HTML)."""
    # The docstring is also the API endpoint's description (DESIGN: verification before anything
    # is shown). Each step is (answer, sources, earlier answers, the session's turns): ``turns``
    # is the session's state, every completed answer with its sources, the latest last; it moves
    # under "earlier" as soon as the next question is asked, so nothing shown is lost.
    from ragarchive.retrieval.filters import check_newspaper, parse_filters
    from ragarchive.retrieval.query import question_language

    earlier = list(turns or [])[1 - MAX_TURNS:]  # with the new answer, MAX_TURNS
    lang = question_language(question, pool.settings.retrieval.default_language)[0] if question.strip() else "en"
    past = history_html(earlier, lang)

    def say(message: str, kind: str = "message") -> tuple[str, str, str, list[dict[str, str]]]:
        return message_html(message, kind, question), "", past, earlier

    if not question.strip():
        yield say(html.escape(text("empty_question", lang)))
        return
    try:  # a filter it cannot read is said, not searched as a silent "nothing found"
        filters = parse_filters(date_from, date_to, newspaper, language, names=FILTER_LABELS)
        chosen = pool.get(generator or pool.choices[0])
        filters = check_newspaper(filters, chosen.retriever.db.newspapers(), names=FILTER_LABELS)
    except FilterError as exc:
        yield say(f"<b>{html.escape(text('check_filters', lang))}</b> {html.escape(str(exc))}")
        return
    tokens, outcome = _ask_in_background(chosen, question, filters, user)
    yield say(f"<em>{html.escape(text('searching', lang))}</em>", "progress")
    words = 0
    while (piece := tokens.get()) is not None:
        words += len(piece.split())
        yield say(f"<em>{html.escape(text('drafting', lang, words=words))}</em>", "progress")
    if "error" in outcome:
        yield say(f"<b>{html.escape(text('error', lang))}:</b> {html.escape(str(outcome['error']))}", "error")
        return
    result = outcome["result"]
    # the answer's number in the session keeps its links to its own sources apart from others'
    turn = str(int(earlier[-1].get("turn", len(earlier))) + 1 if earlier else 1)
    shown = {"answer": answer_html(result, chosen.generator, question, turn),
             "sources": sources_html(result, catalogue(pool, chosen), turn),
             "language": result.language, "turn": turn}
    yield shown["answer"], shown["sources"], past, [*earlier, shown]


def catalogue(pool: ServicePool, service: Any) -> Catalogue:
    """What the sources read from the archive: its name and id (for citations) and its
    documents' chunks (for the rest of an article)."""
    db = service.retriever.db
    archive_id = db.archive_id(create=False) or ""
    name = f"{pool.settings.archive} ({archive_id[:8]})" if archive_id else pool.settings.archive
    return Catalogue(name, db.chunk_texts, lambda ids: [r.text for r in db.chunk_rows(ids).values()])


def labels(turns: list[dict[str, str]] | None) -> dict[str, Any]:
    """The Ask tab's labels in the language of the session's latest question (English before
    the first): widget name -> its label, placeholder or choices."""
    lang = (turns or [{}])[-1].get("language", "en")
    return {
        "question": {"label": text("question", lang)},
        "ask": {"value": text("ask", lang)},
        "date_from": {"label": text("date_from", lang), "placeholder": text("date_from_hint", lang)},
        "date_to": {"label": text("date_to", lang), "placeholder": text("date_to_hint", lang)},
        "newspaper": {"label": text("newspaper", lang)},
        "language": {"label": text("evidence_language", lang), "choices": language_choices(lang)},
        "generator": {"label": text("generator", lang)},
    }


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
