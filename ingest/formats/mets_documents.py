"""Building the Documents of one METS issue: one per article-like division, its text from the
ALTO (or PAGE) blocks its areas name, or from the pages its smLinks give it; its metadata from
MODS (or Dublin Core); one per page when there are no articles, or the articles of a METS it
lists (a BnF package manifest and its table of contents). See ``mets.py`` for the whole story."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree

from ragarchive.errors import ParseError
from ragarchive.types import Block, Document

from .common import ParseResult, date_from_name
from .mets_files import (PAGE_MIMETYPE, MetsFile, PhysicalPage, image_sizes, physical_page_list,
                         physical_pages, read_files)
from .mets_ids import issue_id
from .mets_links import linked_pages, sm_links
from .mets_mods import Mods, dmd_sections, issue_identifier, issue_metadata
from .mets_remainder import remainder_documents
from .mets_structmap import UNIT_TYPES, article_units, div_type, struct_map
from .mets_text import (TextFile, is_mets, page_candidates, read_text_file, root_name,
                        several_text_groups)
from .xmlsafe import local_name, parse_xml

_PLACEHOLDER = re.compile(r"placeholder", re.IGNORECASE)


class IssueReader:
    """One METS issue, read into its Documents and warnings by ``read()``."""

    def __init__(self, path: Path, root: etree._Element, ingest_root: Path | None = None,
                 parent: IssueReader | None = None) -> None:
        self.path = path
        self.root = root
        self.ingest_root = ingest_root
        self.parent = parent  # the METS that lists this one (its table of contents)
        self.warnings: list[str] = []
        self.files = read_files(root, path.parent, ingest_root)
        self.dmd = dmd_sections(root)
        self.pages = physical_page_list(root)
        self.page_of = physical_pages(root, self.files)
        self.image_sizes = image_sizes(root, self.files, self.page_of)
        self.issue = Mods()
        self.issue_id = (parent.issue_id if parent is not None
                         else issue_id(root, path, issue_identifier(root, self.dmd)))
        self._alto: dict[str, TextFile | None] = {}
        self._unknown_files: set[str] = set()
        self._covered: set[Path] = set()  # text files read through a METS this one lists
        self._candidates: dict[int, list[MetsFile]] | None = None  # id(page) -> its text files

    def read(self) -> ParseResult:
        logical = struct_map(self.root, "logical")
        units, areas = article_units(logical) if logical is not None else ([], {})
        issue = self.issue = issue_metadata(self.root, self.dmd, logical,
                                            self.parent.issue if self.parent else None)
        newspaper = issue.title
        date = next(iter(issue.dates), None) or date_from_name(
            self.path.stem, self.path.parent.name, self.root.get("OBJID", "")
        )
        common = {"newspaper": newspaper, "date": date}
        if not units and self.parent is not None:
            return ParseResult([], [])  # a listed METS without articles adds nothing
        nested, self._covered = self._nested_documents()
        if units:
            docs = self._unit_documents(units, areas, common)
        else:
            if not nested:
                self.warnings.append(
                    "no article divisions in the logical structMap; one document per page")
            docs = self._page_documents(common, skip_paths=self._covered)
            if not docs and not nested:
                raise ParseError(f"{self.path}: METS has neither article divisions nor readable "
                                 "ALTO or PAGE pages")
        box_unit = self._box_unit()
        for doc in docs:
            doc.meta.setdefault("box_unit", box_unit)
            doc.meta["issue_languages"] = issue.languages
            if issue.record_id:
                doc.meta["issue_record_id"] = issue.record_id
            if doc.language is None and len(issue.languages) == 1:
                doc.language = issue.languages[0]  # an issue in one language says it of all
        self._summarise(docs)
        docs = nested + docs
        self._dedupe_ids(docs)
        return ParseResult(docs, self.warnings)

    # -- articles

    def _unit_documents(self, units: list[etree._Element],
                        areas: dict[etree._Element, list[tuple[etree._Element, bool]]],
                        common: dict[str, Any]) -> list[Document]:
        """One Document per article. Articles without areas take their pages from smLinks; when
        no article has areas (Kitodo, Goobi), they read those pages' text, each page once, and
        the pages no article reads are documents of their own (so no text is lost)."""
        docs = [self._unit_document(u, areas.get(u, []), common, i) for i, u in enumerate(units)]
        by_areas = any(areas.get(u) for u in units)
        links = sm_links(self.root)
        linked, reads = linked_pages(links, units, self.pages) if links else ({}, {})
        by_number = {p.number: p for p in reversed(self.pages)}
        for unit, doc in zip(units, docs):
            if areas.get(unit) or unit not in linked:
                continue
            doc.pages = linked[unit]
            if by_areas:
                continue
            doc.meta["missing_pages"] = []
            for number in reads[unit]:
                found = self._page_text(by_number[number])
                if found is None:
                    doc.meta["missing_pages"].append(number)
                else:
                    doc.blocks += found[1].blocks
            shared = [n for n in linked[unit] if n not in reads[unit]]
            if shared:
                doc.meta["shared_pages"] = shared
        if not by_areas:
            read = {n for numbers in reads.values() for n in numbers}
            docs += self._page_documents(common, skip_pages=read, skip_paths=self._covered)
        else:  # text no article reads: page remainders (the masthead is left out, warned)
            docs += remainder_documents(self, docs, common)
        return docs

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

    def _load(self, mets_file: MetsFile) -> TextFile | None:
        if mets_file.file_id in self._alto:
            return self._alto[mets_file.file_id]
        text: TextFile | None = None
        page = self.page_of.get(mets_file.file_id)
        where = f"page {page} " if page is not None else ""
        label = "PAGE" if mets_file.mimetype.lower() == PAGE_MIMETYPE else "ALTO"
        if mets_file.path is None and mets_file.refused:
            self.warnings.append(
                f"{label} {where}file {mets_file.href!r} referenced by the METS is refused: "
                f"{mets_file.refused}; articles on that page lack its text"
            )
        elif mets_file.path is None or not mets_file.path.is_file():
            self.warnings.append(
                f"{label} {where}file {mets_file.href!r} referenced by the METS is missing; "
                "articles on that page lack its text"
            )
        elif (kind := root_name(mets_file.path) or "").lower() != "mets":  # no page text
            try:
                text = read_text_file(mets_file.path, page, self.image_sizes, kind)
            except ParseError as exc:
                self.warnings.append(f"{label} {where}skipped: {exc}")
            else:  # text the page file holds but could not place (outside every page)
                self.warnings += [f"{label} {where}{mets_file.href}: {w}" for w in text.warnings]
        self._alto[mets_file.file_id] = text
        return text

    def _page_text(self, page: PhysicalPage) -> tuple[MetsFile, TextFile] | None:
        """The best text file of a page that has words (else the first readable one)."""
        if self._candidates is None:
            self._candidates = {id(p): c for p, c in page_candidates(self.files, self.pages)}
        first = None
        for mets_file in self._candidates.get(id(page), []):
            text = self._load(mets_file)
            if text is not None and text.blocks:
                return mets_file, text
            if text is not None and first is None:
                first = (mets_file, text)
        return first

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

    def _page_documents(self, common: dict[str, Any], skip_pages: set[int] = frozenset(),
                        skip_paths: set[Path] = frozenset()) -> list[Document]:
        """One Document per page with text. With one text group: each of its files, named by
        FILEID; with several (OCR-D): each physical page's best file, named by the page's ID."""
        found: list[tuple[str, int | None, MetsFile, TextFile]] = []
        if several_text_groups(self.files, self.pages):
            for page in self.pages:
                chosen = self._page_text(page) if page.number not in skip_pages else None
                if chosen is not None:
                    found.append((page.div_id or f"p{page.number}", page.number, *chosen))
        else:
            for file_id, mets_file in self.files.items():
                page = self.page_of.get(file_id)
                if not mets_file.is_text or page in skip_pages or mets_file.path in skip_paths:
                    continue
                text = self._load(mets_file)
                if text is not None:
                    found.append((file_id, page, mets_file, text))
        return [Document(
            doc_id=f"{self.issue_id}/{name}",
            source_path=str(self.path),
            blocks=text.blocks,
            date=common["date"],
            language=getattr(text, "language", None),  # PAGE primaryLanguage
            newspaper=common["newspaper"],
            pages=[page] if page is not None else [],
            meta={"format": "mets", "issue_id": self.issue_id, "box_unit": text.box_unit,
                  "text_group": mets_file.use},
        ) for name, page, mets_file, text in found]

    def _nested_documents(self) -> tuple[list[Document], set[Path]]:
        """The articles of the METS files this one lists (a BnF package manifest lists its
        table of contents, toc/T....xml), read as part of this issue: its id, its metadata
        where theirs is missing, this file as their source. Also the text files they read,
        which are then no page documents of their own. One level deep."""
        docs: list[Document] = []
        covered: set[Path] = set()
        if self.parent is not None:
            return docs, covered
        for mets_file in self.files.values():
            if not (mets_file.is_text and mets_file.path and mets_file.path.is_file()
                    and is_mets(mets_file)):
                continue
            covered.add(mets_file.path)
            try:
                reader = IssueReader(mets_file.path, parse_xml(mets_file.path), self.ingest_root,
                                     parent=self)
                if any(f.path == self.path.resolve() for f in reader.files.values()):
                    continue  # two METS that list each other: each is read on its own
                result = reader.read()
            except ParseError as exc:
                self.warnings.append(f"METS {mets_file.href!r} listed by this METS skipped: {exc}")
                continue
            for doc in result.documents:
                doc.source_path = str(self.path)  # the indexed file: re-ingesting replaces these
                doc.meta["structure_file"] = mets_file.href
            docs += result.documents
            self.warnings += [f"{mets_file.href}: {w}" for w in result.warnings]
            covered |= {t.path.resolve() for t in reader._alto.values() if t is not None}
        return docs, covered

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


def _block_range(alto: TextFile, first: list[Block], last: list[Block]) -> list[Block]:
    """Blocks from the first of ``first`` to the last of ``last`` in file order (BEGIN..END)."""
    if not first or not last:
        return first or last
    start, stop = alto.order[id(first[0])], alto.order[id(last[-1])]
    return [b for b in alto.blocks if start <= alto.order[id(b)] <= stop]


def _listing(items: list[str], limit: int = 20) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
