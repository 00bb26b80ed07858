"""Fit the reader's two scores (ragarchive/data/reader_weights.json) on the calibration
questions: demo, METS/ALTO and the real-OCR fitting questions of bench/questions/fit-ocr.jsonl
(bench/reader_replay.py's ``fit`` set), never the development ones.

* **Candidates.** Every typed candidate of every answerable typed question is a row: its score
  parts (answering/reader.py: context, proximity, focus, strength, rank, apposition, similarity,
  premise nearness, weak span, question terms within 100 characters, the passage's coverage of
  the question) and whether it is the reference answer.
* **Units.** Every quotable unit of the top passages of every answerable question is a row: its
  parts (relevance, what it adds, its place next to the premise, the best candidate it holds, …)
  and whether it states the reference (or is the evidence sentence of a cross-lingual question).
  Fitted after the candidates: a unit's "candidate" part is the new candidate score.

Each is a logistic regression (L2, not balanced: the score is the probability that a candidate
is the answer, a unit states it). ``--cv`` first reports, archive by archive, how often a model
fitted on the *other* archives puts the reference (the stating unit) first. Then ``fact_floor``,
the score under which the answer quotes its best units instead of stating a fact.

    .venv/bin/python bench/reader_replay.py --collect fit     # once: cache the retrievals
    .venv/bin/python bench/fit_reader.py [--cv]
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
OUT = REPO / "ragarchive" / "data" / "reader_weights.json"
FEATURES = ("context", "own", "proximity", "focus", "strength", "rank", "apposition",
            "similarity", "premise", "weak", "local", "coverage")


def candidate_rows(rows: list[dict]) -> list[tuple[str, int, list[float], int]]:
    """(archive, question index, features, is-reference) for every typed candidate."""
    from reader_replay import is_reference, reading_of

    out = []
    for qi, row in enumerate(rows):
        q = row["q"]
        if not (q["answerable"] and q.get("answer")):
            continue
        reading = reading_of(row)
        if not reading.expected.typed:
            continue
        for c in reading.candidates:
            out.append((row["archive"], qi, [c.parts.get(f, 0.0) for f in FEATURES],
                        int(is_reference(q, c.text))))
    return out


UNIT_FEATURES = ("context", "own", "adds", "focus", "cue", "rank", "similarity", "embedded",
                 "coverage", "premise", "after_premise", "before_premise", "candidate",
                 "has_candidate", "typed", "short")


def unit_rows(rows: list[dict]) -> list[tuple[str, int, list[float], int]]:
    """(archive, question index, features, states-the-fact) for every quotable unit of the top
    passages of every answerable question, typed or not."""
    from reader_replay import reading_of, states

    out = []
    for qi, row in enumerate(rows):
        q = row["q"]
        if not (q["answerable"] and q.get("answer")):
            continue
        for u in reading_of(row).units:
            out.append((row["archive"], qi, [u.parts.get(f, 0.0) for f in UNIT_FEATURES], int(states(q, u.text))))
    return out


def fit(data: list[tuple[str, int, list[float], int]],
        features: tuple[str, ...] = FEATURES) -> tuple[dict[str, float], float]:
    from sklearn.linear_model import LogisticRegression

    X = np.array([x for _, _, x, _ in data])
    y = np.array([t for _, _, _, t in data])
    model = LogisticRegression(C=1.0, max_iter=3000).fit(X, y)
    return dict(zip(features, map(float, model.coef_[0]))), float(model.intercept_[0])


def top1(data, weights: dict[str, float], intercept: float) -> tuple[int, int]:
    """Questions whose best-scored candidate is the reference, of those with one among them."""
    by_q: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for _, qi, x, t in data:
        by_q[qi].append((intercept + sum(w * v for w, v in zip(weights.values(), x)), t))
    reachable = [c for c in by_q.values() if any(t for _, t in c)]
    return sum(max(c)[1] for c in reachable), len(reachable)


FLOOR_TOLERANCE = 0.01  # a stated fact, when right, is what the user came for: see fact_floor


def fact_floor(rows: list[dict]) -> tuple[float, float]:
    """The reader score below which a typed answer quotes its two best units rather than stating
    a fact: the lowest grid value whose share of answerable calibration questions showing their
    fact is within ``FLOOR_TOLERANCE`` of the best. Quoting more often shows the fact a little
    more often (two units hold it more often than one fact), but a user asking "when" or "who"
    wants the date or the name first, so among nearly equal floors the one that states most."""
    from reader_replay import shown_has_fact

    from ragarchive.answering.reader import _weights

    _weights.cache_clear()
    grid = [(float(f), shown_has_fact(rows, float(f))) for f in np.round(np.arange(0.0, 0.61, 0.05), 2)]
    best = max(rate for _, rate in grid)
    floor, rate = next((f, r) for f, r in grid if r >= best - FLOOR_TOLERANCE)
    return floor, round(rate, 3)


def write(model: dict) -> None:
    from ragarchive.answering.reader import _weights

    OUT.write_text(json.dumps(model, indent=2) + "\n")
    _weights.cache_clear()


def cross_validate(data, features, current: dict, label: str) -> None:
    """Archive by archive: a model fitted on the *other* archives against the current one."""
    for held in sorted({a for a, *_ in data}):
        test = [d for d in data if d[0] == held]
        w, b = fit([d for d in data if d[0] != held], features)
        print(f"{label} {held}: fitted on the others {top1(test, w, b)}, "
              f"current {top1(test, current['weights'], current['intercept'])}")


def main() -> None:
    from reader_replay import load_rows

    from ragarchive.answering.reader import _weights

    rows = load_rows("fit")
    current = _weights()
    data = candidate_rows(rows)
    if "--cv" in sys.argv:
        cross_validate(data, FEATURES, current, "candidates")
    weights, intercept = fit(data)
    hit, reachable = top1(data, weights, intercept)
    model = {"weights": {k: round(v, 4) for k, v in weights.items()}, "intercept": round(intercept, 4),
             "units": current.get("units") or {"weights": {}, "intercept": 0.0}}
    write(model)  # the units' "candidate" part is the new candidate score
    units = unit_rows(rows)
    if "--cv" in sys.argv and current.get("units", {}).get("weights"):
        cross_validate(units, UNIT_FEATURES, current["units"], "units")
    unit_weights, unit_intercept = fit(units, UNIT_FEATURES)
    unit_hit, unit_reachable = top1(units, unit_weights, unit_intercept)
    model["units"] = {"weights": {k: round(v, 4) for k, v in unit_weights.items()},
                      "intercept": round(unit_intercept, 4)}
    write(model)  # the fact floor is chosen with these weights
    floor, shown = fact_floor(rows)
    write({
        **model,
        "fact_floor": floor,
        "notes": "The reader's typed-candidate score and unit score: logistic regressions over "
                 "their parts (answering/reader.py), fitted by bench/fit_reader.py on the "
                 "calibration questions (demo, METS/ALTO, and the real-OCR fitting questions of "
                 "bench/questions/fit-ocr.jsonl on documents no development question uses), "
                 "never on the development questions.",
        "fit": {"shown_has_fact_at_floor": shown, "candidates": len(data), "references": int(sum(t for *_, t in data)),
                "questions_with_reference_first": hit, "questions_with_reference": reachable,
                "units": len(units), "units_stating_the_fact": int(sum(t for *_, t in units)),
                "questions_with_stating_unit_first": unit_hit,
                "questions_with_stating_unit": unit_reachable},
    })
    print(OUT.read_text())


if __name__ == "__main__":
    main()
