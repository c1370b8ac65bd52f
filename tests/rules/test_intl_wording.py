"""Wording of Spanish, French and German government sites that the development set showed missing or
misread: an ongoing emergency called a "contingencia", AI abbreviated "IA" in a section heading, the
maternity and newborn benefits by their national names, a climate-change plan as environment policy,
and a heading that names the municipality as a body ("Plateforme de la Commune de X") rather than a
page about the city."""

from __future__ import annotations

import asyncio

from crawler.site import SiteConfig
from crawler.snapshot import PageSnapshot
from rules.decide import DECIDED_AT
from rules.detectors.authentication import AuthenticationRule
from rules.detectors.concepts import ConceptPackRule, builtin_pack
from rules.detectors.services import ServicesRule
from rules.findings import ABSENT, PRESENT
from rules.lexicon import Lexicons
from rules.module import Observation, PageView, SiteView
from tests.rules.helpers import BASE, doc, no_fetch, snap

RULE = ConceptPackRule([builtin_pack()])
LEXICONS = Lexicons.load(["es", "fr", "de", "en"])


def view(pages: list[PageSnapshot]) -> SiteView:
    return SiteView(site=SiteConfig(name="t", start_urls=(BASE + "/",)), pages=pages, lexicons=LEXICONS, fetch=no_fetch)


def observe(row: str, pages: list[PageSnapshot], rule: ConceptPackRule = RULE) -> Observation:
    """The answer the decider would give for one row: a page-level sighting beats the site-level verdict."""
    rule_id = f"concept-{row}"
    page_level = [o for p in pages for o in rule.check_page(PageView(p), LEXICONS) if o.rule_id == rule_id]
    site_level = [o for o in asyncio.run(rule.check_site(view(pages))) if o.rule_id == rule_id]
    return max([*page_level, *site_level], key=lambda o: (o.value != ABSENT, o.confidence))


def home(body: str, lang: str, title: str = "Portal") -> PageSnapshot:
    return snap("/", doc(title, body, lang), depth=0)


def test_an_ongoing_emergency_named_contingencia_is_an_emergency_banner() -> None:
    banner = [home("<section><h2>Contingencia 1</h2><p>Aluvión en la región.</p></section>", "es")]
    alerts = observe("emergency-alerts", banner, RULE)
    section = observe("emergency-section", banner, RULE)
    assert alerts.value == PRESENT and alerts.confidence >= DECIDED_AT, alerts.note
    assert section.value == PRESENT and section.confidence >= DECIDED_AT, section.note
    assert observe("emergency-alerts", [home("<h2>Trámites</h2>", "es")], RULE).value == ABSENT


def test_ia_in_a_section_heading_is_artificial_intelligence() -> None:
    found = observe("emerging-tech", [home("<h3>IA</h3><p>Casos de uso.</p>", "es")], RULE)
    assert found.value == PRESENT and found.confidence >= DECIDED_AT, found.note
    # a word that merely contains the letters is not the abbreviation
    assert observe("emerging-tech", [home("<h3>Guía del ciudadano</h3>", "es")], RULE).value == ABSENT


def test_a_climate_change_plan_is_environment_policy() -> None:
    pages = [home('<a href="/clima">Plan Nacional de Cambio Climático</a>', "es"),
             snap("/clima", doc("Plan Nacional de Cambio Climático", "<p>x</p>", "es"))]  # fmt: skip
    found = observe("policy-environment", pages, RULE)
    assert found.value == PRESENT and found.confidence >= DECIDED_AT, found.note


def test_a_maternity_benefit_by_its_national_name_is_a_service() -> None:
    pages = [home('<a href="/bono">Bono por Hijo</a>', "es"), snap("/bono", doc("Bono por Hijo", "<p>x</p>", "es"))]
    answers = asyncio.run(ServicesRule().check_site(view(pages)))
    maternity = [o for o in answers if "190" in o.questions.get("OSI-2024", ())]
    assert maternity and maternity[0].value != ABSENT, [o.note for o in maternity]


def test_a_heading_naming_the_municipality_as_a_body_is_not_decided() -> None:
    body = [home("<p>x</p>", "fr"), snap("/n", doc("Nanterre", "<h1>Plateforme de la Commune de Nanterre</h1>", "fr"))]
    city = [home("<p>x</p>", "fr"), snap("/c", doc("Accueil", "<h2>La commune</h2><p>Histoire.</p>", "fr"))]
    weak, strong = observe("city-information", body, RULE), observe("city-information", city, RULE)
    assert weak.confidence < DECIDED_AT, weak.note
    assert strong.value == PRESENT and strong.confidence >= DECIDED_AT, strong.note


def test_a_table_captioned_with_upcoming_dates_is_an_events_list() -> None:
    """A schedule table's caption ("Nächste Termine" over dates, times and places) names it as a heading would."""
    rows = "".join(f"<tr><td>Mo, {d}.08.2026</td><td>10:00-11:30</td><td>online</td></tr>" for d in (10, 27))
    table = f'<table><caption class="sr-only">Nächste Termine</caption><tr><th>Datum</th></tr>{rows}</table>'
    trainings = snap("/schulungen/", doc("Schulungen", f"<h2>Digitalcheck</h2>{table}", "de"))
    found = observe("events", [home("<p>Willkommen</p>", "de"), trainings])
    assert found.value == PRESENT and found.confidence >= DECIDED_AT and "cue: headings" in found.note, found.note
    plain = snap("/schulungen/", doc("Schulungen", f"<h2>Digitalcheck</h2><table>{rows}</table>", "de"))
    assert observe("events", [home("<p>Willkommen</p>", "de"), plain]).value == ABSENT


def test_a_sign_in_link_is_the_sites_own_in_its_own_language() -> None:
    """The fallback "a sign-in link, no form reached": not a French "Accéder aux données" read as Spanish
    "acceder" (to log in), not a dated headline about logins."""
    def answer(body: str, lang: str) -> Observation:
        return next(iter(asyncio.run(AuthenticationRule().check_site(view([home(body, lang)])))))

    assert answer('<nav><a href="https://x.example/">Accéder aux données</a></nav>', "fr").value == ABSENT
    headline = '<ul><li><a href="/blog/x">The era of password-free login has arrived 2023年01月12日</a></li></ul>'
    assert answer(headline, "en").value == ABSENT
    found = answer('<nav><a href="https://x.example/compte">Se connecter</a></nav>', "fr")
    assert found.value == PRESENT and found.confidence == 0.6, found.note
