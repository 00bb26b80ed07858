"""Settings for a CLI command: the main options (kept on the typer context) plus the command's."""

from __future__ import annotations

from typing import Any

import typer

from .errors import RagArchiveError


def settings_from(ctx: typer.Context, **more: Any) -> Any:
    from .config import load_settings

    overrides = dict(ctx.obj or {})
    for key, value in more.items():
        if isinstance(value, dict):
            overrides[key] = {**overrides.get(key, {}), **value}
        else:
            overrides[key] = value
    try:
        return load_settings(**overrides)
    except Exception as exc:  # pydantic's ValidationError: show it as a config problem
        raise RagArchiveError(f"Invalid configuration: {exc}") from exc
