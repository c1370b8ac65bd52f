"""OSI #072: the portal was updated in the past month — a dated item (news, "last reviewed",
`<time datetime>`) or a trustworthy Last-Modified header within the last 31 days."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import ClassVar

from crawler.snapshot import PageContent
from rules.detectors.dates import dates_in_markup, dates_in_text, dates_without_year, http_date
from rules.findings import ABSENT, PRESENT
from rules.lexicon import Lexicons
from rules.module import Observation, PageView, RuleModule, SiteView, evidence_from

WINDOW = timedelta(days=31)
# A Last-Modified within this of the response's own Date is "now": the server stamps every
# response (dynamic pages), which says nothing about when the content changed.
GENERATED = timedelta(hours=1)


def recent(days: Iterable[date], today: date) -> date | None:
    """The most recent date not in the future and at most a month old."""
    return max((d for d in days if today - WINDOW <= d <= today), default=None)


def last_modified(page: PageContent) -> date | None:
    modified = http_date(page.header("last-modified"))
    if modified is None:
        return None
    served = http_date(page.header("date"))
    if served is not None and abs(served - modified) < GENERATED:
        return None
    return modified.date()


class UpdatedRule(RuleModule):
    id = "updated-past-month"
    version = "1.0"
    title = "Updated in the past month"
    informs = {"OSI-2024": ("072",)}
    today: ClassVar[Callable[[], date]] = date.today  # tests pin the day

    def check_page(self, page: PageView, lexicons: Lexicons) -> Iterable[Observation]:
        snap = page.snapshot
        markup = snap.dom or snap.html
        if snap.ok and markup and (day := recent(dates_in_markup(markup), page.as_of or type(self).today())):
            return [self._dated(snap, f'<time datetime="{day.isoformat()}">', day, 0.9)]
        return ()

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        pages = site.ok_pages()
        if not pages:
            return []
        today = site.as_of or type(self).today()
        for page in pages:
            if day := recent(dates_in_text(page.text, site.lexicons), today):
                return [self._dated(page, day.isoformat(), day, 0.85)]
        for page in pages:  # a day written without its year, in a year the page names
            if day := recent(dates_without_year(page.text, site.lexicons, today), today):
                return [self._dated(page, f"{day.isoformat()} (its year from the page)", day, 0.8)]
        stamped = [(p, d) for p in pages if (d := last_modified(p)) is not None]
        for page, day in stamped:
            if today - WINDOW <= day <= today:
                return [self._dated(page, f"Last-Modified {page.header('last-modified')}", day, 0.75)]
        dated = [d for p in pages for d in dates_in_text(p.text, site.lexicons) if d <= today]
        dated += [d for _, d in stamped]
        if dated:
            newest = max(dated)
            return [
                Observation(
                    ABSENT,
                    0.8,
                    (evidence_from(pages[0], quote=f"newest date {newest.isoformat()}"),),
                    f"The newest date on {len(pages)} pages is {newest.isoformat()}, more than a month before "
                    f"{today.isoformat()}.",
                )
            ]
        return [
            Observation(
                ABSENT,
                0.5,
                (evidence_from(pages[0]),),
                f"No dated content and no usable Last-Modified header on {len(pages)} pages.",
            )
        ]

    @staticmethod
    def _dated(page: PageContent, quote: str, day: date, confidence: float) -> Observation:
        return Observation(
            PRESENT,
            confidence,
            (evidence_from(page, quote=quote),),
            f"The page is dated {day.isoformat()}, within a month of the reference day.",
        )
