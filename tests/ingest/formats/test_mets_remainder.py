"""METS text that no article reads (issue 16, "no silent loss"): page remainder documents for
blocks no article reads, and one warning for the masthead that is left out by design."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from ragarchive.ingest.discover import SourceFile
from ragarchive.ingest.formats import parse

FIXTURES = Path(__file__).parent / "fixtures"
ISSUE = FIXTURES / "mets_remainder" / "wochenblatt-1871-04-01-mets.xml"
SPAR = FIXTURES / "spar" / "bpt6k1000001"
LUX = (Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "mets-alto" / "Luxembourg"
       / "public_domain_006" / "2385348_newspaper_luxzeit1858_1858-12-07_01")


def _parse(path: Path, root: Path | None = None):  # type: ignore[no-untyped-def]
    return parse(SourceFile(path, "mets", root=root))


def _source_words(*alto: Path) -> Counter[str]:
    return Counter(s.get("CONTENT") for p in alto for s in etree.parse(str(p)).iter("{*}String"))


def _doc_words(docs) -> Counter[str]:  # type: ignore[no-untyped-def]
    return Counter(w.text for d in docs for b in d.blocks for ln in b.lines for w in ln.words)


def test_blocks_no_article_reads_are_page_remainders() -> None:
    result = _parse(ISSUE)
    docs = {d.doc_id: d for d in result.documents}
    assert list(docs) == ["ark-99999-wb1871/ART1", "ark-99999-wb1871/ALTO1-rest",
                          "ark-99999-wb1871/ALTO2-rest"]
    article, rest1, rest2 = docs.values()
    assert [b.block_id for b in article.blocks] == ["P1_TB3", "P1_TB4"]
    assert "page_remainder" not in article.meta
    # the notice no division names and the table outside the articles, in file order
    assert [b.block_id for b in rest1.blocks] == ["P1_TB5", "P1_TB6"]
    assert "Regenschirm." in rest1.raw_text and "Weizen" in rest1.raw_text
    assert rest1.pages == [1] and rest1.meta["page_remainder"] is True
    # a page no logical division names at all
    assert [b.block_id for b in rest2.blocks] == ["P2_TB1", "P2_TB2"]
    assert rest2.pages == [2] and rest2.meta["page_remainder"] is True
    for doc in (rest1, rest2):
        assert doc.date == "1871-04-01" and doc.newspaper == "Wochenblatt" and doc.language == "de"
        assert doc.title is None and doc.meta["issue_id"] == "ark-99999-wb1871"
    assert any(w.startswith("text outside the articles indexed as 2 page remainder documents "
                            "(4 blocks, 22 words): ALTO1-rest, ALTO2-rest")
               for w in result.warnings), result.warnings


def test_every_word_but_the_masthead_is_indexed_once() -> None:
    alto = sorted((ISSUE.parent / "alto").glob("*.xml"))
    masthead = Counter(["WOCHENBLATT", "Erscheint", "jeden", "Samstag.", "Preis", "2", "Gulden."])
    assert _doc_words(_parse(ISSUE).documents) == _source_words(*alto) - masthead


def test_masthead_is_left_out_with_one_warning_that_names_it() -> None:
    result = _parse(ISSUE)
    assert not any("WOCHENBLATT" in d.raw_text or "Gulden" in d.raw_text for d in result.documents)
    [warning] = [w for w in result.warnings if "masthead" in w]
    assert warning == ("masthead not indexed (boilerplate each issue repeats): 2 blocks (7 words) "
                       "that only TITLE_SECTION, PUBLISHING_STMT divisions reference: "
                       "P1_TB1, P1_TB2")


def test_a_masthead_block_another_division_also_names_is_kept(tmp_path: Path) -> None:
    shutil.copytree(ISSUE.parent, tmp_path / "issue")
    mets = tmp_path / "issue" / ISSUE.name
    mets.write_text(mets.read_text().replace(
        '<area FILEID="ALTO1" BETYPE="IDREF" BEGIN="P1_TB6"/>',
        '<area FILEID="ALTO1" BETYPE="IDREF" BEGIN="P1_TB6"/>'
        '<area FILEID="ALTO1" BETYPE="IDREF" BEGIN="P1_TB2"/>'))
    result = _parse(mets)
    rest = next(d for d in result.documents if d.doc_id.endswith("/ALTO1-rest"))
    assert [b.block_id for b in rest.blocks] == ["P1_TB2", "P1_TB5", "P1_TB6"]
    assert any("1 block (1 word)" in w and w.endswith(": P1_TB1") for w in result.warnings)


def test_remainders_are_deterministic() -> None:
    first, again = _parse(ISSUE), _parse(ISSUE)
    assert [(d.doc_id, d.raw_text) for d in first.documents] == \
        [(d.doc_id, d.raw_text) for d in again.documents]
    assert first.warnings == again.warnings


def test_an_issue_whose_blocks_are_all_read_gains_no_document() -> None:
    result = _parse(FIXTURES / "mets_issue" / "issue-mets.xml")
    assert [d.doc_id for d in result.documents] == [
        "ark-99999-gz1871/ART1", "ark-99999-gz1871/ART2", "ark-99999-gz1871/AD1"]
    assert not any(d.meta.get("page_remainder") for d in result.documents)
    assert ("masthead not indexed (boilerplate each issue repeats): 1 block (1 word) that only "
            "TITLE_SECTION divisions reference: P1_TB1") in result.warnings


def test_spar_table_of_contents_masthead_is_warned_through_its_manifest() -> None:
    result = _parse(SPAR / "manifest.xml", SPAR.parent)
    assert [d.doc_id for d in result.documents] == ["ark-12148-bpt6k1000001/DIVL3",
                                                    "ark-12148-bpt6k1000001/DIVL4"]
    assert any(w.startswith("file://toc/T0000001.xml: masthead not indexed")
               and w.endswith(": PAG_1_TB000001") for w in result.warnings), result.warnings


def _spar_copy(tmp_path: Path, drop: list[str]) -> Path:
    issue = tmp_path / "bpt6k1000001"
    shutil.copytree(SPAR, issue)
    toc = issue / "toc" / "T0000001.xml"
    text = toc.read_text()
    for line in drop:
        assert line in text
        text = text.replace(line, "")
    toc.write_text(text)
    return issue / "manifest.xml"


def test_a_listed_table_of_contents_makes_remainders_of_its_pages(tmp_path: Path) -> None:
    ad = ('<mets:div ID="DIVL4" TYPE="ADVERTISEMENT" LABEL="Annonces.">\n        <mets:fptr>'
          '<mets:area FILEID="ALTO00002" BEGIN="PAG_2_TB000002"/></mets:fptr>\n      </mets:div>')
    result = _parse(_spar_copy(tmp_path, [ad]), tmp_path)
    docs = {d.doc_id: d for d in result.documents}
    assert list(docs) == ["ark-12148-bpt6k1000001/DIVL3", "ark-12148-bpt6k1000001/ALTO00002-rest"]
    rest = docs["ark-12148-bpt6k1000001/ALTO00002-rest"]
    assert rest.meta["page_remainder"] and rest.pages == [2]
    assert [b.block_id for b in rest.blocks] == ["PAG_2_TB000002"]
    assert rest.source_path == str(tmp_path / "bpt6k1000001" / "manifest.xml")


def test_pages_a_table_of_contents_does_not_name_stay_page_documents(tmp_path: Path) -> None:
    """The manifest's page documents, as before: their ids do not change."""
    ad = ('<mets:div ID="DIVL4" TYPE="ADVERTISEMENT" LABEL="Annonces.">\n        <mets:fptr>'
          '<mets:area FILEID="ALTO00002" BEGIN="PAG_2_TB000002"/></mets:fptr>\n      </mets:div>')
    page2 = '<mets:area FILEID="ALTO00002" BEGIN="PAG_2_TB000001"/>'
    result = _parse(_spar_copy(tmp_path, [ad, page2]), tmp_path)
    docs = {d.doc_id: d for d in result.documents}
    assert list(docs) == ["ark-12148-bpt6k1000001/DIVL3", "ark-12148-bpt6k1000001/ocr.2"]
    assert "page_remainder" not in docs["ark-12148-bpt6k1000001/ocr.2"].meta


@pytest.mark.skipif(not LUX.is_dir(), reason="../shared/data is not present")
def test_luxemburger_zeitung_masthead_is_warned() -> None:
    result = _parse(LUX / f"{LUX.name}-mets.xml")
    assert not any(d.meta.get("page_remainder") for d in result.documents)
    assert ("masthead not indexed (boilerplate each issue repeats): 5 blocks (123 words) that "
            "only TITLE_SECTION, PUBLISHING_STMT divisions reference: P1_TB00001, P1_TB00002, "
            "P1_TB00003, P1_TB00004, P1_TB00005") in result.warnings


def test_a_line_an_article_reads_is_not_in_the_remainder(tmp_path: Path) -> None:
    """An area may name a TextLine: the rest of its block is the remainder, not the whole."""
    shutil.copytree(ISSUE.parent, tmp_path / "issue")
    alto = tmp_path / "issue" / "alto" / "page-0001.xml"
    text = alto.read_text()
    block = text.index('<TextBlock ID="P1_TB5"')
    line = text.index("<TextLine ", block)
    alto.write_text(text[:line] + '<TextLine ID="P1_TB5_L1" ' + text[line + len("<TextLine "):])
    mets = tmp_path / "issue" / ISSUE.name
    line_area = '<area FILEID="ALTO1" BETYPE="IDREF" BEGIN="P1_TB5_L1"/>'
    mets.write_text(mets.read_text().replace('BEGIN="P1_TB4"/>', 'BEGIN="P1_TB4"/>' + line_area))
    result = _parse(mets)
    article, rest = result.documents[:2]
    assert article.raw_text.endswith("Verloren ein Regenschirm.")
    assert [b.block_id for b in rest.blocks] == ["P1_TB5", "P1_TB6"]
    assert rest.blocks[0].text == "Abzugeben beim Küster."
    assert rest.blocks[0].box == (100, 680, 640, 50)  # its second line: around the words kept
    alto_words = sorted((tmp_path / "issue" / "alto").glob("*.xml"))
    masthead = Counter(["WOCHENBLATT", "Erscheint", "jeden", "Samstag.", "Preis", "2", "Gulden."])
    assert _doc_words(result.documents) == _source_words(*alto_words) - masthead
