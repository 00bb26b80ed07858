"""Human-readable terminal output: the ingest progress bar, reports and listings (rich)."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

# Piped or redirected output has no width to fit: rich would cut tables at 80 columns, so it
# gets a wide one (tables still take only the width their content needs). COLUMNS still wins.
PIPED_WIDTH = 1000


def _console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    piped = not stream.isatty() and "COLUMNS" not in os.environ
    return Console(stderr=stderr, width=PIPED_WIDTH if piped else None)


_err = _console(stderr=True)
_out = _console()


class _FilesPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.2f} files/s" if speed else "-- files/s", style="progress.data.speed")


class RichProgress:
    """Progress bar on stderr (stdout stays clean for --json): files/s and time left."""

    def __init__(self, label: str = "ingest") -> None:
        self._progress = Progress(
            TextColumn(f"[bold]{label}"),
            BarColumn(),
            MofNCompleteColumn(),
            _FilesPerSecond(),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            TextColumn("{task.description}", style="dim"),
            console=_err,
            transient=False,
        )
        self._task: Any = None

    def start(self, total: int) -> None:
        self._progress.start()
        self._task = self._progress.add_task("", total=total)

    def advance(self, path: str) -> None:
        name = path.rsplit("/", 1)[-1]
        self._progress.update(self._task, advance=1, description=name[:40])

    def stop(self) -> None:
        self._progress.stop()


def print_ingest_report(report: Any) -> None:
    counts = {s: report.count(s) for s in ("ingested", "unchanged", "failed", "skipped")}
    chunks = sum(f.chunks for f in report.files if f.status == "ingested")
    docs = sum(f.documents for f in report.files if f.status == "ingested")
    _out.print(
        f"[bold]ingested[/] {counts['ingested']}  [bold]unchanged[/] {counts['unchanged']}  "
        f"[bold red]failed[/] {counts['failed']}  skipped {counts['skipped']}  — "
        f"{docs} documents, {chunks} chunks in {report.wall_seconds:.1f}s "
        f"(embedding {report.embed_seconds:.1f}s)"
    )
    if report.units_added:
        _out.print(f"sentence vectors added to {report.units_added} unchanged files indexed before "
                   "they were stored (questions on them no longer embed their sentences)")
    failed = [f for f in report.files if f.status == "failed"]
    if failed:
        table = Table("failed file", "reason", title="Failed", title_style="bold red")
        for f in failed:
            table.add_row(f.path, f.error or "")
        _out.print(table)
    _print_warnings(report)
    _print_skipped([f for f in report.files if f.status == "skipped"])


def _print_skipped(skipped: list[Any], limit: int = 20) -> None:
    """Every skipped file with its reason (a tool to install, a page image whose text is next
    to it, a type that is not read); past ``limit`` rows a count (``--json`` lists all)."""
    if not skipped:
        return
    table = Table("skipped file", "reason", title="Skipped")
    for f in skipped[:limit]:
        table.add_row(f.path, f.error or "")
    _out.print(table)
    if len(skipped) > limit:
        _out.print(f"[dim]… and {len(skipped) - limit} more skipped files (--json lists them all)[/]")


def _print_warnings(report: Any) -> None:
    """Per file, its warnings; the masthead note that every METS issue of a batch gets is said
    once for the batch (``--json`` keeps each file's), so it does not bury the rest."""
    from ragarchive.ingest.formats.mets_remainder import MASTHEAD_NOTE

    masthead = [f for f in report.files if any(w.startswith(MASTHEAD_NOTE) for w in f.warnings)]
    flagged = [(f, [w for w in f.warnings if not w.startswith(MASTHEAD_NOTE)]) for f in report.files]
    flagged = [(f, ws) for f, ws in flagged if ws]
    if flagged:
        table = Table("file", "warnings", title="Warnings")
        for f, ws in flagged:
            table.add_row(f.path, "\n".join(ws[:5]) + ("\n…" if len(ws) > 5 else ""))
        _out.print(table)
    if masthead:
        _out.print(f"[dim]{MASTHEAD_NOTE} in {len(masthead)} METS issue(s): the title, issue "
                   "number and terms each issue repeats (--json lists them per file)[/]")


def print_documents(rows: list[dict[str, Any]]) -> None:
    table = Table("id", "title", "date", "lang", "pages", "chunks", "source")
    for r in rows:
        pages = r["pages"] if isinstance(r["pages"], list) else json.loads(r["pages"] or "[]")
        table.add_row(
            r["doc_id"],
            (r["title"] or "")[:50],
            r["date"] or "",
            r["language"] or "",
            ",".join(map(str, pages)),
            str(r["n_chunks"]) if r["n_chunks"] else "empty",  # no text: nothing to find
            (r["source_path"] or "").rsplit("/", 1)[-1],
        )
    _out.print(table)
    empty = sum(1 for r in rows if not r["n_chunks"])
    _out.print(f"{len(rows)} documents" + (f", {empty} empty (no text to search)" if empty else ""))


def print_ask_result(result: Any) -> None:
    """An answer with its sources, or a refusal with its reason and the closest passages."""
    console = _console()
    head = "Answer" if result.decision == "answer" else f"Refused ({result.reason})"
    console.print(
        f"[bold]{head}[/bold]  confidence {result.confidence:.2f} "
        f"(threshold {result.threshold:.2f}), language {result.language}"
    )
    console.print(_marked(result.text, result.answer_span), highlight=False)
    rows = result.citations if result.decision == "answer" else result.passages
    if not rows:
        return
    table = Table(title="sources" if result.decision == "answer" else "closest passages")
    for col in ("n", "newspaper / title", "date", "page", "lang", "snippet"):
        table.add_column(col, overflow="fold")
    for c in rows:
        table.add_row(
            str(c.n),
            c.newspaper or c.title,
            c.date,
            "" if c.page is None else str(c.page),
            c.language,
            c.snippet,
        )
    console.print(table)


def _marked(text: str, span: dict | None) -> Text:
    """The answer with its fact in bold and underlined (the fact it leads with)."""
    out = Text(text)
    at = text.find(span["text"]) if span else -1
    if at >= 0:
        out.stylize("bold underline", at, at + len(span["text"]))
    return out


def print_audit_summary(summary: dict[str, Any]) -> None:
    console = _console()
    rate = summary["refusal_rate"]
    console.print(
        f"[bold]{summary['records']} decisions[/bold]: {summary['answers']} answers, "
        f"{summary['refusals']} refusals" + (f" (refusal rate {rate:.0%})" if rate is not None else "")
    )
    for title, key in (("refusals by reason", "refusal_rate_by_reason"),):
        if summary[key]:
            console.print(title + ": " + ", ".join(f"{k} {v:.0%}" for k, v in summary[key].items()))
    for title, key in (("by language", "refusal_rate_by_language"), ("by day", "refusal_rate_by_day")):
        table = Table(title=f"refusal rate {title}")
        table.add_column(title.split()[-1])
        table.add_column("decisions", justify="right")
        table.add_column("refusal rate", justify="right")
        for k, v in summary[key].items():
            table.add_row(k, str(v["n"]), f"{v['refusal_rate']:.0%}")
        console.print(table)
    hist = Table(title="confidence")
    for col in ("bin", "answers", "refusals"):
        hist.add_column(col)
    for k, v in summary["confidence_histogram"].items():
        if v["answer"] or v["refuse"]:
            hist.add_row(k, str(v["answer"]), str(v["refuse"]))
    console.print(hist)
    console.print(f"near-threshold decisions: {len(summary['near_threshold'])}")
    if summary["labels"]:
        console.print("reviewer labels: " + ", ".join(f"{k} {v}" for k, v in summary["labels"].items()))


def print_audit_list(rows: list[dict[str, Any]]) -> None:
    table = Table()
    for col in ("id", "time (UTC)", "lang", "decision", "reason", "conf", "label", "question"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            r["record_id"][:10], (r["timestamp"] or "")[:19].replace("T", " "), r["language"],
            r["decision"], r["reason"] or "", f"{r['confidence']:.2f}", r["label"] or "",
            r["question"] or "(hashed)",
        )
    _console().print(table)
    _console().print(f"{len(rows)} decisions")


def print_eval_report(report: dict[str, Any]) -> None:
    cols = ("n", "recall@1", "recall@5", "recall@10", "mrr", "answered_rate", "refusal_precision",
            "refusal_recall", "answer_has_fact", "answer_or_cited_has_fact", "citation_precision", "auroc",
            "auroc_fact")
    table = Table(title=f"eval {report['run_id']} (threshold {report['threshold']})")
    table.add_column("group")
    for c in cols:
        table.add_column(c, justify="right")
    for name, s in [("overall", report["overall"]), *report["by_kind"].items()]:
        table.add_row(name, *("-" if s.get(c) is None else (str(s[c]) if c == "n" else f"{s[c]:.3f}")
                              for c in cols))
    console = _console()
    console.print(table)
    missing = report["overall"]["not_in_index"]
    if missing:
        console.print(f"{missing} questions name a document that is not in the index (not counted as misses)")
    lat = report["overall"]["latency"]
    if "total" in lat:
        console.print(f"latency total: p50 {lat['total']['p50']:.3f} s, p95 {lat['total']['p95']:.3f} s")
