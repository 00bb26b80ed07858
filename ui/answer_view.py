"""How the Ask tab shows a result: the answer or refusal, its sources (each one verifiable, see
``citation_view``) and the session's earlier answers, as HTML in the question's language.

Every turn is HTML with its decision in ``data-decision``/``data-reason`` (the /ask API's callers,
e.g. bench/load_ui.py, read those rather than words that change with the language), so an answer
and its sources can move into the session's history unchanged.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from ragarchive.results import REASONS
from ragarchive.ui.citation_view import Catalogue, source_item
from ragarchive.ui.i18n import text

# The refusal reasons in English words (the Audit tab's filter and record cards).
REASON_WORDS = {reason: text(f"reason_{reason}", "en") for reason in REASONS}

# Scoped to each HTML component by Gradio (``css_template``).
CSS = """
.turn-question { font-weight: 600; margin: 0 0 .3em; }
.turn-answer .answer-text { margin: .4em 0; }
a.citation { padding: 0; margin: 0; text-decoration: none; }
.source { border-top: 1px solid var(--border-color-primary, #ddd); padding: .5em 0; }
.source-head { margin-bottom: .2em; }
.passage { white-space: pre-line; font-size: .95em; }
.other-chunk { border-left: 3px solid var(--border-color-primary, #ccc); padding-left: .6em; }
.this-passage { font-style: italic; color: var(--body-text-color-subdued, #666); margin: .3em 0; }
mark.answer-sentence { background: #fff3b0; }
mark.answer-span { background: #ffd54f; font-weight: 700; }
.cite { margin: .3em 0; font-size: .9em; }
.citation-text { user-select: all; font-family: var(--font-mono, monospace); }
.copy-citation { margin-left: .5em; padding: .05em .5em; font-size: .85em; font-weight: normal; border: 1px solid #999; border-radius: 4px; cursor: pointer; }
details > summary { cursor: pointer; }
figure.region { margin: .4em 0; display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
figure.region img { max-width: 100%; height: auto; border: 1px solid #ccc; }
figure.region figcaption { flex-basis: 100%; font-size: .85em; }
.earlier > h4 { margin-top: 1em; }
.turn { border: 1px solid var(--border-color-primary, #ddd); border-radius: 6px; padding: .5em .8em; margin: .6em 0; }
"""


def answer_html(result: Any, generator: Any, question: str = "", turn: str = "1") -> str:
    """The question, then the answer (or the refusal and why) with the confidence and threshold
    said plainly, in the question's language. ``turn`` tells this answer's links to its sources
    from an earlier answer's."""
    lang = result.language
    score = text("confidence", lang, confidence=f"{result.confidence:.2f}", threshold=f"{result.threshold:.2f}")
    if result.decision == "answer":
        head = f"<b>{html.escape(text('answer', lang))}</b> · {html.escape(score)}"
    else:
        why = text(f"reason_{result.reason}", lang) if result.reason in REASONS else result.reason
        head = (f"<b>{html.escape(text('no_answer', lang))} — {html.escape(why)}</b> "
                f"(<code>{html.escape(result.reason or '')}</code>) · {html.escape(score)}")
    body = html.escape(result.text).replace("\n", "<br>")
    footer = text("footer", lang, language=lang, generator=generator.name)
    return (f'<div class="turn-answer" data-decision="{result.decision}" data-reason="{result.reason or ""}" '
            f'lang="{html.escape(lang)}">{_question(question)}<p class="headline">{head}</p>'
            f'<p class="answer-text">{_citation_links(body, turn)}</p><p><small>{html.escape(footer)}</small></p></div>')


def decision_of(answer: str) -> tuple[str | None, str | None]:
    """(decision, reason) of a shown answer, read from its data attributes (the /ask API's
    callers use this, e.g. bench/load_ui.py); (None, None) for progress, messages and errors."""
    m = re.search(r'data-decision="(\w+)" data-reason="(\w*)"', answer or "")
    return (m.group(1), m.group(2) or None) if m else (None, None)


def _question(question: str) -> str:
    return f'<p class="turn-question">{html.escape(question.strip())}</p>' if question.strip() else ""


def _citation_links(body: str, turn: str) -> str:
    """Each ``[n]`` of the answer links to its source below (the text is already escaped)."""
    return re.sub(r"\[(\d{1,2})\]", rf'<a class="citation" href="#source-{turn}-\1">[\1]</a>', body)


def message_html(message: str, kind: str = "message", question: str = "") -> str:
    """A line that is no decision: progress (``kind="progress"``), a question to fix, an error.
    ``message`` is HTML already."""
    return f'<div class="turn-answer" data-state="{kind}">{_question(question)}<p>{message}</p></div>'


def sources_html(result: Any, catalogue: Catalogue | None = None, turn: str = "1") -> str:
    """The sources of an answer (or the closest passages of a refusal), each with its metadata,
    a citation to copy, the whole passage with the answer's sentences marked, the rest of its
    article and its place on the page image."""
    rows = result.citations if result.decision == "answer" else result.passages
    if not rows:
        return ""
    lang = result.language
    r = result.retrieval
    forms = sorted({f for t, extra in r.spellings().items() for f in (t, *extra)} | set(r.query.terms),
                   key=len, reverse=True) if r else []
    title = text("sources" if result.decision == "answer" else "closest", lang)
    items = []
    for c in rows:
        span = result.answer_span if result.answer_span and result.answer_span["n"] == c.n else None
        snippet = answer_in_passage(c.text, span) if span else highlight(c.snippet, forms)
        items.append(source_item(c, result, lang, catalogue or Catalogue(), snippet, turn))
    return (f'<div class="source-list" lang="{html.escape(lang)}"><h4>{html.escape(title)}</h4>'
            f'<ol style="list-style:none;padding-left:0">{"".join(items)}</ol></div>')


def history_html(turns: Sequence[dict[str, str]], language: str) -> str:
    """The session's earlier turns (answer and sources as they were shown), newest first, under
    the latest answer: the latest stays next to the question box, the page need not scroll."""
    if not turns:
        return ""
    shown = "".join(f'<div class="turn">{t["answer"]}{t["sources"]}</div>' for t in reversed(turns))
    return f'<div class="earlier"><h4>{html.escape(text("earlier", language))}</h4>{shown}</div>'


def answer_in_passage(text_: str, span: dict, width: int = 260) -> str:
    """The passage around the answer's fact, the fact marked where it stands in the source."""
    a, b = span["start"], span["end"]
    start, end = max(0, a - width), min(len(text_), b + width)
    before, fact, after = (html.escape(" ".join(x.split())) for x in (text_[start:a], text_[a:b], text_[b:end]))
    return (("…" if start else "") + f"{before} <mark class=\"answer-span\"><b>{fact}</b></mark> {after}"
            + ("…" if end < len(text_) else ""))


def highlight(text_: str, forms: list[str]) -> str:
    escaped = html.escape(text_)
    words = [re.escape(html.escape(f)) for f in forms if len(f) >= 3]
    if not words:
        return escaped
    pattern = re.compile(r"\b(" + "|".join(words) + r")", re.IGNORECASE)
    return pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)
