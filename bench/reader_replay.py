"""Replay the reader on cached retrievals: how often the answer the extractive generator would
show states the fact, in seconds instead of a full ``ask_quality`` run.

``--collect`` asks every question of a question set once (retrieval only, as ``ask`` does it) and
caches what the reader sees: the question's terms, the expansions' weighted spellings, the top
passages and the embedder's unit similarities (bench/.data/replay/<set>.jsonl). Without it, the
cached rows are read again with the current reader and extractive generator, and it reports:

* ``shown_has_fact``: the shown text (fact + quote, as ``ExtractiveGenerator`` writes it; the
  gate and verification are not replayed) states the reference, per kind and answer type;
* ``auroc_reader``: the best candidate's reader score, answerable-with-the-fact against
  near-misses (can the reader's own score tell a found fact from a missing one?).

Sets: ``fit`` — the calibration questions (demo, METS/ALTO, and the real-OCR fitting questions of
bench/questions/fit-ocr.jsonl on documents no development question uses), the ones to tune on;
``dev`` — the development questions, to measure only. Never tune on ``dev``.

    .venv/bin/python bench/reader_replay.py --collect fit|dev
    .venv/bin/python bench/reader_replay.py fit|dev [--show N]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
WORK = REPO / "bench" / ".data"
CACHE = WORK / "replay"


def question_sets(name: str) -> list[tuple[str, list[dict]]]:
    """(archive, questions) pairs of a set. ``fit``: the calibration archives and questions of
    bench/fit_default_calibration.py (one list, so that the gate and the reader are fitted on the
    same questions); ``dev``: the development questions, by the archive of their collection."""
    import fit_default_calibration

    if name == "fit":
        return [(archive, questions) for archive, _, questions in fit_default_calibration.archives()]
    by: dict[str, list[dict]] = defaultdict(list)
    for q in fit_default_calibration.load(REPO / "bench/questions/dev.jsonl"):
        by[f"dev-{q['collection']}"].append(q)
    return list(by.items())


def ingest(name: str) -> None:
    """Build (or bring up to date) the set's archives, as the benchmarks that own them do (the
    fit set's real-OCR questions are asked of the development archives, on other documents)."""
    if name == "dev":
        import ask_quality

        for collection in ask_quality.COLLECTIONS:
            ask_quality.ingest(collection)
        return
    import fit_default_calibration
    from ragarchive.config import load_settings
    from ragarchive.services import build_ingestor

    for archive, source, _ in fit_default_calibration.archives():
        ingestor = build_ingestor(load_settings(data_dir=WORK / "data", archive=archive))
        ingestor.run([source])
        ingestor.db.close()


def collect(name: str) -> None:
    from ragarchive.answering.evidence import score_retrieval
    from ragarchive.config import load_settings
    from ragarchive.retrieval.query import analyse_question
    from ragarchive.services import build_ask_service

    CACHE.mkdir(parents=True, exist_ok=True)
    ingest(name)
    out = []
    for archive, qs in question_sets(name):
        settings = load_settings(data_dir=WORK / "data", archive=archive)
        settings.audit.enabled = False
        service = build_ask_service(settings)
        for q in qs:
            query = analyse_question(q["question"], settings.retrieval.default_language, None)
            r = service.retriever.retrieve(query)
            sentences = score_retrieval(r, service.retriever.embedder.embed_documents)
            out.append({
                "q": q, "archive": archive, "language": query.language, "terms": query.terms,
                "spellings": r.weighted_spellings(),
                "passages": [(i + 1, p.meta.get("title") or "", p.text) for i, p in enumerate(r.passages)],
                "similarities": {s.sentence: s.similarity for s in sentences
                                 if s.similarity is not None},
            })
        print(f"{archive}: {len(qs)} questions", file=sys.stderr)
    (CACHE / f"{name}.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in out))


def shown_has_fact(rows: list[dict], fact_floor: float) -> float:
    """Share of the answerable rows whose replayed answer shows the fact, at this fact floor."""
    from ragarchive.answering.generators import ExtractiveGenerator

    generator = ExtractiveGenerator(min_fact_score=fact_floor)
    judged = [_replay_one(row, generator)[0] for row in rows if row["q"]["answerable"] and row["q"].get("answer")]
    return sum(judged) / len(judged) if judged else 0.0


def _replay_one(row: dict, generator) -> tuple[bool, object, object]:
    """(shown has the fact, draft, reading) for a cached row."""
    from ragarchive.answering.generators import GenerationRequest
    from ragarchive.answering.prompting import EvidenceItem
    from ragarchive.eval_run import answer_has_fact

    q = row["q"]
    reading = reading_of(row)
    evidence = [EvidenceItem(n, "", title, "", "", "", text) for n, title, text in row["passages"]]
    draft = generator.generate(GenerationRequest(q["question"], row["language"], evidence, row["terms"], reading=reading))
    result = SimpleNamespace(decision="refuse" if draft.declined else "answer", text=draft.text)
    return bool(q.get("answer") and answer_has_fact(q, result)), draft, reading


def replay(name: str, show: int) -> dict:
    from ragarchive.answering.generators import ExtractiveGenerator
    from ragarchive.answering.reader import fact_floor

    rows = load_rows(name)
    generator = ExtractiveGenerator(min_fact_score=fact_floor())
    groups: dict[str, list[bool]] = defaultdict(list)
    scored: list[tuple[int, float]] = []
    misses = []
    for row in rows:
        q = row["q"]
        ok, draft, reading = _replay_one(row, generator)
        expected = reading.expected
        best = reading.best.score if reading.best else 0.0
        if q["answerable"] and q.get("answer"):
            for key in ("overall", f"kind:{q['kind']}", f"type:{expected.type}",
                        f"typed:{expected.typed}", f"position:{q.get('position') or '-'}"):
                groups[key].append(ok)
            scored.append((int(ok), best))
            if expected.typed:
                groups["typed_ref_in_candidates@1"].append(_ref_rank(q, reading) == 1)
                groups["typed_ref_in_candidates@5"].append(_ref_rank(q, reading) <= 5)
                groups["typed_ref_in_candidates@any"].append(_ref_rank(q, reading) < 999)
            if not ok:
                misses.append((q, expected.type, draft.text))
        elif q["kind"] == "near_miss":
            scored.append((0, best))
            groups["near_miss_declined"].append(draft.declined)
    report = {k: {"n": len(v), "rate": round(sum(v) / len(v), 3)} for k, v in sorted(groups.items())}
    if len({y for y, _ in scored}) == 2:
        from sklearn.metrics import roc_auc_score

        report["auroc_reader"] = round(float(roc_auc_score(*zip(*scored))), 3)
    for q, kind, text in misses[:show]:
        print(f"- [{kind}] {q['question'][:100]} | ref: {q['answer'][:40]}\n    shown: {text[:160]}")
    return report


def _ref_rank(q: dict, reading) -> int:
    """Rank of the first candidate that is the reference, 999 if none."""
    return next((i for i, c in enumerate(reading.candidates, 1) if is_reference(q, c.text)), 999)


def is_reference(q: dict, text: str) -> bool:
    """Whether a candidate's text is the question's reference answer (fuzzily, either way round:
    "Mr. Davies" for "Davies", "6th day of November" for "6th day of November, 1894")."""
    from rapidfuzz import fuzz

    from ragarchive.eval_run import normalise

    ref, text = normalise(q["answer"]), normalise(text)
    if not text:
        return False
    if len(ref) <= len(text):
        return fuzz.partial_ratio(ref, text) >= 85
    return fuzz.partial_ratio(text, ref) >= 85 and len(text) >= 0.5 * len(ref)


def states(q: dict, text: str) -> bool:
    """Whether a unit of a passage states the question's fact: it holds the reference answer
    (as ``answer_has_fact`` finds it in a shown answer), or — for a question in another language
    than its evidence — it is (part of) the evidence sentence."""
    from rapidfuzz import fuzz

    from ragarchive.eval_run import answer_has_fact, normalise

    if answer_has_fact({"answer": q.get("answer")}, SimpleNamespace(decision="answer", text=text)):
        return True
    evidence, unit = normalise(q.get("evidence") or ""), normalise(text)
    if q.get("kind") != "cross_lingual" or not evidence or len(unit) < 15:
        return False
    shorter, longer = sorted((unit, evidence), key=len)
    return fuzz.partial_ratio(shorter, longer) >= 90


def load_rows(name: str) -> list[dict]:
    return [json.loads(x) for x in (CACHE / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]


def reading_of(row: dict):
    """The current reader's reading of a cached row."""
    from ragarchive.answering.reader import read
    from ragarchive.retrieval.answer_type import expected_answer

    spellings = {t: [tuple(x) for x in v] for t, v in row["spellings"].items()}
    passages = [tuple(p) for p in row["passages"]]
    return read(expected_answer(row["q"]["question"]), row["terms"], spellings, passages, row["similarities"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("set", choices=("fit", "dev"))
    ap.add_argument("--collect", action="store_true")
    ap.add_argument("--show", type=int, default=0, help="print this many misses")
    args = ap.parse_args()
    if args.collect:
        collect(args.set)
    print(json.dumps(replay(args.set, args.show), indent=1))


if __name__ == "__main__":
    main()
