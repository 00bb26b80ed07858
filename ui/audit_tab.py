"""The Audit tab's handlers: the filtered table of decisions, one record's details, reviewer
labels, the confidence plot and the CSV export, all read from and written to the audit log.

Plain functions over the ``AuditLog``, without Gradio: the app wires them to its widgets, and the
tests call them directly.
"""

from __future__ import annotations

import json
from typing import Any

from ragarchive.audit_report import RecordFilter, export, flat_row, latest_labels, plot_confidence, select
from ragarchive.config import Settings

COLUMNS = ["record_id", "timestamp", "language", "decision", "reason", "confidence", "label", "question"]


def audit_records(audit: Any) -> tuple[list[dict], dict]:
    """Every record, and the latest label of each labelled one."""
    records, _ = audit.records()
    labels, _ = audit.labels()
    return records, latest_labels(labels)


def audit_table(audit: Any, decision: str, reason: str, language: str, lo: float,
                hi: float) -> list[list[Any]]:
    """The newest 200 decisions that match the filters, one row of ``COLUMNS`` each."""
    records, labels = audit_records(audit)
    f = RecordFilter(decision or None, reason or None, language or None, lo, hi)
    rows = [flat_row(r, labels) for r in reversed(select(records, f))][:200]
    return [[r[c] for c in COLUMNS] for r in rows]


def audit_details(audit: Any, record_id: str) -> str:
    """The whole record with its label, as a JSON block, or how to pick one."""
    records, labels = audit_records(audit)
    match = audit.find(record_id, records)
    if len(match) != 1:
        return "Select one decision (click its id in the table, or paste it)."
    return "```json\n" + json.dumps({**match[0], "label": labels.get(match[0]["record_id"])},
                                    indent=2, ensure_ascii=False) + "\n```"


def audit_plot(audit: Any, settings: Settings) -> str | None:
    """The confidence distribution drawn to a PNG in the data folder; None before any decision."""
    records, _ = audit_records(audit)
    if not records:
        return None
    path = settings.data_dir / "ui" / "confidence.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    plot_confidence(records, path)
    return str(path)


def label(audit: Any, record_id: str, verdict: str, note: str, user: str | None) -> str:
    """Store a reviewer's verdict on the one record the id (or its prefix) names."""
    match = [r["record_id"] for r in audit.find(record_id)]
    if len(match) != 1:
        return "Select one decision first."
    audit.label(match[0], verdict, note or None, user)
    return f"Labelled {match[0][:10]} as {verdict}."


def export_csv(audit: Any, settings: Settings) -> str:
    """Every decision with its label, written to a CSV file in the data folder."""
    records, labels = audit_records(audit)
    path = settings.data_dir / "ui" / "audit-export.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(export(records, labels, "csv"), encoding="utf-8")
    return str(path)


def selected_id(row: list[Any] | None) -> str:
    """The record id of the table row that was clicked."""
    return str(row[0]) if row else ""
