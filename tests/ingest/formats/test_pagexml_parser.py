"""PAGE XML (2013 and 2019): regions, reading order, lines, words, coords and confidences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragarchive.errors import ParseError
from ragarchive.ingest.discover import SourceFile
from ragarchive.ingest.formats import parse

PAGE = Path(__file__).parent / "fixtures" / "pagexml"


def test_transkribus_2013_words_reading_order_and_coords() -> None:
    result = parse(SourceFile(PAGE / "transkribus_2013.xml", "pagexml"))
    assert result.warnings == []
    [doc] = result.documents
    assert doc.doc_id == "transkribus_2013"
    assert doc.pages == [12]  # "2013" in the name is no page number; imageFilename 0012.jpg is
    assert doc.language == "de"  # primaryLanguage="German"
    assert doc.meta["creator"] == "Transkribus" and doc.meta["image"] == "0012.jpg"
    # Reading order puts r_head first; the empty region is dropped.
    assert [b.block_id for b in doc.blocks] == ["r_head", "r_body"]
    assert doc.raw_text == "Neueste Nachrichten\n\nDer Landtag versammelt sich\nam Montag."
    head = doc.blocks[0]
    assert head.box == (300, 180, 610, 130)  # bounding box of the polygon
    w1, w2 = head.lines[0].words
    assert (w1.text, w1.conf, w1.box) == ("Neueste", 0.95, (300, 200, 260, 100))
    assert (w2.text, w2.conf) == ("Nachrichten", 0.74)
    # A line without Word elements is split; each word takes the line's confidence.
    body_words = doc.blocks[1].lines[0].words
    assert [w.text for w in body_words] == ["Der", "Landtag", "versammelt", "sich"]
    assert [w.conf for w in body_words] == [0.82] * 4


def test_escriptorium_2019_lines_only() -> None:
    [doc] = parse(SourceFile(PAGE / "escriptorium_2019.xml", "pagexml")).documents
    assert doc.meta["page_namespace"].endswith("2019-07-15")
    assert doc.raw_text == "Séance du 4 mars.\nLa Chambre adopte le budget."
    assert doc.pages == [4]  # from imageFilename journal_p0004.png
    assert doc.blocks[0].box == (50, 50, 900, 200) and doc.blocks[0].page == 4
    assert doc.language is None


def test_page_2010_point_children(tmp_path: Path) -> None:
    path = tmp_path / "old.xml"
    path.write_text(
        '<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2010-03-19">'
        '<Page imageFilename="a.tif"><TextRegion id="r1"><Coords><Point x="10" y="20"/>'
        '<Point x="110" y="20"/><Point x="110" y="70"/></Coords>'
        "<TextEquiv><Unicode>Ganze Region\nzweite Zeile</Unicode></TextEquiv>"
        "</TextRegion></Page></PcGts>"
    )
    [doc] = parse(SourceFile(path, "pagexml")).documents
    assert doc.blocks[0].box == (10, 20, 100, 50)
    assert doc.raw_text == "Ganze Region\nzweite Zeile"


def test_not_page_root(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("<alto/>")
    with pytest.raises(ParseError, match="PcGts"):
        parse(SourceFile(path, "pagexml"))
