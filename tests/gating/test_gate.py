"""The confidence gate: its features, the calibrated confidence, the threshold decision and its
reasons, the calibration files and the archive's off-topic background."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from ragarchive.retrieval.expand import Variant
from ragarchive.retrieval.fuse import FusedHit, Passage, RankedList
from ragarchive.gating.background import PROBES, Background, archive_background, measure_background
from ragarchive.gating.gate import (
    FEATURES,
    Calibration,
    gate,
    load_calibration,
    retrieval_features,
    term_coverage,
)
from ragarchive.retrieval.query import Query
from ragarchive.retrieval.retriever import Retrieval

BG = Background(mean=0.80, sd=0.05)


def _passage(cid: str, text: str, language: str | None = "en") -> Passage:
    meta = {"title": "", "language": language} if language is not None else {"title": ""}
    return Passage([cid], cid.split("#")[0], text, 0.05, meta, [0])


def _list(name: str, ids: list[str], scores: list[float] | None = None) -> RankedList:
    origin, kind = name.split("/")
    scores = scores or [1.0] * len(ids)
    return RankedList(name, origin, kind, 1.0, list(zip(ids, scores)))


def _retrieval(
    terms: list[str],
    passages: list[Passage],
    lists: list[RankedList] = (),  # type: ignore[assignment]
    *,
    language: str = "en",
    variants: list[Variant] | None = None,
) -> Retrieval:
    query = Query(" ".join(terms) + "?", language, "words", list(terms), [])
    fused = [FusedHit(cid, 1.0 / (i + 1)) for i, p in enumerate(passages) for cid in p.chunk_ids]
    return Retrieval(
        query=query,
        variants=variants or [Variant("original", query.text, list(terms))],
        lists=list(lists),
        fused=fused,
        passages=passages,
        chunks={},
        query_vector=None,
    )


# -- features --------------------------------------------------------------------------------

def test_dense_features_are_measured_against_the_background() -> None:
    dense = _list("original/dense", ["a", "b", "c", "d", "e", "f"], [0.90, 0.88, 0.86, 0.84, 0.82, 0.50])
    f = retrieval_features(_retrieval(["bridge"], [_passage("a#0", "The bridge.")], [dense]), BG)
    assert f["dense_top"] == pytest.approx(0.90)
    assert f["dense_z"] == pytest.approx(2.0)  # (0.90 - 0.80) / 0.05
    assert f["dense_margin"] == pytest.approx(0.08)  # over the 5th hit, not the last


def test_dense_margin_with_fewer_than_five_hits_uses_the_last_and_no_dense_list_is_minus_three() -> None:
    dense = _list("original/dense", ["a", "b"], [0.85, 0.81])
    f = retrieval_features(_retrieval(["bridge"], [_passage("a#0", "The bridge.")], [dense]), BG)
    assert f["dense_margin"] == pytest.approx(0.04)
    assert f["dense_z"] == pytest.approx(1.0)

    # the variants' dense lists do not stand in for the original question's
    other = _list("ocr/dense", ["a"], [0.95])
    f = retrieval_features(_retrieval(["bridge"], [_passage("a#0", "The bridge.")], [other]), BG)
    assert (f["dense_top"], f["dense_z"], f["dense_margin"]) == (0.0, -3.0, 0.0)


def test_coverage_counts_direct_fuzzy_and_expanded_terms() -> None:
    text = "The new suspension bridge at Valrnarbe cost the town a great dépense."
    passage = _passage("a#0", text)
    r = _retrieval(["bridge", "valmarbe", "cost", "fair"], [passage])
    # bridge and cost directly, valmarbe fuzzily (OCR "rn" for "m"); "fair" is absent
    assert term_coverage(r, passage) == pytest.approx(3 / 4)

    r = _retrieval(["bridge", "pont"], [_passage("a#0", "Le pont de Valmarbe.")])
    assert term_coverage(r, r.passages[0]) == pytest.approx(1 / 2)
    translated = Variant("cross_lingual", "pont", ["pont"], 0.9, {"bridge": [("pont", 0.9)]})
    r = _retrieval(["bridge", "pont"], [_passage("a#0", "Le pont de Valmarbe.")],
                   variants=[Variant("original", "bridge pont", ["bridge", "pont"]), translated])
    assert term_coverage(r, r.passages[0]) == pytest.approx(1.0)  # "bridge" through "pont"


def test_short_terms_are_not_matched_fuzzily_but_long_ones_share_a_prefix() -> None:
    r = _retrieval(["fair"], [_passage("a#0", "The fairs were held.")])
    assert term_coverage(r, r.passages[0]) == 0.0  # under five letters: exact only
    r = _retrieval(["eisenbahn"], [_passage("a#0", "Die Eisenbahnlinie wurde eröffnet.")])
    assert term_coverage(r, r.passages[0]) == 1.0  # a long shared prefix (inflection, compounds)
    r = _retrieval([], [_passage("a#0", "Anything.")])
    assert term_coverage(r, r.passages[0]) == 0.0


def test_coverage_is_the_best_of_the_top_three_passages() -> None:
    weak = [_passage(f"w{i}#0", "Nothing relevant here.") for i in range(3)]
    full = _passage("x#0", "The bridge cost much.")
    f = retrieval_features(_retrieval(["bridge", "cost"], weak + [full]), BG)
    assert f["coverage"] == 0.0  # the fourth passage does not count
    f = retrieval_features(_retrieval(["bridge", "cost"], weak[:2] + [full]), BG)
    assert f["coverage"] == 1.0


def test_agreement_is_the_share_of_non_empty_lists_with_the_top_hit_in_their_top_ten() -> None:
    filler = [f"z{i}" for i in range(20)]
    lists = [
        _list("original/dense", ["a#0", *filler]),  # first
        _list("original/words", [*filler[:9], "a#0"]),  # tenth: counts
        _list("original/trigram", [*filler[:10], "a#0"]),  # eleventh: does not
        _list("ocr/words", []),  # empty lists do not vote
    ]
    f = retrieval_features(_retrieval(["bridge"], [_passage("a#0", "The bridge.")], lists), BG)
    assert f["agreement"] == pytest.approx(2 / 3)


def test_lexical_top_needs_a_word_list_ranking_the_top_passage_first() -> None:
    top = Passage(["a#0", "a#1"], "a", "The bridge. The toll.", 0.05, {"language": "en"}, [0, 1])

    def lexical_top(*lists: RankedList) -> float:
        return retrieval_features(_retrieval(["bridge"], [top], list(lists)), BG)["lexical_top"]

    assert lexical_top(_list("original/words", ["a#1", "b#0"])) == 1.0  # any chunk of the passage
    assert lexical_top(_list("original/words", ["b#0", "a#0"])) == 0.0  # second is not first
    assert lexical_top(_list("original/words", ["b#0"]), _list("cross_lingual/words", ["a#0"])) == 1.0
    assert lexical_top(_list("original/trigram", ["a#0"]), _list("ocr/words", ["a#0"])) == 0.0
    assert lexical_top() == 0.0


def test_foreign_top_compares_the_best_passage_language_with_the_question() -> None:
    def foreign(language: str | None, question: str = "en") -> float:
        r = _retrieval(["pont"], [_passage("a#0", "Le pont.", language)], language=question)
        return retrieval_features(r, BG)["foreign_top"]

    assert foreign("fr") == 1.0
    assert foreign("en") == 0.0
    assert foreign("und") == 0.0  # unknown language is not evidence of another one
    assert foreign(None) == 0.0
    assert foreign("en", question="de") == 1.0


def test_sentence_support_is_passed_through_and_missing_counts_as_none() -> None:
    r = _retrieval(["bridge"], [_passage("a#0", "The bridge.")])
    assert retrieval_features(r, BG, sentence_support=0.71)["sentence_support"] == 0.71
    assert retrieval_features(r, BG)["sentence_support"] == 0.0


# -- confidence and decision -----------------------------------------------------------------

def test_confidence_is_the_logistic_of_the_weighted_known_features() -> None:
    cal = Calibration({"dense_z": 1.0, "coverage": 2.0, "dense_top": 50.0}, intercept=-1.0, threshold=0.5)
    # dense_top is recorded for the audit but is not a model feature: its weight is ignored
    assert cal.confidence({"dense_z": 0.5, "coverage": 0.25, "dense_top": 0.9}) == pytest.approx(0.5)
    assert cal.confidence({}) == pytest.approx(1 / (1 + math.e))  # missing features count 0
    assert cal.confidence({"dense_z": 3.0}) == pytest.approx(1 / (1 + math.exp(-2.0)))


def test_no_passages_is_no_evidence_whatever_the_calibration() -> None:
    cal = Calibration({}, intercept=20.0, threshold=0.1)  # would pass anything
    d = gate(_retrieval(["bridge"], []), cal, BG)
    assert (d.confidence, d.passed, d.reason, d.features, d.threshold) == (0.0, False, "no_evidence", {}, 0.1)
    assert gate(_retrieval(["bridge"], []), cal, BG, threshold=0.3).threshold == 0.3


def test_the_threshold_is_inclusive_and_below_it_the_evidence_is_weak() -> None:
    r = _retrieval(["bridge"], [_passage("a#0", "The bridge.")])
    even = Calibration({}, intercept=0.0, threshold=0.5)  # confidence exactly 0.5
    passed = gate(r, even, BG)
    assert passed.confidence == 0.5 and passed.passed and passed.reason is None
    refused = gate(r, even, BG, threshold=0.5001)  # the explicit threshold wins over the calibration's
    assert refused.threshold == 0.5001 and not refused.passed and refused.reason == "weak_evidence"
    assert refused.confidence == 0.5


def test_reader_features_join_the_retrieval_features_in_one_confidence() -> None:
    r = _retrieval(["bridge"], [_passage("a#0", "The bridge.")])
    cal = Calibration({"reader_score": 4.0}, intercept=-2.0, threshold=0.7)
    without = gate(r, cal, BG)
    reader = {"reader_score": 1.0, "reader_focus": 0.0, "reader_margin": 0.5, "reader_untyped": 0.0}
    with_reader = gate(r, cal, BG, reader_features=reader)
    assert without.confidence == pytest.approx(1 / (1 + math.exp(2.0))) and without.reason == "weak_evidence"
    assert with_reader.confidence == pytest.approx(1 / (1 + math.exp(-2.0))) and with_reader.passed
    assert set(with_reader.features) == set(retrieval_features(r, BG)) | set(reader)
    assert with_reader.features["reader_margin"] == 0.5


# -- calibration files -----------------------------------------------------------------------

def test_the_shipped_calibration_weighs_every_feature_and_nothing_else() -> None:
    cal = load_calibration(Path("/nonexistent-archive"))
    assert cal.source == "default"
    assert set(cal.weights) == set(FEATURES)  # a misspelt weight would be silently ignored
    assert 0.0 < cal.threshold < 1.0
    assert "fit" in cal.extra and "reader_floor" in cal.extra  # kept, not dropped


def test_an_archive_calibration_wins_and_keeps_its_extra_fields(tmp_path: Path) -> None:
    own = {"weights": {"dense_z": "1.5"}, "intercept": -0.5, "threshold": 0.42, "embedder": "e",
           "notes": "fitted here", "source": "ignored", "reader_floor": 0.1, "fit": {"questions": 12}}
    (tmp_path / "calibration.json").write_text(json.dumps(own), encoding="utf-8")
    cal = load_calibration(tmp_path)
    assert cal.source == str(tmp_path / "calibration.json")
    assert (cal.weights, cal.intercept, cal.threshold, cal.embedder) == ({"dense_z": 1.5}, -0.5, 0.42, "e")
    assert cal.extra == {"reader_floor": 0.1, "fit": {"questions": 12}}
    again = Calibration.from_json(json.loads(json.dumps(cal.to_json())), "copy")
    assert (again.weights, again.intercept, again.threshold, again.extra) == (
        cal.weights, cal.intercept, cal.threshold, cal.extra)


# -- background -----------------------------------------------------------------------------

def test_the_background_asks_every_probe_once_and_floors_the_spread() -> None:
    asked: list[str] = []

    def best(question: str) -> float:
        asked.append(question)
        return 0.8

    bg = measure_background(best)
    assert asked == list(PROBES) and len(set(PROBES)) == len(PROBES)
    assert bg == Background(pytest.approx(0.8), 0.01)  # no spread: floored, so z stays finite

    sims = {q: (0.70 if i % 2 else 0.80) for i, q in enumerate(PROBES)}  # 26 probes: half each
    bg = measure_background(sims.__getitem__)
    assert bg.mean == pytest.approx(0.75) and bg.sd == pytest.approx(0.05)
    assert bg.z(0.85) == pytest.approx(2.0)


@pytest.fixture(scope="module")
def empty_retriever(tmp_path_factory: pytest.TempPathFactory):
    from ragarchive.config import load_settings
    from ragarchive.services import build_retriever

    settings = load_settings(data_dir=tmp_path_factory.mktemp("empty") / "data", archive="empty")
    retriever = build_retriever(settings)
    yield retriever
    retriever.db.close()


def test_archive_background_is_measured_once_per_index_state(empty_retriever) -> None:
    db = empty_retriever.db
    key = f"{empty_retriever.embedder.fingerprint}|{db.content_key()}"
    # one of another index state (another embedder, or content since changed) is measured again
    db.set_meta("gate_background", json.dumps({"key": "other|7", "mean": 0.5, "sd": 0.2}))
    bg = archive_background(empty_retriever)
    assert bg == Background(0.0, 0.01)  # an empty archive: no probe finds anything
    assert json.loads(db.get_meta("gate_background")) == {"key": key, "mean": 0.0, "sd": 0.01}

    # one of this index state is used as it is, without measuring
    db.set_meta("gate_background", json.dumps({"key": key, "mean": 0.5, "sd": 0.2}))
    assert archive_background(empty_retriever) == Background(0.5, 0.2)
