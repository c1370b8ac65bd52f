"""Fixtures of the web app tests: a store with a few suggested answers made directly (fast), the
demo country assessed once per session (for the browser tests), and a signed-in TestClient."""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from audits.outcome import Outcome
from crawler.site import SiteConfig, SiteKind
from govaudit.web import create_app, security
from govaudit.web.security import hash_password
from rules.findings import Evidence, SuggestedAnswer
from storage import Store
from tests.module_browser import ModuleBrowser

REPO = Path(__file__).resolve().parents[2]
SECRET = "test-secret-" + "x" * 40
PASSWORDS = {"ana": "ana-password", "bob": "bob-password", "rita": "rita-password", "zed": "zed-password"}
XSS_QUOTE = '<script>window.__xss = 1; alert("xss")</script><img src=x onerror="window.__xss=2">'
XSS_URL = "javascript:window.__xss=3"


def suggestion(code: str, value: str | None, outcome: Outcome = Outcome.PASSED, **kw: object) -> SuggestedAnswer:
    evidence = kw.pop("evidence", (Evidence(url=f"https://gov.example/{code}", quote=f"quote {code}"),))
    return SuggestedAnswer(
        instrument=str(kw.pop("instrument", "OSI-2024")), edition="2024", question=code, value=value,
        outcome=outcome, confidence=0.9, rationale=f"rationale {code}", evidence=evidence,  # type: ignore[arg-type]
    )


def add_run(store: Store, site: str, country: str, answers: list[SuggestedAnswer],
            kind: SiteKind = SiteKind.NATIONAL_PORTAL) -> list[int]:
    cfg = SiteConfig(name=site, start_urls=(f"https://{site}/",), country=country, kind=kind)
    site_id = store.registry.ensure(cfg)
    run_id = store.runs.start(site_id, {})
    ids = store.answers.record(run_id, site_id, answers)
    store.runs.finish(run_id, "completed", {})
    return ids


def add_users(store: Store) -> None:
    for name, role, countries in (
        ("ana", "assessor", ["VLD"]),
        ("bob", "assessor", ["VLD"]),
        ("rita", "reviewer", ["VLD", "XSS"]),
        ("zed", "assessor", ["ZZZ"]),
    ):
        store.users.add(name, role, hash_password(PASSWORDS[name]), countries)


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    """argon2id at its lowest cost for these tests: they hash and verify passwords hundreds of times,
    and what they check (an argon2 hash, a wrong password refused, lock-outs, sessions) does not
    depend on the cost; the product's own parameters are argon2-cffi's defaults."""
    saved = security._hasher
    security._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    security._hasher = saved


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """VLD with four OSI questions (one graded), XSS with hostile evidence, ZZZ for someone else."""
    with Store(f"sqlite:///{tmp_path / 'web.db'}") as s:
        s.upgrade()
        add_run(s, "portal.vld", "VLD", [
            suggestion("010", "present"),
            suggestion("011", "absent", Outcome.FAILED),
            suggestion("049", "online"),
            suggestion("034", None, Outcome.NEEDS_REVIEW),
        ])
        add_run(s, "portal.xss", "XSS", [
            suggestion("010", "present", evidence=(Evidence(url=XSS_URL, quote=XSS_QUOTE, selector="<b>sel</b>"),)),
        ])
        add_run(s, "portal.zzz", "ZZZ", [suggestion("010", "present")])
        add_users(s)
        yield s


@pytest.fixture
def app_for(store: Store) -> Callable[..., TestClient]:
    app = create_app(store=store, secret_key=SECRET)

    def make(name: str | None = None) -> TestClient:
        # https: the session cookie is Secure, and httpx only sends it back over https.
        client = TestClient(app, base_url="https://testserver", follow_redirects=False)
        if name is not None:
            response = login(client, name, PASSWORDS[name])
            assert response.status_code == 303, response.text
        return client

    return make


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def login(client: TestClient, name: str, password: str) -> object:
    token = csrf(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": "/"})


@pytest.fixture(scope="session")
def demo_db(demo_run: Path) -> Path:
    """The demo country (VLD) as `govaudit demo` assessed it, once per test session (tests/conftest.py);
    tests copy the file before changing it."""
    return demo_run / "demo.db"


def copy_db(source: Path, target: Path) -> str:
    shutil.copy(source, target)
    return f"sqlite:///{target}"


@contextlib.contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 in a thread, for a real browser; yields its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def module_browser(chromium: str) -> Iterator[ModuleBrowser]:
    with ModuleBrowser(chromium) as browser:
        yield browser
