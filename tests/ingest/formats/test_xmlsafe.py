"""XML safety: hostile, malformed, binary and empty XML is a ParseError, never expanded or fetched."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from ragarchive.errors import ParseError
from ragarchive.ingest.discover import SourceFile
from ragarchive.ingest.formats import parse, xmlsafe

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = FIXTURES / "hostile"
XML_KINDS = ("alto", "mets", "pagexml", "hocr")


@pytest.mark.parametrize("kind", XML_KINDS)
def test_billion_laughs_is_refused_not_expanded(kind: str) -> None:
    with pytest.raises(ParseError, match="declares entities"):
        parse(SourceFile(HOSTILE / "billion_laughs.xml", kind))


@pytest.mark.parametrize("name", ["xxe.xml", "xxe_parameter.xml"])
@pytest.mark.parametrize("kind", XML_KINDS)
def test_external_entities_are_refused(name: str, kind: str) -> None:
    with pytest.raises(ParseError, match="declares entities") as err:
        parse(SourceFile(HOSTILE / name, kind))
    assert str(HOSTILE / name) in str(err.value)
    assert "root:" not in str(err.value)  # /etc/passwd was never read into the message


def test_billion_laughs_in_utf16_is_refused_too(tmp_path: Path) -> None:
    text = (HOSTILE / "billion_laughs.xml").read_text().replace('<?xml version="1.0"?>', "")
    path = tmp_path / "wide.xml"
    path.write_bytes(text.encode("utf-16"))
    with pytest.raises(ParseError, match="declares entities"):
        parse(SourceFile(path, "alto"))


def test_entities_are_also_caught_after_parsing() -> None:
    """Second line of defence: even if the byte scan missed a declaration, the parsed internal
    DTD is checked and nothing is resolved."""
    data = (HOSTILE / "xxe.xml").read_bytes()
    root = etree.fromstring(data, xmlsafe._parser())  # same settings, without the pre-scan
    with pytest.raises(ParseError, match="declares entities"):
        xmlsafe._check_parsed_dtd(root, "xxe.xml")
    assert "root:" not in "".join(root.itertext())


@pytest.mark.parametrize("kind", XML_KINDS)
def test_malformed_xml(kind: str) -> None:
    with pytest.raises(ParseError) as err:
        parse(SourceFile(HOSTILE / "malformed.xml", kind))
    assert "malformed.xml" in str(err.value)


@pytest.mark.parametrize("kind", XML_KINDS)
def test_empty_file(kind: str) -> None:
    with pytest.raises(ParseError, match="empty file"):
        parse(SourceFile(HOSTILE / "empty.xml", kind))


@pytest.mark.parametrize("kind", XML_KINDS)
def test_binary_junk_named_xml(tmp_path: Path, kind: str) -> None:
    junk = tmp_path / "scan.xml"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    with pytest.raises(ParseError, match="binary data"):
        parse(SourceFile(junk, kind))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="file not found"):
        parse(SourceFile(tmp_path / "nope.xml", "alto"))


def test_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(b"<alto>" + b" " * 5000 + b"</alto>")
    with pytest.raises(ParseError, match="over the"):
        xmlsafe.read_bytes(path, max_bytes=1000)


def test_doctype_without_entities_is_allowed() -> None:
    root = xmlsafe.parse_xml(FIXTURES / "hocr" / "tesseract_page.hocr")
    assert xmlsafe.local_name(root) == "html"


def test_deep_nesting_is_a_parse_error() -> None:
    data = b"<a>" * 100_000 + b"</a>" * 100_000
    with pytest.raises(ParseError):
        xmlsafe.parse_xml_bytes(data, "deep.xml")


@pytest.mark.parametrize(
    ("data", "root"),
    [
        (b'<?xml version="1.0"?>\n<!-- c --><mets:mets xmlns:mets="x"/>', "mets"),
        (b"\xef\xbb\xbf<alto/>", "alto"),
        (b'<!DOCTYPE x [ <!ELEMENT x ANY> ]><PcGts/>', "PcGts"),
        ("<?xml version='1.0' encoding='utf-16'?><alto/>".encode("utf-16"), "alto"),
        (b"not xml at all", None),
        (b"\x00\x01\x02", None),
    ],
)
def test_sniff_root(data: bytes, root: str | None) -> None:
    assert xmlsafe.sniff_root(data) == root
