"""Plain text (``.txt`` with an optional ``.json`` sidecar) and JSONL manifests (``.jsonl``).

Text: blank-line separated paragraphs -> Blocks, lines -> Lines, whitespace-separated tokens ->
Words (no confidences or boxes). A form feed (``\\f``) starts a new page, as old exports write it.
Encoding: UTF-8 first; otherwise Windows-1252 (what old exports use) when its decoding is
plausible, otherwise charset-normalizer's best guess -- each fallback adds a warning
"decoded as <encoding> (detected)". Binary or undecodable input is a ParseError.

JSONL: one JSON object per line with ``id`` and ``text`` (plus optional ``title``, ``date``,
``language``, ``page``, ``source``/``newspaper``). Ids are kept exactly. Bad lines become
warnings naming the line; duplicate ids keep the first. HIPE-OCRepair records
(``document_metadata`` + ``ocr_hypothesis``) are read as well: their noisy OCR text is the text,
never the ground truth.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from ragarchive.errors import ParseError
from ragarchive.text.names import looks_like_path
from ragarchive.types import Block, Document, Line, Word

from .common import ParseResult, base_id, iso_date, norm_language, small_int
from .xmlsafe import looks_binary, read_bytes, wide_encoding

# Sidecar/manifest keys with a field of their own in Document; everything else goes to meta.
_KNOWN_KEYS = {"id", "text", "title", "date", "language", "page", "source", "newspaper"}
_MAX_LINE_WARNINGS = 50


# --- decoding --------------------------------------------------------------------------------


def decode_text(data: bytes, name: str) -> tuple[str, str | None]:
    """(text, warning or None). BOM-marked UTF-16/32; UTF-8; then detection. Binary -> ParseError."""
    wide = wide_encoding(data)
    if wide:
        try:
            text = data.decode(wide).lstrip("\ufeff")
            return _not_binary(text, name), f"decoded as {wide} (byte order mark)"
        except UnicodeDecodeError:
            pass
    if looks_binary(data):
        raise ParseError(f"{name}: binary data, not text")
    try:
        return _not_binary(data.decode("utf-8-sig"), name), None
    except UnicodeDecodeError:
        pass
    # Windows-1252 first: general detection often prefers a Central European code page for
    # short Western text and turns "à" into "ŕ".
    for isolation in (["cp1252"], None):
        match = from_bytes(data, cp_isolation=isolation).best()
        if match is not None:
            return _not_binary(str(match), name), f"decoded as {_encoding_label(match.encoding)} (detected)"
    raise ParseError(f"{name}: cannot decode text: not UTF-8 and no plausible encoding (binary?)")


def _not_binary(text: str, name: str) -> str:
    """Control characters (other than tabs, newlines, form feeds) mean binary data, not text."""
    sample = text[:65536]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f\v")
    if sample and controls / len(sample) > 0.01:
        raise ParseError(f"{name}: binary data, not text")
    return text


def _encoding_label(name: str) -> str:
    """Python codec names as people know them: cp1252 -> windows-1252, latin_1 -> iso-8859-1."""
    name = name.lower()
    if name.startswith("cp125"):
        return "windows-" + name[2:]
    if name in ("latin_1", "latin-1", "iso8859_1"):
        return "iso-8859-1"
    if name.startswith("iso8859_"):
        return "iso-8859-" + name.split("_", 1)[1]
    return name.replace("_", "-")


# --- paragraphs ------------------------------------------------------------------------------


def text_blocks(text: str, first_page: int | None) -> list[Block]:
    """Blocks from plain text: blank lines end paragraphs, form feeds end pages."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    page_texts = text.split("\f")
    blocks: list[Block] = []
    for p, page_text in enumerate(page_texts):
        if first_page is not None:
            page: int | None = first_page + p
        else:
            page = p + 1 if len(page_texts) > 1 else None
        paragraph: list[Line] = []
        for raw in page_text.split("\n") + [""]:
            words = [Word(t) for t in raw.split()]
            if words:
                paragraph.append(Line(words))
            elif paragraph:
                blocks.append(Block(paragraph, page, None, f"par{len(blocks) + 1}"))
                paragraph = []
    return blocks


def _pages(blocks: list[Block]) -> list[int]:
    return sorted({b.page for b in blocks if b.page is not None})


# --- metadata records (sidecar or manifest line) ---------------------------------------------


def _fields(record: dict[str, Any], where: str, warnings: list[str]) -> dict[str, Any]:
    """Document fields from a sidecar/manifest record; bad values are dropped with a warning."""
    out: dict[str, Any] = {}
    if record.get("title") is not None:
        out["title"] = str(record["title"]).strip() or None
    source = record.get("newspaper", record.get("source"))
    if source is not None:
        out["newspaper"] = str(source).strip() or None
        if out["newspaper"] and looks_like_path(out["newspaper"]):
            # a file path or URL names no newspaper: it stays in meta["source"]
            out["extra"] = {"source": out.pop("newspaper")}
    if record.get("date") not in (None, "", "n/a"):
        out["date"] = iso_date(record["date"])
        if out["date"] is None:
            warnings.append(f"{where}: ignored date {record['date']!r} (not ISO 8601 YYYY[-MM[-DD]])")
    if record.get("language") not in (None, ""):
        out["language"] = norm_language(record["language"])
        if out["language"] is None:
            warnings.append(f"{where}: ignored unknown language {record['language']!r}")
    page = record.get("page")
    if page is not None:
        if isinstance(page, int) and not isinstance(page, bool) and 0 < page < 10**9:
            out["page"] = page
        elif number := small_int(page):
            out["page"] = number
        else:
            warnings.append(f"{where}: ignored page {page!r} (not a whole number from 1 to "
                            "999,999,999)")
    extra = {k: v for k, v in record.items()
             if k not in _KNOWN_KEYS and isinstance(v, (str, int, float, bool))}
    if extra:
        out["extra"] = {**out.get("extra", {}), **extra}
    return out


def _document(doc_id: str, path: Path, text: str, fields: dict[str, Any], fmt: str) -> Document:
    blocks = text_blocks(text, fields.get("page"))
    meta: dict[str, Any] = {"format": fmt, **fields.get("extra", {})}
    return Document(
        doc_id=doc_id,
        source_path=str(path),
        blocks=blocks,
        title=fields.get("title"),
        date=fields.get("date"),
        language=fields.get("language"),
        newspaper=fields.get("newspaper"),
        pages=_pages(blocks),
        meta=meta,
    )


def _record_id(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value
    return None


# --- .txt ------------------------------------------------------------------------------------


def parse_text(path: Path) -> ParseResult:
    data = read_bytes(path)
    text, note = decode_text(data, str(path))
    warnings = [note] if note else []
    if not text.strip():
        raise ParseError(f"{path}: empty file")
    sidecar = _read_sidecar(path.with_suffix(".json"), warnings)
    fields = _fields(sidecar, path.with_suffix(".json").name, warnings) if sidecar else {}
    doc_id = _record_id(sidecar.get("id")) if sidecar else None
    if sidecar and sidecar.get("id") is not None and doc_id is None:
        warnings.append(f"{path.with_suffix('.json').name}: ignored id {sidecar['id']!r}")
    doc = _document(doc_id or base_id(path), path, text, fields, "text")
    if note:
        doc.meta["encoding_note"] = note
    return ParseResult([doc], warnings)


def apply_sidecar(result: ParseResult, path: Path) -> ParseResult:
    """Metadata from ``name.json`` next to an hOCR page or a page image (same keys as for .txt).

    tesseract's hOCR and a bare image carry no title, date or language, so a librarian adds
    them in a sidecar. Values the source itself gives are kept; a sidecar ``id`` renames a
    single-document file.
    """
    sidecar_path = path.with_suffix(".json")
    sidecar = _read_sidecar(sidecar_path, result.warnings)
    if not sidecar:
        return result
    fields = _fields(sidecar, sidecar_path.name, result.warnings)
    doc_id = _record_id(sidecar.get("id"))
    for doc in result.documents:
        doc.title = doc.title or fields.get("title")
        doc.date = doc.date or fields.get("date")
        doc.language = doc.language or fields.get("language")
        doc.newspaper = doc.newspaper or fields.get("newspaper")
        doc.meta.update(fields.get("extra", {}))
    if doc_id and len(result.documents) == 1:
        result.documents[0].doc_id = doc_id
    return result


def _read_sidecar(path: Path, warnings: list[str]) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        record = json.loads(read_bytes(path, max_bytes=1024 * 1024).decode("utf-8-sig"))
    except (ParseError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        warnings.append(f"sidecar {path.name} ignored: {_reason(exc)}")
        return None
    if not isinstance(record, dict):
        warnings.append(f"sidecar {path.name} ignored: not a JSON object")
        return None
    return record


# --- .jsonl ----------------------------------------------------------------------------------


def parse_jsonl(path: Path) -> ParseResult:
    data = read_bytes(path)
    text, note = decode_text(data, str(path))
    warnings: list[str] = [note] if note else []
    problems: list[str] = []
    docs: list[Document] = []
    first_line: dict[str, int] = {}
    lines = text.split("\n")  # not splitlines(): U+2028 and NEL are legal inside JSON strings
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        record, problem = _manifest_record(raw, n)
        if problem:
            problems.append(problem)
            continue
        assert record is not None
        doc_id = record["id"]
        if doc_id in first_line:
            problems.append(f"line {n}: duplicate id {doc_id!r}; kept the first (line {first_line[doc_id]})")
            continue
        first_line[doc_id] = n
        fields = _fields(record, f"line {n}", problems)
        docs.append(_document(doc_id, path, record["text"], fields, "jsonl"))
    if not docs:
        first = f" (first problem: {problems[0]})" if problems else ""
        raise ParseError(f"{path}: no valid record with 'id' and 'text' in the manifest{first}")
    warnings += problems[:_MAX_LINE_WARNINGS]
    if len(problems) > _MAX_LINE_WARNINGS:
        warnings.append(f"... and {len(problems) - _MAX_LINE_WARNINGS} more bad lines")
    return ParseResult(docs, warnings)


def _manifest_record(raw: str, n: int) -> tuple[dict[str, Any] | None, str | None]:
    try:
        record = json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as exc:
        return None, f"line {n}: invalid JSON ({_reason(exc)})"
    if not isinstance(record, dict):
        return None, f"line {n}: not a JSON object"
    record = _from_hipe(record)
    doc_id = _record_id(record.get("id"))
    if doc_id is None:
        return None, f"line {n}: missing or invalid 'id'"
    if not isinstance(record.get("text"), str) or not record["text"].strip():
        return None, f"line {n}: missing or empty 'text' (id {doc_id!r})"
    record["id"] = doc_id
    return record, None


def _from_hipe(record: dict[str, Any]) -> dict[str, Any]:
    """Map a HIPE-OCRepair record onto the manifest keys; other records pass unchanged."""
    meta, ocr = record.get("document_metadata"), record.get("ocr_hypothesis")
    if "id" in record or not isinstance(meta, dict) or not isinstance(ocr, dict):
        return record
    return {
        "id": meta.get("document_id"),
        "text": ocr.get("transcription_unit"),
        "date": meta.get("date"),
        "language": meta.get("language"),
        "publication_title": meta.get("publication_title"),
        "document_type": meta.get("document_type"),
        "dataset": meta.get("primary_dataset_name"),
    }


def _reason(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at column {exc.colno}"
    return str(exc) or type(exc).__name__
