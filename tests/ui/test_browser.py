"""The Gradio app in a real browser: Debian's Chromium driven by Playwright (never a downloaded
browser). The app runs in this process on a free loopback port over the demo archive."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import shutil
import socket
import zipfile
from datetime import datetime, timezone
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
    // language-independent: progress lines carry data-state="progress", a decision data-decision
    const answer = () => document.querySelector("#answer");
    const progress = () => !!(answer() && answer().querySelector('[data-state="progress"]'));
    let started = false;
    if (window.__answerWatch) window.__answerWatch.disconnect();
    window.__answerWatch = new MutationObserver(() => { started ||= progress(); });
    window.__answerWatch.observe(document.body, {subtree: true, childList: true, characterData: true});
    window.__answerDone = () => started && !progress() && !!answer().querySelector("[data-decision]");
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


def test_a_passage_from_a_page_image_shows_its_region_readable_and_whole(page) -> None:
    _ask(page, "Which aeroplane visited Wendmouth in May 1913?", "confidence")
    crop = page.locator("#sources img.region-crop").first
    crop.wait_for(timeout=30_000)
    natural, shown = crop.evaluate("""img => [[img.naturalWidth, img.naturalHeight],
        [img.getBoundingClientRect().width, img.getBoundingClientRect().height]]""")
    assert natural[0] > 300  # large enough to read
    assert abs(shown[0] / shown[1] - natural[0] / natural[1]) < 0.02  # scaled whole, not clipped
    assert page.locator("#sources img.page-overview").first.evaluate("img => img.naturalWidth") > 50


def test_an_unanswerable_question_is_refused_with_its_reason(page) -> None:
    text = _ask(page, "Who won the football world cup final in 1998?", "No answer")
    assert "No answer" in text and "weak_evidence" in text
    assert "Closest passages found" in page.locator("#sources").inner_text()
    page.locator("#history").evaluate("h => h.style.display = 'none'")  # the refusal alone
    page.screenshot(path=str(DOCS / "refusal.png"), full_page=True)
    page.locator("#history").evaluate("h => h.style.display = ''")


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
    page.locator("#audit-record").get_by_text("Labelled wrong").wait_for(timeout=30_000)  # the card too
    page.locator("#audit-refresh").click()
    table.locator("[data-col='6']").get_by_text("wrong").first.wait_for(timeout=30_000)
    # readable: each header on one line, the question column wide, the confidence rounded
    heights = table.locator("th .header").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert len(heights) == 8 and max(heights) < 30
    assert table.locator("[data-col='0']").first.bounding_box()["width"] > 300
    confidences = table.locator("[data-col='2']").all_inner_texts()
    assert confidences and all(re.fullmatch(r"[01]\.\d\d", c.strip()) for c in confidences)
    page.screenshot(path=str(DOCS / "audit.png"))


def test_a_clicked_row_opens_a_readable_record_card(page) -> None:
    _filter(page, "#audit-search", "railway")
    page.locator("#audit-table [data-testid=cell-0-0]").click()
    card = page.locator("#audit-record")
    card.locator("h3").get_by_text("railway between Marbethal").wait_for(timeout=30_000)
    text = card.inner_text()
    assert "Answered" in text and re.search(r"confidence \d\.\d\d · threshold \d\.\d\d", text)
    assert "15" in card.locator("mark.answer-span").first.inner_text()  # the fact, marked in its passage
    assert card.locator(".passages mark").count() > 1 and "cited" in text
    assert "✓ supported" in text and re.search(r"total \d+\.\d\d s", text)
    raw = card.locator("details pre")
    assert not raw.is_visible()  # the raw JSON is folded away
    card.screenshot(path=str(DOCS / "audit-record.png"))
    card.locator("summary").click()
    assert raw.is_visible() and '"record_id"' in raw.inner_text()


def test_search_and_dates_filter_the_table_the_plot_and_the_export(page, app_url) -> None:
    plot = page.locator("#audit-plot img")
    before = plot.get_attribute("src")
    _filter(page, "#audit-search", "football")
    status = page.locator("#audit-status")
    assert "“football”" in status.inner_text() and "in the log" in status.inner_text()
    questions = page.locator("#audit-table [data-col='0']").all_inner_texts()
    assert questions and all("football" in q for q in questions)
    page.wait_for_function("s => document.querySelector('#audit-plot img')?.src !== s", arg=before)
    page.locator("#audit-export").click()
    with page.expect_download() as download:
        page.locator("#audit-export-file a").first.click(timeout=30_000)
    today = datetime.now(timezone.utc).date().isoformat()
    assert download.value.suggested_filename == f"ragarchive-audit_football_exported-{today}.csv"
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows and all("football" in r["question"] for r in rows)
    _filter(page, "#audit-since", "2999", "No decisions match")
    _filter(page, "#audit-since", "05/2024", "is not a date")
    _filter(page, "#audit-since", datetime.now(timezone.utc).strftime("%d.%m.%Y"))
    _filter(page, "#audit-search", "", f"(of {len(_records(app_url[1]))} in the log)")


def test_the_table_is_paged_with_its_total(page, app_url) -> None:
    records = _records(app_url[1])
    older = [{**records[0], "record_id": f"{i:032x}", "timestamp": f"2020-01-01T00:{i:02d}:00.000Z"}
             for i in range(45)]  # decisions of an earlier day, enough for three pages
    (app_url[1] / "audit" / "2020-01-01.jsonl").write_text("".join(json.dumps(r) + "\n" for r in older))
    n = len(records) + 45
    _filter(page, "#audit-since", "", f"1–20 of {n}")
    page.locator("#audit-next").click()
    page.locator("#audit-status").get_by_text(f"21–40 of {n}").wait_for(timeout=30_000)
    assert page.locator("#audit-page input").input_value() == "2"
    page.locator("#audit-next").click()
    page.locator("#audit-status").get_by_text(f"41–{n} of {n}").wait_for(timeout=30_000)
    page.locator("#audit-previous").click()
    page.locator("#audit-status").get_by_text(f"21–40 of {n}").wait_for(timeout=30_000)


def test_the_audit_tab_is_usable_on_a_390_px_screen(browser, app_url) -> None:
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(app_url[0])
    phone.get_by_role("tab", name="Audit").click()
    status = phone.locator("#audit-status")
    status.get_by_text("Decisions").wait_for(timeout=30_000)
    table = phone.locator("#audit-table")
    table.locator("[data-testid=cell-0-0]").wait_for(timeout=30_000)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing off the side
    for col, least in ((0, 120), (1, 60), (2, 60)):  # question, decision, confidence
        box = table.locator(f"[data-testid=cell-0-{col}]").bounding_box()
        assert box["width"] >= least and box["x"] + box["width"] <= 390
    assert not table.locator("[data-testid=cell-0-7]").is_visible()  # the rest is on the card
    heights = table.locator("th .header").evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)")
    assert len(heights) == 3 and max(heights) < 30
    status.evaluate("e => e.scrollIntoView()")
    phone.screenshot(path=str(DOCS / "audit-390.png"))
    table.locator("[data-testid=cell-0-0]").click()
    card = phone.locator("#audit-record")
    card.locator("h3").wait_for(timeout=30_000)
    assert card.bounding_box()["width"] <= 390 and phone.evaluate("document.documentElement.scrollWidth") <= 390
    card.evaluate("e => e.scrollIntoView()")
    phone.screenshot(path=str(DOCS / "audit-390-record.png"))
    phone.close()


def test_markup_in_a_record_is_shown_as_text(page, app_url) -> None:
    hostile = '<img src=x onerror="window.__pwned=1"> ${1+1} {{value}}'
    record = {**_records(app_url[1])[-1], "record_id": "feedface" + "0" * 24, "question": hostile}
    with open(app_url[1] / "audit" / "2020-01-02.jsonl", "a") as fh:
        fh.write(json.dumps(record) + "\n")
    page.locator("#record-id textarea").fill("feedface")
    page.locator("#audit-record h3").get_by_text("{{value}}").wait_for(timeout=30_000)
    assert page.locator("#audit-record h3").inner_text() == hostile
    assert page.locator("#audit-record img").count() == 0 and not page.evaluate("window.__pwned")


def _filter(page, box: str, value: str, expect: str = "Decisions") -> None:
    """Type into a filter box and press Enter; wait for the new status line (not the old one,
    nor the timer Gradio shows in its place while the table loads)."""
    page.evaluate("() => { const s = document.querySelector('#audit-status'); s.dataset.old = s.innerText; }")
    field = page.locator(f"{box} textarea, {box} input").first
    field.fill(value)
    field.press("Enter")
    page.wait_for_function(_STATUS_DONE, arg=expect, timeout=30_000)


_STATUS_DONE = """expect => { const s = document.querySelector('#audit-status');
    return s.innerText !== s.dataset.old && !/\\d+\\.\\ds/.test(s.innerText) && s.innerText.includes(expect); }"""


def _records(data: Path) -> list[dict]:
    return [json.loads(x) for p in sorted((data / "audit").glob("????-??-??.jsonl"))
            for x in p.read_text().splitlines()]


def _latest_id(data: Path) -> str:
    return _records(data)[-1]["record_id"]


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
