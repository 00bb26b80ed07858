"""The Audit tab's handlers: a page of the filtered decisions, one record as a card, reviewer
labels, and the confidence plot and CSV export of the same filtered decisions.

Plain functions over the ``AuditLog``, without Gradio: the app wires them to its widgets, and the
tests call them directly. The filters are the CLI's (``RecordFilter``), built from the tab's
boxes in the order of ``FILTER_BOXES``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import tempfile
from pathlib import Path
from typing import Any

from ragarchive.audit_report import RecordFilter, export, latest_labels, plot_confidence, select, write_export
from ragarchive.errors import FilterError
from ragarchive.ui.audit_view import COLUMNS, record_card, table_row

PAGE_SIZE = 20  # decisions per page of the table
FILTER_BOXES = ("search", "since", "until", "decision", "reason", "language", "min_confidence",
                "max_confidence")


def audit_records(audit: Any) -> tuple[list[dict], dict]:
    """Every record, and the latest label of each labelled one."""
    records, _ = audit.records()
    labels, _ = audit.labels()
    return records, latest_labels(labels)


def record_filter(search: str | None, since: str | None, until: str | None, decision: str | None,
                  reason: str | None, language: str | None, lo: float | None,
                  hi: float | None) -> RecordFilter:
    """The tab's boxes as the CLI's filter; raises ``FilterError`` for a date it cannot read.
    An empty box, and the confidence box at its end (0 or 1), filter nothing."""
    return RecordFilter(
        decision=decision or None, reason=reason or None, language=language or None,
        min_confidence=lo if lo else None,
        max_confidence=hi if hi is not None and hi < 1 else None,
        text=(search or "").strip() or None, since=since, until=until,
    )


def audit_table(audit: Any, page: float | None, *boxes: Any) -> tuple[list[list[Any]], int, str]:
    """One page of the decisions that match the filters, newest first, as rows of ``COLUMNS``;
    the page actually shown (kept within the pages there are); and a status line with the total
    count and the filters (or what is wrong with them)."""
    records, labels = audit_records(audit)
    try:
        f = record_filter(*boxes)
    except FilterError as exc:
        return [], 1, f"**{exc}**"
    chosen = select(records, f)[::-1]
    pages = max(1, math.ceil(len(chosen) / PAGE_SIZE))
    page = min(max(1, int(page or 1)), pages)
    start = (page - 1) * PAGE_SIZE
    rows = [table_row(r, labels.get(r["record_id"])) for r in chosen[start:start + PAGE_SIZE]]
    return rows, page, _status(len(chosen), start, len(rows), page, pages, f, len(records))


def _status(n: int, start: int, shown: int, page: int, pages: int, f: RecordFilter, total: int) -> str:
    filters = f.describe()
    of_log = "" if filters == "all decisions" else f" (of {total} in the log)"
    if not n:
        return f"No decisions match: {filters}{of_log}."
    return (f"Decisions **{start + 1}–{start + shown} of {n}**{of_log} · page {page} of {pages}"
            f" · {filters}")


def audit_details(audit: Any, record_id: str) -> str:
    """The record the id (or a unique prefix of it) names, as a card; or how to pick one."""
    hint = "<p>Select one decision: click its row in the table, or paste its record id.</p>"
    if not (record_id or "").strip():
        return hint  # without reading the log: the app shows this when it starts
    records, labels = audit_records(audit)
    match = audit.find(record_id, records)
    if len(match) != 1:
        return hint
    return record_card(match[0], labels.get(match[0]["record_id"]))


def audit_plot(audit: Any, *boxes: Any) -> Any:
    """The confidence of the decisions that match the filters, as an image (PIL); None when no
    decision matches. Drawn in memory: every user's filters get their own plot."""
    from PIL import Image

    try:
        f = record_filter(*boxes)
    except FilterError:
        return None
    chosen = select(audit_records(audit)[0], f)
    if not chosen:
        return None
    buf = io.BytesIO()
    plot_confidence(chosen, buf, f.describe())
    buf.seek(0)
    return Image.open(buf)


def export_csv(audit: Any, *boxes: Any) -> str | None:
    """The decisions that match the filters, with their labels, as a CSV file (with a UTF-8 BOM
    for spreadsheet programs) named after the filters and the day; None for unreadable filters.

    The file goes to a new private folder of the system's temporary folder: Gradio serves files
    from there whatever the data folder, and two users' exports never overwrite each other."""
    try:
        f = record_filter(*boxes)
    except FilterError:
        return None
    records, labels = audit_records(audit)
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    path = Path(tempfile.mkdtemp(prefix="ragarchive-export-")) / f"ragarchive-audit_{f.slug()}_exported-{today}.csv"
    write_export(export(select(records, f), labels, "csv"), path, "csv")
    return str(path)


def label(audit: Any, record_id: str, verdict: str, note: str, user: str | None) -> str:
    """Store a reviewer's verdict on the one record the id (or its prefix) names."""
    match = [r["record_id"] for r in audit.find(record_id)]
    if len(match) != 1:
        return "Select one decision first."
    audit.label(match[0], verdict, note or None, user)
    return f"Labelled {match[0][:10]} as {verdict}."


def selected_id(row: list[Any] | None) -> str:
    """The record id (its first digits, a unique prefix) of the table row that was clicked."""
    return str(row[COLUMNS.index("Record")]) if row and len(row) == len(COLUMNS) else ""
