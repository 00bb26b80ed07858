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
from ragarchive.ui import answer_view, ask_tab, audit_tab, ingest_tab
from ragarchive.ui.answer_view import REASON_WORDS
from ragarchive.ui.audit_view import AUDIT_CSS, COLUMN_WIDTHS
from ragarchive.ui.citation_view import COPY_SCRIPT

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
    shown = ask_tab.labels(None)  # English until a question is asked

    def ask(question: str, date_from: str, date_to: str, newspaper: str, language: str,
            generator: str, turns: list, request: gr.Request):
        yield from ask_tab.ask(pool, question, date_from, date_to, newspaper, language, generator,
                               _user(request), turns)

    ask.__doc__ = ask_tab.ask.__doc__

    def relabel(turns: list) -> tuple:
        """The tab's labels in the language of the latest question."""
        new = ask_tab.labels(turns)
        return (gr.Textbox(**new["question"]), gr.Button(**new["ask"]), gr.Textbox(**new["date_from"]),
                gr.Textbox(**new["date_to"]), gr.Textbox(**new["newspaper"]),
                gr.Dropdown(**new["language"]), gr.Dropdown(**new["generator"]))

    with gr.Row():
        question = gr.Textbox(placeholder="Ask in English, Deutsch or français", scale=4,
                              elem_id="question", **shown["question"])
        ask_btn = gr.Button(variant="primary", scale=1, elem_id="ask", **shown["ask"])
    with gr.Row():
        date_from = gr.Textbox(elem_id="date-from", **shown["date_from"])
        date_to = gr.Textbox(elem_id="date-to", **shown["date_to"])
        newspaper = gr.Textbox(elem_id="newspaper", **shown["newspaper"])
        language = gr.Dropdown(value="", elem_id="evidence-language", **shown["language"])
        generator = gr.Dropdown(choices, value=choices[0], interactive=len(choices) > 1,
                                elem_id="generator", **shown["generator"])
    # the latest answer next to the question box, then its sources, then the session's earlier
    # answers; the sources' "copy citation" buttons need the script
    answer = gr.HTML(elem_id="answer", css_template=answer_view.CSS, js_on_load=None)
    sources = gr.HTML(elem_id="sources", css_template=answer_view.CSS, js_on_load=COPY_SCRIPT)
    history = gr.HTML(elem_id="history", css_template=answer_view.CSS, js_on_load=COPY_SCRIPT)
    turns = gr.State([])
    inputs = [question, date_from, date_to, newspaper, language, generator, turns]
    outputs = [answer, sources, history, turns]
    relabelled = [question, ask_btn, date_from, date_to, newspaper, language, generator]
    for trigger in (ask_btn.click, question.submit):
        trigger(ask, inputs, outputs, concurrency_limit=settings.ui.concurrency).then(
            relabel, turns, relabelled, api_visibility="private")


def _audit_layout(settings: Settings, audit: Any, tab: Any) -> None:
    import gradio as gr

    def audit_table(page: float, *boxes: Any) -> tuple[Any, int, str]:
        return audit_tab.audit_table(audit, page, *boxes)

    audit_table.__doc__ = audit_tab.audit_table.__doc__

    def first_page(*boxes: Any) -> tuple[Any, int, str]:
        return audit_tab.audit_table(audit, 1, *boxes)

    def previous_page(page: float, *boxes: Any) -> tuple[Any, int, str]:
        return audit_tab.audit_table(audit, (page or 1) - 1, *boxes)

    def next_page(page: float, *boxes: Any) -> tuple[Any, int, str]:
        return audit_tab.audit_table(audit, (page or 1) + 1, *boxes)

    def audit_details(record_id: str) -> str:
        return audit_tab.audit_details(audit, record_id)

    def audit_plot(*boxes: Any) -> Any:
        return audit_tab.audit_plot(audit, *boxes)

    def label_correct(record_id: str, note: str, request: gr.Request) -> str:
        return audit_tab.label(audit, record_id, "correct", note, _user(request))

    def label_wrong(record_id: str, note: str, request: gr.Request) -> str:
        return audit_tab.label(audit, record_id, "wrong", note, _user(request))

    def export_csv(*boxes: Any) -> Any:
        path = audit_tab.export_csv(audit, *boxes)
        return gr.File(value=path, visible=path is not None)

    def selected_id(evt: gr.SelectData) -> str:
        return audit_tab.selected_id(getattr(evt, "row_value", None))

    # The tab's own style (the record card, the narrow layout), kept with the tab it belongs to.
    gr.HTML(f"<style>{AUDIT_CSS}</style>", elem_id="audit-style", padding=False)
    with gr.Row(elem_id="audit-filters"):
        search = gr.Textbox(label="Search the questions", elem_id="audit-search", scale=3, min_width=220)
        since = gr.Textbox(label="Since (UTC day)", placeholder="2024-05-01",
                           elem_id="audit-since", min_width=150)
        until = gr.Textbox(label="Until (inclusive)", placeholder="2024-05-31", elem_id="audit-until",
                           min_width=150)
    with gr.Row():
        f_decision = gr.Dropdown(["", "answer", "refuse"], value="", label="Decision", min_width=120)
        f_reason = gr.Dropdown([""] + list(REASON_WORDS), value="", label="Reason", min_width=150)
        f_language = gr.Dropdown(LANGUAGES, value="", label="Language", min_width=100)
        f_lo = gr.Number(0.0, label="Min confidence", minimum=0, maximum=1, step=0.05, min_width=120)
        f_hi = gr.Number(1.0, label="Max confidence", minimum=0, maximum=1, step=0.05, min_width=120)
        refresh = gr.Button("Refresh", elem_id="audit-refresh", min_width=100)
    status = gr.Markdown(elem_id="audit-status")
    table = gr.Dataframe(
        headers=list(audit_tab.COLUMNS), column_widths=list(COLUMN_WIDTHS),
        interactive=False, elem_id="audit-table", wrap=True, max_height=900,
    )
    with gr.Row(elem_id="audit-pager"):
        previous = gr.Button("← Newer", elem_id="audit-previous", size="sm", min_width=90)
        page = gr.Number(1, show_label=False, container=False, precision=0, minimum=1,
                         elem_id="audit-page", min_width=70)
        following = gr.Button("Older →", elem_id="audit-next", size="sm", min_width=90)
        export_btn = gr.Button("Export CSV (these filters)", elem_id="audit-export", size="sm", min_width=180)
    export_file = gr.File(label="Export", elem_id="audit-export-file", visible=False)
    with gr.Row():
        record_id = gr.Textbox(label="Record id", elem_id="record-id", min_width=160)
        note = gr.Textbox(label="Note", min_width=160)
        correct = gr.Button("Label correct", elem_id="label-correct", min_width=110)
        wrong = gr.Button("Label wrong", elem_id="label-wrong", min_width=110)
    label_msg = gr.Markdown(elem_id="label-msg")
    details = gr.HTML(audit_tab.audit_details(audit, ""), elem_id="audit-record", padding=False)
    plot = gr.Image(label="Confidence of the filtered decisions", type="pil", elem_id="audit-plot")
    boxes = [search, since, until, f_decision, f_reason, f_language, f_lo, f_hi]
    shown = [table, page, status]
    for trigger in (refresh.click, tab.select, search.submit, since.submit, until.submit,
                    f_decision.input, f_reason.input, f_language.input, f_lo.submit, f_hi.submit):
        trigger(first_page, boxes, shown).then(audit_plot, boxes, plot)
    previous.click(previous_page, [page, *boxes], shown)
    following.click(next_page, [page, *boxes], shown)
    page.submit(audit_table, [page, *boxes], shown)
    table.select(selected_id, None, record_id)
    record_id.change(audit_details, record_id, details)
    for button, handler in ((correct, label_correct), (wrong, label_wrong)):
        button.click(handler, [record_id, note], label_msg).then(
            audit_details, record_id, details).then(audit_table, [page, *boxes], shown)
    export_btn.click(export_csv, boxes, export_file)


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
