"""The Ollama generator's bounds: a whole request within ``timeout``, retries before the first token.

Ollama cannot be installed on these machines; the real ``ollama`` client talks to the scripted
local server of tests/ollama_script.py, which can trickle its reply or fail like a restarting server.
"""

from __future__ import annotations

import time

import pytest

from ragarchive.answering.generators import OllamaGenerator
from ragarchive.errors import BackendError
from ollama_script import ScriptedOllama  # tests/ is on sys.path (its conftest.py)


@pytest.fixture
def server():
    s = ScriptedOllama()
    s.reply = lambda prompt: "one two three four five six seven eight nine ten"
    yield s
    s.close()


def test_a_trickling_server_is_cut_off_at_the_timeout_for_the_whole_request(server) -> None:
    server.piece_delay = 0.4  # every piece arrives well within a read timeout; the whole would take 4 s
    generator = OllamaGenerator(server.url, "scripted", timeout=1.5)
    start = time.monotonic()
    with pytest.raises(BackendError, match="did not finish within 1.5 s"):
        generator.complete("hello")
    assert time.monotonic() - start < 2.5


def test_a_failed_connection_is_retried_before_the_first_token(server) -> None:
    server.fail_next = 1
    assert OllamaGenerator(server.url, "scripted", timeout=10, retries=1).complete("hi").startswith("one two")
    assert len(server.prompts) == 2


def test_without_retries_a_failure_is_a_backend_error(server) -> None:
    server.fail_next = 1
    with pytest.raises(BackendError, match="failed"):
        OllamaGenerator(server.url, "scripted", timeout=10, retries=0).complete("hi")
