"""Features that are "a page (or a link) about X": one detector reads every row of every concept pack.

The rows live in data packs (rules/packs/concepts.yaml, plus any pack a plugin names under the
`govaudit.rule_packs` entry-point group): terms (the lexicons' concepts and the pack's own), cues
and the confidence of each cue. `ConceptPackRule` is registered once (`concept-pack`); each of its
observations names the row's codes, so each row's answer stays its own, and its findings carry the
row's id (`concept-<id>`).

Site level reads titles, link texts (with where the link sits: navigation and footer weigh more
than running text), page texts and URL paths of the light snapshots, and says "absent" with the
trail of what was searched when no page names the feature; page level reads the headings and the
links under them, as the crawler's parse gives them (`PageContent.headings`, `headed_links`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urljoin, urlsplit

import yaml

from crawler.snapshot import Link, PageContent, PageSnapshot, ScanStatus
from crawler.yaml_data import load_yaml
from rules.detectors.city_site import FOOTER_CHARS, government_domain
from rules.detectors.common import (
    SECTION_HEADINGS,
    folded,
    host_of,
    links_to_hosts,
    matched_terms,
    page_headings,
    signals,
    snippet,
)
from rules.detectors.contact import contact_details
from rules.findings import ABSENT, PRESENT, SEARCHED, Evidence
from rules.lexicon import NO_WORD_BOUNDARIES, SPACELESS_SCRIPT, Lexicons, fold, term_pattern
from rules.module import Observation, PageView, RuleModule, SiteView, evidence_from
from rules.plugins import entry_points

PACK_ENTRY_POINTS = "govaudit.rule_packs"
PLACES = ("title", "headings", "link", "text", "slug")
CUES = (
    "title", "headings", "nav_link", "link", "nav_link_unreached", "link_unreached", "text", "slug", "hosts",
    "official_links", "owner", "absent",
)  # fmt: skip
NEGATIVES = ("document", "headline", "article", "listing", "partial", "off_target")
_SLUG_SEPARATORS = re.compile(r"[/_.\-+]+")
_DOCUMENT = re.compile(r"\.(pdf|docx?|xlsx?|pptx?|odt|ods|rtf|zip)$", re.IGNORECASE)
# A dated path (/2017/12/05/…, /2017-12-…): a news item or post, whose words are its story's, not the site's.
_DATED_PATH = re.compile(r"/(19|20)\d\d[/-](0?[1-9]|1[0-2])(?:[/-]|$)")
# A date in a link's text (2018年07月18日, 12/05/2019, 5 March 2017): an item of a news or event list.
_DATE_IN_TEXT = re.compile(r"(19|20)\d\d\s*[年/.-]\s*\d{1,2}|\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(19|20)\d\d")
# A table's caption names the table as a heading names its section ("Nächste Termine" over a table of dates).
HEADINGS = (*SECTION_HEADINGS, "caption")
_HEADLINE_WORDS = 9  # a link text this long is a sentence (a headline, a document's title), not a section name
_HEADLINE_CHARS = 24
_MENU_QUESTION_WORDS = 4  # the same for scripts written without spaces
_LIKELY_PAGES = 3
# `hosts: official_domains`: links to this many other government hosts from one page are a list of agencies
OFFICIAL_DOMAINS = "official_domains"
GOVERNMENT_HOSTS_MIN = 3


# A link whose page the crawl asked for but did not read, for its own reasons (out of scope after a
# redirect, robots, a wall, a cap): the link still names the feature, as a link not followed does. A page
# the site itself failed to serve (404, error, loop) is not among them: that link leads nowhere.
NOT_READ = frozenset({
    ScanStatus.ROBOTS_DENIED, ScanStatus.BLOCKED, ScanStatus.BLOCKED_ADDRESS, ScanStatus.CAPTCHA,
    ScanStatus.LOGIN_WALL, ScanStatus.GEO_BLOCKED, ScanStatus.TIMEOUT, ScanStatus.TOO_LARGE,
})  # fmt: skip


class PackError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Feature:
    id: str
    informs: Mapping[str, tuple[str, ...]]
    concepts: tuple[str, ...]
    look_in: tuple[str, ...]
    title: str = ""
    min_terms: int = 1
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    contacts_min: int = 0
    hosts: str | None = None
    absent: float = 0.75
    epi: str = ""  # E-Participation Index level of the feature, when it is an e-participation item
    official_links: int = 0  # navigation/footer links to this many other government domains count too
    near: int = 0  # the `requires` concepts must be named within this many characters of the row's term
    # a link named by this concept (a sector: "Social Services") to another government domain is the row's link
    sector_link: str = ""
    # the site is the body itself: its home page's footer or title names it (a ministry's own site)
    own_site: bool = False
    # a title or link that is "About <the jurisdiction>" ("Acerca de Chile") counts too (terms: about_place, place_of)
    about_place: bool = False
    # a concept: the row reads only links inside a section whose heading names it (a guide listed under "FAQ")
    within: str = ""
    pack: str = "concepts"
    # the row's own cue confidences and negative weights, over the pack's
    cues: Mapping[str, float] = field(default_factory=dict)
    negative: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Pack:
    id: str
    cues: Mapping[str, float]
    negative: Mapping[str, float]
    features: tuple[Feature, ...]
    # concept → language → extra terms, added to the lexicons' own
    terms: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)


def parse_pack(raw: Any, source: str) -> Pack:
    if not isinstance(raw, dict) or not isinstance(raw.get("features"), list):
        raise PackError(f"{source}: expected a mapping with a 'features' list")
    cues = {k: float(v) for k, v in (raw.get("cues") or {}).items()}
    unknown_cues = set(cues) - set(CUES)
    if unknown_cues:
        raise PackError(f"{source}: unknown cues {sorted(unknown_cues)} (known: {', '.join(CUES)})")
    negative = {k: float(v) for k, v in (raw.get("negative") or {}).items()}
    if set(negative) - set(NEGATIVES):
        raise PackError(f"{source}: unknown negative contexts {sorted(set(negative) - set(NEGATIVES))}")
    default_absent = cues.get("absent", 0.75)
    pack_id = str(raw.get("id") or Path(source).stem)
    features = []
    for row in raw["features"]:
        try:
            unknown = set(row["look_in"]) - set(PLACES)
            if unknown:
                raise PackError(f"{source}: {row['id']}: unknown look_in {sorted(unknown)}")
            row_cues = {str(k): float(v) for k, v in (row.get("cues") or {}).items()}
            row_negative = {str(k): float(v) for k, v in (row.get("negative") or {}).items()}
            if set(row_cues) - set(CUES) or set(row_negative) - set(NEGATIVES):
                raise PackError(f"{source}: {row['id']}: unknown cues or negative contexts")
            features.append(
                Feature(
                    id=str(row["id"]),
                    informs={str(k): tuple(str(c) for c in v) for k, v in row["informs"].items()},
                    concepts=tuple(row["concepts"]),
                    look_in=tuple(row["look_in"]),
                    title=row.get("title", str(row["id"]).replace("-", " ").capitalize()),
                    min_terms=int(row.get("min_terms", 1)),
                    requires=tuple(row.get("requires", ())),
                    excludes=tuple(row.get("excludes", ())),
                    contacts_min=int(row.get("contacts_min", 0)),
                    hosts=row.get("hosts"),
                    absent=float(row.get("absent", default_absent)),
                    epi=str(row.get("epi", "")),
                    official_links=int(row.get("official_links", 0)),
                    near=int(row.get("near", 0)),
                    sector_link=str(row.get("sector_link", "")),
                    own_site=bool(row.get("own_site", False)),
                    about_place=bool(row.get("about_place", False)),
                    within=str(row.get("within", "")),
                    pack=pack_id,
                    cues=row_cues,
                    negative=row_negative,
                )
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise PackError(f"{source}: row {row!r}: {exc}") from exc
    terms = {
        str(concept): {str(lang): tuple(str(t) for t in ts) for lang, ts in by_lang.items()}
        for concept, by_lang in (raw.get("terms") or {}).items()
    }
    return Pack(pack_id, cues, negative, tuple(features), terms)


def load_pack(source: Path | Traversable) -> Pack:
    try:
        raw = load_yaml(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PackError(f"{source}: {exc}") from exc
    return parse_pack(raw, str(source))


@cache
def builtin_pack() -> Pack:
    return load_pack(resources.files("rules.packs").joinpath("concepts.yaml"))


def plugin_packs() -> tuple[Pack, ...]:
    """Packs named under `govaudit.rule_packs`: each entry point is a path (or a function returning one)."""
    packs = []
    for entry in entry_points(PACK_ENTRY_POINTS):
        try:
            target = entry.load()
            path = target() if callable(target) else target
            packs.append(load_pack(Path(path) if isinstance(path, str) else path))
        except Exception as exc:  # a broken plug-in names itself instead of stopping every audit
            raise PackError(f"rule pack {entry.name!r} ({entry.value}) failed to load: {exc}") from exc
    return tuple(packs)


def load_features() -> tuple[Feature, ...]:
    """The built-in pack's rows (the rows tests and docs are written against)."""
    return builtin_pack().features


# Both are asked of every page once per row of the concept table: answers remembered per URL.
@lru_cache(maxsize=16384)
def slug_text(url: str) -> str:
    """The URL path as words: /en/waste-recycling.html → "en waste recycling html"."""
    return _SLUG_SEPARATORS.sub(" ", unquote(urlsplit(url).path)).strip()


def is_listing(page: PageContent) -> bool:
    """A news item or post (a dated path): what it names is its story's subject, not the site's section."""
    return _dated(page.final_url)


@lru_cache(maxsize=16384)
def _dated(url: str) -> bool:
    return bool(_DATED_PATH.search(urlsplit(url).path))


_SEGMENTS = re.compile(r"\s[|–—:·•»/-]\s|[|：:]")
# Chinese and Japanese set a Latin word off with spaces ("以 AI 治 AI" is "以AI治AI"): padding, not words.
_SCRIPT_PADDING = re.compile(rf"(?<={SPACELESS_SCRIPT})\s+|\s+(?={SPACELESS_SCRIPT})")
_MIN_COVERAGE = 0.5


def is_partial(text: str, terms: str | Sequence[str]) -> bool:
    """The terms are a small part of the title or link text (of its segment, "FAQ | Ministry" → "FAQ"):
    the text is about something else that merely contains the word ("Bus Replacement Grant"). Terms
    found together count together, and a term as often as it is written: "Waste and recycling" is all
    about waste, "以 AI 治 AI" (governing AI with AI) all about AI."""
    needles = [fold(terms)] if isinstance(terms, str) else list(dict.fromkeys(fold(t) for t in terms))
    for segment in _SEGMENTS.split(fold(text)):
        inside = [n for n in needles if n in segment]
        if inside:
            outer = [n for n in inside if not any(n != m and n in m for m in inside)]
            covered = sum(len(n) * segment.count(n) for n in outer)
            return covered / max(len(_SCRIPT_PADDING.sub("", segment.strip())), 1) < _MIN_COVERAGE
    return False


def is_headline(text: str, language: str) -> bool:
    """A sentence rather than a section's name: a news headline, an article's or a document's title."""
    if any(mark in text for mark in "，。！？"):
        return True
    if text.rstrip().endswith(("?", "!")) and len(text.split()) > _MENU_QUESTION_WORDS:
        return True  # "How do I…?" is a menu item; "Is the tap water safe to drink?" is an article
    if language in NO_WORD_BOUNDARIES or not any(c == " " for c in text.strip()):
        return len(text.strip()) > _HEADLINE_CHARS and not text.isascii()
    return len(text.split()) >= _HEADLINE_WORDS


@dataclass(frozen=True, slots=True)
class Sighting:
    cue: str
    confidence: float
    evidence: Evidence
    how: str
    negatives: tuple[str, ...] = ()


class ConceptPackRule(RuleModule):
    """Every row of the concept packs, each answered on its own."""

    id = "concept-pack"
    version = "2.0"
    title = "Concept pack (pages and links about a feature)"
    informs: ClassVar[Mapping[str, tuple[str, ...]]] = {}

    def __init__(self, packs: Sequence[Pack] | None = None) -> None:
        self.packs = tuple(packs) if packs is not None else (builtin_pack(), *plugin_packs())
        self.features = tuple(f for p in self.packs for f in p.features)
        self._pack = {p.id: p for p in self.packs}
        self._needles: dict[tuple[str, str], tuple[tuple[str, str, str], ...]] = {}
        informs: dict[str, list[str]] = {}
        for feature in self.features:
            for key, codes in feature.informs.items():
                informs.setdefault(key, [])
                informs[key] += [c for c in codes if c not in informs[key]]
        self.informs = {k: tuple(v) for k, v in informs.items()}  # type: ignore[misc]  # the packs decide, per instance

    # --- terms and cues

    def cue(self, feature: Feature, name: str) -> float:
        if name in feature.cues:
            return feature.cues[name]
        cues = self._pack[feature.pack].cues
        return cues.get(name, builtin_pack().cues.get(name, 0.75))

    def penalty(self, feature: Feature, negatives: Iterable[str]) -> float:
        weights = {**(self._pack[feature.pack].negative or builtin_pack().negative), **feature.negative}
        return sum(weights.get(n, 0.0) for n in set(negatives))

    def pack_terms(self, feature: Feature, concept: str) -> list[tuple[str, str]]:
        return [(lang, term) for lang, term, _needle in self._pack_needles(feature.pack, concept)]

    def _pack_needles(self, pack: str, concept: str) -> tuple[tuple[str, str, str], ...]:
        """The pack's own terms for `concept` (language, term, term folded), folded once, not per link."""
        if (pack, concept) not in self._needles:
            terms = self._pack[pack].terms.get(concept, {})
            self._needles[pack, concept] = tuple((lang, t, fold(t)) for lang, ts in terms.items() for t in ts)
        return self._needles[pack, concept]

    def terms_of(self, feature: Feature, lexicons: Lexicons, concept: str, text: str) -> list[str]:
        found = matched_terms(lexicons, concept, text)
        extra = self._pack_needles(feature.pack, concept)
        if extra:
            haystack = folded(text)
            for lang, term, needle in extra:
                if needle in haystack and term_pattern(needle, lang).search(haystack):
                    found.append(term)
        return found

    def terms_in(self, feature: Feature, lexicons: Lexicons, text: str) -> list[str]:
        if any(self.terms_of(feature, lexicons, concept, text) for concept in feature.excludes):
            return []  # "About us" names the body, not the city: the text is about something else
        return [t for concept in feature.concepts for t in self.terms_of(feature, lexicons, concept, text)]

    def terms_tried(self, feature: Feature, lexicons: Lexicons, language: str = "") -> list[str]:
        """Every term looked for, the site's own language first."""
        ordered = sorted(lexicons.by_language.values(), key=lambda lex: lex.language != language)
        tried = [t for c in feature.concepts for lex in ordered for t in lex.terms(c)]
        tried += [t for c in feature.concepts for _lang, t in self.pack_terms(feature, c)]
        return list(dict.fromkeys(tried))

    def confirmed(self, feature: Feature, lexicons: Lexicons, page: PageContent) -> bool:
        """The page passes the row's extra conditions (other concepts named, contacts shown)."""
        text = f"{page.title} {page.text}"
        if any(not self.terms_of(feature, lexicons, concept, text) for concept in feature.requires):
            return False
        return len(contact_details(page)) >= feature.contacts_min

    def observe(self, feature: Feature, sighting: Sighting) -> Observation:
        epi = f"; EPI level: {feature.epi}" if feature.epi else ""
        lowered = f"; weaker: {', '.join(sighting.negatives)}" if sighting.negatives else ""
        note = f"{sighting.how} ({feature.title}{epi}; cue: {sighting.cue}{lowered})."
        return Observation(PRESENT, round(sighting.confidence, 3), (sighting.evidence,), note,
                           questions=feature.informs, rule_id=f"concept-{feature.id}")  # fmt: skip

    # --- page level: headings and menu links to the page's own sections

    def check_page(self, page: PageView, lexicons: Lexicons) -> Iterable[Observation]:
        snap = page.snapshot
        wanted = [f for f in self.features if "headings" in f.look_in]
        if not wanted or not snap.ok or not snap.is_html:
            return ()
        headings = page_headings(snap, levels=HEADINGS)
        if not headings:
            return ()
        listing = is_listing(snap)
        found = []
        for feature in wanted:
            if feature.within:
                found += links_within(self, feature, lexicons, snap)
                continue
            if feature.min_terms > 1:  # the page's headings together: "Presidency", "Ministries", "Regions"
                named = parts_named(headings, partial(self.terms_in, feature, lexicons), snap.language)
                if len(named) >= feature.min_terms and self.confirmed(feature, lexicons, snap):
                    negatives = ("listing",) * listing
                    found.append(self.observe(feature, Sighting(
                        "headings", self.cue(feature, "headings") - self.penalty(feature, negatives),
                        evidence_from(snap, quote=" · ".join(named[:6])),
                        f"The page's headings name {len(named)} of its parts", negatives,
                    )))  # fmt: skip
                continue
            for heading in headings:
                terms = self.terms_in(feature, lexicons, heading)
                if terms and self.confirmed(feature, lexicons, snap):
                    negatives = ("listing",) * listing + ("headline",) * is_headline(heading, snap.language)
                    negatives += ("partial",) * is_partial(heading, terms)
                    confidence = self.cue(feature, "headings") - self.penalty(feature, negatives)
                    sighting = Sighting(
                        "headings",
                        confidence,
                        evidence_from(snap, quote=heading),
                        f"The heading '{heading[:80]}' names it",
                        negatives,
                    )
                    found.append(self.observe(feature, sighting))
                    break
        return found

    # --- site level: titles, links, texts, URL paths; "absent" with its trail when none names it

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        pages = site.ok_pages()
        if not pages:
            return []
        observations = []
        for feature in self.features:
            sightings = [
                s
                for s in (
                    self._on_pages(feature, site.lexicons, pages),
                    self._by_links(feature, site, pages),
                    by_hosts(feature, self.cue(feature, "hosts"), pages),
                    by_official_links(feature, self.cue(feature, "official_links"), site, pages),
                    by_sector_link(feature, self.cue(feature, "official_links"), site, pages),
                    by_owner(feature, self.cue(feature, "owner"), site.lexicons, pages[0]),
                    by_place_name(feature, self.cue(feature, "link"), self._pack[feature.pack].terms, pages),
                )
                if s
            ]
            if sightings:
                # The surest sighting; among equals the one nearest the home page (findable in reasonable time).
                best = max(sightings, key=lambda s: (s.confidence, -(s.evidence.depth or 0)))
                observations.append(self.observe(feature, best))
            else:
                observations.append(self._absent(feature, site, pages))
        return observations

    def _seen_on(self, feature: Feature, lexicons: Lexicons, page: PageContent) -> Sighting | None:
        """Where the page itself names the feature: title, text or URL path."""
        negatives = ("listing",) if is_listing(page) else ()
        penalty = self.penalty(feature, negatives)
        if "title" in feature.look_in and (terms := self.terms_in(feature, lexicons, page.title)):
            title_negatives = negatives + ("headline",) * is_headline(page.title, page.language)
            title_negatives += ("partial",) * is_partial(page.title, terms)
            return Sighting(
                "title", self.cue(feature, "title") - self.penalty(feature, title_negatives),
                evidence_from(page, quote=page.title), "The page's title names it", title_negatives,
            )  # fmt: skip
        if "text" in feature.look_in:
            terms = self.terms_in(feature, lexicons, f"{page.title} {page.text}")
            if feature.near:
                terms = [t for t in terms if self._required_near(feature, lexicons, page.text, t)]
            if feature.min_terms == 1:
                terms = [t for t in terms if in_running_text(page, t)]
            if len(terms) >= feature.min_terms:
                quote = snippet(page.text, terms[0]) if feature.min_terms == 1 else ", ".join(terms[:5])
                text_negatives: tuple[str, ...] = negatives
                if (
                    feature.min_terms == 1
                    and "listing" not in negatives
                    and all(dated_mention(page.text, t) for t in terms)
                ):
                    text_negatives += ("listing",)
                return Sighting(
                    "text", self.cue(feature, "text") - self.penalty(feature, text_negatives),
                    evidence_from(page, quote=quote), "The page's text names it", text_negatives,
                )  # fmt: skip
        if "slug" in feature.look_in and self.terms_in(feature, lexicons, slug_text(page.final_url)):
            return Sighting(
                "slug", self.cue(feature, "slug") - penalty, evidence_from(page, quote=page.final_url),
                "The page's address names it", negatives,
            )  # fmt: skip
        return None

    def _required_near(self, feature: Feature, lexicons: Lexicons, text: str, term: str) -> bool:
        """Some mention of `term` has every `requires` concept named within `feature.near` characters, in
        the same sentence."""
        haystack, needle = folded(text), fold(term)
        at = haystack.find(needle)
        while at >= 0:
            around = same_sentence(haystack, at, at + len(needle), feature.near)
            if all(self.terms_of(feature, lexicons, concept, around) for concept in feature.requires):
                return True
            at = haystack.find(needle, at + len(needle))
        return False

    def _on_pages(self, feature: Feature, lexicons: Lexicons, pages: list[PageContent]) -> Sighting | None:
        best: Sighting | None = None
        top = max(self.cue(feature, c) for c in ("title", "text", "slug"))
        for page in pages:  # nearest the home page first
            seen = self._seen_on(feature, lexicons, page)
            if seen and self.confirmed(feature, lexicons, page):
                if best is None or seen.confidence > best.confidence:
                    best = seen
                if seen.confidence >= top:
                    break
        return best

    def off_target(self, feature: Feature, lexicons: Lexicons, target: PageContent) -> bool:
        """The link's page is about something else: neither its title nor its address names the
        feature (a "Health" tag or news filter leading to a list of articles)."""
        return bool(target.title) and not self.terms_in(
            feature, lexicons, f"{target.title} {slug_text(target.final_url)}"
        )

    def _by_links(self, feature: Feature, site: SiteView, pages: list[PageContent]) -> Sighting | None:
        if "link" not in feature.look_in:
            return None
        # A row whose page must name other concepts needs the page; one whose page must show contacts
        # may still be answered by an unreached link (the contacts are then the assessor's to check).
        needs_target = bool(feature.requires)
        # A row that is only a link (a link to a ministry) is answered by the link itself.
        link_is_feature = feature.look_in == ("link",)
        best: Sighting | None = None
        top = self.cue(feature, "nav_link")
        terms_of_text = cache(partial(self.terms_in, feature, site.lexicons))  # navigation repeats on every page
        for page in pages:
            for link in page.links:
                # A link to a section of the page itself ("#faq" to id="faq") leads to that section, which
                # its text names; any other link to the page itself leads nowhere new.
                section = bool(link.fragment) and link.url == page.final_url
                if not link.text or "alternate" in link.rel.split() or (
                    not section and _no_where(link.url, page.final_url)
                ):
                    continue
                terms = terms_of_text(link.text)
                if not terms:
                    continue
                structural = link.region in ("nav", "footer")
                negatives = link_negatives(link, page)
                if is_partial(link.text, terms):
                    negatives += ("partial",)
                target = page if section else site.page(link.url)
                if target is not None and target.ok and self.confirmed(feature, site.lexicons, target):
                    if (
                        not section
                        and self.penalty(feature, ("off_target",))
                        and self.off_target(feature, site.lexicons, target)
                    ):
                        negatives += ("off_target",)
                    # A page's own table of contents (tabs, "on this page") names its sections as its
                    # headings do; the site's navigation leading to a section is still its navigation.
                    cue = "nav_link" if structural else "headings" if section else "link"
                    evidence = evidence_from(target, quote=link.text)
                    how = f"Linked as '{link.text}' from {page.final_url}"
                    how += f" to its section #{link.fragment}" if section else ""
                elif not needs_target and (target is None or target.status in NOT_READ):
                    cue = "nav_link" if structural else "link"
                    if not link_is_feature:
                        cue += "_unreached"
                    evidence = evidence_from(page, quote=f"{link.text} → {link.url}")
                    how = f"A link reads '{link.text}'"
                else:
                    continue
                confidence = self.cue(feature, cue) - self.penalty(feature, negatives)
                if best is None or confidence > best.confidence:
                    best = Sighting(cue, confidence, evidence, how, negatives)
                if best.confidence >= top:
                    return best
        return best

    # --- the trail of an "absent"

    def _absent(self, feature: Feature, site: SiteView, pages: list[PageContent]) -> Observation:
        tried = self.terms_tried(feature, site.lexicons, pages[0].language.split("-")[0].lower())
        likely = likely_pages(pages, tried)
        cues = [c for c in feature.look_in] + (["hosts"] if feature.hosts else [])
        conditions = []
        if feature.requires:
            conditions.append(f"the page must also name {', '.join(feature.requires)}")
        if feature.contacts_min:
            conditions.append(f"the page must show {feature.contacts_min} contacts")
        if feature.min_terms > 1:
            conditions.append(f"{feature.min_terms} distinct terms on one page")
        shown = ", ".join(f"“{t}”" for t in tried[:12]) + (f" and {len(tried) - 12} more" if len(tried) > 12 else "")
        note = (
            f"Searched {len(pages)} pages ({', '.join(cues)}) for {len(tried)} terms: {shown}"
            + (f"; {'; '.join(conditions)}" if conditions else "")
            + f". None names it ({feature.title}). Most likely pages: "
            + (", ".join(p.final_url for p, _ in likely) or "none")
            + "."
        )
        evidence = tuple(
            Evidence(url=p.final_url, quote=f"{SEARCHED}{why}", language=p.language, depth=p.depth) for p, why in likely
        ) or (evidence_from(pages[0], quote=f"{SEARCHED}the home page"),)
        return Observation(ABSENT, feature.absent, evidence, note, questions=feature.informs,
                           rule_id=f"concept-{feature.id}")  # fmt: skip


# The end of a sentence in folded text (fold keeps "。" and turns "！？" into "!?"): a period followed by
# a space, not one inside "4.0" or a URL.
_SENTENCE_END = re.compile(r"[。!?;](?!\w)|\.(?=\s)")


def same_sentence(text: str, start: int, end: int, near: int) -> str:
    """`text[start:end]` with up to `near` characters either side, cut at the sentences' ends: a term
    in the sentence before or after ("… open data. Unless otherwise noted, this site's content is under
    CC BY") is about something else."""
    before, after = text[max(0, start - near) : start], text[end : end + near]
    ends = list(_SENTENCE_END.finditer(before))
    if ends:
        before = before[ends[-1].end() :]
    if stop := _SENTENCE_END.search(after):
        after = after[: stop.start()]
    return before + text[start:end] + after


_DATE_NEAR = 48  # characters either side of a term in which a date makes it a dated item
_ISO_DATE = re.compile(r"(19|20)\d\d-\d\d-\d\d")


def dated(text: str) -> bool:
    """A link text or heading that carries a date: an item of a news or event list."""
    return bool(_DATE_IN_TEXT.search(text) or _ISO_DATE.search(text))


_OWN_PERIOD = re.compile(r"\s*(?:19|20)\d\d\s*[-–/]\s*(?:19|20)\d\d(?!\d)")
_PERIOD = re.compile(r"(?<![\d/])(?:19|20)\d\d\s*[-–/]\s*(?:19|20)\d\d(?![\d/])")


def dated_mention(text: str, term: str) -> bool:
    """Every mention of `term` in `text` sits next to a date: an item of a dated list (news, talks,
    events), whose words are the item's subject, not the site's."""
    haystack, needle = folded(text), fold(term)
    at = haystack.find(needle)
    if at < 0:
        return False
    while at >= 0:
        end = at + len(needle)
        # a plan named with its period ("estrategia de transformación digital 2023-2027"): the years are its name's
        end += period.end() if (period := _OWN_PERIOD.match(haystack, end)) else 0
        around = haystack[max(0, at - _DATE_NEAR) : at] + " " + haystack[end : end + _DATE_NEAR]
        if not (_DATE_IN_TEXT.search(around) or _ISO_DATE.search(around)):
            return False
        at = haystack.find(needle, at + len(needle))
    return True


# Government domains: a suffix of rules/signals/official_domains.yaml, or a gov/gob/gouv second level
# under a country code (gov.br, gob.cl, gouv.ci, go.jp), or a US state's or city's own (state.tx.us).
_OFFICIAL_HOST = re.compile(
    r"\.(gov|mil)$|\.(gov|gob|gouv|govt|go|gv|gub|admin)\.[a-z]{2}$|\.(state|ci|co)\.[a-z]{2}\.us$"
)


def official_host(host: str) -> bool:
    return bool(_OFFICIAL_HOST.search(host)) or host.endswith(_official_suffixes())


@cache
def _official_suffixes() -> tuple[str, ...]:
    return tuple(signals("official_domains")["suffixes"])


def registered_domain(host: str) -> str:
    """The domain an organisation registers (state.gov, data.gov.tw, txdps.state.tx.us): one agency
    linked from many subdomains counts once."""
    labels = host.removeprefix("www.").split(".")
    keep = 3 if len(labels) >= 3 and (len(labels[-1]) == 2 and len(labels[-2]) <= 4) else 2
    if labels[-1] == "us" and len(labels) >= 4:
        keep = 4
    return ".".join(labels[-keep:])


def link_negatives(link: Link, page: PageContent) -> tuple[str, ...]:
    """What weakens a link as a sighting: a file, a sentence, running content, a dated item."""
    negatives = []
    if _DOCUMENT.search(urlsplit(link.url).path):
        negatives.append("document")
    if is_headline(link.text, page.language):
        negatives.append("headline")
    if link.region == "article":
        negatives.append("article")
    # a plan's period ("Plan Nacional de Cambio Climático 2017-2020") is its name's, not an item's date
    if is_listing(page) or _DATE_IN_TEXT.search(_PERIOD.sub(" ", link.text)):
        negatives.append("listing")
    return tuple(negatives)


def in_running_text(page: PageContent, term: str) -> bool:
    """The term is written in the page's title or running text, not only as a link's text: a footer's
    "Transparency law" link is a link (read as such, where it leads), not the page telling about it."""
    needle = fold(term)
    texts = (*(link.text for link in page.links), *page.placeholder_links)
    in_links = sum(fold(text).count(needle) for text in texts if text)
    return folded(f"{page.title} {page.text}").count(needle) > in_links


def links_within(rule: ConceptPackRule, feature: Feature, lexicons: Lexicons, snap: PageSnapshot) -> list[Observation]:
    """A link naming the row inside a section headed by `feature.within` ("FAQ", "Ayuda"): the section
    says what its links are (the site's own help for its users), so a file there is the feature."""
    heads = partial(matched_terms, lexicons, feature.within)
    for heading, text, href in links_under_headings(snap, heads):
        terms = rule.terms_in(feature, lexicons, text)
        if not terms or _no_where(urljoin(snap.final_url, href), snap.final_url):
            continue
        negatives = ("headline",) * is_headline(text, snap.language) + ("partial",) * is_partial(text, terms)
        negatives += ("document",) * bool(_DOCUMENT.search(urlsplit(href).path))
        return [rule.observe(feature, Sighting(
            "link", rule.cue(feature, "link") - rule.penalty(feature, negatives),
            evidence_from(snap, quote=f"{heading}: {text} → {href}"),
            f"A link under the heading '{heading[:60]}' reads '{text[:80]}'", negatives,
        ))]  # fmt: skip
    return []


def links_under_headings(page: PageContent, names: Callable[[str], list[str]]) -> list[tuple[str, str, str]]:
    """(heading, link text, href) of the links under a heading or caption which names the concept as a
    whole ("FAQ", not "Aide à domicile"): in its section, or its table (`PageContent.headed_links`)."""
    found = []
    for section in page.headed_links:
        terms = names(section.heading)
        if terms and not is_partial(section.heading, terms):
            found += [(section.heading, text, href) for text, href in section.links]
    return found


def parts_named(headings: Sequence[str], terms_in: Callable[[str], list[str]], language: str) -> list[str]:
    """The headings that each name a distinct term (a page laid out as the parts of a whole: "Presidency",
    "Ministries", "Regions"); a heading that is a sentence is a story's, not a part's."""
    named: dict[str, str] = {}
    for heading in headings:
        terms = terms_in(heading)
        if terms and not is_headline(heading, language):
            named.setdefault(fold(terms[0]), heading)
    return list(named.values())


@lru_cache(maxsize=65536)  # asked again for each row of the concept table, of every link
def _no_where(url: str, page_url: str) -> bool:
    """A link to the page itself ("#", a placeholder): it leads to no page about anything."""
    return urlsplit(url)._replace(fragment="") == urlsplit(page_url)._replace(fragment="")


_WORDS = re.compile(r"\w{4,}")


def likely_pages(pages: list[PageContent], terms: Sequence[str]) -> list[tuple[PageContent, str]]:
    """The pages most likely to hold a feature nobody names: the home page, then those whose title or
    address shares a word stem with a term tried (5 first letters), most stems first."""
    stems = {stem for t in terms for stem in _stems(t)}
    scored = []
    for page in pages[1:]:
        words = {w[:5] for w in _WORDS.findall(fold(f"{page.title} {slug_text(page.final_url)}"))}
        shared = stems & words
        if shared:
            scored.append((len(shared), -page.depth, page, sorted(shared)))
    scored.sort(key=lambda x: (x[0], x[1]), reverse=True)
    home = [(pages[0], "the home page")] if pages else []
    return home + [(p, f"title or address shares '{', '.join(s[:3])}'") for _n, _d, p, s in scored[:_LIKELY_PAGES]]


@lru_cache(maxsize=8192)  # the lexicons' terms: every "absent" of a run tries the same ones
def _stems(term: str) -> frozenset[str]:
    return frozenset(w[:5] for w in _WORDS.findall(fold(term)))


# --- sightings by where links go, whatever their text says


def by_official_links(feature: Feature, cue: float, site: SiteView, pages: list[PageContent]) -> Sighting | None:
    """Links to other government sites (agencies' own) in the navigation and footer of any page, or
    anywhere on the home page (older markup has no landmarks): the feature is the links themselves,
    whatever their text says. The site's own domain is left out, and so is a domain that takes most
    of the links: the site's own where a copy is served from another address."""
    if not feature.official_links:
        return None
    links: list[tuple[PageContent, Link, str]] = []
    for page in pages:
        for link in page.fetchable_links:
            if page is pages[0] or link.region in ("nav", "footer"):
                host = host_of(link.url).removeprefix("www.")
                if host and official_host(host):
                    links.append((page, link, host))
    if not links:
        return None
    by_domain = Counter(registered_domain(host) for _p, _l, host in links)
    own = {registered_domain(host_of(pages[0].final_url))} | {registered_domain(h) for h in site.site.scope_hosts}
    top, count = by_domain.most_common(1)[0]
    if count * 2 > len(links):
        own.add(top)
    found: dict[str, tuple[PageContent, Link]] = {}
    for page, link, host in links:
        if registered_domain(host) not in own:
            found.setdefault(host, (page, link))
    if len(found) < feature.official_links:
        return None
    page = next(iter(found.values()))[0]
    shown = ", ".join(sorted(found)[:6])
    quote = "; ".join(f"{link.text or link.url} → {host_of(link.url)}" for _p, link in list(found.values())[:4])
    return Sighting(
        "official_links", cue, evidence_from(page, quote=quote),
        f"The site links to {len(found)} other government sites ({shown})",
    )  # fmt: skip


def own_domains(site: SiteView, pages: list[PageContent]) -> set[str]:
    """The site's own registered domains: its address, its scope, and a government domain that takes most
    of the links to government hosts (the site's own where a copy is served from another address)."""
    own = {registered_domain(host_of(pages[0].final_url))} | {registered_domain(h) for h in site.site.scope_hosts}
    linked = Counter(
        registered_domain(host)
        for page in pages
        for link in page.fetchable_links
        if (host := host_of(link.url).removeprefix("www.")) and official_host(host)
    )
    if linked:
        top, count = linked.most_common(1)[0]
        if count * 2 > sum(linked.values()) and count >= GOVERNMENT_HOSTS_MIN:
            own.add(top)
    return own


def by_sector_link(feature: Feature, cue: float, site: SiteView, pages: list[PageContent]) -> Sighting | None:
    """A link named for the sector ("Social Services", "Salud") that goes to another government domain,
    outside running content: a directory of departments linking the sector's ministry or department."""
    if not feature.sector_link:
        return None
    own = own_domains(site, pages)
    for page in pages:
        for link in page.fetchable_links:
            host = host_of(link.url).removeprefix("www.")
            if link.region == "article" or not host or not official_host(host) or registered_domain(host) in own:
                continue
            terms = matched_terms(site.lexicons, feature.sector_link, link.text)
            if terms and not is_partial(link.text, terms):
                return Sighting("official_links", cue, evidence_from(page, quote=f"{link.text} → {link.url}"),
                                f"A link named '{link.text}' goes to the government site {host}")  # fmt: skip
    return None


def by_owner(feature: Feature, cue: float, lexicons: Lexicons, home: PageContent) -> Sighting | None:
    """The site is the body the row names: the home page's title or footer (its last characters, where
    an agency gives its name and address) names it as a whole segment ("Texas Department of Criminal
    Justice | PO Box 99"), not inside a sentence about something else."""
    if not feature.own_site:
        return None
    for where, text in (("title", home.title), ("footer", home.text[-FOOTER_CHARS:])):
        terms = [t for concept in feature.concepts for t in matched_terms(lexicons, concept, text)]
        if terms and not is_partial(text, terms):
            quote = snippet(text, terms[0])
            how = f"The home page's {where} names the site's owner"
            return Sighting("owner", cue, evidence_from(home, quote=quote), how)
    return None


def by_hosts(feature: Feature, cue: float, pages: list[PageContent]) -> Sighting | None:
    """Links to the hosts the row names (a signals list), or to several other government sites."""
    if not feature.hosts:
        return None
    if feature.hosts == OFFICIAL_DOMAINS:
        return _by_government_hosts(cue, pages)
    data = signals(feature.hosts)
    for page in pages:
        if hits := links_to_hosts(page, data["hosts"]):
            link, host = hits[0]
            return Sighting("hosts", cue, evidence_from(page, quote=link.url),
                            f"A link goes to {host}")  # fmt: skip
    labels = set(data.get("host_labels", ()))
    for page in pages if labels else ():
        for link in page.fetchable_links:
            host = host_of(link.url)
            structural = link.region in ("nav", "footer") or (page is pages[0] and link.region != "article")
            if structural and official_host(host) and labels & set(host.split(".")[:-2]):
                return Sighting("hosts", cue, evidence_from(page, quote=f"{link.text} → {link.url}"),
                                f"A navigation link goes to the government data host {host}")  # fmt: skip
    return None


def _by_government_hosts(cue: float, pages: list[PageContent]) -> Sighting | None:
    """Links to other government sites (rules/signals/official_domains.yaml), several of them from
    one page: a list of agencies, whatever its heading says."""
    own = host_of(pages[0].final_url)
    for page in pages:
        linked: dict[str, Link] = {}
        for link in page.fetchable_links:
            host = host_of(link.url)
            if host and host != own and host not in linked and government_domain(host):
                linked[host] = link
        if len(linked) >= GOVERNMENT_HOSTS_MIN:
            quote = ", ".join(f"{link.text or '?'} → {host}" for host, link in list(linked.items())[:5])
            how = f"The page links to {len(linked)} other government sites"
            return Sighting("hosts", cue, evidence_from(page, quote=quote), how)
    return None


# A place's name is read by its capitals ("Chile", "Port Aldren"): a property of the letters, which
# str.isupper knows for every cased script, not a word list. Scripts without capitals (Chinese, Arabic)
# name no place this way. The small words that join a name's parts ("de", "of") are data
# (rules/packs/concepts.yaml, terms `place_name_joiners`).
_NAME_WORD = re.compile(r"[\w'’-]+")
_SPACES = re.compile(r"\s+")
_NAME_WORDS = 3  # capitalised words in a name at most: "Ayuntamiento de Madrid Tu guía" → "Madrid Tu"


def _capitalised(text: str, at: int) -> re.Match[str] | None:
    word = _NAME_WORD.match(text, at)
    return word if word and len(word[0]) > 1 and word[0][0].isupper() else None


def _name_at(text: str, at: int, joiners: frozenset[str]) -> int | None:
    """The end of the capitalised name that starts at `at` ("Madrid", "Port Aldren", "Reino de España"),
    or None when no capitalised word starts there."""
    word = _capitalised(text, at)
    if word is None:
        return None
    end, count = word.end(), 1
    while count < _NAME_WORDS and (space := _SPACES.match(text, end)):
        joiner = _NAME_WORD.match(text, space.end())
        after = _SPACES.match(text, joiner.end()) if joiner and joiner[0] in joiners else None
        word = (after and _capitalised(text, after.end())) or _capitalised(text, space.end())
        if word is None:
            break
        end, count = word.end(), count + 1
    return end


def place_names(home: PageContent, prefixes: Sequence[str], joiners: Iterable[str] = ()) -> set[str]:
    """The jurisdiction the site names itself after ("Gobierno de Chile", "Ayuntamiento de Madrid", "City of
    Port Aldren"): the capitalised name after one of the prefixes on the home page, folded."""
    if not prefixes:
        return set()
    alternation = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    prefix = re.compile(rf"(?i:\b(?:{alternation}))\s+")
    text, joining, found, at = f"{home.title} {home.text}", frozenset(joiners), [], 0
    while match := prefix.search(text, at):
        end = _name_at(text, match.end(), joining)
        if end is None:
            at = match.start() + 1
            continue
        found.append(text[match.end() : end])
        at = end
    # the text runs on ("Gobierno de Chile Tu guía…"): the name's first words, each length
    return {" ".join(words[:n]) for name in found if (words := fold(name).split()) for n in range(1, len(words) + 1)}


def by_place_name(
    feature: Feature, cue: float, terms: Mapping[str, Mapping[str, tuple[str, ...]]], pages: list[PageContent]
) -> Sighting | None:
    """A link or title that is exactly "About <the jurisdiction>" ("Acerca de Chile", "Conoce Madrid"):
    the place itself, by the name the site gives it, not the body's "About us"."""
    if not feature.about_place:
        return None
    joiners = [t for ts in terms.get("place_name_joiners", {}).values() for t in ts]
    names = place_names(pages[0], [t for ts in terms.get("place_of", {}).values() for t in ts], joiners)
    wanted = {fold(f"{a} {n}") for ts in terms.get("about_place", {}).values() for a in ts for n in names}
    for page in pages:
        for link in page.fetchable_links:
            if link.region != "article" and fold(link.text) in wanted:
                return Sighting("link", cue, evidence_from(page, quote=f"{link.text} → {link.url}"),
                                f"A link reads '{link.text}', the place the site is named after")  # fmt: skip
    return None
