"""Features that are "a page (or a link) about X", driven by the table in rules/concept_features.yaml.

Each row of the table becomes one rule module (one class below, registered in pyproject.toml as
`concept-<id>`), because the engine fans every observation out to all the codes a module informs:
one module per row keeps each row's answer its own.

Site level reads titles, link texts, page texts and URL paths of the light snapshots, and says
"absent" when no page names the feature; page level reads the headings, which need the markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import ClassVar
from urllib.parse import unquote, urlsplit

import yaml

from crawler.snapshot import PageSnapshot
from rules.detectors.common import links_to_hosts, matched_terms, page_headings, signals, snippet
from rules.detectors.contact import contact_details
from rules.findings import ABSENT, PRESENT
from rules.lexicon import Lexicons
from rules.module import Observation, PageView, RuleModule, SiteView, evidence_from

PLACES = ("title", "headings", "link", "text", "slug")
CONFIDENCE = {"title": 0.9, "headings": 0.9, "link": 0.85, "link_unreached": 0.75, "text": 0.8, "slug": 0.75}
HOST_CONFIDENCE = 0.85
ABSENT_CONFIDENCE = 0.75  # not seen in a bounded crawl: decided, but weaker than a sighting
_SLUG_SEPARATORS = re.compile(r"[/_.\-+]+")


@dataclass(frozen=True, slots=True)
class Feature:
    id: str
    informs: Mapping[str, tuple[str, ...]]
    concepts: tuple[str, ...]
    look_in: tuple[str, ...]
    title: str = ""
    min_terms: int = 1
    requires: tuple[str, ...] = ()
    contacts_min: int = 0
    hosts: str | None = None
    absent: float = ABSENT_CONFIDENCE
    epi: str = ""  # E-Participation Index level of the feature, when it is an e-participation item

    @property
    def class_name(self) -> str:
        return "".join(part.capitalize() for part in self.id.split("-")) + "Rule"


class FeatureTableError(ValueError):
    pass


@cache
def load_features() -> tuple[Feature, ...]:
    raw = yaml.safe_load(resources.files("rules").joinpath("concept_features.yaml").read_text(encoding="utf-8"))
    features = []
    for row in raw.get("features", []):
        unknown = set(row["look_in"]) - set(PLACES)
        if unknown:
            raise FeatureTableError(f"concept_features.yaml: {row['id']}: unknown look_in {sorted(unknown)}")
        features.append(
            Feature(
                id=row["id"],
                informs={k: tuple(v) for k, v in row["informs"].items()},
                concepts=tuple(row["concepts"]),
                look_in=tuple(row["look_in"]),
                title=row.get("title", row["id"].replace("-", " ").capitalize()),
                min_terms=int(row.get("min_terms", 1)),
                requires=tuple(row.get("requires", ())),
                contacts_min=int(row.get("contacts_min", 0)),
                hosts=row.get("hosts"),
                absent=float(row.get("absent", ABSENT_CONFIDENCE)),
                epi=str(row.get("epi", "")),
            )
        )
    return tuple(features)


def slug_text(url: str) -> str:
    """The URL path as words: /en/waste-recycling.html → "en waste recycling html"."""
    return _SLUG_SEPARATORS.sub(" ", unquote(urlsplit(url).path)).strip()


class ConceptRule(RuleModule):
    """One row of the feature table. Subclasses set `feature` (and the RuleModule metadata)."""

    feature: ClassVar[Feature]

    # --- what counts on one page

    def terms_in(self, lexicons: Lexicons, text: str) -> list[str]:
        return [t for concept in self.feature.concepts for t in matched_terms(lexicons, concept, text)]

    def confirmed(self, lexicons: Lexicons, page: PageSnapshot) -> bool:
        """The page passes the row's extra conditions (other concepts named, contacts shown)."""
        text = f"{page.title} {page.text}"
        if any(not matched_terms(lexicons, concept, text) for concept in self.feature.requires):
            return False
        return len(contact_details(page)) >= self.feature.contacts_min

    def seen_on(self, lexicons: Lexicons, page: PageSnapshot) -> tuple[str, str] | None:
        """(place, quote) where the page itself names the feature, from title, text or URL path."""
        f = self.feature
        if "title" in f.look_in and (terms := self.terms_in(lexicons, page.title)):
            return "title", page.title
        if "text" in f.look_in:
            terms = self.terms_in(lexicons, f"{page.title} {page.text}")
            if len(terms) >= f.min_terms:
                return "text", snippet(page.text, terms[0]) if f.min_terms == 1 else ", ".join(terms[:5])
        if "slug" in f.look_in and (terms := self.terms_in(lexicons, slug_text(page.final_url))):
            return "slug", page.final_url
        return None

    def observe(self, place: str, page: PageSnapshot, quote: str, how: str) -> Observation:
        confidence = CONFIDENCE.get(place, HOST_CONFIDENCE)
        if place == "link_unreached" and self.feature.look_in == ("link",):
            confidence = CONFIDENCE["link"]  # the link itself is the feature (a link to a ministry)
        epi = f"; EPI level: {self.feature.epi}" if self.feature.epi else ""
        note = f"{how} ({self.feature.title}{epi})."
        return Observation(PRESENT, confidence, (evidence_from(page, quote=quote),), note)

    # --- page level: headings (the markup is only here)

    def check_page(self, page: PageView, lexicons: Lexicons) -> Iterable[Observation]:
        snap = page.snapshot
        if "headings" not in self.feature.look_in or not snap.ok or not snap.is_html:
            return ()
        for heading in page_headings(snap.dom or snap.html):
            if self.terms_in(lexicons, heading) and self.confirmed(lexicons, snap):
                return [self.observe("headings", snap, heading, f"The heading '{heading[:80]}' names it")]
        return ()

    # --- site level: titles, links, texts, URL paths; "absent" when none names it

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        pages = site.ok_pages()
        if not pages:
            return []
        lexicons = site.lexicons
        sightings = [
            o for o in (self._on_pages(lexicons, pages), self._by_links(site, pages), self._by_hosts(pages)) if o
        ]
        if sightings:
            # The surest sighting; among equals the one nearest the home page (findable in reasonable time).
            return [max(sightings, key=lambda o: (o.confidence, -(o.evidence[0].depth or 0)))]
        where = ", ".join(self.feature.look_in)
        return [
            Observation(
                ABSENT,
                self.feature.absent,
                (evidence_from(pages[0]),),
                f"No page of the {len(pages)} crawled names it in its {where} ({self.feature.title}).",
            )
        ]

    def _on_pages(self, lexicons: Lexicons, pages: list[PageSnapshot]) -> Observation | None:
        best: Observation | None = None
        for page in pages:  # nearest the home page first
            seen = self.seen_on(lexicons, page)
            if seen and self.confirmed(lexicons, page):
                place, quote = seen
                obs = self.observe(place, page, quote, f"The page's {place} names it")
                if best is None or obs.confidence > best.confidence:
                    best = obs
                if obs.confidence >= max(CONFIDENCE.values()):
                    break
        return best

    def _by_links(self, site: SiteView, pages: list[PageSnapshot]) -> Observation | None:
        if "link" not in self.feature.look_in:
            return None
        needs_target = bool(self.feature.requires or self.feature.contacts_min)
        for page in pages:
            for link in page.links:
                if not link.text or "alternate" in link.rel.split() or not self.terms_in(site.lexicons, link.text):
                    continue
                target = site.page(link.url)
                if target is not None and target.ok and self.confirmed(site.lexicons, target):
                    return self.observe("link", target, link.text, f"Linked as '{link.text}' from {page.final_url}")
                if not needs_target and target is None:
                    return self.observe(
                        "link_unreached", page, f"{link.text} → {link.url}", f"A link reads '{link.text}'"
                    )
        return None

    def _by_hosts(self, pages: list[PageSnapshot]) -> Observation | None:
        if not self.feature.hosts:
            return None
        hosts = signals(self.feature.hosts)["hosts"]
        for page in pages:
            if hits := links_to_hosts(page, hosts):
                link, host = hits[0]
                return self.observe("hosts", page, link.url, f"A link goes to {host}")
        return None


def _rule_class(feature: Feature) -> type[ConceptRule]:
    return type(
        feature.class_name,
        (ConceptRule,),
        {
            "__module__": __name__,
            "__doc__": f"{feature.title}: {feature.informs} (row '{feature.id}' of rules/concept_features.yaml).",
            "feature": feature,
            "id": f"concept-{feature.id}",
            "version": "1.0",
            "title": feature.title,
            "informs": dict(feature.informs),
        },
    )


RULES: dict[str, type[ConceptRule]] = {f.id: _rule_class(f) for f in load_features()}
globals().update({cls.__name__: cls for cls in RULES.values()})
