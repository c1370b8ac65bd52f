"""Small look-ups several detectors share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from crawler.snapshot import Link, PageContent
from crawler.urls import in_scope
from crawler.yaml_data import load_yaml
from rules.findings import PRESENT
from rules.lexicon import Lexicons, fold, term_pattern
from rules.module import Observation, SiteView, evidence_from

# The term is at least this share of a section link's text ("Privacy Policy", not "Privacy and you").
NAMED_SHARE = 0.5
SECTION_UNREACHED = 0.75


@dataclass(frozen=True, slots=True)
class ConceptLink:
    page: PageContent  # the page the link is on
    link: Link
    term: str
    target: PageContent | None  # the crawled page it leads to, when the crawl reached it


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
                target = site.page(link.url)
                if broken(target):
                    continue  # a link to a missing page is not the feature
                found.append(ConceptLink(page, link, term, target))
                if len(found) >= limit:
                    return found
    return found


def named_section_link(found: ConceptLink, lexicons: Lexicons, concept: str) -> bool:
    """A link named just for the section ("Privacy Policy", "Site Map"), outside running content,
    whose page the crawl did not reach (out of scope, over budget, not in a copy): a site's own
    section link, not a page that was read and found wanting."""
    if found.target is not None or found.link.region == "article":
        return False
    text = fold(found.link.text).strip()
    longest = max((len(fold(t)) for t in matched_terms(lexicons, concept, found.link.text)), default=0)
    return longest / max(len(text), 1) >= NAMED_SHARE


def unreached_section(candidates: Iterable[ConceptLink], lexicons: Lexicons, concept: str) -> Observation | None:
    """The first candidate that is a section link named so, its page not reached (`named_section_link`):
    present, less surely than a page read."""
    for found in candidates:
        if named_section_link(found, lexicons, concept):
            return Observation(
                PRESENT,
                SECTION_UNREACHED,
                (evidence_from(found.page, quote=f"{found.link.text} → {found.link.url}"),),
                f"A link named '{found.link.text}'; its page was not reached.",
            )
    return None


def broken(target: PageContent | None) -> bool:
    """The crawl reached the page and the server said it does not exist."""
    return target is not None and target.status_code in (404, 410)


def internal_links(page: PageContent, hosts: frozenset[str]) -> set[str]:
    return {link.url for link in page.fetchable_links if in_scope(link.url, hosts)}


def headings_text(page: PageContent) -> str:
    """Title plus the start of the text: where a page says what it is."""
    return f"{page.title} {page.text[:400]}"


@lru_cache(maxsize=4096)
def folded(text: str) -> str:
    """`fold(text)`, remembered: every row of the concept table reads the same page texts."""
    return fold(text)


@lru_cache(maxsize=8192)
def _needle(term: str) -> str:
    return fold(term)


def matched_terms(lexicons: Lexicons, concept: str, text: str) -> list[str]:
    """Every distinct term of `concept`, in any lexicon, that `text` contains (case- and accent-folded)."""
    if len(text) <= _REMEMBERED_TEXT:
        return list(_remembered_terms(lexicons, concept, text))
    return list(_terms_in(lexicons, concept, text))


# Link texts and titles are short and asked about by all 64 rows of the concept table: their answers
# are remembered. Page texts are not: a cache holding thousands of them would hold megabytes.
_REMEMBERED_TEXT = 300


@lru_cache(maxsize=65536)
def _remembered_terms(lexicons: Lexicons, concept: str, text: str) -> tuple[str, ...]:
    return _terms_in(lexicons, concept, text)


def _terms_in(lexicons: Lexicons, concept: str, text: str) -> tuple[str, ...]:
    haystack = folded(text)
    found: dict[str, str] = {}
    for needle, term, language in _needles(lexicons, concept):
        # The substring test first: most terms are absent, and it costs far less than the regex.
        if needle in found or needle not in haystack:
            continue
        if term_pattern(needle, language).search(haystack):
            found[needle] = term
    return tuple(found.values())


@lru_cache(maxsize=1024)
def _needles(lexicons: Lexicons, concept: str) -> tuple[tuple[str, str, str], ...]:
    """(term folded, term, its language) for every term of `concept` in every lexicon, in lexicon order:
    folded once, not on each of the hundreds of thousands of texts a large site asks about."""
    return tuple((_needle(term), term, lexicon.language) for lexicon in lexicons.by_language.values()
                 for term in lexicon.terms(concept))  # fmt: skip


def first_term(lexicons: Lexicons, concept: str, text: str) -> str | None:
    terms = matched_terms(lexicons, concept, text)
    return terms[0] if terms else None


SECTION_HEADINGS = ("h1", "h2", "h3")


def page_headings(page: PageContent, *, levels: Iterable[str] = SECTION_HEADINGS) -> list[str]:
    """The headings of the page's own content (`PageContent.headings`: not those of its header, footer,
    nav or aside) at these levels ("caption" too for a table's), in document order."""
    wanted = frozenset(levels)
    return [heading.text for heading in page.headings if heading.tag in wanted]


@cache
def signals(name: str) -> dict[str, Any]:
    """A data file of rules/signals/ (hosts, fingerprints, names)."""
    data = load_yaml(resources.files("rules.signals").joinpath(f"{name}.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"rules/signals/{name}.yaml: expected a mapping")
    return data


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def host_matches(url: str, hosts: Iterable[str]) -> str | None:
    """The entry of `hosts` that `url` is on (the host itself or a subdomain; an entry with a path
    such as "gov.gr/ipiresies" must also match the start of the path)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    for entry in hosts:
        entry_host, _, entry_path = entry.lower().partition("/")
        if (host == entry_host or host.endswith("." + entry_host)) and parts.path.lower().startswith("/" + entry_path):
            return entry
    return None


def links_to_hosts(page: PageContent, hosts: Iterable[str]) -> list[tuple[Link, str]]:
    """Links of `page` to one of `hosts`, with the host entry each one matched."""
    wanted = tuple(hosts)
    return [(link, entry) for link in page.fetchable_links if (entry := host_matches(link.url, wanted))]


def snippet(text: str, term: str, width: int = 120) -> str:
    """A short quote of `text` around the first occurrence of `term` (folding keeps offsets for
    Latin scripts, which is what the quote is for; elsewhere it is approximate)."""
    at = folded(text).find(fold(term))
    if at < 0:
        return text[:width]
    start = max(0, at - width // 3)
    return text[start : start + width].strip()
