"""Assess the bundled demo portals of Valdoria (VLD) into a database: `python -m tests.web.make_demo_db URL`.

What `govaudit demo` does, minus the report files: the web tests need the suggested answers only. Run
in a subprocess so that every browser the assessment starts is gone when it returns. A WCAG-EM sample
instead of every page keeps it short on a loaded machine; the survey answers do not depend on it.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace

from crawler.site import SiteConfig, SiteKind
from govaudit.assessment import SampleOptions
from govaudit.demo.server import DemoServer
from govaudit.pipeline import assess_site
from govaudit.settings import Settings
from storage import Store

NATIONAL = "Valdoria national portal (demo)"
CITY = "Valdoria capital city portal (demo)"


async def _assess(url: str) -> None:
    settings = replace(Settings.from_env(), database_url=url)
    with Store(url) as store, DemoServer.national() as national, DemoServer.city() as city:
        store.upgrade()
        for server, name, kind in (
            (national, NATIONAL, SiteKind.NATIONAL_PORTAL),
            (city, CITY, SiteKind.CITY_PORTAL),
        ):
            site = SiteConfig(
                name=name,
                start_urls=(server.base_url + "/",),
                country="VLD",
                kind=kind,
                languages=("en", "fr"),
                max_pages=300,
            )
            await assess_site(site, store, settings, sample=SampleOptions(seed=7, ratio=0.0))


if __name__ == "__main__":
    asyncio.run(_assess(sys.argv[1]))
