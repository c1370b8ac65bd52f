"""OSI #003 / LOSI #206: a search function that works — found, then run for real.

The probe runs one real word taken from the site's own titles and one nonsense word; the search
works when the real word's results page links to pages the nonsense word's page does not.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from urllib.parse import urlencode, urlsplit, urlunsplit

from crawler.parse import SCRIPTED
from crawler.snapshot import FormField, FormSnapshot, PageContent
from rules.detectors.common import internal_links
from rules.findings import ABSENT, PRESENT
from rules.lexicon import Lexicons, fold
from rules.module import Observation, RuleModule, SiteView, evidence_from
from rules.scope import Scope, scope_of

NONSENSE = "zqxjvwkpq"
QUERY_FIELD_NAMES = frozenset({"q", "query", "search", "s", "keys", "keywords", "term", "text", "k"})
_WORD = re.compile(r"[^\W\d_]{6,}")
_SEPARATORS = re.compile(r"[-_.]+")
PAGES_READ = 30


def _says_search(field: FormField, lexicons: Lexicons | None) -> bool:
    """The field's name, id or label names a search, in any lexicon (search-field-input, "Suche öffnen")."""
    words = _SEPARATORS.sub(" ", f"{field.name} {field.label}")
    return lexicons is not None and lexicons.matches("search", words) is not None


def _query_field(form: FormSnapshot, field: FormField, lexicons: Lexicons | None) -> bool:
    if field.type == "search":
        return True
    if field.type != "text":
        return False
    return form.role == "search" or field.name.lower() in QUERY_FIELD_NAMES or _says_search(field, lexicons)


def search_form(page: PageContent, lexicons: Lexicons | None = None) -> tuple[FormSnapshot, str] | None:
    """The page's search form and the name of its query field, if it has one usable by GET (a form
    whose action is on another host counts: it is run where it posts)."""
    for form in page.forms:
        if form.method != "get":
            continue
        for f in form.fields:
            if f.name and _query_field(form, f, lexicons):
                return form, f.name
    return None


def search_box(page: PageContent, lexicons: Lexicons | None) -> tuple[str, FormSnapshot, FormField] | None:
    """Any search control of the page, recognised by its inputs: ("get", …) a form a query can be
    sent to, ("post", …) one that posts, ("script", …) a box or a search button run by the page's
    script (client-side search, a search dialog)."""
    if found := search_form(page, lexicons):
        form, name = found
        return "get", form, next(f for f in form.fields if f.name == name)
    for form in page.forms:
        if form.method == SCRIPTED:
            continue
        for f in form.fields:
            if _query_field(form, f, lexicons):
                return "post", form, f
    for form in page.forms:
        if form.method != SCRIPTED:
            continue
        for f in form.fields:
            if _query_field(form, f, lexicons) or (f.type == "button" and _says_search(f, lexicons)):
                return "script", form, f
    return None


def probe_word(site: SiteView) -> str:
    """A word the site uses often in its titles, but not in all of them (not the site's name)."""
    titles = [p.title for p in site.ok_pages() if p.title]
    counts = Counter(w for t in titles for w in {fold(w) for w in _WORD.findall(t)})
    usable = [(n, w) for w, n in counts.items() if n < len(titles)]
    return max(usable)[1] if usable else "services"


def query_url(form: FormSnapshot, field: str, word: str) -> str:
    parts = urlsplit(form.action)
    return urlunsplit(parts._replace(query=urlencode({field: word}), fragment=""))


class SearchRule(RuleModule):
    """Where the Survey looks (rules/scope.yaml): LOSI #206 on the home page, OSI #003 on the portal."""

    id = "search"
    version = "2.0"
    title = "Search function (run for real)"
    informs = {"OSI-2024": ("003",), "LOSI-2024": ("206",)}

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        pages = site.ok_pages()
        if not pages:
            return []
        by_scope: dict[Scope, dict[str, tuple[str, ...]]] = {}
        for key, codes in self.informs.items():
            for code in codes:
                scope = Scope.HOME_PAGE if scope_of(key, code) is Scope.HOME_PAGE else Scope.PORTAL
                by_scope.setdefault(scope, {}).setdefault(key, ())
                by_scope[scope][key] += (code,)
        portal = await self._observe(site, pages[:PAGES_READ], None)
        on_home = portal.value != ABSENT and portal.evidence[0].url == pages[0].final_url
        # The home page's own control answers both; no control on the portal is none on its home page.
        if Scope.HOME_PAGE not in by_scope or on_home or portal.value == ABSENT:
            return [portal]
        home = await self._observe(site, pages[:1], "the home page")
        return [replace(home, questions=by_scope[Scope.HOME_PAGE])] + (
            [replace(portal, questions=by_scope[Scope.PORTAL])] if Scope.PORTAL in by_scope else []
        )

    async def _observe(self, site: SiteView, pages: list[PageContent], where: str | None) -> Observation:
        found = next(((p, box) for p in pages if (box := search_box(p, site.lexicons))), None)
        if found is None:
            place = where or f"the {len(pages)} pages read"
            return Observation(
                ABSENT,
                0.8,
                (evidence_from(pages[0], quote="searched: the home page"),),
                f"No search control on {place} (inputs of type search, query fields, controls labelled search).",
            )
        page, (how, form, field) = found
        where_found = evidence_from(
            page, selector=f'input[name="{field.name}"]' if field.name else "", quote=field.label
        )
        if how == "script":
            return Observation(
                PRESENT,
                0.75,
                (where_found,),
                f"A search control run by the page's script ('{field.label or field.name}'), not a form: not run.",
            )
        if how == "post":
            return Observation(
                PRESENT, 0.8, (where_found,), f"A search form posts to {form.action} (not run: it is sent by POST)."
            )
        word = probe_word(site)
        real = await site.fetch(query_url(form, field.name, word))
        if not real.ok:
            return Observation(
                PRESENT,
                0.8,
                (where_found,),
                f"A search form (query field '{field.name}') sends to {form.action}; its results could not be "
                f"fetched ({real.reason}).",
            )
        nonsense = await site.fetch(query_url(form, field.name, NONSENSE))
        hosts = site.site.scope_hosts
        hits = internal_links(real, hosts) - internal_links(nonsense, hosts) - {real.final_url}
        if hits:
            results = evidence_from(real, quote=f"{len(hits)} result links for '{word}'")
            return Observation(
                PRESENT,
                0.95,
                (where_found, results),
                f"Searching for '{word}' returned {len(hits)} result links; a nonsense word none.",
            )
        return Observation(
            PRESENT,
            0.5,
            (where_found, evidence_from(real)),
            f"A search form exists but searching for '{word}' showed no results.",
        )
