"""Whether a metadata value can name a source to a reader.

A sidecar's or manifest's ``source`` is often a file path or URL rather than a newspaper's
title; such a value must never be shown as "According to /data/scans/0001.xml". Ingest keeps it
in ``meta["source"]`` instead of ``newspaper``, and the answer does not name a source by it.
"""

from __future__ import annotations

import re

_FILE_SUFFIX = re.compile(
    r"\.(?:xml|txt|jsonl?|html?|hocr|png|jpe?g|jp2|tiff?|pdf|gz|zip)$", re.IGNORECASE
)


def looks_like_path(value: str) -> bool:
    """True for a URL (``https://…``, ``file:…``), a file name (``lunion_0001.xml``), an
    absolute or relative path (``/data/x``, ``./x``, ``~/x``, ``C:\\scans``) or a run of path
    parts without spaces (``scans/1865/x``); False for a title such as ``L'Union / Luxembourg``
    or ``AZ/NZZ``."""
    text = value.strip()
    if not text:
        return False
    if re.match(r"^[a-z][a-z0-9+.\-]*:(?://|[/\\])", text, re.IGNORECASE) or _FILE_SUFFIX.search(text):
        return True
    if re.match(r"^(?:[/\\]|~[/\\]|\.{1,2}[/\\])", text):
        return True
    return not re.search(r"\s", text) and len(re.findall(r"[/\\]", text)) >= 2
