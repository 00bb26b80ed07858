"""The one family of errors the app raises on purpose; each message says what to do."""

from __future__ import annotations


class RagArchiveError(Exception):
    """Base class: the CLI prints these as one clear line instead of a traceback."""


class ConfigError(RagArchiveError):
    """Configuration is invalid or contradictory."""


class ParseError(RagArchiveError):
    """An input file cannot be read as the format it claims to be; the batch skips it."""


class EmbedderMismatchError(RagArchiveError):
    """The index was built with another embedder than the one configured."""


class IndexError_(RagArchiveError):
    """The index is missing, locked or damaged."""


class BackendError(RagArchiveError):
    """The answer generator (Ollama) cannot be reached or failed; asking refuses `backend_error`."""
