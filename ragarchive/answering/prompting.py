"""Prompt files (``prompts/*.md``) with named placeholders, evidence blocks and refusal messages.

A prompt fails to render when a placeholder is missing or unknown, so a wording change can never
silently drop the evidence. The audit stores the file name and the SHA-256 of its text.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Sequence

from ragarchive.errors import ConfigError

REFUSAL_MARKER = "INSUFFICIENT_EVIDENCE"
LANGUAGE_NAMES = {"en": "English", "de": "German (Deutsch)", "fr": "French (français)"}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Prompt:
    name: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def placeholders(self) -> set[str]:
        return set(_PLACEHOLDER.findall(self.text))

    def render(self, **values: str) -> str:
        missing = self.placeholders - values.keys()
        unknown = values.keys() - self.placeholders
        if missing or unknown:
            raise ConfigError(
                f"prompts/{self.name}: placeholders missing {sorted(missing)}, "
                f"unknown {sorted(unknown)}; fix the prompt file or the caller."
            )
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], self.text)


@lru_cache(maxsize=None)
def load_prompt(name: str) -> Prompt:
    try:
        text = resources.files("ragarchive.prompts").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"Prompt file prompts/{name} is missing from the installation.") from exc
    return Prompt(name, text)


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
            f"{delimiter} [{it.n}] newspaper: {_defuse(it.newspaper) or 'unknown'} | "
            f"title: {_defuse(it.title) or 'untitled'} | date: {it.date or 'unknown'} | "
            f"page: {it.page or 'unknown'} | language: {it.language}"
        )
        parts.append(f"{head}\n{text}\n{delimiter} [/{it.n}]")
    return "\n\n".join(parts), delimiter


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


@lru_cache(maxsize=None)
def refusal_messages() -> dict[str, dict[str, str]]:
    """language -> reason -> message, from prompts/refusal.md."""
    text = load_prompt("refusal.md").text
    out: dict[str, dict[str, str]] = {}
    lang = None
    for line in text.splitlines():
        if m := re.match(r"^## ([a-z]{2})\s*$", line):
            lang = m.group(1)
            out[lang] = {}
        elif lang and (m := re.match(r"^([a-z_]+): (.+)$", line)):
            out[lang][m.group(1)] = m.group(2).strip()
    return out


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
