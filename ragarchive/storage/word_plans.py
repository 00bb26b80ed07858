"""Which words each of a question's word searches reads, and how the lists of a question and
of its spelling variants come from one search: the same for every engine.

A question is searched once for itself and once for each of its variants. An OCR or period
spelling variant holds all the question's words and adds spellings of them ("regierung" +
"rcgierung"). Such a variant searches the question's kept words plus its added words, each
group pruned on its own (``retrieval.retriever.prune_common``): the two groups never compete
for the postings budget. Any other variant (the cross-lingual one, an LLM's rewording) searches
its own words as the question does.

The question's words are often common, and reading their postings is what a word search costs
in a large archive. So the question and its spelling variants are ranked from one search of
all their words together (``shared_lists``): BM25 is a sum over the words, and each word's
weight depends on that word alone, so a list's score of a chunk is the joint score less that of
the words the list does not search (the other variants' added spellings: rare words, cheap to
search on their own).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Hashable, Sequence, TypeVar

from ..text.tokens import VOCABULARY_WORD
from .protocols import Prune


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
            plans.append(WordSearch(True, keep([w for w in words if w not in first])))
        else:
            plans.append(WordSearch(False, keep(words)))
    return plans


def lexeme_plans(plans: Sequence[WordSearch], lexemes: dict[str, list[str]]) -> list[WordSearch]:
    """``plans`` over the lexemes of their words (an engine that stems words): a variant adds
    the lexemes of its spellings that the question's words do not have."""
    def of(words: list[str]) -> list[str]:
        return sorted({x for w in words for x in lexemes.get(w, [])})

    question = of(plans[0].own) if plans else []
    return [WordSearch(p.extends, [x for x in of(p.own) if not (p.extends and x in question)])
            if i else WordSearch(False, question) for i, p in enumerate(plans)]


def searched_words(plan: WordSearch, question: WordSearch) -> list[str]:
    """All the words ``plan`` searches, ``question`` being the question's own plan."""
    return (question.own + plan.own) if plan.extends else plan.own


K = TypeVar("K", bound=Hashable)
Ranked = list[tuple[K, float]]  # (chunk key, BM25: higher = better), best first
Search = Callable[[list[str], int], Ranked]
"""The best ``n`` chunks for some words, as the engine ranks them."""
Scores = Callable[[list[str], list[K]], dict[K, float]]
"""The scores of some chunks for some words, as the engine ranks them (a chunk holding none of
the words may be left out)."""
JointSearch = Callable[[list[str], list[str], int], Ranked]
"""The best ``n`` chunks for a question's words and its variants' added spellings together: an
engine that ranks only some chunks of a large archive (SQLite's candidates, sqlite_words) takes
every chunk holding an added spelling besides those it takes for the question alone."""

# How deep the joint ranking goes, at least: sorting a few hundred of the chunks the engine
# scores anyway costs little more than sorting the list's 30, and a deeper ranking more often
# decides every list without another search.
JOINT_DEPTH = 300
_NONE = 1e-9  # a chunk's score when it holds none of a list's words (rounding aside)


def shared_lists(
    plans: Sequence[WordSearch], search: Search, scores: Scores, limit: int, joint: JointSearch | None = None
) -> list[Ranked]:
    """The best ``limit`` chunks of each plan (``plans[0]`` is the question's). The question's
    and its spelling variants' lists come from one ``joint`` search of all their words, less
    the ``scores`` of the spellings each list leaves out (read once per group of spellings
    that the same variants add); a list these cannot decide is searched on its own, as the
    other plans are."""
    if not plans:
        return []
    question = plans[0].own
    groups = _spelling_groups(plans)
    if not groups:  # no variant adds a spelling: nothing to share
        first = _own(question, search, limit)
        return [first if p is plans[0] or p.extends else _own(p.own, search, limit) for p in plans]
    depth = max(JOINT_DEPTH, 2 * limit)
    added = sorted(w for g in groups for w in g)
    ranked = (joint or (lambda q, a, n: search(q + a, n)))(question, added, depth)
    weights = [scores(g, [key for key, _ in ranked]) for g in groups]
    done: dict[tuple[str, ...], Ranked] = {}
    for plan in plans:
        words = searched_words(plan, plans[0])
        if tuple(words) in done:
            continue
        rows = None
        if plan is plans[0] or plan.extends:
            left_out = [w for g, w in zip(groups, weights) if not set(g) & set(words)]
            rows = _from_joint(ranked, depth, left_out, limit)
        done[tuple(words)] = rows if rows is not None else _own(words, search, limit)
    return [done[tuple(searched_words(p, plans[0]))] for p in plans]


def _spelling_groups(plans: Sequence[WordSearch]) -> list[list[str]]:
    """The spellings the variants add to the question, grouped by the variants that add them:
    a list leaves out whole groups (those its variant does not add)."""
    by_word: dict[str, list[int]] = {}
    for i, plan in enumerate(plans[1:], 1):
        if plan.extends:
            for word in plan.own:
                by_word.setdefault(word, []).append(i)
    groups: dict[tuple[int, ...], list[str]] = {}
    for word, adders in sorted(by_word.items()):
        groups.setdefault(tuple(adders), []).append(word)
    return list(groups.values())


def _from_joint(joint: Ranked, depth: int, left_out: list[dict], limit: int) -> Ranked | None:
    """The best ``limit`` of ``joint`` (the best ``depth`` for all the words) less the scores
    ``left_out``; None unless that is the list's own ranking: its last chunk must score better
    than the last of ``joint`` (a chunk not in ``joint`` scores no better than that, without
    the left-out words too)."""
    if not left_out:
        return joint[:limit]
    rows = [(key, score - sum(g.get(key, 0.0) for g in left_out)) for key, score in joint]
    top = sorted((r for r in rows if r[1] > _NONE), key=lambda r: (-r[1], r[0]))[:limit]
    if len(joint) >= depth and (len(top) < limit or top[-1][1] <= joint[-1][1]):
        return None
    return top


def _own(words: list[str], search: Search, limit: int) -> Ranked:
    return search(words, limit) if words else []
