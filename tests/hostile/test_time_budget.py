"""Every command has a time budget that cancels waits; Crawl-delay and Retry-After are capped (and
the caps reported); a 429/503 holds off its own URL, not the host; 429/503 pages say why.

Issue 15, item 2: `Crawl-delay: 86400` kept `crawl --time-budget 30` running past 150 s after 2
requests; `audit` and `assess` had no budget; one URL's `Retry-After: 86400` held off the whole host
(two such pages: 3 pages in 120 s); 429/503 rows had an empty reason.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from crawler.budget import RetryQueue, TimeBudget
from crawler.politeness import MAX_CRAWL_DELAY_S, MAX_RETRY_AFTER_S
from tests.hostile.server import HostileServer, Request, fixed, html, send
from tests.hostile.sites import CliRun, HostileSite, govaudit

PAGES = [f"/p{i}" for i in range(8)]
# What the run may take beyond its budget: finishing the run record (the budget cancels the waits).
SLACK_S = 3.0
# The command also loads its modules and (audit, assess) writes reports: a ceiling for a busy machine
# (at a load average of 60 on 2 cores, an audit with a 90 s budget took 209 s from start to exit).
PROCESS_SLACK_S = 180.0


def home(extra: tuple[str, ...] = ()) -> str:
    links = "".join(f'<li><a href="{path}">{path}</a></li>' for path in (*extra, *PAGES))
    return html("Ministry", f"<p>Services of the ministry, listed for every citizen.</p><ul>{links}</ul>")


def fine_pages() -> dict[str, object]:
    return {path: fixed(html(path, f"<p>The page {path} says enough to be read.</p>")) for path in PAGES}


async def busy_once(server: HostileServer, req: Request, w: asyncio.StreamWriter) -> None:
    """503 with Retry-After: 1 the first time, then the page: a host that recovers."""
    if server.hits[req.path] == 1:
        await send(w, html("Busy", "<p>later</p>"), 503, headers={"Retry-After": "1"})
    else:
        await send(w, html("Recovered", "<p>Back again, with the page.</p>"))


def check_run(
    run: CliRun, budget_s: float, slack_s: float = SLACK_S
) -> tuple[dict[str, object], dict[str, tuple[str, str]]]:
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.seconds < budget_s + PROCESS_SLACK_S
    _, status, stats, error = run.run()
    assert status == "completed", error
    assert stats["seconds"] <= budget_s + slack_s, stats  # type: ignore[operator]
    pages = run.pages()
    assert all(status and reason for status, reason in pages.values() if status not in ("ok", "not_modified"))
    return stats, pages


def test_time_budget_and_retry_queue_units() -> None:
    budget = TimeBudget(10.0)
    assert budget.allows(5) and not budget.allows(20) and not budget.spent
    assert budget.part(0.5).seconds == 5.0 and budget.part(0.5).started == budget.started
    assert TimeBudget(None).allows(1e9) and TimeBudget(None).left() is None
    queue: RetryQueue[str] = RetryQueue()
    queue.push("later", 60)
    queue.push("now", 0)
    assert queue.due() == ["now"] and len(queue) == 1 and 0 < (queue.next_in() or 0) <= 60
    assert queue.drain() == ["later"] and queue.next_in() is None


def test_crawl_delay_of_a_day_is_capped_and_the_budget_ends_the_crawl(tmp_path: Path) -> None:
    routes = {
        "/": fixed(home()),
        "/robots.txt": fixed("User-agent: *\nCrawl-delay: 86400\nAllow: /\n", content_type="text/plain"),
        **fine_pages(),
    }
    budget_s = 8
    with HostileSite(routes) as server:  # type: ignore[arg-type]
        run = govaudit("crawl", server.url("/"), "--time-budget", str(budget_s), "--json", tmp_path=tmp_path)
    assert run.code == 0, run.stderr[-3000:]
    stats, pages = check_run(run, budget_s)
    politeness = stats["politeness"]
    assert politeness["crawl_delay_cap_s"] == MAX_CRAWL_DELAY_S  # type: ignore[index]
    assert list(politeness["crawl_delay_over_cap"].values()) == [86400.0]  # type: ignore[index]
    # The next request was due 30 s after the first: the budget ended first, and the rest is queued.
    assert pages["/"][0] == "ok" and stats["left_in_frontier"] >= 1  # type: ignore[operator]


def test_retry_after_of_a_day_holds_off_only_its_own_url(tmp_path: Path) -> None:
    refuse = fixed(html("Slow down", "<p>later</p>"), 429, Retry_After="86400")
    routes = {
        "/": fixed(home(("/busy-a", "/busy-b", "/busy-once"))),
        "/robots.txt": fixed("User-agent: *\nAllow: /\n", content_type="text/plain"),
        "/busy-a": refuse,
        "/busy-b": fixed(html("Busy", "<p>later</p>"), 503, Retry_After="86400"),
        "/busy-once": busy_once,
        **fine_pages(),
    }
    budget_s = 20
    with HostileSite(routes) as server:  # type: ignore[arg-type]
        args = ("crawl", server.url("/"), "--time-budget", str(budget_s), "--concurrency", "2", "--json")
        run = govaudit(*args, tmp_path=tmp_path)
        hits = dict(server.hits)
    assert run.code == 0, run.stderr[-3000:]
    stats, pages = check_run(run, budget_s)
    # Every other page was crawled meanwhile: the two refusals held off nothing but themselves.
    assert all(pages[path][0] == "ok" for path in PAGES), pages
    for path, code in (("/busy-a", 429), ("/busy-b", 503)):
        status, reason = pages[path]
        assert status == "http_error", (path, pages[path])
        assert f"HTTP {code} (Retry-After 86400)" in reason and f"capped at {MAX_RETRY_AFTER_S:g} s" in reason
        assert "past the time budget" in reason
        assert hits[path] == 1  # a 60 s wait does not fit a 20 s budget: not asked again
    # A URL that recovers is asked again after its own Retry-After, and kept.
    assert pages["/busy-once"][0] == "ok" and hits["/busy-once"] == 2
    assert stats["politeness"]["retry_after_over_cap"] == 2  # type: ignore[index]


@pytest.mark.browser
@pytest.mark.parametrize("command", ["audit", "assess"])
def test_audit_and_assess_end_within_their_budget(command: str, tmp_path: Path, chromium: str) -> None:
    routes = {
        "/": fixed(home()),
        "/robots.txt": fixed("User-agent: *\nCrawl-delay: 86400\nAllow: /\n", content_type="text/plain"),
        **fine_pages(),
    }
    budget_s = 90  # a browser may take 20 s to start on a busy machine, and its start counts
    with HostileSite(routes) as server:  # type: ignore[arg-type]
        args = (command, server.url("/"), "--time-budget", str(budget_s), "--quiet", "--out", str(tmp_path / "out"))
        run = govaudit(*args, tmp_path=tmp_path, timeout_s=budget_s + PROCESS_SLACK_S + 60)
    assert run.code == 0, run.stderr[-3000:]
    # Closing the browser and recording the answers cannot be cut: they have the last 20 % of the
    # budget, which a machine at a load average of 60 on 2 cores overran by 3 s (95.7 s of 90).
    stats, pages = check_run(run, budget_s, slack_s=0.1 * budget_s)
    assert pages["/"][0] == "ok" and stats["left_in_frontier"] >= 1  # type: ignore[operator]
    assert (tmp_path / "out" / "report.json").is_file()
