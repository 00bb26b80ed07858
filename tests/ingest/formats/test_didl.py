"""KB/Delpher DIDL metadata (issue 16, point 7): a ``didl:DIDL`` file is the issue metadata of the
ALTO pages beside it — newspaper, date, language — not a source, never fetched from its resolver
URLs. The fixture is hand-written and reproduces only the structure (one DIDL, two ALTO pages)."""

from __future__ import annotations

import shutil
from pathlib import Path

from ragarchive.ingest.discover import discover
from ragarchive.ingest.formats import parse

DIDL = Path(__file__).parent / "fixtures" / "didl"
DIDL_NAME = "ddd_010012345_mpeg21_didl.xml"
PAGES = ["ddd_010012345_mpeg21_p001_alto.xml", "ddd_010012345_mpeg21_p002_alto.xml"]


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "issue"
    shutil.copytree(DIDL, folder)
    return folder


def test_didl_is_the_metadata_of_its_alto_pages_not_a_source() -> None:
    sources, skipped = discover([DIDL])
    assert skipped == []
    assert [(s.path.name, s.kind) for s in sources] == [(p, "alto") for p in PAGES]
    assert all(s.related == (DIDL / DIDL_NAME,) for s in sources)


def test_alto_documents_get_the_issue_metadata() -> None:
    sources, _ = discover([DIDL])
    docs = [d for s in sources for d in parse(s).documents]
    assert [d.pages for d in docs] == [[1], [2]]
    for doc in docs:
        assert doc.newspaper == "Leeuwarder courant"  # the issue's dc:title, not an article's
        assert doc.date == "1872-01-05" and "date_source" not in doc.meta  # 1872/01/05 00:00:00
        assert doc.language == "nl"
        assert doc.meta["didl"] == DIDL_NAME
        assert doc.meta["didl_identifier"] == "ddd:010012345:mpeg21"
        assert doc.title is None


def test_didl_without_alto_is_skipped_with_its_reason(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    for name in PAGES:
        (folder / name).unlink()
    sources, skipped = discover([folder])
    assert sources == []
    assert [(p.name, why) for p, why in skipped] == [
        (DIDL_NAME, "DIDL metadata file (KB/Delpher) with no ALTO page beside it to describe")]


def test_several_didls_in_a_folder_go_by_identifier_stem(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    other = (folder / DIDL_NAME).read_text(encoding="utf-8").replace(
        "Leeuwarder courant", "Algemeen Handelsblad").replace("1872/01/05", "1870/03/01")
    (folder / "ddd_010099999_mpeg21_didl.xml").write_text(other, encoding="utf-8")
    shutil.copy(folder / PAGES[0], folder / "ddd_010099999_mpeg21_0001_alto.xml")
    (folder / "stray_alto.xml").write_bytes((folder / PAGES[0]).read_bytes())
    sources, skipped = discover([folder])
    assert skipped == []
    related = {s.path.name: [p.name for p in s.related] for s in sources}
    assert related == {
        "ddd_010012345_mpeg21_p001_alto.xml": [DIDL_NAME],
        "ddd_010012345_mpeg21_p002_alto.xml": [DIDL_NAME],
        "ddd_010099999_mpeg21_0001_alto.xml": ["ddd_010099999_mpeg21_didl.xml"],
        "stray_alto.xml": [],  # no DIDL names it, and the folder has two
    }
    [doc] = parse(next(s for s in sources if "010099999" in s.path.name)).documents
    assert (doc.newspaper, doc.date) == ("Algemeen Handelsblad", "1870-03-01")


def test_broken_or_hostile_didl_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    didl = folder / DIDL_NAME
    for broken, why in [
        ("<didl:DIDL xmlns:didl='urn:mpeg:mpeg21:2002:02-DIDL-NS'><didl:Item>", "not well-formed"),
        ('<!DOCTYPE didl:DIDL [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
         "<didl:DIDL xmlns:didl='urn:mpeg:mpeg21:2002:02-DIDL-NS'>&e;</didl:DIDL>", "entit"),
    ]:
        didl.write_text(broken, encoding="utf-8")
        sources, skipped = discover([folder])
        assert skipped == [] and len(sources) == 2
        for source in sources:
            result = parse(source)
            [warning] = result.warnings
            assert warning.startswith(f"DIDL metadata file {DIDL_NAME} not applied: ")
            assert why in warning.lower()
            [doc] = result.documents
            assert doc.newspaper is None and "didl" not in doc.meta and doc.raw_text


def test_delpher_issue_ingest_end_to_end(tmp_path: Path) -> None:
    from ragarchive.config import load_settings
    from ragarchive.services import build_ingestor

    folder = _copy(tmp_path)
    settings = load_settings(data_dir=tmp_path / "data", archive="t")
    report = build_ingestor(settings).run([folder])
    assert report.ok, [(f.path, f.error) for f in report.files if f.status == "failed"]
    assert sorted(Path(f.path).name for f in report.files if f.status == "ingested") == PAGES
    assert not [f for f in report.files if f.status == "skipped"]
    ingestor = build_ingestor(settings)
    rows = {r["doc_id"]: r for r in ingestor.db.documents()}
    assert set(rows) == {p.removesuffix(".xml") for p in PAGES}
    for row in rows.values():
        assert (row["newspaper"], row["date"], row["language"]) == (
            "Leeuwarder courant", "1872-01-05", "nl")
    assert {m["didl"] for m in ingestor.db.document_meta(list(rows)).values()} == {DIDL_NAME}
    # the DIDL is part of its pages' content: editing it re-ingests them
    didl = folder / DIDL_NAME
    didl.write_text(didl.read_text(encoding="utf-8").replace(
        "Leeuwarder courant", "Leeuwarder Courant"), encoding="utf-8")
    again = build_ingestor(settings).run([folder])
    assert again.count("ingested") == 2
    assert {r["newspaper"] for r in build_ingestor(settings).db.documents()} == {
        "Leeuwarder Courant"}
