"""Question analysis: the expected answer type and the focus words, in de/fr/en."""

from __future__ import annotations

import pytest

from ragarchive.retrieval.answer_type import expected_answer
from ragarchive.retrieval.query import analyse_question


@pytest.mark.parametrize("question, kind, focus", [
    ("Combien a coûté le pont suspendu ?", "money", ()),
    ("Quel délai de grâce fut accordé aux débiteurs ?", "duration", ("délai",)),
    ("Welche Rolle spielte der Graf bei der Wahl?", "description", ("rolle",)),
    ("Which clergyman preached the sermon at the opening?", "person", ("clergyman",)),
    ("À quel taux la banque prête-t-elle ?", "money", ("taux",)),
    ("Wie schwer war die neue Glocke?", "number", ()),
    ("What price was paid for wheat at the market?", "money", ("price",)),
    ("When was the railway between Marbethal and Valmarbe opened?", "date", ()),
    ("The brewers of which Scottish town petitioned Parliament?", "place", ("scottish", "town")),
    ("What was the name of the Prime Minister with whom he negotiated?", "person", ("prime", "minister")),
    ("Why was the meeting adjourned?", "reason", ()),
    ("Wie hieß das Segelschiff der Auswanderer?", "name", ("segelschiff",)),
    ("In wessen Scheune brach das Feuer aus?", "person", ()),
    ("How long did the siege of the town last?", "duration", ()),
    ("Dans quelle ville le congrès s'est-il tenu ?", "place", ("ville",)),
    ("Which company built the new gasworks?", "organisation", ("company",)),
    ("What did the committee decide about the bridge?", "description", ()),
    ("When did the man who was mayor of the town die?", "date", None),
    ("On which evening did the ambassador attend the soirée?", "date", ("evening",)),  # not "ambassador"
    ("Um wie viel Uhr fuhr der Zug ab?", "date", None),
    ("Which French colonel's camp was attacked at dawn?", "person", ("french", "colonel")),
    ("Als was für ein Tier bezeichnet er die Obristin?", "name", ("tier",)),
    ("How many people had to be sheltered in the corn hall?", "number", ("people",)),  # a count, not a person  # the relative clause's head does not win
])
def test_type_comes_from_question_word_and_head_noun(question: str, kind: str, focus) -> None:
    expected = expected_answer(question)
    assert expected.type == kind
    if focus is not None:
        assert expected.focus == focus


def test_the_query_carries_the_expected_answer() -> None:
    query = analyse_question("Wann wurde die Gasanstalt in Marbethal eröffnet?", "en")
    assert query.expected.type == "date" and query.expected.typed
    assert query.expected.to_json()["type"] == "date"
