"""A page image beside the text file of the same page is not OCR'd again (issue 16, point 8).

Producers name the OCR after the image with a suffix (``…_1.jpg`` + ``…_1_alto.xml``,
``page.alto.xml``, ``page_ocr.txt``, ``page_hocr.html``) or name the image inside the ALTO
(``sourceImageInformation/fileName``). The fixtures are tiny Pillow images and a minimal ALTO
written into tmp_path.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from ragarchive.config import load_settings
from ragarchive.ingest.discover import discover

ALTO = """<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#">
  <Description>
    <MeasurementUnit>pixel</MeasurementUnit>
    <sourceImageInformation><fileName>{image}</fileName></sourceImageInformation>
  </Description>
  <Layout><Page ID="P1" WIDTH="400" HEIGHT="100"><PrintSpace>
    <TextBlock ID="TB1" HPOS="10" VPOS="10" WIDTH="380" HEIGHT="40">
      <TextLine HPOS="10" VPOS="10" WIDTH="380" HEIGHT="40">
        <String CONTENT="The" HPOS="10" VPOS="10" WIDTH="60" HEIGHT="40" WC="0.9"/><SP/>
        <String CONTENT="harbour" HPOS="80" VPOS="10" WIDTH="140" HEIGHT="40" WC="0.9"/><SP/>
        <String CONTENT="reopened." HPOS="230" VPOS="10" WIDTH="150" HEIGHT="40" WC="0.9"/>
      </TextLine>
    </TextBlock>
  </PrintSpace></Page></Layout>
</alto>
"""
HOCR = ("<html><body><div class='ocr_page' title='bbox 0 0 100 100'><p class='ocr_par'>"
        "<span class='ocr_line' title='bbox 0 0 100 10'><span class='ocrx_word' "
        "title='bbox 0 0 40 10'>Gazette</span></span></p></div></body></html>")


def _image(path: Path, text: str = "") -> None:
    from PIL import ImageDraw

    im = Image.new("L", (400, 100), 255)
    if text:
        ImageDraw.Draw(im).text((10, 30), text, fill=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path)


def _image_kinds(sources) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(s.path.name for s in sources if s.kind == "image")


def test_an_image_beside_its_suffixed_ocr_file_is_not_a_source(tmp_path: Path) -> None:
    (tmp_path / "sn90050306_1920_05_27_1_alto.xml").write_text(ALTO.format(image="x.jp2"))
    _image(tmp_path / "sn90050306_1920_05_27_1.jpg")
    (tmp_path / "p2.alto.xml").write_text(ALTO.format(image=""))
    _image(tmp_path / "p2.png")
    (tmp_path / "p3_ocr.txt").write_text("The harbour reopened.")
    _image(tmp_path / "p3.tif")
    (tmp_path / "p4_hocr.html").write_text(HOCR)
    _image(tmp_path / "P4.PNG")
    _image(tmp_path / "p5.png")  # no text of its own: OCR it
    sources, skipped = discover([tmp_path])
    assert _image_kinds(sources) == ["p5.png"]
    assert {s.path.name for s in sources if s.kind != "image"} == {
        "sn90050306_1920_05_27_1_alto.xml", "p2.alto.xml", "p3_ocr.txt", "p4_hocr.html"}
    reasons = {p.name: why for p, why in skipped}
    assert reasons["sn90050306_1920_05_27_1.jpg"] == (
        "page image whose OCR text is already next to it (sn90050306_1920_05_27_1_alto.xml)")
    assert reasons["p3.tif"].endswith("(p3_ocr.txt)")
    assert set(reasons) == {"sn90050306_1920_05_27_1.jpg", "p2.png", "p3.tif", "P4.PNG"}


def test_an_image_the_alto_names_is_not_a_source(tmp_path: Path) -> None:
    (tmp_path / "alto").mkdir()
    (tmp_path / "alto" / "0001.xml").write_text(ALTO.format(image="../images/scan-0001.tif"))
    (tmp_path / "alto" / "0002.xml").write_text(ALTO.format(image=r"D:\scans\batch7\0002.png"))
    (tmp_path / "alto" / "0003.xml").write_text(ALTO.format(image="https://example.org/0003.png"))
    _image(tmp_path / "images" / "scan-0001.tif")  # relative to the ALTO's folder
    _image(tmp_path / "alto" / "0002.png")  # the producer's absolute path: its name, here
    _image(tmp_path / "images" / "0003.png")  # a remote URL names no local file
    sources, skipped = discover([tmp_path])
    assert _image_kinds(sources) == ["0003.png"]
    reasons = {p.name: why for p, why in skipped}
    assert reasons["scan-0001.tif"] == "page image of ALTO file 0001.xml"
    assert reasons["0002.png"] == "page image of ALTO file 0002.xml"


def test_the_paired_image_is_neither_ocrd_nor_indexed_twice(tmp_path: Path) -> None:
    """End to end: the page is one document, the image a skipped file (tesseract never runs, so
    this needs no tesseract; before the fix it OCR'd the image and indexed the page twice)."""
    from ragarchive.services import build_ingestor

    src = tmp_path / "src"
    src.mkdir()
    (src / "gazette_1872-05-18_1_alto.xml").write_text(ALTO.format(image="gazette.jp2"))
    _image(src / "gazette_1872-05-18_1.png", "The harbour reopened.")
    ingestor = build_ingestor(load_settings(data_dir=tmp_path / "data", archive="t"))
    try:
        report = ingestor.run([src])
        by_name = {Path(f.path).name: f for f in report.files}
        assert by_name["gazette_1872-05-18_1_alto.xml"].status == "ingested"
        assert by_name["gazette_1872-05-18_1.png"].status == "skipped"
        docs = [dict(r) for r in ingestor.db.documents()]
        assert [(d["doc_id"], d["date"], d["pages"]) for d in docs] == [
            ("gazette_1872-05-18_1_alto", "1872-05-18", "[1]")]
    finally:
        ingestor.db.close()
