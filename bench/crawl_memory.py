"""Peak memory (PSS of the process tree) of `govaudit crawl --render never` on a small and a large site.

    .venv/bin/python bench/crawl_memory.py [--small 1000] [--large 50000] [--concurrency 2]

PSS from /proc/PID/smaps_rollup, summed over the process and its children, sampled every 0.1 s
(summed RSS would count shared pages twice). A crawler whose memory grows with the site (a frontier,
a seen-set or the pages kept in memory) fails the target: peak on the large site <= 1.3x the small.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawl_common import govaudit_crawl, machine, templated_site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=50_000)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    runs = {}
    for pages in (args.small, args.large):
        with templated_site(pages) as url:
            run = govaudit_crawl(url, pages, args.concurrency)
        runs[pages] = run
        print(
            f"{pages} pages: {run.pages} crawled in {run.seconds:.0f} s ({run.pages / run.seconds:.0f} pages/s), "
            f"peak PSS {run.peak_pss_mb:.0f} MB",
            flush=True,
        )
    ratio = runs[args.large].peak_pss_mb / runs[args.small].peak_pss_mb
    print(f"ratio peak PSS {args.large} / {args.small} pages: {ratio:.2f}x (target <= 1.3x)")


if __name__ == "__main__":
    main()
