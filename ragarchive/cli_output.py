"""How the commands show their results: JSON on stdout for scripts (``--json``), else the rich
reports and tables of ``reporting`` for people. ``reporting`` (rich) and the services are imported
only when something is shown, so ``ragarchive --help`` stays fast."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

DEMO_QUESTION = "When was the railway between Marbethal and Valmarbe opened?"


def show_flags_as_flags() -> None:
    """typer shows a flag as ``--json <bool>`` although it takes no value (``--json=true`` is
    refused): in the help, a flag is shown bare."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich
    if getattr(shown, "_flags_bare", False):
        return

    def display_type_rich(self: Any, ctx: Any) -> Any:
        return None if self.is_flag else shown(self, ctx)

    display_type_rich._flags_bare = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


def echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def echo_token(piece: str) -> None:
    typer.echo(piece, nl=False, err=True)


def show_ingest_report(report: Any, as_json: bool) -> None:
    if as_json:
        echo_json(report.to_json())
    else:
        from .reporting import print_ingest_report

        print_ingest_report(report)


def show_documents(rows: list[dict[str, Any]], as_json: bool) -> None:
    """The catalogue's documents. One with no chunks (no text: an ALTO page whose OCR found
    nothing, a METS article whose page is missing) is kept so its title and place are known,
    and is listed as empty: ``"empty": true`` in the JSON, "empty" in the table."""
    if as_json:
        echo_json([{**r, "empty": not r["n_chunks"]} for r in rows])
        return
    from .reporting import print_documents

    print_documents(rows)


def show_demo(settings: Any, report: Any, as_json: bool) -> None:
    """The demo's ingest report; for people also its documents and one question answered."""
    if as_json:
        echo_json(report.to_json())
        return
    from .reporting import print_documents, print_ingest_report
    from .services import open_db

    print_ingest_report(report)
    db = open_db(settings)
    print_documents([dict(r) for r in db.documents()])
    db.close()
    if report.ok:
        _demo_question(settings)


def _demo_question(settings: Any) -> None:
    """Show the main job end to end: one question answered from the demo archive."""
    from .reporting import print_ask_result
    from .services import build_ask_service

    typer.echo(f'\nragarchive --archive {settings.archive} ask "{DEMO_QUESTION}"')
    print_ask_result(build_ask_service(settings).ask(DEMO_QUESTION))


def show_ask_result(result: Any, as_json: bool) -> None:
    if as_json:
        echo_json(result.to_json())
    else:
        from .reporting import print_ask_result

        print_ask_result(result)


def show_eval_report(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        echo_json(report)
        return
    from .reporting import print_eval_report

    print_eval_report(report)


def echo_calibration(result: dict[str, Any], path: Path | str) -> None:
    f = result["fit"]
    typer.echo(
        f"calibration written to {path}: threshold {result['threshold']:.3f}; expected answer rate "
        f"{f['expected_answer_rate']:.0%} of answerable, refusal rate {f['expected_refusal_rate']:.0%} "
        f"of unanswerable ({f['questions']} questions, AUROC {f['auroc_in_sample']:.3f})"
    )


def show_audit_summary(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        echo_json(summary)
        return
    from .reporting import print_audit_summary

    print_audit_summary(summary)


def show_audit_list(rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        echo_json(rows)
        return
    from .reporting import print_audit_list

    print_audit_list(rows)
