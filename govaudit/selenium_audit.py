"""`--driver selenium`: the run's pages audited by axe-core through Selenium instead of Playwright.

The crawl is the same (httpx, never rendered in Playwright); once it is over, every page fetched — or
the WCAG-EM sample — is opened in one Selenium browser (local chromedriver, or a Grid / remote WebDriver
by URL) and axe runs there with the same script and options as in Playwright (`SeleniumAuditor`), its
results stored like Playwright's. Our own checks (reflow, keyboard, text spacing, …) drive Playwright's
page API and do not run: the run's settings and stats say so, rather than leaving a silent gap.

Differences from the Playwright path, by construction: the browser requests each audited page again
(Selenium cannot replay the crawler's response) and third-party blocking does not apply. A local browser's
every connection still goes through the egress proxy (`crawler.egress`), which holds it to the address
guard, as Playwright's does. A Grid's browser runs on another machine, out of the proxy's reach: pages on a
refused address are not opened, a page whose navigation ended on one is discarded, but what the page
itself makes that browser connect to is up to the Grid's own network (README, "Selenium Grid").
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from selenium.common.exceptions import WebDriverException
from urllib3.exceptions import HTTPError as ConnectionTrouble

from audits.axe import AxeInspector
from audits.inspectors import AuditSuite
from audits.outcome import Outcome
from audits.result import AuditResult
from audits.sampling import Sample
from audits.selenium_driver import SeleniumAuditor, SeleniumPage, SeleniumSettings
from crawler.addresses import AddressGuard, BlockedAddress, UnresolvableHost, port_of
from crawler.egress import EgressProxy
from crawler.render import CHROMIUM_INSTALL, BrowserNotFound
from crawler.snapshot import PageDigest, ScanStatus
from govaudit.assessment import Assessment, SampleOptions
from govaudit.settings import Settings

STATUS_TIMEOUT_S = 10.0
# What a session can raise: the browser's errors, and the HTTP client's when chromedriver or a Grid goes away.
SESSION_ERRORS = (WebDriverException, ConnectionTrouble, OSError)
OWN_CHECKS_NOT_RUN = "own checks not run with --driver selenium (they need Playwright): axe-core only"


class Driver(StrEnum):
    PLAYWRIGHT = "playwright"
    SELENIUM = "selenium"


class BadGridURL(ValueError):
    """--selenium-url is malformed, does not answer, or is not a WebDriver endpoint: bad input (exit 2)."""


class SeleniumUnavailable(BrowserNotFound):
    """No chromedriver, or no browser session could be started: a missing browser (exit 4)."""


def check_grid_url(url: str) -> str:
    """The Grid URL without a trailing slash, or BadGridURL saying what is wrong with it."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number in range
    except ValueError as exc:
        raise BadGridURL(f"--selenium-url {url!r} is not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadGridURL(
            f"--selenium-url {url!r} is not a WebDriver endpoint URL: give http(s)://host:port, "
            "e.g. http://localhost:4444 for a Selenium Grid"
        )
    if parts.query or parts.fragment:
        raise BadGridURL(f"--selenium-url {url!r}: a WebDriver endpoint takes no query or fragment")
    return url.strip().rstrip("/")


def selenium_settings(settings: Settings, grid_url: str | None = None) -> SeleniumSettings:
    """Selenium's browser set up as the Playwright renderer would be from the same settings."""
    return SeleniumSettings(
        grid_url=check_grid_url(grid_url) if grid_url else None,
        chromedriver=settings.chromedriver,
        executable=settings.chromium,
        page_load_timeout_s=settings.page_timeout_s,
        user_agent=settings.user_agent,
    )


def _probe_grid(url: str) -> None:
    """GET /status, which every W3C WebDriver endpoint (Grid, chromedriver) answers. Done before the crawl:
    a mistyped Grid URL must not cost a whole crawl."""
    try:
        response = httpx.get(f"{url}/status", timeout=STATUS_TIMEOUT_S, follow_redirects=True)
    except httpx.HTTPError as exc:
        raise BadGridURL(f"Selenium Grid at {url} does not answer: {_first_line(exc)}") from None
    try:
        value = response.json()["value"]
        ready = bool(value["ready"])
    except (ValueError, KeyError, TypeError):
        raise BadGridURL(
            f"{url} is not a Selenium Grid or WebDriver endpoint (GET /status gave HTTP {response.status_code}, "
            "not a WebDriver status)"
        ) from None
    if not ready:
        message = value.get("message") or "no node can take a new session"
        raise SeleniumUnavailable(f"Selenium Grid at {url} is not ready: {message}")


def preflight(selenium: SeleniumSettings, inspector: AxeInspector) -> str:
    """Check that a session starts (and quit it); return the browser's version. Blocking."""
    if selenium.grid_url:
        _probe_grid(selenium.grid_url)
    else:
        if not Path(selenium.chromedriver).is_file():
            raise SeleniumUnavailable(
                f"No chromedriver at {selenium.chromedriver}. Install it with `sudo apt-get install chromium-driver` "
                "(or run `make setup`), or point GOVAUDIT_CHROMEDRIVER at a chromedriver, or give --selenium-url."
            )
        if not Path(selenium.executable).is_file():
            raise SeleniumUnavailable(f"No Chromium at {selenium.executable}. {CHROMIUM_INSTALL}")
    auditor = SeleniumAuditor(inspector, selenium)
    try:
        auditor.start()
        return auditor.browser_version
    except SESSION_ERRORS as exc:
        where = f"Selenium Grid at {selenium.grid_url}" if selenium.grid_url else selenium.chromedriver
        raise SeleniumUnavailable(f"{where} could not start a browser: {_first_line(exc)}") from None
    finally:
        auditor.quit()


@dataclass(slots=True)
class SeleniumAudit:
    """axe through Selenium for one assessment run: `check()` before the crawl, `audit()` after it."""

    selenium: SeleniumSettings
    inspector: AxeInspector
    not_run: tuple[str, ...]  # the suite's other inspectors: what this driver leaves out
    browser: str = ""

    @classmethod
    def for_suite(cls, suite: AuditSuite, selenium: SeleniumSettings) -> SeleniumAudit:
        axe = next(i for i in suite.inspectors if isinstance(i, AxeInspector))
        return cls(selenium, axe, tuple(i.name for i in suite.inspectors if i is not axe))

    async def check(self) -> None:
        """Before the crawl: BadGridURL or SeleniumUnavailable now rather than after an hour of crawling."""
        self.browser = await asyncio.to_thread(preflight, self.selenium, self.inspector)

    def describe(self) -> dict[str, Any]:
        """What the run's settings and stats record about the driver (and what it did not run)."""
        return {
            "name": str(Driver.SELENIUM),
            "grid_url": self.selenium.grid_url,
            "chromedriver": None if self.selenium.grid_url else self.selenium.chromedriver,
            "browser_version": self.browser,
            "own_checks": OWN_CHECKS_NOT_RUN,
            "not_run": list(self.not_run),
        }

    async def audit(
        self,
        assessment: Assessment,
        pages: Sequence[PageDigest],
        sample: SampleOptions | None,
        guard: AddressGuard | None = None,
    ) -> Sample | None:
        """Audit every HTML page fetched in this run, or the sample chosen from `pages`; return the sample.
        Pages carried from an earlier run keep their results (they are not in `assessment.html`).
        `guard` is the crawl's address guard: a local browser connects only through it."""
        guard = guard or AddressGuard()
        with self._egress(guard) as egress:
            return await self._audit(assessment, pages, sample, guard, egress)

    @contextlib.contextmanager
    def _egress(self, guard: AddressGuard) -> Iterator[EgressProxy | None]:
        if self.selenium.grid_url:
            yield None
            return
        proxy = EgressProxy(guard).start()
        try:
            yield proxy
        finally:
            proxy.stop()

    async def _refused(self, guard: AddressGuard, url: str) -> str:
        """Why the guard refuses `url`'s host, or '' (a name that does not resolve is the browser's to fail on)."""
        parts = urlsplit(url)
        try:
            await guard.check((parts.hostname or "").lower(), port_of(parts))
        except BlockedAddress as exc:
            return str(exc)
        except UnresolvableHost:
            return ""
        return ""

    async def _navigation_failed(
        self, assessment: Assessment, url: str, page: SeleniumPage, guard: AddressGuard, egress: EgressProxy | None
    ) -> bool:
        """Record a page whose navigation ended on a refused address or the browser's error page; True if so.
        A Grid's browser has no proxy in its way: the guard's verdict on where it went is the refusal then."""
        if not page.error_page and page.final_url == url:
            return False
        parts = urlsplit(page.final_url)
        port = port_of(parts)
        refusal = egress.refusal((parts.hostname or "").lower(), port) if egress is not None else None
        why = refusal.reason if refusal is not None else await self._refused(guard, page.final_url)
        if why:  # nothing of the page is kept
            assessment.render_failed(url, ScanStatus.BLOCKED_ADDRESS, f"navigation to {page.final_url} blocked: {why}")
            return True
        if page.error_page:
            assessment.render_failed(url, ScanStatus.ERROR, page.error)
            return True
        return False

    async def _audit(
        self,
        assessment: Assessment,
        pages: Sequence[PageDigest],
        sample: SampleOptions | None,
        guard: AddressGuard,
        egress: EgressProxy | None,
    ) -> Sample | None:
        chosen = assessment.draw_sample(pages, sample) if sample is not None else None
        if chosen is not None:
            todo = {url: f"audit sample: {chosen.reasons[url]}" for url in chosen.urls if url in assessment.html}
        else:
            todo = {p.final_url: "render mode: always" for p in pages if p.ok and p.final_url in assessment.html}
        if not todo:
            return chosen
        settings = self.selenium if egress is None else replace(self.selenium, extra_args=tuple(egress.chromium_args()))
        auditor = SeleniumAuditor(self.inspector, settings)
        try:
            # One browser for the run. Selenium blocks: each call runs in a worker thread, one at a time.
            await asyncio.to_thread(auditor.start)
            self.browser = auditor.browser_version or self.browser
            for url, why in todo.items():
                if refused := await self._refused(guard, url):  # never opened, even by a Grid's browser
                    assessment.render_failed(url, ScanStatus.BLOCKED_ADDRESS, refused)
                    continue
                started = time.perf_counter()
                try:
                    page = await asyncio.to_thread(auditor.audit, url)
                except SESSION_ERRORS as exc:
                    # The session itself died (a crashed browser, a Grid node gone): this page is an error,
                    # the pages left get a fresh browser. If none starts, the run fails below, with why.
                    assessment.add_results(url, [self._error(url, f"browser session lost: {_first_line(exc)}")])
                    auditor.quit()
                    await asyncio.to_thread(auditor.start)
                    continue
                if await self._navigation_failed(assessment, url, page, guard, egress):
                    continue
                if page.error:  # it did not load: an error with the reason, and the visit is not marked rendered
                    assessment.add_results(url, [self._error(url, page.error)])
                    continue
                ms = (time.perf_counter() - started) * 1000
                assessment.add_rendered(url, ms, f"{why} (axe-core through Selenium)", page.results)
        except SESSION_ERRORS as exc:
            raise SeleniumUnavailable(f"the Selenium browser failed: {_first_line(exc)}") from None
        finally:
            auditor.quit()  # synchronously: it must run even while the event loop is being cancelled
        return chosen

    def _error(self, url: str, why: str) -> AuditResult:
        """A page the browser could not audit: an error with the reason, never a page that looks clean."""
        return AuditResult(
            page_url=url,
            engine="axe-core",
            engine_version=self.inspector.version,
            rule_id="axe-run",
            outcome=Outcome.ERROR,
            reason=why,
        )


def _first_line(exc: BaseException) -> str:
    text = (getattr(exc, "msg", None) or str(exc)).strip()
    return text.splitlines()[0] if text else type(exc).__name__
