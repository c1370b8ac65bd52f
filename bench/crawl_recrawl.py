"""Recrawl of an unchanged site against the first crawl of it, same database, one run each.

    .venv/bin/python bench/crawl_recrawl.py [--pages 2000] [--concurrency 2]

The second `govaudit crawl` of the same, unchanged templated site (ETag and Last-Modified on every
page, 304 to a matching conditional GET) should take <= 0.1x the first one's time: unchanged pages
are neither downloaded nor parsed again. The script prints both times, the ratio, and the statuses
of the second crawl (`not_modified` shows the incremental path was taken).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawl_common import govaudit_crawl, machine, templated_site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp, templated_site(args.pages) as url:
        db = Path(tmp) / "recrawl.db"
        first = govaudit_crawl(url, args.pages, args.concurrency, database=db)
        second = govaudit_crawl(url, args.pages, args.concurrency, database=db)
    print(f"first crawl:  {first.pages} pages in {first.crawl_seconds:.1f} s crawl ({first.seconds:.1f} s wall)")
    print(
        f"second crawl: {second.pages} pages in {second.crawl_seconds:.1f} s crawl ({second.seconds:.1f} s wall), "
        f"statuses {second.by_status}"
    )
    print(
        f"ratio second/first: {second.crawl_seconds / first.crawl_seconds:.2f}x crawl time, "
        f"{second.seconds / first.seconds:.2f}x wall (target <= 0.1x)"
    )
    if not second.by_status.get("not_modified"):
        print("note: no page came back not_modified: incremental recrawl is not active in `govaudit crawl` yet")


if __name__ == "__main__":
    main()
