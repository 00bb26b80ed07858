"""discover(): classification, METS-owned files, sidecars, skipped files with reasons."""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image

from ragarchive.ingest.discover import SourceFile, discover

FIXTURES = Path(__file__).parent / "fixtures"


def test_fixture_tree(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    shutil.copytree(FIXTURES, root)
    (root / "notes.pdf").write_bytes(b"%PDF-1.4")
    (root / ".hidden.txt").write_text("ignored")
    (root / "config.xml").write_text("<config/>")
    (root / "stray.json").write_text("{}")
    (root / "page.html").write_text("<html><body>no ocr here</body></html>")
    (root / "junk.xml").write_bytes(bytes(range(256)) * 4)
    (root / "lolz.xml").write_text('<!DOCTYPE lolz [<!ENTITY lol "lol">]><lolz>&lol;</lolz>')
    sources, skipped = discover([root])
    kinds = {str(s.path.relative_to(root)): s.kind for s in sources}
    assert kinds == {
        "alto/alto_v2.xml": "alto",
        "alto/alto_v3.xml": "alto",
        "alto/alto_v4.xml": "alto",
        # the DIDL is the metadata of these pages (their `related`), not a source
        "didl/ddd_010012345_mpeg21_p001_alto.xml": "alto",
        "didl/ddd_010012345_mpeg21_p002_alto.xml": "alto",
        "hocr/tesseract_page.hocr": "hocr",
        "hocr/ocropy_bare_lines.html": "hocr",
        # Bad XML is passed on so that parse() reports it as a failed file with the reason.
        "junk.xml": "alto",
        "lolz.xml": "alto",
        "hostile/empty.xml": "alto",
        "hostile/billion_laughs.xml": "alto",
        "hostile/malformed.xml": "alto",
        "hostile/xxe.xml": "alto",
        "hostile/xxe_parameter.xml": "pagexml",
        "mets_issue/issue-mets.xml": "mets",  # its ALTO page is not a separate source
        "mets_remainder/wochenblatt-1871-04-01-mets.xml": "mets",
        "mets_smlinks/anzeiger_18710502_mets.xml": "mets",
        "ocrd_workspace/mets.xml": "mets",  # its PAGE files are not separate sources
        # text where the standards do not put it (issue 16, no silent loss)
        "odd_layout/composed_block_lines.xml": "alto",
        "odd_layout/transkribus_table.xml": "pagexml",
        "odd_layout/words_outside_lines.hocr": "hocr",
        # each manifest reads its table of contents (toc/T0000001.xml), not a source either
        "spar/bpt6k1000001/manifest.xml": "mets",
        "spar/bpt6k1000002/manifest.xml": "mets",
        "pagexml/escriptorium_2019.xml": "pagexml",
        "pagexml/transkribus_2013.xml": "pagexml",
        "pagexml/mufi_print_1757.xml": "pagexml",
        "text/gemeinderat.txt": "text",  # its .json sidecar is not a source
        "text/legacy_cp1252.txt": "text",
        "text/manifest.jsonl": "jsonl",
    }
    mets = next(s for s in sources if s.kind == "mets")
    assert mets.related == ((root / "mets_issue" / "alto" / "page-0001.xml").resolve(),)
    txt = next(s for s in sources if s.path.name == "gemeinderat.txt")
    assert txt.related == (root / "text" / "gemeinderat.json",)
    reasons = {str(p.relative_to(root)): why for p, why in skipped}
    assert reasons == {
        "config.xml": "XML root <config> is not METS, ALTO, PAGE or hOCR",
        "notes.pdf": "unsupported file type .pdf",
        "page.html": "HTML without hOCR content (no ocr_page)",
        "stray.json": ("JSON file that is not the sidecar of a .txt, .hocr or page image "
                       "(use .jsonl for manifests)"),
    }
    assert all(s.path.is_absolute() for s in sources)


def test_order_is_deterministic_and_files_deduplicated(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "text", tmp_path / "b")
    shutil.copytree(FIXTURES / "alto", tmp_path / "a")
    first, _ = discover([tmp_path, tmp_path / "a" / "alto_v2.xml"])
    second, _ = discover([tmp_path])
    assert first == second
    assert [s.path.name for s in first] == [
        "alto_v2.xml", "alto_v3.xml", "alto_v4.xml",
        "gemeinderat.txt", "legacy_cp1252.txt", "manifest.jsonl"]


def test_alto_given_without_its_mets_is_a_source(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "mets_issue", tmp_path / "issue")
    page = tmp_path / "issue" / "alto" / "page-0001.xml"
    sources, _ = discover([page])
    assert sources == [SourceFile(page, "alto")]


def test_images_that_already_have_text_are_skipped(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "mets_issue", tmp_path / "issue")
    (tmp_path / "issue" / "images").mkdir()
    blank = Image.new("L", (20, 20), 255)
    blank.save(tmp_path / "issue" / "images" / "page-0001.tif")  # referenced by the METS
    loose = tmp_path / "loose"
    loose.mkdir()
    shutil.copy(FIXTURES / "alto" / "alto_v2.xml", loose / "p7.xml")
    blank.save(loose / "p7.png")  # same stem as OCR next to it
    blank.save(loose / "p8.png")  # nothing else: OCR it
    transkribus = tmp_path / "tk"
    (transkribus / "page").mkdir(parents=True)
    shutil.copy(FIXTURES / "pagexml" / "transkribus_2013.xml", transkribus / "page" / "a.xml")
    blank.save(transkribus / "0012.jpg")  # the PAGE file's imageFilename, one folder up
    sources, skipped = discover([tmp_path])
    assert [s.path.name for s in sources if s.kind == "image"] == ["p8.png"]
    reasons = {p.name: why for p, why in skipped}
    assert reasons["page-0001.tif"].startswith("page image of METS issue-mets.xml")
    assert reasons["p7.png"] == "page image whose OCR text is already next to it"
    assert reasons["0012.jpg"] == "page image of PAGE file a.xml"


def test_missing_path_and_broken_mets(tmp_path: Path) -> None:
    broken = tmp_path / "x-mets.xml"
    broken.write_text("<mets><fileSec>")
    sources, skipped = discover([tmp_path / "nowhere", broken])
    assert sources == [SourceFile(broken, "mets")]  # parse() will report why it fails
    assert skipped == [(tmp_path / "nowhere", "no such file or folder")]
