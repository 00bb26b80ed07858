"""``ragarchive adapt``: fit the archive's query adapter, check it, store it, say what it does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

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
    fine_tune: Optional[Path] = typer.Option(
        None, "--fine-tune", help="Instead of the adapter: fine-tune the sentence-transformers "
        "model itself and save it to this new folder (the archive must then be embedded again).",
    ),
    epochs: int = typer.Option(2, help="Epochs of --fine-tune."),
) -> None:
    """Fit a query adapter for this archive from synthetic questions (no re-embedding), check
    that it keeps out-of-distribution refusals, and store it; use it with retrieval.adapter.
    With --fine-tune, train the embedder itself instead (sentence-transformers only)."""
    from .adapting import adapt as fit_adapter
    from .services import build_ask_service

    settings = settings_from(ctx, retrieval={"adapter": False})  # fitted on the pretrained vectors
    service = build_ask_service(settings)
    if fine_tune is not None:
        from .fine_tuning import fine_tune as train

        report = _with_progress(as_json, lambda p: train(service, fine_tune, pairs, seed, epochs, progress=p))
        _show_fine_tune(report, fine_tune, settings.archive, as_json)
        return
    adapter, result = _with_progress(as_json, lambda p: fit_adapter(service, pairs, seed, check, force, p))
    path = adapter.save(settings.archive_dir)
    if as_json:
        typer.echo(json.dumps({**adapter.info, "path": str(path)}, indent=2))
        return
    _show(adapter.info, str(path))


def _with_progress(quiet: bool, work: Any) -> Any:
    """Run ``work(progress)`` under a progress bar per stage (on stderr; none with --json)."""
    from rich.console import Console
    from rich.progress import Progress as Bar

    with Bar(console=Console(stderr=True), transient=True, disable=quiet) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return work(progress)


def _show_fine_tune(report: dict[str, Any], folder: Path, archive: str, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({**report, "path": str(folder)}, indent=2))
        return
    typer.echo(
        f"fine-tuned on {report['train_questions']} synthetic questions ({report['held_out']} held "
        f"out) in {report['seconds']} s on {report['device']}; held-out MRR "
        f"{report['held_out_mrr']:.3f} → {report['held_out_mrr_after']:.3f} (epoch {report['best_epoch']} "
        f"of {report['epochs']} kept; 0 = the pretrained model)\nsaved to {folder}\n"
        "The archive's vectors belong to the old model: embed it again into a new archive, then "
        "calibrate it and compare before switching, e.g.\n"
        f"  ragarchive --archive {archive}-tuned --embedder sentence-transformers --model {folder} ingest SOURCES...\n"
        f"  ragarchive --archive {archive}-tuned --embedder sentence-transformers --model {folder} calibrate")


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
