"""Where the question's words stand in a passage: its terms matched directly, through the
retrieval's expansions (with their trust) or fuzzily, once per passage; the reading units with
the terms each holds; every position of a matched term; a unit's similarity to the question."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ragarchive.text.stopwords import is_stopword
from ragarchive.text.sentences import unit_bounds
from ragarchive.text.tokens import LETTER_RUN



@dataclass
class Unit:
    start: int
    end: int
    text: str
    terms: dict[str, float]  # question terms found in it, with the trust of the match
    positions: list[int]  # offsets (in the passage) of the found terms
    words: list[str]
    similarity: float | None = None  # to the question, under the embedder (0-1 scale), if known

    def share(self, n_terms: int) -> float:
        return sum(self.terms.values()) / n_terms if n_terms else 0.0

    def relevance(self, n_terms: int) -> float:
        own = self.share(n_terms)
        return own if self.similarity is None else max(own, 0.5 * own + 0.5 * self.similarity)


def read_passage(text: str, forms: dict[str, list[tuple[str, float]]],
                 similarities: dict[str, float]) -> tuple[list[tuple[int, str]], dict, list[Unit], float]:
    """A passage's tokens, matched question terms, reading units, and the (trust-weighted) share
    of the question's terms it holds anywhere."""
    tokens = [(m.start(), m.group(0).lower()) for m in re.finditer(r"\w+", text)]
    matches = match_terms({w for _, w in tokens}, forms)
    units = [make_unit(text, a, b, matches, tokens) for a, b in unit_bounds(text)]
    for u in units:
        u.similarity = similarity(u.text, similarities)
    share = sum(max((u.terms.get(t, 0.0) for u in units), default=0.0) for t in forms) / max(1, len(forms))
    return tokens, matches, units, share


def term_positions(tokens: list[tuple[int, str]], matches: dict[str, dict[str, float]]) -> list[tuple[int, str, float]]:
    """Every occurrence of a matched question term in the passage."""
    spelled = {v: (term, trust) for term, hits in matches.items() for v, trust in hits.items()}
    return [(pos, *spelled[w]) for pos, w in tokens if w in spelled]


def match_terms(words: set[str], forms: dict[str, list[tuple[str, float]]]) -> dict[str, dict[str, float]]:
    """Per question term, the words of the passage (lower-cased ``words``) that match it, with
    their trust: its forms, else the passage's fuzzy match. Once per passage, not per unit (fuzzy
    matching is the cost)."""
    out: dict[str, dict[str, float]] = {}
    ordered = sorted(words)
    for term, variants in forms.items():
        hits: dict[str, float] = {}
        for v, w in variants:  # a spelling two expansions give keeps its higher trust
            if v in words and w > hits.get(v, -1.0):
                hits[v] = w
        if not hits and (near := fuzzy(term, ordered)):
            hits = {near: 1.0}
        if hits:
            out[term] = hits
    return out


def make_unit(text: str, start: int, end: int, matches: dict[str, dict[str, float]],
              tokens: list[tuple[int, str]]) -> Unit:
    import bisect

    piece = text[start:end]
    here_tokens = tokens[bisect.bisect_left(tokens, (start, "")):bisect.bisect_left(tokens, (end, ""))]
    first: dict[str, int] = {}
    for pos, w in here_tokens:
        first.setdefault(w, pos)
    found: dict[str, float] = {}
    positions = []
    for term, hits in matches.items():
        here = [(v, w) for v, w in hits.items() if v in first]
        if not here:
            continue
        v, trust = max(here, key=lambda vw: vw[1])
        found[term] = trust
        positions.append(first[v])
    words = [w for w in (x.lower() for x in LETTER_RUN.findall(piece)) if len(w) >= 3 and not is_stopword(w)]
    return Unit(start, end, re.sub(r"\s+", " ", piece).strip(), found, positions, words)


def similarity(text: str, similarities: dict[str, float]) -> float | None:
    """The unit's question similarity on a 0-1 scale (e5 cosines crowd into 0.75-0.9)."""
    sim = similarities.get(text)
    if sim is None:  # retrieval scored the unit without the article title that heads a chunk
        sim = next((v for k, v in similarities.items() if len(k) > 20 and text.endswith(k)), None)
    return None if sim is None else min(1.0, max(0.0, (sim - 0.8) / 0.12))


def forms_of(term: str, spellings: dict[str, list[tuple[str, float]]]) -> list[tuple[str, float]]:
    """The term itself first, then its spellings, most trusted first."""
    extra = sorted(spellings.get(term, []), key=lambda sw: -sw[1])
    return [(term.lower(), 1.0), *((s.lower(), w) for s, w in extra)]


def fuzzy(term: str, words: set[str] | list[str]) -> str | None:
    """Inflection and OCR damage: nearly the same letters, or a long shared prefix. ``words`` in
    a fixed order (sorted): among equal matches the first wins, and a set's order changes with
    every process (string hashing is salted), which made runs differ."""
    from rapidfuzz import fuzz, process

    if len(term) < 5:
        return None
    hit = process.extractOne(term, words, scorer=fuzz.ratio, score_cutoff=82)
    if hit:
        return hit[0]
    stem = term[: max(5, len(term) - 3)]
    return next((w for w in words if w.startswith(stem)), None)


def has_any(words: list[str], focus: dict[str, list[tuple[str, float]]]) -> bool:
    """Whether any focus word (or one of its forms, or a fuzzy match) is among ``words``."""
    lowered = set(words)
    return any(any(v in lowered for v, _ in vs) or fuzzy(f, sorted(lowered)) for f, vs in focus.items())
