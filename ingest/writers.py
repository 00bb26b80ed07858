"""The embedded archive's one-writer lock (a shared PostgreSQL catalogue claims per file instead)."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ragarchive.errors import RagArchiveError
from ragarchive.storage.errors import folder_error


@contextmanager
def archive_lock(archive_dir: Path) -> Iterator[None]:
    """Exclusive writer lock; the OS releases it if the process dies, so no stale locks."""
    try:
        archive_dir.mkdir(parents=True, exist_ok=True)
        fh = open(archive_dir / "ingest.lock", "a+")
    except OSError as exc:  # read-only or full data folder
        raise folder_error(archive_dir, exc) from exc
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.seek(0)
        holder = fh.read().strip() or "another process"
        fh.close()
        raise RagArchiveError(
            f"Another ingest is writing to archive {archive_dir.name!r} ({holder}). Wait for it "
            "to finish, or ingest into another --archive; one archive has one writer at a time."
        ) from None
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
    except OSError:
        pass  # the note only names the holder; a full disk is reported by the first real write
    try:
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()
