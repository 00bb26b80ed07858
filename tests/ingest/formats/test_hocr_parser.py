"""hOCR as tesseract writes it: pages, paragraphs, lines, words, bbox and x_wconf."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragarchive.errors import ParseError
from ragarchive.ingest.discover import SourceFile
from ragarchive.ingest.formats import parse

HOCR = Path(__file__).parent / "fixtures" / "hocr" / "tesseract_page.hocr"


def test_tesseract_hocr_page() -> None:
    result = parse(SourceFile(HOCR, "hocr"))
    assert result.warnings == []
    [doc] = result.documents
    assert doc.doc_id == "tesseract_page"
    assert doc.pages == [7]  # ppageno 6 is zero-based
    assert doc.meta["ocr_system"] == "tesseract 5.3.0"
    assert doc.meta["image"] == "scan-0007.png"
    assert doc.meta["ocr_languages"] == {"deu": 8, "fra": 3}
    # ocr_par -> blocks; the ocr_header line counts as a line; the blank word is dropped.
    assert [b.block_id for b in doc.blocks] == ["par_1_1", "par_1_2", "par_1_3"]
    assert doc.raw_text == ("Amtliche Nachrichten.\n\nDie Gemeinde beschloß\ngestern den Bau."
                            "\n\nLe conseil décide.")
    block = doc.blocks[1]
    assert block.page == 7 and block.box == (40, 100, 1060, 100)
    first = doc.blocks[0].lines[0].words[0]
    assert first.text == "Amtliche"  # text inside <strong>
    assert first.box == (40, 30, 260, 40) and first.conf == pytest.approx(0.93)
    confs = [w.conf for b in doc.blocks for ln in b.lines for w in ln.words]
    assert confs[4] == pytest.approx(0.45) and 0.0 in confs and 1.0 in confs


def test_html_hocr_with_html_entities_falls_back_to_html_parser(tmp_path: Path) -> None:
    path = tmp_path / "page_0002.html"
    path.write_text(
        "<html><body><div class='ocr_page' title='bbox 0 0 100 100'>"
        "<p class='ocr_par'><span class='ocr_line' title='bbox 0 0 100 10'>"
        "<span class='ocrx_word' title='bbox 0 0 40 10; x_wconf 80'>Caf&eacute;</span>&nbsp;"
        "<span class='ocrx_word' title='bbox 50 0 90 10'>noir<br></span></span></p></div>"
        "</body></html>"
    )
    [doc] = parse(SourceFile(path, "hocr")).documents
    assert doc.raw_text == "Café noir"
    assert doc.pages == [2]  # no ppageno: from the file name
    assert doc.blocks[0].lines[0].words[1].conf is None


def test_multi_page_hocr(tmp_path: Path) -> None:
    page = ("<div class='ocr_page' title='bbox 0 0 10 10; ppageno {n}'><span class='ocr_line'>"
            "<span class='ocrx_word' title='bbox 0 0 5 5; x_wconf 90'>w{n}</span></span></div>")
    path = tmp_path / "book.hocr"
    path.write_text("<html><body>" + page.format(n=0) + page.format(n=1) + "</body></html>")
    docs = parse(SourceFile(path, "hocr")).documents
    assert [(d.doc_id, d.pages, d.raw_text) for d in docs] == [
        ("book#p1", [1], "w0"), ("book#p2", [2], "w1")]


def test_html_without_ocr_page_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "x.hocr"
    path.write_text("<html><body><p>hello</p></body></html>")
    with pytest.raises(ParseError, match="no ocr_page"):
        parse(SourceFile(path, "hocr"))


def test_hocr_json_sidecar_gives_metadata_and_id(tmp_path: Path) -> None:
    from ragarchive.ingest.discover import discover
    from ragarchive.ingest.formats import parse

    page = tmp_path / "page.hocr"
    page.write_bytes(HOCR.read_bytes())
    (tmp_path / "page.json").write_text(json.dumps(
        {"id": "bote-1876-03-14-p1", "title": "Hochwasser", "date": "1876-03-14",
         "language": "de", "newspaper": "Der Bote", "date_bad": 1}))
    sources, skipped = discover([tmp_path])
    assert skipped == [] and [s.kind for s in sources] == ["hocr"]
    assert sources[0].related == (tmp_path / "page.json",)
    [doc] = parse(sources[0]).documents
    assert (doc.doc_id, doc.title, doc.date, doc.language, doc.newspaper) == (
        "bote-1876-03-14-p1", "Hochwasser", "1876-03-14", "de", "Der Bote")


OCROPY = Path(__file__).parent / "fixtures" / "hocr" / "ocropy_bare_lines.html"


def test_lines_outside_any_ocr_par_are_kept_in_reading_order() -> None:
    """ocropy/kraken put headings and first paragraphs as bare ``ocr_line``s under the page or an
    ``ocr_carea``: each run of them becomes a block of its own, in document order."""
    result = parse(SourceFile(OCROPY, "hocr"))
    assert result.warnings == []
    [doc] = result.documents
    assert doc.pages == [4] and doc.meta["ocr_system"] == "ocropy"
    assert doc.raw_text == (
        "Kölnische Zeitung.\n\nDer erste Absatz steht\nohne Paragraphen da.\n\nZweiter Absatz."
        "\n\nEin Nachsatz im Bereich.\n\nSpalte zwei.\n\nSchluß."
    )
    # A run that is only part of its container is named by its first line and boxed by its
    # words; a container whose lines are all bare (carea_2) is the block itself.
    assert [b.block_id for b in doc.blocks] == [
        "line_1", "line_2", "par_1", "line_5", "carea_2", "line_7"]
    assert doc.blocks[4].box == (100, 800, 800, 100)
    assert all(b.page == 4 for b in doc.blocks)
    words = sum(len(ln.words) for b in doc.blocks for ln in b.lines)
    assert words == 2 + 4 + 3 + 2 + 4 + 2 + 1


def test_bare_lines_under_the_page_beside_areas_without_paragraphs(tmp_path: Path) -> None:
    """No ``ocr_par`` anywhere: areas are the blocks, and a heading line under the page is one too."""
    line = "<span class='ocr_line' id='{id}' title='bbox 0 {y} 100 {h}'>{text}</span>"
    path = tmp_path / "kraken.hocr"
    path.write_text(
        "<html><body><div class='ocr_page' id='p' title='bbox 0 0 100 100'>"
        + line.format(id="l1", y=0, h=10, text="Titel")
        + "<div class='ocr_carea' id='a1' title='bbox 0 20 100 60'>"
        + line.format(id="l2", y=20, h=30, text="erste Zeile")
        + line.format(id="l3", y=40, h=50, text="zweite Zeile") + "</div>"
        + line.format(id="l4", y=70, h=80, text="Fußzeile") + "</div></body></html>"
    )
    [doc] = parse(SourceFile(path, "hocr")).documents
    assert [(b.block_id, b.text) for b in doc.blocks] == [
        ("l1", "Titel"), ("a1", "erste Zeile\nzweite Zeile"), ("l4", "Fußzeile")]
    assert doc.blocks[0].box == (0, 0, 100, 10)
