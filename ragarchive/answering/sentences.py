"""Sentence splitting for OCR'd newspaper text and for answers.

A full stop ends a sentence unless it follows an abbreviation (``Mr.``, ``p.``, ``M.``, an
initial), a German ordinal (``15. September``), or sits inside a quotation that the answer
quotes from the evidence; trailing citations ``[n]`` stay with their sentence. Written by hand
because the usual splitters (nltk punkt, llama-index's) need per-language models or split
ordinals and quoted sentences apart.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    "mr mrs dr st sr jr rev gen col capt lt no nos vol p pp ch fig cf etc vs "
    "hr hrn fr frl nr str bzw usw vgl dgl ca sog geb gest "
    "m mm mme mlle mgr jan feb aug sept oct nov dec".split()
)
_END = re.compile(r"[.!?…]+[)\]»“”\"']*(?:\s*\[\d{1,2}\])*")
_QUOTE = re.compile(r'"[^"\n]{0,600}"')


def split_sentences(text: str) -> list[str]:
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    protected = [(m.start(), m.end()) for m in _QUOTE.finditer(text)]
    out, start = [], 0
    for m in _END.finditer(text):
        end = m.end()
        if end >= len(text) or not text[end].isspace():
            continue
        if any(a < m.start() < b and end < b for a, b in protected):
            continue
        if _is_abbreviation(text, m.start()) or not _next_starts_sentence(text, end):
            continue
        out.append(text[start:end].strip())
        start = end
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word = re.search(r"(\w+)$", text[:dot])
    if not word:
        return False
    w = word.group(1)
    if w.isdigit():
        return len(w) <= 2  # "15. September", "3. Kapitel"; a year may end a sentence
    return len(w) == 1 or w.lower() in _ABBREVIATIONS


def _next_starts_sentence(text: str, pos: int) -> bool:
    nxt = text[pos:].lstrip()[:1]
    return bool(nxt) and (nxt.isupper() or nxt.isdigit() or nxt in "\"«„“'([")
