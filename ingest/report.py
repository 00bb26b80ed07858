"""What a batch ingest reports: each file's outcome, the batch totals (also as JSON for
``--json`` and the UI), and the progress callbacks ``Ingestor.run`` makes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol


@dataclass
class FileReport:
    path: str
    status: str  # ingested | unchanged | failed | skipped
    kind: str | None = None
    documents: int = 0
    chunks: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class IngestReport:
    files: list[FileReport]
    wall_seconds: float = 0.0
    embed_seconds: float = 0.0
    embedded_chunks: int = 0
    units_added: int = 0  # unchanged files given their unit vectors (ingest/units.py)

    @property
    def ok(self) -> bool:
        return not any(f.status == "failed" for f in self.files)

    def count(self, status: str) -> int:
        return sum(f.status == status for f in self.files)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "summary": {s: self.count(s) for s in ("ingested", "unchanged", "failed", "skipped")},
            "documents": sum(f.documents for f in self.files if f.status == "ingested"),
            "chunks": sum(f.chunks for f in self.files if f.status == "ingested"),
            "wall_seconds": round(self.wall_seconds, 3),
            "embed_seconds": round(self.embed_seconds, 3),
            "units_added": self.units_added,
            "files": [asdict(f) for f in self.files],
        }


def reason(path: str, error: str) -> str:
    """A file's error without its own path in front (the report names the file already)."""
    for prefix in (path, str(Path(path).resolve())):
        if error.startswith(prefix + ": "):
            return error[len(prefix) + 2:]
    return error


class Progress(Protocol):
    """``start`` with the number of files to process, ``advance`` after each, ``stop`` at the end.
    A progress may also have ``within(path, fraction, what)``: ``Ingestor.run`` then reports the
    step inside the current file (reading, cleaning and chunking document i of n, embedding),
    ``fraction`` of that file done (0 to 1, never decreasing within a file)."""

    def start(self, total: int) -> None: ...

    def advance(self, path: str) -> None: ...

    def stop(self) -> None: ...


class NoProgress:
    def start(self, total: int) -> None: ...

    def advance(self, path: str) -> None: ...

    def stop(self) -> None: ...
