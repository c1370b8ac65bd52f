"""OSI #074: the portal is served over HTTPS (and says so with HSTS)."""

from __future__ import annotations

from collections.abc import Iterable

from rules.findings import ABSENT, PRESENT
from rules.module import Observation, RuleModule, SiteView, evidence_from


class HttpsRule(RuleModule):
    id = "https"
    version = "1.0"
    title = "Portal served over HTTPS"
    informs = {"OSI-2024": ("074",)}

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        home = site.home
        if home is None or home.status_code is None:
            return []
        evidence = evidence_from(home, quote=f"final URL {home.final_url}")
        if home.final_url.startswith("https://"):
            hsts = home.header("strict-transport-security")
            note = "The home page is served over HTTPS" + (" with HSTS." if hsts else " (no HSTS header).")
            return [Observation(PRESENT, 0.95, (evidence,), note)]
        return [Observation(ABSENT, 0.95, (evidence,), "The home page is served over plain HTTP.")]
