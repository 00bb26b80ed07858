"""``ragarchive move``: put this data folder's embedded archive on the shared servers."""

from __future__ import annotations

import sys
from typing import Any, Optional

import typer

from .cli_settings import settings_from
from .errors import ConfigError


def move(
    ctx: typer.Context,
    catalogue_url: str = typer.Option(
        ..., "--catalogue-url", help="The PostgreSQL catalogue to move to, e.g. "
        "postgresql://user@host:5432/ragarchive (password: PGPASSWORD or ~/.pgpass)."),
    chroma_url: Optional[str] = typer.Option(
        None, "--chroma-url", help="The Chroma server to copy the vectors to. Without it they "
        "stay where they are (the global --chroma-url, or the embedded store)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
) -> None:
    """Move this archive (SQLite catalogue, vectors, calibration) onto a PostgreSQL catalogue
    and a Chroma server, without embedding anything again. File by file: run it again after
    an interruption and it finishes, skipping what is already there."""
    from ragarchive.ingest.writers import archive_lock

    from .moving import move_archive

    settings = settings_from(ctx)
    if chroma_url:
        check_chroma_url(chroma_url)
    elif not settings.chroma.url:
        typer.echo(
            f"warning: the vectors stay in this data folder ({settings.archive_dir / 'chroma'}): "
            "app servers on other machines cannot reach them. Give --chroma-url to copy them to a "
            "Chroma server (now, or in a later run of this command).",
            err=True)
    show = progress and sys.stderr.isatty()
    # the source's one-writer lock: no ingest or remove changes the archive while it moves
    with archive_lock(settings.archive_dir):
        report = move_archive(settings, catalogue_url, chroma_url, _progress(show))
    _show(report, settings, catalogue_url, chroma_url or settings.chroma.url)
    raise typer.Exit(0 if report.ok else 1)


def check_chroma_url(url: str) -> None:
    """A Chroma server is http(s)://host[:port]; anything else is a typo, said before any work."""
    from urllib.parse import urlsplit

    try:
        u = urlsplit(url)
        ok = u.scheme in ("http", "https") and bool(u.hostname) and (u.port is None or u.port > 0)
    except ValueError:  # a port that is not a number up to 65535
        ok = False
    if not ok:
        raise ConfigError(f"--chroma-url must be a Chroma server URL such as http://chroma:8000 "
                          f"(got {url!r}).")


def _progress(show: bool) -> Any:
    if not show:
        return None
    from .reporting import RichProgress

    return RichProgress("move")


def _show(report: Any, settings: Any, catalogue_url: str, chroma_url: Optional[str]) -> None:
    from .storage.errors import postgres_where

    vectors = f"{report.vectors} vectors copied" if report.vectors or chroma_url else "vectors stay"
    typer.echo(
        f"moved {report.moved} files, skipped {report.skipped} already there ({report.files} "
        f"indexed); {report.chunks} chunks, {vectors}; calibration: {report.calibration}")
    for path in report.busy:
        typer.echo(f"busy: {path} (an ingest worker holds it on the target; run move again later)")
    for path in report.missing_vectors:
        typer.echo(f"not moved: {path} (the source store lacks some of its vectors; ingest it "
                   "again into the target)")
    if report.not_indexed:
        typer.echo(f"{len(report.not_indexed)} failed or pending files of the source were not "
                   "moved: ingest them into the target.")
    if (settings.archive_dir / "query_adapter.npz").is_file():
        typer.echo("The query adapter stays here: copy query_adapter.npz to each app server's "
                   f"<data_dir>/archives/{settings.archive}/ if retrieval.adapter is on.")
    env = f"RAGARCHIVE_CATALOGUE__URL={postgres_where(catalogue_url)}"
    if chroma_url:
        env += f" RAGARCHIVE_CHROMA__URL={chroma_url}"
    where = "any machine" if chroma_url else "this data folder (the vectors are embedded here)"
    typer.echo(f"Serve it from {where} with: {env} ragarchive --archive {settings.archive} ui "
               "(and ingest into it the same way, no longer into this data folder's copy).")
