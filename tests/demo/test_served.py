"""Every URL of both portals answers as the hand-written server answered before Starlette served them.

`served.json` was recorded from the ``BaseHTTPRequestHandler`` server; see `tests.demo.exchanges` for
what is asked (each file and folder, the search, login and logout, protected forms, submissions, the
catalogue API, 404s, odd methods, conditional GETs) and what is compared. After a deliberate change
to a portal's content, record again with ``python -m tests.demo.exchanges``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from govaudit.demo.server import DemoServer
from tests.demo.exchanges import SERVED_FILE, TODAY, exchanges, record


@pytest.fixture(scope="module")
def served() -> dict[str, dict[str, Any]]:
    loaded: dict[str, dict[str, Any]] = json.loads(SERVED_FILE.read_text("utf-8"))
    return loaded


@pytest.mark.parametrize("factory", [DemoServer.national, DemoServer.city], ids=["national", "city"])
def test_every_url_answers_as_recorded(factory: Callable[..., DemoServer], served: dict[str, dict[str, Any]]) -> None:
    with factory(today=TODAY) as server:
        expected = served[server.portal.name]
        assert {e.key for e in exchanges(server)} == set(expected), "asked and recorded differ: record again"
        answered = record(server)
    changed = {key: (expected[key], answered[key]) for key in expected if answered.get(key) != expected[key]}
    assert not changed, json.dumps(dict(list(changed.items())[:5]), indent=1, ensure_ascii=False)


def test_recording_covers_the_dynamic_routes(served: dict[str, dict[str, Any]]) -> None:
    national = served["national"]
    sign_in = "POST | /login | form=username=citizen&password=valdoria2026&lang=en&next=%2Fen%2Fapply%2Fincome-tax.html"
    expected = {
        "GET | /en/search?q=licence": (200, None),
        sign_in: (303, "/en/apply/income-tax.html"),
        "GET | /en/apply/income-tax.html": (303, "/en/login.html?next=/en/apply/income-tax.html"),
        "GET | /en/apply/income-tax.html | signed-in": (200, None),
        "POST | /en/apply/submit | form=service=income-tax | signed-in": (303, "/en/apply/submitted.html"),
        "GET | /logout | signed-in": (303, "/en/"),
        "GET | /en/apply/income-tax.html?after=logout | signed-in": (
            303,
            "/en/login.html?next=/en/apply/income-tax.html",
        ),
        "GET | /api/3/action/package_show?id=schools": (200, None),
        "GET | /api/3/action/package_show?id=nope": (404, None),
        "GET | /no-such-page.html": (404, None),
        "GET | / | If-Modified-Since: Sat, 01 Jan 2100 00:00:00 GMT": (302, "/en/"),
        "GET | /robots.txt | If-Modified-Since: Sat, 01 Jan 2100 00:00:00 GMT": (200, None),
        "PUT | /": (501, None),
    }
    for key, (status, location) in expected.items():
        assert (national[key]["status"], national[key]["headers"].get("location")) == (status, location), key
    assert national[sign_in]["headers"]["set-cookie"].startswith("vld_session=<token>; Path=/; HttpOnly")
    assert national["GET | /logout | signed-in"]["headers"]["set-cookie"].startswith("vld_session=; Path=/; Max-Age=0")
