"""axe-core through Selenium 4: the alternative driver (`--driver selenium`), local Chrome or a Selenium Grid.

It runs the same axe.min.js with the same options as `AxeInspector` and converts with the same
`to_results`, so a page gives the same outcomes whichever driver rendered it.

The glue is axe-selenium-python's `Axe(driver, script_url=...)` (it injects the script and runs
`axe.run` through `execute_async_script`). Its own bundled axe (3.1.1 on Python 3.11) is never used:
`script_url` always points at the pinned npm axe-core.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.common.exceptions import JavascriptException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.remote_connection import RemoteConnection
from urllib3.exceptions import HTTPError, ReadTimeoutError

from audits.axe import AxeInspector, find_axe_script, to_results
from audits.outcome import Outcome
from audits.result import AuditResult
from crawler.render import (
    DEFAULT_CHROMIUM,
    DESKTOP,
    ERROR_PAGE,
    MAX_NAVIGATIONS,
    NETWORK_ARGS,
    NO_SERVICE_WORKERS,
)

DEFAULT_CHROMEDRIVER = "/usr/bin/chromedriver"
# How much longer than the page-load and script timeouts a command may take to come back: chromedriver itself
# waits on a renderer that a script holds (`while (true)` after load), and the HTTP client's own default is 120 s.
ANSWER_MARGIN_S = 10.0
# The same network flags as the Playwright renderer's (no speculation, no DNS prefetch, no UDP WebRTC).
CHROME_ARGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", *NETWORK_ARGS)
# Same wait as the Playwright renderer: content inserted after `load` is audited too.
_WAIT_DOM_QUIET = """const [quiet, cap, done] = arguments;
let timer = setTimeout(finish, quiet);
const hard = setTimeout(finish, cap);
const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(finish, quiet); });
observer.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
function finish() { observer.disconnect(); clearTimeout(timer); clearTimeout(hard); done(true); }"""


@dataclass(slots=True)
class SeleniumSettings:
    """`grid_url` set: a remote Selenium Grid (its nodes bring their own Chrome); else local Chrome."""

    grid_url: str | None = None
    chromedriver: str = DEFAULT_CHROMEDRIVER
    executable: str = DEFAULT_CHROMIUM
    page_load_timeout_s: float = 30.0
    dom_quiet_ms: int = 200
    dom_quiet_cap_ms: int = 2000
    viewport: tuple[int, int] = (DESKTOP["width"], DESKTOP["height"])
    user_agent: str = ""  # as the Playwright renderer: the browser says who it is (empty: Chrome's own)
    # More Chrome flags: the egress proxy's (`crawler.egress.EgressProxy.chromium_args`), for a local browser.
    extra_args: tuple[str, ...] = ()


@dataclass(slots=True)
class SeleniumPage:
    """What one page gave: the URL after redirects, axe's results as AuditResults, or why it failed."""

    final_url: str
    results: list[AuditResult]
    error: str = ""
    axe_ms: float = 0.0
    # The page's navigation ended on Chromium's error page (refused by the egress proxy, or failed):
    # `final_url` is the URL it failed on, and nothing of the page was audited.
    error_page: bool = False


class SeleniumAuditor:
    """`with SeleniumAuditor() as auditor: auditor.audit(url)`. One browser for many pages; always quit.

    Not async: Selenium's client is blocking. From asyncio, call `await asyncio.to_thread(auditor.audit, url)`
    (one auditor per thread: a WebDriver session is not thread-safe)."""

    def __init__(self, inspector: AxeInspector | None = None, settings: SeleniumSettings | None = None) -> None:
        self.inspector = inspector or AxeInspector(script=find_axe_script())
        self.settings = settings or SeleniumSettings()
        self.driver: webdriver.Remote | None = None
        # The chromedriver process and the browser it started: killed if quit() does not end them.
        self._pids: set[int] = set()
        self._driver_pid: int | None = None
        self._script = Path(self.inspector.script).read_text(encoding="utf-8")
        # The last page ran out of time: its scripts may still hold the tab's renderer (a `while (true)`),
        # and every later page in that browser would wait out the same timeouts. The next page gets a new one.
        self._stuck = False
        self._unanswered = False  # a command got no answer at all: chromedriver is stuck too

    def __enter__(self) -> SeleniumAuditor:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.quit()

    @property
    def browser_version(self) -> str:
        return str(self.driver.capabilities.get("browserVersion", "")) if self.driver else ""

    def start(self) -> None:
        options = webdriver.ChromeOptions()
        for arg in (*CHROME_ARGS, *self.settings.extra_args):
            options.add_argument(arg)
        width, height = self.settings.viewport
        options.add_argument(f"--window-size={width},{height}")
        if self.settings.user_agent:
            options.add_argument(f"--user-agent={self.settings.user_agent}")
        if self.settings.grid_url:
            self.driver = webdriver.Remote(command_executor=self.settings.grid_url, options=options)
        else:
            # Explicit binary and driver: otherwise Selenium Manager tries the network first (3.7 s vs 0.7 s).
            options.binary_location = self.settings.executable
            service = Service(self.settings.chromedriver)
            self.driver = webdriver.Chrome(service=service, options=options)
            self._driver_pid = self.driver.service.process.pid
            self._pids = {self._driver_pid} | _descendants(self._driver_pid)
            # No service worker may serve a later page in place of the server (a Grid's browser: see README).
            self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": NO_SERVICE_WORKERS})
        self.driver.set_page_load_timeout(self.settings.page_load_timeout_s)
        self.driver.set_script_timeout(self.inspector.timeout_s)
        if isinstance(self.driver.command_executor, RemoteConnection):  # always, once the session exists
            # Each command within the bound, and asked once: urllib3 repeats a GET that timed out, three times.
            # Without keep-alive the connection is made per command from this config (to a local chromedriver: ~1 ms).
            config = self.driver.command_executor.client_config
            config.timeout = self.answer_within_s
            config.init_args_for_pool_manager = {"init_args_for_pool_manager": {"retries": False}}
            config.keep_alive = False
        self._fit_viewport()

    @property
    def answer_within_s(self) -> float:
        """The longest one WebDriver command may take before the page counts as unresponsive."""
        return max(self.settings.page_load_timeout_s, self.inspector.timeout_s) + ANSWER_MARGIN_S

    def quit(self) -> None:
        if self.driver is None:
            return
        if self._driver_pid is not None:  # renderer processes started since start() are children too
            self._pids |= _descendants(self._driver_pid)
        service = getattr(self.driver, "service", None)
        gone = service is not None and service.process is not None and service.process.poll() is not None
        if self._unanswered:  # chromedriver waits on a stuck renderer: killed first, so that stop() asks nothing
            _kill(self._pids)
        if service is not None and (gone or self._unanswered):
            # chromedriver is gone: quit() would only retry its HTTP call. The kill below cleans up.
            with contextlib.suppress(WebDriverException, OSError):
                service.stop()
        else:
            with contextlib.suppress(WebDriverException, OSError, HTTPError):
                self.driver.quit()
        self.driver = None
        self._stuck = self._unanswered = False
        _kill(self._pids)
        self._pids = set()
        self._driver_pid = None

    @property
    def pids(self) -> frozenset[int]:
        """chromedriver and the browser processes below it, as last seen (local driver only)."""
        if self._driver_pid is not None:
            self._pids |= _descendants(self._driver_pid)
        return frozenset(self._pids)

    def _fit_viewport(self) -> None:
        """--window-size sets the outer window; resize so the viewport is the renderer's (1280×800):
        colour contrast and target size can depend on layout."""
        assert self.driver is not None
        width, height = self.settings.viewport
        inner = self.driver.execute_script("return [window.innerWidth, window.innerHeight]")
        if inner != [width, height]:
            rect = self.driver.get_window_rect()
            self.driver.set_window_rect(
                width=rect["width"] + width - inner[0], height=rect["height"] + height - inner[1]
            )

    def audit(self, url: str) -> SeleniumPage:
        """Open `url`, wait for the DOM to settle, run axe with AxeInspector's options."""
        if self.driver is None:
            raise RuntimeError("SeleniumAuditor.audit() before start() (use it as a context manager)")
        if self._stuck:
            self.quit()
            self.start()
        try:
            return self._audit(url)
        except TimeoutException as exc:  # chromedriver gave up on a renderer a script holds, mid-command
            self._stuck = True
            return SeleniumPage(url, [], f"the page did not answer: {_first_line(exc)}")
        except ReadTimeoutError:  # chromedriver itself did not answer
            self._stuck = self._unanswered = True
            return SeleniumPage(url, [], f"the browser did not answer within {self.answer_within_s:g} s")

    def _audit(self, url: str) -> SeleniumPage:
        driver = self.driver
        assert driver is not None
        version = self.inspector.version
        try:
            driver.get(url)
        except TimeoutException:
            # Not asked whether it ended on the error page: a page that failed to load got there at once, and
            # a script on a page still loading would hold up the question as long again.
            self._stuck = True
            return SeleniumPage(url, [], f"page did not finish loading within {self.settings.page_load_timeout_s:g} s")
        except WebDriverException as exc:
            return self._error_page() or SeleniumPage(url, [], f"render failed: {_first_line(exc)}")
        unsettled = self._wait_quiet(url)
        if unsettled is not None:
            return unsettled
        failed = self._error_page()
        if failed is not None:
            return failed
        final_url = driver.current_url
        started = time.perf_counter()
        try:
            self._inject()
            raw: dict[str, Any] = Axe(driver, script_url=str(self.inspector.script)).run(
                options=json.dumps(self.inspector.options)
            )
        except TimeoutException:
            self._stuck = True
            reason = f"axe.run did not finish within {self.inspector.timeout_s:g} s"
            return SeleniumPage(final_url, [_error(final_url, version, reason)])
        except (JavascriptException, WebDriverException) as exc:
            return SeleniumPage(final_url, [_error(final_url, version, f"axe.run failed: {_first_line(exc)}")])
        axe_ms = (time.perf_counter() - started) * 1000
        return SeleniumPage(final_url, to_results(raw, final_url, version), axe_ms=axe_ms)

    def _wait_quiet(self, url: str) -> SeleniumPage | None:
        """Wait until the DOM is quiet; None once it is, else the page that says why not. A page that
        navigates while watched (a timer setting location) is followed a few times, as the Playwright
        renderer does: chromedriver ends the wait with a timeout the moment the document unloads."""
        assert self.driver is not None
        quiet = (self.settings.dom_quiet_ms, self.settings.dom_quiet_cap_ms)
        for _ in range(MAX_NAVIGATIONS + 1):
            watched = self.driver.current_url
            try:
                self.driver.execute_async_script(_WAIT_DOM_QUIET, *quiet)
                return None
            except WebDriverException as exc:  # TimeoutException included
                failed = self._error_page()
                if failed is not None:
                    return failed
                if self.driver.current_url == watched:  # no navigation: the page itself is stuck or broken
                    if isinstance(exc, TimeoutException):
                        self._stuck = True
                        return SeleniumPage(url, [], f"page did not settle within {self.inspector.timeout_s:g} s")
                    return SeleniumPage(url, [], f"render failed: {_first_line(exc)}")
        return SeleniumPage(url, [], f"page kept navigating (more than {MAX_NAVIGATIONS} navigations)")

    def _error_page(self) -> SeleniumPage | None:
        """The page, if its navigation (a redirect, a meta refresh, a script) ended on Chromium's error page."""
        assert self.driver is not None
        try:
            where = str(self.driver.execute_script("return location.href"))
        except WebDriverException:
            return None
        if not where.startswith(ERROR_PAGE):
            return None
        failed_url = self.driver.current_url  # chromedriver reports the URL that failed, not chrome-error://
        why = f"navigation to {failed_url} ended on the browser's error page"
        return SeleniumPage(failed_url, [], why, error_page=True)

    def _inject(self) -> None:
        """axe in the page and in every iframe, as the init script puts it in Playwright: without it in a
        frame, axe waits for that frame's answer and reports nothing about its content."""
        assert self.driver is not None
        self._inject_frames(depth=0)
        self.driver.switch_to.default_content()

    def _inject_frames(self, depth: int) -> None:
        assert self.driver is not None
        driver = self.driver
        if not driver.execute_script("return typeof window.axe === 'object'"):
            driver.execute_script(self._script)
        if depth >= 5:  # nested frames deeper than this are pathological; axe still covers the page
            return
        for index in range(len(driver.find_elements(By.CSS_SELECTOR, "iframe, frame"))):
            frames = driver.find_elements(By.CSS_SELECTOR, "iframe, frame")
            if index >= len(frames):
                break
            try:
                driver.switch_to.frame(frames[index])
                self._inject_frames(depth + 1)
            except WebDriverException:
                pass  # a cross-origin or vanished frame: axe reports it as not reachable
            finally:
                driver.switch_to.parent_frame()


def _error(url: str, version: str, reason: str) -> AuditResult:
    return AuditResult(
        page_url=url,
        engine="axe-core",
        engine_version=version,
        rule_id="axe-run",
        outcome=Outcome.ERROR,
        reason=reason,
    )


def _first_line(exc: Exception) -> str:
    text = getattr(exc, "msg", None) or str(exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def _descendants(pid: int) -> set[int]:
    """All processes below `pid` (Linux /proc): chromedriver's Chromium and its renderers."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # Field 4 is the parent pid; the command name (field 2) may contain spaces, so split after ')'.
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def _kill(pids: set[int]) -> None:
    for pid in alive(pids):
        # A pid is only ours while it still runs a Chrome process: never signal a recycled pid.
        with contextlib.suppress(OSError):
            if b"chrom" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    # SIGKILL is asynchronous: give the processes a moment to go, reaping our own child (chromedriver).
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for pid in pids:
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, os.WNOHANG)
        if not alive(pids):
            return
        time.sleep(0.05)


def alive(pids: set[int] | frozenset[int]) -> set[int]:
    """Those of `pids` still running (zombies excluded): what a test asserts is empty after quit()."""
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            out.add(pid)
    return out
