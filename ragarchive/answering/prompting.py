"""What the generator is given: evidence blocks, the grounded prompt and refusal messages.

The prompt files and their loader are in ``ragarchive.prompts``.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Sequence

from ragarchive.prompts import Prompt, load_messages, load_prompt
from ragarchive.text.names import looks_like_path

REFUSAL_MARKER = "INSUFFICIENT_EVIDENCE"
LANGUAGE_NAMES = {"en": "English", "de": "German (Deutsch)", "fr": "French (français)"}


@dataclass(frozen=True)
class EvidenceItem:
    n: int
    newspaper: str
    title: str
    date: str
    page: str
    language: str
    text: str


def evidence_block(items: Sequence[EvidenceItem]) -> tuple[str, str]:
    """Numbered, delimited evidence. The delimiter carries a random tag chosen per request, and
    anything in the OCR text that looks like a delimiter is defused, so a document cannot close
    its own block and open a fake one."""
    tag = secrets.token_hex(4)
    delimiter = f"<<<EVIDENCE-{tag}>>>"
    parts = []
    for it in items:
        text = _defuse(it.text)
        head = (
            f"{delimiter} [{it.n}] newspaper: {_defuse(_name(it.newspaper)) or 'unknown'} | "
            f"title: {_defuse(it.title) or 'untitled'} | date: {it.date or 'unknown'} | "
            f"page: {it.page or 'unknown'} | language: {it.language}"
        )
        parts.append(f"{head}\n{text}\n{delimiter} [/{it.n}]")
    return "\n\n".join(parts), delimiter


def _name(value: str) -> str:
    """A newspaper's name, never a file path or URL (a sidecar's "source")."""
    return "" if looks_like_path(value or "") else value


def _defuse(text: str) -> str:
    # Whole runs of mixed brackets go: removing only "<<" and ">>" runs let "<>><" close up into a
    # new "<<", so OCR text could still spell out a well-formed delimiter. A removed run is
    # bounded by other characters, so one pass leaves none.
    text = re.sub(r"[<>]{2,}", "", text or "")
    return text.replace(REFUSAL_MARKER, REFUSAL_MARKER.lower())


def render_grounded_prompt(question: str, language: str, items: Sequence[EvidenceItem], max_sentences: int) -> tuple[Prompt, str]:
    prompt = load_prompt("grounded_answer.md")
    evidence, delimiter = evidence_block(items)
    return prompt, prompt.render(
        question=question,
        evidence=evidence,
        delimiter=delimiter,
        refusal_marker=REFUSAL_MARKER,
        answer_language_name=LANGUAGE_NAMES.get(language, language),
        max_sentences=str(max_sentences),
    )


def refusal_messages() -> dict[str, dict[str, str]]:
    """language -> reason -> message, from prompts/refusal.md."""
    return load_messages("refusal.md")


def refusal_message(reason: str, language: str, detail: str = "") -> str:
    messages = refusal_messages()
    table = messages.get(language) or messages["en"]
    message = table.get(reason) or messages["en"][reason]
    if detail:
        return message.replace("{detail}", detail)
    return message.replace(" ({detail})", "").replace("{detail}", "")


def missing_fact_message(language: str, topic: str, answer_type: str) -> str:
    """A near-miss refusal: "The archive has passages on "pont suspendu", but none of them gives
    the amount of money asked for." (prompts/refusal.md, ``missing_fact`` and ``what_<type>``)."""
    messages = refusal_messages()
    table = messages.get(language) or messages["en"]
    what = table.get(f"what_{answer_type}") or messages["en"].get(f"what_{answer_type}", answer_type)
    template = table.get("missing_fact") or messages["en"]["missing_fact"]
    return template.replace("{topic}", topic).replace("{what}", what)


def filters_note(filters: dict[str, str | None], language: str) -> str:
    """Which filters restricted the search, for a refusal under filters ("Only part of the archive
    was searched (from 1890-01-01, newspaper "Gazette"); …"); empty without filters.
    ``filters`` is ``Filters.to_json()``: the user's filters, not calibration's held-out documents."""
    messages = refusal_messages()
    table = messages.get(language) or messages["en"]
    parts = [
        (table.get(f"filter_{name}") or messages["en"][f"filter_{name}"]).replace("{value}", value)
        for name, value in filters.items() if value
    ]
    if not parts:
        return ""
    template = table.get("filters_active") or messages["en"]["filters_active"]
    return template.replace("{filters}", ", ".join(parts))
