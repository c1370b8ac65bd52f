"""Validity and conformance from the audit results (rules/signals/validity.yaml names them):
OSI #196 / LOSI #208 valid markup, OSI #195 / LOSI #209 valid CSS (W3C validators, default options:
any error = no), LOSI #210 WCAG 2.1 AA (an automated checker with AA defaults: any problem = no).
Decided where rules/scope.yaml says the Survey looks: the portal's home page for all four (the
reports still list every page's results). No audit result of the kind there → no observation, so
the decider says not_tested."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from audits.outcome import Outcome
from audits.result import AuditResult
from rules.detectors.common import signals
from rules.findings import ABSENT, PRESENT, Evidence
from rules.module import Observation, RuleModule, SiteView
from rules.scope import Scope, scope_of


class _AuditRule(RuleModule):
    what: ClassVar[str]  # what the audits check, for the notes

    def relevant(self, result: AuditResult) -> bool:
        raise NotImplementedError

    def home_only(self) -> bool:
        return all(scope_of(i, c) is Scope.HOME_PAGE for i, codes in self.informs.items() for c in codes)

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        audited = site.audits_by_url
        if self.home_only():
            home = site.home
            if home is None:
                return []
            audited = {u: rs for u, rs in audited.items() if u in (home.final_url, home.requested_url)}
        results = [r for rs in audited.values() for r in rs if self.relevant(r)]
        decided = [r for r in results if r.outcome in (Outcome.PASSED, Outcome.FAILED)]
        if not decided:
            return []
        failed = [r for r in decided if r.outcome is Outcome.FAILED]
        pages = {r.page_url for r in decided}
        if failed:
            bad_pages = sorted({r.page_url for r in failed}, key=lambda u: self._depth(site, u))
            rules = sorted({r.rule_id for r in failed})
            return [
                Observation(
                    ABSENT,
                    0.9,
                    tuple(self._evidence(site, url, failed) for url in bad_pages[:3]),
                    f"{self._where(bad_pages, pages)} {self.what} ({', '.join(rules[:5])}).",
                )
            ]
        home_url = min(pages, key=lambda u: self._depth(site, u))
        return [
            Observation(
                PRESENT,
                0.9,
                (self._evidence(site, home_url, ()),),
                f"{self._passing(pages)} {self.what}.",
            )
        ]

    def _passing(self, pages: set[str]) -> str:
        return "The home page passes" if self.home_only() else f"All {len(pages)} audited pages pass"

    def _where(self, bad_pages: Sequence[str], pages: set[str]) -> str:
        if self.home_only():
            return "The home page fails"
        return f"{len(bad_pages)} of {len(pages)} pages fail"

    @staticmethod
    def _depth(site: SiteView, url: str) -> int:
        page = site.page(url)
        return page.depth if page is not None else 99

    @staticmethod
    def _evidence(site: SiteView, url: str, failed: Sequence[AuditResult]) -> Evidence:
        page = site.page(url)
        on_page = [r for r in failed if r.page_url == url]
        quote = "; ".join(f"{r.rule_id}: {r.nodes[0].message if r.nodes else r.description}" for r in on_page[:3])
        return Evidence(
            url=url,
            selector=on_page[0].nodes[0].selector if on_page and on_page[0].nodes else "",
            quote=quote[:300],
            language=page.language if page else "",
            depth=page.depth if page else None,
        )


class _ValidatorRule(_AuditRule):
    kind: ClassVar[str]  # "markup" or "css" in validity.yaml

    def relevant(self, result: AuditResult) -> bool:
        spec = signals("validity")[self.kind]
        return result.engine == spec["engine"] and result.rule_id in spec["rule_ids"]


class MarkupValidityRule(_ValidatorRule):
    id = "valid-markup"
    version = "1.0"
    title = "Valid markup (W3C)"
    informs = {"OSI-2024": ("196",), "LOSI-2024": ("208",)}
    kind = "markup"
    what = "markup validation"


class CssValidityRule(_ValidatorRule):
    id = "valid-css"
    version = "1.0"
    title = "Valid CSS (W3C)"
    informs = {"OSI-2024": ("195",), "LOSI-2024": ("209",)}
    kind = "css"
    what = "CSS validation"


class WcagRule(_AuditRule):
    id = "wcag-aa"
    version = "1.0"
    title = "WCAG 2.1 AA (automated checker)"
    informs = {"LOSI-2024": ("210",)}
    what = "the automated WCAG A/AA checks"

    def relevant(self, result: AuditResult) -> bool:
        return result.engine in signals("validity")["wcag"]["engines"] and result.is_wcag
