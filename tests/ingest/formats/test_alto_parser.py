"""ALTO v2/v3/v4 pages: text, boxes, confidences, hyphenation, units, page numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragarchive.errors import ParseError
from ragarchive.ingest.discover import SourceFile
from ragarchive.ingest.formats import parse
from ragarchive.types import Word

ALTO = Path(__file__).parent / "fixtures" / "alto"


def words(doc) -> list[Word]:
    return [w for b in doc.blocks for line in b.lines for w in line.words]


def test_v2_page_text_metadata_and_hyphenation() -> None:
    result = parse(SourceFile(ALTO / "alto_v2.xml", "alto"))
    assert result.warnings == []
    [doc] = result.documents
    assert doc.doc_id == "alto_v2"
    assert doc.pages == [3]  # PHYSICAL_IMG_NR
    assert doc.meta["alto_version"] == "v2"
    assert doc.meta["box_unit"] == "pixel"
    assert doc.raw_text == "Die Stadt Regie-\nrung tagte gestern."
    [block] = doc.blocks
    assert block.block_id == "P3_TB1" and block.page == 3 and block.box == (100, 200, 800, 120)
    ws = words(doc)
    assert ws[2] == Word("Regie-", 0.87, (430, 200, 160, 50), "Regierung", 1)
    assert ws[3] == Word("rung", 0.9, (100, 260, 120, 50), "Regierung", 2)
    assert ws[4].text == "tagte" and ws[4].conf == pytest.approx(1 - 3 / 45, abs=1e-3)  # from CC
    assert doc.meta["hyphenated_words"] == 1


def test_v3_mm10_boxes_are_kept_and_noted() -> None:
    result = parse(SourceFile(ALTO / "alto_v3.xml", "alto"))
    [doc] = result.documents
    assert doc.meta["measurement_unit"] == "mm10" and doc.meta["box_unit"] == "mm10"
    assert any("mm10" in w for w in result.warnings)
    assert [b.block_id for b in doc.blocks] == ["P1_TB1", "P1_TB2"]
    assert doc.blocks[1].box == (100, 200, 1200, 300)
    assert doc.raw_text == "Nouvelles étrangères.\n\nLe gouver¬\nnement belge"
    hyph = [w for w in words(doc) if w.hyp_part]
    assert [(w.text, w.subs_content, w.hyp_part) for w in hyph] == [
        ("gouver¬", "gouvernement", 1), ("nement", "gouvernement", 2)]


def test_v4_hyphen_in_content_bare_hyp_percent_wc_and_empty_block() -> None:
    [doc] = parse(SourceFile(ALTO / "alto_v4.xml", "alto")).documents
    assert doc.meta["alto_version"] == "v4"
    assert doc.pages == []  # no PHYSICAL_IMG_NR and no page number in the file name
    assert doc.raw_text == "The steam-\nship arrived yester-\n\nday."
    ws = words(doc)
    assert ws[1].text == "steam-"  # not "steam--"
    assert ws[3].conf == pytest.approx(0.96)  # WC="96" read as a percentage
    yester = ws[4]
    assert yester.text == "yester-" and yester.hyp_part == 0 and yester.subs_content is None
    assert [b.block_id for b in doc.blocks] == ["block_1", "block_2"]  # empty block dropped


def test_confidences_are_in_unit_range() -> None:
    for name in ("alto_v2.xml", "alto_v3.xml", "alto_v4.xml"):
        for doc in parse(SourceFile(ALTO / name, "alto")).documents:
            assert all(w.conf is None or 0 <= w.conf <= 1 for w in words(doc))


def test_unnamespaced_and_ccs_alto_read_the_same(tmp_path: Path) -> None:
    text = (ALTO / "alto_v2.xml").read_text()
    for ns in ("", "http://schema.ccs-gmbh.com/ALTO"):
        path = tmp_path / "00007.xml"
        path.write_text(text.replace("http://www.loc.gov/standards/alto/ns-v2#", ns)
                        .replace(' PHYSICAL_IMG_NR="3"', ""))
        [doc] = parse(SourceFile(path, "alto")).documents
        assert doc.raw_text == "Die Stadt Regie-\nrung tagte gestern."
        assert doc.pages == [7]  # from the file name


def test_page_files_named_by_number_get_folder_ids(tmp_path: Path) -> None:
    path = tmp_path / "BLB" / "18451228_01" / "ALTO" / "00001.xml"
    path.parent.mkdir(parents=True)
    path.write_bytes((ALTO / "alto_v2.xml").read_bytes())
    [doc] = parse(SourceFile(path, "alto")).documents
    assert doc.doc_id == "BLB/18451228_01/00001"


def test_not_alto_root(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("<notalto/>")
    with pytest.raises(ParseError, match="not <alto>"):
        parse(SourceFile(path, "alto"))


def test_alto_without_page(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text('<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout/></alto>')
    with pytest.raises(ParseError, match="no <Page>"):
        parse(SourceFile(path, "alto"))
