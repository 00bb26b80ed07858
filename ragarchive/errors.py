"""The one family of errors the app raises on purpose; each message says what to do."""

from __future__ import annotations


class RagArchiveError(Exception):
    """Base class: the CLI prints these as one clear line instead of a traceback."""


class ConfigError(RagArchiveError):
    """Configuration is invalid or contradictory."""


class FilterError(RagArchiveError):
    """A question's filter (a date, the range, a newspaper) is not understood; the message names
    the value and what is accepted. The CLI exits 2, the UI shows the message."""


class ParseError(RagArchiveError):
    """An input file cannot be read as the format it claims to be; the batch skips it."""


class MissingToolError(ParseError):
    """A file needs a program or data that is not installed (tesseract, a language pack): the
    batch lists it as skipped with what to install, not as failed; a re-run after installing
    reads it. The message names the tool, not the file (the report shows the file)."""


class EmbedderMismatchError(RagArchiveError):
    """The index was built with another embedder than the one configured."""


class IndexError_(RagArchiveError):
    """The index is missing, locked or damaged."""


class BackendError(RagArchiveError):
    """The answer generator (Ollama) cannot be reached or failed; asking refuses `backend_error`."""


class IndexWriteError(IndexError_):
    """The data folder or the vector store cannot be written (read-only, disk full, I/O error).

    The failed write is rolled back, so everything committed before stays intact; the batch
    stops, and the same command run again after the cause is fixed resumes where it stopped."""


class ChromaUnavailableError(IndexError_):
    """The configured Chroma server cannot be reached; the batch stops, a re-run resumes."""


class CatalogueUnavailableError(IndexError_):
    """The configured PostgreSQL catalogue cannot be reached or refuses us (down, wrong address,
    wrong credentials); a batch stops, and a re-run once it is back resumes."""


class CatalogueReadOnlyError(IndexError_):
    """The PostgreSQL catalogue accepts no writes (a read replica, a read-only user): it can
    serve questions, but ingest, calibrate and adapt need the primary."""
