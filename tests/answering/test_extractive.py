"""The extractive generator: leads with the fact, quotes the sentence that holds it, declines
when no passage gives a fact of the asked type."""

from __future__ import annotations

from ragarchive.answering.generators import ExtractiveGenerator, GenerationRequest
from ragarchive.answering.prompting import EvidenceItem
from ragarchive.retrieval.query import analyse_question

EVIDENCE = [
    EvidenceItem(1, "Le Courrier de Valmarbe", "Le nouveau pont suspendu", "1861-02-09", "2", "fr",
                 "Le nouveau pont suspendu Le pont a été livré à la circulation samedi dernier. "
                 "Il mesure 126 mètres de longueur. L'ingénieur Louis Marchal a dirigé les travaux."),
    EvidenceItem(2, "The Wendmouth Gazette", "Regatta", "1885-07-11", "2", "en",
                 "The annual regatta was held in splendid weather. The sculling race was won by "
                 "Mr. T. Appleyard of the Wend club."),
]


def _ask(question: str, spellings: dict | None = None):
    q = analyse_question(question, "en")
    request = GenerationRequest(q.text, q.language, EVIDENCE, q.terms, spellings or {})
    return ExtractiveGenerator().generate(request)


def test_it_quotes_the_answering_sentence_with_its_citation_in_the_question_language() -> None:
    draft = _ask("Who won the sculling race at the regatta?")
    assert not draft.declined
    assert draft.text.startswith("Mr. T. Appleyard [2]. According to The Wendmouth Gazette (1885-07-11, p. 2):")
    assert draft.text.endswith("[2]")
    assert draft.span == {"text": "Mr. T. Appleyard", "n": 2, "start": EVIDENCE[1].text.index("Mr. T."),
                          "end": EVIDENCE[1].text.index(" of the Wend")}


def test_expansions_let_it_quote_evidence_in_another_language() -> None:
    draft = _ask("Wie lang ist die Hängebrücke?", {"hängebrücke": ["pont", "suspendu"], "lang": ["longueur"]})
    assert not draft.declined and "Laut Le Courrier de Valmarbe" in draft.text
    assert draft.text.startswith("126 mètres [1].") and "Il mesure 126 mètres de longueur." in draft.text


def test_a_when_question_needs_a_date_and_a_who_question_a_new_name() -> None:
    draft = _ask("Who built the suspension bridge?", {"bridge": ["pont"], "suspension": ["suspendu"], "built": ["travaux"]})
    assert "Marchal" in draft.text
    scores = _ask("When was the sculling race?").scores
    assert all(s["score"] < 0.6 for s in scores)  # no sentence about the race has a date


def test_it_declines_when_no_sentence_answers() -> None:
    draft = _ask("What did the bishop say about the harvest festival?")
    assert draft.declined and draft.text == ""


def test_a_weekday_or_feast_day_answers_a_when_question() -> None:
    from ragarchive.answering.evidence import score_sentences

    def score(sentence: str) -> float:
        passages = [(1, "", f"{sentence} Nothing else happened that week in the village.")]
        return score_sentences("When will the fair be held?", ["fair", "held"], {}, passages, None, None)[0].score

    # old papers date fairs and rents by the church calendar or the weekday, not only by numbers
    assert score("The fair will be held at Michaelmas as usual.") > score("The fair will be held as usual.") * 1.5
    assert score("The fair will be held on Wednesday as usual.") > score("The fair will be held as usual.") * 1.5


def test_an_unpunctuated_ocr_run_is_quoted_in_a_bounded_window_that_verifies() -> None:
    from ragarchive.answering.grounding import verify

    run = ("the council met on tuesday and the mayor said that the new bridge would cost a great deal\n"
           "and that the tolls would be raised which the members opposed and the debate lasted long\n") * 3
    run += ("and the motion for the bridge was carried by twelve votes to four and the council\n"
            "adjourned until the following week when the accounts of the treasurer would be read\n") + run
    item = EvidenceItem(1, "The Wendmouth Gazette", "Council", "1872-05-18", "3", "en", run)
    q = analyse_question("By how many votes was the motion for the bridge carried?", "en")
    draft = ExtractiveGenerator().generate(GenerationRequest(q.text, q.language, [item], q.terms, {}))
    assert not draft.declined and draft.text.startswith("twelve votes [1].")
    assert len(draft.text) < 800  # two bounded windows at most, not the whole run
    check = verify(draft.text, [item], min_support=0.5)
    assert check.all_supported, [s.to_json() for s in check.sentences]


def test_a_typed_question_without_any_candidate_of_its_type_is_declined_as_a_missing_fact() -> None:
    draft = _ask("What price did the winner of the sculling race receive?")  # no sum in either passage
    assert draft.declined and draft.missing_fact


def test_an_unsure_fact_is_not_stated_the_two_best_sentences_are_quoted_instead() -> None:
    # the only person-like span is a weak capitalised word far from the question's words: the
    # reader's probability for it stays under the fact floor, so no name is asserted
    item = EvidenceItem(1, "The Wendmouth Gazette", "Harbour", "1890-03-01", "4", "en",
                        "The new lighthouse on the north pier was lit for the first time last night. "
                        "Its lamp can be seen eleven miles out at sea. "
                        "Fishermen at Eastbank welcomed it.")
    q = analyse_question("Who designed the new lighthouse on the north pier?", "en")
    sure = ExtractiveGenerator(min_fact_score=0.0).generate(GenerationRequest(q.text, q.language, [item], q.terms, {}))
    unsure = ExtractiveGenerator(min_fact_score=0.99).generate(GenerationRequest(q.text, q.language, [item], q.terms, {}))
    assert not sure.declined and not sure.text.startswith("According to")  # a fact leads
    assert not unsure.declined and unsure.text.startswith("According to The Wendmouth Gazette")
    assert "lit for the first time" in unsure.text and unsure.text.count('"') == 2  # one quote, two units


def test_the_fact_is_quoted_with_the_passages_best_other_sentence() -> None:
    """The fact's own sentence often only continues the one that restates the question: the
    quote gives both (at most two units), in reading order."""
    item = EvidenceItem(1, "Le Courrier de Valmarbe", "Le pont", "1861-02-09", "2", "fr",
                        "Le pont suspendu de Valmarbe a été livré à la circulation le dimanche 3 février. "
                        "Il a été construit en dix-huit mois pour une dépense de 142,000 francs. "
                        "La musique municipale a joué le soir.")
    q = analyse_question("Combien a coûté le pont suspendu de Valmarbe ?", "fr")
    draft = ExtractiveGenerator().generate(GenerationRequest(q.text, q.language, [item], q.terms, {}))
    assert draft.text.startswith("142,000 francs [1]. Selon Le Courrier de Valmarbe")
    quote = draft.text.split('"')[1]
    assert quote == ("Le pont suspendu de Valmarbe a été livré à la circulation le dimanche 3 février. "
                     "Il a été construit en dix-huit mois pour une dépense de 142,000 francs.")
    assert ExtractiveGenerator(max_sentences=1).generate(
        GenerationRequest(q.text, q.language, [item], q.terms, {})).text.split('"')[1].startswith("Il a été")
