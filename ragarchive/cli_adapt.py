"""``ragarchive adapt``: fit the archive's query adapter, check it, store it, say what it does."""

from __future__ import annotations

import json
from typing import Any

import typer

from .cli_settings import settings_from


def adapt(
    ctx: typer.Context,
    pairs: int = typer.Option(600, help="Synthetic questions made from the archive (before OCR-noise twins)."),
    seed: int = typer.Option(0, help="Sampling and fitting seed."),
    check: int = typer.Option(60, help="Held-out questions of each kind asked before and after "
                              "(0 skips the check; the adapter is then enabled only with --force)."),
    force: bool = typer.Option(False, "--force", help="Enable the adapter even if its check fails."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Fit a query adapter for this archive from synthetic questions (no re-embedding), check
    that it keeps out-of-distribution refusals, and store it; use it with retrieval.adapter."""
    from rich.console import Console
    from rich.progress import Progress as Bar

    from .adapting import adapt as fit_adapter
    from .services import build_ask_service

    settings = settings_from(ctx, retrieval={"adapter": False})  # fitted on the pretrained vectors
    service = build_ask_service(settings)
    console = Console(stderr=True)
    with Bar(console=console, transient=True, disable=as_json) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        adapter, result = fit_adapter(service, pairs, seed, check, force, progress)
    path = adapter.save(settings.archive_dir)
    if as_json:
        typer.echo(json.dumps({**adapter.info, "path": str(path)}, indent=2))
        return
    _show(adapter.info, str(path))


def _show(info: dict[str, Any], path: str) -> None:
    from rich.console import Console
    from rich.table import Table

    fit, check = info["fit"], info["check"]
    console = Console()
    console.print(f"fitted on {fit['pairs']:.0f} synthetic questions ({fit['held_out']:.0f} held out); "
                  f"held-out MRR {fit['held_out_mrr']:.3f} → {fit['held_out_mrr_after']:.3f}")
    if check["before"]:
        table = Table(title="Held-out questions through the whole pipeline")
        for col in ("", "pretrained", "adapted"):
            table.add_column(col)
        for key, name in (("answered", "answerable answered"), ("ood_refused", "out-of-distribution refused"),
                          ("auroc", "confidence AUROC"), ("background_mean", "off-topic background, mean"),
                          ("background_sd", "off-topic background, spread"),
                          ("seconds_per_question", "seconds per question")):
            table.add_row(name, f"{check['before'][key]:.3f}", f"{check['after'][key]:.3f}")
        console.print(table)
    verdict = "safe" if check["safe"] else f"UNSAFE: {check['why']}"
    state = "enabled" if info["enabled"] else "stored but NOT enabled (use --force to enable it)"
    console.print(f"{verdict}; {state}: {path}")
    if info["enabled"]:
        console.print("Use it with RAGARCHIVE_RETRIEVAL__ADAPTER=true (retrieval.adapter).")
