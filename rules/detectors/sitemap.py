"""OSI #005 / LOSI #205: a sitemap or index page for people (sitemap.xml alone does not count)."""

from __future__ import annotations

from collections.abc import Iterable

from rules.detectors.common import concept_links, internal_links, unreached_section
from rules.findings import ABSENT, PRESENT
from rules.module import Observation, RuleModule, SiteView, evidence_from

MIN_LINKS = 15


class SitemapRule(RuleModule):
    id = "sitemap-page"
    version = "1.0"
    title = "Sitemap page for users"
    informs = {"OSI-2024": ("005",), "LOSI-2024": ("205",)}

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        candidates = [c for c in concept_links(site, "sitemap") if not c.link.url.endswith(".xml")]
        for candidate in candidates:
            target = candidate.target
            if target is not None and target.readable and target.is_html:
                count = len(internal_links(target, site.site.scope_hosts))
                if count >= MIN_LINKS:
                    return [
                        Observation(
                            PRESENT,
                            0.9,
                            (evidence_from(target, quote=target.title),),
                            f"'{target.title}' links to {count} pages of the site.",
                        )
                    ]
        if found := unreached_section(candidates, site.lexicons, "sitemap"):
            return [found]
        if candidates:
            first = candidates[0]
            return [
                Observation(
                    PRESENT,
                    0.5,
                    (evidence_from(first.page, quote=first.link.text),),
                    f"A sitemap link exists but its page has fewer than {MIN_LINKS} links.",
                )
            ]
        home = site.home
        if home is None:
            return []
        return [Observation(ABSENT, 0.8, (evidence_from(home),), "No sitemap page for users found.")]
