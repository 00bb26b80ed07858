"""The Gradio app in a real browser: Debian's Chromium driven by Playwright (never a downloaded
browser). The app runs in this process on a free loopback port over the demo archive."""

from __future__ import annotations

import json
import re
import shutil
import socket
import zipfile
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    from ragarchive.config import load_settings
    from ragarchive.ui.app import launch

    data = tmp_path_factory.mktemp("ui") / "data"
    shutil.copytree(demo_data_dir, data)  # its own audit log and uploads
    shutil.rmtree(data / "audit", ignore_errors=True)
    port = _free_port()
    settings = load_settings(data_dir=data, archive="demo", ui={"port": port})
    app = launch(settings, block=False)
    yield f"http://127.0.0.1:{port}", data
    app.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


OUTSIDE: list[str] = []  # every request the browser made to a non-loopback address


@pytest.fixture(scope="module")
def page(browser, app_url):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.on("request", _record_outside)
    page.goto(app_url[0])
    return page


def _record_outside(request) -> None:
    from urllib.parse import urlparse

    host = urlparse(request.url).hostname
    if request.url.startswith(("http://", "https://", "ws://", "wss://")) and host not in ("127.0.0.1", "localhost"):
        OUTSIDE.append(request.url)


def _ask(page, question: str, expect: str) -> str:
    """Ask, and return the final answer or refusal: not a progress line ("Drafting an answer…"
    also contains "answer"), and not the previous question's answer, which stays on screen until
    the first progress line replaces it (a watcher sees that line however briefly it shows)."""
    page.locator("#question textarea").fill(question)
    page.evaluate(_WATCH_ANSWER)
    page.locator("#ask").click()
    page.wait_for_function("() => window.__answerDone && window.__answerDone()", timeout=60_000)
    page.locator("#answer").get_by_text(expect).first.wait_for(timeout=10_000)
    return page.locator("#answer").inner_text()


_WATCH_ANSWER = """() => {
    const text = () => (document.querySelector("#answer") || {innerText: ""}).innerText;
    let started = false;
    const progress = t => t.includes("Searching the archive") || t.includes("Drafting an answer");
    if (window.__answerWatch) window.__answerWatch.disconnect();
    window.__answerWatch = new MutationObserver(() => { started ||= progress(text()); });
    window.__answerWatch.observe(document.body, {subtree: true, childList: true, characterData: true});
    window.__answerDone = () => started && !progress(text()) && text().includes("threshold");
}"""


def test_a_question_gets_an_answer_with_citations_and_sources(page) -> None:
    text = _ask(page, "When was the railway between Marbethal and Valmarbe opened?", "Answer")
    assert "[1]" in text or "[2]" in text
    sources = page.locator("#sources")
    assert "Sources" in sources.inner_text()
    assert sources.locator("mark").count() > 0  # matched words highlighted
    fact = sources.locator("mark.answer-span").first  # the answer's fact, marked in its passage
    assert "15" in fact.inner_text() and fact.inner_text() in text
    assert "1868" in sources.inner_text()
    assert "OCR confidence" in sources.inner_text()  # METS/ALTO evidence carries word confidences
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / "chat.png"), full_page=True)


def test_a_passage_from_a_page_image_shows_its_region(page) -> None:
    _ask(page, "Which aeroplane visited Wendmouth in May 1913?", "confidence")
    crop = page.locator("#crops img").first
    crop.wait_for(timeout=30_000)
    assert crop.evaluate("img => img.naturalWidth") > 50


def test_an_unanswerable_question_is_refused_with_its_reason(page) -> None:
    text = _ask(page, "Who won the football world cup final in 1998?", "No answer")
    assert "No answer" in text and "weak_evidence" in text
    assert "Closest passages found" in page.locator("#sources").inner_text()
    page.screenshot(path=str(DOCS / "refusal.png"), full_page=True)


def test_the_audit_tab_lists_both_decisions_and_labels_one(page, app_url) -> None:
    page.get_by_role("tab", name="Audit").click()
    page.locator("#audit-refresh").click()
    table = page.locator("#audit-table")
    table.get_by_text("football world cup").first.wait_for(timeout=30_000)
    assert "railway between Marbethal" in table.inner_text()
    page.locator("#record-id textarea").fill(_latest_id(app_url[1]))
    page.locator("#label-wrong").click()
    page.locator("#label-msg").get_by_text("Labelled").wait_for(timeout=30_000)
    labels = (app_url[1] / "audit" / "labels.jsonl").read_text().splitlines()
    assert json.loads(labels[-1])["label"] == "wrong"
    page.screenshot(path=str(DOCS / "audit.png"))


def _latest_id(data: Path) -> str:
    lines = [json.loads(x) for p in sorted((data / "audit").glob("????-??-??.jsonl"))
             for x in p.read_text().splitlines()]
    return lines[-1]["record_id"]


def test_uploading_a_batch_shows_its_progress_then_its_report(page, upload_batch: Path) -> None:
    from playwright.sync_api import expect

    batch = upload_batch
    with zipfile.ZipFile(batch, "a") as zf:
        zf.writestr("scan.pdf", b"%PDF-1.4")
        for i in range(40):  # enough work that the progress is seen even with a warm embedder
            zf.writestr(f"more/letter{i:02}.txt", f"Brief Nummer {i} aus Marbethal über den Bau der Schule. " * 40)
    page.get_by_role("tab", name="Ingest").click()
    assert "METS" in page.locator("#ingest-formats").inner_text()  # the supported formats are listed
    page.locator("#uploads input[type=file]").set_input_files(str(batch))
    page.locator("#uploads").get_by_text(batch.name).wait_for(timeout=30_000)  # the upload is done
    button, report = page.locator("#ingest"), page.locator("#ingest-report")
    page.evaluate(_WATCH_INGEST)  # records every state, however fast the ingest runs
    button.click()
    report.get_by_text("Ingested").wait_for(timeout=120_000)
    expect(button).to_be_enabled(timeout=30_000)
    seen = page.evaluate("window.__ingestSeen")
    assert seen["disabled"]  # no second click while it runs
    assert any(re.match(r"\d+ of \d+ files", label) for label in seen["progress"])
    assert any("document 1 of 1" in label for label in seen["progress"])  # within a file, too
    assert seen["height"] >= 20  # the progress has a box to be seen in, not 0 px
    text = report.inner_text()
    assert "Ingested 41" in text and "failed 1" in text and "skipped 1" in text
    assert "broken.xml" in text and "scan.pdf — unsupported file type .pdf" in text
    page.screenshot(path=str(DOCS / "ingest.png"), full_page=True)


_WATCH_INGEST = """() => {
    const seen = window.__ingestSeen = {disabled: false, progress: [], height: 0};
    const look = () => {
        seen.disabled ||= document.querySelector("#ingest").disabled;
        const bar = document.querySelector("#ingest-report [role=progressbar]");
        if (bar) {
            seen.progress.push(bar.getAttribute("aria-label"));
            const box = document.querySelector("#ingest-report [data-testid=status-tracker]");
            seen.height = Math.max(seen.height, box.getBoundingClientRect().height);
        }
    };
    new MutationObserver(look).observe(document.body, {subtree: true, childList: true,
                                                       attributes: true, characterData: true});
}"""


def test_zip_members_that_escape_the_upload_folder_are_refused(tmp_path: Path) -> None:
    from ragarchive.errors import RagArchiveError
    from ragarchive.ui.ingest_tab import stage_uploads

    for name in ("../evil.txt", "/etc/evil.txt", "a/../../evil.txt"):
        bad = tmp_path / "bad.zip"
        with zipfile.ZipFile(bad, "w") as zf:
            zf.writestr(name, "x")
        with pytest.raises(RagArchiveError, match="outside"):
            stage_uploads([bad], tmp_path / "data")
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as zf:
        info = zipfile.ZipInfo("innocent")
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(RagArchiveError):
        stage_uploads([link], tmp_path / "data")
    assert not (tmp_path / "evil.txt").exists()


def test_with_authentication_the_audit_records_the_user(browser, demo_data_dir: Path, tmp_path: Path) -> None:
    from ragarchive.config import load_settings
    from ragarchive.ui.app import launch

    data = tmp_path / "data"
    shutil.copytree(demo_data_dir, data)
    shutil.rmtree(data / "audit", ignore_errors=True)
    port = _free_port()
    settings = load_settings(data_dir=data, archive="demo",
                             ui={"port": port, "auth_user": "ana", "auth_password": "s3cret"})
    app = launch(settings, block=False)
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}")
        page.locator("input[type=text]").first.fill("ana")
        page.locator("input[type=password]").first.fill("s3cret")
        page.locator("button").filter(has_text="Login").first.click()
        page.locator("#question textarea").wait_for(timeout=30_000)
        _ask(page, "Who won the football world cup final in 1998?", "No answer")
        page.close()
    finally:
        app.close()
    records = [json.loads(x) for f in (data / "audit").glob("????-??-??.jsonl") for x in f.read_text().splitlines()]
    assert [r["user"] for r in records] == ["ana"]


def test_two_users_at_once_each_see_only_their_own_answer(browser, app_url) -> None:
    pages = [browser.new_page() for _ in range(2)]
    for p in pages:
        p.goto(app_url[0])
    asks = [("When was the railway between Marbethal and Valmarbe opened?", "Answer"),
            ("Who won the football world cup final in 1998?", "No answer")]
    for p, (question, _) in zip(pages, asks):
        p.locator("#question textarea").fill(question)
    for p in pages:  # both questions are in the queue at the same time
        p.locator("#ask").click()
    for p, (_, expect) in zip(pages, asks):
        p.locator("#answer").get_by_text(expect).first.wait_for(timeout=60_000)
    assert "No answer" not in pages[0].locator("#answer").inner_text()
    first, second = (pg.locator("#answer").inner_text().lower() for pg in pages)
    assert "15 septembre" in first or "15. september" in first
    assert "15 septembre" not in second and "15. september" not in second
    for p in pages:
        p.close()


def test_no_request_left_the_machine(page) -> None:
    assert OUTSIDE == []
