"""A scripted local HTTP server that speaks the Ollama chat API, shared by the tests.

Ollama cannot be installed on these machines, so tests that exercise the Ollama path run the real
``ollama`` client (streaming, timeouts, errors) against this server on 127.0.0.1: each test sets
``reply`` to decide what the "model" says to the prompt it was sent, and reads ``prompts`` to see
exactly what the model received.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from ragarchive.answering.prompting import REFUSAL_MARKER


class ScriptedOllama:
    """Speaks POST /api/chat (streamed NDJSON) like Ollama; ``reply`` decides what it says."""

    def __init__(self) -> None:
        self.reply: Callable[[str], str] = lambda prompt: REFUSAL_MARKER
        self.delay = 0.0
        self.piece_delay = 0.0  # seconds between streamed pieces: a server that trickles
        self.fail_next = 0  # this many requests get a 503 first: a restarting server
        self.prompts: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                prompt = body["messages"][-1]["content"]
                outer.prompts.append(prompt)
                if outer.fail_next > 0:
                    outer.fail_next -= 1
                    self.send_error(503, "model is loading")
                    return
                if outer.delay:
                    threading.Event().wait(outer.delay)
                try:
                    self._stream(body["model"], outer.reply(prompt))
                except BrokenPipeError:  # the client gave up (the timeout test)
                    pass

            def _stream(self, model: str, text: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.end_headers()
                for piece in re.findall(r"\S+\s*", text):
                    if outer.piece_delay:
                        threading.Event().wait(outer.piece_delay)
                    self.wfile.write((json.dumps({"model": model, "message": {
                        "role": "assistant", "content": piece}, "done": False}) + "\n").encode())
                self.wfile.write((json.dumps({"model": model, "message": {
                    "role": "assistant", "content": ""}, "done": True,
                    "done_reason": "stop"}) + "\n").encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
