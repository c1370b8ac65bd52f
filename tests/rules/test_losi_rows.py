"""LOSI rows and detectors that real city and agency sites got wrong: a topic word in a news filter or
a headline is not a sector section, "About us" is not the city, the publication director is not a head
of department, links to other government sites are links to agencies, a North American phone number
is a help-desk number and a date is not, a site whose title does not call it a city's is not judged
official on a local address."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from crawler.snapshot import PageDigest, PageSnapshot
from rules.decide import DECIDED_AT
from rules.detectors.city_site import CitySiteRule
from rules.detectors.concepts import ConceptPackRule, builtin_pack, in_running_text
from rules.detectors.helpdesk import HelpdeskPhoneRule, phone_numbers
from rules.detectors.services import ServicesRule
from rules.findings import ABSENT, PRESENT
from rules.module import Observation
from storage.digest import digest_fields, snapshot_digest
from tests.rules.helpers import doc, site_view, snap
from tests.rules.test_concepts import observe

RULE = ConceptPackRule([builtin_pack()])


def home(body: str, title: str = "Portal") -> PageSnapshot:
    return snap("/", doc(title, body), depth=0)


def test_a_sector_word_leading_to_a_news_list_is_not_decided() -> None:
    filtered = [home('<a href="/news?topic=health">Health</a>'), snap("/news?topic=health", doc("News", "<p>x</p>"))]
    section = [home('<a href="/health">Health</a>'), snap("/health", doc("Health services", "<p>x</p>"))]
    weak, strong = observe("sector-health", filtered, RULE), observe("sector-health", section, RULE)
    assert weak.value == PRESENT and weak.confidence < DECIDED_AT, weak.note
    assert "off_target" in weak.note
    assert strong.value == PRESENT and strong.confidence >= DECIDED_AT, strong.note


def test_a_sector_word_inside_a_consultations_title_is_not_decided() -> None:
    pages = [home("<p>x</p>"), snap("/c", doc("Imaginons ensemble les musées de demain", "<p>x</p>", "fr"))]
    obs = observe("sector-leisure", pages, RULE)
    assert obs.confidence < DECIDED_AT, obs.note


def test_about_us_is_the_body_not_the_city() -> None:
    body = [home('<a href="/about">About us</a>'), snap("/about", doc("About us", "<p>Our mission.</p>"))]
    city = [home('<a href="/city">About the city</a>'), snap("/city", doc("About the city", "<p>History.</p>"))]
    assert observe("city-information", body, RULE).value == ABSENT
    assert observe("city-information", city, RULE).confidence >= DECIDED_AT


def test_the_publication_director_is_not_a_head_of_department() -> None:
    contacts = "".join(f'<a href="mailto:a{i}@gov.example">a{i}@gov.example</a>' for i in range(3))
    legal = snap("/legal", doc("Mentions légales", f"<h2>Directeur de la publication</h2>{contacts}", "fr"))
    assert observe("heads-of-agencies", [home("<p>x</p>"), legal], RULE).value == ABSENT


def test_links_to_several_other_government_sites_are_links_to_agencies() -> None:
    three = "".join(f'<a href="https://{h}/">{h}</a>' for h in ("health.gov", "www.usa.gov", "dmv.ca.gov"))
    two = "".join(f'<a href="https://{h}/">{h}</a>' for h in ("health.gov", "example.com", "news.example.org"))
    found = observe("city-agency-links", [home(f"<footer>{three}</footer>")], RULE)
    assert found.value == PRESENT and found.confidence >= DECIDED_AT and "3 other government sites" in found.note
    assert observe("city-agency-links", [home(f"<footer>{two}</footer>")], RULE).value == ABSENT


def test_a_link_that_goes_nowhere_names_nothing() -> None:
    pages = [home('<footer><a href="#">Freedom of Information</a></footer>')]
    assert observe("city-access-information", pages, RULE).value == ABSENT


def test_a_link_that_goes_nowhere_reads_the_same_from_the_store() -> None:
    """The rule reads what the crawler's parser kept, so a page read back from its visit answers alike."""
    page = home('<footer><a href="#">Freedom of Information</a></footer>')
    stored = PageDigest(
        page.requested_url, page.final_url, page.depth, page.status, **digest_fields(snapshot_digest(page))
    )
    assert not in_running_text(page, "Freedom of Information")
    assert not in_running_text(stored, "Freedom of Information")
    assert in_running_text(home("<p>Freedom of Information requests</p>"), "Freedom of Information")


def test_the_law_named_in_running_text_is_not_the_citys_page_on_it() -> None:
    text = "<p>The Commissioner for Data Protection and Freedom of Information oversees this.</p>"
    assert observe("city-access-information", [home(text)], RULE).value == ABSENT
    records = [home('<a href="/records">Public Records</a>'), snap("/records", doc("Public Records", "<p>x</p>"))]
    assert observe("city-access-information", records, RULE).confidence >= DECIDED_AT


def site_answer(rule: object, pages: list[PageSnapshot]) -> Observation:
    (obs,) = asyncio.run(rule.check_site(site_view(pages)))  # type: ignore[attr-defined]
    return obs


def test_help_desk_numbers_north_american_yes_dates_no() -> None:
    page = snap("/contact", doc("Contact", "<p>General Information (916) 558-1784. Updated 04-30 2021.</p>"))
    assert phone_numbers(page) == ["(916) 558-1784"]
    footer = home("<footer>PO Box 99 | Huntsville, Texas 77342-0099 | (936) 295-6371</footer>")
    assert site_answer(HelpdeskPhoneRule(), [footer]).value == PRESENT
    dated = home("<p>edit 04-30 2021 · 2021-04-30 · 30.04.2021</p>")
    assert site_answer(HelpdeskPhoneRule(), [dated]).value == ABSENT


def test_a_site_that_does_not_call_itself_a_city_is_reviewed_on_a_local_address() -> None:
    def local(title: str, footer: str) -> PageSnapshot:
        url = "http://127.0.0.1:8000/"
        return replace(home(f"<footer>{footer}</footer>", title), final_url=url, requested_url=url)

    agency = site_answer(CitySiteRule(), [local("Centre for Legislation — Home", "© Centre for Legislation")])
    city = site_answer(CitySiteRule(), [local("City of Port Aldren — Official website", "© City of Port Aldren")])
    assert agency.confidence < DECIDED_AT, agency.note
    assert city.value == PRESENT and city.confidence >= DECIDED_AT, city.note


def test_citizenship_is_not_a_residency_permit() -> None:
    pages = [home('<a href="/citizenship">Citizenship</a>'), snap("/citizenship", doc("Citizenship", "<p>x</p>"))]
    answers = asyncio.run(ServicesRule().check_site(site_view(pages)))
    permit = [o for o in answers if "258" in o.questions.get("LOSI-2024", ())]
    citizenship = [o for o in answers if "149" in o.questions.get("OSI-2024", ())]
    assert permit[0].value == ABSENT
    assert citizenship[0].value != ABSENT


def test_a_site_wide_alert_banner_is_an_emergency_notification() -> None:
    banner = '<header><a href="https://www.agency.gov.example/alert/index.html">ALERT - Visitation</a></header>'
    obs = observe("emergency-alerts", [home(banner)], RULE)
    assert obs.value == PRESENT and obs.confidence >= DECIDED_AT, obs.note
    vendor = '<p>For stores: <a href="https://www.agency.gov.example/vendors/alerts.html">Vendor Alerts</a></p>'
    assert observe("emergency-alerts", [home(vendor)], RULE).confidence < DECIDED_AT


def test_a_public_records_page_informs_about_the_right_of_access() -> None:
    page = snap("/records", doc("Public Records", "<h1>Guidelines for Access to Public Records</h1><p>x</p>"))
    obs = observe("city-access-information", [home('<a href="/records">Public Records</a>'), page], RULE)
    assert obs.value == PRESENT and obs.confidence >= DECIDED_AT, obs.note
    vital = snap("/vital", doc("Vital records", "<h1>Birth and death records</h1>"))
    assert observe("city-access-information", [home('<a href="/vital">Vital records</a>'), vital], RULE).value == ABSENT


def test_a_civil_rights_or_language_access_complaint_is_a_discrimination_report() -> None:
    page = snap("/language-access", doc("Language Access", "<h1>Language Access Complaint Process</h1>"))
    obs = observe("report-discrimination", [home('<a href="/language-access">Language Access</a>'), page], RULE)
    assert obs.value == PRESENT and obs.confidence >= DECIDED_AT, obs.note
    plain = snap("/complaints", doc("Complaints", "<h1>Complaints about our service</h1>"))
    assert observe("report-discrimination", [home("<p>x</p>"), plain], RULE).value == ABSENT
