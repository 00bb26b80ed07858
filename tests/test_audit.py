"""The audit log: schema, atomic concurrent appends, broken lines, privacy, `ragarchive audit`."""

from __future__ import annotations

import codecs
import csv
import io
import json
import multiprocessing
import shutil
import subprocess
import sys
import threading
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from ragarchive.audit import AuditLog, append_line
from ragarchive.config import load_settings
from ragarchive.services import build_ask_service

ANSWERABLE = "When was the railway between Marbethal and Valmarbe opened?"
UNANSWERABLE = "Who won the football world cup final in 1998?"


def _schema() -> Draft202012Validator:
    text = resources.files("ragarchive").joinpath("data/audit_record.schema.json").read_text()
    return Draft202012Validator(json.loads(text))


@pytest.fixture(scope="module")
def audited(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose audit log holds real decisions of the ask service (its own copy)."""
    settings = load_settings(data_dir=demo_data_dir, archive="demo")
    service = build_ask_service(settings)
    service.audit = AuditLog(tmp_path_factory.mktemp("audited") / "audit")
    for q in (ANSWERABLE, UNANSWERABLE, "Wer gewann die Fußballweltmeisterschaft 1998?",
              "Combien a coûté le pont suspendu de Valmarbe ?"):
        result = service.ask(q, user="tester")
        assert result.record_id
    return service.audit.folder.parent


def _records(data: Path) -> list[dict]:
    records, problems = AuditLog(data / "audit").records()
    assert problems == []
    return records


def test_every_decision_writes_one_record_that_validates_against_the_schema(audited: Path) -> None:
    records = _records(audited)
    assert len(records) == 4
    validator = _schema()
    for r in records:
        errors = [e.message for e in validator.iter_errors(r)]
        assert errors == [], errors
    answer = next(r for r in records if r["question"] == ANSWERABLE)
    refusal = next(r for r in records if r["question"] == UNANSWERABLE)
    assert answer["decision"] == "answer" and answer["citations"] and answer["verification"]
    assert refusal["decision"] == "refuse" and refusal["reason"] == "weak_evidence"
    assert refusal["passages"] and refusal["answer"] is None and refusal["message"]
    assert {e["origin"] for e in answer["expansions"]} >= {"original", "cross_lingual"}
    assert any(lst["name"] == "original/dense" and lst["hits"] for lst in answer["retrieval_lists"])
    assert answer["index"]["archive"] == "demo" and answer["index"]["documents"] > 60
    assert answer["user"] == "tester" and "total" in answer["timings"]


def test_a_schema_violation_is_caught() -> None:
    assert list(_schema().iter_errors({"record_id": "x"}))


def _write_many(folder: str, tag: str, n: int) -> None:
    log = AuditLog(Path(folder))
    for i in range(n):
        log.write({"record_id": f"{tag}-{i}", "timestamp": "2026-01-01T00:00:00.000Z",
                   "padding": "x" * 5000})  # long lines: a torn write would show


def test_concurrent_writers_in_threads_and_processes_never_interleave(tmp_path: Path) -> None:
    folder = str(tmp_path / "audit")
    threads = [threading.Thread(target=_write_many, args=(folder, f"t{i}", 40)) for i in range(6)]
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_write_many, args=(folder, f"p{i}", 80)) for i in range(2)]
    for w in threads + procs:
        w.start()
    for w in threads + procs:
        w.join()
    assert all(p.exitcode == 0 for p in procs)
    records, problems = AuditLog(Path(folder)).records()
    assert problems == []
    ids = [r["record_id"] for r in records]
    assert len(ids) == 6 * 40 + 2 * 80 == len(set(ids))


def test_a_truncated_line_is_reported_with_its_number_and_skipped(audited: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(audited / "audit", data / "audit")
    day = next((data / "audit").glob("????-??-??.jsonl"))
    with open(day, "a", encoding="utf-8") as fh:
        fh.write('{"record_id": "cut-off mid-wr')  # a crash mid-write, no newline
    append_line(day, {"record_id": "after", "timestamp": "2026-01-01T00:00:00.000Z"})
    records, problems = AuditLog(data / "audit").records()
    assert [p.line for p in problems] == [5]
    assert len(records) == 5 and records[-1]["record_id"] == "after"
    out = _cli(data, "audit", "list", "--json")
    assert out.returncode == 0 and f"{day} line 5" in out.stderr


def test_privacy_option_stores_a_salted_hash_instead_of_the_question(demo_data_dir: Path, tmp_path: Path) -> None:
    settings = load_settings(data_dir=demo_data_dir, archive="demo")
    service = build_ask_service(settings)
    service.audit = AuditLog(tmp_path / "audit", hash_questions=True)
    service.ask(UNANSWERABLE)
    service.ask(UNANSWERABLE)
    records, _ = service.audit.records()
    assert all(r["question"] is None for r in records)
    assert records[0]["question_hash"] == records[1]["question_hash"]
    assert records[0]["question_hash"].startswith("sha256:")
    logged = "".join(p.read_text() for p in (tmp_path / "audit").glob("*.jsonl"))
    assert UNANSWERABLE not in logged and "football" not in logged.lower()
    assert not list(_schema().iter_errors(records[0]))
    other = AuditLog(tmp_path / "other", hash_questions=True)  # another install, another salt
    assert other.question_fields(UNANSWERABLE)["question_hash"] != records[0]["question_hash"]


def test_the_log_can_be_turned_off(demo_data_dir: Path, tmp_path: Path) -> None:
    settings = load_settings(data_dir=demo_data_dir, archive="demo")
    service = build_ask_service(settings)
    service.audit = AuditLog(tmp_path / "audit", enabled=False)
    assert service.ask(UNANSWERABLE).record_id is None
    assert not (tmp_path / "audit").exists()


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ragarchive", "--data-dir", str(data), *args],
                          capture_output=True, text=True)


def test_summary_list_show_label_and_export(audited: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(audited / "audit", data / "audit")
    log_bytes = {p.name: p.read_bytes() for p in (data / "audit").glob("*.jsonl")}

    summary = json.loads(_cli(data, "audit", "summary", "--json").stdout)
    assert summary["records"] == 4 and summary["answers"] + summary["refusals"] == 4
    assert summary["refusal_rate_by_reason"]["weak_evidence"] >= 0.25
    assert set(summary["refusal_rate_by_language"]) >= {"en", "de"}
    assert sum(v["answer"] + v["refuse"] for v in summary["confidence_histogram"].values()) == 4

    refused = json.loads(_cli(data, "audit", "list", "--json", "--decision", "refuse").stdout)
    assert refused and all(r["decision"] == "refuse" for r in refused)
    found = json.loads(_cli(data, "audit", "list", "--json", "--search", "RAILWAY").stdout)
    assert [r["question"] for r in found] == [ANSWERABLE]
    assert json.loads(_cli(data, "audit", "list", "--json", "--min-confidence", "1.01").stdout) == []
    assert "decisions" in _cli(data, "audit", "list").stdout

    rid = found[0]["record_id"]
    shown = json.loads(_cli(data, "audit", "show", rid[:8]).stdout)
    assert shown["record_id"] == rid and shown["passages"][0]["text"]

    out = _cli(data, "audit", "label", rid[:8], "wrong", "--note", "date is off", "--reviewer", "ana")
    assert out.returncode == 0, out.stderr
    assert _cli(data, "audit", "label", rid, "maybe").returncode == 2
    labels = [json.loads(x) for x in (data / "audit" / "labels.jsonl").read_text().splitlines()]
    assert labels[0]["record_id"] == rid and labels[0]["label"] == "wrong"
    assert {p.name: p.read_bytes() for p in (data / "audit").glob("*.jsonl") if p.name != "labels.jsonl"} == log_bytes

    rows = list(csv.DictReader(io.StringIO(_cli(data, "audit", "export", "--format", "csv").stdout)))
    assert len(rows) == 4 and next(r for r in rows if r["record_id"] == rid)["label"] == "wrong"
    jl = [json.loads(x) for x in _cli(data, "audit", "export", "--format", "jsonl").stdout.splitlines()]
    assert len(jl) == 4 and next(r for r in jl if r["record_id"] == rid)["label"]["note"] == "date is off"

    plot = tmp_path / "confidence.png"
    assert _cli(data, "audit", "summary", "--plot", str(plot)).returncode == 0
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads(_cli(data, "audit", "summary", "--json", "--since", "2999-01-01").stdout)["records"] == 0


def test_the_csv_export_file_starts_with_a_byte_order_mark_and_dates_are_checked(audited: Path,
                                                                                   tmp_path: Path) -> None:
    """A spreadsheet program reads a CSV file without the mark in a legacy code page; standard
    output, which feeds programs, has none. A date the filters cannot read is an error."""
    data = tmp_path / "data"
    shutil.copytree(audited / "audit", data / "audit")
    out = _cli(data, "audit", "export", "-o", str(tmp_path / "decisions.csv"))
    assert out.returncode == 0, out.stderr
    text = (tmp_path / "decisions.csv").read_bytes()
    assert text.startswith(codecs.BOM_UTF8) and "Fußballweltmeisterschaft".encode() in text
    assert not _cli(data, "audit", "export").stdout.startswith("\ufeff")
    assert len(list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))) == 4
    bad = _cli(data, "audit", "list", "--since", "05/2024")
    assert bad.returncode == 2 and "since: '05/2024' is not a date" in bad.stderr
    today = json.loads(_cli(data, "audit", "list", "--json").stdout)[0]["timestamp"][:10]
    day, month, year = today[8:], today[5:7], today[:4]
    assert len(json.loads(_cli(data, "audit", "list", "--json", "--until", f"{day}.{month}.{year}").stdout)) == 4


def test_concurrent_questions_are_each_answered_and_audited_exactly_once(
    demo_data_dir: Path, tmp_path: Path
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    service = build_ask_service(load_settings(data_dir=demo_data_dir, archive="demo"))
    service.audit = AuditLog(tmp_path / "audit")
    questions = [ANSWERABLE, UNANSWERABLE, "Qui a gagné la course de côte des Trois-Sapins ?",
                 "Wann wurde die Gasbeleuchtung in Marbethal eröffnet?"] * 2
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda q: service.ask(q, user=q[:10]), questions))
    records = _records(tmp_path)
    assert sorted(r["record_id"] for r in records) == sorted(r.record_id for r in results)
    for result, question in zip(results, questions):
        record = next(r for r in records if r["record_id"] == result.record_id)
        assert record["question"] == question and record["decision"] == result.decision
    assert {r.decision for r in results[:2]} == {"answer", "refuse"}
    # the same question asked twice at once gets the same result: no cross-talk between threads
    for a, b in zip(results[:4], results[4:]):
        assert (a.decision, a.text, a.confidence) == (b.decision, b.text, b.confidence)


def test_each_record_names_the_app_server_that_decided(demo_data_dir: Path, tmp_path: Path) -> None:
    """Several app servers keep one log each (docs/deployment.md): ``server`` tells their records
    apart once merged; ``audit.server`` names it, by default the host name."""
    import socket

    from ragarchive.services import open_audit

    assert open_audit(load_settings(data_dir=tmp_path)).server == socket.gethostname()
    settings = load_settings(data_dir=demo_data_dir, archive="demo", audit={"server": "app-2"})
    service = build_ask_service(settings)
    service.audit.folder = tmp_path / "audit"  # not the shared demo folder
    service.ask(UNANSWERABLE)
    (record,) = AuditLog(tmp_path / "audit").records()[0]
    assert record["server"] == "app-2" and record["schema_version"] == 3
    assert [e.message for e in _schema().iter_errors(record)] == []
    del record["server"]  # a version 3 record must say which server decided
    assert list(_schema().iter_errors(record))
