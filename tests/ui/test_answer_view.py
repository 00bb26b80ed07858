"""How a source is made verifiable, without Gradio and without an archive: the citation to copy,
the answer's sentences found in the passage, the rest of the article, the page region (scaled
from ALTO units onto the page image), and every text in the question's language."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from mets_page import IMAGE, PAGE, SCALE, write_issue  # tests/ui is on sys.path (no __init__.py)
from ragarchive.prompts import load_messages
from ragarchive.results import Citation
from ragarchive.ui import page_regions
from ragarchive.ui.answer_view import REASON_WORDS, sources_html
from ragarchive.ui.citation_view import (Catalogue, answer_sentence_spans, citation_text, copy_block,
                                         join_chunks, marked, page_region, rest_of_article)
from ragarchive.ui.i18n import language_choices, text

PASSAGE = ('Inauguration du chemin de fer\nLe mardi 15 septembre a eu lieu l\'inauguration de la '
           'ligne. Le train "inaugural" est\nentré en gare à dix heures. La musique jouait.')


def _citation(**changes) -> Citation:
    fields = dict(n=1, document_id="courrier-1868-09-17/ART01", chunk_id="c1", title="Inauguration",
                  newspaper="Le Courrier de Valmarbe", date="1868-09-17", page=1, language="fr",
                  snippet="…", score=0.5, chunk_ids=["c1"], text=PASSAGE)
    return Citation(**{**fields, **changes})


def test_every_language_has_every_text_with_the_same_placeholders() -> None:
    messages = load_messages("ui.md")
    assert set(messages) == {"en", "de", "fr"}
    for lang, table in messages.items():
        assert table.keys() == messages["en"].keys(), lang
        for key, value in table.items():
            assert set(re.findall(r"\{\w+\}", value)) == set(re.findall(r"\{\w+\}", messages["en"][key])), (lang, key)
    assert text("answer", "it") == "Answer"  # a language the app does not speak: English
    assert text("page", "de", page=3) == "S. 3"
    assert REASON_WORDS["weak_evidence"] == "the evidence found is too weak to answer reliably"
    assert language_choices("fr") == [("toutes les langues", ""), ("allemand (de)", "de"),
                                      ("français (fr)", "fr"), ("anglais (en)", "en")]


def test_a_citation_names_newspaper_date_page_and_where_it_is_kept() -> None:
    c = _citation()
    assert citation_text(c, "en", "demo (3f9c2a1b)") == (
        'Le Courrier de Valmarbe, 1868-09-17, p. 1, "Inauguration". '
        "Archive demo (3f9c2a1b), document courrier-1868-09-17/ART01.")
    assert citation_text(c, "de", "demo") == (
        "Le Courrier de Valmarbe, 1868-09-17, S. 1, „Inauguration“. Archiv demo, Dokument "
        "courrier-1868-09-17/ART01.")
    untitled = _citation(newspaper="", title="", page=None, date="", source_path="/scans/p0001.xml")
    assert citation_text(untitled, "fr", "demo") == (
        "p0001.xml. Archives demo, document courrier-1868-09-17/ART01.")
    button = copy_block('A "quoted" <title>', "en")
    assert 'data-citation="A &quot;quoted&quot; &lt;title&gt;"' in button
    assert '<span class="citation-text">A &quot;quoted&quot; &lt;title&gt;</span>' in button


def test_the_answers_sentences_are_found_in_the_passage() -> None:
    # the extractive answer quotes with ' for the passage's " and on one line
    answer = ('15 septembre [1]. Selon Le Courrier (1868-09-17, p. 1): "Le train \'inaugural\' est '
              'entré en gare à dix heures." [1] Other [2].')
    fact, quote = answer_sentence_spans(PASSAGE, answer, 1)
    assert PASSAGE[slice(*quote)] == 'Le train "inaugural" est\nentré en gare à dix heures.'
    # the leading fact quotes nothing: the passage sentence that shares its words
    assert "Le mardi 15 septembre a eu lieu" in PASSAGE[slice(*fact)]
    assert answer_sentence_spans(PASSAGE, answer, 2) == []  # [2] cites no sentence of it
    # a sentence that quotes nothing: the passage sentence sharing most of its words
    [(a, b)] = answer_sentence_spans(PASSAGE, "La musique jouait alors [1].", 1)
    assert PASSAGE[a:b] == "La musique jouait."


def test_marks_nest_and_everything_is_escaped() -> None:
    html = marked("a <b> fact here.", [(0, 16, "answer-sentence"), (2, 5, "answer-span")])
    assert html == ('<mark class="answer-sentence">a </mark><mark class="answer-sentence answer-span">'
                    '&lt;b&gt;</mark><mark class="answer-sentence"> fact here.</mark>')


def test_the_rest_of_the_article_is_its_other_chunks_in_order() -> None:
    chunks = ["First part. Overlap one.", "Overlap one. The cited part.", "The cited part. Last part."]
    assert join_chunks(chunks) == "First part. Overlap one. The cited part. Last part."
    catalogue = Catalogue("demo", lambda doc: chunks, lambda ids: [chunks[1]])
    html = rest_of_article(_citation(n=2, text=chunks[1]), "en", catalogue)
    assert "The rest of the article (2 more passages)" in html
    assert html.index("First part.") < html.index("[2] …") < html.index("Last part.")
    whole = Catalogue("demo", lambda doc: chunks, lambda ids: chunks)
    assert rest_of_article(_citation(), "en", whole) == ""  # the passage is the whole article


@pytest.fixture(scope="module")
def issue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_issue(tmp_path_factory.mktemp("issue"))


def test_alto_boxes_in_mm10_are_scaled_onto_the_page_image(issue: Path) -> None:
    [(page, image)] = page_regions.page_images(str(issue)).items()
    assert page == 1 and image.path.name.endswith("-p001.png") and image.box_space == PAGE
    box = (152.0, 1000.0, 1795.0, 300.0)  # mm10
    [scaled] = page_regions.scaled_boxes([box], IMAGE, image.box_space)
    assert scaled == pytest.approx(tuple(v * SCALE for v in box), rel=1e-3)
    # the last paragraph: its mm10 box read as pixels would miss the words (below them)
    alto = (issue.parent / "alto" / issue.name.replace("-mets.xml", "-p001.xml")).read_text()
    block, *box = re.findall(r'<TextBlock ID="(\w+)" HPOS="(\d+)" VPOS="(\d+)" WIDTH="(\d+)" '
                             r'HEIGHT="(\d+)"', alto)[-1]
    hpos, vpos, width, height = map(int, box)
    c = _citation(source_path=str(issue), regions=[{"page": 1, "box": [hpos, vpos, width, height],
                                                    "block_id": block}])
    [region] = page_regions.passage_regions(c)
    assert region.crop.startswith("data:image/jpeg;base64,") and region.overview
    from PIL import Image

    with Image.open(issue.parent / "images" / f"{issue.name[:-9]}-p001.png") as img:
        def darkest(scale: float) -> int:
            x0, y0, x1, y1 = (round(v * scale) for v in (hpos, vpos, hpos + width, vpos + height))
            return img.crop((x0, y0, min(x1, img.width), min(y1, img.height))).getextrema()[0]

        assert darkest(SCALE) < 100  # scaled, the box holds the paragraph's words
        assert vpos >= img.height or darkest(1.0) == 255  # unscaled: off the page, or blank paper
    html = page_region(c, "de", opened=True)
    assert '<details class="page-region" open><summary>Auf der Seite</summary>' in html
    assert 'class="region-crop"' in html and "Seite 1: die Blöcke der Stelle umrandet" in html


def test_boxes_converted_at_ingest_are_in_the_mix_image_size(tmp_path: Path) -> None:
    alto = tmp_path / "p.xml"
    alto.write_text('<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#"><Description>'
                    "<MeasurementUnit>inch1200</MeasurementUnit></Description><Layout>"
                    '<Page WIDTH="9920" HEIGHT="14032"/></Layout></alto>')
    assert page_regions._box_space(alto, (2480, 3508)) == (2480, 3508)  # ingest made them pixels
    assert page_regions._box_space(alto, None) == (9920, 14032)  # still inch1200
    alto.write_text(alto.read_text().replace("inch1200", "pixel"))
    assert page_regions._box_space(alto, (1240, 1754)) == (9920, 14032)  # a scan of another size


def test_an_issue_without_page_images_shows_its_blocks_boxes(demo_data_dir: Path) -> None:
    mets = next((demo_data_dir.parent / "demo-archive").rglob("*-mets.xml"))
    c = _citation(source_path=str(mets), regions=[{"page": 2, "box": [80, 529, 540, 518], "block_id": "P2_TB4"}])
    assert page_regions.page_images(str(mets)) == {}
    html = page_region(c, "en", opened=False)
    assert "<img" not in html and "page 2, block P2_TB4 (x 80, y 529, 540×518) (no page image" in html


def test_sources_show_the_whole_passage_with_the_answers_sentence_and_fact() -> None:
    c = _citation()
    answer = 'mardi 15 septembre [1]. Selon Le Courrier (1868-09-17, p. 1): "Le mardi 15 septembre a eu lieu" [1]'
    start = PASSAGE.index("mardi")
    result = SimpleNamespace(decision="answer", language="en", citations=[c], passages=[c], retrieval=None,
                             text=answer, answer_span={"n": 1, "start": start, "end": start + 18})
    html = sources_html(result, Catalogue("demo (3f9c2a1b)"), turn="2")
    assert '<li class="source" id="source-2-1" data-n="1">' in html
    assert "Le Courrier de Valmarbe · 1868-09-17 · p. 1 · fr" in html
    assert '<details class="full-passage"><summary>Full passage</summary>' in html
    assert ('<mark class="answer-sentence">Le </mark><mark class="answer-sentence answer-span">'
            "mardi 15 septembre</mark>") in html
    assert "Archive demo (3f9c2a1b), document courrier-1868-09-17/ART01." in html
