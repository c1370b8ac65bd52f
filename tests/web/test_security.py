"""Security of the web app through its HTTP interface: headers, cookies, CSRF, rate limiting, roles,
blindness between assessors, escaping of crawled evidence."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from govaudit.web import security
from govaudit.web.throttle import FREE_PER_PAIR
from storage import Store
from tests.web.conftest import PASSWORDS, XSS_QUOTE, csrf, login

App = Callable[..., TestClient]


def _decide(client: TestClient, path: str, **data: str) -> object:
    page = client.get(path)
    assert page.status_code == 200, page.text
    answer_id = page.text.split('name="answer_id" value="')[1].split('"')[0]
    return client.post(path, data={"csrf_token": csrf(page.text), "answer_id": answer_id, **data})


def test_headers_and_cookie_flags(app_for: App) -> None:
    client = app_for()
    page = client.get("/login")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-content-type-options"] == "nosniff"
    response = login(client, "ana", PASSWORDS["ana"])
    cookie = response.headers["set-cookie"].lower()  # type: ignore[attr-defined]
    assert "govaudit_session=" in cookie
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie
    assert client.get("/").headers["cache-control"] == "no-store"
    # Static files get the headers too.
    assert client.get("/static/app.css").headers["x-frame-options"] == "DENY"


def test_pages_need_a_session_and_next_is_local(app_for: App) -> None:
    client = app_for()
    response = client.get("/c/VLD")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/c/VLD"
    token = csrf(client.get("/login").text)
    response = client.post(
        "/login", data={"name": "ana", "password": PASSWORDS["ana"], "csrf_token": token, "next": "//evil.example/"}
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    # A forged cookie is no session.
    other = app_for()
    other.cookies.set("govaudit_session", "eyJ1IjoxfQ.forged.sig", domain="testserver")
    assert other.get("/").status_code == 303


def test_csrf_required_on_every_form(app_for: App) -> None:
    client = app_for()
    client.get("/login")
    assert client.post("/login", data={"name": "ana", "password": PASSWORDS["ana"]}).status_code == 403
    assert client.post(
        "/login", data={"name": "ana", "password": PASSWORDS["ana"], "csrf_token": "0" * 64}
    ).status_code == 403
    ana = app_for("ana")
    page = ana.get("/c/VLD/OSI-2024/q/010")
    answer_id = page.text.split('name="answer_id" value="')[1].split('"')[0]
    assert ana.post("/c/VLD/OSI-2024/q/010", data={"answer_id": answer_id, "decision": "accept"}).status_code == 403
    # A token of another session does not do either.
    bob_token = csrf(app_for("bob").get("/c/VLD/OSI-2024/q/010").text)
    response = ana.post(
        "/c/VLD/OSI-2024/q/010", data={"answer_id": answer_id, "decision": "accept", "csrf_token": bob_token}
    )
    assert response.status_code == 403
    # Cross-site posts are refused whatever they carry.
    response = ana.post(
        "/c/VLD/OSI-2024/q/010",
        data={"answer_id": answer_id, "decision": "accept", "csrf_token": csrf(page.text)},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    assert ana.post("/logout", data={}).status_code == 403


def test_login_rate_limited(app_for: App, store: Store) -> None:
    client = app_for()
    for _ in range(FREE_PER_PAIR):
        assert login(client, "ana", "wrong-password").status_code == 401  # type: ignore[attr-defined]
    blocked = login(client, "ana", PASSWORDS["ana"])
    assert blocked.status_code == 429  # type: ignore[attr-defined]
    assert int(blocked.headers["retry-after"]) > 0  # type: ignore[attr-defined]
    # Another account from the same address is not locked out by ana's failures (below the address limit).
    assert login(app_for(), "bob", PASSWORDS["bob"]).status_code == 303  # type: ignore[attr-defined]
    # Unknown names are counted and answered like wrong passwords.
    assert login(client, "nobody", "whatever-pass").status_code == 401  # type: ignore[attr-defined]


def _argon2_parameters(encoded: str) -> str:
    return encoded.split("$")[3]  # $argon2id$v=19$m=…,t=…,p=…$salt$hash


def test_an_unknown_name_is_verified_at_the_cost_of_a_real_password() -> None:
    """The stand-in hash checked for an account that does not exist has the parameters (memory, passes,
    lanes) of the hashes the app makes, so a wrong name takes as long as a wrong password."""
    real = security.hash_password("a real password")
    assert not security.verify_password(None, "a real password")
    assert security.verify_password(real, "a real password")
    stand_in = security._dummy_hash(security._hasher)
    assert _argon2_parameters(stand_in) == _argon2_parameters(real)
    assert not security.verify_password(stand_in, "a real password")


def test_roles_and_countries(app_for: App) -> None:
    zed = app_for("zed")  # assessor of ZZZ only
    assert zed.get("/c/VLD").status_code == 404
    assert zed.get("/c/VLD/OSI-2024/q/010").status_code == 404
    assert zed.get("/c/ZZZ/OSI-2024/q/010").status_code == 200
    # Posting to another country with a valid token of one's own is refused too.
    token = csrf(zed.get("/c/ZZZ/OSI-2024/q/010").text)
    response = zed.post("/c/VLD/OSI-2024/q/010", data={"csrf_token": token, "answer_id": "1", "decision": "accept"})
    assert response.status_code == 404
    # An answer id of another question (or country) is refused.
    ana = app_for("ana")
    page = ana.get("/c/VLD/OSI-2024/q/011")
    response = ana.post("/c/VLD/OSI-2024/q/011", data={"csrf_token": csrf(page.text), "answer_id": "5",
                                                        "decision": "accept"})
    assert response.status_code == 400
    # Assessors neither reconcile nor see scores or exports; reviewers do.
    assert ana.get("/c/VLD/OSI-2024/reconcile").status_code == 403
    assert ana.get("/scores").status_code == 403
    assert ana.get("/exports/VLD/answers.csv").status_code == 403
    rita = app_for("rita")
    assert rita.get("/c/VLD/OSI-2024/reconcile").status_code == 200
    assert rita.get("/scores").status_code == 200
    assert rita.get("/exports/ZZZ/answers.csv").status_code == 404  # not one of rita's countries


def test_assessors_are_blind_to_each_other(app_for: App) -> None:
    ana, bob, rita = app_for("ana"), app_for("bob"), app_for("rita")
    response = _decide(ana, "/c/VLD/OSI-2024/q/011", decision="override", value="present",
                       comment="ana-secret-comment")
    assert response.status_code == 303  # type: ignore[attr-defined]
    for path in ("/c/VLD/OSI-2024/q/011", "/c/VLD/OSI-2024", "/c/VLD", "/c/VLD/OSI-2024/cycles"):
        assert "ana-secret-comment" not in bob.get(path).text
    page = bob.get("/c/VLD/OSI-2024/q/011").text
    assert "ana-secret-comment" not in page and ">ana<" not in page
    assert "ana-secret-comment" in ana.get("/c/VLD/OSI-2024/q/011").text
    reviewer_page = rita.get("/c/VLD/OSI-2024/q/011").text
    assert "ana-secret-comment" in reviewer_page and ">ana<" in reviewer_page


def test_crawled_evidence_is_escaped(app_for: App) -> None:
    page = app_for("rita").get("/c/XSS/OSI-2024/q/010").text
    assert XSS_QUOTE not in page and "<script>window.__xss" not in page
    assert "&lt;script&gt;window.__xss = 1;" in page
    assert 'href="javascript:' not in page  # shown as text, never a link
    assert "&lt;b&gt;sel&lt;/b&gt;" in page
