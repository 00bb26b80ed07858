"""`ragarchive eval` on the demo archive: the report's structure, not-indexed documents, run ids."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ragarchive.audit import AuditLog

QUESTIONS = [
    {"id": "a1", "question": "When was the railway between Marbethal and Valmarbe opened?",
     "answerable": True, "doc_id": ["marbethaler-bote-1868-09-19/ART01", "courrier-de-valmarbe-1868-09-17/ART01"],
     "answer": "15 septembre", "kind": "cross", "extra": "ignored"},
    {"id": "a2", "question": "Wann wurde die Gasbeleuchtung in Marbethal eröffnet?", "answerable": True,
     "doc_id": "marbethaler-bote-1854-11-04/ART01", "answer": None, "kind": "same"},
    {"id": "u1", "question": "Who won the football world cup final in 1998?", "answerable": False,
     "doc_id": None, "answer": None, "kind": "unanswerable"},
    {"id": "m1", "question": "Who built the lighthouse?", "answerable": True, "doc_id": "not-in-this-archive",
     "answer": None, "kind": "same"},
]


def test_eval_reports_recall_refusals_and_per_question_rows(demo_data_dir: Path, tmp_path: Path) -> None:
    qfile = tmp_path / "q.jsonl"
    qfile.write_text("".join(json.dumps(q) + "\n" for q in QUESTIONS))
    data = tmp_path / "data"
    (data / "archives").mkdir(parents=True)
    (data / "archives" / "demo").symlink_to(demo_data_dir / "archives" / "demo")
    plot = tmp_path / "eval.png"
    out = subprocess.run(
        [sys.executable, "-m", "ragarchive", "--data-dir", str(data), "--archive", "demo", "eval",
         str(qfile), "--json", "--plot", str(plot)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert set(report) >= {"overall", "by_kind", "questions", "run_id"}
    for group in [report["overall"], *report["by_kind"].values()]:
        assert {"n", "recall@1", "recall@5", "recall@10", "mrr", "answered_rate", "refused_rate"} <= set(group)
    assert report["overall"]["n"] == 4 and report["overall"]["not_in_index"] == 1
    assert "auroc" in report["overall"]
    rows = {q["id"]: q for q in report["questions"]}
    assert {"id", "kind", "decision", "reason", "confidence", "rank", "answer_has_fact", "answer_or_cited_has_fact"} <= set(rows["a1"])
    assert rows["a1"]["rank"] == 1 and rows["a1"]["decision"] == "answer" and rows["a1"]["answer_has_fact"] is True
    assert rows["u1"]["decision"] == "refuse" and rows["u1"]["rank"] is None
    assert rows["m1"]["doc_status"] == "not_in_index" and rows["m1"]["rank"] is None
    assert report["by_kind"]["same"]["recall@5"] == 1.0  # m1 is reported, not counted as a miss
    assert report["overall"]["refusal_recall"] == 1.0
    assert plot.read_bytes()[:4] == b"\x89PNG"
    records, problems = AuditLog(data / "audit").records()
    assert not problems and len(records) == 4
    assert {r["run_id"] for r in records} == {report["run_id"]}
