"""What the UI tests share: the batch a user uploads on the Ingest tab."""

import json
import zipfile
from pathlib import Path

import pytest


@pytest.fixture
def upload_batch(tmp_path: Path) -> Path:
    """A zip with one German notice (text and its metadata) and one broken ALTO file."""
    batch = tmp_path / "batch.zip"
    with zipfile.ZipFile(batch, "w") as zf:
        zf.writestr("notice.txt", "Der Gemeinderat von Marbethal beschloss am Montag den Bau "
                                  "einer neuen Schule am Marktplatz. Die Kosten betragen 12000 Gulden.")
        zf.writestr("notice.json", json.dumps({"title": "Schulbau", "date": "1871-04-03", "language": "de"}))
        zf.writestr("broken.xml", "<alto><unclosed>")
    return batch
