"""Terminal output (rich): the ingest report and progress, document listings, an answer or a
refusal, the audit summary and list, the eval report. Printed to a wide plain console and read
back as text."""

from __future__ import annotations

import re

import pytest
from rich.console import Console

from ragarchive import reporting
from ragarchive.audit_report import flat_row, summarise
from ragarchive.ingest.pipeline import FileReport, IngestReport
from ragarchive.results import AskResult, Citation

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def out(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """The printed text (stdout, stderr), from consoles wide enough not to fold the tables."""
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    # the module's own consoles were made at import: make them again under these settings
    monkeypatch.setattr(reporting, "_out", Console())
    monkeypatch.setattr(reporting, "_err", Console(stderr=True))

    def read() -> tuple[str, str]:
        captured = capsys.readouterr()
        return _ANSI.sub("", captured.out), _ANSI.sub("", captured.err)

    return read


def _line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.lstrip().startswith(start))


def _cells(text: str, start: str) -> list[str]:
    """The cells of the table row that starts with ``start``."""
    return [c.strip() for c in _line(text, start).split("│")[1:-1]]


# -- ingest --------------------------------------------------------------------------------

def test_ingest_report_counts_only_what_was_ingested_and_lists_failures(out) -> None:
    report = IngestReport(
        files=[
            FileReport("/in/a.xml", "ingested", "alto", documents=2, chunks=7),
            FileReport("/in/b.txt", "ingested", "text", documents=3, chunks=5,
                       warnings=[f"warning {i}" for i in range(7)]),
            FileReport("/in/c.xml", "unchanged", "alto", documents=4, chunks=9),
            FileReport("/in/d.xml", "failed", "mets", documents=1, chunks=1, error="not well-formed XML"),
            FileReport("/in/e.bin", "skipped", error="unsupported file type .bin"),
            FileReport("/in/f.png", "skipped", "image", error="needs tesseract-ocr (apt install tesseract-ocr)"),
        ],
        wall_seconds=3.24, embed_seconds=1.46,
    )
    reporting.print_ingest_report(report)
    text, _ = out()
    assert _line(text, "ingested") == (
        "ingested 2  unchanged 1  failed 1  skipped 2  — 5 documents, 12 chunks in 3.2s (embedding 1.5s)")
    failed = _line(text, "│ /in/d.xml")
    assert "not well-formed XML" in failed
    assert "Failed" in text and "Warnings" in text
    assert "warning 4" in text and "warning 5" not in text and "…" in text  # the first five
    assert "Skipped" in text  # each skipped file with its reason: a tool to install, a type
    assert "unsupported file type .bin" in _line(text, "│ /in/e.bin")
    assert "needs tesseract-ocr (apt install tesseract-ocr)" in _line(text, "│ /in/f.png")


def test_the_masthead_note_of_every_mets_issue_is_said_once(out) -> None:
    note = "masthead not indexed (boilerplate each issue repeats): 2 blocks (9 words) that only TITLE_SECTION divisions reference: B1, B2"
    report = IngestReport([
        FileReport("/in/a_mets.xml", "ingested", "mets", 3, 3, warnings=[note]),
        FileReport("/in/b_mets.xml", "ingested", "mets", 3, 3, warnings=[note, "ALTO page 2 file 'x.xml' referenced by the METS is missing"]),
    ], 1.0, 0.5)
    reporting.print_ingest_report(report)
    text, _ = out()
    assert "TITLE_SECTION" not in text and "B1" not in text
    assert "masthead not indexed in 2 METS issue(s)" in text
    assert _cells(text, "│ /in/b_mets.xml") == ["/in/b_mets.xml", "ALTO page 2 file 'x.xml' referenced by the METS is missing"]
    assert "/in/a_mets.xml" not in text  # it has nothing else to say


def test_a_clean_ingest_report_is_one_line(out) -> None:
    reporting.print_ingest_report(IngestReport([FileReport("/in/a.xml", "ingested", "alto", 1, 2)], 1.0, 0.5))
    text, _ = out()
    assert text.strip().splitlines() == [
        "ingested 1  unchanged 0  failed 0  skipped 0  — 1 documents, 2 chunks in 1.0s (embedding 0.5s)"]


def test_progress_goes_to_stderr_with_the_file_count_and_the_last_file(out) -> None:
    progress = reporting.RichProgress()
    progress.start(3)
    for path in ("/in/one.xml", "/in/two.txt", "/in/deep/folder/" + "x" * 50 + ".hocr"):
        progress.advance(path)
    progress.stop()
    text, err = out()
    assert text == ""  # stdout stays clean for --json
    final = err.strip().splitlines()[-1]
    assert final.startswith("ingest") and "3/3" in final and "files/s" in final
    assert final.endswith("x" * 40) and "deep" not in final  # the file name, cut to 40 characters


# -- documents --------------------------------------------------------------------------------

def test_documents_listing(out) -> None:
    rows = [
        {"doc_id": "gazette-1872/ART01", "title": "Opening of the New Iron Bridge over the river Wend at last",
         "date": "1872-05-18", "language": "en", "pages": [2, 3], "n_chunks": 4,
         "source_path": "/archive/gazette/1872/mets.xml"},
        {"doc_id": "bote-1852", "title": None, "date": None, "language": None, "pages": "[1]",
         "n_chunks": 1, "source_path": None},
    ]
    reporting.print_documents(rows)
    text, _ = out()
    assert _cells(text, "│ gazette-1872/ART01") == ["gazette-1872/ART01", "Opening of the New Iron Bridge over the river Wend",  # 50 characters
                     "1872-05-18", "en", "2,3", "4", "mets.xml"]
    second = _cells(text, "│ bote-1852")
    assert second == ["bote-1852", "", "", "", "1", "1", ""]
    assert text.rstrip().endswith("2 documents")


# -- asking ---------------------------------------------------------------------------------

def _citation(n: int, newspaper: str, page: int | None) -> Citation:
    return Citation(n=n, document_id=f"doc-{n}", chunk_id=f"doc-{n}#0", title=f"Title {n}", newspaper=newspaper,
                    date="1905-06-17", page=page, language="fr", snippet=f"snippet {n}", score=0.05)


def _result(decision: str, reason: str | None, citations: list[Citation], passages: list[Citation]) -> AskResult:
    return AskResult(decision=decision, reason=reason, text="Henri Vautrin won it [1].", language="en",
                     confidence=0.834, threshold=0.7, citations=citations, passages=passages,
                     answer_span={"text": "Henri Vautrin", "n": 1, "start": 0, "end": 13})


def test_an_answer_is_printed_with_its_sources(out) -> None:
    cited = [_citation(1, "Le Courrier de Valmarbe", 2), _citation(2, "", None)]
    reporting.print_ask_result(_result("answer", None, cited, [_citation(3, "Other", 1)]))
    text, _ = out()
    assert text.splitlines()[0] == "Answer  confidence 0.83 (threshold 0.70), language en"
    assert "Henri Vautrin won it [1]." in text
    assert "sources" in text and "closest passages" not in text
    one = _cells(text, "│ 1")
    assert one == ["1", "Le Courrier de Valmarbe", "1905-06-17", "2", "fr", "snippet 1"]
    two = _cells(text, "│ 2")
    assert two[1:4] == ["Title 2", "1905-06-17", ""]  # no newspaper: its title; no page: empty
    assert "snippet 3" not in text  # the closest passages are not shown beside an answer


def test_a_refusal_shows_its_reason_and_the_closest_passages(out) -> None:
    reporting.print_ask_result(_result("refuse", "weak_evidence", [], [_citation(3, "Other", 1)]))
    text, _ = out()
    assert text.startswith("Refused (weak_evidence)  confidence 0.83 (threshold 0.70)")
    assert "closest passages" in text and "snippet 3" in text


def test_a_refusal_without_passages_prints_no_table(out) -> None:
    reporting.print_ask_result(_result("refuse", "no_evidence", [], []))
    text, _ = out()
    assert text.strip().splitlines() == [
        "Refused (no_evidence)  confidence 0.83 (threshold 0.70), language en", "Henri Vautrin won it [1]."]


def test_the_fact_is_marked_in_the_answer() -> None:
    marked = reporting._marked("Henri Vautrin won it [1].", {"text": "Vautrin"})
    assert [(s.start, s.end, str(s.style)) for s in marked.spans] == [(6, 13, "bold underline")]
    assert reporting._marked("Henri Vautrin won it [1].", {"text": "Girard"}).spans == []
    assert reporting._marked("Henri Vautrin won it [1].", None).spans == []


# -- audit --------------------------------------------------------------------------------------

def _rec(rid: str, ts: str, decision: str, confidence: float, language: str, reason: str | None = None) -> dict:
    return {"record_id": rid, "timestamp": ts, "decision": decision, "reason": reason, "language": language,
            "question": "Who won the hill climb?", "confidence": confidence, "threshold": 0.7}


RECORDS = [
    _rec("r1", "2024-05-01T10:00:00Z", "answer", 0.91, "en"),
    _rec("r2", "2024-05-01T11:00:00Z", "refuse", 0.68, "de", "weak_evidence"),
    _rec("r3", "2024-05-02T09:00:00Z", "refuse", 0.0, "en", "no_evidence"),
    _rec("r4", "2024-05-02T10:00:00Z", "answer", 0.75, "en"),
]


def test_audit_summary(out) -> None:
    reporting.print_audit_summary(summarise(RECORDS, {"r1": {"label": "correct"}}))
    text, _ = out()
    assert text.splitlines()[0] == "4 decisions: 2 answers, 2 refusals (refusal rate 50%)"
    assert "refusals by reason: no_evidence 25%, weak_evidence 25%" in text
    de = _cells(text, "│ de")
    en = _cells(text, "│ en")
    assert (de, en) == (["de", "1", "100%"], ["en", "3", "33%"])
    assert _cells(text, "│ 2024-05-02") == ["2024-05-02", "2", "50%"]
    bins = [line.split("│")[1].strip() for line in text.splitlines() if re.match(r"│ \d\.\d-\d\.\d", line)]
    assert bins == ["0.0-0.1", "0.6-0.7", "0.7-0.8", "0.9-1.0"]  # only the bins with decisions
    assert "near-threshold decisions: 1" in text  # 0.68 against 0.7
    assert "reviewer labels: correct 1" in text


def test_an_empty_audit_summary(out) -> None:
    reporting.print_audit_summary(summarise([], {}))
    text, _ = out()
    assert text.splitlines()[0] == "0 decisions: 0 answers, 0 refusals"
    assert "refusals by reason" not in text and "reviewer labels" not in text
    assert "near-threshold decisions: 0" in text


def test_audit_list(out) -> None:
    hashed = {**_rec("abcdef0123456789", "2024-05-02T09:00:00Z", "refuse", 0.123, "de", "weak_evidence"),
              "question": None}
    rows = [flat_row(r, labels) for r, labels in ((RECORDS[0], {"r1": {"label": "wrong"}}), (hashed, {}))]
    reporting.print_audit_list(rows)
    text, _ = out()
    first = _cells(text, "│ r1")
    assert first == ["r1", "2024-05-01 10:00:00", "en", "answer", "", "0.91", "wrong", "Who won the hill climb?"]
    second = _cells(text, "│ abcdef0123")
    assert second == ["abcdef0123", "2024-05-02 09:00:00", "de", "refuse", "weak_evidence", "0.12", "", "(hashed)"]
    assert text.rstrip().endswith("2 decisions")


# -- eval -------------------------------------------------------------------------------------

COLUMNS = ("n", "recall@1", "recall@5", "recall@10", "mrr", "answered_rate", "refusal_precision",
           "refusal_recall", "answer_has_fact", "answer_or_cited_has_fact", "citation_precision", "auroc",
           "auroc_fact")


def test_eval_report(out, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # thirteen columns
    overall = {c: 0.5 for c in COLUMNS} | {"n": 12, "auroc_fact": None, "not_in_index": 2,
                                          "latency": {"total": {"p50": 0.5, "p95": 1.25}}}
    kind = {c: 0.25 for c in COLUMNS} | {"n": 4, "mrr": 1 / 3}
    reporting.print_eval_report({"run_id": "run-7", "threshold": 0.7, "overall": overall,
                                 "by_kind": {"answerable": kind}})
    text, _ = out()
    assert "eval run-7 (threshold 0.7)" in text
    row = _cells(text, "│ overall")
    assert row == ["overall", "12", *["0.500"] * 11, "-"]
    row = _cells(text, "│ answerable")
    assert row[:5] == ["answerable", "4", "0.250", "0.250", "0.250"] and row[5] == "0.333"
    assert "2 questions name a document that is not in the index" in text
    assert "latency total: p50 0.500 s, p95 1.250 s" in text


def test_eval_report_without_missing_documents_or_latency(out, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    overall = {c: 0.5 for c in COLUMNS} | {"n": 3, "not_in_index": 0, "latency": {}}
    reporting.print_eval_report({"run_id": "r", "threshold": 0.5, "overall": overall, "by_kind": {}})
    text, _ = out()
    assert "not in the index" not in text and "latency" not in text
