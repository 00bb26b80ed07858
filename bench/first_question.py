"""Time from `ragarchive ui` to "ready", then the first questions through the Gradio client.

The warm start (issue 17) loads the service before the app says it is ready, so the first
question should cost what the next ones do. Uses an existing demo archive (make one with
`ragarchive --data-dir DIR demo`); prints the app's own loading lines and the times.

    .venv/bin/python bench/first_question.py DATA_DIR
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

QUESTIONS = ("Wann wurde die Eisenbahn eröffnet?", "Combien a coûté le pont suspendu ?",
             "Who won the sculling race?")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    data, port = sys.argv[1], _free_port()
    t0 = time.perf_counter()
    app = subprocess.Popen([sys.executable, "-m", "ragarchive", "--data-dir", data, "--archive", "demo",
                            "ui", "--host", "127.0.0.1", "--port", str(port)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in app.stdout:  # type: ignore[union-attr]
            print(line.rstrip())
            if "ready" in line.lower():
                break
        ready = time.perf_counter() - t0
        from gradio_client import Client

        client = Client(f"http://127.0.0.1:{port}/", verbose=False, download_files=False)
        times = []
        for q in QUESTIONS:
            t = time.perf_counter()
            client.submit(q, "", "", "", "", "extractive", api_name="/ask").result(timeout=300)
            times.append(round(time.perf_counter() - t, 2))
        print(f"ready after {ready:.1f} s; questions (first, then the next): {times} s")
    finally:
        app.terminate()
        app.wait(timeout=30)


if __name__ == "__main__":
    main()
