"""Page images (PNG, JPEG, TIFF incl. multi-page): OCR with tesseract, then the hOCR parser.

Each frame is normalised with Pillow (mode, alpha, 16-bit) to a temporary PNG, so tesseract never
sees a format its own image library handles differently, and is OCR'd with the tesseract CLI's
hOCR output. One Document per frame. Languages are tesseract codes joined by "+" (default
"deu+fra+eng"; "frk" for Fraktur). A missing tesseract or language pack is a MissingToolError
that names the apt packages to install: the batch lists the image as skipped, not failed.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from ragarchive.errors import MissingToolError, ParseError

from .common import DEFAULT_OCR_LANGUAGES, ParseResult, base_id, page_from_name
from .hocr import parse_hocr_bytes
from .xmlsafe import MAX_FILE_BYTES

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
# One page of a broadsheet at 400 dpi takes tesseract well under a minute on these machines;
# ten minutes means it is stuck.
OCR_TIMEOUT_SECONDS = 600
_LANG_SPEC = re.compile(r"^[A-Za-z0-9_/]+(\+[A-Za-z0-9_/]+)*$")


def parse_image(path: Path, *, languages: str = DEFAULT_OCR_LANGUAGES) -> ParseResult:
    exe = tesseract_path(path, languages)
    check_languages(path, languages, exe)
    _check_size(path)
    from PIL import Image, UnidentifiedImageError

    docs = []
    warnings: list[str] = []
    try:
        with Image.open(path) as im:
            frames = getattr(im, "n_frames", 1)
            root_id = base_id(path)
            version = tesseract_version(exe)
            with tempfile.TemporaryDirectory(prefix="ragarchive-ocr-") as tmp:
                for i in range(frames):
                    im.seek(i)
                    page = (i + 1) if frames > 1 else page_from_name(path)
                    doc = _ocr_frame(im, Path(tmp) / f"frame{i}.png", path, exe, languages, {
                        "doc_id": root_id if frames == 1 else f"{root_id}#p{i + 1}",
                        "page": page,
                        "meta": {"format": "image", "image": str(path), "frame": i + 1,
                                 "image_size": list(im.size), "ocr_engine": version,
                                 "ocr_languages_requested": languages},
                    })
                    if not doc.blocks:
                        warnings.append(f"frame {i + 1}: OCR found no text")
                    docs.append(doc)
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise ParseError(f"{path}: not a readable image ({exc})") from None
    except (OSError, ValueError, EOFError) as exc:
        raise ParseError(f"{path}: cannot read image ({exc})") from None
    return ParseResult(docs, warnings)


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ParseError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    if size == 0:
        raise ParseError(f"{path}: empty file")
    if size > MAX_FILE_BYTES:
        raise ParseError(f"{path}: image is over the {MAX_FILE_BYTES // 2**20} MB limit")


def _ocr_frame(im: Any, png: Path, path: Path, exe: str, languages: str,
               opts: dict[str, Any]) -> Any:
    frame = _normalise(im)
    save_args = {"dpi": im.info["dpi"]} if im.info.get("dpi") else {}
    frame.save(png, "PNG", **save_args)
    hocr = _run_tesseract(exe, png, languages, path)
    result = parse_hocr_bytes(hocr, path, doc_id=opts["doc_id"], page=opts["page"],
                              meta=opts["meta"])
    doc = result.documents[0]
    doc.source_path = str(path)
    return doc


def _normalise(im: Any) -> Any:
    """A copy of the current frame in a mode tesseract reads the same everywhere (L or RGB)."""
    from PIL import Image

    mode = im.mode
    if mode in ("1", "L", "RGB"):
        return im.copy()
    if mode in ("I;16", "I;16B", "I;16L", "I"):
        return im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if "A" in mode or mode == "P":
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return im.convert("RGB")


def _run_tesseract(exe: str, png: Path, languages: str, path: Path) -> bytes:
    env = dict(os.environ)
    # Batches already use every core; tesseract's own OpenMP threads would only compete.
    env.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        proc = subprocess.run(
            [exe, str(png), "stdout", "-l", languages, "hocr"],
            capture_output=True, timeout=OCR_TIMEOUT_SECONDS, env=env, check=False,
        )
    except subprocess.TimeoutExpired:
        raise ParseError(f"{path}: tesseract took over {OCR_TIMEOUT_SECONDS} s; gave up") from None
    except OSError as exc:
        raise ParseError(f"{path}: cannot run tesseract ({exc})") from None
    if proc.returncode != 0 or not proc.stdout.strip():
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise ParseError(f"{path}: tesseract failed (exit {proc.returncode}): {' | '.join(tail)}")
    return proc.stdout


# --- tesseract installation checks -----------------------------------------------------------


def tesseract_path(path: Path | None = None, languages: str = DEFAULT_OCR_LANGUAGES) -> str:
    """The tesseract program (looked up on PATH), or a MissingToolError naming the apt packages."""
    exe = shutil.which("tesseract")
    if exe is None:
        packages = " ".join(["tesseract-ocr", *_language_packages(languages)])
        raise MissingToolError(
            f"needs tesseract-ocr (apt install {packages}) to OCR page images"
        )
    return exe


def _language_packages(languages: str) -> list[str]:
    codes = languages.split("+") if _LANG_SPEC.match(languages or "") else []
    return [apt_package(c) for c in codes if c not in ("osd", "equ")]


@functools.lru_cache(maxsize=8)
def installed_languages(exe: str) -> frozenset[str]:
    try:
        proc = subprocess.run([exe, "--list-langs"], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    out = proc.stdout.decode("utf-8", "replace").splitlines()
    return frozenset(line.strip() for line in out if line.strip() and not line.startswith("List of"))


@functools.lru_cache(maxsize=8)
def tesseract_version(exe: str) -> str:
    try:
        proc = subprocess.run([exe, "--version"], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "tesseract"
    first = (proc.stdout or proc.stderr).decode("utf-8", "replace").strip().splitlines()
    return first[0] if first else "tesseract"


def apt_package(code: str) -> str:
    """Debian/Ubuntu package holding a tesseract traineddata (deu -> tesseract-ocr-deu)."""
    if code.startswith("script/"):
        return "tesseract-ocr-script-" + code.split("/", 1)[1].lower()
    return "tesseract-ocr-" + code.lower().replace("_", "-")


def check_languages(path: Path, languages: str, exe: str) -> None:
    if not _LANG_SPEC.match(languages or ""):
        raise ParseError(
            f"{path}: invalid OCR language list {languages!r}; use tesseract codes joined by '+', "
            "e.g. 'deu+fra+eng' or 'frk'"
        )
    have = installed_languages(exe)
    if not have:
        return  # could not list them; let tesseract itself report a problem
    missing = [code for code in languages.split("+") if code not in have]
    if missing:
        packages = " ".join(apt_package(c) for c in missing)
        raise MissingToolError(
            f"needs the tesseract language pack(s) {', '.join(missing)} (apt install {packages}; "
            f"installed: {', '.join(sorted(have))})"
        )
