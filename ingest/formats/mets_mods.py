"""Descriptive metadata in the dmdSecs of a METS file: titles, languages, issue dates, authors and
identifiers of each section, from MODS or, where a dmdSec has no MODS, from simple Dublin Core
(BnF SPAR manifests: ``dc:title``, ``dc:date``, ``dc:identifier``, ``dc:language``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .common import iso_date, norm_language
from .mets_structmap import UNIT_TYPES, div_type, inside_unit, struct_map
from .xmlsafe import local_name, namespace

_DC = ("http://purl.org/dc/elements/1.1/", "http://purl.org/dc/terms/")


@dataclass
class Mods:
    titles: list[tuple[str | None, str]] = field(default_factory=list)  # (xml:lang, title)
    languages: list[str] = field(default_factory=list)  # ISO 639-1
    dates: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    record_id: str | None = None
    identifiers: list[str] = field(default_factory=list)  # recordIdentifier first, then others

    @property
    def title(self) -> str | None:
        return " ".join(t for _, t in self.titles) or None


def dmd_sections(root: etree._Element) -> dict[str, Mods]:
    """dmdSec ID -> its MODS, for every dmdSec that holds one."""
    out: dict[str, Mods] = {}
    for dmd in root.iter("{*}dmdSec"):
        if not dmd.get("ID"):
            continue
        mods = next((m for m in dmd.iter("{*}mods")), None)
        if mods is not None:
            out[dmd.get("ID")] = _read_mods(mods)
        else:
            dc = _read_dc(dmd)
            if dc is not None:
                out[dmd.get("ID")] = dc
    return out


def _read_dc(dmd: etree._Element) -> Mods | None:
    """Simple Dublin Core (``dc:``/``dcterms:`` elements anywhere in the dmdSec), or None."""
    elements = [el for el in dmd.iter() if isinstance(el.tag, str) and namespace(el) in _DC]
    if not elements:
        return None
    out = Mods()
    dates: list[str] = []
    for el in elements:
        name, value = local_name(el), _text(el)
        if not value:
            continue
        if name == "title":
            out.titles.append((el.get("{http://www.w3.org/XML/1998/namespace}lang"), value))
        elif name == "language":
            code = norm_language(value)
            if code and code not in out.languages:
                out.languages.append(code)
        elif name in ("date", "issued", "created"):
            # BnF writes 1890/01/01 as well as 1890-01-01
            dates.append(value.replace("/", "-") if value[:4].isdigit() else value)
        elif name == "identifier":
            out.identifiers.append(value)
        elif name == "creator":
            out.authors.append(value)
    out.dates = [d for d in (iso_date(x) for x in dates) if d]
    return out


def issue_metadata(root: etree._Element, dmd: dict[str, Mods], logical: etree._Element | None,
                   outer: Mods | None = None) -> Mods:
    """MODS (or DC) of the issue: sections referenced by non-article divisions (VOLUME, ISSUE,
    the physical root) -- the dmdSecs that describe the whole issue rather than one article --,
    then sections no division references (an OCR-D workspace's). The most precise date comes
    first (an issue's day before its title's years). ``outer``: the metadata of the METS that
    lists this one (a table of contents takes what it lacks from its package manifest)."""
    ids = [i for _, i in _issue_sections(root, logical)] + _unreferenced_sections(root, dmd)
    merged = Mods()
    for dmd_id in dict.fromkeys(ids):
        mods = dmd.get(dmd_id)
        if mods is None:
            continue
        merged.titles = merged.titles or mods.titles[:1]
        merged.languages += [x for x in mods.languages if x not in merged.languages]
        merged.dates += mods.dates
        merged.record_id = merged.record_id or mods.record_id
    merged.dates.sort(key=lambda d: -len(d))
    if outer is not None:
        merged.titles = merged.titles or outer.titles
        merged.languages = merged.languages or outer.languages
        merged.dates = merged.dates or outer.dates
        merged.record_id = merged.record_id or outer.record_id
    return merged


def issue_identifier(root: etree._Element, dmd: dict[str, Mods]) -> str | None:
    """The issue's own identifier: from the deepest non-article division's section (an issue
    inside its title's), else from a section no division references."""
    sections = _issue_sections(root, struct_map(root, "logical"))
    for _, dmd_id in sorted(sections, key=lambda s: -s[0]):  # stable: METS order on ties
        if dmd_id in dmd and dmd[dmd_id].identifiers:
            return dmd[dmd_id].identifiers[0]
    for dmd_id in _unreferenced_sections(root, dmd):
        if dmd[dmd_id].identifiers:
            return dmd[dmd_id].identifiers[0]
    return None


def _issue_sections(root: etree._Element, logical: etree._Element | None) -> list[tuple[int, str]]:
    """(depth, dmdSec ID) referenced by the divisions that are not articles, in METS order."""
    out: list[tuple[int, str]] = []
    for smap in (logical, struct_map(root, "physical")):
        if smap is None:
            continue
        for div in smap.iter("{*}div"):
            if div_type(div) in UNIT_TYPES or inside_unit(div):
                continue
            depth = sum(1 for a in div.iterancestors() if local_name(a) == "div")
            out += [(depth, i) for i in div.get("DMDID", "").split()]
    return out


def _unreferenced_sections(root: etree._Element, dmd: dict[str, Mods]) -> list[str]:
    used = {i for el in root.iter("{*}div", "{*}file") for i in el.get("DMDID", "").split()}
    return [i for i in dmd if i not in used]


def _read_mods(mods: etree._Element) -> Mods:
    out = Mods()
    for ti in mods.iter("{*}titleInfo"):
        if ti.get("type") in ("abbreviated", "uniform", "alternative"):
            continue
        parts = [_text(c) for c in ti if local_name(c) in ("nonSort", "title", "subTitle")]
        title = " ".join(p for p in parts if p)
        if title:
            out.titles.append((ti.get("{http://www.w3.org/XML/1998/namespace}lang"), title))
    for term in mods.iter("{*}languageTerm"):
        code = norm_language(_text(term))
        if code and code not in out.languages:
            out.languages.append(code)
    dates = list(mods.iter("{*}dateIssued"))
    dates.sort(key=lambda d: d.get("keyDate") != "yes")
    out.dates = [d for d in (iso_date(_text(x)) for x in dates) if d]
    for name in mods.iter("{*}name"):
        parts = [_text(p) for p in name.iter("{*}namePart")]
        if any(parts):
            out.authors.append(" ".join(p for p in parts if p))
    rec = next(iter(mods.iter("{*}recordIdentifier")), None)
    out.record_id = _text(rec) if rec is not None else None
    # The record's own identifiers, not those of a relatedItem (the host title of an issue).
    ids = [_text(x) for name in ("recordIdentifier", "identifier")
           for x in mods.iter(f"{{*}}{name}")
           if not any(local_name(a) == "relatedItem" for a in x.iterancestors())]
    out.identifiers = list(dict.fromkeys(x for x in ids if x))
    return out


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())

