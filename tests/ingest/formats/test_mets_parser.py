"""A hand-written METS issue: articles from the logical structMap, MODS metadata, ALTO blocks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ragarchive.errors import ParseError
from ragarchive.ingest.discover import SourceFile
from ragarchive.ingest.formats import parse

ISSUE = Path(__file__).parent / "fixtures" / "mets_issue"


@pytest.fixture(scope="module")
def result():
    return parse(SourceFile(ISSUE / "issue-mets.xml", "mets"))


def by_id(result, doc_id: str):
    return next(d for d in result.documents if d.doc_id == doc_id)


def test_one_document_per_article_with_stable_ids(result) -> None:
    assert [d.doc_id for d in result.documents] == [
        "ark-99999-gz1871/ART1", "ark-99999-gz1871/ART2", "ark-99999-gz1871/AD1"]


def test_issue_metadata_from_issue_mods(result) -> None:
    for doc in result.documents:
        assert doc.newspaper == "Der Grenzbote – Le Messager"
        assert doc.date == "1871-03-18"
        assert doc.meta["issue_languages"] == ["de", "fr"]
        assert doc.source_path == str(ISSUE / "issue-mets.xml")


def test_german_article(result) -> None:
    doc = by_id(result, "ark-99999-gz1871/ART1")
    assert doc.title == "Die neue Brücke."  # nonSort + title
    assert doc.language == "de"  # "ger" normalised
    assert doc.meta["authors"] == ["J. Weber"]
    assert doc.meta["section"] == "Inland."
    # The section heading precedes the article; BEGIN..END covers TB4 and TB5; masthead excluded.
    assert [b.block_id for b in doc.blocks] == ["P1_TB2", "P1_TB3", "P1_TB4", "P1_TB5"]
    assert doc.meta["section_blocks"] == ["P1_TB2"]
    assert doc.raw_text == "Inland.\n\nDie neue Brücke.\n\nDie Regie-\nrung baut eine\n\nBrücke über die Sauer."
    assert doc.pages == [1]
    hyph = [(w.text, w.subs_content, w.hyp_part)
            for b in doc.blocks for ln in b.lines for w in ln.words if w.hyp_part]
    assert hyph == [("Regie-", "Regierung", 1), ("rung", "Regierung", 2)]


def test_boxes_converted_from_mm10_to_pixels_through_mix(result) -> None:
    doc = by_id(result, "ark-99999-gz1871/ART1")
    assert doc.meta["box_unit"] == "pixel"
    # 254 mm10 at 3000 px / 2540 mm10 -> 300 px
    assert doc.blocks[0].box == (300, 450, 600, 76)
    assert doc.blocks[0].lines[0].words[0].box == (300, 450, 600, 76)


def test_french_article_spans_a_missing_page(result) -> None:
    doc = by_id(result, "ark-99999-gz1871/ART2")
    assert doc.title == "Le marché aux grains." and doc.language == "fr"
    assert doc.pages == [1, 2]
    assert doc.meta["missing_pages"] == [2]
    # The ComposedBlock's text is read; its Illustration has none.
    assert doc.raw_text == "Le marché aux grains.\n\nLe froment valait 22 francs."
    assert any("page-0002.xml" in w and "missing" in w for w in result.warnings)


def test_advertisement_inherits_language_and_is_kept_without_text(result) -> None:
    doc = by_id(result, "ark-99999-gz1871/AD1")
    assert doc.title == "Annonce 1"  # LABEL when MODS has no title
    assert doc.language == "fr"  # from its section's MODS
    assert doc.meta["type"] == "ADVERTISEMENT" and doc.meta["section"] == "Annonces."
    assert doc.blocks == [] and doc.pages == [2]
    assert any("1 of 3 articles have no text" in w and "AD1" in w for w in result.warnings)


def test_issue_id_from_file_stem_without_objid(tmp_path: Path) -> None:
    folder = tmp_path / "GZ" / "18710318_01"
    shutil.copytree(ISSUE, folder)
    mets = folder / "issue-mets.xml"
    text = mets.read_text().replace('OBJID="https://example.org/ark:/99999/gz1871"', "")
    text = text.replace("<mods:dateIssued encoding=\"w3cdtf\" keyDate=\"yes\">1871-03-18</mods:dateIssued>", "")
    (folder / "18710318_01-METS.xml").write_text(text)
    mets.unlink()
    result = parse(SourceFile(folder / "18710318_01-METS.xml", "mets"))
    assert result.documents[0].doc_id == "GZ/18710318_01/ART1"
    assert result.documents[0].date == "1871-03-18"  # from the file name


def test_unreadable_alto_page_is_a_warning(tmp_path: Path) -> None:
    shutil.copytree(ISSUE, tmp_path / "issue")
    (tmp_path / "issue" / "alto" / "page-0001.xml").write_text("<alto><Layout>")
    result = parse(SourceFile(tmp_path / "issue" / "issue-mets.xml", "mets"))
    assert all(not d.blocks for d in result.documents)
    assert any("page-0001.xml" in w and "not well-formed" in w for w in result.warnings)


def test_not_a_mets_root(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("<alto/>")
    with pytest.raises(ParseError, match="not <mets>"):
        parse(SourceFile(path, "mets"))


def test_mets_without_articles_falls_back_to_pages(tmp_path: Path) -> None:
    shutil.copytree(ISSUE, tmp_path / "issue")
    mets = tmp_path / "issue" / "issue-mets.xml"
    text = mets.read_text()
    start, end = text.index('<structMap TYPE="LOGICAL">'), text.index("</mets>")
    mets.write_text(text[:start] + text[end:])
    result = parse(SourceFile(mets, "mets"))
    [doc] = result.documents
    assert doc.doc_id == "ark-99999-gz1871/ALTO1" and doc.pages == [1]
    assert "GRENZBOTE" in doc.raw_text


@pytest.mark.parametrize("outside", ["../secret/page-0001.xml", "ABSOLUTE"])
def test_hrefs_outside_the_mets_folder_are_never_read(tmp_path: Path, outside: str) -> None:
    # a hostile METS must not make ingestion index any XML file of this machine
    shutil.copytree(ISSUE, tmp_path / "issue")
    secret = tmp_path / "secret" / "page-0001.xml"
    secret.parent.mkdir()
    shutil.copy(ISSUE / "alto" / "page-0001.xml", secret)
    (tmp_path / "issue" / "alto" / "page-0001.xml").unlink()
    mets = tmp_path / "issue" / "issue-mets.xml"
    href = str(secret) if outside == "ABSOLUTE" else outside
    mets.write_text(mets.read_text().replace("file://./alto/page-0001.xml", href))
    result = parse(SourceFile(mets, "mets"))
    assert any(href in w and "refused: outside the ingested folder" in w for w in result.warnings)
    assert not any(b for d in result.documents for b in d.blocks if b.page == 1)
    # when the folder given to ingest holds it, the same href is inside what was ingested
    inside = parse(SourceFile(mets, "mets", root=tmp_path))
    assert any(b.page == 1 for d in inside.documents for b in d.blocks)
