"""A line-end hyphen written as its own token ("Men -" / "ſchen") is joined in every format.

ALTO (a ``String`` whose CONTENT is only the mark, or a word ending in ⸗ or =), PAGE (a ``Word``
or a space-separated line TextEquiv) and hOCR (an ``ocrx_word``) all reach cleaning as words; the
join happens there, once for all formats (``ingest/clean.py``).
"""

from __future__ import annotations

from pathlib import Path

from ragarchive.ingest.clean import clean_document
from ragarchive.ingest.discover import SourceFile
from ragarchive.ingest.formats import parse

ALTO = """<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#">
 <Layout><Page ID="P1" PHYSICAL_IMG_NR="1" WIDTH="1000" HEIGHT="1000"><PrintSpace>
  <TextBlock ID="TB1">
   <TextLine><String CONTENT="Die" WC="0.9"/><SP/><String CONTENT="Men" WC="0.9"/><SP/>
    <String CONTENT="-" WC="0.12"/></TextLine>
   <TextLine><String CONTENT="ſchen" WC="0.9"/><SP/><String CONTENT="der" WC="0.9"/><SP/>
    <String CONTENT="Unmün⸗" WC="0.9"/></TextLine>
   <TextLine><String CONTENT="digkeit" WC="0.9"/><SP/><String CONTENT="am" WC="0.9"/><SP/>
    <String CONTENT="Rhein=" WC="0.9"/></TextLine>
   <TextLine><String CONTENT="ufer" WC="0.9"/><SP/><String CONTENT="-" WC="0.9"/><SP/>
    <String CONTENT="heute" WC="0.9"/><SP/><String CONTENT="Gemein" WC="0.9"/><SP/>
    <String CONTENT="¬" WC="0.9"/></TextLine>
   <TextLine><String CONTENT="de." WC="0.9"/></TextLine>
  </TextBlock>
 </PrintSpace></Page></Layout>
</alto>
"""

PAGE = """<?xml version="1.0" encoding="UTF-8"?>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">
 <Page imageFilename="0001.png" imageWidth="1000" imageHeight="1000">
  <TextRegion id="r1">
   <TextLine id="l1">
    <Word id="w1"><TextEquiv><Unicode>Die</Unicode></TextEquiv></Word>
    <Word id="w2"><TextEquiv><Unicode>Men</Unicode></TextEquiv></Word>
    <Word id="w3"><TextEquiv><Unicode>⸗</Unicode></TextEquiv></Word>
   </TextLine>
   <TextLine id="l2">
    <Word id="w4"><TextEquiv><Unicode>ſchen</Unicode></TextEquiv></Word>
    <Word id="w5"><TextEquiv><Unicode>der</Unicode></TextEquiv></Word>
   </TextLine>
   <TextLine id="l3"><TextEquiv><Unicode>Unmün =</Unicode></TextEquiv></TextLine>
   <TextLine id="l4"><TextEquiv><Unicode>digkeit - heute.</Unicode></TextEquiv></TextLine>
  </TextRegion>
 </Page>
</PcGts>
"""

WORD = "<span class='ocrx_word' title='bbox 0 0 10 10; x_wconf 90'>{}</span> "
HOCR = (
    "<html><body><div class='ocr_page' title='bbox 0 0 100 100'><p class='ocr_par'>"
    "<span class='ocr_line'>" + WORD.format("Die") + WORD.format("Men") + WORD.format("-")
    + "</span><span class='ocr_line'>" + WORD.format("ſchen") + WORD.format("der")
    + WORD.format("Unmün") + WORD.format("¬") + "</span><span class='ocr_line'>"
    + WORD.format("digkeit") + WORD.format("-") + WORD.format("heute.")
    + "</span></p></div></body></html>"
)


def _clean(tmp_path: Path, name: str, content: str, kind: str) -> tuple[str, str]:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    [doc] = parse(SourceFile(path, kind)).documents
    return doc.raw_text, clean_document(doc).text


def test_alto_hyphen_strings_and_double_hyphens_at_line_ends(tmp_path: Path) -> None:
    raw, text = _clean(tmp_path, "page.xml", ALTO, "alto")
    assert raw.startswith("Die Men -\nſchen der Unmün⸗\n")  # the source as it is
    # a low-confidence "-" at a line end is a hyphen, not noise; the "-" inside a line is a dash
    assert text == "Die Menschen der Unmündigkeit am Rheinufer - heute Gemeinde."


def test_pagexml_hyphen_words_and_line_text(tmp_path: Path) -> None:
    raw, text = _clean(tmp_path, "page.xml", PAGE, "pagexml")
    assert raw == "Die Men ⸗\nſchen der\nUnmün =\ndigkeit - heute."
    assert text == "Die Menschen der Unmündigkeit - heute."


def test_hocr_hyphen_words(tmp_path: Path) -> None:
    raw, text = _clean(tmp_path, "page.hocr", HOCR, "hocr")
    assert raw == "Die Men -\nſchen der Unmün ¬\ndigkeit - heute."
    assert text == "Die Menschen der Unmündigkeit - heute."
