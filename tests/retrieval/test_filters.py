"""A question's filters as typed by a user: accepted date forms, clear errors, known newspapers."""

from __future__ import annotations

import pytest

from ragarchive.errors import FilterError, RagArchiveError
from ragarchive.retrieval.filters import CLI_NAMES, check_newspaper, parse_date, parse_filters
from ragarchive.retrieval.query import Filters


@pytest.mark.parametrize("typed, iso", [
    ("1890", "1890"),
    ("1890-05", "1890-05"),
    ("1890-05-01", "1890-05-01"),
    ("01.05.1890", "1890-05-01"),  # DD.MM.YYYY, not a prefix "01.05.1890" compared as text
    ("1.5.1890", "1890-05-01"),
    (" 29.02.1888 ", "1888-02-29"),  # a leap day, spaces trimmed
    ("", None),
    (None, None),
])
def test_accepted_date_forms_become_iso_prefixes(typed: str | None, iso: str | None) -> None:
    assert parse_date(typed) == iso


@pytest.mark.parametrize("typed", [
    "abc", "90", "1890-5", "1890/05/01", "05.1890", "1890-13", "1890-02-30", "31.04.1890",
    "29.02.1889", "1890-05-01T10:00", "01.05.90",
])
def test_anything_else_is_an_error_naming_the_value_and_the_accepted_forms(typed: str) -> None:
    with pytest.raises(FilterError) as err:
        parse_date(typed, "--date-from")
    message = str(err.value)
    assert message.startswith(f"--date-from: {typed!r} is not")
    assert "YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY" in message
    assert isinstance(err.value, RagArchiveError)  # the CLI's exit 2


def test_filters_are_parsed_and_trimmed() -> None:
    f = parse_filters("01.01.1890", "1895-06", " Gazette ", " FR ")
    assert f == Filters(date_from="1890-01-01", date_to="1895-06", newspaper="Gazette", language="fr")
    assert parse_filters("", "", "", "") == Filters()
    assert not parse_filters(None, None, None, None).active()


@pytest.mark.parametrize("start, end", [
    ("1890", "1890"), ("1890-05", "1890"), ("1890", "1890-01-05"), ("1890-12-31", "1890-12"),
    ("31.12.1889", "1890"),
])
def test_a_range_that_holds_some_date_is_accepted(start: str, end: str) -> None:
    parse_filters(start, end)


@pytest.mark.parametrize("start, end", [
    ("1900", "1850"), ("1891", "1890-12"), ("1890-05-03", "1890-05-02"), ("02.01.1890", "01.01.1890"),
    ("1890-06", "1890-05-31"),
])
def test_a_reversed_range_is_an_error(start: str, end: str) -> None:
    with pytest.raises(FilterError, match="reversed: --date-from .* is after --date-to"):
        parse_filters(start, end, names=CLI_NAMES)


def test_a_known_newspaper_passes_and_an_unknown_one_lists_the_known_ones() -> None:
    known = ["The Wendmouth Gazette", "Le Courrier de Valmarbe", "/data/batch/page-0001.xml"]
    f = parse_filters(newspaper="wendmouth")
    assert check_newspaper(f, known) is f  # case-insensitive part of a name, as retrieval matches
    assert check_newspaper(Filters(), known) == Filters()
    assert check_newspaper(parse_filters(newspaper="Times"), []).newspaper == "Times"  # nothing known
    with pytest.raises(FilterError) as err:
        check_newspaper(parse_filters(newspaper="Times"), known, names=CLI_NAMES)
    assert str(err.value) == (
        "--newspaper: no newspaper in the archive matches 'Times'. "
        "Known newspapers: The Wendmouth Gazette, Le Courrier de Valmarbe."  # paths not shown
    )


def test_a_long_list_of_known_newspapers_is_cut() -> None:
    known = [f"Paper {i:02d}" for i in range(20)]
    with pytest.raises(FilterError, match=r"Paper 11 and 8 more \(see `ragarchive documents`\)\.$"):
        check_newspaper(parse_filters(newspaper="Times"), known)
