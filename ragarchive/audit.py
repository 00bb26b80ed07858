"""The audit log: one JSON line per decision of the ask service, append-only.

Files: ``<data_dir>/audit/YYYY-MM-DD.jsonl`` (UTC day of the decision) and reviewer labels in
``<data_dir>/audit/labels.jsonl`` (the log itself is never rewritten). The record schema is
``ragarchive/data/audit_record.schema.json`` (versioned; docs/audit.md describes it).

Writes are atomic across threads and processes: each record is serialised first, then written
with one ``os.write`` on an ``O_APPEND`` descriptor while holding an exclusive ``flock`` on the
file, so concurrent writers never interleave or split lines. Readers skip a broken line (a crash
mid-write, a hand edit) and report it with its file and line number; nothing else is lost.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import secrets
import socket
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from . import __version__
from .errors import RagArchiveError

if TYPE_CHECKING:
    from .results import AskResult
    from .storage.protocols import Catalogue

SCHEMA_VERSION = 3  # 2: the reader's expected answer, candidates and the answer span; 3: server
TOP_HITS = 10  # hits kept per ranked list


class AuditError(RagArchiveError):
    """The audit log cannot be written: the decision is not shown without its record."""


@dataclass
class Problem:
    path: str
    line: int
    error: str


@dataclass
class AuditLog:
    folder: Path
    enabled: bool = True
    hash_questions: bool = False
    server: str | None = None  # the app server that decides (``audit.server``, else host name)
    _salt: bytes | None = field(default=None, repr=False)

    @property
    def labels_path(self) -> Path:
        return self.folder / "labels.jsonl"

    def write(self, record: dict[str, Any]) -> None:
        if not self.enabled:
            return
        day = record["timestamp"][:10]
        append_line(self.folder / f"{day}.jsonl", record)

    def question_fields(self, question: str) -> dict[str, Any]:
        """The question itself, or — with the privacy option — only its salted hash."""
        if not self.hash_questions:
            return {"question": question, "question_hash": None}
        digest = hashlib.sha256(self.salt() + question.encode("utf-8")).hexdigest()
        return {"question": None, "question_hash": f"sha256:{digest}"}

    def salt(self) -> bytes:
        """A random salt kept in the audit folder, so hashes of one install can be compared
        with each other but not looked up in a table of common questions."""
        if self._salt is None:
            path = self.folder / ".salt"
            self.folder.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as fh:
                    fh.write(secrets.token_hex(16))
            self._salt = path.read_text().strip().encode()
        return self._salt

    def records(self) -> tuple[list[dict[str, Any]], list[Problem]]:
        return read_jsonl_files(sorted(self.folder.glob("????-??-??.jsonl")))

    def find(self, prefix: str, records: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """Records whose id starts with ``prefix`` (a unique prefix names one record)."""
        prefix = (prefix or "").strip()
        if not prefix:
            return []
        records = self.records()[0] if records is None else records
        return [r for r in records if r["record_id"].startswith(prefix)]

    def labels(self) -> tuple[list[dict[str, Any]], list[Problem]]:
        return read_jsonl_files([self.labels_path])

    def label(self, record_id: str, label: str, note: str | None, reviewer: str | None) -> dict:
        entry = {
            "record_id": record_id,
            "label": label,
            "note": note,
            "reviewer": reviewer,
            "timestamp": _now(),
        }
        append_line(self.labels_path, entry)
        return entry


def this_server() -> str:
    """The machine's host name: with several app servers, each record says which one decided."""
    return socket.gethostname()


def shared_salt(catalogue: Catalogue) -> bytes:
    """The question-hashing salt kept in a shared catalogue (set once, by whichever server
    comes first), so that every app server hashes a question alike and their logs, merged,
    still count repeated questions. A per-server ``.salt`` file would not."""
    return catalogue.set_meta_once("audit_salt", secrets.token_hex(16)).encode()


def append_line(path: Path, obj: dict[str, Any]) -> None:
    data = (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data  # a torn last line (crash mid-write) must not swallow ours
            written = os.write(fd, data)
            if written != len(data):  # a full disk can cut a write short
                raise OSError(f"only {written} of {len(data)} bytes written")
            os.fsync(fd)
        finally:
            os.close(fd)  # closing releases the lock
    except OSError as exc:
        raise AuditError(
            f"Cannot write the audit log {path}: {exc}. Free disk space or fix the folder's "
            "permissions; decisions are not shown without their audit record "
            "(set audit.enabled = false to run without a log)."
        ) from exc


def read_jsonl_files(paths: list[Path]) -> tuple[list[dict[str, Any]], list[Problem]]:
    records: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for path in paths:
        if not path.exists():
            continue
        for n, obj, err in _lines(path):
            if err:
                problems.append(Problem(str(path), n, err))
            else:
                records.append(obj)
    return records, problems


def _lines(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8"))
                if not isinstance(obj, dict):
                    raise ValueError("not a JSON object")
            except (UnicodeDecodeError, ValueError) as exc:
                yield n, None, f"unreadable line ({exc.__class__.__name__}: {str(exc)[:80]})"
                continue
            yield n, obj, None


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def build_record(
    result: "AskResult",
    log: AuditLog,
    index: dict[str, Any],
    *,
    user: str | None = None,
    run_id: str | None = None,
) -> dict[str, Any]:
    """Everything needed to see why the app answered or declined (``SCHEMA_VERSION``)."""
    r = result.retrieval
    g = result.gate
    prompt = {"file": result.prompt_name, "sha256": result.prompt_sha256} if result.prompt_name else None
    return {
        "record_id": uuid.uuid4().hex,
        "timestamp": _now(),
        "schema_version": SCHEMA_VERSION,
        "app_version": __version__,
        "index": index,
        **log.question_fields(result.question),
        "language": result.language,
        "filters": result.filters.to_json(),
        "expansions": [_expansion(v.to_json(), log.hash_questions) for v in r.variants] if r else [],
        "retrieval_lists": [lst.to_json(TOP_HITS) for lst in r.lists] if r else [],
        "fused_hits": [[h.chunk_id, round(h.score, 6)] for h in r.fused[:TOP_HITS]] if r else [],
        "features": {k: round(float(v), 5) for k, v in (g.features if g else {}).items()},
        "confidence": round(result.confidence, 5),
        "threshold": round(result.threshold, 5),
        "decision": result.decision,
        "reason": result.reason,
        "generator": result.generator,
        "model": result.model,
        "prompt": prompt,
        "answer": result.text if result.decision == "answer" else None,
        "message": result.text,
        "citations": [c.to_json() for c in result.citations],
        "passages": [{**c.to_json(), "text": c.text[:4000]} for c in result.passages],
        "verification": [s.to_json() for s in result.verification.sentences] if result.verification else None,
        "reading": result.reading.to_json() if result.reading else None,
        "answer_span": result.answer_span,
        "timings": {k: round(v, 4) for k, v in result.timings.items()},
        "notes": (r.notes if r else []) + ([result.detail] if result.detail else []),
        "user": user,
        "run_id": run_id,
        "server": log.server,
    }


def _expansion(variant: dict[str, Any], private: bool) -> dict[str, Any]:
    """With the privacy option, a variant's text and terms would give the question away: only
    its origin, weight and how many spellings it added are kept."""
    if not private:
        return variant
    added = sum(len(v) for v in variant["mapping"].values())
    return {**variant, "text": None, "terms": [], "mapping": {}, "added_spellings": added}
