"""MUFI private-use characters: indexed as their letters, kept in the raw text for display."""

from __future__ import annotations

import shutil
from pathlib import Path

from ragarchive.config import load_settings
from ragarchive.ingest.clean import clean_document
from ragarchive.ingest.discover import SourceFile
from ragarchive.ingest.formats import parse
from ragarchive.services import build_ingestor

PAGE = Path(__file__).parent / "formats" / "fixtures" / "pagexml" / "mufi_print_1757.xml"


def test_mufi_letters_are_cleaned_and_the_raw_text_keeps_them() -> None:
    [doc] = parse(SourceFile(PAGE, "pagexml")).documents
    assert "Chri\ueadaian" in doc.raw_text and "G\ue644tz" in doc.raw_text
    text = clean_document(doc).text
    assert text == ("Geistliche Oden und Lieder von Christian Fürchtegott Gellert. "
                    "Gedruckt bey Götz, nach dem Dictionarium.")


def test_a_mufi_word_is_found_by_its_plain_spelling(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(PAGE, src / PAGE.name)
    ingestor = build_ingestor(load_settings(data_dir=tmp_path / "data", archive="t"))
    assert ingestor.run([src]).ok
    assert ingestor.db.search_words("Christian") and ingestor.db.search_words("Gedruckt")
    [(raw,)] = ingestor.db.conn.execute("SELECT raw_text FROM documents").fetchall()
    assert "Chri\ueadaian" in raw
