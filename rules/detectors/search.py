"""OSI #003 / LOSI #206: a search function that works — found, then run for real.

The probe runs one real word taken from the site's own titles and one nonsense word; the search
works when the real word's results page links to pages the nonsense word's page does not.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlencode, urlsplit, urlunsplit

from crawler.snapshot import FormSnapshot, PageSnapshot
from rules.detectors.common import internal_links
from rules.findings import ABSENT, PRESENT
from rules.lexicon import fold
from rules.module import Observation, RuleModule, SiteView, evidence_from

NONSENSE = "zqxjvwkpq"
QUERY_FIELD_NAMES = frozenset({"q", "query", "search", "s", "keys", "keywords", "term", "text", "k"})
_WORD = re.compile(r"[^\W\d_]{6,}")


def search_form(page: PageSnapshot) -> tuple[FormSnapshot, str] | None:
    """The page's search form and the name of its query field, if it has one usable by GET."""
    for form in page.forms:
        if form.method != "get":
            continue
        for f in form.fields:
            if f.name and (
                f.type == "search"
                or (form.role == "search" and f.type == "text")
                or (f.type == "text" and f.name.lower() in QUERY_FIELD_NAMES)
            ):
                return form, f.name
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
    id = "search"
    version = "1.0"
    title = "Search function (run for real)"
    informs = {"OSI-2024": ("003",), "LOSI-2024": ("206",)}

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        pages = site.ok_pages()
        found = next(((p, f) for p in pages[:30] if (f := search_form(p))), None)
        if found is None:
            if not pages:
                return []
            return [
                Observation(ABSENT, 0.8, (evidence_from(pages[0]),), "No search form found on the portal.")
            ]
        page, (form, field) = found
        word = probe_word(site)
        real = await site.fetch(query_url(form, field, word))
        nonsense = await site.fetch(query_url(form, field, NONSENSE))
        where = evidence_from(page, selector=f'form[action] input[name="{field}"]')
        if not real.ok:
            return [
                Observation(
                    PRESENT, 0.5, (where,), f"A search form exists but searching failed: {real.reason}."
                )
            ]
        hosts = site.site.scope_hosts
        hits = internal_links(real, hosts) - internal_links(nonsense, hosts) - {real.final_url}
        if hits:
            results = evidence_from(real, quote=f"{len(hits)} result links for '{word}'")
            return [
                Observation(
                    PRESENT,
                    0.95,
                    (where, results),
                    f"Searching for '{word}' returned {len(hits)} result links; a nonsense word none.",
                )
            ]
        return [
            Observation(
                PRESENT,
                0.5,
                (where, evidence_from(real)),
                f"A search form exists but searching for '{word}' showed no results.",
            )
        ]
