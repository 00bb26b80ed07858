"""The prompt files (``*.md``, shipped as package data) and their loader.

A prompt has named placeholders and fails to render when one is missing or unknown, so a
wording change can never silently drop the evidence. The audit stores the file name and the
SHA-256 of its text. Used by the generator (``answering.prompting``) and by the LLM query
expansion (``retrieval.llm_expand``).

The texts the product says in the question's language live here too, one file per use, all in
one format read by ``load_messages``: ``refusal.md`` (what a refusal says) and ``ui.md`` (the
app's labels and headlines). One format and one loader, so a translation is added in one place.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ragarchive.errors import ConfigError

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


_SECTION = re.compile(r"^## ([a-z]{2})\s*$")
_MESSAGE = re.compile(r"^([a-z_]+): (.+)$")


@lru_cache(maxsize=None)
def load_messages(name: str) -> dict[str, dict[str, str]]:
    """language -> key -> message, from a message file: one ``## <ISO 639-1>`` section per
    language, one ``key: message`` line per message (other lines are its documentation)."""
    out: dict[str, dict[str, str]] = {}
    lang = None
    for line in load_prompt(name).text.splitlines():
        if m := _SECTION.match(line):
            lang = m.group(1)
            out[lang] = {}
        elif lang and (m := _MESSAGE.match(line)):
            out[lang][m.group(1)] = m.group(2).strip()
    return out
