"""OSI #004 / LOSI #207: advanced search — a link to it, or a search form (on the portal or on its
results page) with filters besides the query box (selects, dates, checkboxes…)."""

from __future__ import annotations

from collections.abc import Iterable

from crawler.snapshot import FormSnapshot, PageContent
from rules.detectors.common import concept_links
from rules.detectors.search import probe_word, query_url, search_form
from rules.findings import ABSENT, PRESENT
from rules.module import Observation, RuleModule, SiteView, evidence_from

FILTER_TYPES = frozenset({"select", "date", "datetime-local", "month", "checkbox", "radio", "number", "text"})
MIN_FILTERS = 2  # one extra box is often a hidden language or a second query box; two are filters
PAGES_READ = 30


def filters(form: FormSnapshot, query_field: str) -> list[str]:
    """The fields of a search form that narrow the search (not the query box, not hidden ones)."""
    return [f.name or f.type for f in form.fields if f.type in FILTER_TYPES and f.name != query_field]


def filtered_search(page: PageContent) -> tuple[FormSnapshot, list[str]] | None:
    found = search_form(page)
    if found is None:
        return None
    form, field = found
    narrowing = filters(form, field)
    return (form, narrowing) if len(narrowing) >= MIN_FILTERS else None


class AdvancedSearchRule(RuleModule):
    id = "advanced-search"
    version = "1.0"
    title = "Advanced search"
    informs = {"OSI-2024": ("004",), "LOSI-2024": ("207",)}

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        pages = site.ok_pages()[:PAGES_READ]
        if not pages:
            return []
        if links := concept_links(site, "advanced_search", limit=1):
            candidate = links[0]
            page = candidate.target or candidate.page
            return [
                Observation(
                    PRESENT,
                    0.9 if candidate.target is not None else 0.8,
                    (evidence_from(page, quote=candidate.link.text),),
                    f"A link reads '{candidate.link.text}'.",
                )
            ]
        for page in pages:
            if found := filtered_search(page):
                return [self._filters(page, found[1])]
        # Many portals show their filters on the results page only: run one search to see it.
        first = next(((p, f) for p in pages if (f := search_form(p))), None)
        if first is not None:
            results = await site.fetch(query_url(first[1][0], first[1][1], probe_word(site)))
            if results.ok and (found := filtered_search(results)):
                return [self._filters(results, found[1])]
        return [
            Observation(
                ABSENT,
                0.8,
                (evidence_from(first[0] if first else pages[0]),),
                "No advanced-search link, and no search form with filters (here or on the results page).",
            )
        ]

    @staticmethod
    def _filters(page: PageContent, narrowing: list[str]) -> Observation:
        return Observation(
            PRESENT,
            0.85,
            (evidence_from(page, quote=", ".join(narrowing[:5])),),
            f"The search form has {len(narrowing)} filters besides the query box.",
        )
