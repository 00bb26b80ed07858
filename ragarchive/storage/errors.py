"""Storage failures turned into messages that say what to do next.

The exception classes live in ``ragarchive.errors`` (the CLI and UI catch them); this module
only words them for the storage engines.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import (
    CatalogueReadOnlyError, CatalogueUnavailableError, IndexError_, IndexWriteError,
)

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


def postgres_where(url: str) -> str:
    """The catalogue's address for messages: user, host, port and database, never the password."""
    from urllib.parse import urlsplit

    try:
        u = urlsplit(url)
        user = f"{u.username}@" if u.username else ""
        port = f":{u.port}" if u.port else ""
        return f"postgresql://{user}{u.hostname or 'localhost'}{port}{u.path}"
    except ValueError:
        return "the configured catalogue.url"


def postgres_error(where: str, exc: Exception, *, write: bool) -> IndexError_:
    """psycopg's and the pool's failures, turned into what to do about them."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    low = str(exc).lower()
    if "password authentication failed" in low or "no password supplied" in low or (
        "role" in low and "does not exist" in low
    ):
        return CatalogueUnavailableError(
            f"The PostgreSQL catalogue {where} refused the login ({text}). Correct the user name "
            "or password in catalogue.url (RAGARCHIVE_CATALOGUE__URL), or set PGPASSWORD."
        )
    if "database" in low and "does not exist" in low:
        return CatalogueUnavailableError(
            f"The PostgreSQL catalogue {where} has no such database ({text}). Create it "
            "(`createdb NAME`) or correct catalogue.url."
        )
    if "permission denied" in low or "must be owner" in low:
        return CatalogueUnavailableError(
            f"The PostgreSQL catalogue {where} does not let this user set up the archive "
            f"({text}). Ask its administrator to run `CREATE EXTENSION unaccent; CREATE "
            "EXTENSION pg_trgm;` in the database and to let this user create schemas there."
        )
    if getattr(exc, "sqlstate", None) == "25006":  # read_only_sql_transaction
        return CatalogueReadOnlyError(
            f"The PostgreSQL catalogue {where} accepts no writes ({text}): a read replica serves "
            "questions only. Point ingest, calibrate and adapt at the primary."
        )
    disk_full = getattr(exc, "sqlstate", None) == "53100" or "no space left" in low
    if disk_full:
        return IndexWriteError(
            f"The PostgreSQL catalogue {where} could not be written: {text}. The server's disk "
            f"is full: free space there, {RESUME}"
        )
    if _is_connection_problem(exc):
        return CatalogueUnavailableError(
            f"The PostgreSQL catalogue {where} is unreachable ({text}). Start the server or "
            f"correct catalogue.url (RAGARCHIVE_CATALOGUE__URL), {RESUME}"
        )
    verb = "could not be written" if write else "failed"
    return IndexError_(f"The PostgreSQL catalogue {where} {verb}: {text}.")


def _is_connection_problem(exc: Exception) -> bool:
    import psycopg
    import psycopg_pool

    return isinstance(exc, (psycopg.OperationalError, psycopg_pool.PoolTimeout))
