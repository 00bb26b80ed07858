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
    return [text[a:b] for a, b in _sentence_bounds(text)]


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word = re.search(r"(\w+)$", text[max(0, dot - 40) : dot])  # a window: the whole prefix is O(n²)
    if not word:
        return False
    w = word.group(1)
    if w.isdigit():
        return len(w) <= 2  # "15. September", "3. Kapitel"; a year may end a sentence
    return len(w) == 1 or w.lower() in _ABBREVIATIONS


def _next_starts_sentence(text: str, pos: int) -> bool:
    nxt = text[pos:].lstrip()[:1]
    return bool(nxt) and (nxt.isupper() or nxt.isdigit() or nxt in "\"«„“'([")


MAX_UNIT_CHARS = 320  # longer "sentences" are OCR runs without full stops: cut into windows


def unit_bounds(text: str, max_chars: int = MAX_UNIT_CHARS) -> list[tuple[int, int]]:
    """Reading units of ``text`` as (start, end) offsets into it: its sentences, except that a
    sentence longer than ``max_chars`` — many OCR pages run for paragraphs without a full stop —
    is cut into windows of at most that length at line breaks, else after a comma or semicolon,
    else between words. Used for quoting, scoring and verification alike."""
    out: list[tuple[int, int]] = []
    for start, end in _sentence_bounds(text):
        out.extend(_windows(text, start, end, max_chars))
    return out


def split_units(text: str, max_chars: int = MAX_UNIT_CHARS) -> list[str]:
    """The reading units of ``text`` as strings, whitespace collapsed."""
    return [re.sub(r"\s+", " ", text[a:b]).strip() for a, b in unit_bounds(text, max_chars)]


MIN_SCORED_CHARS = 20  # shorter units (headings, page furniture) are not scored as evidence
EMBED_CHARS = 240  # a unit is embedded by its first characters (OCR runs can be long)


def scoring_units(text: str, title: str) -> list[str]:
    """The units of a passage or chunk that the reader scores against a question: its reading
    units without the article's title line a chunk starts with, at least ``MIN_SCORED_CHARS``
    long. The ingest embeds these of every chunk (each by its first ``EMBED_CHARS``), so a
    question finds its passages' unit vectors stored instead of embedding them."""
    units = (_strip_title(u, title) for u in split_units(text))
    return [u for u in units if len(u) >= MIN_SCORED_CHARS]


def embedded_units(text: str, title: str) -> list[str]:
    """The texts the embedder gets for ``scoring_units``: one rule for the ingest that stores
    their vectors and the question that looks them up by these texts."""
    return [u[:EMBED_CHARS] for u in scoring_units(text, title)]


def _strip_title(unit: str, title: str) -> str:
    """Chunks start with the article's title line; a quote should not."""
    if title and unit.startswith(title) and len(unit) > len(title) + 20:
        return unit[len(title) :].strip()
    return unit


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Sentence offsets in ``text`` (see the module docstring; line breaks count as spaces)."""
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
        out.append(_trim(text, start, end))
        start = end
    if text[start:].strip():
        out.append(_trim(text, start, len(text)))
    return [(a, b) for a, b in out if b > a]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _windows(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    if end - start <= max_chars:
        return [(start, end)]
    piece = text[start:end]
    cut = max(piece.rfind("\n", max_chars // 3, max_chars),
              max(piece.rfind(c, max_chars // 3, max_chars) + 1 for c in ",;:") - 1)
    if cut <= 0:
        cut = piece.rfind(" ", max_chars // 3, max_chars)
    if cut <= 0:
        cut = max_chars - 1  # a hard cut: the window ends after the character at ``cut``
    first = _trim(text, start, start + cut + 1)
    return [first, *_windows(text, *_trim(text, start + cut + 1, end), max_chars)]
