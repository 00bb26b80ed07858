"""Adapter vs pretrained, each with the gate recalibrated on the archive (`ragarchive calibrate`).

Does the adapter's hidden cost (docs/adaptation.md) come only from a gate calibration fitted for
pretrained vectors? Copy the development archive twice, calibrate one with the adapter off (A)
and one with it on (B), then ask the archive's development questions through each:

    mkdir -p /tmp/adcal/A/archives /tmp/adcal/B/archives
    cp -r bench/.data/data/archives/dev-icdar2017 /tmp/adcal/A/archives/
    cp -r bench/.data/data/archives/dev-icdar2017 /tmp/adcal/B/archives/
    rm /tmp/adcal/A/archives/dev-icdar2017/query_adapter.npz
    .venv/bin/ragarchive --data-dir /tmp/adcal/A --archive dev-icdar2017 calibrate
    RAGARCHIVE_RETRIEVAL__ADAPTER=true .venv/bin/ragarchive --data-dir /tmp/adcal/B --archive dev-icdar2017 calibrate
    .venv/bin/python bench/adapt_recalibrated.py A
    .venv/bin/python bench/adapt_recalibrated.py B

(the adapter in dev-icdar2017 is the one bench/adapt_compare.py --fit stored there).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import adapt_compare  # noqa: E402
import ask_quality  # noqa: E402

from ragarchive.config import load_settings  # noqa: E402


def main(which: str) -> None:
    """Ask dev-icdar2017's development questions without expansion through copy A or B."""
    data, adapter = {"A": ("/tmp/adcal/A", False), "B": ("/tmp/adcal/B", True)}[which]
    ask_quality.settings_for = lambda c: load_settings(data_dir=data, archive="dev-icdar2017")
    lines = (BENCH / "questions" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    qs = [q for q in map(json.loads, filter(None, lines)) if q["collection"] == "icdar2017"]
    report = ask_quality.build_report(ask_quality.ask_all("icdar2017", qs, None, "", adapter))
    s = adapt_compare.summary(report)
    print(which, json.dumps({k: s[k] for k in ("overall", "refusals", "answer_has_fact", "kind:same_language",
                                               "kind:cross_lingual")}, indent=1))
    report.pop("questions")
    path = ask_quality.RESULTS / "adapt_recalibrated.json"
    stored = json.loads(path.read_text()) if path.is_file() else {}
    path.write_text(json.dumps({**stored, f"{which}-noexp": report}, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
