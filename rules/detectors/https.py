"""OSI #074: the portal is served over HTTPS; HSTS (a `Strict-Transport-Security` header with a
max-age) makes it stick, so an HTTPS portal without HSTS is still "present" but less certain."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rules.findings import ABSENT, PRESENT
from rules.module import Observation, RuleModule, SiteView, evidence_from

_MAX_AGE = re.compile(r"max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def hsts_max_age(header: str) -> int:
    match = _MAX_AGE.search(header)
    return int(match.group(1)) if match else 0


class HttpsRule(RuleModule):
    id = "https"
    version = "1.1"
    title = "Portal served over HTTPS (with HSTS)"
    informs = {"OSI-2024": ("074",)}

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        home = site.home
        if home is None or home.status_code is None:
            return []
        evidence = evidence_from(home, quote=f"final URL {home.final_url}")
        if not home.final_url.startswith("https://"):
            return [Observation(ABSENT, 0.95, (evidence,), "The home page is served over plain HTTP.")]
        plain = [p for p in site.ok_pages() if p.final_url.startswith("http://")]
        hsts = home.header("strict-transport-security")
        if plain:
            return [
                Observation(
                    PRESENT,
                    0.6,
                    (evidence, evidence_from(plain[0], quote=f"final URL {plain[0].final_url}")),
                    f"The home page is served over HTTPS, but {len(plain)} pages are served over plain HTTP.",
                )
            ]
        if hsts_max_age(hsts) > 0:
            quote = f"final URL {home.final_url}; Strict-Transport-Security: {hsts}"
            return [
                Observation(
                    PRESENT, 0.95, (evidence_from(home, quote=quote),), "The home page is served over HTTPS with HSTS."
                )
            ]
        return [Observation(PRESENT, 0.8, (evidence,), "The home page is served over HTTPS (no HSTS header).")]
