"""The Ingest tab's handler: uploads are staged in the data folder (a zip unpacked safely), run
through the same ingestor as the CLI, and reported as Markdown.

Plain functions, without Gradio: the app wires ``ingest`` to its widgets (with Gradio's progress
tracker), and the tests call it directly.
"""

from __future__ import annotations

import shutil
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

from ragarchive.config import Settings
from ragarchive.errors import RagArchiveError


def ingest(settings: Settings, service: Any, lock: threading.Lock, files: list[Any] | None,
           progress: Any) -> str:
    """Ingest the uploaded files, then let the ask service see the new chunks."""
    if not files:
        return "Choose files or a .zip first."
    with lock:  # one ingest per archive at a time (the pipeline also locks)
        try:
            folder = stage_uploads([Path(getattr(f, "name", f)) for f in files], settings.data_dir)
        except RagArchiveError as exc:
            return f"**Refused:** {exc}"
        report = run_ingest(settings, folder, progress)
    service.retriever.refresh()
    return ingest_markdown(report)


def stage_uploads(files: list[Path], data_dir: Path) -> Path:
    """Copy uploads into the data folder; a zip is unpacked there, refusing any member that
    would land outside it (``../``, absolute paths, links)."""
    dest = (data_dir / "uploads" / time.strftime("%Y%m%dT%H%M%S")).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    for f in files:
        if f.suffix.lower() == ".zip":
            _unzip_inside(f, dest)
        else:
            shutil.copy2(f, dest / Path(f.name).name)
    return dest


def _unzip_inside(archive: Path, dest: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            name = info.filename
            mode = (info.external_attr >> 16) & 0o170000
            target = (dest / name).resolve()
            if name.startswith(("/", "\\")) or ".." in Path(name).parts or mode == 0o120000 \
                    or not target.is_relative_to(dest):
                raise RagArchiveError(f"{archive.name}: member {name!r} would be written outside the upload folder")
        zf.extractall(dest)


def run_ingest(settings: Settings, folder: Path, progress: Any) -> Any:
    """Ingest the folder, reporting files done through ``progress(fraction, desc=...)``."""
    from ragarchive.services import build_ingestor

    class _Progress:
        def start(self, total: int) -> None:
            self.total, self.done = max(total, 1), 0
            progress(0, desc=f"0 of {total} files")

        def advance(self, path: str) -> None:
            self.done += 1
            progress(self.done / self.total, desc=f"{self.done} of {self.total} files")

        def stop(self) -> None:
            pass

    ingestor = build_ingestor(settings)
    try:
        return ingestor.run([folder], _Progress())
    finally:
        ingestor.db.close()


def ingest_markdown(report: Any) -> str:
    data = report.to_json()
    s = data["summary"]
    lines = [f"**Ingested {s['ingested']}, unchanged {s['unchanged']}, failed {s['failed']}, "
             f"skipped {s['skipped']}** — {data['documents']} documents, {data['chunks']} chunks"]
    for f in data["files"]:
        if f["status"] == "failed":
            lines.append(f"- failed: `{Path(f['path']).name}` — {f['error']}")
    return "\n".join(lines)
