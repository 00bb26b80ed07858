"""How the Ask tab shows a result: the answer or refusal (Markdown), its sources with the matched
words highlighted (HTML) and the passages' regions cut from their page images."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

REASON_WORDS = {
    "no_evidence": "nothing in the archive matches the question",
    "weak_evidence": "the evidence found is too weak to answer reliably",
    "model_declined": "the passages found do not answer the question",
    "unsupported_answer": "a draft answer could not be verified against its sources",
    "backend_error": "the answer generator is not available",
}


def answer_markdown(result: Any, generator: Any) -> str:
    """The answer (or the refusal and why), with the confidence and threshold said plainly."""
    head = (
        f"**Answer** · confidence {result.confidence:.2f} (threshold {result.threshold:.2f})"
        if result.decision == "answer"
        else f"**No answer — {REASON_WORDS.get(result.reason, result.reason)}** "
        f"(`{result.reason}`) · confidence {result.confidence:.2f} (threshold {result.threshold:.2f})"
    )
    text = html.escape(result.text).replace("\n", "  \n")
    return f"{head}\n\n{text}\n\n<small>language {result.language} · generator {generator.name}</small>"


def sources_html(result: Any) -> str:
    """Sources (or the closest passages of a refusal) with the matched words highlighted."""
    rows = result.citations if result.decision == "answer" else result.passages
    if not rows:
        return ""
    r = result.retrieval
    forms = sorted({f for t, extra in r.spellings().items() for f in (t, *extra)} | set(r.query.terms),
                   key=len, reverse=True) if r else []
    title = "Sources" if result.decision == "answer" else "Closest passages found"
    items = []
    for c in rows:
        conf = f"OCR confidence {c.ocr_conf:.2f}" if c.ocr_conf is not None else ""
        meta = " · ".join(x for x in (c.newspaper or c.title, c.date, f"p. {c.page}" if c.page else "",
                                      c.language, conf) if x)
        span = result.answer_span if result.answer_span and result.answer_span["n"] == c.n else None
        body = answer_in_passage(c.text, span) if span else highlight(c.snippet, forms)
        items.append(f'<li class="source"><b>[{c.n}]</b> {html.escape(c.title)} — {html.escape(meta)}'
                     f'<br><span class="snippet">{body}</span></li>')
    return f'<div id="source-list"><h4>{title}</h4><ol style="list-style:none;padding-left:0">{"".join(items)}</ol></div>'


IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def page_crops(result: Any) -> list[tuple[Any, str]]:
    """Previews of the passages' regions on their page images, where the source is an image."""
    rows = result.citations if result.decision == "answer" else result.passages
    return [(crop, f"[{c.n}] {c.newspaper or c.title} {c.date}") for c in rows
            if (crop := page_crop(c)) is not None]


def page_crop(c: Any, width: int = 640) -> Any:
    path = Path(c.source_path)
    if path.suffix.lower() not in IMAGE_SUFFIXES or not c.regions or not path.is_file():
        return None
    from PIL import Image

    boxes = [r["box"] for r in c.regions]
    left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, bottom = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
    with Image.open(path) as img:
        crop = img.crop((max(0, left - 10), max(0, top - 10), right + 10, bottom + 10)).convert("RGB")
    crop.thumbnail((width, width * 2))
    return crop


def answer_in_passage(text: str, span: dict, width: int = 260) -> str:
    """The passage around the answer's fact, the fact marked where it stands in the source."""
    a, b = span["start"], span["end"]
    start, end = max(0, a - width), min(len(text), b + width)
    before, fact, after = (html.escape(" ".join(x.split())) for x in (text[start:a], text[a:b], text[b:end]))
    return (("…" if start else "") + f"{before} <mark class=\"answer-span\"><b>{fact}</b></mark> {after}"
            + ("…" if end < len(text) else ""))


def highlight(text: str, forms: list[str]) -> str:
    escaped = html.escape(text)
    words = [re.escape(html.escape(f)) for f in forms if len(f) >= 3]
    if not words:
        return escaped
    pattern = re.compile(r"\b(" + "|".join(words) + r")", re.IGNORECASE)
    return pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)
