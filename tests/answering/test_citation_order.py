"""Citation numbers in order of first use: the pure functions the ask service renumbers with."""

from __future__ import annotations

from ragarchive.answering.citation_order import first_use, is_identity, renumber_text, renumbering


def test_the_first_cited_passage_becomes_one_and_the_rest_keep_their_rank_order() -> None:
    text = "Opened on 15 September [3]. The line is 38 km long [1] [3]."
    assert first_use(text) == [3, 1]
    mapping = renumbering(text, [1, 2, 3, 4, 5])
    assert mapping == {3: 1, 1: 2, 2: 3, 4: 4, 5: 5}
    assert renumber_text(text, mapping) == "Opened on 15 September [1]. The line is 38 km long [2] [1]."


def test_numbers_of_no_passage_and_an_answer_in_order_are_left_alone() -> None:
    assert renumbering("A [1]. B [2].", [1, 2, 3]) == {1: 1, 2: 2, 3: 3}
    assert is_identity(renumbering("A [1]. B [2].", [1, 2, 3]))
    assert renumbering("A [7] [2].", [1, 2]) == {2: 1, 1: 2}  # [7] names no passage
    assert renumber_text("in [7] and [2]", {2: 1}) == "in [7] and [1]"
    assert renumber_text("year [1868] stays", {1: 2}) == "year [1868] stays"  # not a citation
