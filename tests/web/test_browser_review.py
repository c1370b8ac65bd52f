"""A whole country reviewed in a real Chromium, the way the queue is meant to be worked: filters, one
bulk action, then single-key shortcuts question after question; every decision is then checked in the
questions' history and in the export. Also: one accept is one key press from the question page, the
shortcuts never fire inside a form field, and the focus order puts the decision before the evidence."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page

from govaudit.web import create_app
from storage import Store
from tests.module_browser import ModuleBrowser
from tests.web.conftest import SECRET, add_users, copy_db, serve
from tests.web.test_browser import _signed_in

pytestmark = pytest.mark.browser
BULK_COMMENT = "detector hits checked on a sample of ten"
# [an enabled quick Accept button, a quick Reject button] on the question page shown.
QUICK_BUTTONS = "[!!document.querySelector('#quick-accept:not([disabled])'), !!document.querySelector('#quick-reject')]"


@pytest.fixture(scope="module")
def country(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, database URL) of the demo country on a copy of its own."""
    url = copy_db(demo_db, tmp_path_factory.mktemp("review") / "app.db")
    with Store(url) as store:
        store.upgrade()
        add_users(store)
        with serve(create_app(store=store, secret_key=SECRET)) as base:
            yield base, url


@dataclass
class Keys:
    """Counts what the test types, so that "key presses per accept" is measured, not assumed."""

    page: Page
    presses: int = 0

    async def press(self, key: str) -> None:
        self.presses += 1
        await self.page.keyboard.press(key)


def _code(url: str) -> str:
    return re.search(r"/q/(\w+)", url).group(1)  # type: ignore[union-attr]


Decided = dict[tuple[str, str], str]  # (instrument, question) → what was decided by keys


async def _decide_by_keys(page: Page, key: str, keys: Keys, decided: Decided, accept_presses: list[int]) -> str:
    """Decide the question on screen with shortcuts only; return its code."""
    code = _code(page.url)
    before = keys.presses
    # One plain evaluate rather than two locator counts: a locator loads Playwright's selector engine
    # into every new document, and this runs on ~280 of them (about 3 CPU-s of Chromium, measured).
    accept_on, reject_there = await page.evaluate(QUICK_BUTTONS)
    if accept_on:
        if not any(v == "reject" for v in decided.values()) and reject_there:
            decided[key, code] = "reject"
            await keys.press("r")
        else:
            decided[key, code] = "accept"
            await keys.press("a")
            accept_presses.append(keys.presses - before)
    else:  # no suggested value: override with the first value, by keyboard
        await keys.press("o")
        assert await page.evaluate("document.activeElement.id") == "value"
        await keys.press("ArrowDown")
        decided[key, code] = "override:" + await page.evaluate("document.activeElement.value")
        await keys.press("Tab")  # the comment
        await keys.press("Tab")  # Save decision
        await keys.press("Enter")
    await page.wait_for_url(re.compile(rf"saved={code}(&|$)"))
    return code


async def _work_through(
    page: Page, base: str, key: str, keys: Keys, decided: dict[str, str], accepts: list[int]
) -> int:
    """Open the first question still to decide (key "n" on the queue), then decide until none is left."""
    await page.goto(f"{base}/c/VLD/{key}?show=todo")
    await keys.press("n")
    await page.wait_for_url(re.compile(r"/q/"))
    count = 0
    for _ in range(400):
        code = await _decide_by_keys(page, key, keys, decided, accepts)
        count += 1
        if _code(page.url) == code:  # redirected to itself: nothing left after it in the list
            break
    return count


def test_a_reviewer_reviews_a_whole_country_with_filters_shortcuts_and_one_bulk_action(
    country: tuple[str, str], module_browser: ModuleBrowser
) -> None:
    base, db_url = country
    decided: Decided = {}
    accepts: list[int] = []

    async def body(browser: Any) -> tuple[int, str, dict[str, Any]]:
        context, page = await _signed_in(browser, base, "rita")
        # Filters: the confident suggestions of the OSI queue, through the filter form.
        await page.goto(f"{base}/c/VLD/OSI-2024")
        await page.select_option("#f-band", "high")
        await page.click("form.filters button[type=submit]")
        await page.wait_for_url(re.compile(r"band=high"))
        listed = int(re.search(r"(\d+) question", await page.locator("#results").inner_text()).group(1))
        assert listed > 0
        # One bulk action on that filter.
        await page.fill("#bulk-min", "0.90")
        await page.fill("#bulk-comment", BULK_COMMENT)
        await page.click("text=Accept them")
        await page.wait_for_selector("text=decisions recorded")
        bulk = int(re.search(r"Bulk accept: (\d+)", await page.locator("main").inner_text()).group(1))
        assert 0 < bulk <= listed
        # Everything else by shortcuts, OSI then LOSI (switched with the filter's instrument select).
        keys = Keys(page)
        osi = await _work_through(page, base, "OSI-2024", keys, decided, accepts)
        await page.goto(f"{base}/c/VLD/OSI-2024?show=todo")
        assert "No question matches these filters." in await page.locator("main").inner_text()
        await page.select_option("#f-instrument", "LOSI-2024")
        await page.click("form.filters button[type=submit]")
        await page.wait_for_url(re.compile(r"/c/VLD/LOSI-2024\?show=todo"))
        losi = await _work_through(page, base, "LOSI-2024", keys, decided, accepts)
        await page.goto(f"{base}/c/VLD/LOSI-2024?show=todo")
        assert "No question matches these filters." in await page.locator("main").inner_text()
        async with page.expect_download() as info:
            await page.goto(f"{base}/c/VLD")
            await page.click("text=Download VLD answers as CSV")
        exported = (await (await info.value).path()).read_text(encoding="utf-8-sig")
        # The history, as the question page shows it, of one bulk-accepted and one key-decided question.
        bulk_code = next(
            r["question"] for r in csv.DictReader(io.StringIO(exported)) if r["comment"].startswith("[bulk")
        )
        trails = {}
        for code in (bulk_code, next(c for k, c in decided if k == "OSI-2024")):
            await page.goto(f"{base}/c/VLD/OSI-2024/q/{code}")
            trails[code] = await page.locator("section[aria-labelledby=trail]").inner_text()
        await context.close()
        return bulk, exported, {"osi": osi, "losi": losi, "trails": trails, "presses": keys.presses}

    bulk, exported, seen = module_browser.run(body)
    rows = list(csv.DictReader(io.StringIO(exported)))
    suggested = [r for r in rows if r["outcome"]]
    by_key = {(r["instrument"], r["question"]): r for r in suggested}
    by_bulk = {k for k, r in by_key.items() if r["comment"].startswith("[bulk")}
    assert not by_bulk & set(decided), by_bulk & set(decided)
    assert set(by_key) == by_bulk | set(decided), set(by_key) - by_bulk - set(decided)
    # Every question of the country that has a suggestion (OSI 181 and LOSI 95 questions, less any the demo
    # run gave no row), decided once.
    assert len(suggested) == bulk + len(decided) and len(suggested) >= 181 + 95 - 5
    assert all(p == 1 for p in accepts) and len(accepts) > 100  # one key press per accept
    for row in suggested:
        assert row["status"] == "Resolved by reviewer" and row["decided_by"] == "rita", row
    bulk_rows = [
        r for r in suggested if r["comment"].startswith("[bulk accept (filter: band=high; confidence >= 0.90)")
    ]
    assert len(bulk_rows) == bulk and all(r["comment"].endswith(BULK_COMMENT) for r in bulk_rows)
    assert all(r["final_value"] == r["suggested_value"] for r in bulk_rows)
    for where, decision in decided.items():
        row = by_key[where]
        assert not row["comment"].startswith("[bulk"), row
        if decision == "accept":
            assert row["final_value"] == row["suggested_value"]
        elif decision == "reject":
            assert row["final_value"] != row["suggested_value"] and row["final_value"] in ("present", "absent")
        else:
            assert row["final_value"] == decision.split(":", 1)[1]
    [bulk_trail, key_trail] = seen["trails"].values()
    assert "bulk accept (filter: band=high" in bulk_trail and BULK_COMMENT in bulk_trail and "rita" in bulk_trail
    assert "bulk" not in key_trail and "rita" in key_trail
    # The store's own record: exactly one append-only review per question, all by rita.
    with Store(db_url) as store:
        reviews = [
            r
            for key in ("OSI-2024", "LOSI-2024")
            for a in store.answers.of_country("VLD", key)
            for r in a.record.reviews
        ]
    assert len(reviews) == len(suggested) and {r.user_name for r in reviews} == {"rita"}


def test_one_accept_is_one_key_press_and_shortcuts_stay_out_of_form_fields(
    country: tuple[str, str], module_browser: ModuleBrowser
) -> None:
    base, _ = country

    async def body(browser: Any) -> dict[str, Any]:
        context, page = await _signed_in(browser, base, "ana")
        await page.goto(f"{base}/c/VLD/OSI-2024/q/012")
        keys = Keys(page)
        # Typing into the comment never triggers a shortcut.
        await page.focus("#comment")
        await keys.press("a")
        await keys.press("n")
        await page.wait_for_timeout(300)
        assert _code(page.url) == "012" and await page.input_value("#comment") == "an"
        await page.fill("#comment", "")
        # Focus order from the top of the page: where the decision comes, in Tab presses.
        await page.goto(f"{base}/c/VLD/OSI-2024/q/012")
        order: list[str] = []
        for _ in range(60):
            await page.keyboard.press("Tab")
            order.append(
                await page.evaluate(
                    "(() => { const e = document.activeElement; return e.id || e.textContent.trim().slice(0, 30); })()"
                )
            )
            if order[-1] == "next-question":
                break
        # One accept: one key press from the question page.
        await page.goto(f"{base}/c/VLD/OSI-2024/q/012")
        keys = Keys(page)
        await keys.press("a")
        await page.wait_for_selector("text=Your decision on #012 is saved.")
        presses = keys.presses
        trail = await page.goto(f"{base}/c/VLD/OSI-2024/q/012")
        assert trail is not None
        text = await page.locator("section[aria-labelledby=trail]").inner_text()
        await context.close()
        return {"order": order, "presses": presses, "trail": text}

    result = module_browser.run(body)
    assert result["presses"] == 1 <= 2
    assert "accept" in result["trail"]
    order = result["order"]
    assert order[0] == "Skip to main content"
    assert order.index("quick-accept") < order.index("d-accept") < order.index("next-question")
    evidence = [i for i, o in enumerate(order) if o.startswith("http")]
    assert evidence and order.index("quick-accept") < min(evidence)  # the decision before the evidence links
