"""Page images OCR'd by the real tesseract (eng, deu, fra, frk installed), read via hOCR.

Images are rendered with Pillow into tmp_path (no binaries in the repository). No Fraktur font
is installed on these machines, so the "frk" model is exercised on roman type.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from ragarchive.errors import MissingToolError, ParseError
from ragarchive.ingest.discover import SourceFile
from ragarchive.ingest.formats import images, parse

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None,
                                     reason="tesseract is not installed")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")


def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.truetype(str(DEJAVU), 28) if DEJAVU.is_file() else ImageFont.load_default(size=28)


def render(lines: list[str], size: tuple[int, int] = (900, 200), mode: str = "L") -> Image.Image:
    im = Image.new("L", size, 255)
    draw = ImageDraw.Draw(im)
    for i, text in enumerate(lines):
        draw.text((30, 30 + 50 * i), text, font=_font(), fill=0)
    return im.convert(mode)


@needs_tesseract
@pytest.mark.slow
def test_png_page_is_ocrd_with_words_confidences_and_boxes(tmp_path: Path) -> None:
    path = tmp_path / "luxwort" / "scan-0003.png"
    path.parent.mkdir()
    render(["Die Regierung hat gestern beschlossen,",
            "Le conseil municipal se réunira demain."]).save(path)
    result = parse(SourceFile(path, "image"))
    assert result.warnings == []
    [doc] = result.documents
    assert doc.doc_id == "luxwort/scan-0003" and doc.pages == [3]
    assert doc.meta["format"] == "image" and doc.meta["image"] == str(path)
    assert doc.meta["ocr_languages_requested"] == "deu+fra+eng"
    assert doc.meta["ocr_engine"].startswith("tesseract")
    assert "Regierung" in doc.raw_text and "conseil municipal" in doc.raw_text
    words = [w for b in doc.blocks for ln in b.lines for w in ln.words]
    assert all(w.conf is not None and 0 <= w.conf <= 1 for w in words)
    assert all(w.box and 0 <= w.box[0] < 900 and 0 <= w.box[1] < 200 for w in words)
    assert all(b.page == 3 for b in doc.blocks)


@needs_tesseract
@pytest.mark.slow
def test_multi_page_tiff_with_alpha_and_fraktur_model(tmp_path: Path) -> None:
    path = tmp_path / "issue.tif"
    first = render(["Erste Seite der Zeitung."], (700, 120))
    second = render(["Zweite Seite der Zeitung."], (700, 120))
    first.save(path, save_all=True, append_images=[second])
    docs = parse(SourceFile(path, "image"), ocr_languages="frk").documents
    assert [(d.doc_id, d.pages) for d in docs] == [("issue#p1", [1]), ("issue#p2", [2])]
    assert "Erste Seite" in docs[0].raw_text and "Zweite Seite" in docs[1].raw_text
    rgba = tmp_path / "transparent.png"
    render(["Zeitung"], (400, 100), "RGBA").save(rgba)
    [doc] = parse(SourceFile(rgba, "image"), ocr_languages="deu").documents
    assert "Zeitung" in doc.raw_text


@needs_tesseract
def test_missing_language_pack_names_the_apt_package(tmp_path: Path) -> None:
    path = tmp_path / "p.png"
    render(["x"]).save(path)
    with pytest.raises(MissingToolError, match="apt install tesseract-ocr-xyz"):
        parse(SourceFile(path, "image"), ocr_languages="deu+xyz")


def test_missing_tesseract_says_what_to_install(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.png"
    render(["x"]).save(path)
    monkeypatch.setattr(images.shutil, "which", lambda name: None)
    with pytest.raises(MissingToolError, match=r"needs tesseract-ocr \(apt install tesseract-ocr "
                       r"tesseract-ocr-deu tesseract-ocr-fra tesseract-ocr-eng\)"):
        parse(SourceFile(path, "image"))


@needs_tesseract
@pytest.mark.parametrize("languages", ["", "deu;rm", "-l eng", "deu + fra"])
def test_invalid_language_lists(tmp_path: Path, languages: str) -> None:
    path = tmp_path / "p.png"
    render(["x"]).save(path)
    with pytest.raises(ParseError, match="invalid OCR language list"):
        parse(SourceFile(path, "image"), ocr_languages=languages)


@needs_tesseract
def test_unreadable_and_empty_images(tmp_path: Path) -> None:
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"this is not a png" * 10)
    with pytest.raises(ParseError, match="not a readable image"):
        parse(SourceFile(junk, "image"))
    empty = tmp_path / "empty.tif"
    empty.write_bytes(b"")
    with pytest.raises(ParseError, match="empty file"):
        parse(SourceFile(empty, "image"))


def test_apt_package_names() -> None:
    assert images.apt_package("deu") == "tesseract-ocr-deu"
    assert images.apt_package("chi_sim") == "tesseract-ocr-chi-sim"
    assert images.apt_package("script/Fraktur") == "tesseract-ocr-script-fraktur"
