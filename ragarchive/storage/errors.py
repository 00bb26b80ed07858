"""Storage failures turned into messages that say what to do next.

The exception classes live in ``ragarchive.errors`` (the CLI and UI catch them); this module
only words them for the storage engines.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import IndexError_, IndexWriteError

RESUME = (
    "then run the same command again: everything committed before is intact, and an ingest "
    "skips the files it already indexed."
)


def sqlite_error(path: Path, exc: sqlite3.Error) -> IndexError_:
    """SQLite's terse messages, turned into what to do about them."""
    text = str(exc).lower()
    if "full" in text or "disk i/o" in text:
        return IndexWriteError(
            f"Cannot write the archive index {path}: {exc}. The disk holding the data folder "
            f"is full or failing: free space (or use another --data-dir), {RESUME}"
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return IndexWriteError(
            f"Cannot write the archive index {path}: {exc}. Make the data folder writable for "
            f"this user (or use another --data-dir), {RESUME}"
        )
    if "locked" in text or "busy" in text:
        return IndexError_(
            f"The archive index {path} is locked by another process ({exc}); wait for it to "
            "finish and try again."
        )
    return IndexError_(f"The archive index {path} cannot be used: {exc}.")


def folder_error(folder: Path, exc: OSError) -> IndexWriteError:
    """A data folder that cannot be created or written."""
    reason = exc.strerror or str(exc)
    return IndexWriteError(
        f"Cannot write to the data folder {folder}: {reason}. Make it writable for this user "
        f"(or use another --data-dir; if the disk is full, free space), {RESUME}"
    )
