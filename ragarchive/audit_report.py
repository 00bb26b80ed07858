"""Reading the audit log for people: summaries, filters, export and a plot (no logic is stored
here that the log itself does not hold)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

NEAR_THRESHOLD = 0.05  # |confidence - threshold| below this is a "near-threshold" decision


@dataclass
class RecordFilter:
    decision: str | None = None
    reason: str | None = None
    language: str | None = None
    min_confidence: float | None = None
    max_confidence: float | None = None
    text: str | None = None  # case-insensitive substring of the question
    since: str | None = None  # ISO date or timestamp prefix, inclusive
    until: str | None = None

    def accepts(self, r: dict[str, Any]) -> bool:
        day = r.get("timestamp", "")
        checks = (
            self.decision is None or r.get("decision") == self.decision,
            self.reason is None or r.get("reason") == self.reason,
            self.language is None or r.get("language") == self.language,
            self.min_confidence is None or r.get("confidence", 0) >= self.min_confidence,
            self.max_confidence is None or r.get("confidence", 0) <= self.max_confidence,
            self.text is None or self.text.lower() in (r.get("question") or "").lower(),
            self.since is None or day[: len(self.since)] >= self.since,
            self.until is None or day[: len(self.until)] <= self.until,
        )
        return all(checks)


def select(records: Iterable[dict[str, Any]], f: RecordFilter) -> list[dict[str, Any]]:
    return sorted((r for r in records if f.accepts(r)), key=lambda r: r.get("timestamp", ""))


def latest_labels(labels: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """record_id -> the reviewer's latest judgement (labels are appended, never rewritten)."""
    out: dict[str, dict[str, Any]] = {}
    for entry in sorted(labels, key=lambda e: e.get("timestamp", "")):
        out[entry["record_id"]] = entry
    return out


def summarise(records: list[dict[str, Any]], labels: dict[str, dict[str, Any]]) -> dict[str, Any]:
    n = len(records)
    refusals = [r for r in records if r.get("decision") == "refuse"]
    by_reason = Counter(r.get("reason") for r in refusals)
    return {
        "records": n,
        "answers": n - len(refusals),
        "refusals": len(refusals),
        "refusal_rate": _rate(len(refusals), n),
        "refusal_rate_by_reason": {k: _rate(v, n) for k, v in sorted(by_reason.items())},
        "refusal_rate_by_language": _rates_by(records, lambda r: r.get("language") or "und"),
        "refusal_rate_by_day": _rates_by(records, lambda r: r.get("timestamp", "")[:10]),
        "confidence_histogram": _histogram(records),
        "near_threshold": [
            {"record_id": r["record_id"], "decision": r["decision"],
             "confidence": r["confidence"], "threshold": r["threshold"]}
            for r in records if abs(r.get("confidence", 0) - r.get("threshold", 0)) < NEAR_THRESHOLD
        ],
        "labels": dict(Counter(v["label"] for k, v in labels.items()
                               if k in {r["record_id"] for r in records})),
    }


def _rate(k: int, n: int) -> float | None:
    return round(k / n, 4) if n else None


def _rates_by(records: list[dict[str, Any]], key: Any) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        groups[key(r)].append(r)
    return {
        k: {"n": len(v), "refusal_rate": _rate(sum(r.get("decision") == "refuse" for r in v), len(v))}
        for k, v in sorted(groups.items())
    }


def _histogram(records: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    bins: dict[str, dict[str, int]] = {}
    for i in range(10):
        lo, hi = i / 10, (i + 1) / 10
        label = f"{lo:.1f}-{hi:.1f}"
        inside = [r for r in records if lo <= r.get("confidence", 0) < hi or (i == 9 and r.get("confidence") == 1.0)]
        bins[label] = {
            "answer": sum(r.get("decision") == "answer" for r in inside),
            "refuse": sum(r.get("decision") == "refuse" for r in inside),
        }
    return bins


EXPORT_COLUMNS = (
    "record_id", "timestamp", "question", "question_hash", "language", "decision", "reason",
    "confidence", "threshold", "generator", "model", "answer", "message", "cited_documents",
    "top_documents", "label", "label_note", "user", "run_id", "total_seconds",
)


def flat_row(r: dict[str, Any], labels: dict[str, dict[str, Any]]) -> dict[str, Any]:
    label = labels.get(r["record_id"], {})
    return {
        **{k: r.get(k) for k in EXPORT_COLUMNS if k in r},
        "cited_documents": ";".join(c["document_id"] for c in r.get("citations", [])),
        "top_documents": ";".join(p["document_id"] for p in r.get("passages", [])[:5]),
        "label": label.get("label"),
        "label_note": label.get("note"),
        "total_seconds": (r.get("timings") or {}).get("total"),
    }


def export(records: list[dict[str, Any]], labels: dict[str, dict[str, Any]], fmt: str) -> str:
    if fmt == "jsonl":
        return "".join(
            json.dumps({**r, "label": labels.get(r["record_id"])}, ensure_ascii=False) + "\n"
            for r in records
        )
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    for r in records:
        writer.writerow(flat_row(r, labels))
    return buf.getvalue()


def plot_confidence(records: list[dict[str, Any]], path: Path) -> None:
    """Histogram of the confidence of answers and refusals, with the threshold line(s)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4), dpi=120)
    bins = [i / 20 for i in range(21)]
    for decision, colour in (("answer", "tab:green"), ("refuse", "tab:red")):
        values = [r["confidence"] for r in records if r.get("decision") == decision]
        ax.hist(values, bins=bins, alpha=0.6, color=colour, label=f"{decision} ({len(values)})")
    for t in sorted({round(r["threshold"], 3) for r in records}):
        ax.axvline(t, color="black", linestyle="--", linewidth=1.2, label=f"threshold {t}")
    ax.set_xlabel("confidence")
    ax.set_ylabel("decisions")
    ax.set_title("ragarchive: confidence of answers and refusals")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
