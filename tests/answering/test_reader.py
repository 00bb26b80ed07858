"""The reader: typed answer candidates near the question's terms, across sentence boundaries."""

from __future__ import annotations

import pytest

from ragarchive.answering.reader import read
from ragarchive.answering.spans import find_spans
from ragarchive.retrieval.answer_type import expected_answer
from ragarchive.retrieval.query import analyse_question

BRIDGE = ("Le pont suspendu de Valmarbe a été livré à la circulation le dimanche 3 février. "
          "Il a été construit en dix-huit mois par l'entreprise de M. Barthélemy Castagnier, "
          "pour une dépense de 142,000 francs. La fête fut troublée par la pluie.")


@pytest.mark.parametrize("kind, text, expected", [
    ("money", "Il coûte Fr. 61.- par an, ou 1 fr. 90 c. par jour, au taux de 4 3/4 %.", ["Fr. 61.-", "1 fr. 90 c.", "4 3/4 %"]),
    ("money", "They were fined £ 3 10s. each; the revenue was 8,938,947l. in all.", ["£ 3 10s.", "8,938,947l."]),
    ("number", "The tower is 214 feet high; die Glocke wiegt 160 Kilogramm; haut de 96 mètres.", ["214 feet", "160 Kilogramm", "96 mètres"]),
    ("date", "Herr Müller kam den 7. Juni 1852 an, and left on Monday last, at Michaelmas.", ["den 7. Juni 1852", "Monday last", "at Michaelmas"]),
    ("person", "Herr Dr. K. Müller met Alderman Thomas Gedge and Messrs. Corder and Blythe, puis M. le maire.",
     ["Herr Dr. K. Müller", "Alderman Thomas Gedge", "Messrs. Corder and Blythe", "M. le maire"]),
    ("duration", "He was sentenced to six months' imprisonment; la session dura trois semaines.", ["six months' imprisonment", "trois semaines"]),
    ("date", "Er kam um elf Uhr abends; le train part à trois heures du soir; at half-past seven p.m.",
     ["um elf Uhr abends", "à trois heures du soir", "half-past seven p.m."]),
])
def test_spans_read_period_conventions(kind: str, text: str, expected: list[str]) -> None:
    found = [s.text for s in find_spans(text, kind) if s.strength >= 0.7]
    for e in expected:
        assert e in found, (e, found)


def _read(question: str, passages: list[str], spellings: dict | None = None):
    q = analyse_question(question, "en")
    weighted = {t: [(f, 1.0) for f in forms] for t, forms in (spellings or {}).items()}
    return read(q.expected, q.terms, weighted, [(n, "", t) for n, t in enumerate(passages, start=1)])


def test_the_fact_in_the_next_sentence_beats_the_sentence_restating_the_question() -> None:
    best = _read("Combien a coûté le pont suspendu ?", [BRIDGE]).best
    assert best is not None and best.text == "142,000 francs"
    assert BRIDGE[best.start:best.end] == "142,000 francs"
    assert best.parts["own"] < best.parts["context"]  # its own sentence does not name the bridge


def test_a_span_the_question_already_gives_is_no_answer() -> None:
    reading = _read("Who was the engineer of the bridge at Valmarbe?", [
        "The bridge at Valmarbe was built by the engineer Mr. Louis Marchal in 1861."])
    texts = [c.text for c in reading.candidates]
    assert "Valmarbe" not in texts and reading.best.text == "Mr. Louis Marchal"


def test_a_near_miss_has_no_candidate_close_to_the_question() -> None:
    on_topic = _read("Combien de spectateurs assistaient à l'inauguration du pont ?", [BRIDGE])
    answered = _read("How much did the suspension bridge cost?", [BRIDGE], {"suspension": ["suspendu"], "bridge": ["pont"], "cost": ["dépense"]})
    assert (on_topic.best.score if on_topic.best else 0.0) < answered.best.score
    assert answered.best.text == "142,000 francs"


def test_the_candidate_score_is_the_fitted_model_and_a_probability() -> None:
    from ragarchive.answering.reader import _weights, typed_score

    model = _weights()
    assert model["fit"]["questions_with_reference"] > 0  # fitted by bench/fit_reader.py
    strong = typed_score({"context": 1.0, "proximity": 1.0, "focus": 1.0, "strength": 1.0, "rank": 1.0})
    weak = typed_score({"context": 0.1, "proximity": 0.0, "focus": 0.0, "strength": 0.35, "rank": 0.5})
    assert 0.0 < weak < strong < 1.0


def test_the_unit_score_is_fitted_and_favours_the_sentence_after_the_premise() -> None:
    """A unit with a typed candidate right after the sentence that restates the question is more
    likely to state the fact than the premise itself, or than a unit elsewhere."""
    from ragarchive.answering.reader import _weights, unit_score

    assert _weights()["fit"]["questions_with_stating_unit"] > 0  # fitted by bench/fit_reader.py
    base = {"context": 0.6, "own": 0.1, "adds": 1.0, "focus": 0.5, "rank": 1.0, "similarity": 0.3,
            "embedded": 1.0, "coverage": 1.0, "typed": 1.0}
    after = unit_score(base | {"after_premise": 1.0, "candidate": 0.5, "has_candidate": 1.0})
    premise = unit_score(base | {"premise": 1.0, "own": 0.6})
    far = unit_score(base | {"context": 0.2, "similarity": 0.0})
    assert 0.0 < far < premise < after < 1.0


def test_every_quotable_unit_is_scored_best_first() -> None:
    expected = expected_answer("How much did the new bridge over the Marbe cost?")
    text = ("The new bridge over the Marbe was opened on Sunday. It cost 142,000 francs. "
            "The band of the fire brigade played in the evening.")
    reading = read(expected, ["new", "bridge", "marbe", "cost"], {}, [(1, "", text)])
    assert [u.score for u in reading.units] == sorted((u.score for u in reading.units), reverse=True)
    assert reading.best.text == "142,000 francs"
    assert all(0.0 < u.score < 1.0 for u in reading.units)


def test_reading_features_are_the_best_candidate_its_focus_and_its_lead() -> None:
    from ragarchive.answering.reader import Candidate, Reading
    from ragarchive.retrieval.answer_type import ExpectedAnswer

    def cand(text: str, score: float, focus: float) -> Candidate:
        return Candidate(text, "money", 1, 0, len(text), (0, len(text)), score, {"focus": focus})

    money = ExpectedAnswer(type="money")
    two = Reading(money, [cand("142,000 francs", 0.8, 1.0), cand("12 francs", 0.3, 0.0)], [])
    assert two.best.text == "142,000 francs"
    assert two.features() == {"reader_score": 0.8, "reader_focus": 1.0,
                              "reader_margin": pytest.approx(0.5), "reader_untyped": 0.0}
    one = Reading(money, [cand("12 francs", 0.3, 0.5)], [])
    assert one.features()["reader_margin"] == 0.3  # no runner-up: its whole score is its lead
    none = Reading(ExpectedAnswer(type="reason"), [], [])
    assert none.best is None
    assert none.features() == {"reader_score": 0.0, "reader_focus": 0.0, "reader_margin": 0.0,
                               "reader_untyped": 1.0}
    assert len(Reading(money, [cand(f"{i} francs", 0.1, 0.0) for i in range(8)], []).to_json()["candidates"]) == 5


def test_an_untyped_question_is_answered_by_its_units_and_reason_cues_are_marked() -> None:
    reading = _read("Why was the bridge at Valmarbe closed?", [
        "The bridge at Valmarbe was closed last week. It was closed because the flood had damaged "
        "the piers. The band played on Sunday in the square of the town."])
    assert reading.expected.type == "reason"
    assert reading.candidates is reading.units and len(reading.units) == 3
    assert [u.score for u in reading.units] == sorted((u.score for u in reading.units), reverse=True)
    cues = {u.text: u.parts["cue"] for u in reading.units}
    assert cues["It was closed because the flood had damaged the piers."] == 1.0
    assert sum(cues.values()) == 1.0
    assert reading.features()["reader_untyped"] == 1.0
    assert reading.terms_found == ["bridge", "valmarbe", "closed"]


def test_a_span_in_the_article_title_line_is_no_candidate() -> None:
    title = "Fire at the Ropeworks, 6 January 1869"
    q = analyse_question("When did the fire at the ropeworks break out?", "en")
    text = title + " A fire broke out at the ropeworks on Tuesday night, and the building was destroyed."
    reading = read(q.expected, q.terms, {}, [(1, title, text)])
    assert [c.text for c in reading.candidates] == ["Tuesday night"]
    assert reading.best.start >= len(title)


def test_the_same_fact_in_two_passages_is_one_candidate_from_the_better_ranked() -> None:
    text = "The new bridge at Valmarbe cost 142,000 francs."
    reading = _read("How much did the new bridge at Valmarbe cost?", [text, text])
    assert [(c.text, c.n) for c in reading.candidates] == [("142,000 francs", 1)]


def test_only_the_top_passages_are_read() -> None:
    from ragarchive.answering.reader import MAX_PASSAGES

    quiet = ["The weather was fine and the town was quiet all day."] * MAX_PASSAGES
    reading = _read("How much did the new bridge at Valmarbe cost?",
                    [*quiet, "The new bridge at Valmarbe cost 142,000 francs."])
    assert reading.best is None and reading.features()["reader_score"] == 0.0
