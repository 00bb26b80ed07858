"""Find the input files in the paths a user gives and say what each one is.

Folders are walked recursively in sorted order (deterministic runs). A file is classified by its
extension and, for ``.xml``/``.html``, a cheap look at its first bytes (root element / ocr_page).
An ``.xml`` file too broken to recognise (empty, binary, hostile) is still passed on, so parse()
reports it as failed with the reason. Files that belong to another source are not sources
themselves: the ALTO/PAGE pages and page images a METS file in the batch references (anywhere
inside the folder given, ``SourceFile.root``), a METS another METS lists (a BnF manifest's table
of contents, read through the manifest), the ``.json``
sidecar of a ``.txt``, ``.hocr`` or page image, and a page image that already has OCR text: the
same stem next to it (``p1.tif`` + ``p1.xml``), also with the producer's suffix
(``p1_alto.xml``, ``p1.alto.xml``, ``p1_ocr.txt``, ``p1_hocr.html``), or named by a PAGE file's
``imageFilename`` or an ALTO file's ``sourceImageInformation/fileName``. A KB/Delpher DIDL file
is the metadata of the ALTO files in its folder (their ``related``), not a source; one that
describes no ALTO file is skipped. Everything not taken is
returned with a reason so the ingest report can show it. Hidden files and folders (``.git``) are ignored.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from typing import Iterable

from ragarchive.errors import ParseError
from ragarchive.types import SourceFile

from .formats.common import OCR_SUFFIX
from .formats.xmlsafe import SNIFF_BYTES, declares_entities, decode_head, looks_binary, sniff_root

KINDS = ("mets", "alto", "hocr", "pagexml", "text", "jsonl", "image")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
# A name.json next to one of these is its metadata sidecar, not a source of its own.
_SIDECAR_OWNERS = tuple(
    x for s in (".txt", ".hocr", ".html", ".htm", *sorted(IMAGE_SUFFIXES)) for x in (s, s.upper())
)
_XML_ROOTS = {"mets": "mets", "alto": "alto", "pcgts": "pagexml",  # lower-cased root names
              "didl": "didl"}  # KB/Delpher issue metadata: attached to its ALTO, not a source
_OCR_KINDS = {"alto", "hocr", "pagexml", "text"}
# An .xml file too broken to recognise is passed on as ALTO, the commonest XML page format;
# parse() then fails on it with the reason (empty, binary, entities ...).
UNREADABLE_XML_KIND = "alto"


def discover(paths: Iterable[Path]) -> tuple[list[SourceFile], list[tuple[Path, str]]]:
    """(sources, skipped) for the given files and folders; see the module docstring."""
    skipped: list[tuple[Path, str]] = []
    roots: dict[Path, Path] = {}  # file -> the folder given that holds it (a METS's limit)
    files = _collect(paths, skipped, roots)
    present = set(files)
    classified: list[SourceFile] = []
    for path in files:
        kind, reason = classify(path, present)
        if kind:
            classified.append(SourceFile(path, kind, root=roots.get(path)))
        elif reason:
            skipped.append((path, reason))
    mets_refs = {s.path: _mets_refs(s.path, s.root) for s in classified if s.kind == "mets"}
    classified = [_with_related(s, mets_refs) for s in classified]
    return _attach_didl(_drop_owned(classified, mets_refs, skipped), skipped), skipped


def classify(path: Path, present: set[Path] | None = None) -> tuple[str | None, str | None]:
    """(kind, None) for a source file; (None, reason) for a skipped one; (None, None) for a file
    that is silently part of another (a sidecar)."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return "text", None
    if suffix == ".jsonl":
        return "jsonl", None
    if suffix in IMAGE_SUFFIXES:
        return "image", None
    if suffix == ".json":
        owners = [path.with_suffix(s) for s in _SIDECAR_OWNERS]
        if any(p in present if present is not None else p.is_file() for p in owners):
            return None, None
        return None, ("JSON file that is not the sidecar of a .txt, .hocr or page image "
                      "(use .jsonl for manifests)")
    if suffix == ".hocr":
        return "hocr", None
    if suffix in (".xml", ".html", ".htm", ".xhtml"):
        return _sniff(path, suffix)
    return None, f"unsupported file type {suffix or '(no extension)'}"


def _sniff(path: Path, suffix: str) -> tuple[str | None, str | None]:
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as exc:
        return None, f"cannot read file ({exc.strerror or exc})"
    text_like = bool(head.strip()) and not looks_binary(head)
    if text_like and "ocr_page" in decode_head(head):
        return "hocr", None
    if suffix != ".xml":
        return None, "HTML without hOCR content (no ocr_page)"
    root = sniff_root(head) if text_like else None
    kind = _XML_ROOTS.get(root.lower()) if root else None
    if kind:
        return kind, None  # parse() refuses it if it declares entities
    if root is None or declares_entities(head):
        # Empty, binary, rootless or entity-declaring "XML" is bad input, not someone else's
        # file: pass it on so parse() reports it as failed with the exact reason.
        return UNREADABLE_XML_KIND, None
    return None, f"XML root <{root}> is not METS, ALTO, PAGE or hOCR"


def _collect(paths: Iterable[Path], skipped: list[tuple[Path, str]],
             roots: dict[Path, Path] | None = None) -> list[Path]:
    seen: set[Path] = set()
    out: list[Path] = []
    for given in paths:
        path = Path(given).expanduser().absolute()
        if path.is_dir():
            found = _walk(path)
        elif path.is_file():
            found = [path]
        else:
            skipped.append((path, "no such file or folder"))
            continue
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
                if roots is not None:  # a folder given, else the given file's own folder
                    roots[f] = path if path.is_dir() else path.parent
    return out


def _walk(root: Path) -> list[Path]:
    out: list[Path] = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith("."):
                out.append(Path(folder) / name)
    return out


_Refs = dict[Path, tuple[list[Path], list[Path]]]


def _with_related(source: SourceFile, mets_refs: _Refs) -> SourceFile:
    if source.kind in ("text", "hocr", "image"):
        sidecar = source.path.with_suffix(".json")
        return dataclasses.replace(source, related=(sidecar,) if sidecar.is_file() else ())
    if source.kind == "mets":
        text, _ = mets_refs[source.path]
        return dataclasses.replace(source, related=tuple(p for p in text if p.is_file()))
    return source


def _mets_refs(path: Path, root: Path | None) -> tuple[list[Path], list[Path]]:
    from .formats.mets import referenced_files

    try:
        return referenced_files(path, root)
    except ParseError:
        return [], []  # parse() will report the broken METS as a failed file


def _drop_owned(sources: list[SourceFile], mets_refs: _Refs,
                skipped: list[tuple[Path, str]]) -> list[SourceFile]:
    """Remove files another source already covers: METS pages and images, images with OCR."""
    owner: dict[Path, str] = {}
    for s in sources:
        if s.kind == "mets":
            text, images = mets_refs[s.path]
            for p in text:
                owner.setdefault(p.resolve(), f"ALTO page of METS {s.path.name}")
            for p in images:
                owner.setdefault(p.resolve(),
                                 f"page image of METS {s.path.name} (its text comes from the ALTO)")
    ocr_stems = _ocr_stems(sources)
    for s in sources:
        if s.kind == "pagexml":
            image = _named_image(s.path, _IMAGE_FILENAME)
            if image is not None:
                owner.setdefault(image, f"page image of PAGE file {s.path.name}")
        elif s.kind == "alto" and s.path.resolve() not in owner:  # not a METS page
            image = _named_image(s.path, _ALTO_FILENAME)
            if image is not None:
                owner.setdefault(image, f"page image of ALTO file {s.path.name}")
    listed = _listed_mets(sources, mets_refs)
    kept: list[SourceFile] = []
    for s in sources:
        if s.path.resolve() in listed:
            continue  # a METS another METS lists (a BnF table of contents): read through it
        reason = owner.get(s.path.resolve())
        if reason and s.kind != "mets":
            if s.kind == "image":
                skipped.append((s.path, reason))
            continue  # an ALTO page is the METS's `related`, not a skipped file
        if s.kind == "image" and (s.path.parent, s.path.stem.lower()) in ocr_stems:
            text_file = ocr_stems[(s.path.parent, s.path.stem.lower())]
            skipped.append((s.path, "page image whose OCR text is already next to it"
                            + (f" ({text_file})" if text_file else "")))
            continue
        kept.append(s)
    return kept


def _attach_didl(sources: list[SourceFile], skipped: list[tuple[Path, str]]) -> list[SourceFile]:
    """Take the DIDL files (KB/Delpher issue metadata) out of the sources and make each the
    ``related`` of the standalone ALTO files it describes: in its folder, those whose names start
    with its identifier stem (``ddd_010012345_mpeg21_didl.xml`` ->
    ``ddd_010012345_mpeg21_p001_alto.xml``), or every one when it is the folder's only DIDL."""
    from .formats.didl import describes

    didls: dict[Path, list[Path]] = {}
    for s in sources:
        if s.kind == "didl":
            didls.setdefault(s.path.parent, []).append(s.path)
    if not didls:
        return sources
    used: set[Path] = set()
    kept: list[SourceFile] = []
    for s in sources:
        if s.kind == "didl":
            continue
        if s.kind == "alto" and s.path.parent in didls:
            here = didls[s.path.parent]
            mine = here if len(here) == 1 else [d for d in here if describes(d, s.path)]
            if mine:  # several DIDLs name it: the longest stem is the most specific
                didl = max(mine, key=lambda d: len(d.stem))
                used.add(didl)
                s = dataclasses.replace(s, related=(*s.related, didl))
        kept.append(s)
    for folder_didls in didls.values():
        skipped.extend((d, "DIDL metadata file (KB/Delpher) with no ALTO page beside it to "
                        "describe") for d in folder_didls if d not in used)
    return kept


def _listed_mets(sources: list[SourceFile], mets_refs: _Refs) -> set[Path]:
    """METS files that another METS of the batch lists among its files (a BnF package manifest
    lists its table of contents): parse() reads them through that METS, one level deep, so
    they are not sources too. Mutual and chained listings are left alone."""
    mets = {s.path.resolve() for s in sources if s.kind == "mets"}
    lists: dict[Path, set[Path]] = {}
    for s in sources:
        if s.kind == "mets":
            own = s.path.resolve()
            lists[own] = {p.resolve() for p in mets_refs[s.path][0]} & (mets - {own})
    nested = set().union(*lists.values()) if lists else set()
    return {child for parent, children in lists.items() if parent not in nested
            for child in children if parent not in lists[child]}


def _ocr_stems(sources: list[SourceFile]) -> dict[tuple[Path, str], str | None]:
    """(folder, lower-case stem) of every page's OCR text -> the OCR file's name when the stem
    had to lose a suffix to match its image (``p1_alto.xml``), None when it is the same stem."""
    found: dict[tuple[Path, str], str | None] = {}
    ocr = [s.path for s in sources if s.kind in _OCR_KINDS]
    for path in ocr:
        found[(path.parent, path.stem.lower())] = None
    for path in ocr:
        bare = OCR_SUFFIX.sub("", path.stem).lower()  # p1_alto.xml -> p1
        if bare and bare != path.stem.lower():
            found.setdefault((path.parent, bare), path.name)
    return found


_IMAGE_FILENAME = re.compile(r'imageFilename\s*=\s*"([^"]+)"')
_ALTO_FILENAME = re.compile(r"<(?:[\w.-]+:)?fileName\s*>\s*([^<]+?)\s*</")


def _named_image(path: Path, pattern: re.Pattern[str]) -> Path | None:
    """The image a PAGE file (``Page imageFilename``) or an ALTO file
    (``sourceImageInformation/fileName``) describes, resolved, from its first bytes: the name
    relative to the file's folder or the folder above (Transkribus puts PAGE files in page/ and
    names the image relative to the parent), else its bare name in the file's folder (an
    absolute path on the producer's machine, ``D:\\scans\\0002.tif``). URLs are never fetched."""
    try:
        with path.open("rb") as fh:
            m = pattern.search(decode_head(fh.read(SNIFF_BYTES)))
    except OSError:
        return None
    if not m or "://" in m.group(1):
        return None
    name = m.group(1).strip().replace("\\", "/")
    candidates = [base / name for base in (path.parent, path.parent.parent)]
    candidates.append(path.parent / name.rsplit("/", 1)[-1])
    for candidate in candidates:
        try:
            if candidate.name and candidate.is_file():
                return candidate.resolve()
        except (OSError, ValueError):  # a name too long, with a NUL, or otherwise unusable
            continue
    return None
