"""`ragarchive documents` says which documents have no text (issue 16, point 10c).

A page whose OCR found nothing (an ALTO page without words, a METS article whose ALTO page is
missing) is kept in the catalogue, so its title and place are known, but nothing of it can be
found. The listing shows such documents as empty, in the table and in the JSON alike.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ALTO = """<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#"><Layout><Page ID="P1"><PrintSpace>
<TextBlock ID="TB1"><TextLine>{words}</TextLine></TextBlock></PrintSpace></Page></Layout></alto>"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ragarchive", *args], capture_output=True,
                          text=True)


WORDS = " <SP/> ".join(f'<String CONTENT="{w}"/>' for w in (
    "The new lighthouse at Port Ellen was lit on the evening of the fourth of May.".split()))


def test_documents_without_text_are_listed_as_empty(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "gazette_1911-05-06_0001.xml").write_text(ALTO.format(words=WORDS))
    (src / "gazette_1911-05-06_0002.xml").write_text(ALTO.format(words=""))  # OCR found nothing
    data = ["--data-dir", str(tmp_path / "d")]
    out = run(*data, "ingest", "--json", str(src))
    assert out.returncode == 0, out.stderr
    docs = {d["doc_id"]: d for d in json.loads(run(*data, "documents", "--json").stdout)}
    assert docs["gazette_1911-05-06_0001"]["empty"] is False
    assert docs["gazette_1911-05-06_0002"]["empty"] is True
    assert docs["gazette_1911-05-06_0002"]["n_chunks"] == 0
    table = run(*data, "documents")
    assert table.returncode == 0, table.stderr
    assert "2 documents, 1 empty (no text to search)" in table.stdout
    rows = [line for line in table.stdout.splitlines() if "│" in line and "1911-05-06" in line]
    assert len(rows) == 2 and sum("empty" in row for row in rows) == 1
