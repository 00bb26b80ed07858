"""Find the input files in the paths a user gives and say what each one is.

Folders are walked recursively in sorted order (deterministic runs). A file is classified by its
extension and, for ``.xml``/``.html``, a cheap look at its first bytes (root element / ocr_page).
An ``.xml`` file too broken to recognise (empty, binary, hostile) is still passed on, so parse()
reports it as failed with the reason. Files that belong to another source are not sources themselves: the ALTO pages and page images
a METS file in the batch references, the ``.json`` sidecar of a ``.txt``, ``.hocr`` or page image, and a page image that
already has OCR text next to it (``p1.tif`` + ``p1.xml``). Everything not taken is returned with
a reason so the ingest report can show it. Hidden files and folders (``.git``) are ignored.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable

from ragarchive.errors import ParseError
from ragarchive.types import SourceFile

from .formats.xmlsafe import SNIFF_BYTES, declares_entities, decode_head, looks_binary, sniff_root

KINDS = ("mets", "alto", "hocr", "pagexml", "text", "jsonl", "image")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
# A name.json next to one of these is its metadata sidecar, not a source of its own.
_SIDECAR_OWNERS = tuple(
    x for s in (".txt", ".hocr", ".html", ".htm", *sorted(IMAGE_SUFFIXES)) for x in (s, s.upper())
)
_XML_ROOTS = {"mets": "mets", "alto": "alto", "pcgts": "pagexml"}  # lower-cased root names
_OCR_KINDS = {"alto", "hocr", "pagexml", "text"}
# An .xml file too broken to recognise is passed on as ALTO, the commonest XML page format;
# parse() then fails on it with the reason (empty, binary, entities ...).
UNREADABLE_XML_KIND = "alto"


def discover(paths: Iterable[Path]) -> tuple[list[SourceFile], list[tuple[Path, str]]]:
    """(sources, skipped) for the given files and folders; see the module docstring."""
    skipped: list[tuple[Path, str]] = []
    files = _collect(paths, skipped)
    present = set(files)
    classified: list[SourceFile] = []
    for path in files:
        kind, reason = classify(path, present)
        if kind:
            classified.append(SourceFile(path, kind))
        elif reason:
            skipped.append((path, reason))
    mets_refs = {s.path: _mets_refs(s.path) for s in classified if s.kind == "mets"}
    classified = [_with_related(s, mets_refs) for s in classified]
    return _drop_owned(classified, mets_refs, skipped), skipped


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


def _collect(paths: Iterable[Path], skipped: list[tuple[Path, str]]) -> list[Path]:
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
        return SourceFile(source.path, source.kind, (sidecar,) if sidecar.is_file() else ())
    if source.kind == "mets":
        text, _ = mets_refs[source.path]
        return SourceFile(source.path, source.kind, tuple(p for p in text if p.is_file()))
    return source


def _mets_refs(path: Path) -> tuple[list[Path], list[Path]]:
    from .formats.mets import referenced_files

    try:
        return referenced_files(path)
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
    ocr_stems = {(s.path.parent, s.path.stem.lower()) for s in sources if s.kind in _OCR_KINDS}
    for s in sources:
        if s.kind == "pagexml":
            image = _page_image(s.path)
            if image is not None:
                owner.setdefault(image, f"page image of PAGE file {s.path.name}")
    kept: list[SourceFile] = []
    for s in sources:
        reason = owner.get(s.path.resolve())
        if reason and s.kind != "mets":
            if s.kind == "image":
                skipped.append((s.path, reason))
            continue  # an ALTO page is the METS's `related`, not a skipped file
        if s.kind == "image" and (s.path.parent, s.path.stem.lower()) in ocr_stems:
            skipped.append((s.path, "page image whose OCR text is already next to it"))
            continue
        kept.append(s)
    return kept


_IMAGE_FILENAME = re.compile(r'imageFilename\s*=\s*"([^"]+)"')


def _page_image(path: Path) -> Path | None:
    """The image a PAGE file describes (``Page imageFilename``), resolved, from its first bytes."""
    try:
        with path.open("rb") as fh:
            m = _IMAGE_FILENAME.search(decode_head(fh.read(SNIFF_BYTES)))
    except OSError:
        return None
    if not m or "://" in m.group(1):
        return None
    name = m.group(1).replace("\\", "/")
    # Transkribus puts PAGE files in page/ and names the image relative to the parent folder.
    for base in (path.parent, path.parent.parent):
        if (base / name).is_file():
            return (base / name).resolve()
    return None
