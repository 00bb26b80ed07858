"""Plain text with sidecars, legacy encodings, and JSONL manifests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragarchive.errors import ParseError
from ragarchive.ingest.discover import SourceFile
from ragarchive.ingest.formats import parse

TEXT = Path(__file__).parent / "fixtures" / "text"


def test_txt_with_json_sidecar() -> None:
    result = parse(SourceFile(TEXT / "gemeinderat.txt", "text", (TEXT / "gemeinderat.json",)))
    assert result.warnings == []
    [doc] = result.documents
    assert doc.doc_id == "ettelbruck-1902-05-14-p5-gemeinderat"
    assert doc.title == "Sitzung des Gemeinderates"
    assert doc.date == "1902-05-14" and doc.language == "de"
    assert doc.newspaper == "Ettelbrücker Anzeiger"
    assert doc.pages == [5] and {b.page for b in doc.blocks} == {5}
    assert doc.meta == {"format": "text", "collection": "demo"}
    assert [len(b.lines) for b in doc.blocks] == [1, 3, 1]
    assert doc.blocks[1].lines[2].text == "Die Kosten trägt die Gemeinde."
    assert doc.blocks[0].lines[0].words[0].conf is None


def test_windows_1252_is_detected_and_flagged() -> None:
    result = parse(SourceFile(TEXT / "legacy_cp1252.txt", "text"))
    assert result.warnings == ["decoded as windows-1252 (detected)"]
    [doc] = result.documents
    assert doc.doc_id == "legacy_cp1252" and doc.title is None and doc.pages == []
    assert "Bürgermeister eröffnete die Sitzung – „es geht um die Brücke“" in doc.raw_text
    assert "Les élèves de l'école ont reçu 5 € de prix." in doc.raw_text


def test_form_feeds_start_pages(tmp_path: Path) -> None:
    path = tmp_path / "issue.txt"
    path.write_text("Seite eins.\n\nNoch eins.\fSeite zwei.\r\n")
    [doc] = parse(SourceFile(path, "text")).documents
    assert [(b.page, b.text) for b in doc.blocks] == [
        (1, "Seite eins."), (1, "Noch eins."), (2, "Seite zwei.")]
    assert doc.pages == [1, 2]


def test_bad_sidecar_values_are_warnings(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Text.")
    (tmp_path / "a.json").write_text(json.dumps({"date": "7.12.1858", "language": "klingon",
                                                 "page": -1}))
    result = parse(SourceFile(tmp_path / "a.txt", "text"))
    assert len(result.warnings) == 3
    [doc] = result.documents
    assert doc.date is None and doc.language is None and doc.pages == []
    (tmp_path / "a.json").write_text("{broken")
    result = parse(SourceFile(tmp_path / "a.txt", "text"))
    assert result.warnings[0].startswith("sidecar a.json ignored")


def test_empty_and_binary_text(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text(" \n\n ")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    for name in ("empty.txt", "blank.txt"):
        with pytest.raises(ParseError, match="empty file"):
            parse(SourceFile(tmp_path / name, "text"))
    with pytest.raises(ParseError, match="binary"):
        parse(SourceFile(tmp_path / "bin.txt", "text"))


def test_utf16_with_bom(tmp_path: Path) -> None:
    (tmp_path / "w.txt").write_bytes("Grüße aus Köln".encode("utf-16"))
    result = parse(SourceFile(tmp_path / "w.txt", "text"))
    assert result.documents[0].raw_text == "Grüße aus Köln"
    assert "utf-16" in result.warnings[0]


def test_jsonl_manifest() -> None:
    result = parse(SourceFile(TEXT / "manifest.jsonl", "jsonl"))
    docs = {d.doc_id: d for d in result.documents}
    assert list(docs) == ["lux-1871-001", "42", "lux-1871-003", "lux-1871-005"]
    first = docs["lux-1871-001"]
    assert (first.title, first.date, first.language, first.newspaper, first.pages) == (
        "Regierungsbeschluss", "1871-03-18", "de", "Luxemburger Wort", [2])
    assert [b.text for b in first.blocks] == ["Die Regierung hat beschlossen.", "Die Brücke wird gebaut."]
    assert first.raw_text != "A second record with the same id."  # duplicates keep the first
    assert docs["42"].date == "1871-03" and docs["42"].language == "fr"
    assert docs["lux-1871-003"].language == "en" and docs["lux-1871-003"].date is None
    # U+2028 inside a JSON string does not split the record
    assert docs["lux-1871-005"].raw_text == "Encore un texte. Avec un séparateur."
    lines = [w.split(":")[0] for w in result.warnings]
    assert lines == ["line 4", "line 5", "line 6", "line 7", "line 8", "line 9", "line 10"]
    assert "duplicate id 'lux-1871-001'" in result.warnings[5]


def test_jsonl_without_valid_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1}\nnot json\n')
    with pytest.raises(ParseError, match="no valid record.*line 1"):
        parse(SourceFile(path, "jsonl"))


def test_jsonl_hipe_records_use_the_ocr_text_not_the_ground_truth(tmp_path: Path) -> None:
    record = {
        "document_metadata": {"document_id": "BNN-1887-03-17-a-p0004_par24", "date": "1887-03-17",
                              "language": "de", "publication_title": "BNN"},
        "ocr_hypothesis": {"transcription_unit": "Dic Regierung"},
        "ground_truth": {"transcription_unit": "Die Regierung"},
    }
    path = tmp_path / "hipe.jsonl"
    path.write_text(json.dumps(record) + "\n")
    [doc] = parse(SourceFile(path, "jsonl")).documents
    assert doc.doc_id == "BNN-1887-03-17-a-p0004_par24"
    assert doc.raw_text == "Dic Regierung" and doc.date == "1887-03-17" and doc.language == "de"
