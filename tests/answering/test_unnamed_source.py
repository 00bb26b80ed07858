"""How an answer names a source that has no newspaper and no title (issue 16, point 10a).

An ALTO or PAGE page has neither: German answers started "Laut the archive (p. 1): …". The
unnamed source is now said in the answer's language, and a value that is a file path or URL is
never shown as a newspaper's name (nor stored as one at ingest).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragarchive.answering.generators import ExtractiveGenerator, GenerationRequest
from ragarchive.answering.grounding import verify
from ragarchive.answering.prompting import EvidenceItem
from ragarchive.ingest.discover import SourceFile
from ragarchive.ingest.formats import parse
from ragarchive.retrieval.query import analyse_question

GERMAN = ("Der Landtag versammelt sich am Montag. Die neue Brücke über die Mosel wurde am "
          "15. April 1865 eröffnet.")
FRENCH = ("La séance est levée à six heures. Le nouveau pont sur la Moselle a été inauguré le "
          "15 avril 1865.")


def _answer(question: str, language: str, newspaper: str, text: str) -> str:
    q = analyse_question(question, language)
    item = EvidenceItem(1, newspaper, "", "1865-04-15", "1", q.language, text)
    draft = ExtractiveGenerator().generate(GenerationRequest(q.text, q.language, [item], q.terms))
    assert not draft.declined
    checks = verify(draft.text, [item], min_support=0.5)
    assert checks.all_supported, checks.sentences  # the wording passes the answer's own check
    return draft.text


@pytest.mark.parametrize("newspaper", ["", "/data/lunion/1865-04-15/alto/00001.xml",
                                       r"C:\scans\lunion_0001.txt", "https://eluxemburgensia.lu/x"])
def test_an_unnamed_source_is_said_in_the_answers_language(newspaper: str) -> None:
    german = _answer("Wann wurde die neue Brücke eröffnet?", "de", newspaper, GERMAN)
    assert "Es heißt (1865-04-15, p. 1): " in german
    french = _answer("Quand le nouveau pont a-t-il été inauguré ?", "fr", newspaper, FRENCH)
    assert "Selon les archives (1865-04-15, p. 1): " in french
    for text in (german, french):
        assert "the archive" not in text
        assert not newspaper or newspaper not in text


def test_a_named_source_is_still_named() -> None:
    german = _answer("Wann wurde die neue Brücke eröffnet?", "de", "Der Moselbote", GERMAN)
    assert "Laut Der Moselbote (1865-04-15, p. 1): " in german


def test_a_path_given_as_source_is_not_stored_as_the_newspaper(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Text.")
    (tmp_path / "a.json").write_text(json.dumps({"source": "scans/1865/lunion_0001.tif"}))
    [doc] = parse(SourceFile(tmp_path / "a.txt", "text")).documents
    assert doc.newspaper is None and doc.meta["source"] == "scans/1865/lunion_0001.tif"
    (tmp_path / "a.json").write_text(json.dumps({"source": "L'Union / Luxembourg"}))
    [doc] = parse(SourceFile(tmp_path / "a.txt", "text")).documents
    assert doc.newspaper == "L'Union / Luxembourg"


def test_the_llm_prompt_names_no_path_as_newspaper() -> None:
    from ragarchive.answering.prompting import evidence_block

    items = [EvidenceItem(1, "/data/lunion/alto/00001.xml", "", "", "1", "de", GERMAN),
             EvidenceItem(2, "Der Moselbote", "", "", "1", "de", GERMAN)]
    block, _ = evidence_block(items)
    assert "00001.xml" not in block
    assert "[1] newspaper: unknown |" in block and "[2] newspaper: Der Moselbote |" in block
