"""METS/ALTO newspaper issues: one Document per article-like division of the logical structMap.

How a METS issue is read (see docs/formats.md for the full story):

* ``fileSec`` lists the ALTO files (``FLocat xlink:href``, resolved next to the METS file);
  the PHYSICAL structMap gives each file its page number (``div TYPE=PAGE ORDER=``), and the
  ``mix`` metadata of the page image (``imageWidth``) lets ALTO boxes in mm10/inch1200 be
  converted to image pixels.
* In the LOGICAL structMap every ``div`` whose TYPE is article-like (ARTICLE, ADVERTISEMENT,
  SECTION, DEATH_NOTICE, ...) and holds no such division itself is one Document. Its text is the
  ALTO blocks named by ``mets:area BEGIN=`` (a TextBlock, ComposedBlock or page ID) in its
  subtree, in METS order. A SECTION that holds articles is a container: its own heading blocks
  are given to the article that follows them, so no text is lost or duplicated.
* Title, language and authors come from the division's MODS ``dmdSec``; a division without a
  language inherits it from the nearest enclosing division that declares exactly one. Newspaper
  title and issue date come from the issue-level MODS, else the date is read from the file name.
* ALTO pages that are missing (or unreadable) are warned about; articles keep what exists.
"""

from __future__ import annotations

import bisect
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from lxml import etree

from ragarchive.errors import ParseError
from ragarchive.types import Block, Document

from .common import ParseResult, base_id, date_from_name, iso_date, norm_language, small_int
from .alto import AltoFile, read_alto
from .xmlsafe import local_name, parse_xml

XLINK = "{http://www.w3.org/1999/xlink}href"

# Divisions that are one readable unit for a reader (and so for an answer's citation).
UNIT_TYPES = {
    "article", "advertisement", "section", "chapter", "death_notice", "obituary", "weather",
    "bibliography", "supplement", "feuilleton", "editorial", "letter", "review", "notice",
    "announcement", "official_notice",
}
_XML_MIMETYPES = ("text/xml", "application/xml", "application/alto+xml")
_PLACEHOLDER = re.compile(r"placeholder", re.IGNORECASE)


@dataclass
class MetsFile:
    file_id: str
    href: str
    path: Path | None
    mimetype: str
    use: str
    admid: tuple[str, ...] = ()

    @property
    def is_text(self) -> bool:
        """ALTO (or other XML) text, as opposed to images and PDFs."""
        if self.mimetype.lower() in _XML_MIMETYPES:
            return True
        return self.href.lower().endswith(".xml") and not self.mimetype.lower().startswith("image")

    @property
    def is_image(self) -> bool:
        return self.mimetype.lower().startswith("image")


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


# --- entry points ----------------------------------------------------------------------------


def parse_mets(path: Path) -> ParseResult:
    root = parse_xml(path)
    if local_name(root) != "mets":
        raise ParseError(f"{path}: root element is <{local_name(root)}>, not <mets>")
    return _IssueReader(path, root).read()


def referenced_files(path: Path) -> tuple[list[Path], list[Path]]:
    """(ALTO/XML files, image files) a METS file references, resolved; for discover()."""
    root = parse_xml(path)
    if local_name(root) != "mets":
        raise ParseError(f"{path}: root element is <{local_name(root)}>, not <mets>")
    files = _files(root, path.parent)
    text = [f.path for f in files.values() if f.path and f.is_text]
    images = [f.path for f in files.values() if f.path and f.is_image]
    return text, images


# --- the issue -------------------------------------------------------------------------------


class _IssueReader:
    def __init__(self, path: Path, root: etree._Element) -> None:
        self.path = path
        self.root = root
        self.warnings: list[str] = []
        self.files = _files(root, path.parent)
        self.dmd = _dmd_sections(root)
        self.page_of = _physical_pages(root, self.files)
        self.image_sizes = _image_sizes(root, self.files, self.page_of)
        self.issue_id = _issue_id(root, path)
        self._alto: dict[str, AltoFile | None] = {}
        self._unknown_files: set[str] = set()

    def read(self) -> ParseResult:
        logical = _struct_map(self.root, "logical")
        units, areas = _units(logical) if logical is not None else ([], [])
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
        for smap in (logical, _struct_map(self.root, "physical")):
            if smap is None:
                continue
            for div in smap.iter("{*}div"):
                if _div_type(div) in UNIT_TYPES or _inside_unit(div):
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


# --- structMaps ------------------------------------------------------------------------------


def _struct_map(root: etree._Element, kind: str) -> etree._Element | None:
    maps = [m for m in root if local_name(m) == "structMap"]
    for m in maps:
        if m.get("TYPE", "").lower() == kind:
            return m
    for m in maps:
        if kind in m.get("LABEL", "").lower():
            return m
    return None


def _div_type(div: etree._Element) -> str:
    return div.get("TYPE", "").strip().lower().replace(" ", "_")


def _inside_unit(div: etree._Element) -> bool:
    return any(local_name(a) == "div" and _div_type(a) in UNIT_TYPES for a in div.iterancestors())


def _units(logical: etree._Element
           ) -> tuple[list[etree._Element], dict[etree._Element, list[tuple[etree._Element, bool]]]]:
    """Leaf article-like divisions in document order, and the areas each one reads.

    Areas inside a container (a SECTION holding articles) but outside its articles go to the
    next article of that container, or to its last one when none follows; the flag marks them.
    """
    events: list[tuple[str, etree._Element, etree._Element | None]] = []
    _walk(logical, None, events)
    unit_divs = [el for kind, el, _ in events if kind == "unit"]
    containers = {d for d in unit_divs
                  if any(_div_type(x) in UNIT_TYPES for x in d.iterdescendants("{*}div"))}
    leaves = [d for d in unit_divs if d not in containers]
    areas: dict[etree._Element, list[tuple[etree._Element, bool]]] = {d: [] for d in leaves}
    heirs = _Heirs(events, containers, set(leaves))
    for k, (kind, el, owner) in enumerate(events):
        if kind != "area" or owner is None:
            continue  # areas outside any article (masthead, imprint) are not content
        if owner in areas:
            areas[owner].append((el, False))
            continue
        target = heirs.of(k, owner)
        if target is not None:
            areas[target].append((el, True))
    # Events are in document order, so a section heading read before an article comes first.
    return leaves, areas


def _walk(div: etree._Element, owner: etree._Element | None,
          events: list[tuple[str, etree._Element, etree._Element | None]]) -> None:
    for child in div:
        name = local_name(child)
        if name == "div":
            if _div_type(child) in UNIT_TYPES:
                events.append(("unit", child, owner))
                _walk(child, child, events)
            else:
                _walk(child, owner, events)
        elif name == "fptr":
            for area in child.iter("{*}area"):
                events.append(("area", area, owner))


class _Heirs:
    """Which article inherits a container's own area: the first of its articles after the area,
    else the last one before it.

    The event positions of each container's articles are listed once, so each area costs a
    binary search; scanning the events for every area was quadratic, and a hostile METS with
    many thousands of section-level areas took minutes.
    """

    def __init__(self, events: list[tuple[str, etree._Element, etree._Element | None]],
                 containers: set[etree._Element], leaves: set[etree._Element]) -> None:
        self.positions: dict[etree._Element, list[int]] = {}
        self.units: dict[int, etree._Element] = {}
        for k, (kind, el, _) in enumerate(events):
            if kind != "unit" or el not in leaves:
                continue
            self.units[k] = el
            for ancestor in el.iterancestors():
                if ancestor in containers:
                    self.positions.setdefault(ancestor, []).append(k)

    def of(self, k: int, container: etree._Element) -> etree._Element | None:
        positions = self.positions.get(container)
        if not positions:
            return None
        i = bisect.bisect_right(positions, k)
        return self.units[positions[i] if i < len(positions) else positions[-1]]


def _section_title(div: etree._Element, reader: _IssueReader) -> str | None:
    for ancestor in div.iterancestors():
        if local_name(ancestor) != "div":
            break
        if _div_type(ancestor) in UNIT_TYPES:
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


# --- fileSec, physical pages, images ---------------------------------------------------------


def _files(root: etree._Element, base: Path) -> dict[str, MetsFile]:
    files: dict[str, MetsFile] = {}
    for group in root.iter("{*}fileGrp"):
        use = group.get("USE", "") or group.get("ID", "")
        for f in group:
            if local_name(f) != "file" or not f.get("ID"):
                continue
            href = next((loc.get(XLINK, "") for loc in f if local_name(loc) == "FLocat"), "")
            files[f.get("ID")] = MetsFile(
                f.get("ID"), href, resolve_href(href, base) if href else None,
                f.get("MIMETYPE", ""), use, tuple(f.get("ADMID", "").split()),
            )
    return files


def resolve_href(href: str, base: Path) -> Path | None:
    """A local path for a FLocat href (``file://./text/x.xml``, ``text/x.xml``), or None for
    remote URLs and paths outside the METS folder. Absolute paths from the producing machine are
    retried next to the METS."""
    href = href.strip().replace("\\", "/")
    if href.lower().startswith("file://"):
        href = href[7:]
    elif re.match(r"^[a-z][a-z0-9+.\-]*:", href, re.IGNORECASE):
        return None  # http:, https:, urn: ... are never fetched
    href = urllib.parse.unquote(href)
    if not href or "\x00" in href:  # "%00" in a hostile href: no file has a NUL in its name
        return None
    try:
        return _local_path(Path(href), base)
    except (OSError, RuntimeError):  # names too long, symlink loops
        return None


def _local_path(candidate: Path, base: Path) -> Path | None:
    """Only files inside the METS file's folder tree: a hostile METS must not make ingestion read
    (and index) any file of this machine through an absolute or ``../`` href."""
    root = base.resolve()
    if not candidate.is_absolute():
        path = (base / candidate).resolve()
        return path if path.is_relative_to(root) else None
    for tail in (Path(candidate.parent.name) / candidate.name, Path(candidate.name)):
        path = (base / tail).resolve()
        if path.is_file() and path.is_relative_to(root):
            return path
    return None


def _physical_pages(root: etree._Element, files: dict[str, MetsFile]) -> dict[str, int]:
    """FILEID -> page number from the PHYSICAL structMap (ORDER), else from file order."""
    page_of: dict[str, int] = {}
    physical = _struct_map(root, "physical")
    if physical is not None:
        count = 0
        for div in physical.iter("{*}div"):
            if _div_type(div) != "page":
                continue
            count += 1
            number = small_int(div.get("ORDER")) or count
            for el in div.iter("{*}fptr", "{*}area"):
                if el.get("FILEID"):
                    page_of.setdefault(el.get("FILEID"), number)
    text_files = [f for f in files.values() if f.is_text]
    for i, f in enumerate(text_files, 1):
        page_of.setdefault(f.file_id, i)
    return page_of


def _image_sizes(root: etree._Element, files: dict[str, MetsFile],
                 page_of: dict[str, int]) -> dict[int, tuple[int, int]]:
    """Page -> (width, height) in pixels of its largest image with NISO mix metadata."""
    sizes: dict[str, tuple[int, int]] = {}
    for amd in root.iter("{*}amdSec", "{*}techMD"):
        w = _first_int(amd, ("imageWidth", "ImageWidth"))
        h = _first_int(amd, ("imageHeight", "ImageHeight"))
        if w and h and amd.get("ID"):
            sizes[amd.get("ID")] = (w, h)
    by_page: dict[int, tuple[int, int]] = {}
    for f in files.values():
        page = page_of.get(f.file_id)
        if page is None or not f.is_image:
            continue
        for adm in f.admid:
            size = sizes.get(adm)
            if size and size[0] > by_page.get(page, (0, 0))[0]:
                by_page[page] = size
    return by_page


def _first_int(el: etree._Element, names: Iterable[str]) -> int | None:
    for name in names:
        for found in el.iter(f"{{*}}{name}"):
            value = small_int(found.text)
            if value is not None:
                return value
    return None


# --- MODS ------------------------------------------------------------------------------------


def _dmd_sections(root: etree._Element) -> dict[str, Mods]:
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
