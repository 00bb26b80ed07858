"""The Ingest tab's handler: uploads are staged in the data folder (a zip unpacked safely), run
through the same ingestor as the CLI, and reported as Markdown.

Plain functions, without Gradio: the app wires ``ingest`` to its widgets (with Gradio's progress
tracker), and the tests call it directly. An upload that is refused (a corrupt, empty or escaping
zip), that cannot start, or of which nothing was kept leaves no folder behind in ``uploads/``.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
import zipfile
import zlib
from pathlib import Path
from typing import Any

from ragarchive.config import Settings
from ragarchive.errors import RagArchiveError
from ragarchive.ingest.report import reason

SUPPORTED_FORMATS = (
    "**Supported:** single files or a `.zip` of a batch (its folders are kept): "
    "METS/ALTO issues (`.xml`, with their ALTO or PAGE pages and page images), ALTO (`.xml`), "
    "PAGE XML (`.xml`), hOCR (`.hocr`, `.html`), plain text (`.txt`, with an optional `name.json` "
    "sidecar), JSONL exports (`.jsonl`), page images (`.png`, `.jpg`, `.jpeg`, `.tif`, `.tiff`; "
    "OCR with tesseract). Other files are listed as skipped, with the reason."
)
_KEPT = ("ingested", "unchanged", "failed")  # statuses whose file the archive refers to


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
        progress(0, desc="Starting: looking at the uploaded files…")
        try:
            report = run_ingest(settings, folder, progress)
        except RagArchiveError as exc:
            service.retriever.refresh()  # files before the stop may be indexed
            return f"**Ingest stopped:** {exc}"
    service.retriever.refresh()
    return ingest_markdown(report, folder)


def stage_uploads(files: list[Path], data_dir: Path) -> Path:
    """Copy uploads into a new folder of ``data_dir/uploads``; a zip is unpacked there, refusing
    any member that would land outside it (``../``, absolute paths, links), a corrupt zip and an
    empty one. A refused upload's folder is removed."""
    uploads = data_dir / "uploads"
    try:
        uploads.mkdir(parents=True, exist_ok=True)
        dest = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%dT%H%M%S-"), dir=uploads)).resolve()
    except OSError as exc:
        raise RagArchiveError(f"Cannot write the upload folder {uploads}: {exc.strerror or exc}") from exc
    try:
        for f in files:
            if f.suffix.lower() == ".zip":
                _unzip_inside(f, dest)
            else:
                shutil.copy2(f, dest / Path(f.name).name)
    except OSError as exc:
        shutil.rmtree(dest, ignore_errors=True)
        raise RagArchiveError(f"Cannot write the upload folder {uploads}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)
        raise
    return dest


def _unzip_inside(archive: Path, dest: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            for info in members:
                name = info.filename
                mode = (info.external_attr >> 16) & 0o170000
                target = (dest / name).resolve()
                if name.startswith(("/", "\\")) or ".." in Path(name).parts or mode == 0o120000 \
                        or not target.is_relative_to(dest):
                    raise RagArchiveError(f"{archive.name}: member {name!r} would be written outside the upload folder")
            if not any(not info.is_dir() for info in members):
                raise RagArchiveError(f"{archive.name} contains no files; nothing was ingested.")
            zf.extractall(dest)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise RagArchiveError(f"{archive.name} is not a readable .zip archive (damaged, or not a zip); "
                              "nothing was ingested.") from exc
    except (RuntimeError, NotImplementedError) as exc:  # encrypted, or an unknown compression
        raise RagArchiveError(f"{archive.name} cannot be unpacked ({exc}); nothing was ingested.") from exc


class _UploadProgress:
    """The ingestor's progress as Gradio's ``progress(fraction, desc=...)``: files done, and the
    step inside the current file (its documents, then embedding)."""

    def __init__(self, progress: Any, folder: Path) -> None:
        self.progress, self.folder = progress, folder
        self.files, self.done = 0, 0

    def start(self, total: int) -> None:
        self.files, self.done = total, 0
        self.progress(0, desc=f"0 of {total} files")

    def within(self, path: str, fraction: float, what: str) -> None:
        overall = (self.done + fraction) / max(self.files, 1)
        self.progress(overall, desc=f"{self.done} of {self.files} files · {_shown(path, self.folder)}: {what}")

    def advance(self, path: str) -> None:
        self.done += 1
        self.progress(self.done / max(self.files, 1), desc=f"{self.done} of {self.files} files")

    def stop(self) -> None:
        pass


def run_ingest(settings: Settings, folder: Path, progress: Any) -> Any:
    """Ingest the folder, reporting progress through ``progress(fraction, desc=...)``. The folder
    is removed when the archive keeps nothing of it (all skipped, or the run could not start)."""
    from ragarchive.services import build_ingestor

    ingestor = build_ingestor(settings)
    try:
        report = ingestor.run([folder], _UploadProgress(progress, folder))
    except RagArchiveError:
        if not any(Path(r["path"]).is_relative_to(folder) for r in ingestor.db.files()):
            shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        ingestor.db.close()
    if not any(f.status in _KEPT for f in report.files):
        shutil.rmtree(folder, ignore_errors=True)
    return report


def ingest_markdown(report: Any, folder: Path | None = None) -> str:
    """The totals, then every failed and skipped file (relative to the upload) with its reason."""
    data = report.to_json()
    s = data["summary"]
    lines = [f"**Ingested {s['ingested']}, unchanged {s['unchanged']}, failed {s['failed']}, "
             f"skipped {s['skipped']}** — {data['documents']} documents, {data['chunks']} chunks"]
    if not any(f["status"] in _KEPT for f in data["files"]):
        lines.append("\nNo file could be read, so nothing from this upload was kept.")
    for status, title in (("failed", "Failed"), ("skipped", "Skipped")):
        named = [f for f in data["files"] if f["status"] == status]
        if named:
            lines += ["", f"**{title} ({len(named)})**", ""]
            lines += [f"- `{_shown(f['path'], folder)}` — {_reason(f).replace('<', '&lt;')}" for f in named]
    return "\n".join(lines)


def _shown(path: str, folder: Path | None) -> str:
    p = Path(path)
    return str(p.relative_to(folder)) if folder and p.is_relative_to(folder) else p.name


def _reason(f: dict[str, Any]) -> str:
    """The report's reason without the file's path (``ingest.report.reason``), or with only its
    name where the path stands inside the message."""
    error = f["error"] or "no reason given"
    stripped = reason(f["path"], error)
    return stripped if stripped != error else error.replace(f["path"], Path(f["path"]).name)
