"""Hybrid retrieval: dense (Chroma) and lexical (FTS5 words, trigrams) lists for every query
variant, fused with reciprocal-rank fusion, neighbouring chunks merged into passages."""

from __future__ import annotations

import time
from functools import partial
from typing import Callable, Mapping

import numpy as np

from ragarchive.ask_types import Retrieval
from ragarchive.config import RetrievalSettings
from ragarchive.embedding import Embedder, VectorCache, embed_queries
from ragarchive.storage.protocols import ArchiveStore, VectorStore
from ragarchive.text.languages import WORDLIST_LANGUAGES
from ragarchive.types import ChunkRow

from .expand import (
    Variant,
    Vocabulary,
    carry_terms,
    historical_variant,
    ocr_variant,
    original_variant,
)
from .fuse import RankedList, merge_adjacent, reciprocal_rank_fusion
from .query import Query

KEEP_WORDS, KEEP_TRIGRAMS = 2, 8  # searched whatever their count (see prune_common)
Hits = list[tuple[str, float]]  # (chunk_id, score), best first
TERM_CACHE = 10_000  # word vectors kept for cross-lingual expansion

# Expanders that need an LLM return extra variants for a query (see answering/ollama_client).
LlmExpander = Callable[[Query], list[Variant]]


class HybridRetriever:
    def __init__(
        self,
        db: ArchiveStore,
        dense: VectorStore,
        embedder: Embedder,
        settings: RetrievalSettings,
        llm_expander: LlmExpander | None = None,
    ) -> None:
        self.db = db
        self.dense = dense
        self.embedder = embedder
        self.settings = settings
        self.llm_expander = llm_expander
        self._vocab: Vocabulary | None = None
        self._languages: list[str] | None = None
        # the words carried across languages recur from question to question; bounded, as the
        # words of a long-running server's questions are not (~15 MB at 384 dimensions)
        self._term_vectors = VectorCache(TERM_CACHE)

    def refresh(self) -> None:
        """Forget what was read from the index (after an ingest added to it)."""
        self._vocab = None
        self._languages = None

    @property
    def vocab(self) -> Vocabulary:
        if self._vocab is None:
            self._vocab = Vocabulary(self.db.vocabulary())
        return self._vocab

    @property
    def languages(self) -> list[str]:
        if self._languages is None:
            self._languages = self.db.languages()
        return self._languages

    def retrieve(self, query: Query, *, expansions: list[str] | None = None) -> Retrieval:
        enabled = set(self.settings.expansions if expansions is None else expansions)
        timings: dict[str, float] = {}
        notes: list[str] = []
        allowed = self._allowed(query)
        variants, qvec, dense0, vectors = self._variants(query, enabled, allowed, timings, notes)

        t = time.perf_counter()
        lists = [self._list("original", "dense", 1.0, dense0)]
        for v, hits in zip(variants[1:], self._dense_many(vectors[1:], allowed)):
            lists.append(self._list(v.origin, "dense", v.weight, hits))
        timings["dense"] = time.perf_counter() - t

        t = time.perf_counter()
        lists.append(self._list("original", "trigram", 1.0, self._trigrams(" ".join(query.terms), allowed)))
        for v, hits in zip(variants, self._words([" ".join(v.terms) for v in variants], allowed)):
            lists.append(self._list(v.origin, "words", v.weight, hits))
        self._keep_foreign(lists, query.language)
        timings["lexical"] = time.perf_counter() - t

        t = time.perf_counter()
        fused = reciprocal_rank_fusion([lst for lst in lists if lst.hits], k=self.settings.rrf_k)
        top = fused[: self.settings.per_list]
        chunks = self.db.chunk_rows([h.chunk_id for h in top])
        passages = merge_adjacent(top, chunks, limit=self.settings.passages)
        timings["fuse"] = time.perf_counter() - t
        return Retrieval(query, variants, lists, fused, passages, chunks, qvec, timings, notes)

    def _variants(
        self, query: Query, enabled: set[str], allowed: set[str] | None,
        timings: dict[str, float], notes: list[str],
    ) -> tuple[list[Variant], np.ndarray, list[tuple[str, float]], list[np.ndarray]]:
        """The variants with their query vectors, and the original's dense list. The question
        and the variants that need no dense list are embedded in one batched call; only a
        cross-lingual variant (made from the original's dense hits) needs a second one."""
        t = time.perf_counter()
        head, tail = self._expand(query, enabled, notes)
        timings["expand"] = time.perf_counter() - t
        t = time.perf_counter()
        batch = embed_queries(self.embedder, [query.text] + [v.text for v in head + tail])
        qvec = batch[0]
        dense0 = self._dense(qvec, allowed)
        timings["embed_query"] = time.perf_counter() - t
        t = time.perf_counter()
        carried = self._cross_lingual(query, dense0) if "cross_lingual" in enabled else None
        timings["expand"] += time.perf_counter() - t
        middle = [carried] if carried is not None else []
        t = time.perf_counter()
        middle_vectors = [self.embedder.embed_query(carried.text)] if carried is not None else []
        timings["embed_query"] += time.perf_counter() - t
        vectors = [qvec, *batch[1 : 1 + len(head)], *middle_vectors, *batch[1 + len(head) :]]
        return [original_variant(query), *head, *middle, *tail], qvec, dense0, vectors

    # -- expansion ------------------------------------------------------------------------------
    def _expand(
        self, query: Query, enabled: set[str], notes: list[str]
    ) -> tuple[list[Variant], list[Variant]]:
        """The variants made without the dense list: those ranked before the cross-lingual
        one (OCR, historical) and those after it (LLM), in the order the lists always had."""
        head: list[Variant | None] = []
        tail: list[Variant] = []
        if "ocr" in enabled:
            known = [x for x in dict.fromkeys([query.language, *self.languages]) if x in WORDLIST_LANGUAGES]
            head.append(ocr_variant(query, self.vocab, known))
        if "historical" in enabled:
            head.append(historical_variant(query, self.vocab, [query.language, *self.languages]))
        if "llm" in enabled and self.llm_expander is not None:
            try:
                tail.extend(self.llm_expander(query))
            except Exception as exc:  # an expansion failure must never stop retrieval
                notes.append(f"llm expansion skipped: {exc}")
        return [v for v in head if v is not None], tail

    def _cross_lingual(self, query: Query, dense0: list[tuple[str, float]]) -> Variant | None:
        rows = self.db.chunk_rows([cid for cid, _ in dense0[:10]])
        foreign = [
            (r.meta.get("language", "und"), r.text)
            for cid, _ in dense0[:10]
            if (r := rows.get(cid)) and r.meta.get("language") not in (query.language, "und")
        ][:4]
        return carry_terms(
            query,
            foreign,
            self._embed_terms,
            min_similarity=self.settings.cross_lingual_similarity,
        )

    def _embed_terms(self, words: list[str]) -> np.ndarray:
        return self._term_vectors.embed(words, self._stored_or_embedded, self.embedder.fingerprint)

    def _stored_or_embedded(self, words: list[str]) -> np.ndarray:
        """The words' vectors the ingest stored (storage/unit_vectors.py); the rest (the
        question's own words, an archive ingested before they were stored) embedded."""
        found = self.db.word_vectors(words)
        todo = [w for w in words if w not in found]
        if todo:
            found.update(zip(todo, self.embedder.embed_documents(todo)))
        return np.stack([found[w] for w in words])

    def _keep_foreign(self, lists: list[RankedList], language: str) -> None:
        """Cross-lingual lists exist to reach the other languages: there they may vote, but in
        the question's own language the original's lists already speak."""
        foreign = [lst for lst in lists if lst.origin == "cross_lingual"]
        ids = [cid for lst in foreign for cid, _ in lst.hits]
        if not ids:
            return
        rows = self.db.chunk_rows(ids)
        for lst in foreign:
            lst.hits = [h for h in lst.hits if _language(rows.get(h[0])) != language]

    # -- lists ----------------------------------------------------------------------------------
    def _allowed(self, query: Query) -> set[str] | None:
        f = query.filters
        if not f.active():
            return None
        return self.db.filtered_chunk_ids(
            date_from=f.date_from,
            date_to=f.date_to,
            newspaper=f.newspaper,
            language=f.language,
            exclude_documents=f.exclude_documents,
        )

    def _dense(self, vector: np.ndarray, allowed: set[str] | None) -> Hits:
        return self._dense_many([vector], allowed)[0]

    def _dense_many(self, vectors: list[np.ndarray], allowed: set[str] | None) -> list[Hits]:
        """The dense lists of ``vectors``, in one vector-store call. Chroma cannot compare ISO
        date strings: with a filter, fetch more and keep the allowed chunks."""
        return self._within(len(vectors), allowed, lambda n: self.dense.query_many(vectors, n))

    def _trigrams(self, text: str, allowed: set[str] | None) -> Hits:
        prune = partial(prune_common, counts=self.vocab.trigram_counts, keep=KEEP_TRIGRAMS, **self._limits())
        return self._within(1, allowed, lambda n: [self.db.search_trigrams(text, n, prune)])[0]

    def _words(self, texts: list[str], allowed: set[str] | None) -> list[Hits]:
        """The word lists of the question (``texts[0]``) and its variants, in one call: a
        variant that adds spellings to the question's words reuses the question's search
        (storage/word_plans.py)."""
        prune = partial(prune_common, counts=self.vocab.counts, keep=KEEP_WORDS, **self._limits())
        return self._within(len(texts), allowed, lambda n: self.db.search_word_lists(texts, n, prune))

    def _limits(self) -> dict[str, int]:
        return {"cap": self.settings.lexical_max_occurrences, "budget": self.settings.lexical_postings_budget}

    def _within(
        self, count: int, allowed: set[str] | None, search: Callable[[int], list[Hits]]
    ) -> list[Hits]:
        """The ``count`` lists of ``search(depth)``, each cut to the allowed chunks."""
        n = self.settings.per_list
        if allowed is None:
            return search(n)
        if not allowed:
            return [[] for _ in range(count)]
        return [[h for h in hits if h[0] in allowed][:n] for hits in search(n * 10)]

    def _list(self, origin: str, kind: str, variant_weight: float, hits: list) -> RankedList:
        kind_weight = {
            "dense": self.settings.weight_dense,
            "words": self.settings.weight_words,
            "trigram": self.settings.weight_trigram,
        }[kind]
        origin_weight = self.settings.weight_variants.get(origin, 1.0)
        weight = kind_weight * variant_weight * origin_weight
        return RankedList(f"{origin}/{kind}", origin, kind, weight, hits)


def prune_common(
    terms: list[str], counts: Mapping[str, int], cap: int, keep: int, budget: int | None = None
) -> list[str]:
    """The terms worth their postings, rarest first: those at most ``cap`` times in the archive,
    and the ``keep`` rarest whatever their count (so a question made only of common words is
    still searched); and, with a ``budget``, only while their occurrences together stay within
    it, so that what one search reads does not grow with the archive. See
    ``RetrievalSettings.lexical_max_occurrences`` and ``lexical_postings_budget``."""
    out: list[str] = []
    spent = 0
    for i, term in enumerate(sorted(terms, key=lambda t: (counts.get(t, 0), t))):
        n = counts.get(term, 0)
        if (i >= keep and n > cap) or (budget is not None and spent + n > budget):
            break  # ranked rarest first: every later term costs at least as much
        out.append(term)
        spent += n
    return out


def _language(row: ChunkRow | None) -> str | None:
    """A chunk's language as its metadata gives it; None for an unknown chunk."""
    return row.meta.get("language") if row is not None else None
