"""Citation numbers in the order a reader meets them: 1, 2, 3 by first use in the answer.

Evidence passages are numbered by retrieval rank when the generator sees them, so a verified
answer may cite ``[3]`` before ``[1]``. A reader expects the first citation to be [1]; the ask
service therefore renumbers the whole result once, where it is assembled (``asking.py``), so the
CLI, ``ask --json``, the UI and the audit record all show the same numbers. The cited passages
get 1..m in order of first use; the passages not cited keep their rank order after them (m+1..),
so every number still names exactly one passage.

Pure functions over numbers and text, so they are tested without an archive.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

CITATION = re.compile(r"\[(\d{1,2})\]")  # as verification reads them (grounding.py)


def first_use(text: str) -> list[int]:
    """The citation numbers of ``text`` in the order they first appear, each once."""
    return list(dict.fromkeys(int(n) for n in CITATION.findall(text)))


def renumbering(text: str, numbers: Iterable[int]) -> dict[int, int]:
    """old number -> new number for every passage in ``numbers`` (in rank order): the ones
    ``text`` cites first, in order of first use, then the others in their rank order."""
    ranked = list(numbers)
    cited = [n for n in first_use(text) if n in ranked]
    rest = [n for n in ranked if n not in cited]
    return {old: new for new, old in enumerate(cited + rest, start=1)}


def renumber_text(text: str, mapping: Mapping[int, int]) -> str:
    """``text`` with each ``[n]`` replaced by ``[mapping[n]]`` (numbers not mapped are kept)."""
    return CITATION.sub(lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]", text)


def is_identity(mapping: Mapping[int, int]) -> bool:
    return all(old == new for old, new in mapping.items())
