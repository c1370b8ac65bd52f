"""Small look-ups several detectors share."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.snapshot import Link, PageSnapshot
from crawler.urls import in_scope
from rules.module import SiteView


@dataclass(frozen=True, slots=True)
class ConceptLink:
    page: PageSnapshot  # the page the link is on
    link: Link
    term: str
    target: PageSnapshot | None  # the crawled page it leads to, when the crawl reached it


def concept_links(site: SiteView, concept: str, *, limit: int = 20) -> list[ConceptLink]:
    """Links whose text names `concept` in any lexicon, from the pages nearest home first."""
    found: list[ConceptLink] = []
    seen: set[str] = set()
    for page in site.ok_pages():
        for link in page.fetchable_links:
            if link.url in seen or "alternate" in link.rel.split():
                continue
            term = site.lexicons.matches(concept, link.text, page.language)
            if term:
                seen.add(link.url)
                found.append(ConceptLink(page, link, term, site.page(link.url)))
                if len(found) >= limit:
                    return found
    return found


def internal_links(page: PageSnapshot, hosts: frozenset[str]) -> set[str]:
    return {link.url for link in page.fetchable_links if in_scope(link.url, hosts)}


def headings_text(page: PageSnapshot) -> str:
    """Title plus the start of the text: where a page says what it is."""
    return f"{page.title} {page.text[:400]}"
