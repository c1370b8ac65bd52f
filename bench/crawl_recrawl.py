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
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with templated_site(args.pages) as url:
        for label, extra in MODES.items():
            first, second = pair(url, args.pages, args.concurrency, extra)
            print(f"{label}:")
            print(
                f"  first crawl:  {first.pages} pages in {first.crawl_seconds:.2f} s crawl ({first.seconds:.1f} s wall)"
            )
            print(
                f"  recrawl:      {second.pages} pages in {second.crawl_seconds:.2f} s crawl ({second.seconds:.1f} s "
                f"wall), statuses {second.by_status}, {second.not_requested} not requested"
            )
            print(
                f"  ratio recrawl/first: {second.crawl_seconds / first.crawl_seconds:.3f}x crawl time, "
                f"{second.seconds / first.seconds:.2f}x wall (target <= 0.1x crawl time)",
                flush=True,
            )


if __name__ == "__main__":
    main()
