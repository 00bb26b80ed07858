"""The real METS/ALTO issues in ../shared/data (skipped when that folder is absent)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ragarchive.ingest.discover import SourceFile, discover
from ragarchive.ingest.formats import parse

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / ".." / "shared" / "data" / "mets-alto"
LUX = DATA / "Luxembourg" / "public_domain_006" / "2385348_newspaper_luxzeit1858_1858-12-07_01"
BLB = DATA / "RERO2" / "BLB" / "data" / "BLB" / "18451228_01"

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data is not present")

LUX_SECTIONS = [
    ("DTL48", "Revue politique.", "fr"),
    ("DTL65", "Kölnische Zeitung.", "de"),
    ("DTL66", "Frankfurter Postzeitung", "de"),
    ("DTL67", "Correspondance Havas.", "fr"),
    ("DTL68", "Constitutionnel.", "fr"),
    ("DTL69", "Le Nord.", "fr"),
    ("DTL50", "ASSEMBLÉE DES ÉTATS.", "fr"),
    ("DTL51", "Verschiedenes.", "de"),
    ("DTL40", "FEUILLETON. Suez et Marseille.", "fr"),
    ("DTL41", "PRIX MOYENS DES DENRÉES vendues au marché de", "fr"),
    ("DTL57", "Paris, 4 décembre 1858.", "fr"),
    ("DTL58", "Anvers, 3 décembre.", "fr"),
    ("DTL118", "Publicité 1 Page 4", "de"),
    ("DTL119", "Publicité 2 Page 4", "de"),
    ("DTL120", "Publicité 3 Page 4", "de"),
    ("DTL121", "Publicité 4 Page 4", "de"),
    ("DTL122", "Publicité 5 Page 4", "de"),
]


def test_discover_finds_both_issues_with_their_alto_pages() -> None:
    sources, _ = discover([DATA])
    mets = [s for s in sources if s.kind == "mets"]
    assert [s.path.name for s in mets] == [
        "2385348_newspaper_luxzeit1858_1858-12-07_01-mets.xml", "18451228_01-METS.xml"]
    assert [r.name for s in mets for r in s.related] == ["1858-12-07_01-00001.xml", "00001.xml"]
    assert not [s for s in sources if s.kind == "alto"]  # pages belong to their METS


def test_luxemburger_zeitung_1858_sections() -> None:
    result = parse(SourceFile(LUX / f"{LUX.name}-mets.xml", "mets"))
    docs = result.documents
    assert [(d.meta["article_id"], d.title, d.language) for d in docs] == LUX_SECTIONS
    assert Counter(d.meta["type"] for d in docs) == {"ARTICLE": 12, "ADVERTISEMENT": 5}
    assert len({d.doc_id for d in docs}) == 17
    assert all(d.doc_id.startswith("ark-70795-hnpwc4/") for d in docs)
    assert {d.newspaper for d in docs} == {"Luxemburger Zeitung – Journal de Luxembourg"}
    assert {d.date for d in docs} == {"1858-12-07"}
    # Only page 1 of 4 is in the folder: three articles have text, each warned about.
    with_text = [d.meta["article_id"] for d in docs if d.blocks]
    assert with_text == ["DTL48", "DTL65", "DTL40"]
    assert sum("referenced by the METS is missing" in w for w in result.warnings) == 3
    revue = docs[0]
    assert revue.pages == [1] and revue.meta["section"] == "Nicht amtlicher Theil. PARTIE NON OFFICIELLE."
    assert "Les bruits de guerre" in revue.raw_text
    koeln = docs[1]
    assert koeln.pages == [1, 2] and koeln.meta["missing_pages"] == [2]
    # mm10 boxes converted to pixels with the mix image size (3059 px for 2590 mm10).
    assert revue.meta["box_unit"] == "pixel"
    tb10 = next(b for b in revue.blocks if b.block_id == "P1_TB00010")
    assert tb10.box == (round(85 * 3059 / 2590), round(1153 * 4783 / 4050),
                        round(742 * 3059 / 2590), round(631 * 4783 / 4050))
    words = [w for d in docs for b in d.blocks for ln in b.lines for w in ln.words]
    assert all(w.conf is not None and 0 <= w.conf <= 1 for w in words)


def test_landbote_1845_hyphenation() -> None:
    result = parse(SourceFile(BLB / "18451228_01-METS.xml", "mets"))
    first = result.documents[0]
    assert first.doc_id == "BLB/18451228_01/DIVL5"
    assert first.date == "1845-12-28"  # from the folder name; the METS has no issue MODS
    words = [w for b in first.blocks for ln in b.lines for w in ln.words]
    assert len(words) == 965
    part1 = [w for w in words if w.hyp_part == 1]
    part2 = [w for w in words if w.hyp_part == 2]
    assert len(part1) == len(part2) == 15
    assert all(w.text.endswith("-") and w.subs_content for w in part1)
    # Each HypPart1 is followed by its HypPart2, and the two spell SUBS_CONTENT.
    for i, w in enumerate(words):
        if w.hyp_part == 1:
            nxt = words[i + 1]
            assert nxt.hyp_part == 2 and nxt.subs_content == w.subs_content
            assert w.text[:-1] + nxt.text == w.subs_content
    assert ("Träu-", "Träumen") in [(w.text, w.subs_content) for w in part1]


def test_standalone_alto_pages() -> None:
    lux = parse(SourceFile(LUX / "text" / "1858-12-07_01-00001.xml", "alto"))
    [page] = lux.documents
    assert page.meta["alto_version"] == "v3" and page.meta["box_unit"] == "mm10"
    assert page.pages == [1] and page.meta["hyphenated_words"] == 13
    blb = parse(SourceFile(BLB / "ALTO" / "00001.xml", "alto"))
    assert blb.documents[0].meta["alto_version"] == "ccs"
    assert blb.documents[0].doc_id == "BLB/18451228_01/00001"


def test_landbote_1845_cleaned_text_has_hyphenated_words_joined() -> None:
    from ragarchive.ingest.clean import clean_document

    first = parse(SourceFile(BLB / "18451228_01-METS.xml", "mets")).documents[0]
    clean = clean_document(first)
    joined = {w.subs_content for b in first.blocks for ln in b.lines for w in ln.words if w.hyp_part}
    assert clean.stats["hyphenation_joined_alto"] == 15
    assert all(word in clean.text for word in joined)
    assert "Träu-" not in clean.text and "Träumen" in clean.text
