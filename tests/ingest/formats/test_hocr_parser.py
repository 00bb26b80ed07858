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
