"""The two demo portals, and the state one running server keeps: serving day, base URL, index, sessions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent
SESSION_COOKIE = "vld_session"
CREDENTIALS = ("citizen", "valdoria2026")


@dataclass(frozen=True, slots=True)
class Portal:
    """What a portal folder needs from the server besides its static files."""

    name: str
    root: Path
    languages: tuple[str, ...]
    lang_prefixed: bool
    root_redirect: str | None = None
    search: bool = False
    login: bool = False
    protected_prefixes: tuple[str, ...] = ()
    # POST path → where to redirect (303) after the form is accepted; "{lang}" is filled in.
    form_redirects: Mapping[str, str] = field(default_factory=dict)
    protected_forms: tuple[str, ...] = ()
    ckan_catalogue: str | None = None

    def is_protected(self, path: str) -> bool:
        return any(path.startswith(prefix) for prefix in self.protected_prefixes)


NATIONAL = Portal(
    name="national",
    root=DEMO_DIR / "national",
    languages=("en", "fr"),
    lang_prefixed=True,
    root_redirect="/en/",
    search=True,
    login=True,
    protected_prefixes=("/en/apply/", "/fr/apply/"),
    form_redirects={
        "/{lang}/apply/submit": "/{lang}/apply/submitted.html",
        "/{lang}/participation/petition/sign": "/{lang}/participation/petition-thanks.html",
    },
    protected_forms=("/{lang}/apply/submit",),
    ckan_catalogue="api/catalogue.json",
)
CITY = Portal(
    name="city",
    root=DEMO_DIR / "city",
    languages=("en",),
    lang_prefixed=False,
    form_redirects={"/feedback": "/feedback-thanks.html"},
)


@dataclass(frozen=True, slots=True)
class IndexedPage:
    path: str
    lang: str
    title: str
    text: str
    folded: str


@dataclass(slots=True)
class DemoState:
    """Shared by the requests of one server; only its event loop touches the sessions."""

    portal: Portal
    today_fixed: date | None
    base_url: str = ""
    index: list[IndexedPage] = field(default_factory=list)
    sessions: set[str] = field(default_factory=set)

    @property
    def today(self) -> date:
        return self.today_fixed or date.today()
