"""Warm start: the app loads the embedder, the indexes, the vocabulary and the gate's background
before it serves, so the first question is as fast as the next. Real services over a copy of the
demo archive, called as the app calls them (``warm_pool``, then the Ask handler)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from ragarchive.config import load_settings
from ragarchive.services import build_ask_service
from ragarchive.ui import ask_tab

RAILWAY = "When was the railway between Marbethal and Valmarbe opened?"


def _ask_seconds(pool: ask_tab.ServicePool, question: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    *_, (answer, _sources, _history, _turns) = ask_tab.ask(pool, question, "", "", "", "", "")
    return time.perf_counter() - t0, answer


def test_after_warm_up_the_pool_holds_a_ready_service(demo_data_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(demo_data_dir, data)
    shutil.rmtree(data / "audit", ignore_errors=True)
    settings = load_settings(data_dir=data, archive="demo")
    assert not ask_tab.ServicePool(settings, build_ask_service(settings)).ready  # built, not warm

    lines: list[str] = []
    pool = ask_tab.warm_pool(settings, lines.append)
    assert pool.ready and pool.get(pool.choices[0]) is pool.default
    assert [line.split(":")[0] for line in lines] == [
        "loaded ask service (catalogue, indexes, generator)", "loaded embedder",
        "loaded vector index", "loaded vocabulary", "loaded gate background", "loaded question path"]
    assert all(line.endswith(" s") for line in lines)
    retriever = pool.default.retriever
    assert retriever._vocab is not None  # the vocabulary is in memory
    background = json.loads(retriever.db.get_meta("gate_background"))
    assert background["key"].startswith(retriever.embedder.fingerprint)  # measured for this index
    assert pool.default.audit.records()[0] == []  # warming up is no user's decision

    first, answer = _ask_seconds(pool, RAILWAY)
    second, _ = _ask_seconds(pool, "Wann wurde die Eisenbahn nach Valmarbe eröffnet?")
    assert "1868" in answer
    # as fast as the next (lenient: two shared cores); before the warm-up the first took ~10x
    assert first < 3 * second + 2.0, (first, second)
