"""Issue 15 items 9 and 12: bad input ends with one clear line and exit 2 (4 for a database server
that does not answer), never a traceback, and is caught before any work starts."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_inprocess import run_govaudit
from tests.localserver import LocalServer, page

SECRET = "S3cretPW"


def govaudit(
    *args: str, cwd: Path, db: str | None = None, env: dict[str, str] | None = None, subprocess_: bool = False
) -> subprocess.CompletedProcess[str]:
    """In this process (each of these refusals happens before any crawl), or as a subprocess where a
    command that wrongly went on would not return (`serve`)."""
    full = {**os.environ, "GOVAUDIT_DATABASE_URL": db or f"sqlite:///{cwd}/cli.db", **(env or {})}
    if not subprocess_:
        return run_govaudit(*args, cwd=cwd, env=full)
    return subprocess.run(
        [sys.executable, "-m", "govaudit", *args], capture_output=True, text=True, env=full, cwd=cwd, timeout=120
    )


def assert_clean(result: subprocess.CompletedProcess[str], code: int = 2, says: str = "") -> None:
    assert result.returncode == code, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr + result.stdout, result.stderr[-2000:]
    assert "error" in result.stderr.lower()
    assert says.lower() in result.stderr.lower(), result.stderr


@pytest.fixture(scope="module")
def server() -> LocalServer:
    with LocalServer({"/": page("Home", '<a href="/a">A</a>'), "/a": page("A", "a")}) as running:
        yield running


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://[::1", "not a valid URL"),
        ("http://127.0.0.1:99999/", "port out of range"),
        ("http://127.0.0.1:0/", "port 0"),
    ],
)
@pytest.mark.parametrize("command", ["audit", "crawl", "assess"])
def test_malformed_start_urls_exit_2(command: str, url: str, says: str, tmp_path: Path) -> None:
    assert_clean(govaudit(command, url, cwd=tmp_path), says=says)


@pytest.mark.parametrize("command", ["audit", "crawl", "assess"])
def test_credentials_in_a_start_url_are_refused_and_never_repeated(
    command: str, server: LocalServer, tmp_path: Path
) -> None:
    url = server.base_url.replace("http://", f"http://user:{SECRET}@") + "/"
    before = dict(server.hits)
    result = govaudit(
        command,
        url,
        "--out" if command != "crawl" else "--quiet",
        *(["out"] if command != "crawl" else []),
        cwd=tmp_path,
    )
    assert_clean(result, says="credentials")
    assert SECRET not in result.stderr + result.stdout
    assert server.hits == before, "nothing may be fetched with them"
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(SECRET.encode() not in p.read_bytes() for p in written), written


def test_credentials_in_a_sites_file_are_refused(tmp_path: Path) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text(f"- name: Portal\n  start_url: https://admin:{SECRET}@gov.example/\n  country: FRA\n")
    result = govaudit("sites", "import", str(sites), cwd=tmp_path)
    assert_clean(result, says="credentials")
    assert SECRET not in result.stderr + result.stdout
    db = tmp_path / "cli.db"
    assert not db.exists() or SECRET.encode() not in db.read_bytes()


def test_a_page_budget_beyond_any_integer_is_refused(tmp_path: Path) -> None:
    result = govaudit("audit", "http://127.0.0.1:1/", "--max-pages", "99999999999999999999999", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "max-pages" in result.stderr
    result = govaudit("assess", "--resume", "99999999999999999999999", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_an_unwritable_out_folder_is_refused_before_the_crawl(server: LocalServer, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    before = dict(server.hits)
    result = govaudit("audit", server.url("/"), "--out", str(blocker / "reports"), cwd=tmp_path)
    assert_clean(result, says="cannot write the reports")
    assert server.hits == before, "nothing may be crawled when the reports cannot be written"
    assert_clean(govaudit("assess", server.url("/"), "--out", str(blocker / "r"), cwd=tmp_path), says="cannot write")


def _corrupt(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def _truncated(path: Path) -> None:
    made = run_govaudit(
        "db", "upgrade", cwd=path.parent, env={**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{path}"}
    )
    assert made.returncode == 0, made.stderr
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        extra.unlink(missing_ok=True)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _foreign(path: Path) -> None:
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        con.execute("INSERT INTO customers (name) VALUES ('Ada')")


@pytest.mark.parametrize("make", [_corrupt, _truncated, _foreign], ids=["corrupt", "truncated", "foreign"])
@pytest.mark.parametrize("command", [("db", "upgrade"), ("report", "--country", "FRA"), ("sites", "list")])
def test_unusable_sqlite_files_exit_2(make: object, command: tuple[str, ...], tmp_path: Path) -> None:
    db = tmp_path / "bad.db"
    make(db)  # type: ignore[operator]
    before = db.read_bytes()
    result = govaudit(*command, cwd=tmp_path, db=f"sqlite:///{db}")
    assert_clean(result)
    if make is _foreign:
        assert "not a govaudit database" in result.stderr
        with sqlite3.connect(db) as con:  # left as it was: no govaudit tables added to someone's file
            assert [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["customers"]
    else:
        assert db.read_bytes() == before


@pytest.mark.parametrize("url", ["nonsense", "mysqlx://u@h/db", "sqlite//no-colon.db", "postgresql://u@h:notaport/db"])
def test_bad_database_urls_exit_2(url: str, tmp_path: Path) -> None:
    assert_clean(govaudit("db", "upgrade", cwd=tmp_path, db=url))


def test_postgresql_down_exits_4_without_the_password(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = govaudit("db", "upgrade", cwd=tmp_path, db=f"postgresql://govaudit:{SECRET}@127.0.0.1:{port}/govaudit")
    assert_clean(result, code=4, says="cannot connect to the PostgreSQL database")
    assert SECRET not in result.stderr


def _nested(path: Path) -> Path:
    path.write_text("[" * 200_000 + "]" * 200_000)
    return path


@pytest.mark.parametrize(
    "content",
    ['{"site": 1}', "[]", '{"site": {"kind": "national_portal"}}', "{not json", '{"site": {"kind": []}, "answers": 3}'],
)
def test_eval_on_malformed_reports_exits_2(content: str, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text(content)
    assert_clean(govaudit("eval", str(report), cwd=tmp_path))


def test_deeply_nested_json_exits_2(server: LocalServer, tmp_path: Path) -> None:
    nested = _nested(tmp_path / "nested.json")
    assert_clean(govaudit("eval", str(nested), cwd=tmp_path), says="nested too deeply")
    assert_clean(govaudit("show", str(nested), cwd=tmp_path))
    before = dict(server.hits)
    result = govaudit("audit", server.url("/"), "--baseline", str(nested), "--out", "out", cwd=tmp_path)
    assert_clean(result, says="nested too deeply")
    assert server.hits == before


def test_a_short_secret_key_is_refused_before_serving(tmp_path: Path) -> None:
    result = govaudit("serve", "--port", "0", cwd=tmp_path, env={"GOVAUDIT_SECRET_KEY": "x" * 31}, subprocess_=True)
    assert_clean(result, says="at least 32")
    assert "x" * 31 not in result.stderr
