"""CLI commands of the assessor app: `serve`, `users add`, `answers`, `import-indicators`.

Registered on the main Typer app by `register(app)` (one line at the end of govaudit/cli.py), so this
module owns its commands without editing the others.
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from govaudit.settings import TRUSTED_PROXIES, Settings, WebSettings
from storage import Store

console = Console(stderr=True)
EXIT_BAD_INPUT = 2
MIN_SECRET_CHARS = 32  # as the session signer requires
users_app = typer.Typer(help="Accounts of the assessor web app.", no_args_is_help=True)


def _store() -> Store:
    store = Store(Settings.from_env().database_url)
    store.upgrade()
    return store


def _fail(message: str) -> typer.Exit:
    console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(EXIT_BAD_INPUT)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535)] = 8000,
    insecure_cookies: Annotated[
        bool, typer.Option("--insecure-cookies", help="Session cookies without Secure (plain-HTTP development only).")
    ] = False,
    weights: Annotated[
        Path | None, typer.Option(help="YAML of OSI subindex weights (default: equal weights, our assumption).")
    ] = None,
) -> None:
    """Serve the assessor web app on the database named by GOVAUDIT_DATABASE_URL.
    Set GOVAUDIT_SECRET_KEY so that sessions survive a restart and are shared by workers."""
    import uvicorn

    from govaudit.web import create_app
    from rules.instruments import load_instrument

    configured = WebSettings.from_env()
    secret = configured.secret_key
    if secret and len(secret) < MIN_SECRET_CHARS:  # checked before the server starts, not in its traceback
        raise _fail(
            f"GOVAUDIT_SECRET_KEY has {len(secret)} characters; it needs at least {MIN_SECRET_CHARS} "
            "(make one with: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    from govaudit.web.throttle import parse_proxies

    try:
        parse_proxies(configured.trusted_proxies)
    except ValueError as exc:
        raise _fail(f"{TRUSTED_PROXIES}: {exc} (give addresses or networks, comma-separated)") from None
    overrides = {}
    if weights is not None:
        osi = load_instrument("OSI-2024", weights=weights)
        overrides["OSI-2024"] = {k: v for k, v in osi.weights.items() if v is not None}
    app = create_app(
        configured.database_url,
        secret_key=secret,
        secure_cookies=not insecure_cookies,
        weights=overrides,
        trusted_proxies=configured.trusted_proxies,
    )
    # The app reads X-Forwarded-For/-Proto itself, and only from the proxies in GOVAUDIT_TRUSTED_PROXIES.
    uvicorn.run(app, host=host, port=port, proxy_headers=False, server_header=False)


@users_app.command("password")
def users_password(
    name: Annotated[str, typer.Argument(help="Sign-in name.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Set a new password; every session of the account ends at once."""
    from govaudit.web.security import hash_password
    from storage import web_sessions

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        hashed = hash_password(password)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    with _store() as store:
        user = store.users.named(name)
        if user is None:
            raise _fail(f"no user named {name!r}")
        ended = web_sessions.set_password(store, user.id, hashed)
    console.print(f"Password of {name} changed; {ended} session(s) ended.")


@users_app.command("unlock")
def users_unlock(name: Annotated[str, typer.Argument(help="Sign-in name.")]) -> None:
    """Let an account sign in again at once after failed sign-ins slowed it down."""
    from storage import web_sessions

    with _store() as store:
        if store.users.named(name) is None:
            raise _fail(f"no user named {name!r}")
        web_sessions.unlock(store, name)
    console.print(f"{name} can sign in again.")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Sign-in name.")],
    role: Annotated[str, typer.Option(help="assessor, reviewer or admin.")] = "assessor",
    country: Annotated[list[str] | None, typer.Option(help="ISO3 code of a country to work on (repeat).")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Create an account; the password is asked for (or read from stdin), never taken as an argument."""
    from govaudit.web.security import hash_password
    from storage.models import ROLES

    if role not in ROLES:
        raise _fail(f"role must be one of {', '.join(ROLES)}")
    countries = [c.upper() for c in country or []]
    bad = [c for c in countries if len(c) != 3 or not c.isalpha()]
    if bad:
        raise _fail(f"not an ISO 3166 alpha-3 code: {bad[0]}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        hashed = hash_password(password)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    with _store() as store:
        if store.users.named(name) is not None:
            raise _fail(f"a user named {name!r} exists already")
        user_id = store.users.add(name, role, hashed, countries)
    console.print(f"User {name} ({role}; {', '.join(countries) or 'no country'}) created with id {user_id}.")


def answers(
    country: Annotated[str, typer.Option(help="ISO 3166 alpha-3 code.")],
    fmt: Annotated[str, typer.Option("--format", help="csv, xlsx or json.")] = "csv",
    out: Annotated[Path | None, typer.Option(help="File to write (default: stdout; xlsx needs a file).")] = None,
) -> None:
    """Export a country's answers: one row per question with final value, who decided, evidence URL."""
    from govaudit.exports import FORMATS, export

    if fmt not in FORMATS:
        raise _fail(f"format must be one of {', '.join(FORMATS)}")
    country = country.upper()
    with _store() as store:
        keys = [q.instrument for q in store.answers.answered_countries() if q.country == country]
        if not keys:
            raise _fail(f"no suggested answers for {country}")
        body = export(store, country, keys, fmt)
    if out is not None:
        out.write_bytes(body)
        console.print(f"Wrote {out}")
    elif fmt == "xlsx":
        raise _fail("give --out FILE for xlsx")
    else:
        sys.stdout.buffer.write(body)


def import_indicators(
    file: Annotated[Path, typer.Argument(help="CSV with columns country, tii, hci (and optionally edition).")],
    edition: Annotated[str, typer.Option(help="Survey edition the values belong to, if the file has none.")] = "2024",
) -> None:
    """Import TII and HCI (published 0–1 values, never crawled) so that EGDI can be computed."""
    try:
        with file.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise _fail(f"cannot read {file}: {exc}") from None
    parsed = []
    for n, row in enumerate(rows, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        country = row.get("country", "").upper()
        if len(country) != 3 or not country.isalpha():
            raise _fail(f"{file}:{n}: country must be ISO 3166 alpha-3, not {row.get('country')!r}")
        try:
            tii, hci = _unit(row.get("tii", "")), _unit(row.get("hci", ""))
        except ValueError as exc:
            raise _fail(f"{file}:{n}: {exc}") from None
        parsed.append((country, row.get("edition") or edition, tii, hci))
    with _store() as store:
        for country, ed, tii, hci in parsed:
            store.indicators.save(country, ed, tii, hci, source=file.name)
    console.print(f"Imported TII/HCI for {len(parsed)} countries from {file}.")


def _unit(text: str) -> float | None:
    if text == "":
        return None
    value = float(text)
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"TII and HCI are published between 0 and 1, not {text}")
    return value


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("answers")(answers)
    app.command("import-indicators")(import_indicators)
    app.add_typer(users_app, name="users")
