"""Parsers for every input format, behind one entry point: :func:`parse`.

``parse(source)`` turns one discovered file into :class:`ParseResult` (documents + warnings).
Whatever goes wrong inside a parser, the caller sees a :class:`ParseError` naming the file and
the reason, so a batch can report the file and go on.

The small helpers that several formats share (document ids, page numbers from file names, ISO
language codes and dates) are in ``common``, which the format modules import; they are imported
here lazily, so importing the package stays cheap and nothing imports in a circle.
"""

from __future__ import annotations

from pathlib import Path

from ragarchive.errors import ParseError
from ragarchive.types import SourceFile

from .common import DEFAULT_OCR_LANGUAGES, ParseResult, add_name_dates

__all__ = ["DEFAULT_OCR_LANGUAGES", "ParseResult", "parse"]


def parse(source: SourceFile, *, ocr_languages: str = DEFAULT_OCR_LANGUAGES) -> ParseResult:
    """Parse one source file into documents; raises ParseError (only) for unusable input."""
    path = Path(source.path)
    try:
        return add_name_dates(_dispatch(source.kind, path, ocr_languages, source.root,
                                        source.related), path, source.kind)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(f"{path}: structure nested too deeply to parse") from None
    except MemoryError:
        raise ParseError(f"{path}: out of memory while parsing") from None
    except Exception as exc:  # noqa: BLE001 - the contract is "ParseError or a result"
        # A parser bug must not stop a batch; the message keeps enough to debug it.
        raise ParseError(
            f"{path}: unexpected {type(exc).__name__} while parsing as {source.kind}: {exc}"
        ) from exc


def _dispatch(kind: str, path: Path, ocr_languages: str, root: Path | None = None,
              related: tuple[Path, ...] = ()) -> ParseResult:
    if kind == "mets":
        from .mets import parse_mets

        return parse_mets(path, root=root)  # its pages may be anywhere inside the ingested root
    if kind == "alto":
        from .alto import parse_alto
        from .didl import apply_didl

        return apply_didl(parse_alto(path), related)  # a standalone ALTO's related: its DIDL
    if kind == "hocr":
        from .hocr import parse_hocr
        from .text import apply_sidecar

        return apply_sidecar(parse_hocr(path), path)
    if kind == "pagexml":
        from .pagexml import parse_pagexml

        return parse_pagexml(path)
    if kind == "text":
        from .text import parse_text

        return parse_text(path)
    if kind == "jsonl":
        from .text import parse_jsonl

        return parse_jsonl(path)
    if kind == "image":
        from .images import parse_image
        from .text import apply_sidecar

        return apply_sidecar(parse_image(path, languages=ocr_languages), path)
    raise ParseError(f"{path}: unknown source kind {kind!r}")
