"""Online services (OSI Services Provision, LOSI SP): each service of rules/signals/services.yaml found
and graded.

A service is *found* when a page title or a link text names it (lexicon concept per service, every
language). It is graded:

- `online` when the service page (or the page an "apply online" link on it leads to) has a transaction:
  a link that the crawl saw redirect to a sign-in form (status `login_wall`), a link or form to a
  national e-ID / government single sign-on, a payment gateway (link, form action or script), or an
  application form (POST, a file upload or at least three fields to fill in);
- `information` when the page only describes it (the procedure, documents, fees).

Links repeated on most pages (navigation, "my account") are never the evidence of a transaction: they
lead to the same sign-in from every page, service or not. The evidence of the grade is quoted: the
form's fields, the payment host, the sign-in redirect.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from crawler.snapshot import FormSnapshot, Link, PageContent, ScanStatus
from rules.detectors.authentication import identity_provider
from rules.detectors.common import host_matches, matched_terms, signals
from rules.detectors.concepts import is_headline, is_partial
from rules.findings import ABSENT
from rules.lexicon import Lexicons
from rules.module import Observation, PageView, RuleModule, SiteView, evidence_from

INFORMATION = "information"
ONLINE = "online"
FILL_IN = frozenset({"text", "email", "tel", "number", "date", "textarea", "select", "file", "radio", "checkbox", ""})
MIN_FIELDS = 3
_SEARCH_FIELD = re.compile(r"search|query|keyword|suche|recherche|busca|buscar|搜尋|搜索|検索", re.IGNORECASE)
UNSURE = 0.6  # a page that names the service only in passing: for review
# A transaction area the crawl may not enter: behind a sign-in, or kept from robots.
CLOSED = frozenset({ScanStatus.LOGIN_WALL, ScanStatus.ROBOTS_DENIED})
_SCRIPT_SRC = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["']?([^"' >]+)""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    concept: str
    questions: Mapping[str, tuple[str, ...]]
    levels: Mapping[str, str]

    def level(self, name: str) -> str:
        return self.levels.get(name, name)


@cache
def load_services() -> tuple[Service, ...]:
    rows = signals("services")["services"]
    return tuple(
        Service(
            id=key,
            concept=row["concept"],
            questions={k: tuple(v) for k, v in row.items() if k not in ("concept", "levels")},
            levels=dict(row.get("levels") or {}),
        )
        for key, row in rows.items()
    )


def all_codes() -> dict[str, tuple[str, ...]]:
    codes: dict[str, list[str]] = {}
    for service in load_services():
        for instrument, qs in service.questions.items():
            codes.setdefault(instrument, []).extend(qs)
    return {k: tuple(dict.fromkeys(v)) for k, v in codes.items()}


def payment_host(url: str) -> str | None:
    return host_matches(url, signals("payment_providers")["hosts"])


def application_form(form: FormSnapshot) -> bool:
    """A form to fill in and send: POST, and a file upload or at least three fields (a search box,
    a sign-in or a one-question feedback widget is not an application)."""
    if form.method != "post" or "password" in form.field_types:
        return False
    fields = [f for f in form.fields if f.type in FILL_IN]
    if any(_SEARCH_FIELD.search(f"{f.name} {f.label}") for f in fields if f.type in ("text", "")):
        return False  # a page-wide form (ASP.NET, SharePoint) around the site's search box and its scope options
    questions = {f.name or str(i) for i, f in enumerate(fields)}  # radio buttons of one name are one question
    return any(f.type == "file" for f in fields) or len(questions) >= MIN_FIELDS


def describe_form(form: FormSnapshot) -> str:
    shown = [f for f in form.fields if f.type not in ("hidden", "submit")]
    names = ", ".join(f"{f.name or '?'} ({f.type or 'text'})" for f in shown)
    return f"form POST {form.action}: {names}"


def _boilerplate(pages: list[PageContent]) -> frozenset[str]:
    """Link URLs on at least half the pages (and three): navigation, headers, footers."""
    counts = Counter(url for p in pages for url in {link.url for link in p.fetchable_links})
    floor = max(3, len(pages) // 2)
    return frozenset(url for url, n in counts.items() if n >= floor)


class ServicesRule(RuleModule):
    id = "services"
    version = "1.0"
    title = "Online services: found and graded (information / online)"
    informs = all_codes()

    # --- page level: payment scripts (the markup is only here)

    def check_page(self, page: PageView, lexicons: Lexicons) -> Iterable[Observation]:
        snap = page.snapshot
        html = snap.dom or snap.html
        if not snap.ok or not snap.is_html or not html:
            return ()
        found = []
        for service in self.named_in(lexicons, snap.title):
            for src in _SCRIPT_SRC.findall(html):
                if host := payment_host(src):
                    quote = f"payment script {src}"
                    found.append(self._observe(service, ONLINE, 0.9, snap, quote, f"A payment step ({host})"))
                    break
            else:
                marks = [m for m in signals("payment_providers").get("fingerprints", ()) if m in html]
                if marks:
                    found.append(self._observe(service, ONLINE, 0.85, snap, marks[0], "A payment widget in the page"))
        return found

    # --- site level: find every service, grade it, or say it is absent

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        pages = site.ok_pages()
        if not pages:
            return []
        boilerplate = _boilerplate(pages)
        observations = []
        for service in load_services():
            observations.append(self._one(site, pages, boilerplate, service))
        return observations

    @staticmethod
    def named_in(lexicons: Lexicons, text: str) -> list[Service]:
        return [s for s in load_services() if text and matched_terms(lexicons, s.concept, text)]

    def _one(
        self, site: SiteView, pages: list[PageContent], boilerplate: frozenset[str], service: Service
    ) -> Observation:
        lexicons = site.lexicons
        service_pages = [p for p in pages if matched_terms(lexicons, service.concept, p.title)]
        seen = {id(p) for p in service_pages}
        unreached: tuple[PageContent, Link] | None = None
        for page in pages:
            for link in page.fetchable_links:
                if not link.text or not matched_terms(lexicons, service.concept, link.text):
                    continue
                target = site.page(link.url)
                if target is None:
                    unreached = unreached or (page, link)
                elif target.ok and target.is_html and id(target) not in seen:
                    seen.add(id(target))
                    service_pages.append(target)
        for page in service_pages:
            if found := self._transaction(site, page, boilerplate):
                where, quote, how = found
                confidence = 0.75 if how.startswith("An 'apply online' link") and "sign in" not in how else 0.9
                return self._observe(service, ONLINE, confidence, where, quote, how)
        if service_pages:
            page = service_pages[0]
            details = matched_terms(lexicons, "service_details", page.text)
            terms = matched_terms(lexicons, service.concept, page.title)
            confidence = 0.85 if terms and len(details) >= 2 else 0.8 if terms else 0.75
            described = f"; it describes {', '.join(details[:4])}" if details else ""
            note = f"A page describes the service but no transaction was found on it{described}"
            if terms and len(details) < 2 and (is_headline(page.title, page.language) or is_partial(page.title, terms)):
                # "Consultation on the pension reform (2018)": a story or a debate about the service
                confidence = UNSURE
                note += "; the title is about something else that names it"
            elif not terms and not details:
                # reached by a link ("Citizenship Information") whose page neither names the service in its
                # title nor says how to get it: a table of people by citizenship, not a service page
                confidence = UNSURE
                note += "; its title does not name it and it says nothing of how to get it"
            return self._observe(service, INFORMATION, confidence, page, page.title, note)
        if unreached is not None:
            page, link = unreached
            quote = f"{link.text} → {link.url}"
            return self._observe(service, INFORMATION, 0.7, page, quote, "A link names the service (page not crawled)")
        return Observation(
            ABSENT,
            0.75,
            (evidence_from(pages[0]),),
            f"No title or link text of the {len(pages)} pages crawled names it ({service.id}).",
            questions=service.questions,
        )

    def _transaction(
        self, site: SiteView, page: PageContent, boilerplate: frozenset[str]
    ) -> tuple[PageContent, str, str] | None:
        """(page, quote, how) of the first sign that the service is done online from `page`."""
        if found := self._direct(site, page, boilerplate):
            return found
        gated: tuple[PageContent, str, str] | None = None
        for link in page.fetchable_links:  # one step further, through an "apply online" button
            if link.url in boilerplate or not site.lexicons.matches("apply_online", link.text, page.language):
                continue
            target = site.page(link.url)
            if target is not None and target.ok and (found := self._direct(site, target, boilerplate)):
                target_page, quote, how = found
                return target_page, f"{link.text} → {quote}", how
            if gated is None and (target is None or target.status in CLOSED):
                status = "not crawled" if target is None else f"{target.status}: {target.reason}"
                gated = (
                    page,
                    f"{link.text} → {link.url} ({status})",
                    "An 'apply online' link into an area closed to the crawl",
                )
        if gated is not None:
            text = f"{page.title} {page.text}"
            sign_in = site.lexicons.matches("login", text, page.language) or site.lexicons.matches(
                "digital_id", text, page.language
            )
            if sign_in:
                where, quote, how = gated
                return where, quote, f"{how}, and the page says to sign in ('{sign_in}')"
            return gated
        return None

    @staticmethod
    def _direct(
        site: SiteView, page: PageContent, boilerplate: frozenset[str]
    ) -> tuple[PageContent, str, str] | None:
        for link in page.fetchable_links:
            if link.url in boilerplate:
                continue
            target = site.page(link.url)
            if target is not None and target.status is ScanStatus.LOGIN_WALL:
                quote = f"{link.text} → {link.url} redirects to sign-in {target.final_url}"
                return page, quote, "The application link leads to a sign-in (login wall)"
            if provider := identity_provider(link.url):
                return page, f"{link.text} → {link.url}", f"The application goes through the e-ID {provider}"
            if host := payment_host(link.url):
                return page, f"{link.text} → {link.url}", f"A payment step ({host})"
        for form in page.forms:
            if provider := identity_provider(form.action):
                return page, f"form → {form.action}", f"The form signs in with the e-ID {provider}"
            if host := payment_host(form.action):
                return page, f"form → {form.action}", f"The form pays through {host}"
            if application_form(form):
                upload = " with a file upload" if "file" in form.field_types else ""
                return page, describe_form(form), f"An application form{upload}"
        return None

    @staticmethod
    def _observe(
        service: Service, level: str, confidence: float, page: PageContent, quote: str, how: str
    ) -> Observation:
        value = service.level(level)
        return Observation(
            value,
            confidence,
            (evidence_from(page, quote=quote),),
            f"{how} ({service.id}: {value}).",
            questions=service.questions,
        )
