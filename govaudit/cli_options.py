"""The options the `audit`, `crawl`, `assess` and `demo` commands take, as annotated types: a
command's signature lists names and defaults, and an option shared by two commands is said once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crawler.crawl import RenderMode
from crawler.site import SiteKind
from govaudit.selenium_audit import Driver
from reports.gate import FAIL_ON_CHOICES
from reports.render import FORMATS

# Bounds on numbers typed by a user, checked before any work (a huge one overflowed the database's integers).
MAX_PAGES = 10_000_000
MAX_DEPTH = 1000
MAX_ID = 2**63 - 1

DRIVER_HELP = (
    "Browser automation that runs axe-core: playwright (axe-core and our own checks) or selenium "
    "(axe-core only; local chromedriver from GOVAUDIT_CHROMEDRIVER, default /usr/bin/chromedriver)."
)
SELENIUM_URL_HELP = (
    "A Selenium Grid or remote WebDriver endpoint, e.g. http://localhost:4444 (implies --driver selenium)."
)
AS_OF_HELP = (
    "The day time-relative rules judge against (updated in the past month, consultations in the past "
    "12 months), as YYYY-MM-DD: for a dated copy of a site. Default: the day of the crawl."
)

# Shared by several commands.
MaxPages = Annotated[int, typer.Option(min=1, max=MAX_PAGES, help="Stop after this many pages.")]
MaxDepth = Annotated[int, typer.Option(min=0, max=MAX_DEPTH, help="Clicks from the start page.")]
OutDir = Annotated[Path, typer.Option("--out", help="Folder for the reports.")]
QuietAll = Annotated[bool, typer.Option("--quiet", help="No progress bar or summary.")]
QuietBar = Annotated[bool, typer.Option("--quiet", help="No progress bar.")]
DriverOption = Annotated[Driver | None, typer.Option(help=DRIVER_HELP, show_default="playwright")]
SeleniumURL = Annotated[str | None, typer.Option(metavar="URL", help=SELENIUM_URL_HELP)]
RunBudget = Annotated[
    float | None, typer.Option(min=1, help="Seconds for the whole run; the crawl stops at 60 % of them.")
]
AsOf = Annotated[str | None, typer.Option("--as-of", metavar="DATE", help=AS_OF_HELP)]

# `audit`
AuditURL = Annotated[
    str | None, typer.Argument(help="Start URL, e.g. https://www.gov.example/ (default: the config's start-urls)")
]
Country = Annotated[str, typer.Option(help="ISO 3166 alpha-3 code of the country.")]
Kind = Annotated[SiteKind, typer.Option(help="What kind of site this is.")]
Sample = Annotated[bool, typer.Option("--sample", help="Audit a WCAG-EM sample instead of every page.")]
Seed = Annotated[int | None, typer.Option(help="Seed of the sample's random part (to redraw one).")]
SampleRatio = Annotated[float, typer.Option(min=0.0, max=1.0, help="Random share of the sample.")]
Formats = Annotated[str, typer.Option("--format", help=f"Comma-separated, of: {','.join(FORMATS)}; or all.")]
FailOn = Annotated[
    str,
    typer.Option(
        help="Exit 1 when a WCAG failure of this impact or worse is found: "
        f"{'|'.join(FAIL_ON_CHOICES)}, optionally LEVEL+best-practice to gate best-practice failures "
        "too. Default none (minor when --baseline is given)."
    ),
]
Baseline = Annotated[Path | None, typer.Option(help="A previous report.json: only issues not in it fail the gate.")]
AuditJSON = Annotated[bool, typer.Option("--json", help="Print the summary (and gate) as JSON on stdout.")]
Standard = Annotated[
    str,
    typer.Option(
        help="The standard to audit against: wcag22 (4.1.1 Parsing is obsolete there), wcag21, wcag20 "
        "or en301549 (EN 301 549 v3.2.1: WCAG 2.1 AA). Selects the criteria that count and axe-core's tags."
    ),
]
Fresh = Annotated[
    bool,
    typer.Option(
        "--fresh",
        help="Audit every page again. Without it a page unchanged since the last run (same document, "
        "stylesheets, scripts and engine versions) keeps its results.",
    ),
]
ResumeAudit = Annotated[
    int | None, typer.Option(min=1, max=MAX_ID, help="Finish an interrupted audit (its run id) instead.")
]
ConfigFile = Annotated[
    Path | None,
    typer.Option(
        "--config", help="A govaudit.toml (default: ./govaudit.toml, or [tool.govaudit] in ./pyproject.toml)."
    ),
]
Register = Annotated[
    bool, typer.Option("--register", help="Add the site to the registry (sites list, assess --country, nightly).")
]
NoScreenshots = Annotated[bool, typer.Option("--no-screenshots", help="Take no screenshots of the failing elements.")]

# `crawl`
CrawlURL = Annotated[str | None, typer.Argument(help="Start URL, e.g. https://www.gov.example/")]
Render = Annotated[RenderMode, typer.Option(help="When to render pages in Chromium.")]
Concurrency = Annotated[int, typer.Option(min=1, max=1000, help="Requests in flight at once.")]
PerHost = Annotated[int, typer.Option(min=1, max=1000, help="Requests in flight to one host at once.")]
CrawlBudget = Annotated[float | None, typer.Option(min=1, help="Stop after this many seconds (resumable).")]
MaxBytes = Annotated[int, typer.Option(min=1024, max=2**40, help="Largest response body to read.")]
OfficialHops = Annotated[int, typer.Option(min=0, max=MAX_DEPTH, help="Clicks onto other official gov domains.")]
CrawlJSON = Annotated[bool, typer.Option("--json", help="Print a machine-readable summary on stdout.")]
ResumeCrawl = Annotated[int | None, typer.Option(min=1, max=MAX_ID, help="Finish an interrupted run (its id) instead.")]
SitemapLastmod = Annotated[
    bool, typer.Option(help="On a recrawl, do not request pages the sitemap's lastmod says are unchanged.")
]
RevisitAfter = Annotated[
    str | None, typer.Option(help="On a recrawl, do not request pages requested less than this ago (12h, 7d).")
]

# `assess`
AssessURL = Annotated[str | None, typer.Argument(help="A start URL to assess (registered if new).")]
AssessCountry = Annotated[
    str | None, typer.Option(help="ISO3: with a URL, the site's country; alone, every registered site of it.")
]
SiteID = Annotated[int | None, typer.Option("--site", min=1, max=MAX_ID, help="Assess one registered site by its id.")]
AssessKind = Annotated[SiteKind, typer.Option(help="Kind of site, for a URL.")]
PageBudget = Annotated[int, typer.Option(min=1, max=MAX_PAGES, help="Page budget, for a URL.")]
ResumeAssess = Annotated[
    int | None, typer.Option(min=1, max=MAX_ID, help="Finish an interrupted assessment (its run id) instead.")
]
