"""robots.txt decisions agree with Google's reference parser on all its allow/disallow cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.robots import RobotsRules, normalise_robots


def _text(value: str | dict[str, str]) -> str:
    return bytes.fromhex(value["hex"]).decode("utf-8", errors="replace") if isinstance(value, dict) else value


def allow_cases(corpora: Path) -> list[dict[str, Any]]:
    data = json.loads((corpora / "robotstxt" / "cases.json").read_text(encoding="utf-8"))
    return [case for case in data["cases"] if case["kind"] == "allow"]


def test_all_145_google_allow_cases(shared_corpora: Path) -> None:
    cases = allow_cases(shared_corpora)
    assert len(cases) == 145
    wrong = [
        (case["id"], case["test"])
        for case in cases
        if RobotsRules.parse(_text(case["robotstxt"])).allowed(_text(case["url"]), case["user_agent"])
        != case["expected_allowed"]
    ]
    assert wrong == []


def test_user_agent_value_counts_up_to_the_first_space() -> None:
    rules = RobotsRules.parse("User-agent: govaudit crawler\nDisallow: /private/\n")
    assert not rules.allowed("https://gov.example/private/x", "govaudit")
    assert rules.allowed("https://gov.example/public", "govaudit")


def test_escapes_are_compared_literally() -> None:
    rules = RobotsRules.parse("User-agent: *\nDisallow: /a%2Fb\n")
    assert not rules.allowed("https://gov.example/a%2Fb", "govaudit")
    assert rules.allowed("https://gov.example/a/b", "govaudit")


@pytest.mark.parametrize("line", ["Noindex: /x", "Clean-param: ref /y"])
def test_unknown_lines_are_dropped(line: str) -> None:
    assert line.split(":")[0].lower() not in normalise_robots(f"User-agent: *\n{line}\n")


def test_crawl_delay_and_sitemaps_are_read() -> None:
    rules = RobotsRules.parse("User-agent: *\nCrawl-delay: 2.5\nSitemap: https://gov.example/sitemap%20a.xml\n")
    assert rules.crawl_delay("govaudit") == 2.5
    assert rules.sitemaps() == ["https://gov.example/sitemap%20a.xml"]
