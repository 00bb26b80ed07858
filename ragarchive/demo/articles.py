"""The fictional articles of the demo archive, hand-written as plain data in
``ragarchive/data/demo_articles.json`` (data, not code: edit the JSON to change the demo).

Everything here is invented: the three newspapers, the towns of Marbethal, Valmarbe and
Wendmouth, the rivers Marbe and Wend, every person, price and event. The facts are distinctive
(names, numbers, dates) so that questions can target them, and some events are reported in two
languages (the Marbe flood of March 1876, the Marbethal-Valmarbe railway of 1868, the flood of
January 1910) so that cross-lingual retrieval can be tested.

Each article is a dict with ``paper``, ``date`` (ISO), ``language`` (ISO 639-1), ``title``
(modern spelling, as a library catalogue records it), ``page`` (page of the issue), ``format``
(how the demo archive stores it: ``mets``, ``text``, ``hocr`` or ``image``) and ``text``
(paragraphs separated by a blank line). Articles of one paper, date and format ``mets`` form one
METS/ALTO issue; ``hocr`` articles of one paper and date share one hOCR page. ``PAPERS`` holds
per-newspaper facts the writers need; ``script`` chooses the OCR-noise profile (the German paper
was set in Fraktur: long s, Fraktur confusions; the others in roman type).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

_DATA = json.loads(resources.files("ragarchive").joinpath("data/demo_articles.json").read_text("utf-8"))
PAPERS: dict[str, dict[str, Any]] = _DATA["papers"]
ARTICLES: list[dict[str, Any]] = _DATA["articles"]
