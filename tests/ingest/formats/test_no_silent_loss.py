"""Issue 16, "no silent loss": text in unusual places of PAGE, hOCR and ALTO files is read (every
line in a block, in reading order), or a warning names what was left out.

The fixtures in ``fixtures/odd_layout`` are the structures the conformance benchmark found
dropped; the inline files cover the other places a parser could skip text.
"""

from __future__ import annotations

from pathlib import Path

from ragarchive.ingest.discover import SourceFile
from ragarchive.ingest.formats import parse
from ragarchive.ingest.formats.alto import read_alto
from ragarchive.types import Document

ODD = Path(__file__).parent / "fixtures" / "odd_layout"
PAGE_NS = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"


def texts(doc: Document) -> list[tuple[str | None, str]]:
    return [(b.block_id, b.text) for b in doc.blocks]


def one_doc(path: Path, kind: str) -> tuple[Document, list[str]]:
    result = parse(SourceFile(path, kind))
    [doc] = result.documents
    return doc, result.warnings


# --- PAGE ----------------------------------------------------------------------------------------


def test_transkribus_table_cells_are_read_where_the_reading_order_puts_their_table() -> None:
    doc, warnings = one_doc(ODD / "transkribus_table.xml", "pagexml")
    assert warnings == []
    assert texts(doc) == [
        ("r_head", "Marktpreise vom 3. März."),
        ("c_0_0", "Weizen"), ("c_0_1", "12 Gulden"), ("c_1_0", "Roggen"), ("c_1_1", "9 Gulden"),
        ("r_note", "Preise in Gulden."),
    ]
    cell = doc.blocks[2]
    assert cell.box == (600, 400, 500, 400) and cell.page == 3
    assert [(w.text, w.conf) for w in cell.lines[0].words] == [("12", 0.88), ("Gulden", 0.86)]
    assert doc.blocks[1].lines[0].words[0].conf == 0.91  # the line's TextEquiv conf


def page_xml(tmp_path: Path, body: str, name: str = "seite.xml", outside: str = "") -> Path:
    path = tmp_path / name
    path.write_text(f'<PcGts xmlns="{PAGE_NS}">{outside}<Page imageFilename="s.png" '
                    f'imageWidth="100" imageHeight="100">{body}</Page></PcGts>')
    return path


def line(text: str, lid: str = "") -> str:
    ident = f' id="{lid}"' if lid else ""
    return f"<TextLine{ident}><TextEquiv><Unicode>{text}</Unicode></TextEquiv></TextLine>"


def test_page_2019_table_cells_follow_their_table_in_reading_order(tmp_path: Path) -> None:
    """Standard PAGE 2019 cells are TextRegions in the TableRegion; an order that names only the
    table used to leave them for the end of the page."""
    path = page_xml(tmp_path, (
        '<ReadingOrder><OrderedGroup id="g"><RegionRefIndexed index="0" regionRef="t"/>'
        '<RegionRefIndexed index="1" regionRef="r"/></OrderedGroup></ReadingOrder>'
        f'<TextRegion id="r">{line("Nachher")}</TextRegion>'
        f'<TableRegion id="t"><TextRegion id="c1">{line("Zelle eins")}</TextRegion>'
        f'<TextRegion id="c2">{line("Zelle zwei")}</TextRegion></TableRegion>'))
    doc, _ = one_doc(path, "pagexml")
    assert texts(doc) == [("c1", "Zelle eins"), ("c2", "Zelle zwei"), ("r", "Nachher")]


def test_page_text_in_unusual_places_is_read(tmp_path: Path) -> None:
    glyphs = "".join(f"<Glyph><TextEquiv><Unicode>{c}</Unicode></TextEquiv></Glyph>"
                     for c in "Wald")
    path = page_xml(tmp_path, (
        line("Kopfzeile ohne Region", "top")  # a line straight under the Page
        + f'<MarginaliaRegion id="m">{line("Randnotiz")}</MarginaliaRegion>'  # unknown type
        + '<TextRegion id="g"><TextLine><Word><TextEquiv><Unicode>Im</Unicode></TextEquiv>'
        + f"</Word><Word>{glyphs}</Word></TextLine></TextRegion>"  # a Word with Glyph text only
        # a Word without text: the line's own text has the word
        + '<TextRegion id="w"><TextLine><Word><TextEquiv><Unicode>Eins</Unicode></TextEquiv>'
        + "</Word><Word/><TextEquiv><Unicode>Eins Zwei</Unicode></TextEquiv></TextLine>"
        + "</TextRegion>"
        # a container region whose inner region has no text: its own text
        + '<TextRegion id="c"><TextRegion id="c_inner"/>'
        + "<TextEquiv><Unicode>Ganzer Absatz</Unicode></TextEquiv></TextRegion>"
        # Words outside any line: one line
        + '<TextRegion id="bare"><Word><TextEquiv><Unicode>lose</Unicode></TextEquiv></Word>'
        + "<Word><TextEquiv><Unicode>Wörter</Unicode></TextEquiv></Word></TextRegion>"))
    doc, warnings = one_doc(path, "pagexml")
    assert warnings == []
    assert texts(doc) == [
        (None, "Kopfzeile ohne Region"), ("m", "Randnotiz"), ("g", "Im Wald"),
        ("w", "Eins Zwei"), ("c", "Ganzer Absatz"), ("bare", "lose Wörter")]


def test_page_text_outside_every_page_is_named_in_a_warning(tmp_path: Path) -> None:
    path = page_xml(tmp_path, f'<TextRegion id="r">{line("Innen")}</TextRegion>',
                    outside=f'<Extra>{line("Verloren hier", "l9")}</Extra>')
    doc, warnings = one_doc(path, "pagexml")
    assert doc.raw_text == "Innen"
    assert warnings == ["1 text element(s) outside any <Page> not read: <TextLine id='l9'>"]


# --- hOCR ----------------------------------------------------------------------------------------


def test_words_directly_in_a_paragraph_are_its_lines() -> None:
    doc, warnings = one_doc(ODD / "words_outside_lines.hocr", "hocr")
    assert warnings == []
    assert texts(doc) == [("par_1", "Vermischte Nachrichten.\nAus Chur meldet man:"),
                          ("par_2", "Der Rhein steigt.")]
    first = doc.blocks[0].lines[0].words[0]
    assert (first.text, first.box, first.conf) == ("Vermischte", (40, 30, 260, 40), 0.93)
    assert doc.blocks[0].box == (40, 30, 1060, 100) and doc.pages == [2]


def hocr(tmp_path: Path, page: str, outside: str = "") -> Path:
    path = tmp_path / "seite.hocr"
    path.write_text(f"<html><body>{outside}<div class='ocr_page' id='p' title='bbox 0 0 100 100'>"
                    f"{page}</div></body></html>")
    return path


def word(text: str, y: int = 0, wid: str = "") -> str:
    ident = f" id='{wid}'" if wid else ""
    title = f"bbox 0 {y} 10 {y + 10}; x_wconf 90"
    return f"<span class='ocrx_word'{ident} title='{title}'>{text}</span> "


def test_hocr_words_and_text_outside_lines_anywhere(tmp_path: Path) -> None:
    path = hocr(tmp_path, (
        word("Kopf", 0, "w1")  # a word straight under the page, before any paragraph
        + "<p class='ocr_par' id='par_1'>" + word("vor") + "<span class='ocr_line' id='l1'>"
        + word("in") + " und <b>dazwischen</b> " + word("Zeile") + "</span>" + word("nach", 30)
        + "</p>"
        + "<p class='ocr_par' id='par_2'>Nur Text im Absatz<br/>zweite Hälfte</p>"
        + "<div class='ocr_carea' id='ca'>" + word("Bereich", 50, "w9") + "</div>"))
    doc, warnings = one_doc(path, "hocr")
    assert warnings == []
    assert texts(doc) == [
        ("w1", "Kopf"),
        ("par_1", "vor\nin und dazwischen Zeile\nnach"),
        ("par_2", "Nur Text im Absatz zweite Hälfte"),
        ("ca", "Bereich"),  # an area holding only that word is the block itself
    ]
    assert doc.blocks[0].box == (0, 0, 10, 10)


def test_hocr_words_outside_every_page_are_named_in_a_warning(tmp_path: Path) -> None:
    path = hocr(tmp_path, "<span class='ocr_line' id='l1'>Innen</span>",
                outside="<p class='ocr_par' id='lost'>" + word("Weg") + "</p>")
    doc, warnings = one_doc(path, "hocr")
    assert doc.raw_text == "Innen"
    assert warnings == ["1 line(s) or word(s) outside any ocr_page not read: ocr_par 'lost'"]


# --- ALTO ----------------------------------------------------------------------------------------


def test_textline_straight_in_a_composed_block_is_a_block_in_reading_order() -> None:
    path = ODD / "composed_block_lines.xml"
    doc, warnings = one_doc(path, "alto")
    assert warnings == []
    assert texts(doc) == [("TB1", "Der Landbote"), ("CB1", "Neueste Nachrichten\naus Bern"),
                          ("TB2", "Der Bundesrat tagte.")]
    assert doc.blocks[1].box == (100, 200, 1800, 140) and doc.pages == [2]
    # A METS area can name the ComposedBlock, the PrintSpace or one of its lines.
    alto = read_alto(path)
    assert [b.text for b in alto.index["CB1"]] == ["Neueste Nachrichten\naus Bern"]
    assert [b.block_id for b in alto.index["PS1"]] == ["TB1", "CB1", "TB2"]
    assert [b.text for b in alto.index["TL3"]] == ["aus Bern"]


def alto_xml(tmp_path: Path, body: str, outside: str = "") -> Path:
    path = tmp_path / "seite_0001.xml"
    path.write_text(f'<alto xmlns="{ALTO_NS}"><Layout>{outside}<Page ID="P1">{body}</Page>'
                    "</Layout></alto>")
    return path


def s(text: str, x: int = 0, y: int = 0) -> str:
    return f'<String CONTENT="{text}" HPOS="{x}" VPOS="{y}" WIDTH="10" HEIGHT="10"/>'


def test_alto_lines_and_strings_outside_blocks_are_read_in_place(tmp_path: Path) -> None:
    path = alto_xml(tmp_path, (
        '<PrintSpace ID="PS">'
        f'<TextLine ID="L1">{s("Kopf", 0, 0)}</TextLine>'  # a bare line before the first block
        f'<TextBlock ID="TB1"><TextLine ID="L2">{s("Erster")}{s("Block")}</TextLine>'
        f'{s("ohne")}{s("Zeile")}</TextBlock>'  # Strings straight in the TextBlock
        f'<TextLine ID="L3">{s("Mitte", 0, 50)}</TextLine>'
        f'<TextLine ID="L4">{s("Mitte2", 20, 60)}</TextLine>'
        '<TextBlock ID="TB2"><TextLine><String><Glyph CONTENT="G"/><Glyph CONTENT="lyph"/>'
        "</String></TextLine></TextBlock>"  # a String with its text in Glyphs only
        f"</PrintSpace>{s('Seitenrand', 0, 90)}"))  # a String straight under the Page
    doc, warnings = one_doc(path, "alto")
    assert warnings == []
    assert texts(doc) == [
        ("L1", "Kopf"), ("TB1", "Erster Block\nohne Zeile"), ("L3", "Mitte\nMitte2"),
        ("TB2", "Glyph"), (None, "Seitenrand")]
    assert doc.blocks[2].box == (0, 50, 30, 20)  # the run's lines' words (lines have no box)


def test_alto_strings_outside_every_page_are_named_in_a_warning(tmp_path: Path) -> None:
    path = alto_xml(tmp_path, f"<TextBlock><TextLine>{s('Innen')}</TextLine></TextBlock>",
                    outside=f"<TextBlock><TextLine>{s('Weg')}</TextLine></TextBlock>")
    doc, warnings = one_doc(path, "alto")
    assert doc.raw_text == "Innen"
    assert warnings == ["1 String(s) outside any <Page> not read: 'Weg'"]
