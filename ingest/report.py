"""What a batch ingest reports: each file's outcome, the batch totals (also as JSON for
``--json`` and the UI), and the progress callbacks ``Ingestor.run`` makes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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
            "files": [asdict(f) for f in self.files],
        }


class Progress(Protocol):
    def start(self, total: int) -> None: ...

    def advance(self, path: str) -> None: ...

    def stop(self) -> None: ...


class NoProgress:
    def start(self, total: int) -> None: ...

    def advance(self, path: str) -> None: ...

    def stop(self) -> None: ...
