"""Reading the audit log for people: summaries, filters, export and a plot (no logic is stored
here that the log itself does not hold)."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Iterable

from .errors import FilterError
from .retrieval.filters import parse_date

NEAR_THRESHOLD = 0.05  # |confidence - threshold| below this is a "near-threshold" decision
# A timestamp prefix after a full date (``2024-05-01T12``, ``2024-05-01 12:30``), for finer ranges.
_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}(?::\d{2}(?::\d{2})?)?)")


@dataclass
class RecordFilter:
    """Which decisions a reader wants: the CLI's options and the Audit tab's boxes build one.

    ``since``/``until`` accept what the Ask filters accept (``2024``, ``2024-05``,
    ``2024-05-01``, ``01.05.2024``) or a timestamp prefix (``2024-05-01T12``); they are stored as
    ISO prefixes and are inclusive (``until=2024-05`` keeps all of May). A date that is not one,
    or a reversed range, raises ``FilterError`` here, so every reader says so the same way."""

    decision: str | None = None
    reason: str | None = None
    language: str | None = None
    min_confidence: float | None = None
    max_confidence: float | None = None
    text: str | None = None  # case-insensitive substring of the question
    since: str | None = None  # ISO date or timestamp prefix, inclusive
    until: str | None = None

    def __post_init__(self) -> None:
        self.since = parse_moment(self.since, "since")
        self.until = parse_moment(self.until, "until")
        if self.since and self.until and self.since[: len(self.until)] > self.until:
            raise FilterError(f"The date range is reversed: since {self.since} is after until "
                              f"{self.until}. Swap them.")

    def describe(self) -> str:
        """The filters in words, for a status line or a plot title; "all decisions" if none."""
        lo, hi = self.min_confidence, self.max_confidence
        confidence = (f"confidence {lo}–{hi}" if lo is not None and hi is not None
                      else f"confidence ≥ {lo}" if lo is not None
                      else f"confidence ≤ {hi}" if hi is not None else None)
        parts = [self.decision, self.reason, self.language and f"language {self.language}",
                 self.text and f"“{self.text}”", confidence,
                 self.since and f"since {self.since}", self.until and f"until {self.until}"]
        return " · ".join(p for p in parts if p) or "all decisions"

    def slug(self) -> str:
        """The filters as a file-name part (``refuse_de_railway_2024-05-01..2024-05-31``)."""
        lo, hi = self.min_confidence, self.max_confidence
        parts = [self.decision, self.reason, self.language, self.text,
                 (lo is not None or hi is not None) and f"conf{_num(lo, 0)}-{_num(hi, 1)}",
                 f"{self.since}..{self.until}" if self.since and self.until
                 else self.since and f"since-{self.since}" or self.until and f"until-{self.until}"]
        # only ASCII letters, digits and . - (accents dropped, not the letter): safe on every
        # file system, in a download header and in a URL
        ascii_parts = (unicodedata.normalize("NFKD", p).encode("ascii", "ignore").decode() for p in parts if p)
        words = (re.sub(r"[^A-Za-z0-9.-]+", "-", p).strip("-.")[:40] for p in ascii_parts)
        return "_".join(w for w in words if w) or "all"

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


def parse_moment(value: str | None, name: str) -> str | None:
    """An ISO date or timestamp prefix for what a reader typed, None for nothing."""
    text = (value or "").strip()
    if not text:
        return None
    if m := _TIME.fullmatch(text):
        return f"{parse_date(m.group(1), name)}T{m.group(2)}"
    return parse_date(text, name)


def _num(x: float | None, default: float) -> str:
    return f"{default if x is None else x:g}"


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
    "record_id", "timestamp", "question", "question_hash", "filters", "language", "decision", "reason",
    "confidence", "threshold", "generator", "model", "answer", "message", "cited_documents",
    "top_documents", "label", "label_note", "user", "run_id", "total_seconds",
)


def flat_row(r: dict[str, Any], labels: dict[str, dict[str, Any]]) -> dict[str, Any]:
    label = labels.get(r["record_id"], {})
    return {
        **{k: r.get(k) for k in EXPORT_COLUMNS if k in r},
        "filters": filters_text(r.get("filters")),
        "cited_documents": ";".join(c["document_id"] for c in r.get("citations", [])),
        "top_documents": ";".join(p["document_id"] for p in r.get("passages", [])[:5]),
        "label": label.get("label"),
        "label_note": label.get("note"),
        "total_seconds": (r.get("timings") or {}).get("total"),
    }


def filters_text(filters: dict[str, Any] | None) -> str:
    """The filters a question was asked with, in words ("" for none): ``from 1850 · to 1920 ·
    newspaper Courrier · language fr``."""
    words = {"date_from": "from", "date_to": "to", "newspaper": "newspaper", "language": "language"}
    return " · ".join(f"{w} {filters[k]}" for k, w in words.items() if (filters or {}).get(k))


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


def write_export(text: str, path: Path, fmt: str) -> None:
    """Write an export to a file. A CSV file starts with a UTF-8 byte-order mark: without it
    spreadsheet programs read the file in a legacy code page and break every accent of the
    questions and the OCR text. (Standard output gets none: a pipe feeds programs, for which the
    mark would be part of the first column's name.)"""
    path.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")


def plot_confidence(records: list[dict[str, Any]], path: Path | BinaryIO, subtitle: str = "") -> None:
    """Histogram of the confidence of answers and refusals, with the threshold line(s), to a
    PNG file or stream; ``subtitle`` says which decisions it shows (the filters)."""
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
    ax.set_title("ragarchive: confidence of answers and refusals"
                 + (f"\n{subtitle}" if subtitle else ""), fontsize=10)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)
