"""Dates and page numbers in standard file names (issue 16, point 6).

Chronicling America (``sn90050306_1920_05_27_1``), BnL (``bnl_lunion_1865-04-15``) and
``…_18950101_0001`` names: the date in the name is the document's date when the file gives
none, and a date's day is never read as the page number. The fixtures are minimal pages written
into tmp_path under those names.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragarchive.ingest.discover import SourceFile
from ragarchive.ingest.formats import parse
from ragarchive.ingest.formats.common import date_from_name, page_from_name

# A minimal ALTO page: no PHYSICAL_IMG_NR, so the page number can only come from the name.
ALTO = """<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#">
  <Description><MeasurementUnit>pixel</MeasurementUnit></Description>
  <Layout><Page ID="P1" WIDTH="1000" HEIGHT="1400"><PrintSpace>
    <TextBlock ID="TB1" HPOS="10" VPOS="10" WIDTH="500" HEIGHT="40">
      <TextLine HPOS="10" VPOS="10" WIDTH="500" HEIGHT="40">
        <String CONTENT="Luxembourg," HPOS="10" VPOS="10" WIDTH="200" HEIGHT="40" WC="0.9"/>
        <SP/><String CONTENT="den" HPOS="220" VPOS="10" WIDTH="60" HEIGHT="40" WC="0.9"/>
        <SP/><String CONTENT="Mai." HPOS="290" VPOS="10" WIDTH="80" HEIGHT="40" WC="0.9"/>
      </TextLine>
    </TextBlock>
  </PrintSpace></Page></Layout>
</alto>
"""
HOCR = ("<html><body><div class='ocr_page' title='bbox 0 0 100 100'><p class='ocr_par'>"
        "<span class='ocr_line' title='bbox 0 0 100 10'><span class='ocrx_word' "
        "title='bbox 0 0 40 10'>Gazette</span></span></p></div></body></html>")
PAGE = ('<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">'
        '<Page imageFilename="scan.png" imageWidth="100" imageHeight="100">'
        '<TextRegion id="r1"><Coords points="0,0 10,0 10,10 0,10"/>'
        '<TextEquiv><Unicode>Der Landtag</Unicode></TextEquiv></TextRegion></Page></PcGts>')


def _one(path: Path, kind: str):
    [doc] = parse(SourceFile(path, kind)).documents
    return doc


@pytest.mark.parametrize(
    ("name", "date", "page"),
    [
        ("sn90050306_1920_05_27_1.xml", "1920-05-27", 1),  # Chronicling America
        ("bnl_lunion_1865-04-15.xml", "1865-04-15", None),  # BnL: the day is no page
        ("courrier_18950101_0001.xml", "1895-01-01", 1),
        ("lunion_1865-04-15_p12.xml", "1865-04-15", 12),
        ("gazette-1872-05-18-page-3.xml", "1872-05-18", 3),
        ("1920_05_27_seq-4.xml", "1920-05-27", 4),
        ("lunion_18650415.xml", "1865-04-15", None),
        ("sn90050306_1920_05_27_1_alto.xml", "1920-05-27", 1),  # the OCR suffix is no part
    ],
)
def test_alto_date_and_page_from_standard_names(tmp_path: Path, name: str, date: str,
                                                page: int | None) -> None:
    path = tmp_path / name
    path.write_text(ALTO)
    doc = _one(path, "alto")
    assert doc.date == date
    assert doc.pages == ([page] if page else [])
    assert doc.meta["date_source"] == "file name"


def test_impossible_dates_and_years_out_of_range_are_not_dates() -> None:
    assert date_from_name("lunion_1865-02-30") is None  # no 30 February
    assert date_from_name("lunion_1865-13-01") is None
    assert date_from_name("scan_10650415") is None  # year 1065: not a newspaper
    assert date_from_name("lunion_1865-04_15") is None  # mixed separators
    assert date_from_name("sn90050306") is None  # an LCCN is no date
    assert date_from_name("x_1920_05_27_1") == "1920-05-27"
    # a day that is no date is still not a page when a date precedes it
    assert page_from_name(Path("bnl_lunion_1865-04-15.xml")) is None
    assert page_from_name(Path("bnl_lunion_1920_05_27.xml")) is None


def test_page_rules_that_the_names_without_dates_keep() -> None:
    for name, page in [("00007.xml", 7), ("issue-p0003.xml", 3), ("page_3.xml", 3),
                       ("journal_p0004.png", 4), ("scan-0003.png", 3), ("0012.jpg", 12),
                       ("report_2013.xml", None), ("seq4.xml", 4), ("x_seq-0004.xml", 4),
                       ("18451228_01.xml", 1)]:
        assert page_from_name(Path(name)) == page, name
    # an edition, volume or issue number is no page
    assert page_from_name(Path("sn90050306_1920_05_27_ed-1.xml")) is None
    assert page_from_name(Path("sn90050306_1920_05_27_ed-1_seq-4.xml")) == 4
    assert page_from_name(Path("lunion_vol_12.xml")) is None


def test_every_format_without_a_date_of_its_own_takes_the_name_date(tmp_path: Path) -> None:
    (tmp_path / "gazette_1888-09-29_0003.hocr").write_text(HOCR)
    doc = _one(tmp_path / "gazette_1888-09-29_0003.hocr", "hocr")
    assert (doc.date, doc.pages) == ("1888-09-29", [3])
    (tmp_path / "bnl_lunion_1865-04-15_0002.xml").write_text(PAGE)
    doc = _one(tmp_path / "bnl_lunion_1865-04-15_0002.xml", "pagexml")
    assert (doc.date, doc.pages) == ("1865-04-15", [2])
    (tmp_path / "sn90050306_1920_05_27.txt").write_text("Local news.")
    assert _one(tmp_path / "sn90050306_1920_05_27.txt", "text").date == "1920-05-27"


def test_a_date_the_file_or_its_sidecar_gives_wins_over_the_name(tmp_path: Path) -> None:
    (tmp_path / "gazette_1888-09-29.txt").write_text("Local news.")
    (tmp_path / "gazette_1888-09-29.json").write_text(json.dumps({"date": "1888-09-30"}))
    doc = _one(tmp_path / "gazette_1888-09-29.txt", "text")
    assert doc.date == "1888-09-30" and "date_source" not in doc.meta
    manifest = tmp_path / "export_1900-01-01.jsonl"  # a manifest's name dates no record
    manifest.write_text(json.dumps({"id": "a", "text": "Text."}) + "\n")
    assert _one(manifest, "jsonl").date is None


def test_the_issue_folder_dates_page_files_named_by_number(tmp_path: Path) -> None:
    path = tmp_path / "lunion" / "bnl_lunion_1865-04-15" / "ALTO" / "00002.xml"
    path.parent.mkdir(parents=True)
    path.write_text(ALTO)
    doc = _one(path, "alto")
    assert (doc.date, doc.pages, doc.meta["date_source"]) == ("1865-04-15", [2], "folder name")
