"""The Gradio app: chat with sources, the audit view and batch ingestion.

It holds no retrieval or answer logic, only the layout: every widget's event calls a handler of
``ask_tab``, ``audit_tab`` or ``ingest_tab``, plain functions over the same services as the CLI
(``AskService``, ``AuditLog``, the ingestor). Gradio is imported only when the UI starts.
"""

# No `from __future__ import annotations`: Gradio reads the gr.Request / gr.SelectData
# annotations of the handlers, which are defined where `gr` is imported.

import threading
import time
from typing import Any

from ragarchive.config import Settings
from ragarchive.text.languages import SUPPORTED_LANGUAGES
from ragarchive.ui import ask_tab, audit_tab, ingest_tab
from ragarchive.ui.answer_view import REASON_WORDS

LANGUAGES = ["", *SUPPORTED_LANGUAGES]  # "" for any language

# Each event calls a thin wrapper, named after its handler, that binds the services: Gradio names
# the API endpoint after the function (bench/load_ui.py calls /ask), takes its description from the
# docstring, and finds the request, select event and progress tracker by a parameter's annotation
# or default, none of which a functools.partial keeps.


def build_app(settings: Settings, pool: ask_tab.ServicePool | None = None) -> Any:
    import gradio as gr

    from ragarchive.services import build_ask_service

    pool = pool or ask_tab.ServicePool(settings, build_ask_service(settings))
    service = pool.default
    with gr.Blocks(title="ragarchive", analytics_enabled=False) as app:
        gr.Markdown(f"# ragarchive — archive `{settings.archive}`")
        with gr.Tab("Ask"):
            _ask_layout(settings, pool)
        with gr.Tab("Audit", elem_id="audit-tab") as tab:
            _audit_layout(settings, service.audit, tab)
        with gr.Tab("Ingest"):
            _ingest_layout(settings, service)
        gr.Markdown(f"Generator: **{service.generator.name}**"
                    + (f" (model `{service.generator.model}`)" if service.generator.model else "")
                    + " · everything runs on this machine")
    return app


def _ask_layout(settings: Settings, pool: ask_tab.ServicePool) -> None:
    import gradio as gr

    choices = pool.choices

    def ask(question: str, date_from: str, date_to: str, newspaper: str, language: str,
            generator: str, request: gr.Request):
        yield from ask_tab.ask(pool, question, date_from, date_to, newspaper, language, generator,
                               _user(request), gallery=lambda c: gr.Gallery(value=c, visible=bool(c)))

    ask.__doc__ = ask_tab.ask.__doc__

    with gr.Row():
        question = gr.Textbox(label="Question", placeholder="Ask in English, Deutsch or français", scale=4, elem_id="question")
        ask_btn = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
    with gr.Row():
        date_from = gr.Textbox(label="From", placeholder="1850, 1850-05 or 01.05.1850")
        date_to = gr.Textbox(label="To", placeholder="1920 (all of 1920)")
        newspaper = gr.Textbox(label="Newspaper")
        language = gr.Dropdown(LANGUAGES, value="", label="Evidence language")
        generator = gr.Dropdown(choices, value=choices[0], label="Generator",
                                interactive=len(choices) > 1, elem_id="generator")
    answer = gr.Markdown(elem_id="answer")
    sources = gr.HTML(elem_id="sources")
    crops = gr.Gallery(label="On the page image", elem_id="crops", columns=2, height="auto",
                       visible=False)
    inputs = [question, date_from, date_to, newspaper, language, generator]
    outputs = [answer, sources, crops]
    ask_btn.click(ask, inputs, outputs, concurrency_limit=settings.ui.concurrency)
    question.submit(ask, inputs, outputs, concurrency_limit=settings.ui.concurrency)


def _audit_layout(settings: Settings, audit: Any, tab: Any) -> None:
    import gradio as gr

    def audit_table(decision: str, reason: str, language: str, lo: float, hi: float) -> Any:
        return audit_tab.audit_table(audit, decision, reason, language, lo, hi)

    def audit_details(record_id: str) -> str:
        return audit_tab.audit_details(audit, record_id)

    def audit_plot() -> str | None:
        return audit_tab.audit_plot(audit, settings)

    def label_correct(record_id: str, note: str, request: gr.Request) -> str:
        return audit_tab.label(audit, record_id, "correct", note, _user(request))

    def label_wrong(record_id: str, note: str, request: gr.Request) -> str:
        return audit_tab.label(audit, record_id, "wrong", note, _user(request))

    def export_csv() -> str:
        return audit_tab.export_csv(audit, settings)

    def selected_id(evt: gr.SelectData) -> str:
        return audit_tab.selected_id(getattr(evt, "row_value", None))

    with gr.Row():
        f_decision = gr.Dropdown(["", "answer", "refuse"], value="", label="Decision")
        f_reason = gr.Dropdown([""] + list(REASON_WORDS), value="", label="Reason")
        f_language = gr.Dropdown(LANGUAGES, value="", label="Language")
        f_lo = gr.Number(0.0, label="Min confidence")
        f_hi = gr.Number(1.0, label="Max confidence")
        refresh = gr.Button("Refresh", elem_id="audit-refresh")
    table = gr.Dataframe(
        headers=list(audit_tab.COLUMNS),
        interactive=False, elem_id="audit-table", wrap=True,
    )
    with gr.Row():
        record_id = gr.Textbox(label="Record id", elem_id="record-id")
        note = gr.Textbox(label="Note")
        correct = gr.Button("Label correct", elem_id="label-correct")
        wrong = gr.Button("Label wrong", elem_id="label-wrong")
    label_msg = gr.Markdown(elem_id="label-msg")
    with gr.Row():
        plot = gr.Image(label="Confidence of answers and refusals", type="filepath")
        export_btn = gr.Button("Export CSV")
        export_file = gr.File(label="Export")
    details = gr.Markdown()
    filters = [f_decision, f_reason, f_language, f_lo, f_hi]
    for trigger in (refresh.click, tab.select):
        trigger(audit_table, filters, table).then(audit_plot, None, plot)
    table.select(selected_id, None, record_id)
    record_id.change(audit_details, record_id, details)
    correct.click(label_correct, [record_id, note], label_msg)
    wrong.click(label_wrong, [record_id, note], label_msg)
    export_btn.click(export_csv, None, export_file)


def _ingest_layout(settings: Settings, service: Any) -> None:
    import gradio as gr

    ingest_lock = threading.Lock()

    def ingest(files: list[Any] | None, progress: gr.Progress = gr.Progress()) -> str:
        return ingest_tab.ingest(settings, service, ingest_lock, files, progress)

    def busy() -> Any:
        return gr.Button("Ingesting…", interactive=False)

    def ready() -> Any:
        return gr.Button("Ingest", interactive=True)

    gr.Markdown(ingest_tab.SUPPORTED_FORMATS, elem_id="ingest-formats")
    uploads = gr.File(label="Files or a .zip of a batch", file_count="multiple", elem_id="uploads")
    ingest_btn = gr.Button("Ingest", variant="primary", elem_id="ingest")
    # The progress is drawn over the report: it needs a box with a height to be seen.
    report = gr.Markdown("", elem_id="ingest-report",
                         min_height=140, container=True, padding=True)
    private = {"api_visibility": "private"}
    ingest_btn.click(busy, None, ingest_btn, **private).then(
        ingest, uploads, report, concurrency_limit=1, show_progress="full", show_progress_on=report,
    ).then(ready, None, ingest_btn, **private)


def _user(request: Any) -> str | None:
    return getattr(request, "username", None) if request else None


def _theme() -> Any:
    """System fonts: the default theme would fetch Google Fonts, a request leaving the machine."""
    import gradio as gr

    return gr.themes.Default(
        font=["ui-sans-serif", "system-ui", "sans-serif"],
        font_mono=["ui-monospace", "monospace"],
    )


def launch(settings: Settings, *, block: bool = True) -> Any:
    """Queue with the configured concurrency, loopback by default, no analytics, no share link.

    The embedder, indexes, vocabulary and gate background are loaded before the app serves
    (each printed with its time), so the first question is as fast as the next. Gradio's own
    start-up lines are silenced (its "set share=True" hint is no advice for a CLI user); the
    app says where it serves once it is ready."""
    t0 = time.perf_counter()
    say = (lambda line: print(line, flush=True)) if block else None
    app = build_app(settings, ask_tab.warm_pool(settings, say))
    app.queue(default_concurrency_limit=settings.ui.concurrency)
    auth = None
    if settings.ui.auth_user and settings.ui.auth_password:
        auth = (settings.ui.auth_user, settings.ui.auth_password)
    app.launch(
        server_name=settings.ui.host,
        server_port=settings.ui.port,
        share=False,
        auth=auth,
        prevent_thread_lock=True,
        ssr_mode=False,
        quiet=True,
        theme=_theme(),  # Gradio 6 takes the theme at launch
    )
    if block:
        print(f"ready in {time.perf_counter() - t0:.1f} s on {app.local_url} (Ctrl-C stops it)",
              flush=True)
        app.block_thread()
    return app
