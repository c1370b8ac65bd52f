"""`govaudit crawl --render never` against Scrapy on the same templated site, one run side by side.

    .venv/bin/python bench/crawl_vs_scrapy.py [--pages 5000] [--concurrency 2]

Scrapy comes from PyPI into bench/.venv-scrapy (created on first run, git-ignored): it is never a
dependency of govaudit. Both crawlers get the same start URL, the same concurrency (in total and per
host), no delays, no autothrottle, unlimited depth and the same page cap. Scrapy does not read
robots.txt; govaudit does (the site allows everything: one extra request). Scrapy extracts links
with its LinkExtractor and keeps nothing; govaudit also parses text, forms and language and stores
every page in SQLite. Target: govaudit >= 1.0x Scrapy's pages/s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawl_common import BENCH, TreeSampler, govaudit_crawl, machine, templated_site

VENV = BENCH / ".venv-scrapy"
SPIDER = """
import json
import scrapy
from scrapy.linkextractors import LinkExtractor


class BenchSpider(scrapy.Spider):
    name = "bench"

    def __init__(self, start: str, out: str, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start]
        self.out = out
        self.links = LinkExtractor()  # the site links only to itself

    def parse(self, response):
        for link in self.links.extract_links(response):
            yield response.follow(link, callback=self.parse)

    def closed(self, reason):
        stats = self.crawler.stats.get_stats()
        with open(self.out, "w") as handle:
            json.dump({"reason": reason, "pages": stats.get("response_received_count", 0),
                       "seconds": stats.get("elapsed_time_seconds")}, handle)
"""


def scrapy_python() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        print("creating bench/.venv-scrapy with Scrapy from PyPI ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "scrapy"], check=True)
    return python


def scrapy_crawl(url: str, pages: int, concurrency: int) -> tuple[int, float, float, float, str]:
    """Pages, wall seconds, Scrapy's own elapsed seconds, peak PSS (MB), Scrapy version."""
    python = scrapy_python()
    version = subprocess.run(
        [str(python), "-c", "import scrapy; print(scrapy.__version__)"], capture_output=True, text=True, check=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        spider, out = Path(tmp) / "spider.py", Path(tmp) / "stats.json"
        spider.write_text(SPIDER)
        settings = {
            "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "ROBOTSTXT_OBEY": False,
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOAD_DELAY": 0,
            "DEPTH_LIMIT": 0,
            "CLOSESPIDER_PAGECOUNT": pages,
            "LOG_LEVEL": "WARNING",
            "TELNETCONSOLE_ENABLED": False,
        }
        command = [str(python), "-m", "scrapy", "runspider", str(spider), "-a", f"start={url}", "-a", f"out={out}"]
        for key, value in settings.items():
            command += ["-s", f"{key}={value}"]
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=tmp, env=dict(os.environ, PYTHONWARNINGS="ignore"))
        with TreeSampler(process.pid) as sampler:
            process.wait()
        seconds = time.perf_counter() - started
        if process.returncode != 0 or not out.exists():
            raise RuntimeError(f"scrapy failed ({process.returncode})")
        stats = json.loads(out.read_text())
    return int(stats["pages"]), seconds, float(stats["seconds"] or seconds), sampler.peak_kb / 1024, version


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with templated_site(args.pages) as url:
        ours = govaudit_crawl(url, args.pages, args.concurrency)
        s_pages, s_wall, s_own, s_pss, version = scrapy_crawl(url, args.pages, args.concurrency)
    ours_rate, s_rate = ours.pages / ours.seconds, s_pages / s_wall
    print(f"site: {args.pages} templated pages (~22 KB, ~45 links each), concurrency {args.concurrency}")
    print(
        f"govaudit: {ours.pages} pages in {ours.seconds:.1f} s wall ({ours.crawl_seconds:.1f} s crawl): "
        f"{ours_rate:.0f} pages/s, peak PSS {ours.peak_pss_mb:.0f} MB, statuses {ours.by_status}"
    )
    print(
        f"scrapy {version}: {s_pages} pages in {s_wall:.1f} s wall ({s_own:.1f} s crawl): "
        f"{s_rate:.0f} pages/s, peak PSS {s_pss:.0f} MB"
    )
    print(
        f"ratio govaudit/scrapy (pages/s, wall): {ours_rate / s_rate:.2f}x; crawl time only: "
        f"{(ours.pages / ours.crawl_seconds) / (s_pages / s_own):.2f}x (target >= 1.0x)"
    )


if __name__ == "__main__":
    main()
