"""The reader: find the asked fact in the top passages, or say that none of them gives it.

For a question that asks for a typed answer (person, place, date, number, money, …; see
retrieval/answer_type.py) every span of that type in the top passages is a candidate
(answering/spans.py). A candidate scores by

* ``context``: how much the text around it is about the question — its own reading unit (a
  sentence, or a bounded window of an unpunctuated OCR run) and, with less weight, the units before
  and after it: the sentence that restates the question is very often not the one that answers
  it. A unit's relevance is the share of the question's terms it holds and its similarity to the
  question under the multilingual embedder (computed by retrieval for the gate, reused here), so
  that evidence in another language counts when the expansions miss its words;
* ``proximity``: how close, in characters, the nearest question term is within its unit;
* ``focus``: the focus words of the question phrase ("délai", "architect", "Preis") near it,
  best right before it ("the barque Margaret Ellison", "l'ingénieur M. Marchal");
* ``strength``: how surely the span is of the asked type (a titled name vs a capitalised word);
* the passage's rank.

Terms match directly, through the retrieval's OCR, historical and cross-lingual expansions, or
fuzzily; a word-for-word translation counts half, since it is often only a neighbour of the right
word. The question's numbers (a year, say) count as terms. A span that the question already gives is not an answer, nor is one in the article's
title line at the head of a chunk.

Every unit of the top passages has a score of its own, the probability that it states the asked
fact (``unit_score``): its relevance, what it adds beyond the question's words, whether it is the
unit that restates the question (the premise) or the one right after or before it — the fact is
very often in the sentence after the premise — and the best typed candidate it holds. For
*reason* and *description* questions, which have no span, the best unit is the answer; for typed
ones the units choose what to quote beside the fact.

The reading's features (best score, focus, margin to the runner-up) join the gate's retrieval
features in one calibrated confidence, so that a confident answer means a found fact.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from ragarchive.ask_types import Candidate, ExpectedAnswer, Reading
from ragarchive.text.stopwords import is_stopword
from ragarchive.text.tokens import LETTER_RUN, SPAN_WORD

from .spans import Span, find_spans, is_time, is_title
from .term_matching import Unit, forms_of, has_any, read_passage, term_positions

MAX_PASSAGES = 5
NEIGHBOUR_WEIGHT = (1.0, 0.7, 0.35)  # a term in the unit itself, one unit away, two units away
PASSAGE_WEIGHT = 0.55  # a term anywhere in the passage
# Words that say "this sum is a cost", the focus of a money question that names none ("Combien a
# coûté …", "How much did … cost"): a price stands next to them, other sums rarely do.
COST_CUES = tuple(
    "cost costs costing price prices paid pay expense expenses outlay sum charge fee fare rent "
    "kosten kostete kostet preis preise bezahlt zahlte aufwand summe betrag miete gebühr "
    "coût coûté coûte prix payé paya dépense dépenses frais somme montant loyer".split()
)
_REASON_CUES = re.compile(
    r"\b(because|owing to|on account of|in consequence|due to|for the purpose|in order to|since|"
    r"as a result|weil|da\b|denn|wegen|infolge|aus furcht|um zu|damit|parce que|à cause|a cause|"
    r"en raison|car\b|faute de|par suite|afin de|pour cause|puisque)", re.IGNORECASE)
# head nouns of a question that asks for the hour, not the day
TIME_HEADS = frozenset("time hour o'clock uhr uhrzeit stunde heure heures".split())


def read(
    expected: ExpectedAnswer,
    terms: Sequence[str],
    spellings: dict[str, list[tuple[str, float]]],
    passages: Sequence[tuple[int, str, str]],
    similarities: dict[str, float] | None = None,
) -> Reading:
    """Candidates for the expected answer in ``passages`` ((n, title, text), best-ranked first);
    ``spellings``: question term -> (spelling, trust) from the expansions; ``similarities``:
    question similarity of unit texts (whitespace collapsed), where known."""
    terms = [*terms, *(x for x in expected.numbers if len(x) >= 3)]
    forms = {t: forms_of(t, spellings) for t in terms}
    focus = {f: forms_of(f, spellings) for f in expected.focus}
    if expected.type == "money" and not focus:
        focus = {c: [(c, 1.0)] for c in COST_CUES}
    given = _given(forms, expected) | {v for vs in focus.values() for v, _ in vs}
    out: list[Candidate] = []
    quotable: list[Candidate] = []
    found_top: list[str] = []
    read_passages = [read_passage(text, forms, similarities or {}) for _, _, text in passages[:MAX_PASSAGES]]
    best_share = max((share for _, _, _, share in read_passages), default=0.0)
    for rank, ((n, title, text), (tokens, matches, units, share)) in enumerate(zip(passages, read_passages)):
        if not units:
            continue
        best_premise = max(range(len(units)), key=lambda i: (units[i].share(len(terms)), -i))
        if rank == 0:
            found_top = [t for t in terms if any(t in u.terms for u in units)]
        # a short news item is about its topic throughout: "Il a été construit … pour une dépense
        # de 142,000 francs" two sentences after the bridge is named is still about the bridge
        whole = PASSAGE_WEIGHT * share
        context = [max(whole, _context(units, i, len(terms))) for i in range(len(units))]
        focus_hits = [has_any(u.words, focus) for u in units]
        rank_factor = 1.0 / (1.0 + 0.25 * rank)
        body = len(title) if title and text.startswith(title) else 0
        page = _Page(n, text, units, context, focus_hits, rank_factor, body, best_premise,
                     term_positions(tokens, matches), share / best_share if best_share else 0.0)
        typed = _typed(page, focus, expected, given, len(terms)) if expected.typed else []
        out += typed
        quotable += _units(page, typed, bool(focus), expected, len(terms))
    quotable = _distinct(quotable)
    if not expected.typed:
        return Reading(expected, quotable, found_top, quotable)
    return Reading(expected, _distinct(out), found_top, quotable)


@dataclass
class _Page:
    """One passage as the reading sees it."""

    n: int
    text: str
    units: list[Unit]
    context: list[float]
    focus_hits: list[bool]
    rank_factor: float
    body: int  # where the text starts after the article's title line
    premise: int  # index of the unit that best restates the question
    positions: list[tuple[int, str, float]]  # (offset, question term, trust) of every match
    coverage: float  # its share of the question's terms, relative to the best passage's


def _typed(page: _Page, focus_forms: dict[str, list[tuple[str, float]]], expected: ExpectedAnswer,
           given: set[str], n_terms: int) -> list[Candidate]:
    out = []
    text, units = page.text, page.units
    asks_time = expected.head in TIME_HEADS
    for span in find_spans(text, expected.type):
        i = _unit_of(units, span.start)
        if i is None or span.start < page.body or _is_given(span, given):
            continue
        if expected.type == "date" and is_time(span.text) != asks_time:
            # "When was the railway opened?" asks for the day, not the hour of the first train;
            # "À quelle heure …" for the hour
            span = Span(span.start, span.end, span.text, span.type, span.strength * 0.5)
        u = units[i]
        proximity = max((math.exp(-_distance(span, p) / 90) for p in u.positions), default=0.0)
        focus = _focus(page.focus_hits, i) if focus_forms else 0.5
        ctx = page.context[i]
        appos = 0.0
        if focus_forms and _apposition(text, span, focus_forms):
            # the question's head noun stands next to the span or inside it ("230 Schweine",
            # "Mr. Pellow, the librarian"): the span is what the question's phrase describes
            focus, proximity, ctx, appos = 1.0, 1.0, max(ctx, 0.8), 1.0
        parts = {"context": ctx, "own": u.share(n_terms), "proximity": proximity, "focus": focus,
                 "strength": span.strength, "rank": page.rank_factor, "apposition": appos,
                 "similarity": u.similarity or 0.0, "premise": _premise_nearness(i, page.premise),
                 "weak": float(span.strength < 0.5), "local": _local(span, page.positions, n_terms),
                 "coverage": page.coverage}
        out.append(Candidate(span.text, span.type, page.n, span.start, span.end, (u.start, u.end),
                             typed_score(parts), parts))
    return out


LOCAL_WINDOW = 100  # characters either side of a span, across sentence boundaries


def _local(span: Span, positions: list[tuple[int, str, float]], n_terms: int) -> float:
    """Share of the question's terms within ``LOCAL_WINDOW`` characters of the span, whatever
    the sentence: the answer sits among the words that ask for it."""
    import bisect

    lo = bisect.bisect_left(positions, (span.start - LOCAL_WINDOW,))
    near: dict[str, float] = {}
    for pos, term, trust in positions[lo:]:
        if pos > span.end + LOCAL_WINDOW:
            break
        near[term] = max(near.get(term, 0.0), trust)
    return sum(near.values()) / n_terms if n_terms else 0.0


def typed_score(parts: dict[str, float]) -> float:
    """A typed candidate's score in (0, 1): the logistic model of ``data/reader_weights.json``
    (fitted by bench/fit_reader.py on the calibration questions, never on the development ones)."""
    model = _weights()
    z = model["intercept"] + sum(w * parts.get(k, 0.0) for k, w in model["weights"].items())
    return 1.0 / (1.0 + math.exp(-z))


def unit_score(parts: dict[str, float]) -> float:
    """A unit's score in (0, 1) as the answer to an untyped question, or as the quote of a typed
    one: the probability that it states the asked fact, under the logistic model ``units`` of
    ``data/reader_weights.json`` (fitted by bench/fit_reader.py like the candidate score, on
    every unit of the calibration questions' top passages, labelled by whether it states the
    reference). Besides the unit's own relevance, its place next to the sentence that restates
    the question and the best typed candidate it holds say where the answer stands."""
    model = _weights().get("units") or {"weights": {}, "intercept": 0.0}
    z = model["intercept"] + sum(w * parts.get(k, 0.0) for k, w in model["weights"].items())
    return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=1)
def _weights() -> dict:
    from importlib import resources

    text = resources.files("ragarchive").joinpath("data/reader_weights.json").read_text("utf-8")
    return json.loads(text)


def fact_floor() -> float:
    """The reader score under which a typed answer quotes instead of stating its fact."""
    return float(_weights().get("fact_floor", 0.0))


def _premise_nearness(i: int, premise: int) -> float:
    """1 in the unit that restates the question, 0.5 next to it, 0 further away."""
    return {0: 1.0, 1: 0.5}.get(abs(i - premise), 0.0)


def _units(page: _Page, typed: list[Candidate], has_focus: bool, expected: ExpectedAnswer,
             n_terms: int) -> list[Candidate]:
    """Every unit of the passage as a possible answer (or quote): its relevance, what it adds
    beyond the question's words, where it stands relative to the premise, the typed candidates
    it holds."""
    best_typed: dict[tuple[int, int], float] = {}
    for c in typed:
        best_typed[c.unit] = max(best_typed.get(c.unit, 0.0), c.score)
    out = []
    for i, u in enumerate(page.units):
        if len(u.text) < 20 or page.context[i] < 0.1:
            continue  # a unit about nothing the question asks is no answer, however long
        novel = [w for w in u.words if w not in u.terms]
        adds = min(1.0, len(novel) / 8)
        own = u.share(n_terms)
        cand = best_typed.get((u.start, u.end), 0.0)
        parts = {"context": page.context[i], "own": own, "adds": adds,
                 "focus": _focus(page.focus_hits, i) if has_focus else 0.5,
                 "cue": float(expected.type == "reason" and bool(_REASON_CUES.search(u.text))),
                 "rank": page.rank_factor, "similarity": u.similarity or 0.0,
                 "embedded": float(u.similarity is not None), "coverage": page.coverage,
                 "premise": float(i == page.premise), "after_premise": float(i == page.premise + 1),
                 "before_premise": float(i == page.premise - 1), "candidate": cand,
                 "has_candidate": float(cand > 0), "typed": float(expected.typed),
                 "short": float(len(u.text) < 40)}
        out.append(Candidate(u.text, expected.type, page.n, u.start, u.end, (u.start, u.end),
                             unit_score(parts), parts))
    return out


def _context(units: list[Unit], i: int, n_terms: int) -> float:
    """Weighted share of the question's terms in the unit and its neighbours, or — when higher —
    the best neighbour-weighted relevance (terms and embedding similarity) of those units."""
    weight: dict[str, float] = {}
    best = 0.0
    for d, w in enumerate(NEIGHBOUR_WEIGHT):
        for j in {i - d, i + d}:
            if 0 <= j < len(units):
                best = max(best, w * units[j].relevance(n_terms))
                for t, trust in units[j].terms.items():
                    weight[t] = max(weight.get(t, 0.0), w * trust)
    terms = sum(weight.values()) / n_terms if n_terms else 0.0
    return max(terms, best)


def _apposition(text: str, span: Span, focus: dict[str, list[tuple[str, float]]]) -> bool:
    """A focus word among the two words right before or after the span: "the barque Margaret
    Ellison", "das Dampfschiff „Stadt Marbethal“", "M. Delorme, le maire", "Mr. Pellow, librarian"."""
    near = [w.lower() for w in LETTER_RUN.findall(text[max(0, span.start - 40) : span.start])][-2:]
    near += [w.lower() for w in LETTER_RUN.findall(text[span.end : span.end + 40])][:2]
    if span.type == "number":  # the counted noun is the span's unit: "230 Schweine"
        near += [w.lower() for w in LETTER_RUN.findall(span.text)]
    # exact forms or a shared stem only: this runs for every span, fuzzy matching would not pay
    # translations are too loose here (trust < 1): a neighbour word would pass for the head
    return any(w == v or (len(v) >= 5 and w.startswith(v[:5]))
               for w in near for vs in focus.values() for v, trust in vs if trust >= 1.0)


def _focus(hits: list[bool], i: int) -> float:
    if hits[i]:
        return 1.0
    return 0.5 if any(hits[j] for j in (i - 1, i + 1) if 0 <= j < len(hits)) else 0.0


def _given(forms: dict[str, list[tuple[str, float]]], expected: ExpectedAnswer) -> set[str]:
    """What the question already says: its terms, their spellings and its numbers (and, added by
    the caller, its focus words with their translations: "M. le maire" for "which mayor")."""
    words = {v for vs in forms.values() for v, _ in vs}
    return words | set(expected.focus) | {re.sub(r"\D", "", x) for x in expected.numbers}


def _is_given(span: Span, given: set[str]) -> bool:
    """A span that the question already gives is no answer ("in 1852" for "what happened in
    1852", "Marbethal" for "who was mayor of Marbethal", "Mr R. Oiayton Swan's" for "where Mr
    R. Clayton Swan lived"): its digits are the question's, or each of its content words is a
    question word, exactly or nearly (OCR damage, a possessive), titles aside."""
    words = [re.sub(r"['’]s$", "", w.lower()) for w in SPAN_WORD.findall(span.text)]
    digits = re.findall(r"\d+", span.text)
    content = [w for w in words if len(w) > 3 and not is_stopword(w) and not is_title(w)]
    if digits and all(d in given for d in digits) and len(content) <= 1:
        return True
    return bool(content) and not digits and all(w in given or _near_given(w, given) for w in content)


def _near_given(word: str, given: set[str]) -> bool:
    from rapidfuzz import fuzz, process

    return len(word) >= 5 and process.extractOne(word, given, scorer=fuzz.ratio, score_cutoff=80) is not None


def _unit_of(units: list[Unit], pos: int) -> int | None:
    return next((i for i, u in enumerate(units) if u.start <= pos < u.end), None)


def _distance(span: Span, pos: int) -> int:
    if span.start <= pos < span.end:
        return 0
    return span.start - pos if pos < span.start else pos - span.end


def _distinct(candidates: list[Candidate]) -> list[Candidate]:
    """Best first; the same fact found twice counts once (its best reading)."""
    seen: set[str] = set()
    out = []
    for c in sorted(candidates, key=lambda c: -c.score):
        key = " ".join(LETTER_RUN.findall(c.text.lower())) or c.text
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
