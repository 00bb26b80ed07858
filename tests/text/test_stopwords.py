"""Function words of the three languages are not content terms; content words are."""

from ragarchive.retrieval.query import content_terms
from ragarchive.text.stopwords import is_stopword


def test_question_and_function_words_of_each_language_are_stopwords() -> None:
    assert all(is_stopword(w) for w in ("which", "welche", "combien", "zeitung", "journal"))
    assert not any(is_stopword(w) for w in ("bridge", "brücke", "pont", "stadt", "harbour"))


def test_content_terms_leave_out_stopwords() -> None:
    assert content_terms("Combien a coûté le pont suspendu selon le journal ?") == ["coûté", "pont", "suspendu"]
