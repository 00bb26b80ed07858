"""The one way this project reads XML (METS, ALTO, PAGE, hOCR): safe against hostile files.

Every XML byte string goes through :func:`parse_xml_bytes`, which

* refuses files that are empty, too large, or binary, with a message saying so;
* refuses any document that declares entities (``<!ENTITY`` in its DTD) *before* parsing, so
  "billion laughs" and external-entity (XXE) files are rejected, never expanded or fetched;
* parses with lxml set to ``resolve_entities=False, no_network=True, load_dtd=False,
  huge_tree=False`` (libxml2's size and depth limits stay on), and checks the parsed internal DTD
  once more as a second line of defence.

A plain ``<!DOCTYPE html PUBLIC ...>`` without entity declarations (as tesseract writes in hOCR)
is allowed: the external DTD is never loaded.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from ragarchive.errors import ParseError

# Large enough for any real page or issue file (big METS files are a few MB, ALTO pages < 10 MB),
# small enough that one bad file cannot exhaust memory.
MAX_FILE_BYTES = 200 * 1024 * 1024

# How much of a file discover() reads to recognise it.
SNIFF_BYTES = 64 * 1024

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# "<?" or "<x" written in UTF-16/32 without a BOM.
_WIDE_STARTS = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)


def read_bytes(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """Read a whole input file, refusing missing, empty and oversized files with ParseError."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ParseError(f"{path}: file not found") from None
    except OSError as exc:
        raise ParseError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    if size > max_bytes:
        raise ParseError(
            f"{path}: file is {size / 2**20:.0f} MB, over the {max_bytes / 2**20:.0f} MB limit "
            "for one input file; split it or raise the limit"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    if not data.strip():
        raise ParseError(f"{path}: empty file")
    return data


def wide_encoding(data: bytes) -> str | None:
    """The UTF-16/32 flavour of an XML byte string, or None when it is ASCII-compatible."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return None if name == "utf-8" else name
    for start, name in _WIDE_STARTS:
        if data.startswith(start):
            return name
    return None


def looks_binary(data: bytes) -> bool:
    """NUL bytes in an ASCII-compatible file mean it is not text (images, archives, junk)."""
    return wide_encoding(data) is None and b"\x00" in data[:SNIFF_BYTES]


def decode_head(data: bytes) -> str:
    """The first bytes as text, good enough to look for tags (never used for content)."""
    head = data[: SNIFF_BYTES]
    enc = wide_encoding(head) or "utf-8"
    return head.decode(enc, errors="replace").lstrip("\ufeff")


def declares_entities(data: bytes) -> bool:
    """True when a DOCTYPE declares entities (the only way to expand or fetch anything)."""
    enc = wide_encoding(data)
    if enc is None:
        text_doctype, text_entity = b"<!DOCTYPE", b"<!ENTITY"
        at = data.find(text_doctype)
        return at >= 0 and data.find(text_entity, at) >= 0
    text = data.decode(enc, errors="replace")
    at = text.find("<!DOCTYPE")
    return at >= 0 and text.find("<!ENTITY", at) >= 0


def _parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers keep state and are not thread-safe.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def check_xml_bytes(data: bytes, name: str) -> None:
    """Reject empty, binary and entity-declaring input before any parser sees it."""
    if not data.strip():
        raise ParseError(f"{name}: empty file")
    if looks_binary(data):
        raise ParseError(f"{name}: binary data, not XML")
    if declares_entities(data):
        raise ParseError(
            f"{name}: the XML declares entities in a DTD (<!ENTITY ...>); refused because such "
            "files can expand without limit or read other files (billion laughs, XXE)"
        )


def parse_xml_bytes(data: bytes, name: str) -> etree._Element:
    """Parse XML safely and return its root element; any problem becomes a ParseError."""
    check_xml_bytes(data, name)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        if "amplification" in str(exc):
            # Entities declared where the byte scan cannot see them (UTF-7, say) and expanding
            # without bound: libxml2 stopped it; report it as what it is, with no HTML retry.
            raise ParseError(f"{name}: the XML declares entities that expand without limit; "
                             "refused (billion laughs)") from None
        raise ParseError(f"{name}: not well-formed XML ({_short(exc)})") from None
    except (ValueError, etree.LxmlError) as exc:
        raise ParseError(f"{name}: cannot parse XML ({_short(exc)})") from None
    if root is None:
        raise ParseError(f"{name}: no XML root element")
    _check_parsed_dtd(root, name)
    return root


def parse_xml(path: Path) -> etree._Element:
    """Read and safely parse one XML file."""
    return parse_xml_bytes(read_bytes(path), str(path))


def parse_html_bytes(data: bytes, name: str) -> etree._Element:
    """Parse HTML that is not well-formed XML (hOCR from non-tesseract tools) with the same guards."""
    check_xml_bytes(data, name)
    parser = etree.HTMLParser(no_network=True, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError) as exc:
        raise ParseError(f"{name}: cannot parse HTML ({_short(exc)})") from None
    if root is None:
        raise ParseError(f"{name}: no HTML content")
    return root


def _check_parsed_dtd(root: etree._Element, name: str) -> None:
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ParseError(f"{name}: the XML declares entities in its DTD; refused")


def local_name(el: etree._Element) -> str:
    """Tag without namespace: ALTO v2/v3/v4, CCS ALTO and PAGE 2013/2019 all match the same way."""
    tag = el.tag
    if not isinstance(tag, str):  # comments and processing instructions
        return ""
    return tag.rsplit("}", 1)[-1]


def namespace(el: etree._Element) -> str:
    tag = el.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


_NAME = re.compile(r"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


def sniff_root(data: bytes) -> str | None:
    """Local name of the root element, found by skipping the prolog in the first bytes.

    Used by discover() to classify ``.xml`` files without parsing them; returns None when no
    element start is found (empty, binary, or not XML).
    """
    if looks_binary(data):
        return None
    text = decode_head(data)
    i, n = 0, len(text)
    while i < n:
        i = text.find("<", i)
        if i < 0:
            return None
        if text.startswith("<?", i):
            i = _skip(text, i, "?>")
        elif text.startswith("<!--", i):
            i = _skip(text, i, "-->")
        elif text.startswith("<!", i):
            i = _skip_declaration(text, i)
        else:
            m = _NAME.match(text, i)
            return m.group(2) if m else None
        if i < 0:
            return None
    return None


def _skip(text: str, i: int, end: str) -> int:
    j = text.find(end, i)
    return -1 if j < 0 else j + len(end)


def _skip_declaration(text: str, i: int) -> int:
    """Skip ``<!DOCTYPE ... [ internal subset ] >``."""
    depth = 0
    for j in range(i + 2, len(text)):
        c = text[j]
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        elif c == ">" and depth <= 0:
            return j + 1
    return -1


def _short(exc: Exception) -> str:
    msg = str(exc).strip() or type(exc).__name__
    return msg if len(msg) <= 200 else msg[:197] + "..."
