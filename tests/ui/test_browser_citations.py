"""The Ask tab's verifiable citations, language and history in a real browser (Debian's Chromium
through Playwright), on the demo archive plus one METS/ALTO issue that ships its page image
(tests/ui/mets_page.py: ALTO in mm10 units, the image at another scale).

The issue is chunked small (400 characters) and the app takes the top 10 fused chunks rather
than 30: in an archive this small every chunk of the article would otherwise be among the hits
and the passage would be the whole article, leaving no "rest of the article" to show — as it
happens in a real archive of thousands of articles.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import test_browser  # tests/ui is on sys.path (no __init__.py)
from mets_page import write_issue
from test_browser import DOCS, OUTSIDE, _ask, _free_port, _record_outside

pytestmark = test_browser.pytestmark  # slow; skipped without Debian's chromium
browser = test_browser.browser  # the same module-scoped Chromium fixture

BRIDGE = "Wer hat die Kettenbrücke bei Falkenau erbaut?"


@pytest.fixture(scope="module")
def app_url(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    from ragarchive.config import load_settings
    from ragarchive.services import build_ingestor
    from ragarchive.ui.app import launch

    root = tmp_path_factory.mktemp("citations")
    data = root / "data"
    shutil.copytree(demo_data_dir, data)
    shutil.rmtree(data / "audit", ignore_errors=True)
    issue = write_issue(root / "issue")
    ingestor = build_ingestor(load_settings(data_dir=data, archive="demo",
                                            chunking={"size": 400, "overlap": 60}))
    report = ingestor.run([issue.parent])
    ingestor.db.close()
    assert report.ok
    port = _free_port()
    settings = load_settings(data_dir=data, archive="demo", ui={"port": port},
                             retrieval={"per_list": 10})
    app = launch(settings, block=False)
    yield f"http://127.0.0.1:{port}"
    app.close()


@pytest.fixture
def page(browser, app_url):
    """A new session, allowed to use the clipboard (the "copy citation" button)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000},
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.on("request", _record_outside)
    page.goto(app_url)
    yield page
    context.close()


def test_a_source_shows_its_passage_article_page_region_and_citation(page) -> None:
    answer = _ask(page, BRIDGE, "Antwort")
    assert "Karl Weidinger" in answer
    source = page.locator("#sources li.source").first
    assert "Falkenauer Wochenblatt · 1887-05-14 · S. 1 · de" in source.locator(".source-head").inner_text()
    # the whole passage on demand, the answer's sentences marked in it
    passage = source.locator("details.full-passage .passage")
    assert not passage.is_visible()
    source.locator("details.full-passage summary").click()
    marked = " ".join(" ".join(passage.locator("mark.answer-sentence").all_inner_texts()).split())
    assert "Erbaut hat sie der Baumeister Karl Weidinger aus Lindach" in marked
    assert passage.locator("mark.answer-span").inner_text() == "Baumeister Karl Weidinger"
    # the article's other chunks
    rest = source.locator("details.rest-of-article")
    assert re.fullmatch(r"Der Rest des Artikels \(\d+ weitere Abschnitte\)", rest.locator("summary").inner_text())
    rest.locator("summary").click()
    assert "Brückenwärter" in rest.inner_text() and "Brückenwärter" not in passage.inner_text()
    # the ALTO blocks outlined on the page image, and the region cut out readable and whole
    overview, crop = (source.locator(f"details.page-region img.{kind}") for kind in ("page-overview", "region-crop"))
    assert overview.is_visible() and overview.evaluate("img => img.naturalWidth") == 420
    natural, shown = crop.evaluate("""img => [[img.naturalWidth, img.naturalHeight],
        [img.getBoundingClientRect().width, img.getBoundingClientRect().height]]""")
    assert natural[0] >= 600 and abs(shown[0] / shown[1] - natural[0] / natural[1]) < 0.02
    # a citation in a standard form, shown to select and copied by the button
    citation = source.locator(".citation-text").inner_text()
    assert re.fullmatch(r"Falkenauer Wochenblatt, 1887-05-14, S\. 1, „Die neue Kettenbrücke bei "
                        r"Falkenau“\. Archiv demo \([0-9a-f]{8}\), Dokument "
                        r"falkenauer-wochenblatt-1887-05-14/ART1\.", citation)
    button = source.locator("button.copy-citation")
    assert button.inner_text() == "Quellenangabe kopieren"
    button.click()
    assert page.evaluate("navigator.clipboard.readText()") == citation
    assert button.inner_text() == "Kopiert"
    assert page.locator("#answer a.citation").first.get_attribute("href") == "#source-1-1"
    page.screenshot(path=str(DOCS / "citation.png"), full_page=True)


def test_the_session_keeps_its_answers_in_the_questions_language(page) -> None:
    answer = _ask(page, "Wann wurde die Eisenbahn nach Valmarbe eröffnet?", "Antwort")
    assert "Konfidenz" in answer and "Schwelle" in answer
    assert page.locator("#sources h4").inner_text() == "Quellen"
    page.locator("#question").get_by_text("Frage", exact=True).wait_for(timeout=10_000)  # relabelled
    assert page.locator("#ask").inner_text() == "Fragen"
    assert page.locator("#evidence-language").get_by_text("Sprache der Belege").count() == 1
    assert page.locator("#evidence-language input").input_value() == "alle Sprachen"
    refusal = _ask(page, "Qui a remporté la coupe du monde en 1998 ?", "Pas de réponse")
    assert "les éléments trouvés sont trop faibles" in refusal and "weak_evidence" in refusal
    history = page.locator("#history")
    assert history.locator("h4").first.inner_text() == "Plus tôt dans cette session"
    earlier = history.locator(".turn").first
    assert "Wann wurde die Eisenbahn" in earlier.inner_text() and "Antwort" in earlier.inner_text()
    assert earlier.locator("li.source").count() >= 1  # with its sources
    page.locator("#ask").get_by_text("Demander").wait_for(timeout=10_000)
    page.locator("#evidence-language input").click()  # the labelled "any language" choice
    assert page.get_by_role("option", name="toutes les langues").count() == 1
    page.keyboard.press("Escape")
    page.screenshot(path=str(DOCS / "history.png"), full_page=True)


def test_the_api_endpoint_answers_with_its_decision(app_url) -> None:
    from gradio_client import Client

    from ragarchive.ui.answer_view import decision_of

    client = Client(app_url, verbose=False, analytics_enabled=False, download_files=False)
    try:
        answer, sources, earlier = client.predict(BRIDGE, "", "", "", "", "extractive", api_name="/ask")
        refusal, _, earlier = client.predict("Who won the football world cup final in 1998?",
                                             "", "", "", "", "extractive", api_name="/ask")
    finally:
        client.close()
    assert decision_of(answer) == ("answer", None) and "Karl Weidinger" in answer
    assert "Falkenauer Wochenblatt" in sources
    assert decision_of(refusal) == ("refuse", "weak_evidence")


def test_no_request_left_the_machine() -> None:
    assert OUTSIDE == []
