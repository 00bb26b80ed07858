"""The project's own fictional demo archive (``ragarchive demo``).

:func:`write_demo_archive` writes a small archive of invented 19th/early-20th-century newspaper
articles in every input format the ingest understands (METS/ALTO, hOCR, plain text with JSON
sidecars, a PNG page image), with realistic, deterministic OCR noise. Nothing is downloaded and
nothing depends on the clock, so every run writes the same bytes and a re-ingest finds the files
unchanged.

Importing this package is cheap: lxml and Pillow are imported only when the archive is written.
"""

from __future__ import annotations

import os
from pathlib import Path

# Fixed seed of all OCR noise; changing it changes every file of the archive.
SEED = 1872


def write_demo_archive(dest: Path) -> Path:
    """Write the fictional demo archive into dest (created if needed) and return dest.

    Files already there with the right content are left alone (same bytes, same mtime); others
    are replaced atomically. Files in ``dest`` that the generator does not write are kept.
    """
    from .archive import archive_files

    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for rel, data in archive_files(SEED).items():
        path = dest / rel
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        # A hidden temporary name: discovery ignores dot files, so a concurrent ingest never
        # sees a half-written file.
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return dest


__all__ = ["SEED", "write_demo_archive"]
