"""Building the Documents of one METS issue: one per article-like division, its text from the
ALTO blocks its areas name, its metadata from MODS; one per ALTO page when there are no articles.
See ``mets.py`` for how a METS issue is read."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree

from ragarchive.errors import ParseError
from ragarchive.types import Block, Document

from .alto import AltoFile, read_alto
from .common import ParseResult, base_id, date_from_name
from .mets_files import MetsFile, image_sizes, physical_pages, read_files
from .mets_mods import Mods, dmd_sections
from .mets_structmap import UNIT_TYPES, article_units, div_type, inside_unit, struct_map
from .xmlsafe import local_name

_PLACEHOLDER = re.compile(r"placeholder", re.IGNORECASE)


class IssueReader:
    """One METS issue, read into its Documents and warnings by ``read()``."""

    def __init__(self, path: Path, root: etree._Element) -> None:
        self.path = path
        self.root = root
        self.warnings: list[str] = []
        self.files = read_files(root, path.parent)
        self.dmd = dmd_sections(root)
        self.page_of = physical_pages(root, self.files)
        self.image_sizes = image_sizes(root, self.files, self.page_of)
        self.issue_id = _issue_id(root, path)
        self._alto: dict[str, AltoFile | None] = {}
        self._unknown_files: set[str] = set()

    def read(self) -> ParseResult:
        logical = struct_map(self.root, "logical")
        units, areas = article_units(logical) if logical is not None else ([], [])
        issue = self._issue_mods(logical)
        newspaper = issue.title
        date = next(iter(issue.dates), None) or date_from_name(
            self.path.stem, self.path.parent.name, self.root.get("OBJID", "")
        )
        common = {"newspaper": newspaper, "date": date}
        if units:
            docs = [self._unit_document(u, areas.get(u, []), common, i)
                    for i, u in enumerate(units)]
        else:
            self.warnings.append("no article divisions in the logical structMap; one document per page")
            docs = self._page_documents(common)
        self._dedupe_ids(docs)
        box_unit = self._box_unit()
        for doc in docs:
            doc.meta.setdefault("box_unit", box_unit)
            doc.meta["issue_languages"] = issue.languages
            if issue.record_id:
                doc.meta["issue_record_id"] = issue.record_id
        self._summarise(docs)
        return ParseResult(docs, self.warnings)

    # -- issue-level metadata

    def _issue_mods(self, logical: etree._Element | None) -> Mods:
        """MODS of the issue: sections referenced by non-article divisions (VOLUME, ISSUE, the
        physical root) -- the dmdSecs that describe the whole issue rather than one article."""
        ids: list[str] = []
        for smap in (logical, struct_map(self.root, "physical")):
            if smap is None:
                continue
            for div in smap.iter("{*}div"):
                if div_type(div) in UNIT_TYPES or inside_unit(div):
                    continue
                ids += div.get("DMDID", "").split()
        merged = Mods()
        for dmd_id in dict.fromkeys(ids):
            mods = self.dmd.get(dmd_id)
            if mods is None:
                continue
            merged.titles = merged.titles or mods.titles[:1]
            merged.languages += [x for x in mods.languages if x not in merged.languages]
            merged.dates += mods.dates
            merged.record_id = merged.record_id or mods.record_id
        return merged

    # -- one article

    def _unit_document(self, div: etree._Element, areas: list[tuple[etree._Element, bool]],
                       common: dict[str, Any], index: int) -> Document:
        mods = self._mods_of(div)
        blocks: list[Block] = []
        seen: set[int] = set()
        pages: list[int] = []
        missing_pages: list[int] = []
        missing_blocks: list[str] = []
        inherited: list[str] = []
        for area, from_container in areas:
            found = self._area_blocks(area, pages, missing_pages, missing_blocks)
            for block in found:
                if id(block) in seen:
                    continue
                seen.add(id(block))
                blocks.append(block)
                if from_container and block.block_id:
                    inherited.append(block.block_id)
        label = div.get("LABEL")
        title = mods.title or (label if label and not _PLACEHOLDER.search(label) else None)
        unit_id = div.get("ID") or (div.get("DMDID", "").split() or [f"unit{index + 1}"])[0]
        meta: dict[str, Any] = {
            "format": "mets",
            "issue_id": self.issue_id,
            "article_id": unit_id,
            "dmdid": div.get("DMDID"),
            "type": div.get("TYPE"),
            "label": label,
            "titles": [{"lang": lang, "title": t} for lang, t in mods.titles],
            "section": _section_title(div, self),
            "missing_pages": sorted(set(missing_pages)),
        }
        if mods.authors:
            meta["authors"] = mods.authors
        if inherited:
            meta["section_blocks"] = inherited
        if missing_blocks:
            meta["missing_blocks"] = missing_blocks
        return Document(
            doc_id=f"{self.issue_id}/{unit_id}",
            source_path=str(self.path),
            blocks=blocks,
            title=title,
            date=common["date"],
            language=self._language_of(div, mods),
            newspaper=common["newspaper"],
            pages=sorted(set(pages)),
            meta=meta,
        )

    def _area_blocks(self, area: etree._Element, pages: list[int], missing_pages: list[int],
                     missing_blocks: list[str]) -> list[Block]:
        file_id = area.get("FILEID", "")
        mets_file = self.files.get(file_id)
        if mets_file is None:
            self._unknown_files.add(file_id)
            return []
        if not mets_file.is_text:
            return []  # image/PDF areas carry no text
        page = self.page_of.get(file_id)
        if page is not None:
            pages.append(page)
        alto = self._load(mets_file)
        if alto is None:
            if page is not None:
                missing_pages.append(page)
            return []
        begin, end = area.get("BEGIN"), area.get("END")
        if not begin:
            return alto.blocks
        found = alto.index.get(begin)
        if found is None:
            missing_blocks.append(begin)
            return []
        if end and end != begin and end in alto.index:
            return _block_range(alto, found, alto.index[end])
        return found

    def _load(self, mets_file: MetsFile) -> AltoFile | None:
        if mets_file.file_id in self._alto:
            return self._alto[mets_file.file_id]
        alto: AltoFile | None = None
        page = self.page_of.get(mets_file.file_id)
        where = f"page {page} " if page is not None else ""
        if mets_file.path is None or not mets_file.path.is_file():
            self.warnings.append(
                f"ALTO {where}file {mets_file.href!r} referenced by the METS is missing; "
                "articles on that page lack its text"
            )
        else:
            try:
                alto = read_alto(mets_file.path, image_sizes=self.image_sizes, page_hint=page)
            except ParseError as exc:
                self.warnings.append(f"ALTO {where}skipped: {exc}")
        self._alto[mets_file.file_id] = alto
        return alto

    def _mods_of(self, div: etree._Element) -> Mods:
        merged = Mods()
        for dmd_id in div.get("DMDID", "").split():
            mods = self.dmd.get(dmd_id)
            if mods is not None:
                merged.titles += mods.titles
                merged.languages += mods.languages
                merged.authors += mods.authors
        return merged

    def _language_of(self, div: etree._Element, mods: Mods) -> str | None:
        if mods.languages:
            return mods.languages[0]
        for ancestor in div.iterancestors():
            if local_name(ancestor) != "div":
                break
            langs = self._mods_of(ancestor).languages
            if len(set(langs)) == 1:  # an issue in two languages says nothing about one article
                return langs[0]
        return None

    def _box_unit(self) -> str:
        units = {a.box_unit for a in self._alto.values() if a is not None}
        return units.pop() if len(units) == 1 else ("mixed" if units else "unknown")

    # -- fallbacks and reporting

    def _page_documents(self, common: dict[str, Any]) -> list[Document]:
        docs = []
        for file_id, mets_file in self.files.items():
            if not mets_file.is_text:
                continue
            alto = self._load(mets_file)
            if alto is None:
                continue
            page = self.page_of.get(file_id)
            docs.append(Document(
                doc_id=f"{self.issue_id}/{file_id}",
                source_path=str(self.path),
                blocks=alto.blocks,
                date=common["date"],
                newspaper=common["newspaper"],
                pages=[page] if page is not None else [],
                meta={"format": "mets", "issue_id": self.issue_id, "box_unit": alto.box_unit},
            ))
        if not docs:
            raise ParseError(f"{self.path}: METS has neither article divisions nor readable ALTO pages")
        return docs

    def _dedupe_ids(self, docs: list[Document]) -> None:
        seen: dict[str, int] = {}
        for doc in docs:
            n = seen.get(doc.doc_id, 0)
            seen[doc.doc_id] = n + 1
            if n:
                doc.doc_id = f"{doc.doc_id}-{n + 1}"

    def _summarise(self, docs: list[Document]) -> None:
        if self._unknown_files:
            self.warnings.append(
                "areas refer to FILEIDs not in the fileSec: " + ", ".join(sorted(self._unknown_files))
            )
        missing = sorted({b for d in docs for b in d.meta.get("missing_blocks", [])})
        if missing:
            self.warnings.append(
                f"{len(missing)} block IDs named by the METS are not in their ALTO files: "
                + _listing(missing)
            )
        empty = [d.meta.get("article_id", d.doc_id) for d in docs if not d.blocks]
        if empty:
            self.warnings.append(
                f"{len(empty)} of {len(docs)} articles have no text in the available ALTO pages: "
                + _listing(empty)
            )


def _section_title(div: etree._Element, reader: IssueReader) -> str | None:
    for ancestor in div.iterancestors():
        if local_name(ancestor) != "div":
            break
        if div_type(ancestor) in UNIT_TYPES:
            title = reader._mods_of(ancestor).title or ancestor.get("LABEL")
            if title:
                return title
    return None


def _block_range(alto: AltoFile, first: list[Block], last: list[Block]) -> list[Block]:
    """Blocks from the first of ``first`` to the last of ``last`` in file order (BEGIN..END)."""
    if not first or not last:
        return first or last
    start, stop = alto.order[id(first[0])], alto.order[id(last[-1])]
    return [b for b in alto.blocks if start <= alto.order[id(b)] <= stop]


def _issue_id(root: etree._Element, path: Path) -> str:
    """``<issue-id>`` of document ids: the METS OBJID (a persistent identifier) made path-safe,
    else the file stem without its -mets suffix, prefixed with folders when it is only a number."""
    objid = (root.get("OBJID") or "").strip()
    if objid:
        objid = re.sub(r"^[a-z][a-z0-9+.\-]*://[^/]*/", "", objid, flags=re.IGNORECASE)
        slug = re.sub(r"[^\w.\-]+", "-", objid).strip("-.")
        if slug:
            return slug
    stem = re.sub(r"[-_.]?mets$", "", path.stem, flags=re.IGNORECASE) or path.parent.name
    return base_id(path, stem)


def _listing(items: list[str], limit: int = 20) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
