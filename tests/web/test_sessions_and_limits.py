"""Issue 15 item 11: server-side sessions that logout and a password change end; X-Forwarded-For
believed only from configured proxies; sign-in limits per account and address that back off
without locking the owner out, and an administrator's unlock; HSTS over https only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient

from govaudit.web import create_app
from govaudit.web.security import SESSION_COOKIE, hash_password
from govaudit.web.throttle import FIRST_WAIT_S, FREE_PER_ACCOUNT, FREE_PER_PAIR, client_address, parse_proxies
from storage import Store, models, web_sessions
from tests.web.conftest import PASSWORDS, SECRET, csrf, login

App = Callable[..., TestClient]


def _client(store: Store, peer: str = "203.0.113.7", proxies: str = "", https: bool = True) -> TestClient:
    app = create_app(store=store, secret_key=SECRET, trusted_proxies=proxies)
    base = "https://testserver" if https else "http://testserver"
    return TestClient(app, base_url=base, follow_redirects=False, client=(peer, 40000))


def _signed_in(client: TestClient) -> bool:
    response = client.get("/")
    return response.status_code == 200


def _age_attempts(store: Store, seconds: float) -> None:
    """Move every recorded attempt back in time, as if `seconds` had passed."""
    attempt = models.LoginAttemptRow
    with store.transaction() as session:
        for row in session.query(attempt).all():
            row.at = row.at - timedelta(seconds=seconds)


def test_logout_ends_the_session_on_the_server(store: Store) -> None:
    client = _client(store)
    assert login(client, "ana", PASSWORDS["ana"]).status_code == 303  # type: ignore[attr-defined]
    stolen = client.cookies.get(SESSION_COOKIE)
    assert stolen and _signed_in(client)
    page = client.get("/")
    assert client.post("/logout", data={"csrf_token": csrf(page.text)}).status_code == 303
    copy = _client(store)
    copy.cookies.set(SESSION_COOKIE, stolen, domain="testserver.local")
    copy.cookies.set(SESSION_COOKIE, stolen)
    response = copy.get("/")
    assert response.status_code in (303, 307) and "/login" in response.headers["location"]


def test_a_password_change_ends_every_session(store: Store) -> None:
    first, second = _client(store), _client(store, peer="203.0.113.8")
    for client in (first, second):
        assert login(client, "ana", PASSWORDS["ana"]).status_code == 303  # type: ignore[attr-defined]
        assert _signed_in(client)
    user = store.users.named("ana")
    assert user is not None
    assert web_sessions.set_password(store, user.id, hash_password("a-new-password")) == 2
    assert not _signed_in(first) and not _signed_in(second)
    assert login(_client(store), "ana", PASSWORDS["ana"]).status_code == 401  # type: ignore[attr-defined]
    assert login(_client(store), "ana", "a-new-password").status_code == 303  # type: ignore[attr-defined]


def test_x_forwarded_for_is_not_believed_by_default(store: Store) -> None:
    client = _client(store)
    codes = []
    for n in range(25):  # rotating the header would give each try a fresh address if it were believed
        token = csrf(client.get("/login").text)
        response = client.post(
            "/login",
            data={"name": "ana", "password": "wrong-password", "csrf_token": token},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        )
        codes.append(response.status_code)
    assert codes[:FREE_PER_PAIR] == [401] * FREE_PER_PAIR
    assert set(codes[FREE_PER_PAIR:]) == {429}
    assert {a.address for a in _attempts(store)} == {"203.0.113.7"}


def test_x_forwarded_for_from_a_configured_proxy_names_the_client(store: Store) -> None:
    client = _client(store, peer="10.0.0.5", proxies="10.0.0.0/24")
    token = csrf(client.get("/login").text)
    client.post(
        "/login",
        data={"name": "ana", "password": "wrong-password", "csrf_token": token},
        headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.9, 10.0.0.4"},  # spoofed first hop, then the proxies'
    )
    assert [a.address for a in _attempts(store)] == ["198.51.100.9"]
    networks = parse_proxies("10.0.0.0/24, 192.0.2.1")
    assert client_address("192.0.2.1", "1.2.3.4", networks) == "1.2.3.4"
    assert client_address("203.0.113.1", "1.2.3.4", networks) == "203.0.113.1"  # not a proxy of ours
    assert client_address("10.0.0.1", None, networks) == "10.0.0.1"


def _attempts(store: Store) -> list[models.LoginAttemptRow]:
    with store.transaction(readonly=True) as session:
        rows = session.query(models.LoginAttemptRow).order_by(models.LoginAttemptRow.id).all()
        session.expunge_all()
        return rows


def test_back_off_doubles_and_never_locks_for_good(store: Store) -> None:
    client = _client(store)
    for _ in range(FREE_PER_PAIR):
        assert login(client, "ana", "wrong-password").status_code == 401  # type: ignore[attr-defined]
    refused = login(client, "ana", PASSWORDS["ana"])
    assert refused.status_code == 429  # type: ignore[attr-defined]
    first_wait = int(refused.headers["retry-after"])  # type: ignore[attr-defined]
    assert 0 < first_wait <= FIRST_WAIT_S
    _age_attempts(store, FIRST_WAIT_S + 1)
    assert login(client, "ana", "wrong-password").status_code == 401  # type: ignore[attr-defined]  # one more try
    again = login(client, "ana", PASSWORDS["ana"])
    assert again.status_code == 429  # type: ignore[attr-defined]
    assert int(again.headers["retry-after"]) > first_wait  # type: ignore[attr-defined]  # doubled
    _age_attempts(store, 2 * FIRST_WAIT_S + 1)
    assert login(client, "ana", PASSWORDS["ana"]).status_code == 303  # type: ignore[attr-defined]


def test_an_attacker_on_many_addresses_does_not_lock_out_the_owner(store: Store) -> None:
    owner = _client(store, peer="203.0.113.50")
    assert login(owner, "ana", PASSWORDS["ana"]).status_code == 303  # type: ignore[attr-defined]  # known address
    for n in range(FREE_PER_ACCOUNT + 10):  # a botnet, two tries per address
        store.users.record_login_attempt("ana", f"198.51.{n // 200}.{n % 200}", False)
    # A new address is slowed down (the account is under attack) …
    assert login(_client(store, peer="192.0.2.99"), "ana", PASSWORDS["ana"]).status_code == 429  # type: ignore[attr-defined]
    # … the owner, from where she signed in before, is not.
    assert login(_client(store, peer="203.0.113.50"), "ana", PASSWORDS["ana"]).status_code == 303  # type: ignore[attr-defined]


def test_an_administrator_unlocks_an_account(store: Store) -> None:
    client = _client(store)
    for _ in range(FREE_PER_PAIR):
        login(client, "rita", "wrong-password")
    assert login(client, "rita", PASSWORDS["rita"]).status_code == 429  # type: ignore[attr-defined]
    web_sessions.unlock(store, "rita")
    assert login(client, "rita", PASSWORDS["rita"]).status_code == 303  # type: ignore[attr-defined]


def test_hsts_over_https_only(store: Store) -> None:
    assert "strict-transport-security" in _client(store).get("/login").headers
    plain = _client(store, https=False)
    assert "strict-transport-security" not in plain.get("/login").headers
    spoofed = plain.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in spoofed.headers  # from a client, not a proxy of ours
    proxied = _client(store, peer="10.0.0.5", proxies="10.0.0.0/24", https=False)
    header = proxied.get("/login", headers={"X-Forwarded-Proto": "https"}).headers["strict-transport-security"]
    assert "max-age=31536000" in header
