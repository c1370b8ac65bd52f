"""OSI #007 / LOSI #273: the portal links to its social-media accounts (hosts in
rules/signals/social_media.yaml; "share this page" links do not count)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from crawler.snapshot import Link, PageContent
from rules.detectors.common import links_to_hosts, signals
from rules.findings import ABSENT, PRESENT
from rules.module import Observation, RuleModule, SiteView, evidence_from

PAGES_READ = 30  # the accounts are linked from the header or footer: the nearest pages suffice


class SocialMediaRule(RuleModule):
    id = "social-media"
    version = "1.0"
    title = "Social media"
    informs = {"OSI-2024": ("007",), "LOSI-2024": ("273",)}

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        pages = site.ok_pages()[:PAGES_READ]
        if not pages:
            return []
        data = signals("social_media")
        share = tuple(p.lower() for p in data.get("share_paths", ()))
        in_content: tuple[PageContent, list[tuple[Link, str]]] | None = None
        for page in pages:
            accounts = [
                (link, host)
                for link, host in links_to_hosts(page, data["hosts"])
                if not urlsplit(link.url).path.lower().startswith(share)
            ]
            # The portal's own accounts sit in its header or footer (or anywhere on the home page);
            # a link inside another page's content is what that page is about (a campaign's video).
            own = [(link, host) for link, host in accounts if page is pages[0] or link.region in ("nav", "footer")]
            if own:
                hosts = sorted({host for _, host in own})
                return [
                    Observation(
                        PRESENT,
                        0.9,
                        (evidence_from(page, quote=", ".join(link.url for link, _ in own[:3])),),
                        f"The page links to accounts on {', '.join(hosts)}.",
                    )
                ]
            if accounts and in_content is None:
                in_content = (page, accounts)
        if in_content is not None:
            page, accounts = in_content
            hosts = sorted({host for _, host in accounts})
            quote = ", ".join(link.url for link, _ in accounts[:3])
            note = f"Only a page's content links to {', '.join(hosts)}, not the site's header or footer."
            return [Observation(PRESENT, 0.6, (evidence_from(page, quote=quote),), note)]
        return [
            Observation(
                ABSENT, 0.8, (evidence_from(pages[0]),), f"None of {len(pages)} pages links to a social-media account."
            )
        ]
