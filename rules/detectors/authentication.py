"""OSI #017 / LOSI #245: authentication / digital ID — a sign-in with a national e-ID or government
single sign-on (hosts and OIDC/SAML paths in rules/signals/identity_providers.yaml), a federated sign-in
form (OpenID or SAML field names), or the portal's own sign-in form (a password field)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from crawler.snapshot import FormSnapshot, Link, PageContent
from rules.detectors.common import concept_links, host_matches, signals
from rules.detectors.concepts import dated, is_headline
from rules.findings import ABSENT, PRESENT
from rules.module import Observation, RuleModule, SiteView, evidence_from


def password_form(page: PageContent) -> FormSnapshot | None:
    return next((f for f in page.forms if "password" in f.field_types), None)


def federated_form(page: PageContent) -> FormSnapshot | None:
    """A sign-in form of a federation protocol (OpenID, SAML): known by its fields' names."""
    names = {n.lower() for n in signals("identity_providers").get("form_fields", ())}
    return next((f for f in page.forms if any(field.name.lower() in names for field in f.fields)), None)


def identity_provider(url: str) -> str | None:
    """The e-ID host or the SSO endpoint `url` goes to, if any."""
    data = signals("identity_providers")
    if host := host_matches(url, data["hosts"]):
        return host
    path = urlsplit(url).path.lower()
    return next((p for p in data.get("paths", ()) if p in path), None)


def sign_in_link(site: SiteView, page: PageContent, link: Link) -> bool:
    """A link that reads as the site's sign-in: outside running content, not an article's headline or a
    dated list item, and named in the page's own language when there is a lexicon for it (French
    "Accéder aux données" is not Spanish "acceder", to log in)."""
    if link.region == "article" or is_headline(link.text, page.language) or dated(link.text):
        return False
    own = site.lexicons.by_language.get(page.language.split("-")[0].lower())
    return own is None or own.matches("login", link.text) is not None


class AuthenticationRule(RuleModule):
    id = "authentication"
    version = "1.1"
    title = "Authentication / digital ID"
    informs = {"OSI-2024": ("017",), "LOSI-2024": ("245",)}

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        pages = site.ok_pages()
        if not pages:
            return []
        weak: tuple[PageContent, FormSnapshot] | None = None
        for page in pages:
            for url in [link.url for link in page.fetchable_links] + [f.action for f in page.forms]:
                if provider := identity_provider(url):
                    return [self._present(page, url, 0.9, f"Sign-in goes to the identity provider {provider}.")]
        for page in pages:
            if form := federated_form(page):
                note = "A sign-in form of a federation protocol (OpenID or SAML fields)."
                return [self._present(page, form.action, 0.85, note)]
        for page in pages:
            if form := password_form(page):
                text = f"{page.title} {page.text}"
                # A password box alone may be a form-components demo: the page must say it signs in.
                if not site.lexicons.matches("login", text, page.language):
                    weak = weak or (page, form)
                    continue
                digital_id = site.lexicons.matches("digital_id", text, page.language)
                note = "A sign-in form with a password field" + (
                    f" mentions '{digital_id}'." if digital_id else " (the portal's own accounts)."
                )
                return [self._present(page, form.action, 0.9 if digital_id else 0.85, note)]
        for found in concept_links(site, "digital_id", limit=5):
            # a link in navigation or a page's own lists, not a headline of an article about e-ID
            if found.link.region != "article" and not is_headline(found.link.text, found.page.language):
                quote = f"{found.link.text} → {found.link.url}"
                note = f"A link names the national digital ID ('{found.term}')."
                return [self._present(found.page, quote, 0.75, note)]
        for found in concept_links(site, "login", limit=5):
            if sign_in_link(site, found.page, found.link):
                quote = f"{found.link.text} → {found.link.url}"
                return [self._present(found.page, quote, 0.6, "A sign-in link, but no sign-in form was reached.")]
        if weak is not None:  # for a person to look at, but no sign-in as far as the crawl can tell
            note = "Only a password field on a page that does not say it signs in (a form demo?)."
            return [Observation(ABSENT, 0.6, (evidence_from(weak[0], quote=weak[1].action),), note)]
        return [
            Observation(
                ABSENT,
                0.8,
                (evidence_from(pages[0]),),
                f"No sign-in form, sign-in link or identity provider on {len(pages)} pages.",
            )
        ]

    @staticmethod
    def _present(page: PageContent, quote: str, confidence: float, note: str) -> Observation:
        return Observation(PRESENT, confidence, (evidence_from(page, quote=quote),), note)
