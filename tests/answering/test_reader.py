"""The reader: typed answer candidates near the question's terms, across sentence boundaries."""

from __future__ import annotations

import pytest

from ragarchive.answering.reader import read
from ragarchive.answering.sentences import unit_bounds
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


def test_unpunctuated_ocr_is_read_in_bounded_windows() -> None:
    run = ("the council met on tuesday and the mayor said\nthat the new bridge would cost a great deal and\n"
           "that the tolls would be raised which the members\nopposed the debate lasted three hours and the\n"
           "vote was taken at midnight when the motion\nwas carried by twelve votes to four and the\n") * 3
    bounds = unit_bounds(run)
    assert len(bounds) >= 3 and all(b - a <= 320 for a, b in bounds)
    assert "".join(run[a:b] for a, b in bounds).replace("\n", "") in run.replace("\n", "")


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
