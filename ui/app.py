"""The Gradio app: chat with sources, the audit view and batch ingestion.

It holds no retrieval or answer logic: every button calls the same services as the CLI
(``AskService``, ``AuditLog``, the ingestor). Gradio is imported only when the UI starts.
"""

# No `from __future__ import annotations`: Gradio reads the gr.Request / gr.SelectData
# annotations of the handlers, which are defined where `gr` is imported.

import html
import queue
import re
import shutil
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

from ragarchive.audit_report import RecordFilter, flat_row, latest_labels, plot_confidence, select
from ragarchive.config import Settings
from ragarchive.errors import RagArchiveError

REASON_WORDS = {
    "no_evidence": "nothing in the archive matches the question",
    "weak_evidence": "the evidence found is too weak to answer reliably",
    "model_declined": "the passages found do not answer the question",
    "unsupported_answer": "a draft answer could not be verified against its sources",
    "backend_error": "the answer generator is not available",
}
LANGUAGES = ["", "de", "fr", "en"]


def build_app(settings: Settings) -> Any:
    import gradio as gr

    from ragarchive.services import build_ask_service

    service = build_ask_service(settings)
    services = {settings.answer.generator: service}
    # Both generators are offered when an Ollama server is configured; the other service is
    # built on first use (its own retriever, so LLM expansions stay with the Ollama one).
    choices = ["extractive", "ollama"] if settings.ollama.host else [settings.answer.generator]
    services_lock = threading.Lock()
    ingest_lock = threading.Lock()

    def service_for(generator: str) -> Any:
        with services_lock:
            if generator not in services:
                services[generator] = build_ask_service(
                    settings.model_copy(update={"answer": settings.answer.model_copy(
                        update={"generator": generator})})
                )
            return services[generator]

    def ask(question: str, date_from: str, date_to: str, newspaper: str, language: str,
            generator: str, request: gr.Request):
        """Streams progress while the archive is searched and the draft is written; the answer
        itself appears only once verified (DESIGN: verification before anything is shown)."""
        from ragarchive.retrieval.query import Filters

        if not question.strip():
            yield "Please type a question.", "", []
            return
        user = getattr(request, "username", None) if request else None
        filters = Filters(date_from or None, date_to or None, newspaper or None, language or None)
        chosen = service_for(generator or choices[0])
        tokens: queue.Queue = queue.Queue()
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["result"] = chosen.ask(question, filters, on_token=tokens.put, user=user)
            except RagArchiveError as exc:
                outcome["error"] = exc
            finally:
                tokens.put(None)

        threading.Thread(target=run, daemon=True).start()
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
        yield (answer_markdown(result, chosen.generator), sources_html(result),
               gr.Gallery(value=crops, visible=bool(crops)))

    def audit_table(decision: str, reason: str, language: str, lo: float, hi: float) -> Any:
        records, labels = _audit_records(service)
        f = RecordFilter(decision or None, reason or None, language or None, lo, hi)
        rows = [flat_row(r, labels) for r in reversed(select(records, f))][:200]
        cols = ["record_id", "timestamp", "language", "decision", "reason", "confidence", "label", "question"]
        return [[r[c] for c in cols] for r in rows]

    def audit_details(record_id: str) -> str:
        import json

        records, labels = _audit_records(service)
        match = service.audit.find(record_id, records)
        if len(match) != 1:
            return "Select one decision (click its id in the table, or paste it)."
        return "```json\n" + json.dumps({**match[0], "label": labels.get(match[0]["record_id"])},
                                        indent=2, ensure_ascii=False) + "\n```"

    def audit_plot() -> str | None:
        records, _ = _audit_records(service)
        if not records:
            return None
        path = settings.data_dir / "ui" / "confidence.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        plot_confidence(records, path)
        return str(path)

    def label(record_id: str, verdict: str, note: str, request: gr.Request) -> str:
        match = [r["record_id"] for r in service.audit.find(record_id)]
        if len(match) != 1:
            return "Select one decision first."
        service.audit.label(match[0], verdict, note or None, getattr(request, "username", None))
        return f"Labelled {match[0][:10]} as {verdict}."

    def label_correct(record_id: str, note: str, request: gr.Request) -> str:
        return label(record_id, "correct", note, request)

    def label_wrong(record_id: str, note: str, request: gr.Request) -> str:
        return label(record_id, "wrong", note, request)

    def export_csv() -> str:
        from ragarchive.audit_report import export

        records, labels = _audit_records(service)
        path = settings.data_dir / "ui" / "audit-export.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(export(records, labels, "csv"), encoding="utf-8")
        return str(path)

    def ingest(files: list[Any] | None, progress: gr.Progress = gr.Progress()) -> str:
        if not files:
            return "Choose files or a .zip first."
        with ingest_lock:  # one ingest per archive at a time (the pipeline also locks)
            try:
                folder = stage_uploads([Path(getattr(f, "name", f)) for f in files], settings.data_dir)
            except RagArchiveError as exc:
                return f"**Refused:** {exc}"
            report = run_ingest(settings, folder, progress)
        service.retriever.refresh()
        return ingest_markdown(report)

    def selected_id(evt: gr.SelectData) -> str:
        row = getattr(evt, "row_value", None)
        return str(row[0]) if row else ""

    with gr.Blocks(title="ragarchive", analytics_enabled=False) as app:
        gr.Markdown(f"# ragarchive — archive `{settings.archive}`")
        with gr.Tab("Ask"):
            with gr.Row():
                question = gr.Textbox(label="Question", placeholder="Ask in English, Deutsch or français", scale=4, elem_id="question")
                ask_btn = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
            with gr.Row():
                date_from = gr.Textbox(label="From (ISO date)", placeholder="1850")
                date_to = gr.Textbox(label="To (ISO date)", placeholder="1920")
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
        with gr.Tab("Audit", elem_id="audit-tab") as audit_tab:
            with gr.Row():
                f_decision = gr.Dropdown(["", "answer", "refuse"], value="", label="Decision")
                f_reason = gr.Dropdown([""] + list(REASON_WORDS), value="", label="Reason")
                f_language = gr.Dropdown(LANGUAGES, value="", label="Language")
                f_lo = gr.Number(0.0, label="Min confidence")
                f_hi = gr.Number(1.0, label="Max confidence")
                refresh = gr.Button("Refresh", elem_id="audit-refresh")
            table = gr.Dataframe(
                headers=["record_id", "timestamp", "language", "decision", "reason", "confidence", "label", "question"],
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
            for trigger in (refresh.click, audit_tab.select):
                trigger(audit_table, filters, table).then(audit_plot, None, plot)
            table.select(selected_id, None, record_id)
            record_id.change(audit_details, record_id, details)
            correct.click(label_correct, [record_id, note], label_msg)
            wrong.click(label_wrong, [record_id, note], label_msg)
            export_btn.click(export_csv, None, export_file)
        with gr.Tab("Ingest"):
            uploads = gr.File(label="Files or a .zip of a batch", file_count="multiple", elem_id="uploads")
            ingest_btn = gr.Button("Ingest", variant="primary", elem_id="ingest")
            report = gr.Markdown(elem_id="ingest-report")
            ingest_btn.click(ingest, uploads, report, concurrency_limit=1)
        gr.Markdown(f"Generator: **{service.generator.name}**"
                    + (f" (model `{service.generator.model}`)" if service.generator.model else "")
                    + " · everything runs on this machine")
    return app


def _audit_records(service: Any) -> tuple[list[dict], dict]:
    records, _ = service.audit.records()
    labels, _ = service.audit.labels()
    return records, latest_labels(labels)


def answer_markdown(result: Any, generator: Any) -> str:
    """The answer (or the refusal and why), with the confidence and threshold said plainly."""
    head = (
        f"**Answer** · confidence {result.confidence:.2f} (threshold {result.threshold:.2f})"
        if result.decision == "answer"
        else f"**No answer — {REASON_WORDS.get(result.reason, result.reason)}** "
        f"(`{result.reason}`) · confidence {result.confidence:.2f} (threshold {result.threshold:.2f})"
    )
    text = html.escape(result.text).replace("\n", "  \n")
    return f"{head}\n\n{text}\n\n<small>language {result.language} · generator {generator.name}</small>"


def sources_html(result: Any) -> str:
    """Sources (or the closest passages of a refusal) with the matched words highlighted."""
    rows = result.citations if result.decision == "answer" else result.passages
    if not rows:
        return ""
    r = result.retrieval
    forms = sorted({f for t, extra in r.spellings().items() for f in (t, *extra)} | set(r.query.terms),
                   key=len, reverse=True) if r else []
    title = "Sources" if result.decision == "answer" else "Closest passages found"
    items = []
    for c in rows:
        conf = f"OCR confidence {c.ocr_conf:.2f}" if c.ocr_conf is not None else ""
        meta = " · ".join(x for x in (c.newspaper or c.title, c.date, f"p. {c.page}" if c.page else "",
                                      c.language, conf) if x)
        span = result.answer_span if result.answer_span and result.answer_span["n"] == c.n else None
        body = answer_in_passage(c.text, span) if span else highlight(c.snippet, forms)
        items.append(f'<li class="source"><b>[{c.n}]</b> {html.escape(c.title)} — {html.escape(meta)}'
                     f'<br><span class="snippet">{body}</span></li>')
    return f'<div id="source-list"><h4>{title}</h4><ol style="list-style:none;padding-left:0">{"".join(items)}</ol></div>'


IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def page_crops(result: Any) -> list[tuple[Any, str]]:
    """Previews of the passages' regions on their page images, where the source is an image."""
    rows = result.citations if result.decision == "answer" else result.passages
    return [(crop, f"[{c.n}] {c.newspaper or c.title} {c.date}") for c in rows
            if (crop := page_crop(c)) is not None]


def page_crop(c: Any, width: int = 640) -> Any:
    path = Path(c.source_path)
    if path.suffix.lower() not in IMAGE_SUFFIXES or not c.regions or not path.is_file():
        return None
    from PIL import Image

    boxes = [r["box"] for r in c.regions]
    left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, bottom = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
    with Image.open(path) as img:
        crop = img.crop((max(0, left - 10), max(0, top - 10), right + 10, bottom + 10)).convert("RGB")
    crop.thumbnail((width, width * 2))
    return crop


def answer_in_passage(text: str, span: dict, width: int = 260) -> str:
    """The passage around the answer's fact, the fact marked where it stands in the source."""
    a, b = span["start"], span["end"]
    start, end = max(0, a - width), min(len(text), b + width)
    before, fact, after = (html.escape(" ".join(x.split())) for x in (text[start:a], text[a:b], text[b:end]))
    return (("…" if start else "") + f"{before} <mark class=\"answer-span\"><b>{fact}</b></mark> {after}"
            + ("…" if end < len(text) else ""))


def highlight(text: str, forms: list[str]) -> str:
    escaped = html.escape(text)
    words = [re.escape(html.escape(f)) for f in forms if len(f) >= 3]
    if not words:
        return escaped
    pattern = re.compile(r"\b(" + "|".join(words) + r")", re.IGNORECASE)
    return pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)


def stage_uploads(files: list[Path], data_dir: Path) -> Path:
    """Copy uploads into the data folder; a zip is unpacked there, refusing any member that
    would land outside it (``../``, absolute paths, links)."""
    dest = (data_dir / "uploads" / time.strftime("%Y%m%dT%H%M%S")).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    for f in files:
        if f.suffix.lower() == ".zip":
            _unzip_inside(f, dest)
        else:
            shutil.copy2(f, dest / Path(f.name).name)
    return dest


def _unzip_inside(archive: Path, dest: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            name = info.filename
            mode = (info.external_attr >> 16) & 0o170000
            target = (dest / name).resolve()
            if name.startswith(("/", "\\")) or ".." in Path(name).parts or mode == 0o120000 \
                    or not target.is_relative_to(dest):
                raise RagArchiveError(f"{archive.name}: member {name!r} would be written outside the upload folder")
        zf.extractall(dest)


def run_ingest(settings: Settings, folder: Path, progress: Any) -> Any:
    from ragarchive.services import build_ingestor

    class _Progress:
        def start(self, total: int) -> None:
            self.total, self.done = max(total, 1), 0
            progress(0, desc=f"0 of {total} files")

        def advance(self, path: str) -> None:
            self.done += 1
            progress(self.done / self.total, desc=f"{self.done} of {self.total} files")

        def stop(self) -> None:
            pass

    ingestor = build_ingestor(settings)
    try:
        return ingestor.run([folder], _Progress())
    finally:
        ingestor.db.close()


def ingest_markdown(report: Any) -> str:
    data = report.to_json()
    s = data["summary"]
    lines = [f"**Ingested {s['ingested']}, unchanged {s['unchanged']}, failed {s['failed']}, "
             f"skipped {s['skipped']}** — {data['documents']} documents, {data['chunks']} chunks"]
    for f in data["files"]:
        if f["status"] == "failed":
            lines.append(f"- failed: `{Path(f['path']).name}` — {f['error']}")
    return "\n".join(lines)


def _theme() -> Any:
    """System fonts: the default theme would fetch Google Fonts, a request leaving the machine."""
    import gradio as gr

    return gr.themes.Default(
        font=["ui-sans-serif", "system-ui", "sans-serif"],
        font_mono=["ui-monospace", "monospace"],
    )


def launch(settings: Settings, *, block: bool = True) -> Any:
    """Queue with the configured concurrency, loopback by default, no analytics, no share link."""
    app = build_app(settings)
    app.queue(default_concurrency_limit=settings.ui.concurrency)
    auth = None
    if settings.ui.auth_user and settings.ui.auth_password:
        auth = (settings.ui.auth_user, settings.ui.auth_password)
    app.launch(
        server_name=settings.ui.host,
        server_port=settings.ui.port,
        share=False,
        auth=auth,
        prevent_thread_lock=not block,
        ssr_mode=False,
        quiet=not block,
        theme=_theme(),  # Gradio 6 takes the theme at launch
    )
    return app
