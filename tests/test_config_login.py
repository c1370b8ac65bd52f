"""govaudit.toml: a login-protected local site audited through the login recipe, secrets kept out of
every file written; flags win over the file; a bad key or value exits 2 naming it."""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from govaudit.config import ConfigError, load_config
from tests.test_cli import govaudit

USER = "auditor"


def _page(title: str, body: str) -> bytes:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><main><h1>{title}</h1>{body}</main></body></html>"
    ).encode()


class LoginSite:
    """/login (a form posting to itself), then /account and /account/forms for a session cookie
    only; /logout ends the session. Records every path requested and with which cookie."""

    def __init__(self, password: str) -> None:
        self.password = password
        self.session = secrets.token_hex(16)
        self.requests: list[tuple[str, str, bool]] = []  # method, path, had the session cookie
        site = self

        class Handler(BaseHTTPRequestHandler):
            def _logged_in(self) -> bool:
                return f"session={site.session}" in (self.headers.get("Cookie") or "")

            def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                site.requests.append(("GET", path, self._logged_in()))
                if path == "/login":
                    self._send(
                        200,
                        _page(
                            "Sign in",
                            '<form method="post" action="/login"><label for="user">User</label>'
                            '<input id="user" name="user"><label for="pw">Password</label>'
                            '<input id="pw" name="pw" type="password"><button type="submit">Sign in</button></form>',
                        ),
                    )
                elif path in ("/account", "/account/forms"):
                    if not self._logged_in():
                        self._send(302, headers={"Location": "/login"})
                    elif path == "/account":
                        self._send(
                            200,
                            _page(
                                "Your account",
                                '<p>Signed in.</p><a href="/account/forms">Your forms</a> '
                                '<a href="/logout">Sign out</a>',
                            ),
                        )
                    else:
                        self._send(200, _page("Your forms", '<img src="/form.png"><a href="/account">Account</a>'))
                elif path == "/logout":
                    site.session = secrets.token_hex(16)
                    self._send(302, headers={"Location": "/login"})
                elif path == "/robots.txt":
                    self._send(404)
                else:
                    self._send(404, _page("Not found", "<p>Not found</p>"))

            def do_POST(self) -> None:
                site.requests.append(("POST", self.path, self._logged_in()))
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                if form.get("user") == [USER] and form.get("pw") == [site.password]:
                    cookie = f"session={site.session}; Path=/; HttpOnly"
                    self._send(303, headers={"Location": "/account", "Set-Cookie": cookie})
                else:
                    self._send(200, _page("Sign in", "<p>Wrong user name or password.</p>"))

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"

    def __enter__(self) -> LoginSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _config(site: LoginSite, extra: str = "") -> str:
    return f"""
start-urls = ["{site.url("/account")}"]
max-pages = 20
out = "a11y"
format = ["json", "html", "sarif"]
{extra}
[headers]
X-Preview = "yes"

[login]
url = "{site.url("/login")}"
submit = "button[type=submit]"
check = {{ text = "Signed in." }}

[login.fields]
"#user" = {{ env = "GA_TEST_USER" }}
"#pw" = {{ env = "GA_TEST_PASSWORD" }}
"""


def test_login_recipe_audits_the_pages_behind_it_and_writes_no_secret(tmp_path: Path, chromium: str) -> None:
    password = "pw-" + secrets.token_hex(12)
    with LoginSite(password) as site:
        (tmp_path / "govaudit.toml").write_text(_config(site))
        env = {"GA_TEST_USER": USER, "GA_TEST_PASSWORD": password}
        result = govaudit("audit", "--json", tmp_path=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "a11y" / "report.json").read_text())
    text = json.dumps(report)
    assert site.url("/account/forms") in text, "the page behind the login was not reached"
    assert "image-alt" in text  # the audit ran on the logged-in page
    assert report["summary"]["pages_crawled"] >= 2, report["summary"]
    # Every page behind the login was requested with the session; the logout link was not followed.
    behind = [(m, p, c) for m, p, c in site.requests if p.startswith("/account")]
    assert behind and all(c for _, _, c in behind), behind
    assert not any(p == "/logout" for _, p, _ in site.requests)
    assert ("POST", "/login", False) in site.requests
    # The password and the session cookie are in no file written, nor in the database, nor in the output.
    for path in [*(tmp_path / "a11y").iterdir(), tmp_path / "cli.db"]:
        data = path.read_bytes()
        assert password.encode() not in data, path
        assert site.session.encode() not in data, path
    assert password not in result.stdout + result.stderr


def test_wrong_password_says_the_login_failed_without_the_secret(tmp_path: Path, chromium: str) -> None:
    password = "pw-" + secrets.token_hex(12)
    with LoginSite(password) as site:
        (tmp_path / "govaudit.toml").write_text(_config(site).replace("[login]", "[login]\ntimeout = 3"))
        env = {"GA_TEST_USER": USER, "GA_TEST_PASSWORD": "wrong-" + password}
        result = govaudit("audit", "--json", tmp_path=tmp_path, env=env)
    assert result.returncode == 3, result.stderr
    error = json.loads(result.stdout)
    assert error["error"].startswith("login failed") and "Signed in." in error["error"]
    assert password not in result.stdout + result.stderr and "Traceback" not in result.stderr


def test_flag_overrides_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "govaudit.toml").write_text('start-urls = ["not a url at all"]\nfail-on = "serious"\n')
    result = govaudit("audit", "--json", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "start-urls" in json.loads(result.stdout)["error"]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("max-page = 5\n", "'max-page' (did you mean 'max-pages'?)"),
        ("max-pages = 0\n", "max-pages must be a whole number"),
        ('standard = "wcag3"\n', "standard must be one of"),
        ('fail-on = "bad"\n', "fail-on must be one of"),
        ("viewports = [10]\n", "viewports must be"),
        (
            '[login]\nurl = "http://127.0.0.1/login"\nsubmit = "button"\ncheck = { text = "ok" }\n'
            '[login.fields]\n"#pw" = "hunter2"\n',
            "secrets come from the environment",
        ),
        (
            '[login]\nurl = "http://127.0.0.1/login"\nsubmit = "button"\ncheck = { text = "ok" }\n'
            '[login.fields]\n"#pw" = { env = "GA_SURELY_UNSET_VARIABLE" }\n',
            "GA_SURELY_UNSET_VARIABLE is not set",
        ),
        (
            '[login]\nurl = "http://127.0.0.1/login"\nsubmit = "button"\n[login.fields]\n"#pw" = { env = "HOME" }\n',
            "check is missing",
        ),
        ("start-urls = [\n", "not valid TOML"),
    ],
)
def test_bad_config_names_the_key(text: str, named: str, tmp_path: Path) -> None:
    path = tmp_path / "govaudit.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={"HOME": "/root"})
    assert named in str(caught.value) and str(path) in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_bad_config_exits_2_from_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.govaudit]\nmax-pagez = 5\n')
    result = govaudit("audit", "http://127.0.0.1:9/", tmp_path=tmp_path)
    assert result.returncode == 2
    assert (
        "[tool.govaudit]: unknown key 'max-pagez'" in result.stderr.replace("\n", " ") or "max-pagez" in result.stderr
    )


def test_include_and_exclude_patterns_choose_the_links_followed() -> None:
    from crawler.site import SiteConfig

    site = SiteConfig("x", ("https://gov.example/",), include=("/services/*",), exclude=("*logout*",))
    assert site.follows("https://gov.example/services/tax?year=2026")
    assert not site.follows("https://gov.example/news/1")
    assert not site.follows("https://gov.example/services/logout")
    whole = SiteConfig("x", ("https://gov.example/",), exclude=("https://gov.example/private/*",))
    assert whole.follows("https://gov.example/public") and not whole.follows("https://gov.example/private/a")
