"""MODS metadata in the dmdSecs of a METS file: titles, languages, issue dates, authors and the
record identifier of each section."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .common import iso_date, norm_language
from .xmlsafe import local_name


@dataclass
class Mods:
    titles: list[tuple[str | None, str]] = field(default_factory=list)  # (xml:lang, title)
    languages: list[str] = field(default_factory=list)  # ISO 639-1
    dates: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    record_id: str | None = None

    @property
    def title(self) -> str | None:
        return " ".join(t for _, t in self.titles) or None


def dmd_sections(root: etree._Element) -> dict[str, Mods]:
    """dmdSec ID -> its MODS, for every dmdSec that holds one."""
    out: dict[str, Mods] = {}
    for dmd in root.iter("{*}dmdSec"):
        mods = next((m for m in dmd.iter("{*}mods")), None)
        if dmd.get("ID") and mods is not None:
            out[dmd.get("ID")] = _read_mods(mods)
    return out


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
    return out


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())

