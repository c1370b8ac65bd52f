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


def pdf(path: str) -> PageSnapshot:
    """A file the crawl fetched: read as a document, not a page."""
    return snap(path, "", content_type="application/pdf")


def tutorial(pages: list[PageSnapshot]) -> Observation:
    """The answer to OSI #016 / LOSI #241, which two rows inform: a guide named anywhere, or listed under help."""
    rows = (observe("tutorials", pages), observe("tutorials-in-help", pages))
    return max(rows, key=lambda o: (o.value != ABSENT, o.confidence))


def test_a_how_to_guide_listed_under_the_faq_is_a_tutorial() -> None:
    """How-to guides as Spanish-speaking administrations title them, often a PDF listed under the FAQ: the
    section makes it the site's help for its users, and the words name a kind of document, so the guide's
    subject after them does not make it "about something else"."""
    guides = {
        "/docs/guia-efirma.pdf": "Guía para solicitar tu e.firma (PDF)",
        "/docs/manual-secop.pdf": "Manual de usuario del SECOP II",
        "/docs/monotributo.pdf": "Cómo inscribirse en el Monotributo",
        "/docs/mesa-partes.pdf": "Guía para registrarse en Mesa de Partes Digital",
    }
    for path, text in guides.items():
        row = f'<tr><td><a href="{path}">{text}</a></td></tr>'
        faq = f"<section><h2>Preguntas frecuentes</h2><table>{row}</table></section>"
        found = tutorial([home(faq, "es"), pdf(path)])
        assert found.value == PRESENT and found.confidence >= DECIDED_AT, (text, found.note)
    # a documents table names the file in one cell and links it as "Descargar" in another
    cells = '<tr><td>Instructivo de llenado del formulario</td><td><a href="/docs/i.pdf">Descargar</a></td></tr>'
    table = tutorial([home(f"<section><h2>Ayuda</h2><table>{cells}</table></section>", "es"), pdf("/docs/i.pdf")])
    assert table.value == PRESENT and table.confidence >= DECIDED_AT, table.note
    # the same file under another heading (a toolkit for the administration's own staff) is left to review
    staff = '<h2>Configure su plataforma</h2><ul><li><a href="/t.pdf">Tutorial: primeros pasos con Decidim</a></li>'
    elsewhere = tutorial([home(staff, "es"), pdf("/t.pdf")])
    assert elsewhere.value == PRESENT and elsewhere.confidence < DECIDED_AT, elsewhere.note
    # in flat markup a help heading has no section: a guide further down, under another heading, is not in it
    flat = '<h2>Ayuda</h2><p>Escríbanos.</p><h2>Trámites</h2><a href="/m.pdf">Manual de usuario del trámite</a>'
    assert tutorial([home(flat, "es"), pdf("/m.pdf")]).confidence < DECIDED_AT
    # a catalogue of procedures and a tourist guide are guides to something else than using a service
    for text in ("Guía de trámites y servicios", "Guía turística de la ciudad"):
        assert tutorial([home(f'<h2>Ayuda</h2><a href="/g">{text}</a>', "es")]).value == ABSENT, text


def test_a_plan_cited_in_a_news_article_is_the_sectors_policy() -> None:
    """A sector's plan linked by its name (and period) from an article leads to the policy itself; a year range
    is the plan's period, not a date making the link an item of a news list."""
    article = ('<article><h1>El Gobierno presenta sus metas</h1><p>Consulta el <a href="https://minedu.gob.example/'
               'plan.pdf">Plan Nacional de Educación 2016-2021</a>.</p></article>')  # fmt: skip
    found = observe("policy-education", [home(article, "es")])
    assert found.value == PRESENT and found.confidence >= DECIDED_AT, found.note
    assert "listing" not in found.note, found.note
    # a headline that mentions a policy is the story's, and a dated link is an item of a list
    story = "El ministro defendió hoy la política de salud ante los diputados del Congreso"
    headline = f'<article><a href="/n">{story}</a></article>'
    assert observe("policy-health", [home(headline, "es")]).confidence < DECIDED_AT
    dated_item = '<ul><li><a href="/n/1">Plan nacional de salud 12/05/2019</a></li></ul>'
    assert "listing" in observe("policy-health", [home(dated_item, "es")]).note


def test_national_ai_policies_by_their_spanish_titles_are_ai_strategies() -> None:
    """Chile's "Política Nacional de Inteligencia Artificial", Argentina's "Plan Nacional de Inteligencia
    Artificial", Spain's "Estrategia Nacional de IA": each a public AI strategy; AI named alone is not one."""
    for title in ("Política Nacional de Inteligencia Artificial", "Plan Nacional de Inteligencia Artificial",
                  "Estrategia Nacional de IA"):  # fmt: skip
        found = observe("strategy-ai", [home(f"<h2>{title}</h2><p>Objetivos y ejes.</p>", "es")])
        assert found.value == PRESENT and found.confidence >= DECIDED_AT, (title, found.note)
    assert observe("strategy-ai", [home("<h2>Inteligencia artificial</h2>", "es")]).value == ABSENT


def test_transparency_menus_of_latin_american_bodies_name_their_sections() -> None:
    """A transparency menu as Mexican, Peruvian or Chilean bodies write it: "Estructura orgánica" is the
    structure page, "Solicitudes de información pública" the right of access, "Comunicados" the news."""
    menu = {
        "org-chart": "Estructura orgánica",
        "law-access-information": "Solicitudes de información pública",
        "news": "Comunicados",
    }
    for row, text in menu.items():
        found = observe(row, [home(f'<nav><a href="https://x.gob.example/{row}">{text}</a></nav>', "es")])
        assert found.value == PRESENT and found.confidence >= DECIDED_AT, (text, found.note)
    # the word in a sentence of running text is not a news section
    story = "<p>Consulte los comunicados del ministerio.</p>"
    assert observe("news", [home(story, "es")]).value == ABSENT
