"""Consultations per sector, upcoming and held, dated in the page's language and judged against the
past 12 months (OSI #096 #109 #125 #138 #167 #178 upcoming; #098 #111 #127 #140 #169 #180 held).

Read at page level, from the page's dated blocks (`PageContent.dated_blocks`: each consultation's row,
item or article kept apart by the crawler's parse): on a page whose title or headings name
consultations, every table row, list item and article that names a sector (lexicon `topic_*`) and
carries a date (written in any lexicon's language, or `<time datetime>`) is one consultation. It is
*upcoming* when a date is today or later (or it says "upcoming"/"open" and is dated within the year),
*held* when its last date is past and within 365 days; one that began within the 365 days and ends later
is being held, so both. On a page whose title names a sector ("Convention citoyenne sur le climat",
"Consultations on air quality"), that sector is every dated item's: a page about one consultation dates
it in an item ("Durée : d'octobre 2019 à janvier 2020") that does not repeat its subject. Site level
says "absent" for every code; a sighting on any page outranks it. EPI level: e-consultation.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from crawler.snapshot import PageContent
from rules.detectors.common import matched_terms, page_headings
from rules.detectors.dates import dates_in_text, iso_dates
from rules.findings import ABSENT, PRESENT
from rules.lexicon import Lexicons
from rules.module import Observation, PageView, RuleModule, SiteView, evidence_from

INSTRUMENT = "OSI-2024"
# sector → (topic concept, upcoming code, held code)
SECTORS = {
    "health": ("topic_health", "096", "098"),
    "education": ("topic_education", "109", "111"),
    "employment": ("topic_employment", "125", "127"),
    "social_protection": ("topic_social", "138", "140"),
    "environment": ("topic_environment", "167", "169"),
    "justice": ("topic_justice", "178", "180"),
}
WINDOW = timedelta(days=365)


def today() -> date:
    return date.today()


def consultation_page(lexicons: Lexicons, page: PageContent) -> bool:
    if matched_terms(lexicons, "consultation", page.title):
        return True
    return any(matched_terms(lexicons, "consultation", h) for h in page_headings(page))


def classify(lexicons: Lexicons, text: str, dates: list[date], now: date) -> tuple[str, ...]:
    """("upcoming",), ("held",), both for one running now that began within the year, or () (undated,
    or older than a year)."""
    if not dates:
        return ()
    if max(dates) >= now:
        return ("held", "upcoming") if min(dates) < now and now - min(dates) <= WINDOW else ("upcoming",)
    if now - max(dates) > WINDOW:
        return ()
    if matched_terms(lexicons, "status_upcoming", text) and not matched_terms(lexicons, "status_closed", text):
        return ("upcoming",)
    return ("held",)


class ConsultationsRule(RuleModule):
    id = "consultations"
    version = "1.0"
    title = "Consultations per sector, upcoming and held (past 12 months)"
    informs = {INSTRUMENT: tuple(code for _, up, held in SECTORS.values() for code in (up, held))}

    def check_page(self, page: PageView, lexicons: Lexicons) -> Iterable[Observation]:
        snap = page.snapshot
        if not snap.ok or not snap.is_html or not consultation_page(lexicons, snap):
            return ()
        now = page.as_of or today()
        found: dict[str, Observation] = {}
        for block in snap.dated_blocks:
            text = block.text
            dates = iso_dates(block.datetimes) or dates_in_text(text, lexicons)
            for when in classify(lexicons, text, dates, now):
                for sector, (concept, upcoming, held) in SECTORS.items():
                    code = upcoming if when == "upcoming" else held
                    terms = matched_terms(lexicons, concept, text) or matched_terms(lexicons, concept, snap.title)
                    if terms and code not in found:
                        found[code] = self._sighting(snap, text, code, when, sector, terms[0], dates, now)
        return list(found.values())

    @staticmethod
    def _sighting(
        snap: PageContent, text: str, code: str, when: str, sector: str, term: str, dates: list[date], now: date
    ) -> Observation:
        span = f"{min(dates).isoformat()} – {max(dates).isoformat()}"
        note = (
            f"A {when} {sector} consultation ({span}, judged on {now.isoformat()}; "
            f"sector named by '{term}'; EPI level: e-consultation)."
        )
        return Observation(PRESENT, 0.85, (evidence_from(snap, quote=text),), note, questions={INSTRUMENT: (code,)})

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        pages = site.ok_pages()
        if not pages:
            return []
        where = next((p for p in pages if matched_terms(site.lexicons, "consultation", p.title)), pages[0])
        now = site.as_of or today()
        note = (
            "No dated consultation naming this sector within the 12 months before "
            f"{now.isoformat()} on the {len(pages)} pages crawled."
        )
        return [
            Observation(ABSENT, 0.75, (evidence_from(where),), note, questions={INSTRUMENT: (code,)})
            for _, up, held in SECTORS.values()
            for code in (up, held)
        ]
