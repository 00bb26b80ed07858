"""Typed answer spans: how surely each reading is of its type (``strength``), offsets, overlaps.

tests/answering/test_reader.py checks that the period conventions are found at all; here the
strengths that rank them, and the kinds it does not cover (organisation, place, name)."""

from __future__ import annotations

import pytest

from ragarchive.answering.spans import find_spans, is_time, is_title

DATES = ("The fair was held in 1852, on Monday last, on May 3 and on the 7th of June 1853 "
         "at four o'clock.")


def _spans(text: str, kind: str) -> list[tuple[str, float]]:
    return [(s.text, s.strength) for s in find_spans(text, kind)]


@pytest.mark.parametrize("kind", ["date", "number", "money", "duration", "person", "organisation", "place", "name"])
def test_spans_are_offsets_into_the_text_in_order_and_never_overlap(kind: str) -> None:
    text = (DATES + " Herr Dr. K. Müller paid £ 3 10s. for 86 Personen of the Wendmouth Railway Company; "
            'they sailed from Carrick in the barque "Margaret Ellison" for a fortnight.')
    spans = find_spans(text, kind)
    assert spans, kind
    assert all(text[s.start:s.end] == s.text and s.type == kind and 0 < s.strength <= 1 for s in spans)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))


def test_an_unknown_kind_has_no_spans() -> None:
    assert find_spans("Mr. Smith paid 5 francs on Monday.", "colour") == []


def test_date_strengths_rank_full_dates_over_bare_years_and_ambiguous_months() -> None:
    assert _spans(DATES, "date") == [
        ("in 1852", 0.7),  # a bare year
        ("Monday last", 0.8),  # a weekday without a day number
        ("May 3", 0.6),  # "may 3" is often no date
        ("the 7th of June 1853", 1.0),  # the year is part of the date, not a span of its own
        ("at four o'clock", 0.9),  # a time of day
    ]


def test_numbers_leave_out_days_years_and_the_article_one() -> None:
    text = "Den 11. Juni 1852 kamen 86 Personen an; one man stayed, one hundred men left, and 12 more."
    assert _spans(text, "number") == [("86 Personen", 1.0), ("one hundred men", 0.7), ("12", 0.6)]


def test_money_is_also_a_number() -> None:
    found = dict(_spans("The toll was 2d. and the bridge cost 142,000 francs.", "number"))
    assert found["142,000 francs"] == 0.9


def test_person_strength_follows_titles_roles_and_sentence_starts() -> None:
    text = ("The bridge was designed by the engineer Louis Marchal. Louis Marchal was praised. "
            "Mr. Smith and Herr Dr. K. Müller spoke.")
    assert _spans(text, "person") == [
        ("Louis Marchal", 0.9),  # after a person noun: surely a person
        ("Louis Marchal", 0.4),  # two capitalised words opening a sentence: perhaps
        ("Mr. Smith", 1.0),
        ("Herr Dr. K. Müller", 1.0),
    ]


def test_organisations_need_an_organisation_word_to_be_sure() -> None:
    text = "The shares of the Wendmouth Railway Company rose. The Carrick Gazette said so."
    assert _spans(text, "organisation") == [("Wendmouth Railway Company", 1.0), ("The Carrick Gazette", 0.4)]


def test_places_after_a_preposition_are_surer() -> None:
    text = "He travelled from Carrick to Wendmouth with Mr. Smith. The old Wendmouth Harbour was full."
    assert _spans(text, "place") == [("Carrick", 0.9), ("Wendmouth", 0.9), ("Wendmouth Harbour", 0.45)]


def test_quoted_names_are_sure_and_lose_their_quotes() -> None:
    text = 'Sie reisen mit dem Segelschiffe „Helene“, das am 1. Juni abfährt. The barque "Margaret Ellison" sailed.'
    found = dict(_spans(text, "name"))
    assert found["Helene"] == 1.0 and found["Margaret Ellison"] == 1.0
    assert all(strength < 1.0 for name, strength in found.items() if name not in ("Helene", "Margaret Ellison"))


def test_durations() -> None:
    assert _spans("He got a fortnight; she got three weeks; they waited 2 years.", "duration") == [
        ("a fortnight", 1.0), ("three weeks", 1.0), ("2 years", 1.0)]


def test_is_time_and_is_title() -> None:
    assert is_time("à neuf heures du matin") and is_time("11 a.m.") and is_time("um elf Uhr abends")
    assert not is_time("3 février") and not is_time("Monday last")
    assert is_title("Herr") and is_title("Capt") and is_title("M") and is_title("Monsieur")
    assert not is_title("Marchal") and not is_title("Mr. Smith")
