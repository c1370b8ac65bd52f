"""The audit sample's pages go through the browser as many at a time as the crawl's pages do."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from audits.sampling import Sample
from crawler.render import PageInspector, RenderOutcome, ServedDocument
from crawler.snapshot import PageSnapshot, ScanStatus
from govaudit.assessment import Assessment, SampleOptions

URLS = [f"https://gov.example/page-{i}" for i in range(10)]


class CountingRenderer:
    concurrency = 3

    def __init__(self) -> None:
        self.in_flight = self.most_in_flight = 0
        self.rendered: list[str] = []

    async def render(
        self, url: str, inspectors: Sequence[PageInspector] = (), served: ServedDocument | None = None
    ) -> RenderOutcome:
        assert served is not None and served.body.decode() == f"<p>{url}</p>"  # the HTML fetched in the crawl
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0.01)
        self.in_flight -= 1
        self.rendered.append(url)
        return RenderOutcome(final_url=url, dom="<p></p>", render_ms=10.0)


class RecordingAssessment(Assessment):
    """No store: what would be recorded is kept here. URLS[0] was rendered during the crawl."""

    def __init__(self) -> None:
        self.html = {url: f"<p>{url}</p>" for url in URLS}  # type: ignore[assignment]
        self.recorded: dict[str, str] = {}

    def draw_sample(self, pages: Sequence[PageSnapshot], options: SampleOptions) -> Sample:
        return Sample(urls=list(URLS), reasons={url: "random" for url in URLS}, seed=1)

    def add_rendered(
        self, url: str, render_ms: float, reason: str, results: Sequence[Any], measurements: Mapping | None = None
    ) -> None:
        self.recorded[url] = reason


def test_sample_pages_are_rendered_as_many_at_a_time_as_the_browser_takes() -> None:
    assessment, renderer = RecordingAssessment(), CountingRenderer()
    crawled = [PageSnapshot(URLS[0], URLS[0], 0, ScanStatus.OK, dom="<p></p>")]
    sample = asyncio.run(assessment.audit_sample(crawled, SampleOptions(), renderer, ()))  # type: ignore[arg-type]
    assert sample.urls == URLS
    assert renderer.most_in_flight == renderer.concurrency
    assert sorted(renderer.rendered) == sorted(URLS[1:])  # each once; the page already rendered is not
    assert assessment.recorded == {url: "audit sample: random" for url in URLS[1:]}
