"""Recrawl of an unchanged site against the first crawl of it, same database, one run each.

    .venv/bin/python bench/crawl_recrawl.py [--pages 2000] [--concurrency 2]

The templated site serves ETag and Last-Modified on every page, 304 to a matching conditional GET,
and a sitemap whose `<lastmod>` says when each page last changed. Two pairs of `govaudit crawl`
runs, each pair on its own database:

- sitemap lastmod trusted (the default): a recrawl requests robots.txt, the sitemaps and the start
  page; every other page the sitemap calls unchanged is carried forward without a request.
- conditional GET only (`--no-sitemap-lastmod`): every known page is asked with If-None-Match and
  answered 304, one round trip per page.

Target: the recrawl takes <= 0.1x the first crawl's time. The script prints each pair's times, the
ratios, the statuses and how many pages went without a request (`not_modified` with no status code).
"crawl" is the time govaudit reports for the run (start-up and the JSON summary left out); "CPU" is
govaudit's own CPU over that run, which other jobs on a shared machine inflate far less than the clock.
`--repeat N` runs the pairs N times, interleaved, each printed (never averaged).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawl_common import CrawlRun, govaudit_crawl, machine, templated_site

MODES = {
    "sitemap lastmod trusted (default)": (),
    "conditional GET only (--no-sitemap-lastmod)": ("--no-sitemap-lastmod",),
}


def pair(url: str, pages: int, concurrency: int, extra: tuple[str, ...]) -> tuple[CrawlRun, CrawlRun]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "recrawl.db"
        first = govaudit_crawl(url, pages, concurrency, database=db)
        second = govaudit_crawl(url, pages, concurrency, database=db, extra=extra)
    return first, second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="run the pairs this many times, interleaved")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with templated_site(args.pages) as url:
        for n in range(1, args.repeat + 1):
            for label, extra in MODES.items():
                first, second = pair(url, args.pages, args.concurrency, extra)
                print(f"{label}{f', pair {n}' if args.repeat > 1 else ''}:")
                for name, run in (("first crawl:", first), ("recrawl:    ", second)):
                    print(
                        f"  {name} {run.pages} pages in {run.crawl_seconds:.2f} s crawl, {run.cpu_seconds:.2f} s CPU "
                        f"({run.seconds:.1f} s wall), statuses {run.by_status}, {run.not_requested} not requested"
                    )
                print(
                    f"  ratio recrawl/first: {second.crawl_seconds / first.crawl_seconds:.3f}x crawl time, "
                    f"{second.cpu_seconds / first.cpu_seconds:.3f}x CPU, {second.seconds / first.seconds:.2f}x wall "
                    "(target <= 0.1x crawl time)",
                    flush=True,
                )


if __name__ == "__main__":
    main()
