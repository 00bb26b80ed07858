"""A question's filters as a user types them (CLI options, the Ask tab's boxes) turned into
``Filters``, or a ``FilterError`` that names the value and what is accepted.

Dates: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` and the common ``DD.MM.YYYY`` (also ``D.M.YYYY``),
stored as ISO prefixes (``01.01.1890`` → ``1890-01-01``). A range whose start is after its end is
an error, as is a newspaper that no document's newspaper (or, for sources without one, title)
contains. The CLI and the UI both call ``parse_filters`` and then ``check_newspaper``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

from ragarchive.errors import FilterError
from ragarchive.text.names import looks_like_path

from .query import Filters

DATE_FORMS = "YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY (e.g. 1890, 1890-05, 1890-05-01, 01.05.1890)"
FIELD_NAMES = {"date_from": "date from", "date_to": "date to", "newspaper": "newspaper"}
CLI_NAMES = {"date_from": "--date-from", "date_to": "--date-to", "newspaper": "--newspaper"}
SHOWN_NEWSPAPERS = 12  # an unknown newspaper lists at most this many known ones

_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def parse_date(value: str | None, name: str = "date") -> str | None:
    """An ISO prefix (``1890``, ``1890-05``, ``1890-05-01``) for what a user typed, None for
    nothing; raises ``FilterError`` for anything else, an impossible date included."""
    text = (value or "").strip()
    if not text:
        return None
    if m := _DOTTED.fullmatch(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO.fullmatch(text):
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        day = int(m.group(3)) if m.group(3) else None
    else:
        raise FilterError(f"{name}: {text!r} is not a date. Use {DATE_FORMS}.")
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        raise FilterError(f"{name}: {text!r} is not a real date. Use {DATE_FORMS}.") from None
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day is not None else "")


def parse_filters(date_from: str | None = None, date_to: str | None = None,
                  newspaper: str | None = None, language: str | None = None,
                  names: Mapping[str, str] = FIELD_NAMES) -> Filters:
    """Checked ``Filters`` from the user's text (empty means no filter). ``names`` are the
    fields' names in the messages: the CLI's options (``--date-from``) or the UI's labels."""
    start = parse_date(date_from, names["date_from"])
    end = parse_date(date_to, names["date_to"])
    # dates compare as ISO prefixes: the range is empty when the start, cut to the end's
    # length, is after the end (``1891`` > ``1890-12``; ``1890-05`` within ``1890`` is fine)
    if start and end and start[: len(end)] > end:
        raise FilterError(
            f"The date range is reversed: {names['date_from']} {start} is after "
            f"{names['date_to']} {end}. Swap them."
        )
    return Filters(
        date_from=start,
        date_to=end,
        newspaper=(newspaper or "").strip() or None,
        language=(language or "").strip().lower() or None,
    )


def check_newspaper(filters: Filters, known: Sequence[str],
                    names: Mapping[str, str] = FIELD_NAMES) -> Filters:
    """``filters`` unchanged when its newspaper is part of a known one (case-insensitive, as
    retrieval matches it) or when the archive knows none; else a ``FilterError`` listing them."""
    wanted = (filters.newspaper or "").lower()
    if not wanted or not known or any(wanted in k.lower() for k in known):
        return filters
    shown = [k for k in known if not looks_like_path(k)]
    listed = ", ".join(shown[:SHOWN_NEWSPAPERS])
    more = len(shown) - SHOWN_NEWSPAPERS
    if more > 0:
        listed += f" and {more} more (see `ragarchive documents`)"
    raise FilterError(
        f"{names['newspaper']}: no newspaper in the archive matches {filters.newspaper!r}. "
        f"Known newspapers: {listed or 'none with a name'}."
    )
