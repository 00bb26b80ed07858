"""Fit the reader's candidate score (ragarchive/data/reader_weights.json) on the calibration
questions: demo + METS/ALTO (bench/reader_replay.py's ``fit`` set), never the development ones.

Every typed candidate of every answerable typed question is a row: its score parts
(answering/reader.py: context, proximity, focus, strength, rank, apposition, similarity, premise
nearness, weak span, question terms within 100 characters, the passage's coverage of the question) and whether it is the reference answer. A logistic regression (L2, not
balanced: the score is the probability that a candidate is the answer) learns how much each part says; ``--cv`` first reports, archive by archive, how often
a model fitted on the *other* archive puts the reference first (does the fit carry?). Then
``fact_floor``, the score under which the answer quotes its best sentence instead of stating a
fact, is the grid value at which most calibration questions show their fact.

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


def fit(data: list[tuple[str, int, list[float], int]]) -> tuple[dict[str, float], float]:
    from sklearn.linear_model import LogisticRegression

    X = np.array([x for _, _, x, _ in data])
    y = np.array([t for _, _, _, t in data])
    model = LogisticRegression(C=1.0, max_iter=2000).fit(X, y)
    return dict(zip(FEATURES, map(float, model.coef_[0]))), float(model.intercept_[0])


def top1(data, weights: dict[str, float], intercept: float) -> tuple[int, int]:
    """Questions whose best-scored candidate is the reference, of those with one among them."""
    by_q: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for _, qi, x, t in data:
        by_q[qi].append((intercept + sum(w * v for w, v in zip(weights.values(), x)), t))
    reachable = [c for c in by_q.values() if any(t for _, t in c)]
    return sum(max(c)[1] for c in reachable), len(reachable)


def fact_floor(rows: list[dict]) -> tuple[float, float]:
    """The reader score below which a typed answer quotes rather than states its fact: the grid
    value at which the most answerable calibration questions show their fact (ties: the lower)."""
    from reader_replay import shown_has_fact

    from ragarchive.answering.reader import _weights

    _weights.cache_clear()
    best = (0.0, -1.0)
    for floor in np.round(np.arange(0.0, 0.61, 0.05), 2):
        rate = shown_has_fact(rows, float(floor))
        if rate > best[1]:
            best = (float(floor), rate)
    return best[0], round(best[1], 3)


def main() -> None:
    from reader_replay import load_rows

    data = candidate_rows(load_rows("fit"))
    archives = sorted({a for a, *_ in data})
    if "--cv" in sys.argv:
        from ragarchive.answering.reader import _weights

        current = _weights()
        for held in archives:
            test = [d for d in data if d[0] == held]
            w, b = fit([d for d in data if d[0] != held])
            print(f"{held}: fitted on the others {top1(test, w, b)}, "
                  f"current weights {top1(test, current['weights'], current['intercept'])}")
    weights, intercept = fit(data)
    hit, reachable = top1(data, weights, intercept)
    model = {"weights": {k: round(v, 4) for k, v in weights.items()}, "intercept": round(intercept, 4)}
    OUT.write_text(json.dumps(model) + "\n")  # the fact floor is chosen with these weights
    floor, shown = fact_floor(load_rows("fit"))
    OUT.write_text(json.dumps({
        **model,
        "fact_floor": floor,
        "notes": "The reader's typed-candidate score: logistic regression over the score parts "
                 "(answering/reader.py), fitted by bench/fit_reader.py on the calibration "
                 "questions (demo + METS/ALTO), never on the development questions.",
        "fit": {"shown_has_fact_at_floor": shown, "candidates": len(data), "references": int(sum(t for *_, t in data)),
                "questions_with_reference_first": hit, "questions_with_reference": reachable},
    }, indent=2) + "\n")
    print(OUT.read_text())


if __name__ == "__main__":
    main()
