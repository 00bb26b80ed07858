"""Where a cited passage stands on its page: the page image with the passage's blocks outlined,
and the passage's region cut out large enough to read.

A citation carries its source file and its blocks' boxes (``regions``: page, box [x, y, w, h],
block id). The page image is found next to the source, never outside its folder:

* a page image (OCR'd by tesseract) is its own page, its boxes are in its pixels;
* a METS issue lists its page images in its fileSec (resolved like ingestion resolves them,
  confined to the issue's folder); the boxes are in the page's ALTO units;
* a standalone ALTO page names its image (``sourceImageInformation/fileName``), or shares its
  stem with one.

ALTO boxes need not be in the image's pixels: the unit may be ``mm10`` or ``inch1200``, and even a
``pixel`` ALTO may describe a scan of another resolution than the image delivered. Boxes are
therefore scaled by the image's size over the size of the space they are in: the ALTO ``Page``
WIDTH/HEIGHT, or — when ingestion already converted them to pixels with the METS ``mix`` image
size — that size. An issue without a page image gets no picture, only its block ids and boxes.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
PAGE_WIDTH = 420  # px of the page overview
CROP_WIDTH = 900  # px, the most a region is shown at (it is never enlarged more than twice)


@dataclass(frozen=True)
class PageImage:
    """A page's image and the size of the space its boxes are in (None: the image's pixels)."""

    path: Path
    box_space: tuple[float, float] | None = None


@dataclass
class PageRegion:
    """One page of a passage: the page overview with the blocks outlined and the region's crop
    (JPEG data URIs), or, without a page image, just the boxes."""

    page: int | None
    boxes: list[tuple[float, float, float, float]]
    block_ids: list[str]
    overview: str | None = None
    crop: str | None = None


def passage_regions(citation: Any) -> list[PageRegion]:
    """The passage's regions page by page, drawn on the page image where the source has one."""
    by_page: dict[int | None, PageRegion] = {}
    for r in citation.regions:
        page = r.get("page")
        region = by_page.setdefault(page, PageRegion(page, [], []))
        region.boxes.append(tuple(float(v) for v in r["box"][:4]))
        if r.get("block_id"):
            region.block_ids.append(str(r["block_id"]))
    images = page_images(citation.source_path)
    for region in by_page.values():
        image = images.get(region.page) or images.get(None)
        if image is not None:
            _draw(region, image)
    return list(by_page.values())


def page_images(source_path: str) -> dict[int | None, PageImage]:
    """page number -> its image, for the source file (None: the image of every page)."""
    path = Path(source_path or "")
    try:
        return _page_images(str(path), path.stat().st_mtime) if path.is_file() else {}
    except OSError:
        return {}


@lru_cache(maxsize=256)
def _page_images(path_text: str, mtime: float) -> dict[int | None, PageImage]:
    from ragarchive.errors import ParseError
    from ragarchive.ingest.formats.xmlsafe import local_name, parse_xml

    path = Path(path_text)
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return {None: PageImage(path)}
    if path.suffix.lower() != ".xml":
        return {}
    try:
        root = parse_xml(path)
    except ParseError:
        return {}
    if local_name(root) == "mets":
        return _mets_images(root, path)
    if local_name(root) == "alto":
        image = _beside(path, _alto_image_name(root))
        return {None: PageImage(image, _alto_space(root))} if image else {}
    return {}


def _mets_images(root: Any, path: Path) -> dict[int | None, PageImage]:
    from ragarchive.ingest.formats.mets_files import image_sizes, physical_pages, read_files

    files = read_files(root, path.parent)  # confined to the folder
    page_of = physical_pages(root, files)
    mix = image_sizes(root, files, page_of)
    out: dict[int | None, PageImage] = {}
    for f in files.values():
        page = page_of.get(f.file_id)
        usable = f.is_image and f.path and f.path.is_file() and f.path.suffix.lower() in IMAGE_SUFFIXES
        if page is None or not usable or page in out:
            continue
        alto = next((t.path for t in files.values() if t.is_text and page_of.get(t.file_id) == page
                     and t.path and t.path.is_file()), None)
        out[page] = PageImage(f.path, _box_space(alto, mix.get(page)) if alto else None)
    return out


def _box_space(alto: Path, mix: tuple[int, int] | None) -> tuple[float, float] | None:
    """The space a METS page's stored boxes are in: the ALTO page's, unless ingestion converted
    them to pixels with the METS ``mix`` image size (it does when the unit is not pixels)."""
    from ragarchive.errors import ParseError
    from ragarchive.ingest.formats.xmlsafe import parse_xml

    try:
        root = parse_xml(alto)
    except ParseError:
        return None
    space = _alto_space(root)
    converted = mix and space and _alto_unit(root) != "pixel"  # as alto.read_alto converts
    return mix if converted else space


def _alto_unit(root: Any) -> str:
    unit = next(root.iter("{*}MeasurementUnit"), None)
    return (unit.text or "pixel").strip().lower() if unit is not None else "pixel"


def _alto_space(root: Any) -> tuple[float, float] | None:
    """The ALTO page's WIDTH and HEIGHT: the space its boxes are in."""
    page = next(root.iter("{*}Page"), None)
    try:
        size = (float(page.get("WIDTH")), float(page.get("HEIGHT"))) if page is not None else None
    except (TypeError, ValueError):
        return None
    return size if size and size[0] > 0 and size[1] > 0 else None


def _alto_image_name(root: Any) -> str | None:
    name = next(root.iter("{*}fileName"), None)
    return (name.text or "").strip() if name is not None else None


def _beside(path: Path, name: str | None) -> Path | None:
    """The page image next to an ALTO file: the one it names, else one with its stem."""
    candidates = [path.parent / Path(name.replace("\\", "/")).name] if name else []
    candidates += [path.with_suffix(s) for s in IMAGE_SUFFIXES]
    return next((c for c in candidates if c.suffix.lower() in IMAGE_SUFFIXES and c.is_file()), None)


def scaled_boxes(boxes: list[tuple[float, float, float, float]], image_size: tuple[int, int],
                 box_space: tuple[float, float] | None) -> list[tuple[float, float, float, float]]:
    """Boxes in the image's pixels: ``box_space`` is the size of the space they are given in."""
    if not box_space:
        return list(boxes)
    sx, sy = image_size[0] / box_space[0], image_size[1] / box_space[1]
    return [(x * sx, y * sy, w * sx, h * sy) for x, y, w, h in boxes]


def _draw(region: PageRegion, image: PageImage) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(image.path) as img:
            page = img.convert("RGB")
    except (OSError, UnidentifiedImageError):
        return
    boxes = scaled_boxes(region.boxes, page.size, image.box_space)
    region.crop = _data_uri(region_crop(page, boxes))
    region.overview = _data_uri(outlined_page(page, boxes))


def region_crop(page: Any, boxes: list[tuple[float, float, float, float]]) -> Any:
    """The boxes' bounding region with a margin (so no letter at its edge is cut), at most
    ``CROP_WIDTH`` wide and never enlarged more than twice (upscaled scans blur)."""
    left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, bottom = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
    pad = max(12, round(0.015 * page.width))
    crop = page.crop((max(0, int(left) - pad), max(0, int(top) - pad),
                      min(page.width, int(right) + pad), min(page.height, int(bottom) + pad)))
    factor = min(CROP_WIDTH / crop.width, 2.0)
    return crop.resize((max(1, round(crop.width * factor)), max(1, round(crop.height * factor))))


def outlined_page(page: Any, boxes: list[tuple[float, float, float, float]]) -> Any:
    """The whole page, ``PAGE_WIDTH`` wide, with each box outlined in red."""
    from PIL import ImageDraw

    factor = PAGE_WIDTH / page.width
    small = page.resize((PAGE_WIDTH, max(1, round(page.height * factor))))
    draw = ImageDraw.Draw(small)
    for x, y, w, h in boxes:
        draw.rectangle((x * factor, y * factor, (x + w) * factor, (y + h) * factor),
                       outline=(220, 20, 60), width=3)
    return small


def _data_uri(image: Any) -> str:
    """A JPEG data URI: the picture travels inside the HTML, so an earlier answer of the session
    keeps its pictures without files to serve or clean up."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")
