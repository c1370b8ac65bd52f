"""OSI #015 / LOSI #212: content in a language other than the site's primary one — pages crawled
in another language, `hreflang` alternates, or a language switcher (link text = a language's name)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from crawler.snapshot import Link, PageContent
from rules.detectors.common import signals
from rules.findings import ABSENT, PRESENT
from rules.lexicon import fold
from rules.module import Observation, RuleModule, SiteView, evidence_from


def base_language(code: str) -> str:
    """ "fr-CA" → "fr"; "" stays ""."""
    return code.strip().lower().replace("_", "-").split("-")[0]


def primary_language(site: SiteView) -> str:
    """The site's registered first language, else the home page's."""
    if site.site.languages:
        return base_language(site.site.languages[0])
    home = site.home
    return base_language(home.language) if home is not None else ""


def switcher_language(link: Link) -> str | None:
    """The language a link switches to when its whole text is that language's name ("Français")."""
    code = _language_names().get(fold(link.text.strip()))
    if code is not None:
        return code
    return base_language(link.hreflang) or None if link.hreflang and len(link.text.strip()) <= 20 else None


@cache
def _language_names() -> dict[str, str]:
    """Each language name of rules/signals/languages.yaml, folded, → its code (the first code listed
    that names it): every link of every page is looked up here."""
    names: dict[str, str] = {}
    for code, words in signals("languages")["names"].items():
        for word in words:
            names.setdefault(fold(word), str(code))
    return names


def translations_link(site: SiteView, pages: list[PageContent]) -> tuple[PageContent, Link] | None:
    """A link whose whole text says the content is offered in other languages ("Translations", "Other
    languages"), outside running content: a menu entry, not a sentence that mentions translation."""
    wanted = {fold(term) for term in site.lexicons.terms("translations")}
    for page in pages:
        for link in page.links:
            if link.region != "article" and link.text.strip() and fold(link.text.strip()) in wanted:
                return page, link
    return None


def _observed(value: str, confidence: float, page: PageContent, quote: str, how: str) -> Observation:
    return Observation(value, confidence, (evidence_from(page, quote=quote),), how)


class LanguagesRule(RuleModule):
    id = "other-language"
    version = "1.0"
    title = "Content in another language"
    informs = {"OSI-2024": ("015",), "LOSI-2024": ("212",)}

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        pages = site.ok_pages()
        primary = primary_language(site)
        if not pages or not primary:
            return []
        other = [p for p in pages if base_language(p.language) not in ("", primary)]
        if other:
            page = other[0]
            languages = sorted({base_language(p.language) for p in other})
            how = f"{len(other)} crawled pages are in {', '.join(languages)}, besides {primary}."
            return [_observed(PRESENT, 0.9, page, f'lang="{page.language}"', how)]
        if found := self._alternate_or_switcher(pages, primary):
            page, link, offered = found
            how = f"The page offers {offered}, but no page in that language was crawled."
            return [_observed(PRESENT, 0.8, page, f"{link.text or link.hreflang} → {link.url}", how)]
        if menu := translations_link(site, pages):
            page, link = menu
            how = f"A link reads '{link.text}': translated content, though no page in another language was crawled."
            return [_observed(PRESENT, 0.75, page, f"{link.text} → {link.url}", how)]
        how = f"All {len(pages)} crawled pages are in {primary}, with no hreflang alternate or language switcher."
        return [_observed(ABSENT, 0.8, pages[0], f"all pages in {primary}", how)]

    @staticmethod
    def _alternate_or_switcher(pages: list[PageContent], primary: str) -> tuple[PageContent, Link, str] | None:
        for page in pages:
            for link in page.links:
                hreflang = base_language(link.hreflang)
                if "alternate" in link.rel.split() and hreflang not in ("", "x", primary):
                    return page, link, f"an hreflang alternate in {hreflang}"
                switched = switcher_language(link)
                if switched and switched != primary:
                    return page, link, f"a language switcher to {switched}"
        return None
