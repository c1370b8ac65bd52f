"""Pages behind a login: extra headers and cookies sent with every request of a crawl, and a login
recipe run once in Chromium before it (open the form, fill the fields, submit, check it worked)
whose session cookies the crawl then sends too.

The values here are secrets (passwords, tokens, session cookies): they live in memory for the run
only. Nothing in this module logs, stores or puts them in an error message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Route, async_playwright

from crawler.addresses import AddressGuard, BlockedAddress, UnresolvableHost, port_of
from crawler.egress import EgressProxy
from crawler.render import CHROMIUM_ARGS, BrowserNotFound

Cookie = dict[str, Any]  # as Playwright's context.cookies() gives them: name, value, domain, path, …


class LoginFailed(RuntimeError):
    """The login recipe did not work; the message says which step, never a value."""


@dataclass(frozen=True, slots=True)
class LoginRecipe:
    url: str
    fields: dict[str, str]  # CSS selector → value to type (from the environment)
    submit: str  # CSS selector of what to click
    check_selector: str = ""  # present once logged in
    check_url: str = ""  # a glob the URL matches once logged in (Playwright's wait_for_url)
    check_text: str = ""  # text shown once logged in
    timeout_s: float = 30.0

    def __repr__(self) -> str:  # the field values are secrets
        return f"LoginRecipe(url={self.url!r}, fields={sorted(self.fields)!r}, submit={self.submit!r})"


@dataclass(frozen=True, slots=True)
class SiteAccess:
    """What every request of the crawl carries, and the login to run first."""

    headers: dict[str, str] = field(default_factory=dict)
    cookies: tuple[Cookie, ...] = ()
    login: LoginRecipe | None = None

    def __repr__(self) -> str:
        return f"SiteAccess(headers={sorted(self.headers)!r}, cookies={len(self.cookies)}, login={self.login!r})"

    @property
    def empty(self) -> bool:
        return not self.headers and not self.cookies and self.login is None


def cookies_for(hosts: list[str], values: dict[str, str]) -> tuple[Cookie, ...]:
    """Configured cookies (name → value) for each of the site's hosts, path /."""
    return tuple(
        {"name": name, "value": value, "domain": host, "path": "/"} for host in hosts for name, value in values.items()
    )


async def log_in(
    recipe: LoginRecipe, *, executable: str, guard: AddressGuard, access: SiteAccess, user_agent: str = ""
) -> tuple[Cookie, ...]:
    """Runs the recipe in a fresh headless Chromium and returns the session's cookies. Every request
    of the login page goes through the same address guard as the crawl."""
    try:
        playwright = await async_playwright().start()
    except PlaywrightError as exc:  # pragma: no cover - the driver itself is missing
        raise BrowserNotFound(f"Playwright did not start: {exc}") from exc
    # The login page is as untrusted as any other: its browser connects only through the egress proxy.
    egress = EgressProxy(guard).start()
    try:
        try:
            browser = await playwright.chromium.launch(
                executable_path=executable, args=[*CHROMIUM_ARGS, *egress.chromium_args()], headless=True
            )
        except PlaywrightError as exc:
            raise BrowserNotFound(f"Chromium at {executable} did not start: {exc}") from exc
        try:
            context = await browser.new_context(
                user_agent=user_agent or None,
                extra_http_headers=access.headers or None,
                service_workers="block",
            )
            if access.cookies:
                await context.add_cookies(list(access.cookies))  # type: ignore[arg-type]  # Cookie: SetCookieParam's keys, untyped
            await context.route("**/*", _guarded(guard))
            await _follow(recipe, await context.new_page())
            return tuple(dict(cookie) for cookie in await context.cookies())
        finally:
            await browser.close()
    finally:
        egress.stop()
        await playwright.stop()


def _guarded(guard: AddressGuard) -> Callable[[Route], Awaitable[None]]:
    """A route handler that aborts every http(s) request the address guard refuses."""

    async def guarded(route: Route) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in ("http", "https"):
            try:
                await guard.check((parts.hostname or "").lower(), port_of(parts))
            except (BlockedAddress, UnresolvableHost):
                await route.abort("blockedbyclient")
                return
        await route.continue_()

    return guarded


async def _follow(recipe: LoginRecipe, page: Page) -> None:
    """The recipe's steps in `page`: open, fill, submit, then each check it names."""
    page.set_default_timeout(recipe.timeout_s * 1000)
    await _step("open the login page", page.goto(recipe.url))
    for selector in recipe.fields:
        await _step(f"fill {selector}", page.fill(selector, recipe.fields[selector]))
    await _step(f"click {recipe.submit}", page.click(recipe.submit))
    if recipe.check_selector:
        await _step(f"find {recipe.check_selector} after submitting", page.wait_for_selector(recipe.check_selector))
    if recipe.check_url:
        await _step(f"reach a URL matching {recipe.check_url} after submitting", page.wait_for_url(recipe.check_url))
    if recipe.check_text:
        await _step(
            f"see the text {recipe.check_text!r} after submitting", page.get_by_text(recipe.check_text).first.wait_for()
        )


async def _step(what: str, action: Any) -> Any:
    try:
        return await action
    except PlaywrightError as exc:
        # Playwright's own message names selectors and URLs, not the values typed: the first line is kept.
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise LoginFailed(f"login failed: could not {what} ({first_line})") from None
