"""`govaudit eval`: precision and recall of a report's suggested answers against labelled truth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from govaudit.evaluation import evaluate, format_table, load_truth

DEMO_TRUTH = Path(__file__).parent / "demo" / "truth.yaml"
# Which portal of the demo truth file a report is about, by the kind of site it assessed.
PORTAL_BY_KIND = {"national_portal": "national", "city_portal": "city"}
INSTRUMENT_BY_KIND = {"city_portal": "LOSI-2024"}


def eval_command(
    reports: Annotated[list[Path], typer.Argument(help="report.json files written by govaudit.")],
    truth: Annotated[Path, typer.Option(help="Labelled truth: the demo's truth.yaml or a labels file.")] = DEMO_TRUTH,
    instrument: Annotated[str | None, typer.Option(help="OSI-2024 or LOSI-2024 (default: by site kind).")] = None,
    errors_only: Annotated[bool, typer.Option("--errors-only", help="Only the questions answered wrongly.")] = False,
) -> None:
    """Compare suggested answers with labelled truth and print precision and recall per question."""
    console = Console()
    for path in reports:
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
            kind = report["site"]["kind"]
            key = instrument or INSTRUMENT_BY_KIND.get(kind, "OSI-2024")
            labels = load_truth(truth, instrument=key, portal=PORTAL_BY_KIND.get(kind) if truth == DEMO_TRUTH else None)
        except (OSError, KeyError, ValueError) as exc:
            Console(stderr=True).print(f"[bold red]error:[/] {path}: {exc}")
            raise typer.Exit(2) from None
        evaluation = evaluate(report, labels, instrument=key)
        console.print(format_table(evaluation, errors_only=errors_only))


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)
