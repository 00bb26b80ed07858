"""KB / Delpher DIDL files: the issue metadata of the ALTO pages beside them.

A Delpher newspaper issue is a folder with one MPEG-21 DIDL file (root ``didl:DIDL``,
``ddd_010012345_mpeg21_didl.xml``) and its ALTO pages (``ddd_010012345_mpeg21_p001_alto.xml``).
The DIDL is not a source of text: its sub-Items point at the pages and articles through resolver
URLs (``http://resolver.kb.nl/resolve?urn=…:alto``), which are never fetched. Its top Item's
``didl:Descriptor/didl:Statement`` holds the issue's Dublin Core: ``dc:title`` (the newspaper),
``dc:date``, ``dc:language``, identifiers. discover() attaches the DIDL to the ALTO files it
describes (``SourceFile.related``); :func:`apply_didl` gives their documents that metadata.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from ragarchive.errors import ParseError

from .common import ParseResult, iso_date, norm_language
from .xmlsafe import local_name, parse_xml

DIDL_NS = "urn:mpeg:mpeg21:2002:02-DIDL-NS"
DC_NS = "http://purl.org/dc/elements/1.1/"
_DCTERMS_NS = "http://purl.org/dc/terms/"
# ``ddd_010012345_mpeg21_didl`` -> ``ddd_010012345_mpeg21``: the stem the issue's files share.
_DIDL_SUFFIX = re.compile(r"[._-]?didl$", re.IGNORECASE)


def didl_stem(path: Path) -> str:
    """The identifier stem of a DIDL file name, lower case ('' for a bare ``didl.xml``)."""
    return _DIDL_SUFFIX.sub("", path.stem).lower()


def describes(didl: Path, alto: Path) -> bool:
    """True when the ALTO file's name starts with the DIDL's identifier stem (then a separator):
    ``ddd_010012345_mpeg21_didl.xml`` describes ``ddd_010012345_mpeg21_p001_alto.xml``."""
    stem, name = didl_stem(didl), alto.stem.lower()
    return bool(stem) and name.startswith(stem) and name[len(stem):len(stem) + 1] in "._-"


def read_didl(path: Path) -> dict[str, str]:
    """The issue metadata of a DIDL file: ``newspaper``, ``date`` (ISO), ``language`` (ISO
    639-1), ``identifier`` — those it gives. Raises ParseError for an unusable file."""
    root = parse_xml(path)  # refuses entities, never loads a DTD or the network
    if local_name(root) != "DIDL":
        raise ParseError(f"{path}: root element is <{local_name(root)}>, not <didl:DIDL>")
    item = next(iter(root.iterchildren(f"{{{DIDL_NS}}}Item")), None)
    if item is None:
        raise ParseError(f"{path}: DIDL has no top-level <didl:Item>")
    found: dict[str, str] = {}
    # The issue's own Statements, not those of its page and article sub-Items.
    for descriptor in item.iterchildren(f"{{{DIDL_NS}}}Descriptor"):
        for statement in descriptor.iterchildren(f"{{{DIDL_NS}}}Statement"):
            _read_statement(statement, found)
    if not found:
        raise ParseError(f"{path}: DIDL issue Item has no Dublin Core title, date or language")
    return found


def _read_statement(statement: etree._Element, found: dict[str, str]) -> None:
    values = {
        "newspaper": _texts(statement, DC_NS, "title"),
        "date": [d for v in (_texts(statement, DC_NS, "date")
                             + _texts(statement, _DCTERMS_NS, "issued"))
                 for d in [iso_date(v.replace("/", "-"))] if d],  # 1872/01/05 00:00:00 too
        "language": [c for v in _texts(statement, DC_NS, "language")
                     for c in [norm_language(v)] if c],
        "identifier": ([v for el in statement.iter() if local_name(el) == "recordIdentifier"
                        for v in [(el.text or "").strip()] if v]
                       + _texts(statement, DC_NS, "identifier")),
    }
    for key, candidates in values.items():
        if candidates and key not in found:
            found[key] = candidates[0]


def _texts(el: etree._Element, ns: str, name: str) -> list[str]:
    return [t for x in el.iter(f"{{{ns}}}{name}") for t in [" ".join((x.text or "").split())] if t]


def apply_didl(result: ParseResult, related: tuple[Path, ...]) -> ParseResult:
    """Give an ALTO file's documents the issue metadata of its DIDL file(s): newspaper and date
    (a value the file itself gives is kept), language when the file has none,
    ``meta["didl"]``. A DIDL that cannot be read is a warning; the pages are still indexed."""
    for didl in related:
        try:
            issue = read_didl(didl)
        except ParseError as exc:
            why = str(exc).removeprefix(f"{didl}: ")
            result.warnings.append(f"DIDL metadata file {didl.name} not applied: {why}")
            continue
        for doc in result.documents:
            doc.newspaper = doc.newspaper or issue.get("newspaper")
            doc.date = doc.date or issue.get("date")
            doc.language = doc.language or issue.get("language")
            doc.meta["didl"] = didl.name
            if "identifier" in issue:
                doc.meta.setdefault("didl_identifier", issue["identifier"])
    return result
