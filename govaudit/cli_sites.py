"""`govaudit sites import FILE` and `govaudit sites list [--country ISO3]`: the portal registry.

FILE is YAML or CSV. YAML: a list of sites (or `{sites: [...]}`), each with name, country (ISO 3166
alpha-3), kind (national_portal, ministry, open_data_portal, e_participation_portal, city_portal,
other), start_url (or start_urls), languages, and optionally domains and max_pages. CSV: the same
columns, several values in one cell separated by spaces, commas or semicolons. The registry of Member
States (rules/registry/member_states.yaml) is accepted too: a site is registered for every portal URL
it gives, tagged as coming from the registry (`extra.source: registry`, and which public list gave it).

`govaudit sites verify [--country ISO3]` checks each registered site's start URL (see
govaudit/site_verify.py) and records verified / moved / dead with the date; `nightly` crawls a
registry site only once its latest check says verified.
"""

from __future__ import annotations

import asyncio
import csv
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from crawler.site import SiteConfig, SiteKind
from crawler.urls import BadURL, check_start_url
from crawler.yaml_data import load_yaml
from govaudit.settings import Settings
from rules.registry import PORTAL_FIELDS, member_state
from storage.store import Store

sites_app = typer.Typer(help="The registry of sites to crawl: import, list, verify, remove.", no_args_is_help=True)
KIND_BY_FIELD = {
    "national_portal": SiteKind.NATIONAL_PORTAL,
    "open_data_portal": SiteKind.OPEN_DATA_PORTAL,
    "e_participation_portal": SiteKind.E_PARTICIPATION_PORTAL,
    "largest_city_portal": SiteKind.CITY_PORTAL,
}
_SPLIT = re.compile(r"[\s,;]+")


class SiteFileError(ValueError):
    pass


def _values(raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return tuple(v for v in _SPLIT.split(raw.strip()) if v)
    return tuple(str(v).strip() for v in raw if str(v).strip())


def site_from_row(row: Mapping[str, Any], where: str) -> SiteConfig:
    """One site from a YAML mapping or a CSV row; raises SiteFileError saying what is wrong."""
    name = str(row.get("name") or "").strip()
    starts = _values(row.get("start_urls") or row.get("start_url") or row.get("url"))
    if not name:
        raise SiteFileError(f"{where}: a site needs a name")
    if not starts:
        raise SiteFileError(f"{where}: site {name!r} has no start URL")
    for url in starts:
        try:
            check_start_url(url)  # http(s), a host, a valid port, no credentials
        except BadURL as exc:
            raise SiteFileError(f"{where}: site {name!r}: {exc}") from None
    country = str(row.get("country") or "").strip().upper()
    if country and (len(country) != 3 or not country.isalpha()):
        raise SiteFileError(f"{where}: site {name!r}: country must be ISO 3166 alpha-3, not {country!r}")
    kind_raw = str(row.get("kind") or "other").strip().lower()
    try:
        kind = SiteKind(kind_raw)
    except ValueError:
        choices = ", ".join(k.value for k in SiteKind)
        raise SiteFileError(f"{where}: site {name!r}: kind {kind_raw!r} is not one of {choices}") from None
    languages = _values(row.get("languages"))
    if not languages and country and (state := member_state(country)):
        languages = state.languages  # the registry's official languages
    max_pages = int(row.get("max_pages") or 200)
    extra = row.get("extra")
    return SiteConfig(
        name=name,
        start_urls=starts,
        country=country,
        kind=kind,
        domains=_values(row.get("domains")),
        languages=tuple(lang.lower() for lang in languages),
        max_pages=max_pages,
        extra={str(k): str(v) for k, v in extra.items()} if isinstance(extra, Mapping) else {},
    )


def site_for_url(start: str, country: str | None, kind: SiteKind, max_pages: int) -> SiteConfig:
    """The site `govaudit assess URL [--country ISO3] [--kind …]` registers: named by its URL, with the
    registry's official languages for its country; raises SiteFileError on a malformed country."""
    row = {"name": start, "start_url": start, "country": country or "", "kind": str(kind), "max_pages": max_pages}
    return site_from_row(row, "--country")


def _from_registry(states: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for state in states:
        for field in PORTAL_FIELDS:
            if url := str(state.get(field) or "").strip():
                rows.append(
                    {
                        "name": f"{state['iso3']} {field.replace('_', ' ')}",
                        "country": state["iso3"],
                        "kind": KIND_BY_FIELD[field].value,
                        "start_url": url,
                        "languages": state.get("languages"),
                        "extra": {"source": "registry", "list": str((state.get("sources") or {}).get(field, ""))},
                    }
                )
    return rows


def read_sites(path: Path) -> list[SiteConfig]:
    """The sites a YAML or CSV file lists (all or nothing: the first bad row stops the import)."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        rows: list[Mapping[str, Any]] = list(csv.DictReader(text.splitlines()))
        return [site_from_row(row, f"{path}:{n + 2}") for n, row in enumerate(rows)]
    data = load_yaml(text)
    if isinstance(data, Mapping) and "member_states" in data:
        rows = list(_from_registry(data["member_states"]))
    elif isinstance(data, Mapping):
        rows = list(data.get("sites") or [])
    elif isinstance(data, list):
        rows = list(data)
    else:
        raise SiteFileError(f"{path}: expected a list of sites, {{sites: [...]}} or the member-state registry")
    return [site_from_row(row, f"{path}: site {n + 1}") for n, row in enumerate(rows)]


@sites_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="YAML or CSV: name, country, kind, start_url, languages.")],
) -> None:
    """Register (or update, by name) the sites a file lists."""
    try:
        sites = read_sites(file)
    except (OSError, SiteFileError, yaml.YAMLError, ValueError) as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(2) from None
    console = Console()
    with Store(Settings.from_env().database_url) as store:
        store.upgrade()
        for site in sites:
            store.registry.ensure(site)
            if site.country and member_state(site.country) is None:
                console.print(f"[yellow]note:[/] {site.name}: {site.country} is not a UN Member State code")
    console.print(f"{len(sites)} site(s) imported from {file}.")


@sites_app.command("list")
def list_command(
    country: Annotated[str | None, typer.Option(help="Only this country's sites (ISO 3166 alpha-3).")] = None,
) -> None:
    """The registered sites."""
    from storage.site_checks import SiteCheckStore

    with Store(Settings.from_env().database_url) as store:
        store.upgrade()
        records = store.registry.find(country=country)
        checks = SiteCheckStore(store).latest([r.id for r in records])
    table = Table(title="Registered sites" + (f" ({country.upper()})" if country else ""))
    for column in ("id", "name", "country", "kind", "start URL", "languages", "last check"):
        table.add_column(column)
    for record in records:
        cfg = record.config
        check = checks.get(record.id)
        checked = f"{check.status} {check.checked_at:%Y-%m-%d}" if check else "never"
        table.add_row(
            str(record.id), cfg.name, cfg.country, str(cfg.kind), cfg.home_url, " ".join(cfg.languages), checked
        )
    Console(width=160).print(table)
    if not records:
        Console().print("No site registered" + (f" for {country.upper()}." if country else "."))


@sites_app.command("verify")
def verify_command(
    country: Annotated[str | None, typer.Option(help="Only this country's sites (ISO 3166 alpha-3).")] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Reach loopback/private addresses (checking local test servers).")
    ] = False,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Sites checked at a time.")] = 8,
) -> None:
    """Check each registered site: does it answer, where does it redirect, is its host official, its
    language and title; record verified / moved / dead with the date."""
    from govaudit.site_verify import verify_sites
    from storage.site_checks import SiteCheckStore

    with Store(Settings.from_env().database_url) as store:
        store.upgrade()
        records = store.registry.find(country=country)
        if not records:
            Console(stderr=True).print("No site registered" + (f" for {country.upper()}." if country else "."))
            raise typer.Exit(0)
        Console(stderr=True).print(f"Checking {len(records)} site(s)…")
        results = asyncio.run(
            verify_sites([(r.id, r.config) for r in records], allow_private=allow_private, concurrency=concurrency)
        )
        checks = SiteCheckStore(store)
        for site_id, result in results:
            checks.record(site_id, result)
    _print_checks(records, dict(results))


def _print_checks(records: list[Any], results: dict[int, Any]) -> None:
    table = Table(title="Site checks")
    for column in ("site", "status", "final URL", "official", "lang", "title / reason"):
        table.add_column(column)
    for record in records:
        r = results[record.id]
        note = r.reason if r.status != "verified" else r.title
        table.add_row(
            escape(record.name),
            r.status,
            escape(r.final_url or r.url),
            "yes" if r.official_domain else "no",
            r.language,
            escape(note[:60]),
        )
    Console(width=160).print(table)
    counts = {s: sum(1 for r in results.values() if r.status == s) for s in ("verified", "moved", "dead")}
    Console().print(", ".join(f"{n} {s}" for s, n in counts.items()))


@sites_app.command("remove")
def remove_command(
    site: Annotated[str, typer.Argument(help="The site's id (as `sites list` shows it) or its start URL.")],
) -> None:
    """Take a site out of the registry (sites list, assess --country, nightly). A site with runs
    keeps them, unregistered, so its reports and history stay readable; one without is deleted."""
    with Store(Settings.from_env().database_url) as store:
        store.upgrade()
        site_id = int(site) if site.isdigit() else store.registry.for_start_url(site)
        try:
            if site_id is None:
                raise LookupError(f"no site with the start URL {site}")
            name = next(
                (r.config.name for r in store.registry.find(site_id=site_id, registered_only=False)), str(site_id)
            )
            what = store.registry.remove(site_id)
        except LookupError as exc:
            Console(stderr=True).print(f"[bold red]error:[/] {escape(str(exc))}")
            raise typer.Exit(2) from None
    Console().print(f"{escape(name)} (site {site_id}) removed from the registry ({what}).")


def register(app: typer.Typer) -> None:
    app.add_typer(sites_app, name="sites")
