"""Query expansion: more ways to find the same evidence, each variant tagged with its origin.

* ``ocr``: the question's terms mapped to spellings that occur in the archive's own vocabulary
  (rapidfuzz), so ``regierung`` also finds ``rcgierung`` and ``negierung``.
* ``historical``: period spellings by rule (German th/t, ey/ei, c/k/z; French -oit/-ait;
  English -our/-or, long s read as f), kept only where the archive uses them.
* ``cross_lingual``: the question's terms carried into the archive's other languages
  (see ``carry_terms``), no LLM needed.
* ``llm``: variants written by Ollama from ``prompts/query_expansion.md`` (when configured).

Expansion is deliberately broad: generation and verification downstream are conservative.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import cached_property
from typing import Callable, Iterable, Sequence

import numpy as np

from ragarchive.ask_types import Variant
from ragarchive.text.languages import wordfreq_code
from ragarchive.text.salient import salient_words

from .query import Query


class Vocabulary:
    """The archive's cleaned words with their counts (the ``vocab`` table)."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.words = list(counts)

    def count(self, word: str) -> int:
        return self.counts.get(word, 0)

    def near(self, word: str, min_ratio: float) -> list[str]:
        """The archive's words that could be within ``min_ratio`` (rapidfuzz ``fuzz.ratio``) of
        ``word``: of a length that ratio allows, and sharing with ``word`` its first two
        letters, its last two, or its first and its last.

        So two misreadings are looked for anywhere but at both ends at once (in the first two
        letters and in the last two, unless at the second and the second to last): that keeps
        the scan to a few per cent of a vocabulary that OCR noise grows with every chunk (2.5 %
        at 10k chunks; a full scan cost 0.03 s a question at 30k chunks, and one by first or
        last letter alone read a tenth of the vocabulary)."""
        a = 1.0 - min_ratio / 100.0  # |len difference| <= a * (sum of lengths)
        shortest = math.ceil(len(word) * (1 - a) / (1 + a) - 1e-9)
        longest = math.floor(len(word) * (1 + a) / (1 - a) + 1e-9) if a < 1 else 10**6
        out: list[str] = []
        for n in range(max(shortest, 1), min(longest, self._longest) + 1):
            for key in _edge_keys(word):
                out += self._by_edges.get((key, n), [])
        return list(dict.fromkeys(out))

    @cached_property
    def _by_edges(self) -> dict[tuple[str, int], list[str]]:
        """Words by (edge key, length), for ``near``."""
        index: dict[tuple[str, int], list[str]] = {}
        for w in self.words:
            if w:
                for key in _edge_keys(w):
                    index.setdefault((key, len(w)), []).append(w)
        return index

    @cached_property
    def _longest(self) -> int:
        return max(map(len, self.words), default=0)

    @cached_property
    def trigram_counts(self) -> Counter[str]:
        """Occurrences of each character trigram in the archive's words (what a trigram's
        postings cost in the FTS5 trigram index), derived from the word counts."""
        from ..text.tokens import trigrams

        out: Counter[str] = Counter()
        for word, n in self.counts.items():
            for gram in trigrams(word):
                out[gram] += n
        return out


def _edge_keys(word: str) -> tuple[str, str, str]:
    """The keys ``Vocabulary.near`` files a word under: its first two letters, its last two,
    its first and last (marked apart, so that no two kinds of key can be equal)."""
    return "^" + word[:2], "$" + word[-2:], "=" + word[0] + word[-1]


def original_variant(query: Query) -> Variant:
    return Variant("original", query.text, list(query.terms))


# -- OCR variants ----------------------------------------------------------------------------

def ocr_variant(
    query: Query,
    vocab: Vocabulary,
    languages: Sequence[str] = (),
    *,
    min_similarity: float = 80.0,
    per_term: int = 4,
) -> Variant | None:
    """Archive spellings within a small edit distance of each term, weighted by similarity and
    by how plausible they are as misreadings (a rarer spelling of a frequent word is typical
    OCR noise; a frequent unrelated word of similar shape is not). Words of the archive's
    languages are never taken as misreadings: ``geöffnet`` is not an OCR form of ``eröffnet``."""
    from rapidfuzz import fuzz, process
    from wordfreq import zipf_frequency

    languages = list(dict.fromkeys(wordfreq_code(x) for x in languages))  # "la" -> "it"
    mapping: dict[str, list[tuple[str, float]]] = {}
    for term in query.terms:
        if len(term) < 5:  # short words have too many neighbours to be useful
            continue
        cutoff = max(min_similarity, 100.0 - 100.0 * 2 / len(term))  # at most ~2 edits
        hits = process.extract(
            term, vocab.near(term, cutoff), scorer=fuzz.ratio, score_cutoff=cutoff, limit=per_term * 3
        )
        hits = [(word, score) for word, score, _ in hits]
        own = vocab.count(term)
        spellings = []
        for word, score in hits:
            if word == term or any(zipf_frequency(word, lang) >= 2.5 for lang in languages):
                continue
            weight = (score / 100.0) * _rarity(vocab.count(word), own)
            if weight >= 0.4:
                spellings.append((word, weight))
        if spellings:
            mapping[term] = sorted(spellings, key=lambda s: -s[1])[:per_term]
    return _variant_from_mapping("ocr", query, mapping)


def _rarity(variant_count: int, own_count: int) -> float:
    """1.0 when the variant is no more frequent than the term; less as it becomes commoner."""
    if own_count == 0 or variant_count <= own_count:
        return 1.0
    return max(0.0, 1.0 - math.log10(variant_count / own_count) / 2)


# -- historical spellings ----------------------------------------------------------------------

# (modern, historical) pairs applied at one position at a time, both directions where sensible;
# the first is a regular expression. English -re/-er alternates only at the end (centre,
# theatres): anywhere, it made German "Rede" into "Erde" (earth), a common other word.
_HISTORICAL: dict[str, tuple[tuple[str, str], ...]] = {
    "de": (
        ("t", "th"), ("th", "t"), ("ei", "ey"), ("ey", "ei"), ("ai", "ay"), ("k", "c"),
        ("c", "k"), ("z", "c"), ("c", "z"), ("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ss", "ß"),
        ("ß", "ss"), ("ieren", "iren"), ("d", "dt"), ("dt", "d"), ("f", "ph"), ("ph", "f"),
        ("i", "y"), ("y", "i"), ("tz", "z"), ("ei", "ej"),
    ),
    "fr": (
        ("ait", "oit"), ("ais", "ois"), ("aient", "oient"), ("oit", "ait"), ("ois", "ais"),
        ("ants", "ans"), ("ents", "ens"), ("ans", "ants"), ("ens", "ents"), ("é", "e"),
        ("è", "e"), ("ê", "es"), ("î", "is"), ("ô", "os"), ("û", "us"), ("y", "i"), ("i", "y"),
    ),
    "en": (
        ("or", "our"), ("our", "or"), ("ize", "ise"), ("ise", "ize"), ("s", "f"), ("ow", "ew"),
        ("ct", "x"), ("c", "ck"), ("ck", "c"), ("er(?=s?$)", "re"), ("re(?=s?$)", "er"),
    ),
}


def historical_variant(query: Query, vocab: Vocabulary, languages: Iterable[str]) -> Variant | None:
    """Period spellings of the question's terms that actually occur in the archive."""
    rules = [r for lang in dict.fromkeys(languages) for r in _HISTORICAL.get(lang, ())]
    mapping: dict[str, list[tuple[str, float]]] = {}
    for term in query.terms:
        found = [w for w in sorted(_respellings(term, rules)) if w != term and vocab.count(w)]
        if found:
            mapping[term] = [(w, 0.9) for w in found[:4]]
    return _variant_from_mapping("historical", query, mapping)


def _respellings(word: str, rules: Sequence[tuple[str, str]], depth: int = 2) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        nxt = set()
        for w in frontier:
            for old, new in rules:
                for m in re.finditer(old, w):
                    nxt.add(w[: m.start()] + new + w[m.end() :])
        frontier = nxt - out
        out |= nxt
    return out


def _variant_from_mapping(
    origin: str, query: Query, mapping: dict[str, list[tuple[str, float]]]
) -> Variant | None:
    if not mapping:
        return None
    terms = list(query.terms)
    text = query.text
    for term, spellings in mapping.items():
        terms += [s for s, _ in spellings]
        text = re.sub(rf"\b{re.escape(term)}\b", spellings[0][0], text, flags=re.IGNORECASE)
    weights = [w for spellings in mapping.values() for _, w in spellings]
    return Variant(origin, text, list(dict.fromkeys(terms)), float(np.mean(weights)), mapping)


# -- cross-lingual ---------------------------------------------------------------------------

def carry_terms(
    query: Query,
    candidate_texts: Sequence[tuple[str, str]],
    embed_terms: Callable[[list[str]], np.ndarray],
    *,
    min_similarity: float = 0.86,
    per_term: int = 2,
    max_candidates: int = 120,
) -> Variant | None:
    """Carry the question's content terms into the evidence's other languages.

    ``candidate_texts`` are (language, text) of passages that dense retrieval (which is
    multilingual) ranked high and that are written in another language than the question.
    Their salient words are the candidates; a question term is carried to the candidates whose
    embedding under the multilingual embedder is nearest to its own ("Brücke" → "pont",
    "bridge"). Names spelled alike in every language match themselves. Restricting the
    candidates to the passages near the question keeps this to one small embedding call and
    keeps the translations on topic.
    """
    if not query.terms or not candidate_texts:
        return None
    candidates = salient_words(candidate_texts, max_candidates)
    candidates = [c for c in candidates if c not in query.terms]
    if not candidates:
        return None
    vectors = embed_terms(list(query.terms) + candidates)
    q, c = vectors[: len(query.terms)], vectors[len(query.terms) :]
    sims = q @ c.T
    mapping: dict[str, list[tuple[str, float]]] = {}
    for i, term in enumerate(query.terms):
        order = np.argsort(-sims[i])[:per_term]
        found = [(candidates[j], float(sims[i, j])) for j in order if sims[i, j] >= min_similarity]
        if found:
            mapping[term] = found
    if not mapping:
        return None
    carried = [s for spellings in mapping.values() for s, _ in spellings]
    weights = [w for spellings in mapping.values() for _, w in spellings]
    return Variant("cross_lingual", " ".join(carried), carried, float(np.mean(weights)), mapping)
