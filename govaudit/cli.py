"""The `govaudit` command line."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from audits.axe import AxeNotFound
from audits.selenium_driver import SeleniumSettings
from audits.standards import DEFAULT_STANDARD, UnknownStandard, get_standard
from crawler.crawl import RenderMode
from crawler.incremental import RevisitPolicy, parse_duration
from crawler.login import LoginFailed, SiteAccess
from crawler.render import BrowserNotFound
from crawler.site import SiteConfig, SiteKind
from crawler.snapshot import start_page, start_page_problem
from crawler.urls import BadURL, check_start_url
from govaudit import cli_options as o
from govaudit import cli_support, preflight
from govaudit import config as audit_config
from govaudit.assessment import SampleOptions
from govaudit.audit_summary import audit_summary_lines
from govaudit.cli_sites import SiteFileError, site_for_url
from govaudit.inputs import BadInput, CleanErrorsTyper, check_out_dir, resumable_assessment
from govaudit.interrupt import StopRequest
from govaudit.pipeline import (
    CannotResume,
    NothingAudited,
    RunOutcome,
    SiteUnreachable,
    assess_site,
    crawl_site,
)
from govaudit.progress import LogProgress
from govaudit.selenium_audit import OWN_CHECKS_NOT_RUN, BadGridURL, Driver, selenium_settings
from govaudit.settings import Settings, SettingsError, environment
from reports import build_report, write_reports
from reports.gate import FAIL_ON_CHOICES, BadBaseline, GateResult, evaluate, load_baseline, valid_fail_on
from reports.history import earlier_runs
from reports.render import FORMATS, UnknownFormat, parse_formats
from reports.serial import MalformedReport, read_report, to_object
from reports.types import Report
from storage import Store
from storage.status import RunStatus

app = CleanErrorsTyper(
    help="Crawl government portals, audit accessibility, pre-fill the UN E-Government Survey.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
console = Console(stderr=True)
out = Console()

EXIT_GATE_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_UNREACHABLE = 3
EXIT_NO_BROWSER = 4
EXIT_INTERRUPTED = 130  # the shell's code for a process ended by SIGINT


def _fail(message: str, code: int) -> typer.Exit:
    return cli_support.fail(message, code)


cli_support.show_flags_as_flags()
cli_support.usage_errors_as_json()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=cli_support.print_version, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Crawl government portals, audit accessibility, pre-fill the UN E-Government Survey."""
    # Before the command parses its options, so that its usage errors come out as JSON under --json too.
    cli_support.error_mode.as_json = "--json" in sys.argv[1:]
    cli_support.settle_memory()
    try:
        Settings.from_env()  # a bad GOVAUDIT_* value is said once, before any command runs
    except SettingsError as exc:
        raise _fail(str(exc), EXIT_BAD_INPUT) from None


@contextmanager
def _progress(
    name: str, disabled: bool, interval_s: float, lines: bool | None = None
) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar fed by the crawler: pages done of pages known so far; off a terminal
    (a CI log), a plain line every `interval_s` instead (`lines`, default: unless disabled); no callback
    at all when disabled (a hidden bar still took a lock and recomputed its task per page)."""
    if not console.is_terminal and (not disabled if lines is None else lines):
        with LogProgress(name, interval_s=interval_s) as log:
            yield log
        return
    if disabled:
        yield None
        return
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(name, total=None, rate="")
        started = time.monotonic()

        def on_progress(done: int, queued: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            progress.update(task, completed=done, total=queued, rate=f"{rate:.1f} pages/s")

        yield on_progress


def _as_of(value: str | None) -> date | None:
    """--as-of as a date; a malformed one exits 2 before any crawl."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise _fail(f"--as-of must be a date as YYYY-MM-DD, not {value!r}", EXIT_BAD_INPUT) from None


def _run(
    site: SiteConfig,
    settings: Settings,
    out_dir: Path,
    quiet: bool = False,
    all_answers: bool = False,
    sample: SampleOptions | None = None,
    formats: tuple[str, ...] = FORMATS,
    summary: bool = True,
    selenium: SeleniumSettings | None = None,
    fresh: bool = False,
    as_of: date | None = None,
    resume: int | None = None,
    access: SiteAccess | None = None,
    register: bool = True,
    progress_lines: bool | None = None,
) -> tuple[Report, dict[str, Path]]:
    """Assess one site with a progress bar, write its reports, return the report and the
    files written. `quiet` silences the progress bar; `summary` prints the table after the run.
    `selenium`: axe-core through Selenium (`--driver selenium`) instead of Playwright."""
    if selenium is not None and not quiet:
        console.print(f"[yellow]note:[/] {OWN_CHECKS_NOT_RUN}")
    _preflight(site, settings, selenium)
    with Store(settings.database_url) as store:
        store.upgrade()
        stop = StopRequest()
        with (
            _progress(
                f"{site.name}: crawl + audit", quiet, settings.progress_interval_s, progress_lines
            ) as on_progress,
            stop.on_sigint(_stopping),
            _assessment_errors(),
        ):
            outcome: RunOutcome = asyncio.run(
                assess_site(
                    site,
                    store,
                    settings,
                    sample=sample,
                    on_progress=on_progress,
                    selenium=selenium,
                    fresh=fresh,
                    as_of=as_of,
                    resume=resume,
                    access=access,
                    register=register,
                    stop=stop,
                    on_page=getattr(on_progress, "page", None),
                )
            )
        run = outcome.record or store.runs.load(outcome.run_id)  # read by the pipeline when the run completed
        # The trend chart: the same site's earlier completed runs, summarised from the store.
        report = build_report(run, earlier_runs(store, run), store.audits.screenshots(run.id))
    paths = write_reports(report, out_dir, formats)
    if summary and not quiet:
        _print_summary(report, paths, all_answers)
    if summary:
        _exit_if_interrupted(report, paths)
    return report, paths


def _preflight(site: SiteConfig, settings: Settings, selenium: SeleniumSettings | None) -> None:
    """Exit 4 when a browser or axe-core is missing, 3 when the site's host does not answer."""
    try:
        preflight.check_tools(settings.chromium, settings.axe_script, browser=selenium is None)
        if not settings.behind_proxy:  # the proxy, not this machine, reaches the host
            preflight.check_reachable(site.home_url)
    except (BrowserNotFound, AxeNotFound) as exc:
        raise _fail(str(exc), EXIT_NO_BROWSER) from None
    except preflight.HostUnreachable as exc:
        raise _fail(f"cannot reach {site.home_url}: {exc}", EXIT_UNREACHABLE) from None


@contextmanager
def _assessment_errors() -> Iterator[None]:
    """An assessment's failures as the exit code and message each has."""
    try:
        yield
    except (BrowserNotFound, AxeNotFound) as exc:
        raise _fail(str(exc), EXIT_NO_BROWSER) from None
    except LoginFailed as exc:
        raise _fail(str(exc), EXIT_UNREACHABLE) from None
    except (BadGridURL, CannotResume) as exc:
        raise _fail(str(exc), EXIT_BAD_INPUT) from None
    except SiteUnreachable as exc:
        raise _fail(f"could not fetch the start page: {exc}", EXIT_UNREACHABLE) from None
    except NothingAudited as exc:
        raise _fail(str(exc), EXIT_UNREACHABLE) from None


def _resumable(settings: Settings, run_id: int) -> tuple[SiteConfig, SampleOptions | None]:
    """The site and sample of an interrupted assessment, or exit 2."""
    with Store(settings.database_url) as store:
        store.upgrade()
        try:
            return resumable_assessment(store, run_id)
        except BadInput as exc:
            raise _fail(str(exc), EXIT_BAD_INPUT) from None


def _stopping() -> None:
    console.print(
        "[yellow]interrupted:[/] finishing the pages in flight, then writing the report of what was audited "
        "(Ctrl-C again stops at once)"
    )


def _exit_if_interrupted(report: Report, paths: dict[str, Path]) -> None:
    """Exit 130 (as after SIGINT) once the report of an interrupted run is written."""
    if report.run.status == RunStatus.INTERRUPTED:
        where = next(iter(paths.values()), None)
        console.print(
            f"[yellow]interrupted:[/] the report covers the {report.summary.pages_crawled} page(s) "
            f"audited before Ctrl-C" + (f" ({where.parent})" if where else "")
        )
        raise typer.Exit(EXIT_INTERRUPTED)


def _driver(driver: Driver | None, selenium_url: str | None, settings: Settings) -> SeleniumSettings | None:
    """--driver / --selenium-url as the Selenium settings to audit with (None: Playwright), or exit 2."""
    if selenium_url is not None and driver is Driver.PLAYWRIGHT:
        raise _fail("--selenium-url needs --driver selenium (or no --driver)", EXIT_BAD_INPUT)
    if driver is not Driver.SELENIUM and selenium_url is None:
        return None
    try:
        return selenium_settings(settings, selenium_url)
    except BadGridURL as exc:
        raise _fail(str(exc), EXIT_BAD_INPUT) from None


def _print_summary(
    report: Report, paths: dict[str, Path], all_answers: bool = False, gate: GateResult | None = None
) -> None:
    summary = report.summary
    score = f"score {summary.score:g}/100, " if summary.score is not None else ""
    out.print(
        f"[bold]{report.site.name}[/]: {summary.pages_crawled} pages, {score}"
        f"{summary.wcag_failures} WCAG failures in {summary.issues} distinct issues "
        f"on {summary.pages_with_failures} pages; run {report.run.id}"
    )
    table = Table("question", "suggestion", "outcome", "confidence", "evidence", title="Suggested answers")
    for answer in sorted(report.answers, key=lambda a: (a.instrument, a.question)):
        if answer.outcome == "not_tested" and not all_answers:
            continue
        evidence = answer.evidence[0].url if answer.evidence else answer.rationale
        table.add_row(
            f"{answer.instrument} #{answer.question} {answer.title}",
            str(answer.value),
            answer.outcome,
            f"{answer.confidence:.2f}",
            evidence,
        )
    out.print(table)
    untested = sum(1 for a in report.answers if a.outcome == "not_tested")
    if not all_answers:
        out.print(f"{untested} more questions are not tested automatically (listed in the report).")
    out.print("Reports: " + "  ".join(str(p) for p in paths.values()))
    if gate is not None and gate.fail_on != "none":
        _print_gate(gate)


def _print_gate(gate: GateResult) -> None:
    known = f" ({gate.known} already in the baseline)" if gate.baseline else ""
    if not gate.failed:
        out.print(f"[green]Gate passed[/]: no new WCAG failure of impact {gate.fail_on} or worse{known}.")
        return
    # On stderr: a CI log shows it even when stdout carries --json.
    console.print(
        f"[bold red]Gate failed[/]: {len(gate.blocking)} WCAG issue(s) of impact {gate.fail_on} or worse{known}:"
    )
    for issue in gate.blocking[:20]:
        console.print(
            f"  {issue.impact or 'no impact'} · {issue.rule_id} (WCAG {', '.join(issue.wcag)}) · "
            f"{len(issue.pages)} page(s), e.g. {issue.pages[0]}"
        )


@app.command()
def audit(
    ctx: typer.Context,
    url: o.AuditURL = None,
    max_pages: o.MaxPages = 200,
    max_depth: o.MaxDepth = 6,
    out_dir: o.OutDir = Path("out/audit"),
    country: o.Country = "",
    kind: o.Kind = SiteKind.NATIONAL_PORTAL,
    quiet: o.QuietAll = False,
    sample: o.Sample = False,
    seed: o.Seed = None,
    sample_ratio: o.SampleRatio = 0.10,
    formats: o.Formats = "all",
    fail_on: o.FailOn = "",
    baseline: o.Baseline = None,
    as_json: o.AuditJSON = False,
    driver: o.DriverOption = None,
    selenium_url: o.SeleniumURL = None,
    standard: o.Standard = DEFAULT_STANDARD,
    fresh: o.Fresh = False,
    time_budget: o.RunBudget = None,
    as_of: o.AsOf = None,
    resume: o.ResumeAudit = None,
    config_file: o.ConfigFile = None,
    register: o.Register = False,
    no_screenshots: o.NoScreenshots = False,
) -> None:
    """Crawl and audit one site: accessibility reports, a draft accessibility statement, suggested
    survey answers. Exit codes: 0 done (gate passed), 1 gate failed, 2 bad input, 3 start page
    unreachable or no page could be audited (a start URL that is not HTML), 4 browser, chromedriver
    or axe-core missing, 130 interrupted (Ctrl-C; the report of what was audited is written)."""
    cli_support.error_mode.as_json = as_json
    config = _audit_config(config_file)
    given = {name for name in ctx.params if (src := ctx.get_parameter_source(name)) and src.name != "DEFAULT"}
    typed = _FileOptions(max_pages, max_depth, out_dir, formats, fail_on, baseline, standard)
    opts = replace(typed, **audit_config.overrides(config, given))
    checked = _check_audit_inputs(url, resume, config, opts, as_of)
    if checked.starts:
        config = audit_config.for_start_urls(config, checked.starts)
    settings = _audit_settings(checked.standard, time_budget, no_screenshots, config)
    selenium = _driver(driver, selenium_url, settings)
    site = _audit_site(config, checked.starts, country, kind, opts)
    options = SampleOptions(seed=seed, ratio=sample_ratio) if sample else None
    if resume is not None:
        site, options = _resumable(settings, resume)
    access = None if config.access.empty else config.access
    run = _RunArgs(options, selenium, fresh, checked.as_of, resume, access, register)
    report, paths = _run_audit(site, settings, opts.out_dir, checked.formats, run, quiet=quiet, as_json=as_json)
    _gate_audit(report, paths, checked, opts.baseline, quiet=quiet, as_json=as_json)


@dataclass(frozen=True, slots=True)
class _FileOptions:
    """The options of `audit` a govaudit.toml may set: a flag typed on the command line wins."""

    max_pages: int
    max_depth: int
    out_dir: Path
    formats: str
    fail_on: str
    baseline: Path | None
    standard: str


@dataclass(frozen=True, slots=True)
class _AuditInputs:
    """What the user typed for `audit`, checked before any crawl: a typo must not cost a whole audit."""

    starts: tuple[str, ...]
    formats: tuple[str, ...]
    standard: str  # the standard's key
    as_of: date | None
    threshold: str  # the gate's --fail-on, "none" for no gate
    known: set[str] | None  # the baseline's issues


@dataclass(frozen=True, slots=True)
class _RunArgs:
    """How `audit` assesses its site, besides where and in which formats it writes."""

    sample: SampleOptions | None
    selenium: SeleniumSettings | None
    fresh: bool
    as_of: date | None
    resume: int | None
    access: SiteAccess | None
    register: bool


def _audit_config(config_file: Path | None) -> audit_config.AuditConfig:
    """--config, else a govaudit.toml (or pyproject.toml) found from here, else the defaults; exit 2 when bad."""
    try:
        config = audit_config.load_config(config_file, environment()) if config_file else None
        if config is None and (found := audit_config.find_config(Path.cwd())):
            config = audit_config.load_config(found, environment())
    except audit_config.ConfigError as exc:
        raise _fail(str(exc), EXIT_BAD_INPUT) from None
    return config or audit_config.AuditConfig()


def _check_audit_inputs(
    url: str | None, resume: int | None, config: audit_config.AuditConfig, opts: _FileOptions, as_of: str | None
) -> _AuditInputs:
    """Every input of `audit` checked, in the order the user reads them; exit 2 at the first bad one."""
    if url is not None and resume is not None:
        raise _fail("give a start URL or --resume RUN_ID, not both", EXIT_BAD_INPUT)
    if url is None and resume is None and not config.start_urls:
        raise _fail("give a start URL, start-urls in govaudit.toml, or --resume RUN_ID", EXIT_BAD_INPUT)
    try:
        urls = () if resume is not None else ((url,) if url is not None else config.start_urls)
        starts = tuple(check_start_url(u) for u in urls)
        chosen = parse_formats(opts.formats)
        chosen_standard = get_standard(opts.standard)
    except (BadURL, UnknownFormat, UnknownStandard) as exc:
        raise _fail(str(exc), EXIT_BAD_INPUT) from None
    reference_day = _as_of(as_of)
    _check_out_dir(opts.out_dir)
    threshold = opts.fail_on.strip().lower() or ("minor" if opts.baseline else "none")
    if not valid_fail_on(threshold):
        raise _fail(f"--fail-on must be one of {', '.join(FAIL_ON_CHOICES)}, not {opts.fail_on!r}", EXIT_BAD_INPUT)
    try:
        known = load_baseline(opts.baseline) if opts.baseline else None
    except BadBaseline as exc:
        raise _fail(str(exc), EXIT_BAD_INPUT) from None
    return _AuditInputs(starts, chosen, chosen_standard.key, reference_day, threshold, known)


def _check_out_dir(out_dir: Path) -> None:
    try:
        check_out_dir(out_dir)
    except BadInput as exc:
        raise _fail(str(exc), EXIT_BAD_INPUT) from None


def _audit_settings(
    standard: str, time_budget: float | None, no_screenshots: bool, config: audit_config.AuditConfig
) -> Settings:
    settings = replace(
        Settings.from_env(), standard=standard, time_budget_s=time_budget, screenshots=not no_screenshots
    )
    if config.viewports:
        settings = replace(settings, measure_widths=config.viewports)
    return settings


def _audit_site(
    config: audit_config.AuditConfig, starts: tuple[str, ...], country: str, kind: SiteKind, opts: _FileOptions
) -> SiteConfig:
    start = starts[0] if starts else ""
    return SiteConfig(
        name=start,
        start_urls=starts or (start,),
        country=country.upper(),
        kind=kind,
        max_pages=opts.max_pages,
        max_depth=opts.max_depth,
        include=config.include,
        exclude=config.exclude,
    )


def _run_audit(
    site: SiteConfig,
    settings: Settings,
    out_dir: Path,
    formats: tuple[str, ...],
    run: _RunArgs,
    *,
    quiet: bool,
    as_json: bool,
) -> tuple[Report, dict[str, Path]]:
    return _run(
        site,
        settings,
        out_dir,
        quiet or as_json,
        progress_lines=not quiet,
        sample=run.sample,
        formats=formats,
        summary=False,
        selenium=run.selenium,
        fresh=run.fresh,
        as_of=run.as_of,
        resume=run.resume,
        access=run.access,
        register=run.register,
    )


def _gate_audit(
    report: Report, paths: dict[str, Path], checked: _AuditInputs, baseline: Path | None, *, quiet: bool, as_json: bool
) -> None:
    """The audit's summary (and gate) printed; exit 130 when interrupted, 1 when the gate failed."""
    gate = evaluate(report, checked.threshold, checked.known, str(baseline) if baseline else None)
    if as_json:
        out.print_json(
            data={
                "run": report.run.id,
                "site": report.site.name,
                "summary": to_object(report.summary),
                "gate": gate.as_dict(),
                "files": {fmt: str(path) for fmt, path in paths.items()},
            }
        )
        if gate.failed:
            _print_gate(gate)
    elif not quiet:
        for line in audit_summary_lines(report, paths):
            out.print(line, markup=False, highlight=False, soft_wrap=True)
        if gate.fail_on != "none":
            _print_gate(gate)
    elif gate.failed:
        _print_gate(gate)
    _exit_if_interrupted(report, paths)
    if gate.failed:
        raise typer.Exit(EXIT_GATE_FAILED)


@app.command()
def crawl(
    url: o.CrawlURL = None,
    max_pages: o.MaxPages = 1000,
    max_depth: o.MaxDepth = 6,
    render: o.Render = RenderMode.NEVER,
    concurrency: o.Concurrency = 2,
    per_host: o.PerHost = 2,
    time_budget: o.CrawlBudget = None,
    max_bytes: o.MaxBytes = 10_000_000,
    official_hops: o.OfficialHops = 0,
    as_json: o.CrawlJSON = False,
    quiet: o.QuietBar = False,
    resume: o.ResumeCrawl = None,
    sitemap_lastmod: o.SitemapLastmod = True,
    revisit_after: o.RevisitAfter = None,
) -> None:
    """Crawl one site and record every page with its status (no audit). A crawl interrupted at any
    point (even killed) resumes with --resume RUN_ID: every page is recorded exactly once."""
    cli_support.error_mode.as_json = as_json
    try:
        revisit = RevisitPolicy(
            sitemap_lastmod=sitemap_lastmod, revisit_after=parse_duration(revisit_after) if revisit_after else None
        )
    except ValueError as exc:
        raise _fail(f"--revisit-after: {exc}", EXIT_BAD_INPUT) from None
    settings = replace(
        Settings.from_env(),
        concurrency=concurrency,
        per_host=per_host,
        time_budget_s=time_budget,
        max_bytes=max_bytes,
        official_hops=official_hops,
    )
    with Store(settings.database_url) as store:
        store.upgrade()
        site = _crawl_target(store, url, resume, max_pages, max_depth)
        # What opening the store imported (Alembic) lives as long as the process: frozen out of the collector
        # too, so that each full collection walks the crawl's own objects only.
        cli_support.settle_memory("store", collect_first=True)
        with _progress(site.name, quiet or as_json, settings.progress_interval_s) as on_progress:
            try:
                outcome = asyncio.run(
                    crawl_site(
                        site, store, settings, render=render, resume=resume, on_progress=on_progress, revisit=revisit
                    )
                )
            except BrowserNotFound as exc:
                raise _fail(str(exc), EXIT_NO_BROWSER) from None
            except CannotResume as exc:
                raise _fail(str(exc), EXIT_BAD_INPUT) from None
    _print_crawl(outcome, as_json)
    home = start_page(outcome.pages)
    if start_page_problem(home):
        raise _fail(f"could not fetch the start page: {home.reason if home else 'nothing fetched'}", EXIT_UNREACHABLE)


def _crawl_target(store: Store, url: str | None, resume: int | None, max_pages: int, max_depth: int) -> SiteConfig:
    """The site to crawl: the interrupted run's, or the start URL's; exit 2 when neither is usable."""
    if resume is not None:
        try:
            return store.runs.site_of(resume).site
        except LookupError as exc:
            raise _fail(str(exc), EXIT_BAD_INPUT) from None
    if url is None:
        raise _fail("give a start URL, or --resume RUN_ID", EXIT_BAD_INPUT)
    try:
        start = check_start_url(url)
    except BadURL as exc:
        raise _fail(str(exc), EXIT_BAD_INPUT) from None
    return SiteConfig(name=start, start_urls=(start,), max_pages=max_pages, max_depth=max_depth)


def _print_crawl(outcome: RunOutcome, as_json: bool) -> None:
    """The crawl's pages by status: a table, or JSON with every page."""
    summary = {
        "run_id": outcome.run_id,
        "seconds": round(outcome.seconds, 2),
        "cpu_seconds": round(outcome.cpu_seconds, 2),
        "pages_by_status": outcome.status_counts,
    }
    if as_json:
        # Streamed page by page, plainly: a list of every page's dict (or Rich's pretty-printed text)
        # built first was the memory peak of a large crawl.
        sys.stdout.write(json.dumps(summary)[:-1] + ', "pages": [')
        for i, p in enumerate(outcome.pages):
            page = {
                "url": p.requested_url,
                "final_url": p.final_url,
                "status": str(p.status),
                "depth": p.depth,
                "status_code": p.status_code,
                "reason": p.reason,
            }
            sys.stdout.write((", " if i else "") + json.dumps(page))
        sys.stdout.write("]}\n")
        return
    table = Table(
        "status", "pages", title=f"Run {outcome.run_id}: {len(outcome.pages)} pages in {outcome.seconds:.1f} s"
    )
    for status, count in sorted(outcome.status_counts.items(), key=lambda kv: -kv[1]):
        table.add_row(status, str(count))
    out.print(table)


@app.command()
def assess(
    url: o.AssessURL = None,
    country: o.AssessCountry = None,
    site_id: o.SiteID = None,
    kind: o.AssessKind = SiteKind.NATIONAL_PORTAL,
    max_pages: o.PageBudget = 200,
    out_dir: o.OutDir = Path("out/assess"),
    quiet: o.QuietBar = False,
    driver: o.DriverOption = None,
    selenium_url: o.SeleniumURL = None,
    time_budget: o.RunBudget = None,
    as_of: o.AsOf = None,
    resume: o.ResumeAssess = None,
) -> None:
    """Crawl, audit and detect, then print the suggested survey answers with their evidence. A run
    interrupted at any point (even killed) is finished with --resume RUN_ID."""
    reference_day = _as_of(as_of)
    if sum(x is not None for x in (url, site_id, resume)) + (url is None and country is not None) != 1:
        raise _fail(
            "give exactly one of: a URL (with or without --country), --country ISO3, --site ID, --resume RUN_ID",
            EXIT_BAD_INPUT,
        )
    _check_out_dir(out_dir)
    settings = replace(Settings.from_env(), time_budget_s=time_budget)
    selenium = _driver(driver, selenium_url, settings)
    if resume is not None:
        site, options = _resumable(settings, resume)
        _run(site, settings, out_dir, quiet, all_answers=True, sample=options, selenium=selenium, resume=resume)
        return
    sites = _sites_to_assess(settings, url, country, site_id, kind, max_pages)
    for n, site in enumerate(sites):
        _run(
            site,
            settings,
            out_dir / str(n) if len(sites) > 1 else out_dir,
            quiet,
            all_answers=True,
            selenium=selenium,
            as_of=reference_day,
        )


def _sites_to_assess(
    settings: Settings, url: str | None, country: str | None, site_id: int | None, kind: SiteKind, max_pages: int
) -> list[SiteConfig]:
    """The URL's site (registered if new), or the registered sites of the country or id; exit 2 when none."""
    if url is not None:
        try:
            start = check_start_url(url)
        except BadURL as exc:
            raise _fail(str(exc), EXIT_BAD_INPUT) from None
        try:
            return [site_for_url(start, country, kind, max_pages)]
        except SiteFileError as exc:
            raise _fail(str(exc), EXIT_BAD_INPUT) from None
    with Store(settings.database_url) as store:
        store.upgrade()
        sites = [r.config for r in store.registry.find(country=country, site_id=site_id)]
    if not sites:
        raise _fail(f"no registered site for {country or site_id}", EXIT_BAD_INPUT)
    return sites


@app.command()
def demo(
    out_dir: o.OutDir = Path("out/demo"),
    quiet: o.QuietAll = False,
) -> None:
    """Serve the bundled demo portals on 127.0.0.1, assess them and write their reports."""
    from govaudit.demo.server import DemoServer

    settings = Settings.from_env()
    with DemoServer.national() as national, DemoServer.city() as city:
        for server, name, kind, sub in (
            (national, "Valdoria national portal (demo)", SiteKind.NATIONAL_PORTAL, ""),
            (city, "Valdoria capital city portal (demo)", SiteKind.CITY_PORTAL, "city"),
        ):
            site = SiteConfig(
                name=name,
                start_urls=(server.base_url + "/",),
                country="VLD",
                kind=kind,
                languages=("en", "fr"),
                max_pages=300,
            )
            _run(site, settings, out_dir / sub if sub else out_dir, quiet)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database named by GOVAUDIT_DATABASE_URL (default sqlite:///govaudit.db)."""
    settings = Settings.from_env()
    with Store(settings.database_url) as store:
        store.upgrade()
    out.print(f"Database at {settings.database_url} is up to date.")


@app.command("show")
def show(
    report: Annotated[Path, typer.Argument(help="A report.json written by govaudit.")],
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write the report's formats again into this folder.")
    ] = None,
    formats: Annotated[str, typer.Option("--format", help="Formats to write with --out (default all).")] = "all",
    fail_on: Annotated[str, typer.Option(help="Gate the saved report as `audit` would (exit 1).")] = "none",
    baseline: Annotated[Path | None, typer.Option(help="A previous report.json for the gate.")] = None,
) -> None:
    """Print the summary of a report.json; optionally write its other formats again (CSV, SARIF, …)
    and gate it, without the database or a new crawl."""
    try:
        data = read_report(report)
        chosen = parse_formats(formats)
        known = load_baseline(baseline) if baseline else None
        threshold = fail_on.strip().lower() or "none"
        if baseline is not None and threshold == "none":
            threshold = "minor"  # as in `audit`: a baseline means "fail on anything new"
        gate = evaluate(data, threshold, known, str(baseline) if baseline else None) if threshold != "none" else None
    except MalformedReport as exc:  # it says which key is missing or wrong (an older schema's file, say)
        raise _fail(str(exc), EXIT_BAD_INPUT) from None
    except (UnknownFormat, BadBaseline, ValueError) as exc:
        raise _fail(f"{report}: {exc}", EXIT_BAD_INPUT) from None
    out.print_json(data=to_object(data.summary))
    if out_dir is not None:
        write_reports(data, out_dir, chosen)
    if gate is not None and gate.failed:
        _print_gate(gate)
        raise typer.Exit(EXIT_GATE_FAILED)


@app.command("report")
def report_country(
    country: Annotated[str, typer.Option(help="ISO 3166 alpha-3 code: every registered site of the country.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for dashboard.html and dashboard.json.")] = Path(
        "out/report"
    ),
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing but errors.")] = False,
) -> None:
    """Country dashboard from the database: the latest completed run of every site of the country,
    with its suggested answers and evidence, its accessibility summary and what changed since the
    site's previous run. Crawls nothing."""
    from reports.dashboard import build_dashboard, write_dashboard

    settings = Settings.from_env()
    with Store(settings.database_url) as store:
        store.upgrade()
        dashboard = build_dashboard(store, country)
    if not dashboard.sites:
        raise _fail(f"no registered site for {country.upper()}", EXIT_BAD_INPUT)
    paths = write_dashboard(dashboard, out_dir)
    if not quiet:
        table = Table("site", "run", "score", "WCAG issues", "new", "fixed", title=dashboard.country)
        for entry in dashboard.sites:
            score = entry.summary.score if entry.summary else None
            changes = entry.changes if entry.changes and entry.changes.previous_run else None
            table.add_row(
                entry.name,
                str(entry.run_id or "not assessed"),
                "–" if score is None else f"{score:g}",
                str(entry.history[-1].issues) if entry.history else "–",  # WCAG issues only
                str(len(changes.new_issues)) if changes else "–",
                str(len(changes.fixed_issues)) if changes else "–",
            )
        out.print(table)
        out.print("Dashboard: " + "  ".join(str(p) for p in paths.values()))


# Command groups kept in modules of their own: each registers itself on the app.
from govaudit import cli_eval, cli_sites, cli_web, cli_workers  # noqa: E402 - they import this module's app

for _group in (cli_eval, cli_web, cli_sites, cli_workers):
    _group.register(app)
