"""Page sampling in the style of WCAG-EM and EU Implementing Decision 2018/1524: a structured
sample (home, login, sitemap, contact, help, legal, accessibility statement, search results, one
page per template and per service type, one document) plus a seeded random share of the rest, then
risk-based pages: a greedy set cover of the static pre-scan candidates (audits/prescan.py) the pages so
far do not show, the way an auditor adds the page with the one unlabelled form or image without alt.

The seed is returned with the sample and stored, so the same crawl and seed give the same sample."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from audits.checks.common import load_data
from audits.prescan import label, tier
from audits.templates import cluster
from crawler.snapshot import PageSnapshot

Lexicon = Mapping[str, Any]  # audits/data/sampling_lexicon.yaml: kind → phrases, and the document extensions
_SEPARATORS = re.compile(r"[\s/_\-.+,;:|()\[\]«»\"'!?]+")
_SEARCH_PARAMS = frozenset({"q", "query", "search", "s", "keywords", "recherche", "buscar", "suche"})


@dataclass(frozen=True, slots=True)
class Sample:
    """`urls` in the order chosen (structured part first); `reasons` says why each is in."""

    urls: list[str]
    reasons: dict[str, str]
    seed: int
    population: int = 0  # pages the sample was drawn from
    random_count: int = 0
    structured_kinds: dict[str, str] = field(default_factory=dict)  # kind → url
    coverage_count: int = 0  # pages added to cover pre-scan candidates
    candidate_keys: int = 0  # distinct pre-scan candidate keys on the site
    uncovered: list[str] = field(default_factory=list)  # candidate keys left out by the cap


def default_lexicon() -> Lexicon:
    loaded: Lexicon = load_data("sampling_lexicon.yaml")
    return loaded


def _words(text: str) -> str:
    return " " + " ".join(_SEPARATORS.split(unquote(text).lower())).strip() + " "


def _haystack(page: PageSnapshot) -> str:
    parts = urlsplit(page.final_url or page.requested_url)
    path = re.sub(r"\.(html?|php|aspx?|jsp)$", "", parts.path)
    return _words(path) + _words(page.title)


def _matches(haystack: str, phrases: Sequence[str]) -> bool:
    return any(_words(p) in haystack for p in phrases)


def _is_search_results(page: PageSnapshot) -> bool:
    query = parse_qs(urlsplit(page.final_url).query)
    return any(key.lower() in _SEARCH_PARAMS for key in query)


def _is_document(page: PageSnapshot, extensions: Sequence[str]) -> bool:
    if page.content_type and not page.is_html:
        return True
    path = urlsplit(page.final_url).path.lower()
    return any(path.endswith("." + ext) for ext in extensions)


def _rank(page: PageSnapshot) -> tuple[int, int, str]:
    """Shallowest, then shortest URL: the canonical page of its kind rather than a deep copy."""
    return (page.depth, len(page.final_url), page.final_url)


def _structural(
    html_pages: Sequence[PageSnapshot], structural: Mapping[str, Sequence[str]], haystacks: Mapping[int, str]
) -> dict[str, PageSnapshot]:
    """The first page (shallowest) of each structural kind: contact, help, accessibility …"""
    found: dict[str, PageSnapshot] = {}
    for kind, phrases in structural.items():
        page = next((p for p in html_pages if kind == "search" and _is_search_results(p)), None) or next(
            (p for p in html_pages if _matches(haystacks[id(p)], phrases)), None
        )
        if page is not None:
            found[kind] = page
    return found


def structural_pages(pages: Sequence[PageSnapshot], lexicon: Lexicon | None = None) -> dict[str, PageSnapshot]:
    """Structural kind → its page, without drawing a sample (e.g. to find the accessibility statement)."""
    lexicon = lexicon or default_lexicon()
    structural: Mapping[str, Sequence[str]] = lexicon["structural"]
    html_pages = sorted((p for p in pages if p.readable and p.is_html), key=_rank)
    return _structural(html_pages, structural, {id(p): _haystack(p) for p in html_pages})


def _cover(
    candidates: Mapping[str, Collection[str]], chosen: Collection[str], budget: int, seed: int
) -> tuple[dict[str, list[str]], set[str]]:
    """Greedy set cover: the page showing most candidate keys not yet in the sample, until all are in or the
    budget is spent. Ties go to a seeded order, so another seed may pick another page with the same keys.
    Returns the pages added (→ the keys each brought) and the keys left uncovered."""
    covered = {k for url in chosen for k in candidates.get(url, ())}
    left = {k for keys in candidates.values() for k in keys} - covered
    order = sorted(url for url in candidates if url not in chosen and candidates[url])
    random.Random(f"cover-{seed}").shuffle(order)
    added: dict[str, list[str]] = {}
    while left and len(added) < budget:
        best, gain = None, 0
        for url in order:
            if url in added:
                continue
            new = len(left.intersection(candidates[url]))
            if new > gain:
                best, gain = url, new
        if best is None:
            break
        new_keys = sorted(left.intersection(candidates[best]))
        added[best] = new_keys
        left.difference_update(new_keys)
    return added, left


def choose_sample(
    pages: Sequence[PageSnapshot],
    *,
    seed: int,
    ratio: float = 0.10,
    lexicon: Lexicon | None = None,
    candidates: Mapping[str, Collection[str]] | None = None,
    cover_share: float = 0.20,
    later_tier_share: float = 0.05,
) -> Sample:
    """The sample of `pages`. `candidates`: URL → pre-scan candidate keys (audits/prescan.py) of the pages
    the sample may cover; `cover_share` caps the pages added for them, `later_tier_share` those added for each
    tier after tier 1 (components: a site whose articles each carry their own classes must not fill the
    sample with them), both as shares of all pages."""
    unique: dict[str, PageSnapshot] = {}
    for page in sorted((p for p in pages if p.readable), key=_rank):
        unique.setdefault(page.final_url or page.requested_url, page)
    picks = _Picks()
    _structured_part(picks, unique, lexicon or default_lexicon())

    # The random part: sorted before drawing so that crawl order does not change the sample.
    rest = sorted(url for url in unique if url not in picks.chosen)
    count = min(len(rest), math.ceil(ratio * len(rest)))
    for url in random.Random(seed).sample(rest, count):
        picks.chosen[url] = f"random (seed {seed})"

    candidates = {url: keys for url, keys in (candidates or {}).items() if url in unique}
    shares = (math.floor(cover_share * len(unique)), math.floor(later_tier_share * len(unique)))
    added, left = _coverage_part(picks.chosen, candidates, shares, seed)
    return Sample(
        urls=list(picks.chosen),
        reasons=picks.chosen,
        seed=seed,
        population=len(unique),
        random_count=count,
        structured_kinds=picks.kinds,
        coverage_count=len(added),
        candidate_keys=len({k for keys in candidates.values() for k in keys}),
        uncovered=sorted(left),
    )


@dataclass(slots=True)
class _Picks:
    """The pages chosen so far (URL → why) and the kind each structured pick stands for (kind → URL)."""

    chosen: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def take(self, page: PageSnapshot | None, kind: str, reason: str) -> None:
        if page is None:
            return
        url = page.final_url or page.requested_url
        self.kinds.setdefault(kind, url)
        self.chosen.setdefault(url, reason)


def _structured_part(picks: _Picks, unique: Mapping[str, PageSnapshot], lexicon: Lexicon) -> None:
    """Home pages, a page of each structural kind, each template's representative, a page of each
    service type and a document."""
    extensions: Sequence[str] = lexicon.get("documents", ["pdf"])
    html_pages = [p for p in unique.values() if not _is_document(p, extensions)]
    documents = [p for p in unique.values() if _is_document(p, extensions)]
    # Home: every start page (depth 0); a site with one home per language keeps each.
    for page in html_pages:
        if page.depth == 0 or urlsplit(page.final_url).path in ("", "/"):
            picks.take(page, "home", "home page")
    haystacks = {id(p): _haystack(p) for p in html_pages}
    for kind, found in _structural(html_pages, lexicon["structural"], haystacks).items():
        picks.take(found, kind, f"structured: {kind}")
    for page_cluster in cluster([(p.final_url, p.html or p.dom or "") for p in html_pages]):
        url = page_cluster.representative
        if not any(u in picks.chosen for u in page_cluster.urls):
            kind = f"template {page_cluster.id}"
            picks.take(unique[url], kind, f"template cluster {page_cluster.id} ({page_cluster.size} pages)")
        else:
            picks.kinds.setdefault(
                f"template {page_cluster.id}", next(u for u in page_cluster.urls if u in picks.chosen)
            )
    services: Mapping[str, Sequence[str]] = lexicon["services"]
    for kind, phrases in services.items():
        service = next((p for p in html_pages if _matches(haystacks[id(p)], phrases)), None)
        picks.take(service, f"service: {kind}", f"service type: {kind}")
    picks.take(documents[0] if documents else None, "document", "document")


def _coverage_part(
    chosen: dict[str, str], candidates: Mapping[str, Collection[str]], shares: tuple[int, int], seed: int
) -> tuple[dict[str, list[str]], set[str]]:
    """Pages added (to `chosen`) for the pre-scan candidates they cover, within `shares` (all tiers,
    each tier after the first); returns the keys each covers and the keys left uncovered."""
    budget, later_budget = shares
    added: dict[str, list[str]] = {}
    left: set[str] = set()
    # Likely problems first; components not yet seen only with the budget they leave.
    for level in sorted({tier(k) for keys in candidates.values() for k in keys}):
        of_tier = {url: {k for k in keys if tier(k) == level} for url, keys in candidates.items()}
        tier_budget = budget - len(added) if level == 1 else min(budget - len(added), later_budget)
        more, rest_left = _cover(of_tier, chosen, tier_budget, seed)
        left |= rest_left
        added.update(more)
        for url, keys in more.items():
            chosen[url] = "covers static candidates: " + ", ".join(sorted({label(k) for k in keys}))
    return added, left
