"""Run the rules over a site without a browser and give a report-shaped dict for the evaluator.

Crawl (fetch + parse, no rendering) → every registered rule module (page and site level) →
deciders, exactly as the pipeline chains them, minus storage and the browser audits: fast enough to
run per test module. What needs a browser (375 px reflow, axe) stays not_tested here.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from crawler.addresses import AddressGuard
from crawler.crawl import Crawler, CrawlSettings, RenderMode
from crawler.fetch import Fetcher, FetchSettings
from crawler.robots import RobotsCache
from crawler.site import SiteConfig
from rules.decide import decide
from rules.engine import RuleEngine, instruments_for, load_modules
from rules.findings import SuggestedAnswer
from rules.instruments import load_instrument
from rules.lexicon import Lexicons
from rules.module import PageView, SiteView

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "sites"


class _StaticHandler(SimpleHTTPRequestHandler):
    """Files as they are, without Last-Modified: a checkout's file times say nothing about when
    the content was written, and would make "updated in the past month" depend on the copy."""

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() != "last-modified":
            super().send_header(keyword, value)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1; yields the base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_StaticHandler, directory=str(folder)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def answer_dict(answer: SuggestedAnswer) -> dict[str, Any]:
    """The fields of report.json's answers that the evaluator reads."""
    return {
        "instrument": answer.instrument,
        "question": answer.question,
        "value": answer.value,
        "outcome": str(answer.outcome),
        "confidence": answer.confidence,
        "raw_confidence": answer.raw_confidence,
        "cue": answer.cue,
        "rationale": answer.rationale,
        "evidence": [{"url": e.url, "quote": e.quote, "depth": e.depth} for e in answer.evidence],
    }


async def _assess(site: SiteConfig, as_of: date | None = None) -> dict[str, Any]:
    guard = AddressGuard(allowed_hosts=site.scope_hosts, allow_private=True)
    instruments = instruments_for(site.kind)
    engine = RuleEngine(load_modules(), instruments)
    lexicons = Lexicons.load()
    findings = []
    async with Fetcher(guard, FetchSettings(timeout_s=5, deadline_s=15, retries=0)) as fetcher:
        crawler = Crawler(
            site,
            fetcher,
            RobotsCache(fetcher),
            None,
            (),
            CrawlSettings(render=RenderMode.NEVER, concurrency=8, per_host=8, use_sitemaps=False),
        )
        pages = []
        async for crawled in crawler.crawl():
            pages.append(replace(crawled.snapshot, html="", dom=None))
            findings += engine.check_page(PageView(crawled.snapshot, as_of=as_of), lexicons)
        findings += await engine.check_site(SiteView(site, pages, lexicons, fetch=crawler.probe, as_of=as_of))
    answers = [a for key in instruments for a in decide(load_instrument(key), findings, engine.covered())]
    return {"pages": [p.final_url for p in pages], "answers": [answer_dict(a) for a in answers]}


def assess(site: SiteConfig, as_of: date | None = None) -> dict[str, Any]:
    """`as_of`: the day time-relative rules judge against (a dated copy's own day)."""
    return asyncio.run(_assess(site, as_of))
