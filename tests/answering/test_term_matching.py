"""Where the question's words stand in a passage: forms, fuzzy matches, reading units, positions
and the units' similarity to the question."""

from __future__ import annotations

import re

import pytest

from ragarchive.answering.term_matching import (
    Unit,
    forms_of,
    fuzzy,
    has_any,
    make_unit,
    match_terms,
    read_passage,
    similarity,
    term_positions,
)

BRIDGE = "Le pont de Valmarbe fut ouvert. Il a coûté 142,000 francs. Le pont est long."


def test_forms_are_the_term_then_its_spellings_most_trusted_first_lower_cased() -> None:
    spellings = {"Brücke": [("pont", 0.5), ("Bruecke", 1.0), ("Brucke", 0.9)]}
    assert forms_of("Brücke", spellings) == [("brücke", 1.0), ("bruecke", 1.0), ("brucke", 0.9), ("pont", 0.5)]
    assert forms_of("Marbe", spellings) == [("marbe", 1.0)]


def test_fuzzy_matches_ocr_damage_and_long_prefixes_but_not_short_terms() -> None:
    assert fuzzy("valmarbe", ["mairie", "valrnarbe"]) == "valrnarbe"  # "rn" read for "m"
    assert fuzzy("eisenbahn", ["eisenbahnlinie", "zug"]) == "eisenbahnlinie"  # a shared prefix
    assert fuzzy("cost", ["costs", "cast"]) is None  # under five letters: exact matches only
    assert fuzzy("valmarbe", ["wendmouth"]) is None
    assert fuzzy("valmarbe", []) is None


def test_among_equal_fuzzy_matches_the_first_in_the_given_order_wins() -> None:
    assert fuzzy("brücke", ["brucke", "brückc"]) == "brucke"
    assert fuzzy("brücke", ["brückc", "brucke"]) == "brückc"


def test_match_terms_prefers_the_terms_forms_and_falls_back_to_a_fuzzy_match() -> None:
    forms = {
        "bridge": [("bridge", 1.0), ("pont", 0.5)],
        "valmarbe": [("valmarbe", 1.0)],
        "cost": [("cost", 1.0)],
    }
    words = {"pont", "valrnarbe", "bridges", "cher"}
    assert match_terms(words, forms) == {
        "bridge": {"pont": 0.5},  # a form is found: no fuzzy match ("bridges") is looked for
        "valmarbe": {"valrnarbe": 1.0},  # a fuzzy match is trusted as the term itself
    }  # "cost" is not there
    assert match_terms({"bridge", "pont"}, forms) == {"bridge": {"bridge": 1.0, "pont": 0.5}}


def test_a_spelling_found_by_two_expansions_keeps_its_best_trust() -> None:
    # On the demo archive "valmarbe" gets "valmarbc" both from the OCR variant (trust 1.0) and
    # from the cross-lingual one (0.5): Retrieval.weighted_spellings lists it twice.
    forms = forms_of("valmarbe", {"valmarbe": [("valmarbc", 1.0), ("valmarbc", 0.5)]})
    assert match_terms({"valmarbc"}, {"valmarbe": forms}) == {"valmarbe": {"valmarbc": 1.0}}


def test_read_passage_gives_tokens_units_with_their_terms_and_the_weighted_share() -> None:
    forms = {t: forms_of(t, {"prix": [("coûté", 0.5)]}) for t in ("pont", "valmarbe", "prix")}
    tokens, matches, units, share = read_passage(BRIDGE, forms, {"Il a coûté 142,000 francs.": 0.86})

    assert tokens[:3] == [(0, "le"), (3, "pont"), (8, "de")]
    assert (BRIDGE.index("142"), "142") in tokens  # every \w+ run, digits too
    assert matches == {"pont": {"pont": 1.0}, "valmarbe": {"valmarbe": 1.0}, "prix": {"coûté": 0.5}}
    assert [u.text for u in units] == ["Le pont de Valmarbe fut ouvert.", "Il a coûté 142,000 francs.",
                                       "Le pont est long."]
    assert [u.terms for u in units] == [{"pont": 1.0, "valmarbe": 1.0}, {"prix": 0.5}, {"pont": 1.0}]
    assert units[0].positions == [3, 11]
    assert units[2].positions == [BRIDGE.rindex("pont")]
    assert units[0].words == ["pont", "valmarbe", "ouvert"]  # no stopwords ("fut"), no short words
    assert [u.similarity for u in units] == [None, pytest.approx(0.5), None]
    # the best trust of each term anywhere in the passage, over the number of terms
    assert share == pytest.approx((1.0 + 1.0 + 0.5) / 3)


def test_a_unit_records_the_first_position_of_the_most_trusted_form() -> None:
    text = "The pont, the bridge, and the bridge again."
    tokens = [(m.start(), m.group(0).lower()) for m in re.finditer(r"\w+", text)]
    unit = make_unit(text, 0, len(text), {"bridge": {"bridge": 1.0, "pont": 0.5}}, tokens)
    assert unit.terms == {"bridge": 1.0}
    assert unit.positions == [text.index("bridge")]
    only_part = make_unit(text, 0, 9, {"bridge": {"bridge": 1.0, "pont": 0.5}}, tokens)  # "The pont,"
    assert only_part.terms == {"bridge": 0.5} and only_part.positions == [4] and only_part.text == "The pont,"


def test_term_positions_lists_every_occurrence_of_every_matched_form() -> None:
    forms = {t: forms_of(t, {}) for t in ("pont", "francs")}
    tokens, matches, _, _ = read_passage(BRIDGE, forms, {})
    assert term_positions(tokens, matches) == [
        (3, "pont", 1.0), (BRIDGE.index("francs"), "francs", 1.0), (BRIDGE.rindex("pont"), "pont", 1.0)]


@pytest.mark.parametrize("cosine, expected", [(0.70, 0.0), (0.80, 0.0), (0.86, 0.5), (0.92, 1.0), (0.97, 1.0)])
def test_similarity_maps_e5_cosines_onto_zero_to_one(cosine: float, expected: float) -> None:
    assert similarity("A unit of text.", {"A unit of text.": cosine}) == pytest.approx(expected)


def test_similarity_of_a_unit_headed_by_the_article_title() -> None:
    scored = "Le pont de Valmarbe a été livré."  # as retrieval scored it, without the title
    assert similarity(f"Le nouveau pont {scored}", {scored: 0.92}) == pytest.approx(1.0)
    assert similarity("Titre. Court.", {"Court.": 0.92}) is None  # short keys are not suffix-matched
    assert similarity("Unknown unit of text.", {scored: 0.92}) is None


def test_unit_share_and_relevance() -> None:
    unit = Unit(0, 10, "x", {"a": 1.0, "b": 0.5}, [], [])
    assert unit.share(3) == pytest.approx(0.5) and unit.share(0) == 0.0
    assert unit.relevance(3) == pytest.approx(0.5)  # no similarity known: its terms alone
    unit.similarity = 0.9
    assert unit.relevance(3) == pytest.approx(0.7)  # half terms, half similarity
    unit.similarity = 0.1
    assert unit.relevance(3) == pytest.approx(0.5)  # a low similarity never lowers it


def test_has_any_looks_for_focus_words_their_forms_or_a_fuzzy_match() -> None:
    words = ["ingenieur", "marchal", "baute"]
    assert has_any(words, {"architect": [("architect", 1.0), ("ingenieur", 0.5)]})
    assert has_any(words, {"ingénieur": [("ingénieur", 1.0)]})  # fuzzily
    assert not has_any(words, {"mayor": [("mayor", 1.0), ("maire", 0.5)]})
    assert not has_any(words, {})
