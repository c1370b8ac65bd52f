"""`govaudit eval`: precision and recall of a report's suggested answers against labelled truth."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from govaudit.evaluation import Evaluation, combine, evaluate, format_calibration, format_table, load_truth
from govaudit.evaluation_languages import by_language, format_languages
from reports.serial import MalformedReport, read_report
from reports.types import Report

DEMO_TRUTH = Path(__file__).parent / "demo" / "truth.yaml"
# Which portal of the demo truth file a report is about, by the kind of site it assessed.
PORTAL_BY_KIND = {"national_portal": "national", "city_portal": "city"}
INSTRUMENT_BY_KIND = {"city_portal": "LOSI-2024"}


def _language(report: Report) -> str:
    """The language most of the report's pages are in."""
    counts = Counter(p.language for p in report.pages if p.language)
    return counts.most_common(1)[0][0] if counts else "?"


def eval_command(
    reports: Annotated[list[Path], typer.Argument(help="report.json files written by govaudit.")],
    truth: Annotated[
        list[Path] | None,
        typer.Option(help="Labelled truth (the demo's truth.yaml or a labels file); once, or once per report."),
    ] = None,
    instrument: Annotated[str | None, typer.Option(help="OSI-2024 or LOSI-2024 (default: by site kind).")] = None,
    errors_only: Annotated[bool, typer.Option("--errors-only", help="Only the questions answered wrongly.")] = False,
) -> None:
    """Compare suggested answers with labelled truth: precision and recall per question, and per language."""
    console = Console()
    truths = truth or [DEMO_TRUTH]
    if len(truths) not in (1, len(reports)):
        Console(stderr=True).print("[bold red]error:[/] give one --truth, or one per report")
        raise typer.Exit(2)
    per_language: dict[str, list[Evaluation]] = defaultdict(list)
    per_instrument: dict[str, list[Evaluation]] = defaultdict(list)
    for n, path in enumerate(reports):
        labels_file = truths[n] if len(truths) > 1 else truths[0]
        try:
            report = read_report(path)
            kind = report.site.kind
            key = instrument or INSTRUMENT_BY_KIND.get(kind, "OSI-2024")
            portal = PORTAL_BY_KIND.get(kind) if labels_file == DEMO_TRUTH else None
            labels = load_truth(labels_file, instrument=key, portal=portal)
            evaluation = evaluate(report, labels, instrument=key)
        except MalformedReport as exc:  # names the file and what is wrong in it
            Console(stderr=True).print(f"[bold red]error:[/] {escape(str(exc))}")
            raise typer.Exit(2) from None
        except (OSError, ValueError) as exc:
            Console(stderr=True).print(f"[bold red]error:[/] {path}: {escape(str(exc))}")
            raise typer.Exit(2) from None
        except (KeyError, TypeError, AttributeError, IndexError) as exc:  # valid JSON, not a report
            Console(stderr=True).print(f"[bold red]error:[/] {path} is not a govaudit report ({escape(repr(exc))})")
            raise typer.Exit(2) from None
        except RecursionError:
            Console(stderr=True).print(f"[bold red]error:[/] {path}: JSON nested too deeply to be a report")
            raise typer.Exit(2) from None
        per_language[_language(report)].append(evaluation)
        per_instrument[key].append(evaluation)
        console.print(format_table(evaluation, errors_only=errors_only))
    console.print(format_languages(by_language(per_language)))
    for _key, evaluations in sorted(per_instrument.items()):
        merged = combine(evaluations)
        if len(evaluations) > 1:
            console.print(format_table(merged, errors_only=True))
        console.print(format_calibration(merged))


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)
