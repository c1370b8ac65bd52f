"""`govaudit sites verify` against local servers that answer, redirect, time out, fail and serve a
parked domain; and `nightly`'s enqueueing, which crawls a registry site only once it is verified.

The servers are on 127.0.0.1, which the address guard refuses by default: the command is given
`--allow-private` (and the library `allow_private=True`), as the crawler's tests allow loopback."""

from __future__ import annotations

import asyncio
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crawler.fetch import FetchSettings
from crawler.site import SiteConfig, SiteKind
from govaudit.cli import app
from govaudit.site_verify import verify_sites
from govaudit.worker.enqueue import Job, enqueue_batch
from storage import Store
from storage.site_checks import SiteCheckStore
from tests.localserver import LocalServer, Response, free_port, page

PARKED = Response(
    "<!doctype html><html><head><title>example-ministry.gov.test</title></head><body>"
    "<h1>This domain is for sale!</h1><p>Buy this domain today. Related searches: loans, travel.</p></body></html>"
)
FAST = FetchSettings(timeout_s=3.0, deadline_s=4.0, retries=0)


def _slow(handler: BaseHTTPRequestHandler) -> Response:
    time.sleep(10)  # far past FAST's 4 s deadline: the check must give up, not wait
    return page("Too late", "<p>late")


@pytest.fixture
def servers():
    portal = LocalServer(
        {
            "/": page("Gouvernement de Norland", "<p>Services publics et démarches en ligne pour tous.", lang="fr"),
            "/parked": PARKED,
            "/slow": _slow,
            "/gone": Response("<!doctype html><title>Gone</title><p>gone", 410),
        }
    )
    with portal:
        # The "new home" of a moved portal: same machine, other host name, so another site.
        moved_to = portal.base_url.replace("127.0.0.1", "localhost") + "/"
        portal.routes["/old"] = Response("", 301, {"Location": moved_to})
        portal.routes["/same-site"] = Response("", 302, {"Location": portal.url("/")})
        yield portal


def _site(name: str, url: str, **extra: str) -> SiteConfig:
    return SiteConfig(name=name, start_urls=(url,), country="NOR", kind=SiteKind.NATIONAL_PORTAL, extra=dict(extra))


def test_each_kind_of_server_gets_its_status(servers: LocalServer) -> None:
    dead_port = f"http://127.0.0.1:{free_port()}/"
    sites = [
        (1, _site("answers", servers.url("/"))),
        (2, _site("redirects within the site", servers.url("/same-site"))),
        (3, _site("moved", servers.url("/old"))),
        (4, _site("parked", servers.url("/parked"))),
        (5, _site("times out", servers.url("/slow"))),
        (6, _site("gone", servers.url("/gone"))),
        (7, _site("refused", dead_port)),
    ]
    started = time.perf_counter()
    # 3 at a time: the test server's listen backlog is 5, and a dropped SYN costs a 1 s retransmit.
    results = dict(asyncio.run(verify_sites(sites, settings=FAST, allow_private=True, concurrency=3)))
    assert time.perf_counter() - started < 9.0  # the slow one is cut at its deadline, not waited for

    assert results[1].status == "verified" and results[1].language == "fr"
    assert results[1].title == "Gouvernement de Norland" and results[1].http_status == 200
    assert results[2].status == "verified" and results[2].redirects, results[2]  # the hop is recorded
    assert results[3].status == "moved" and results[3].final_url.startswith("http://localhost:")
    assert results[3].reason == "redirects to localhost"
    assert results[4].status == "dead" and results[4].parked and results[4].reason == "parked domain"
    assert results[5].status == "dead" and results[5].http_status is None and "no complete answer" in results[5].reason
    assert results[6].status == "dead" and results[6].reason == "HTTP 410"
    assert results[7].status == "dead" and results[7].http_status is None
    assert not any(r.official_domain for r in results.values())  # 127.0.0.1 is no gov.xx host


def test_loopback_is_refused_unless_allowed(servers: LocalServer) -> None:
    [(_, result)] = asyncio.run(verify_sites([(1, _site("answers", servers.url("/")))], settings=FAST))
    assert result.status == "dead" and "non-public" in result.reason


def test_a_real_site_that_mentions_sales_once_is_not_parked(servers: LocalServer) -> None:
    servers.routes["/shop"] = page("Ministry of Trade", "<p>Make an offer to the ministry for a public tender.")
    [(_, result)] = asyncio.run(
        verify_sites([(1, _site("trade", servers.url("/shop")))], settings=FAST, allow_private=True)
    )
    assert result.status == "verified" and not result.parked


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'verify.db'}"
    monkeypatch.setenv("GOVAUDIT_DATABASE_URL", url)
    return url


def test_cli_records_each_check_with_its_date_and_nightly_crawls_only_verified(
    servers: LocalServer, db: str, tmp_path: Path
) -> None:
    registry = tmp_path / "registry.yaml"
    registry.write_text(
        "member_states:\n"
        f"  - {{iso3: NOR, name: Norland, languages: [fr], national_portal: '{servers.url('/')}',"
        f" open_data_portal: '{servers.url('/old')}', largest_city_portal: '{servers.url('/parked')}',"
        " sources: {national_portal: worldlaws}}\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    assert runner.invoke(app, ["sites", "import", str(registry)]).exit_code == 0
    with Store(db) as store:
        held: dict[int, str] = {}
        sent: list[Job] = []
        _, count = enqueue_batch(store, sent.append, mode="crawl", held=held)
        assert count == 0 and set(held.values()) == {"never verified"} and len(held) == 3

    result = runner.invoke(app, ["sites", "verify", "--country", "NOR", "--allow-private"])
    assert result.exit_code == 0, result.output
    assert "1 verified, 1 moved, 1 dead" in result.output

    with Store(db) as store:
        sites = {s.config.kind: s for s in store.registry.find(country="NOR")}
        latest = SiteCheckStore(store).latest()
        assert latest[sites[SiteKind.NATIONAL_PORTAL].id].status == "verified"
        assert latest[sites[SiteKind.OPEN_DATA_PORTAL].id].status == "moved"
        assert latest[sites[SiteKind.CITY_PORTAL].id].result.parked
        assert all(c.checked_at.date() == c.checked_at.now(c.checked_at.tzinfo).date() for c in latest.values())

        held, sent = {}, []
        _, count = enqueue_batch(store, sent.append, mode="crawl", held=held)
        assert count == 1 and len(sent) == 1
        assert sorted(why.split(" on ")[0] for why in held.values()) == ["dead", "moved"]

    listed = runner.invoke(app, ["sites", "list", "--country", "NOR"]).output
    assert listed.count("verified 20") == 1 and listed.count("moved 20") == 1 and listed.count("dead 20") == 1

    # A second check appends; the history keeps both.
    assert runner.invoke(app, ["sites", "verify", "--allow-private"]).exit_code == 0
    with Store(db) as store:
        site_id = store.registry.find(country="NOR")[0].id
        assert len(SiteCheckStore(store).history(site_id)) == 2


def test_user_registered_sites_are_crawled_without_a_check(db: str, tmp_path: Path) -> None:
    own = tmp_path / "own.yaml"
    own.write_text("- {name: Our portal, country: NOR, kind: national_portal, start_url: 'https://www.example.no/'}\n")
    assert CliRunner().invoke(app, ["sites", "import", str(own)]).exit_code == 0
    with Store(db) as store:
        held: dict[int, str] = {}
        sent: list[Job] = []
        assert enqueue_batch(store, sent.append, mode="crawl", held=held)[1] == 1 and held == {}
