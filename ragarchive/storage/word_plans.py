"""Which words each of a question's word searches reads, and which list is ranked from which
(``word_lists``): the same choice for every engine.

A question is searched once for itself and once for each of its variants. An OCR or period
spelling variant holds all the question's words and adds spellings of them ("regierung" +
"rcgierung"). Such a variant searches the question's kept words plus its added words, each
group pruned on its own (``retrieval.retriever.prune_common``): the two groups never compete
for the postings budget. That keeps the question's part of a variant's ranking identical to the
question's own search, which SQLite then reuses instead of scoring the question's (often
common) words again for every variant (``sqlite_words.extended``). Any other variant (the
cross-lingual one, an LLM's rewording) searches its own words as the question does.

Words are compared as the indexes match them, without diacritics (FTS5's ``unicode61
remove_diacritics 2``, PostgreSQL's ``unaccent``): an OCR spelling "annee" of the question's
"année" is the same term to the index, so it adds nothing to search. SQLite would otherwise
score the chunks of "année" a second time for the variant (at 200k chunks 5,000 of them, 9 ms)
and count the word twice in its BM25; PostgreSQL already folds both into one lexeme.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence, TypeVar

from ..text.tokens import VOCABULARY_WORD
from .protocols import Prune


Ranking = TypeVar("Ranking")


@dataclass(frozen=True)
class WordSearch:
    """What one word search reads: the question's kept words (when it extends the question)
    and its own kept words (those it adds, or all its words when it does not extend)."""

    extends: bool
    own: list[str]


def query_words(query: str) -> list[str]:
    """The distinct lower-cased words of a query, sorted."""
    return sorted({w.lower() for w in VOCABULARY_WORD.findall(query)})


def plan_word_searches(queries: Sequence[str], prune: Prune | None) -> list[WordSearch]:
    """One ``WordSearch`` for each query; ``queries[0]`` is the question."""
    keep = prune or (lambda words: words)
    first = query_words(queries[0]) if queries else []
    plans = [WordSearch(False, keep(first))] if queries else []
    for query in queries[1:]:
        words = query_words(query)
        if first and set(first) <= set(words):
            plans.append(WordSearch(True, keep(new_terms(words, first))))
        else:
            plans.append(WordSearch(False, keep(words)))
    return plans


def folded(word: str) -> str:
    """``word`` as the word indexes match it, without diacritics ("année" -> "annee"), for a
    letter that is a Latin one with a single mark. FTS5 folds a few more (those with two marks,
    "ſ"); folding fewer only misses a saving, folding one FTS5 keeps apart would lose a term."""
    return "".join(_folded_letter(c) for c in word)


def _folded_letter(letter: str) -> str:
    parts = unicodedata.normalize("NFD", letter)
    single = len(parts) == 2 and parts[0].isascii() and unicodedata.combining(parts[1])
    return parts[0] if single else letter


def new_terms(words: list[str], known: list[str]) -> list[str]:
    """The ``words`` that are other terms to the index than ``known`` and one another (the
    first spelling of each kept)."""
    seen = {folded(w) for w in known}
    out = []
    for word in words:
        if (key := folded(word)) not in seen:
            seen.add(key)
            out.append(word)
    return out


def searched_words(plan: WordSearch, question: WordSearch) -> list[str]:
    """All the words ``plan`` searches, ``question`` being the question's own plan."""
    return (question.own + plan.own) if plan.extends else plan.own


def rarest_within(terms: Sequence[str], counts: Mapping[str, int], budget: int) -> list[str]:
    """The rarest of ``terms`` while their ``counts`` together stay within ``budget``, at least
    one: the terms a word search takes its candidates from (sqlite_words, postgres_words)."""
    out: list[str] = []
    spent = 0
    for term in sorted(terms, key=lambda t: (counts.get(t, 0), t)):
        spent += counts.get(term, 0)
        if out and spent > budget:
            break
        out.append(term)
    return out


def word_lists(
    plans: Sequence[WordSearch], ranked: Callable[[list[str]], Ranking],
    extended: Callable[[Ranking, list[str]], Ranking],
) -> list[Ranking]:
    """Each plan's ranking, the question's (``plans[0]``) searched once: ``ranked(words)`` for
    the question and any variant that does not extend it, ``extended(question's ranking,
    added words)`` for one that does (an engine's way to rank it from the question's)."""
    if not plans:
        return []
    first = ranked(plans[0].own)
    out = []
    for plan in plans:
        if plan is plans[0] or (plan.extends and not plan.own):
            out.append(first)
        elif plan.extends:
            out.append(extended(first, plan.own))
        else:
            out.append(ranked(plan.own))
    return out
