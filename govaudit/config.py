"""`govaudit.toml`, or `[tool.govaudit]` in `pyproject.toml`: what `govaudit audit` reads before its
flags (a flag given on the command line wins over the file).

    start-urls = ["https://preview.example.gov/"]
    include = ["/services/*"]          # globs on path?query, or on the whole URL when they hold "://"
    exclude = ["*logout*", "/admin/*"]
    max-pages = 300
    max-depth = 6
    standard = "wcag22"               # as --standard: wcag22 | wcag21 | wcag20 | en301549
    viewports = [375, 768]            # widths at which each page's horizontal overflow is measured
    fail-on = "serious"
    baseline = ".a11y/baseline.json"  # relative to the file
    out = "a11y"
    format = ["html", "json", "sarif"]

    [headers]
    X-Preview-Token = { env = "PREVIEW_TOKEN" }
    [cookies]
    consent = "accepted"

    [login]
    url = "https://preview.example.gov/login"
    submit = "button[type=submit]"
    check = { selector = "a[href='/logout']" }   # or url = "**/account", or text = "Signed in"
    [login.fields]
    "#username" = { env = "SITE_USER" }
    "#password" = { env = "SITE_PASSWORD" }

Secrets come from environment variables only: a login field must be `{ env = "NAME" }`, and a header
or cookie may be. Their values are held in memory for the run; no report, log line or database row
holds them. A bad key or value raises ConfigError naming it (the CLI exits 2).
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from audits.standards import standards
from crawler.login import LoginRecipe, SiteAccess, cookies_for
from reports.gate import FAIL_ON_CHOICES
from reports.render import FORMATS

CONFIG_FILE = "govaudit.toml"
KEYS = (
    "start-urls",
    "include",
    "exclude",
    "max-pages",
    "max-depth",
    "standard",
    "viewports",
    "fail-on",
    "baseline",
    "out",
    "format",
    "headers",
    "cookies",
    "login",
)
LOGIN_KEYS = ("url", "fields", "submit", "check", "timeout")
CHECK_KEYS = ("selector", "url", "text")
# Links that would end the logged-in session: never followed once a login recipe is given.
LOGOUT_PATTERNS = ("*logout*", "*log-out*", "*signout*", "*sign-out*", "*logoff*")


class ConfigError(ValueError):
    """A bad key or value in the config file; the message names the file, the key and what is wrong."""


@dataclass(frozen=True, slots=True)
class AuditConfig:
    source: Path | None = None
    start_urls: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_pages: int | None = None
    max_depth: int | None = None
    standard: str | None = None
    viewports: tuple[int, ...] = ()
    fail_on: str | None = None
    baseline: Path | None = None
    out: Path | None = None
    formats: str | None = None  # comma-separated, as --format takes it
    access: SiteAccess = field(default_factory=SiteAccess)


def find_config(directory: Path) -> Path | None:
    """govaudit.toml in the directory, else its pyproject.toml if that has [tool.govaudit]."""
    own = directory / CONFIG_FILE
    if own.is_file():
        return own
    pyproject = directory / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            return None  # someone else's broken pyproject is not ours to report
        if isinstance(data.get("tool"), dict) and "govaudit" in data["tool"]:
            return pyproject
    return None


def load_config(path: Path, env: Mapping[str, str]) -> AuditConfig:
    """Reads and checks the file; its `{ env = "NAME" }` values are looked up in `env` now
    (the CLI passes `govaudit.settings.environment()`)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    where = str(path)
    if path.name == "pyproject.toml":
        table = (data.get("tool") or {}).get("govaudit")
        where = f"{path} [tool.govaudit]"
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: must be a table")
        data = table
    return _parse(data, where, path.parent, env)


def _parse(data: dict[str, Any], where: str, base: Path, env: Mapping[str, str]) -> AuditConfig:
    _known_keys(data, KEYS, where)
    start_urls = _strings(data, "start-urls", where)
    for url in start_urls:
        _check_url(url, f"{where}: start-urls")
    max_pages = _integer(data, "max-pages", where, minimum=1)
    max_depth = _integer(data, "max-depth", where, minimum=0)
    standard = data.get("standard")
    if standard is not None and standard not in standards():
        raise ConfigError(f"{where}: standard must be one of {', '.join(standards())}, not {standard!r}")
    viewports = data.get("viewports", [])
    if not isinstance(viewports, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 200 <= v <= 4000 for v in viewports
    ):
        raise ConfigError(f"{where}: viewports must be a list of widths in CSS pixels (200 to 4000), not {viewports!r}")
    fail_on = data.get("fail-on")
    if fail_on is not None and fail_on not in FAIL_ON_CHOICES:
        raise ConfigError(f"{where}: fail-on must be one of {', '.join(FAIL_ON_CHOICES)}, not {fail_on!r}")
    formats = data.get("format")
    if isinstance(formats, list):
        formats = ",".join(str(f) for f in formats)
    if formats is not None:
        if not isinstance(formats, str):
            raise ConfigError(f"{where}: format must be a list of {', '.join(FORMATS)}, not {formats!r}")
        unknown = [f for f in formats.split(",") if f.strip() and f.strip() not in (*FORMATS, "all")]
        if unknown:
            raise ConfigError(f"{where}: format {unknown[0]!r} is not one of {', '.join(FORMATS)}")
    headers = _values(data, "headers", where, env)
    cookie_values = _values(data, "cookies", where, env)
    login = _login(data.get("login"), f"{where}: login", env) if "login" in data else None
    exclude = _strings(data, "exclude", where)
    if login is not None:
        exclude = (*exclude, *(p for p in LOGOUT_PATTERNS if p not in exclude))
    hosts = sorted({urlsplit(u).hostname or "" for u in start_urls})
    return AuditConfig(
        source=base,
        start_urls=start_urls,
        include=_strings(data, "include", where),
        exclude=exclude,
        max_pages=max_pages,
        max_depth=max_depth,
        standard=standard,
        viewports=tuple(viewports),
        fail_on=fail_on,
        baseline=base / _path(data, "baseline", where) if "baseline" in data else None,
        out=base / _path(data, "out", where) if "out" in data else None,
        formats=formats,
        access=SiteAccess(headers=headers, cookies=cookies_for(hosts, cookie_values), login=login),
    )


def for_start_urls(config: AuditConfig, start_urls: tuple[str, ...]) -> AuditConfig:
    """The config with its cookies set for the hosts of the start URLs actually crawled (a URL given
    on the command line replaces the file's start-urls)."""
    if not config.access.cookies:
        return config
    values = {c["name"]: c["value"] for c in config.access.cookies}
    hosts = sorted({urlsplit(u).hostname or "" for u in start_urls})
    return replace(config, access=replace(config.access, cookies=cookies_for(hosts, values)))


def overrides(config: AuditConfig, given: Collection[str]) -> dict[str, Any]:
    """The audit's options: each flag given on the command line (`given`), else the file's value."""
    from_file: dict[str, Any] = {
        "max_pages": config.max_pages,
        "max_depth": config.max_depth,
        "fail_on": config.fail_on,
        "baseline": config.baseline,
        "out_dir": config.out,
        "formats": config.formats,
        "standard": config.standard,
    }
    return {name: value for name, value in from_file.items() if value is not None and name not in given}


def _known_keys(data: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; known keys: {', '.join(known)}"
            raise ConfigError(f"{where}: unknown key {key!r}{hint}")


def _strings(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: {key} must be a list of strings, not {value!r}")
    return tuple(v.strip() for v in value)


def _integer(data: Mapping[str, Any], key: str, where: str, *, minimum: int) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum or value > 10_000_000:
        raise ConfigError(f"{where}: {key} must be a whole number from {minimum} to 10000000, not {value!r}")
    return value


def _path(data: Mapping[str, Any], key: str, where: str) -> Path:
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key} must be a path, not {value!r}")
    return Path(value)


def _check_url(url: str, where: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where}: {url!r} is not an http(s) URL")


def _secret(value: Any, where: str, env: Mapping[str, str], *, literal_allowed: bool) -> str:
    """A value, or `{ env = "NAME" }` read from the environment. Error messages name the variable,
    never its value."""
    if isinstance(value, str) and literal_allowed:
        return value
    if isinstance(value, dict) and set(value) == {"env"} and isinstance(value["env"], str):
        name = value["env"]
        if name not in env:
            raise ConfigError(f"{where}: the environment variable {name} is not set")
        return env[name]
    form = '"text" or { env = "NAME" }' if literal_allowed else '{ env = "NAME" } (secrets come from the environment)'
    raise ConfigError(f"{where} must be {form}")


def _values(data: Mapping[str, Any], key: str, where: str, env: Mapping[str, str]) -> dict[str, str]:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: {key} must be a table of name = value")
    return {name: _secret(v, f"{where}: {key}.{name}", env, literal_allowed=True) for name, v in table.items()}


def _login(raw: Any, where: str, env: Mapping[str, str]) -> LoginRecipe:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table with url, fields, submit and check")
    _known_keys(raw, LOGIN_KEYS, where)
    for key in ("url", "fields", "submit", "check"):
        if key not in raw:
            raise ConfigError(f"{where}: {key} is missing")
    url = raw["url"]
    if not isinstance(url, str):
        raise ConfigError(f"{where}: url must be a string")
    _check_url(url, f"{where}: url")
    if not isinstance(raw["submit"], str) or not raw["submit"].strip():
        raise ConfigError(f"{where}: submit must be the CSS selector of the button to click")
    fields = raw["fields"]
    if not isinstance(fields, dict) or not fields:
        raise ConfigError(f'{where}: fields must be a table of "CSS selector" = {{ env = "NAME" }}')
    values = {sel: _secret(v, f"{where}: fields.{sel}", env, literal_allowed=False) for sel, v in fields.items()}
    check = raw["check"]
    if not isinstance(check, dict) or not check:
        raise ConfigError(f"{where}: check must be a table with selector, url or text (how to tell it worked)")
    _known_keys(check, CHECK_KEYS, f"{where}.check")
    if not all(isinstance(v, str) and v for v in check.values()):
        raise ConfigError(f"{where}: check values must be non-empty strings")
    timeout = raw.get("timeout", 30)
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or not 1 <= timeout <= 300:
        raise ConfigError(f"{where}: timeout must be seconds from 1 to 300, not {timeout!r}")
    return LoginRecipe(
        url=url,
        fields=values,
        submit=raw["submit"],
        check_selector=check.get("selector", ""),
        check_url=check.get("url", ""),
        check_text=check.get("text", ""),
        timeout_s=float(timeout),
    )
