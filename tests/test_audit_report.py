"""Reading the audit log for people: filters, the summary, labels, export and the plot, on
hand-made records shaped like the log's (ragarchive/data/audit_record.schema.json)."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from pathlib import Path

import pytest

from ragarchive.audit_report import (
    EXPORT_COLUMNS,
    RecordFilter,
    export,
    filters_text,
    flat_row,
    latest_labels,
    plot_confidence,
    select,
    summarise,
    write_export,
)


def _record(rid: str, ts: str, decision: str, confidence: float, *, reason: str | None = None,
            language: str | None = "en", question: str | None = "Who won the hill climb?",
            threshold: float = 0.7, **extra: object) -> dict:
    return {"record_id": rid, "timestamp": ts, "decision": decision, "reason": reason,
            "language": language, "question": question, "confidence": confidence,
            "threshold": threshold, **extra}


RECORDS = [
    _record("r3", "2024-05-02T09:00:00Z", "refuse", 0.40, reason="weak_evidence", language="de",
            question="Wer gewann die Weltmeisterschaft?"),
    _record("r1", "2024-05-01T10:00:00Z", "answer", 0.90),
    _record("r2", "2024-05-01T23:59:59Z", "answer", 0.72, question="When did the RAILWAY open?"),
    _record("r4", "2024-05-03T08:00:00Z", "refuse", 0.0, reason="no_evidence", language=None),
    _record("r5", "2024-05-03T12:00:00Z", "answer", 1.0, question=None),
]


def _ids(f: RecordFilter) -> list[str]:
    return [r["record_id"] for r in select(RECORDS, f)]


def test_select_keeps_matching_records_oldest_first() -> None:
    assert _ids(RecordFilter()) == ["r1", "r2", "r3", "r4", "r5"]
    assert _ids(RecordFilter(decision="refuse")) == ["r3", "r4"]
    assert _ids(RecordFilter(reason="no_evidence")) == ["r4"]
    assert _ids(RecordFilter(language="de")) == ["r3"]
    assert _ids(RecordFilter(text="railway")) == ["r2"]  # case-insensitive; hashed questions never match
    assert _ids(RecordFilter(min_confidence=0.72, max_confidence=0.9)) == ["r1", "r2"]  # both inclusive


def test_since_and_until_compare_as_inclusive_prefixes() -> None:
    assert _ids(RecordFilter(since="2024-05-02")) == ["r3", "r4", "r5"]
    assert _ids(RecordFilter(until="2024-05-01")) == ["r1", "r2"]  # the whole day, to 23:59:59
    assert _ids(RecordFilter(since="2024-05-01T12", until="2024-05-03T08")) == ["r2", "r3", "r4"]
    assert _ids(RecordFilter(since="2024-06")) == []


def test_latest_labels_keeps_the_last_judgement_by_time_not_by_file_order() -> None:
    labels = [
        {"record_id": "r1", "label": "correct", "timestamp": "2024-05-04T10:00:00Z"},
        {"record_id": "r1", "label": "wrong", "timestamp": "2024-05-04T09:00:00Z", "note": "older"},
        {"record_id": "r3", "label": "wrong", "timestamp": "2024-05-04T11:00:00Z"},
    ]
    latest = latest_labels(labels)
    assert {k: v["label"] for k, v in latest.items()} == {"r1": "correct", "r3": "wrong"}


def test_summary_counts_rates_and_groups() -> None:
    labels = {"r1": {"label": "correct"}, "r3": {"label": "wrong"}, "gone": {"label": "wrong"}}
    s = summarise(RECORDS, labels)
    assert (s["records"], s["answers"], s["refusals"], s["refusal_rate"]) == (5, 3, 2, 0.4)
    # each reason's share of all decisions
    assert s["refusal_rate_by_reason"] == {"no_evidence": 0.2, "weak_evidence": 0.2}
    assert s["refusal_rate_by_language"] == {
        "de": {"n": 1, "refusal_rate": 1.0},
        "en": {"n": 3, "refusal_rate": 0.0},
        "und": {"n": 1, "refusal_rate": 1.0},  # no language recorded
    }
    assert list(s["refusal_rate_by_day"]) == ["2024-05-01", "2024-05-02", "2024-05-03"]
    assert s["refusal_rate_by_day"]["2024-05-03"] == {"n": 2, "refusal_rate": 0.5}
    assert s["labels"] == {"correct": 1, "wrong": 1}  # labels of records outside the selection left out


def test_summary_rates_are_rounded_and_none_without_records() -> None:
    thirds = [_record(f"t{i}", "2024-05-01T10:00:00Z", d, 0.5) for i, d in enumerate(["refuse", "answer", "answer"])]
    assert summarise(thirds, {})["refusal_rate"] == 0.3333
    empty = summarise([], {})
    assert (empty["records"], empty["refusal_rate"], empty["refusal_rate_by_reason"]) == (0, None, {})
    assert empty["near_threshold"] == [] and empty["labels"] == {}


def test_confidence_histogram_has_ten_bins_and_one_belongs_to_the_last() -> None:
    hist = summarise(RECORDS, {})["confidence_histogram"]
    assert list(hist) == [f"{i / 10:.1f}-{(i + 1) / 10:.1f}" for i in range(10)]
    assert hist["0.0-0.1"] == {"answer": 0, "refuse": 1}  # 0.0
    assert hist["0.4-0.5"] == {"answer": 0, "refuse": 1}  # 0.40 is the lower edge of its bin
    assert hist["0.7-0.8"] == {"answer": 1, "refuse": 0}
    assert hist["0.9-1.0"] == {"answer": 2, "refuse": 0}  # 0.90 and 1.0
    assert sum(v["answer"] + v["refuse"] for v in hist.values()) == len(RECORDS)


def test_near_threshold_decisions_are_within_five_hundredths() -> None:
    records = [
        _record("a", "2024-05-01T10:00:00Z", "answer", 0.72),
        _record("b", "2024-05-01T10:00:00Z", "refuse", 0.66, reason="weak_evidence"),
        _record("c", "2024-05-01T10:00:00Z", "refuse", 0.60, reason="weak_evidence"),
        _record("d", "2024-05-01T10:00:00Z", "answer", 0.80),
    ]
    near = summarise(records, {})["near_threshold"]
    assert near == [
        {"record_id": "a", "decision": "answer", "confidence": 0.72, "threshold": 0.7},
        {"record_id": "b", "decision": "refuse", "confidence": 0.66, "threshold": 0.7},
    ]


def _full(rid: str) -> dict:
    return _record(
        rid, "2024-05-01T10:00:00Z", "answer", 0.9, question_hash=None, generator="extractive",
        model=None, answer="Vautrin [1].", run_id=None, user="ana", timings={"total": 1.25},
        citations=[{"document_id": "doc-a"}, {"document_id": "doc-b"}],
        passages=[{"document_id": f"doc-{c}"} for c in "abcdefg"],
        retrieval={"lists": []},  # not an export column
    )


def test_flat_row_joins_documents_and_adds_the_label() -> None:
    row = flat_row(_full("r1"), {"r1": {"label": "wrong", "note": "date is off"}})
    assert row["cited_documents"] == "doc-a;doc-b"
    assert row["top_documents"] == "doc-a;doc-b;doc-c;doc-d;doc-e"  # the top five
    assert (row["label"], row["label_note"], row["total_seconds"]) == ("wrong", "date is off", 1.25)
    assert set(row) <= set(EXPORT_COLUMNS) and "retrieval" not in row
    bare = flat_row(_record("r9", "2024-05-01T10:00:00Z", "refuse", 0.1), {})
    assert (bare["cited_documents"], bare["top_documents"], bare["label"], bare["total_seconds"]) == ("", "", None, None)


def test_csv_export_has_one_row_per_decision_in_the_column_order() -> None:
    text = export([_full("r1"), _full("r2")], {"r2": {"label": "correct", "note": None}}, "csv")
    assert text.splitlines()[0] == ",".join(EXPORT_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["record_id"], r["label"], r["user"], r["cited_documents"]) for r in rows] == [
        ("r1", "", "ana", "doc-a;doc-b"), ("r2", "correct", "ana", "doc-a;doc-b")]


def test_jsonl_export_keeps_whole_records_with_their_label() -> None:
    label = {"record_id": "r1", "label": "wrong", "note": "date is off"}
    lines = export([_full("r1"), _full("r2")], {"r1": label}, "jsonl").splitlines()
    first, second = (json.loads(x) for x in lines)
    assert first["label"] == label and second["label"] is None
    assert first["retrieval"] == {"lists": []}  # nothing is dropped
    assert export([], {}, "jsonl") == ""


def test_plot_confidence_writes_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    path = tmp_path / "confidence.png"
    plot_confidence(RECORDS + [_record("r6", "2024-05-04T10:00:00Z", "answer", 0.8, threshold=0.65)], path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_since_and_until_read_the_dates_the_ask_filters_read_and_timestamps() -> None:
    f = RecordFilter(since="01.05.2024", until="2024-05-03T08")
    assert (f.since, f.until) == ("2024-05-01", "2024-05-03T08")
    assert RecordFilter(since="2024-05-01 12:30").since == "2024-05-01T12:30"
    assert _ids(RecordFilter(since=" 2.5.2024 ")) == ["r3", "r4", "r5"]
    assert RecordFilter(since="", until=None).since is None


@pytest.mark.parametrize("since, until, message", [
    ("05/2024", None, "since: '05/2024' is not a date"),
    (None, "2024-02-30", "until: '2024-02-30' is not a real date"),
    ("2024-06", "2024-05", "The date range is reversed: since 2024-06 is after until 2024-05"),
])
def test_a_date_it_cannot_read_or_a_reversed_range_is_an_error(since, until, message) -> None:
    from ragarchive.errors import FilterError

    with pytest.raises(FilterError, match=re.escape(message)):
        RecordFilter(since=since, until=until)
    assert RecordFilter(since="2024-05", until="2024-05").since == "2024-05"  # one month


def test_the_filters_are_said_in_words_and_in_a_file_name() -> None:
    f = RecordFilter("refuse", "weak_evidence", "fr", 0.5, None, "Qui a gagné «la» course ?",
                     "2024-05-01", "2024-05-31T12:30")
    assert f.describe() == ("refuse · weak_evidence · language fr · “Qui a gagné «la» course ?” · "
                            "confidence ≥ 0.5 · since 2024-05-01 · until 2024-05-31T12:30")
    assert f.slug() == "refuse_weak-evidence_fr_Qui-a-gagne-la-course_conf0.5-1_2024-05-01..2024-05-31T12-30"
    assert RecordFilter(text="../../etc/passwd").slug() == "etc-passwd"  # never a path
    assert RecordFilter(max_confidence=0.25, until="2024").slug() == "conf0-0.25_until-2024"
    assert RecordFilter(since="2024-05").slug() == "since-2024-05"
    assert RecordFilter(min_confidence=0.2, max_confidence=0.4).describe() == "confidence 0.2–0.4"
    assert (RecordFilter().describe(), RecordFilter().slug()) == ("all decisions", "all")


def test_the_filters_a_question_was_asked_with_are_a_column() -> None:
    assert filters_text({"date_from": "1860", "date_to": None, "newspaper": "Courrier", "language": "fr"}) == \
        "from 1860 · newspaper Courrier · language fr"
    assert filters_text({"date_from": None}) == filters_text(None) == ""
    row = flat_row(_full("r1") | {"filters": {"date_to": "1870-05"}}, {})
    assert row["filters"] == "to 1870-05" and "filters" in EXPORT_COLUMNS


def test_a_csv_file_starts_with_a_byte_order_mark_and_jsonl_does_not(tmp_path: Path) -> None:
    text = export([_full("r1") | {"question": "Qui a gagné ?"}], {}, "csv")
    assert not text.startswith("\ufeff")  # the text itself (standard output) has none
    write_export(text, tmp_path / "a.csv", "csv")
    data = (tmp_path / "a.csv").read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and "Qui a gagné ?".encode() in data
    assert next(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))["record_id"] == "r1"
    write_export(export([_full("r1")], {}, "jsonl"), tmp_path / "a.jsonl", "jsonl")
    assert (tmp_path / "a.jsonl").read_bytes().startswith(b"{")


def test_plot_confidence_draws_into_a_stream_with_the_filters_as_subtitle() -> None:
    pytest.importorskip("matplotlib")
    buf = io.BytesIO()
    plot_confidence(RECORDS, buf, "refuse · since 2024-05-01")
    assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
