"""The ask service: question → Answer with verified citations, or Refusal with its reason.

The CLI, the UI and evaluation all call ``AskService.ask``; a refusal is a normal result, never
an exception. Reasons: ``no_evidence``, ``weak_evidence``, ``model_declined``,
``unsupported_answer``, ``backend_error``. An answer's citations are numbered 1, 2, 3 in order of
first use (``answering/citation_order.py``); a refusal's passages keep their rank order.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from typing import Any, Callable

from .answering.citation_order import is_identity, renumber_text, renumbering
from .answering.evidence import SentenceScore, score_retrieval
from .answering.generators import Generator, GenerationRequest, TokenSink
from .answering.grounding import verify
from .answering.prompting import EvidenceItem, filters_note, missing_fact_message, refusal_message
from .answering.reader import Reading, read
from .audit import AuditLog, build_record
from .config import Settings
from .embedding import VectorCache
from .errors import BackendError
from .gating.background import archive_background
from .ask_types import Verification
from .gating.gate import Calibration, gate
from .results import AskResult, Citation
from .retrieval.fuse import Passage
from .retrieval.query import Filters, analyse_question
from .retrieval.retriever import HybridRetriever, Retrieval
from .text.sentences import embedded_units


# Sentence vectors kept per service: 4096 × 384 float32 ≈ 6 MB, plus the texts (≤ 240
# characters for the scored sentences; whole sentences for verification) ≈ 1–2 MB.
SENTENCE_CACHE = 4096


class AskService:
    def __init__(
        self,
        settings: Settings,
        retriever: HybridRetriever,
        generator: Generator,
        calibration: Calibration,
        embed: Callable[[list[str]], Any] | None = None,
        audit: AuditLog | None = None,
        reader_floor: float = 0.0,
        sentence_cache: int = SENTENCE_CACHE,
    ) -> None:
        self.settings = settings
        self.reader_floor = reader_floor  # a typed answer's candidate below it is a near-miss
        self.retriever = retriever
        self.generator = generator
        self.calibration = calibration
        self._embed = embed
        # the sentences of the passages questions keep retrieving, embedded once (0: off)
        self._sentence_vectors = VectorCache(sentence_cache)
        self.audit = audit
        self._counts: tuple[str, dict[str, int]] | None = None

    def ask(
        self,
        question: str,
        filters: Filters | None = None,
        on_token: TokenSink | None = None,
        *,
        user: str | None = None,
        run_id: str | None = None,
    ) -> AskResult:
        """Decide, then write the audit record (no record, no result: see audit.AuditError)."""
        result = self.decide(question, filters, on_token)
        if self.audit is not None and self.audit.enabled:
            record = build_record(result, self.audit, self.index_fingerprint(), user=user, run_id=run_id)
            self.audit.write(record)
            result.record_id = record["record_id"]
        return result

    def index_fingerprint(self) -> dict[str, Any]:
        """The archive, embedder and counts that an audit record or a calibration is bound to."""
        counts = self._content_counts()
        return {
            "archive": self.settings.archive,
            "embedder": self.retriever.embedder.fingerprint,
            "documents": counts["documents"],
            "chunks": counts["chunks"],
        }

    def _content_counts(self) -> dict[str, int]:
        """Counts for the audit fingerprint, recounted only when the content generation moves:
        count(*) over the chunks took 15 ms a question at 100k chunks."""
        db = self.retriever.db
        key = db.content_key()
        cached = self._counts
        if cached is None or cached[0] != key:
            cached = self._counts = (key, db.counts())
        return cached[1]

    def decide(
        self, question: str, filters: Filters | None = None, on_token: TokenSink | None = None
    ) -> AskResult:
        """Answer or refuse, without writing an audit record (calibration asks thousands of
        synthetic questions that are no user's decisions)."""
        t0 = time.perf_counter()
        query = analyse_question(question, self.settings.retrieval.default_language, filters)
        retrieval = self.retriever.retrieve(query)
        self._recall_units(retrieval)
        # timed with the retrieval (as ``retrieve.sentences``): the gate reads the best score
        sentences = score_retrieval(retrieval, self._cached(self.retriever.embedder.embed_documents))
        timings = {f"retrieve.{k}": v for k, v in retrieval.timings.items()}
        if query.filters.hide_sentences:
            sentences = _hide(retrieval, sentences, query.filters.hide_sentences)
        t = time.perf_counter()
        reading = read(query.expected, query.terms, retrieval.weighted_spellings(),
                       [(i + 1, p.meta.get("title") or "", p.text) for i, p in enumerate(retrieval.passages)],
                       {s.sentence: s.similarity for s in sentences if s.similarity is not None})
        timings["read"] = time.perf_counter() - t
        t = time.perf_counter()
        decision = gate(
            retrieval, self.calibration, archive_background(self.retriever), self.settings.gate.threshold,
            reader_features=reading.features(),
            sentence_support=sentences[0].score if sentences else 0.0,
        )
        timings["gate"] = time.perf_counter() - t
        passages = [self._citation(i + 1, p, retrieval) for i, p in enumerate(retrieval.passages)]
        base = dict(
            language=query.language,
            confidence=decision.confidence,
            threshold=decision.threshold,
            passages=passages,
            question=question,
            filters=query.filters,
            retrieval=retrieval,
            gate=decision,
            reading=reading,
            generator=self.generator.name,
            model=self.generator.model,
            timings=timings,
        )
        if not decision.passed:
            if decision.reason == "weak_evidence" and self._fact_missing(reading, query.terms):
                return self._refuse("model_declined", base, t0, message=self._missing_fact(base))
            return self._refuse(decision.reason or "weak_evidence", base, t0)
        return self._answer(retrieval, passages, base, on_token, t0)

    def _answer(self, retrieval: Retrieval, passages: list[Citation], base: dict,
                on_token: TokenSink | None, t0: float) -> AskResult:
        evidence = [_evidence_item(c) for c in passages]
        request = GenerationRequest(
            question=retrieval.query.text,
            language=retrieval.query.language,
            evidence=evidence,
            terms=retrieval.query.terms,
            spellings=retrieval.spellings(),
            reading=base["reading"],
        )
        t = time.perf_counter()
        try:
            draft = self.generator.generate(request, on_token)
        except BackendError as exc:
            base["timings"]["generate"] = time.perf_counter() - t
            return self._refuse("backend_error", base, t0, detail=str(exc))
        base["timings"]["generate"] = time.perf_counter() - t
        base.update(
            draft=draft.text,
            draft_scores=draft.scores,
            prompt_name=draft.prompt.name if draft.prompt else None,
            prompt_sha256=draft.prompt.sha256 if draft.prompt else None,
        )
        if draft.declined:
            message = self._missing_fact(base) if draft.missing_fact else None
            return self._refuse("model_declined", base, t0, message=message)
        t = time.perf_counter()
        cfg = self.settings.answer
        embed = self._cached(self._embed) if self._embed is not None else None
        check = verify(draft.text, evidence, min_support=cfg.min_support, embed=embed)
        base["timings"]["verify"] = time.perf_counter() - t
        base["verification"] = check
        kept = check.supported
        if not kept or (cfg.on_unsupported == "refuse" and not check.all_supported):
            return self._refuse("unsupported_answer", base, t0)
        cited = {n for s in kept for n in s.citations}
        span = draft.span if draft.span and draft.span["n"] in cited else None
        mapping = renumbering(check.text(), [c.n for c in passages])
        span = _in_order(base, mapping, span)
        base["timings"]["total"] = time.perf_counter() - t0
        return AskResult(
            decision="answer",
            reason=None,
            text=base["verification"].text(),
            # the cited passages are numbered 1..len(cited) now (citation_order.py)
            citations=sorted((c for c in base["passages"] if c.n <= len(cited)), key=lambda c: c.n),
            answer_span=span,
            **base,
        )

    def _recall_units(self, retrieval: Retrieval) -> None:
        """Put the passages' stored unit vectors (embedded by the ingest) in the sentence cache,
        so that scoring and verification find them instead of embedding the units again. A
        chunk whose stored count does not match its units (stored by another splitter) is left
        to the embedder."""
        t = time.perf_counter()
        ids = [cid for p in retrieval.passages for cid in p.chunk_ids]
        found: dict[str, Any] = {}
        for cid, vectors in self.retriever.db.unit_vectors(ids).items():
            row = retrieval.chunks.get(cid)
            units = embedded_units(row.text, row.meta.get("title") or "") if row else []
            if len(units) == len(vectors):
                found.update(zip(units, vectors))
        self._sentence_vectors.put(found, self.retriever.embedder.fingerprint)
        retrieval.timings["units"] = time.perf_counter() - t

    def _cached(self, embed: Callable[[list[str]], Any]) -> Callable[[list[str]], Any]:
        """``embed`` (passage-side texts) through the sentence cache: the same vectors, and
        only the texts not seen lately go to the embedder."""
        space = self.retriever.embedder.fingerprint
        return lambda texts: self._sentence_vectors.embed(texts, embed, space)

    def _fact_missing(self, reading: Reading, terms: list[str]) -> bool:
        """A near-miss: the top passage holds most of the question's words, but no candidate of
        the asked type reaches the reader's floor — say so rather than "weak evidence"."""
        best = reading.best
        on_topic = len(reading.terms_found) >= max(1, len(terms) / 2)
        low = best is None or best.score < self.reader_floor
        return reading.expected.typed and on_topic and low

    def _missing_fact(self, base: dict) -> str:
        """What was found and what is missing, in the question's language."""
        reading: Reading = base["reading"]
        return missing_fact_message(
            base["language"], _topic(base["question"], reading.terms_found), reading.expected.type
        )

    def _refuse(self, reason: str, base: dict, t0: float, detail: str = "",
                message: str | None = None) -> AskResult:
        base["timings"]["total"] = time.perf_counter() - t0
        short = detail.split(" — ")[0] if detail else ""
        text = message or refusal_message(reason, base["language"], short)
        # under filters, say which: "nothing found" may only mean "nothing in this part"
        note = filters_note(base["filters"].to_json(), base["language"])
        return AskResult(
            decision="refuse",
            reason=reason,
            text=f"{text} {note}" if note else text,
            citations=[],
            detail=detail,
            **base,
        )

    def _citation(self, n: int, p: Passage, retrieval: Retrieval) -> Citation:
        m = p.meta
        page = m.get("page")
        return Citation(
            n=n,
            document_id=p.doc_id,
            chunk_id=p.chunk_ids[0],
            title=m.get("title") or "",
            newspaper=m.get("newspaper") or "",
            date=m.get("date") or "",
            page=page if isinstance(page, int) and page >= 0 else None,
            language=m.get("language") or "und",
            snippet=snippet(p.text, retrieval),
            score=p.score,
            chunk_ids=p.chunk_ids,
            text=p.text,
            source_path=m.get("source_path") or "",
            regions=_passage_regions(p, retrieval),
            ocr_conf=_conf(m.get("mean_conf")),
        )


def _in_order(base: dict, mapping: dict[int, int], span: dict | None) -> dict | None:
    """Renumber everything in the result that names a passage by number (answer sentences,
    passages, the reader's candidates, the draft) with ``mapping`` (citation_order.py), so the
    answer's citations run 1, 2, 3 in order of first use wherever the result is shown or
    audited. Returns the answer span, renumbered."""
    if is_identity(mapping):
        return span

    def new(n: int) -> int:
        return mapping.get(n, n)

    base["passages"] = [replace(c, n=new(c.n)) for c in base["passages"]]
    check: Verification = base["verification"]
    base["verification"] = Verification([
        replace(s, text=renumber_text(s.text, mapping), citations=[new(n) for n in s.citations])
        for s in check.sentences])
    reading: Reading = base["reading"]
    base["reading"] = replace(reading, candidates=[replace(c, n=new(c.n)) for c in reading.candidates],
                              units=[replace(u, n=new(u.n)) for u in reading.units])
    base["draft"] = renumber_text(base["draft"], mapping)
    base["draft_scores"] = [{**d, "n": new(d["n"])} if "n" in d else d for d in base["draft_scores"]]
    return {**span, "n": new(span["n"])} if span else None


def _hide(retrieval: Retrieval, scores: list[SentenceScore],
          sentences: tuple[str, ...]) -> list[SentenceScore]:
    """Blank the given sentences in the passages (same length, so offsets hold) and drop their
    sentence scores: calibration's near-misses, where the topic is found but not the fact."""
    for p in retrieval.passages:
        for s in sentences:
            p.text = re.sub(r"\s+".join(map(re.escape, s.split())), lambda m: " " * len(m.group(0)), p.text)
    hidden = {" ".join(s.split()) for s in sentences}
    return [x for x in scores if not any(h in x.sentence or x.sentence in h for h in hidden)]


def _conf(raw: Any) -> float | None:
    return float(raw) if isinstance(raw, (int, float)) and raw >= 0 else None


def _passage_regions(p: Passage, retrieval: Retrieval) -> list[dict]:
    """The page boxes of all the passage's chunks (a passage of three chunks covers the blocks
    of all three), each block once."""
    rows = [retrieval.chunks.get(cid) for cid in p.chunk_ids]
    raws = [row.meta.get("regions") for row in rows if row is not None] or [p.meta.get("regions")]
    seen: dict[str, dict] = {}
    for r in (r for raw in raws for r in _regions(raw)):
        seen.setdefault(f"{r.get('page')}|{r.get('block_id')}|{r['box']}", r)
    return list(seen.values())


def _regions(raw: Any) -> list[dict]:
    import json

    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return []
    return [r for r in value or [] if isinstance(r, dict) and r.get("box")]


def _evidence_item(c: Citation) -> EvidenceItem:
    return EvidenceItem(
        n=c.n,
        newspaper=c.newspaper,
        title=c.title,
        date=c.date,
        page="" if c.page is None else str(c.page),
        language=c.language,
        text=c.text,
    )


def _topic(question: str, found: list[str]) -> str:
    """The stretch of the question from the first to the last of its terms that the top passage
    holds ("pont suspendu"), at most six words; the found terms themselves when it is longer."""
    words = re.findall(r"[\w'’-]+", question)
    low = [w.lower() for w in words]
    at = [i for i, w in enumerate(low) if w in found or any(w.endswith(f) for f in found)]
    if not at:
        return ", ".join(found[:4])
    a, b = at[0], at[-1]
    return " ".join(words[a : b + 1]) if b - a < 6 else ", ".join(found[:4])


def snippet(text: str, retrieval: Retrieval, width: int = 320) -> str:
    """A window of the passage around the first matched question term (or its expansion)."""
    forms = [f for t, extra in retrieval.spellings().items() for f in (t, *extra)]
    forms += retrieval.query.terms
    low = text.lower()
    positions = [i for f in forms if len(f) >= 3 and (i := low.find(f)) >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    piece = re.sub(r"\s+", " ", text[start : start + width]).strip()
    return ("…" if start > 0 else "") + piece + ("…" if start + width < len(text) else "")
