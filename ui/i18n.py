"""The Ask tab's texts in the question's language, from ``prompts/ui.md``.

The texts are kept with the refusal messages (``prompts/refusal.md``) and read by the same
loader, so every translation the product has lives in one folder in one format. A language
without a section there (a question in Italian) is shown in English.
"""

from __future__ import annotations

from ragarchive.prompts import load_messages
from ragarchive.text.languages import SUPPORTED_LANGUAGES

FALLBACK = "en"


def ui_language(language: str | None) -> str:
    """The language the app can speak that is closest to ``language``: itself, else English."""
    return language if language in load_messages("ui.md") else FALLBACK


def text(key: str, language: str | None, /, **values: object) -> str:
    """The text ``key`` in ``language`` (English where that language lacks it), with its
    ``{name}`` placeholders filled. Not HTML-escaped: the caller escapes what it shows."""
    messages = load_messages("ui.md")
    found = messages.get(ui_language(language), {}).get(key) or messages[FALLBACK][key]
    for name, value in values.items():
        found = found.replace("{" + name + "}", str(value))
    return found


def language_choices(language: str | None) -> list[tuple[str, str]]:
    """The evidence-language filter's choices as (label, value): "any language" is the value ""
    (no filter, which the /ask API takes as before), then each language by its name and code."""
    return [(text("any_language", language), ""),
            *((f"{text('language_' + code, language)} ({code})", code) for code in SUPPORTED_LANGUAGES)]
