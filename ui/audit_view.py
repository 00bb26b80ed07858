"""How the Audit tab shows the log: the table's rows and one record as a card an archivist can
read (question, decision and why, confidence against the threshold, the filters, the passages as
they were shown with their highlights, the verification of each sentence, the timings), the raw
JSON folded away below it.

Pure functions from records to text: every value that comes from a record (questions, OCR text,
notes) is escaped, since a question or a page can hold anything, markup included.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from ragarchive.audit_report import filters_text
from ragarchive.ui.answer_view import REASON_WORDS, answer_in_passage, highlight

# The table's columns. The question comes first so that a narrow screen, which shows only the
# first columns (AUDIT_CSS), still shows what was asked and what the app did.
COLUMNS = ["Question", "Decision", "Confidence", "When (UTC)", "Language", "Filters", "Label", "Record"]
COLUMN_WIDTHS = ["32%", "13%", "9%", "11%", "8%", "10%", "6%", "11%"]
RECORD_ID_SHOWN = 12  # hex digits of the id in the table: unique in any real log, and short


def table_row(r: dict[str, Any], label: dict[str, Any] | None) -> list[Any]:
    """One decision as a row of ``COLUMNS``: rounded, readable, nothing cut."""
    refused = r.get("decision") == "refuse"
    reason = (r.get("reason") or "").replace("_", " ")
    return [
        question_text(r),
        f"refused: {reason}" if refused and reason else r.get("decision") or "",
        f'{float(r.get("confidence") or 0.0):.2f}',  # text: a number column would show 1, not 1.00
        (r.get("timestamp") or "")[:16].replace("T", " "),
        r.get("language") or "",
        filters_text(r.get("filters")),
        (label or {}).get("label") or "",
        r["record_id"][:RECORD_ID_SHOWN],
    ]


def question_text(r: dict[str, Any]) -> str:
    """The question, or — with the privacy option — that it was hidden, and its hash's start."""
    if r.get("question") is not None:
        return r["question"]
    return f"(hidden: {(r.get('question_hash') or '')[:19]}…)"


def record_card(r: dict[str, Any], label: dict[str, Any] | None) -> str:
    """One record as HTML: what an archivist reads first at the top, the raw record at the end."""
    parts = [
        f"<h3>{escape(question_text(r))}</h3>",
        f'<p class="meta">{escape(_meta(r))}</p>',
        _decision(r),
        _label(label),
        _section("What the user saw", f'<blockquote>{_lines(r.get("message") or "")}</blockquote>'),
        _section("Filters", escape(filters_text(r.get("filters")) or "none")),
        _section("Passages as shown", _passages(r)),
        _section("Reading", _reading(r.get("reading"))),
        _section("Verification per sentence", _verification(r.get("verification"))),
        _section("Timings", _timings(r.get("timings") or {})),
        _section("Notes", "<br>".join(escape(str(n)) for n in r.get("notes") or [])),
        _section("Generator and index", escape(_setup(r))),
        "<details><summary>Raw record (JSON)</summary>"
        f"<pre>{escape(json.dumps({**r, 'label': label}, indent=2, ensure_ascii=False))}</pre></details>",
    ]
    return f'<div class="audit-card">{"".join(p for p in parts if p)}</div>'


def _meta(r: dict[str, Any]) -> str:
    bits = [(r.get("timestamp") or "").replace("T", " ").replace("Z", " UTC"),
            r.get("language") and f"question in {r['language']}",
            r.get("user") and f"user {r['user']}", r.get("run_id") and f"evaluation run {r['run_id']}",
            f"record {r['record_id']}"]
    return " · ".join(b for b in bits if b)


def _decision(r: dict[str, Any]) -> str:
    """The decision and its reason, and the confidence drawn against the threshold."""
    conf, threshold = float(r.get("confidence") or 0.0), float(r.get("threshold") or 0.0)
    if r.get("decision") == "answer":
        head = "<b>Answered</b>"
    else:
        reason = r.get("reason") or ""
        head = (f"<b>Refused — {escape(REASON_WORDS.get(reason, reason))}</b> "
                f"<code>{escape(reason)}</code>")
    side = "above" if conf >= threshold else "below"
    scale = (f'<div class="meter" title="confidence {conf:.2f}, threshold {threshold:.2f}">'
             f'<span style="width:{_percent(conf)}%"></span><i style="left:{_percent(threshold)}%"></i></div>')
    return (f'<div class="decision {escape(r.get("decision") or "")}">{head}<br>'
            f"confidence <b>{conf:.2f}</b> · threshold {threshold:.2f} "
            f"({abs(conf - threshold):.2f} {side}){scale}</div>")


def _percent(x: float) -> float:
    return round(min(max(x, 0.0), 1.0) * 100, 1)


def _label(label: dict[str, Any] | None) -> str:
    if not label:
        return '<p class="label">Not labelled yet.</p>'
    who = ", ".join(x for x in (label.get("reviewer"), (label.get("timestamp") or "")[:10]) if x)
    note = f" — {escape(label['note'])}" if label.get("note") else ""
    return (f'<p class="label">Labelled <b>{escape(label.get("label") or "")}</b>{note}'
            f"{f' ({escape(who)})' if who else ''}</p>")


def _section(title: str, body: str) -> str:
    return f"<h4>{escape(title)}</h4>{body}" if body else ""


def _lines(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def _passages(r: dict[str, Any]) -> str:
    """The evidence passages as the Ask tab showed them: matched words highlighted, the answer's
    fact marked where it stands in its passage, the cited ones flagged."""
    cited = {c.get("n") for c in r.get("citations") or []}
    forms = _forms(r.get("expansions") or [])
    span = r.get("answer_span")
    items = []
    for p in r.get("passages") or []:
        meta = " · ".join(str(x) for x in (p.get("newspaper") or p.get("title"), p.get("date"),
                                           p.get("page") and f"p. {p['page']}", p.get("language"),
                                           p.get("score") is not None and f"score {p['score']:.3f}") if x)
        text = p.get("text") or p.get("snippet") or ""
        marks_fact = span and span.get("n") == p.get("n") and span.get("end", 0) <= len(p.get("text") or "")
        body = answer_in_passage(text, span) if marks_fact else highlight(p.get("snippet") or text, forms)
        tag = ' <span class="cited">cited</span>' if p.get("n") in cited else ""
        items.append(f'<li><b>[{escape(str(p.get("n")))}]</b> {escape(p.get("title") or "")}{tag}'
                     f'<br><small>{escape(meta)} · {escape(p.get("document_id") or "")}</small>'
                     f'<br><span class="snippet">{body}</span></li>')
    return f'<ol class="passages">{"".join(items)}</ol>' if items else ""


def _forms(expansions: list[dict[str, Any]]) -> list[str]:
    """The words the Ask tab highlighted: the question's terms and the spellings the expansions
    added for them (longest first, so a longer form wins over its prefix)."""
    forms = {t for v in expansions if v.get("origin") == "original" for t in v.get("terms") or []}
    for v in expansions:
        for term, pairs in (v.get("mapping") or {}).items():
            forms |= {term, *(pair[0] for pair in pairs)}
    return sorted(forms, key=len, reverse=True)


def _reading(reading: dict[str, Any] | None) -> str:
    if not reading:
        return ""
    expected = reading.get("expected") or {}
    wanted = " · ".join(f"{k} {escape(str(v))}" for k, v in expected.items() if v and k != "source")
    best = ", ".join(f"“{escape(c.get('text', ''))}” [{escape(str(c.get('n')))}] {float(c.get('score', 0)):.2f}"
                     for c in (reading.get("candidates") or [])[:3])
    return (f"Expected: {wanted or 'no particular type'}"
            + (f"<br>Best candidates: {best}" if best else ""))


def _verification(sentences: list[dict[str, Any]] | None) -> str:
    if not sentences:
        return "<p>No draft was verified.</p>" if sentences is None else ""
    items = []
    for s in sentences:
        mark = "✓ supported" if s.get("supported") else "✗ not supported"
        scores = [f"cites {', '.join(f'[{n}]' for n in s.get('citations') or []) or 'nothing'}",
                  f"lexical {_num(s.get('lexical_support'))}", f"embedding {_num(s.get('embedding_support'))}"]
        if s.get("missing_facts"):
            scores.append(f"missing {', '.join(map(str, s['missing_facts']))}")
        if s.get("invalid_citations"):
            scores.append(f"invalid citations {', '.join(map(str, s['invalid_citations']))}")
        ok = "ok" if s.get("supported") else "bad"
        items.append(f'<li><span class="{ok}">{mark}</span> · {escape(" · ".join(scores))}'
                     f'<br>{escape(s.get("text") or "")}</li>')
    return f'<ul class="verification">{"".join(items)}</ul>'


def _num(x: Any) -> str:
    return "—" if x is None else f"{float(x):.2f}"


def _timings(timings: dict[str, float]) -> str:
    """The total first, then each stage, in seconds."""
    order = sorted(timings, key=lambda k: (k != "total", k))
    return '<p class="chips">' + "".join(f"<span>{escape(k)} {float(timings[k]):.2f} s</span>"
                                          for k in order) + "</p>" if timings else ""


def _setup(r: dict[str, Any]) -> str:
    index = r.get("index") or {}
    prompt = r.get("prompt") or {}
    bits = [f"generator {r.get('generator')}", r.get("model") and f"model {r['model']}",
            prompt.get("file") and f"prompt {prompt['file']} ({(prompt.get('sha256') or '')[:12]})",
            index.get("archive") and f"archive {index['archive']} ({index.get('documents')} documents, "
                                     f"{index.get('chunks')} chunks)",
            index.get("embedder") and f"embedder {index['embedder']}",
            f"app {r.get('app_version')} · schema {r.get('schema_version')}"]
    return " · ".join(b for b in bits if b)


# The tab's style. Colours are Gradio's theme variables, so the dark theme works too. Below
# 640 px the table keeps its first three columns (question, decision, confidence) and the card
# wraps its long words: on a phone the table is read, and a row tapped for the whole record.
AUDIT_CSS = """
#audit-style { display: none; }
.audit-card { line-height: 1.45; overflow-wrap: anywhere; }
.audit-card h3 { margin: 0.2em 0; font-size: 1.2em; }
.audit-card h4 { margin: 1em 0 0.3em; font-size: 1em; }
.audit-card .meta, .audit-card small { color: var(--body-text-color-subdued); }
.audit-card .decision { border-left: 5px solid #2e7d32; padding: 0.4em 0.8em;
  background: var(--background-fill-secondary); }
.audit-card .decision.refuse { border-left-color: #c62828; }
.audit-card .meter { position: relative; height: 10px; max-width: 360px; margin-top: 0.4em;
  background: var(--border-color-primary); border-radius: 5px; }
.audit-card .meter span { display: block; height: 100%; border-radius: 5px; background: #1e88e5; }
.audit-card .meter i { position: absolute; top: -4px; width: 3px; height: 18px; background: var(--body-text-color); }
.audit-card blockquote { margin: 0; padding: 0.3em 0.8em; border-left: 3px solid var(--border-color-primary); }
.audit-card ol.passages { list-style: none; padding-left: 0; }
.audit-card ol.passages li, .audit-card ul.verification li { margin-bottom: 0.6em; }
.audit-card ul.verification { list-style: none; padding-left: 0; }
.audit-card .cited { font-size: 0.8em; padding: 0 0.4em; border-radius: 3px; background: #1e88e5; color: white; }
.audit-card .ok { color: #2e7d32; font-weight: bold; }
.audit-card .bad { color: #c62828; font-weight: bold; }
.audit-card .chips span { display: inline-block; margin: 0 0.3em 0.3em 0; padding: 0 0.4em;
  border-radius: 3px; background: var(--background-fill-secondary); white-space: nowrap; }
.audit-card pre { white-space: pre-wrap; max-height: 600px; overflow: auto; font-size: 0.85em; }
.audit-card summary { cursor: pointer; font-weight: bold; margin-top: 1em; }
#audit-table th .header { word-break: normal; overflow-wrap: normal; }
#audit-table .cell-wrap, #audit-table .cell-wrap span { font-family: var(--font); }
#audit-table [data-col="7"] span { font-family: var(--font-mono); font-size: 0.9em; }
@media (max-width: 640px) {
  #audit-table { --audit-w: calc(100vw - 68px); }
  #audit-table th[data-heading]:nth-child(n+4), #audit-table .sizing-body td:nth-child(n+4),
  #audit-table [data-col="3"], #audit-table [data-col="4"], #audit-table [data-col="5"],
  #audit-table [data-col="6"], #audit-table [data-col="7"] { display: none !important; }
  #audit-table table.header-table, #audit-table .virtual-body { width: var(--audit-w) !important; }
  #audit-table th[data-heading="0"], #audit-table .sizing-body td:nth-child(1), #audit-table [data-col="0"]
    { --w: calc(var(--audit-w) * 0.48); }
  #audit-table th[data-heading="1"], #audit-table .sizing-body td:nth-child(2), #audit-table [data-col="1"]
    { --w: calc(var(--audit-w) * 0.27); }
  #audit-table th[data-heading="2"], #audit-table .sizing-body td:nth-child(3), #audit-table [data-col="2"]
    { --w: calc(var(--audit-w) * 0.25); }
  #audit-table th[data-heading], #audit-table .sizing-body td, #audit-table [data-col]
    { width: var(--w) !important; min-width: var(--w) !important; max-width: var(--w) !important;
      flex: 0 0 var(--w) !important; padding-left: 0 !important; padding-right: 0 !important; }
  #audit-table .cell-wrap { padding-left: 4px !important; padding-right: 4px !important; }
  #audit-table th .header { font-size: 0.85em; }
}
"""
