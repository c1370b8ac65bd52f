"""Services grading: what makes a service `online`, what leaves it `information`."""

from __future__ import annotations

import asyncio

from crawler.snapshot import PageSnapshot, ScanStatus
from rules.detectors.services import ServicesRule
from rules.module import Observation
from tests.rules.helpers import BASE, doc, site_view, snap

NAV = '<nav><a href="/account">My account</a><a href="/services">Services</a></nav>'


def grade(pages: list[PageSnapshot], code: str = "057") -> Observation:
    observations = asyncio.run(ServicesRule().check_site(site_view(pages)))
    return next(o for o in observations if code in (o.questions or {}).get("OSI-2024", ()))


def wall(path: str) -> PageSnapshot:
    return snap(
        path, "", status=ScanStatus.LOGIN_WALL, final_url=BASE + "/login?next=" + path, redirect_chain=(BASE + path,)
    )


def test_a_sign_in_link_on_every_page_does_not_make_a_service_online() -> None:
    pages = [
        snap("/", doc("Portal", NAV + '<a href="/building">Building permit</a>'), depth=0),
        snap("/building", doc("Building permit", NAV + "<p>Documents required. Fee: 10.</p>")),
        snap("/news", doc("News", NAV)),
        wall("/account"),
    ]
    assert grade(pages).value == "information"


def test_a_payment_gateway_link_makes_it_online() -> None:
    body = NAV + '<p>Pay the fee.</p><a href="https://www.payfip.gouv.fr/pay?id=1">Pay now</a>'
    pages = [snap("/", doc("Portal", NAV), depth=0), snap("/building", doc("Building permit", body))]
    obs = grade(pages)
    assert obs.value == "online" and "payfip" in obs.evidence[0].quote


def test_an_application_form_with_an_upload_makes_it_online() -> None:
    form = (
        '<form method="post" action="/apply"><input name="name"><input name="plot">'
        '<input type="file" name="plans"></form>'
    )
    pages = [snap("/", doc("Portal", NAV), depth=0), snap("/building", doc("Building permit", form))]
    obs = grade(pages)
    assert obs.value == "online" and "plans (file)" in obs.evidence[0].quote


def test_a_feedback_widget_is_not_an_application() -> None:
    form = '<form method="post" action="/feedback"><textarea name="comment"></textarea><input name="email"></form>'
    pages = [snap("/", doc("Portal", NAV), depth=0), snap("/building", doc("Building permit", form))]
    assert grade(pages).value == "information"


def test_a_page_wide_form_around_the_search_box_is_not_an_application() -> None:
    form = (
        '<form method="post" action="/building"><p>Building permit: how to apply by mail.</p>'
        '<input type="text" name="MPsearchinput"><input type="radio" name="optSite" value="this">'
        '<input type="radio" name="optSite" value="all"></form>'
    )
    pages = [snap("/", doc("Portal", NAV), depth=0), snap("/building", doc("Building permit", form))]
    assert grade(pages).value == "information"


def test_not_named_anywhere_is_absent() -> None:
    pages = [snap("/", doc("Portal", NAV), depth=0)]
    assert grade(pages).value == "absent"


def test_a_link_to_a_page_that_neither_names_nor_describes_the_service_is_for_review() -> None:
    """"Citizenship Information" leading to a table of people by nationality is not a citizenship service."""
    table = "<h2>Citizenship of Offenders</h2><table><tr><th>Name</th><th>Nationality</th></tr></table>"
    pages = [
        snap("/", doc("Portal", '<a href="/citizenship">Citizenship Information</a>'), depth=0),
        snap("/citizenship", doc("Death Row Information", table)),
    ]
    obs = grade(pages, "149")
    assert obs.value == "information" and obs.confidence < 0.7, obs.note


def test_a_link_to_a_page_that_describes_how_to_get_the_service_stays_decided() -> None:
    body = "<p>How to apply: the documents you need and the fee.</p>"
    pages = [
        snap("/", doc("Portal", '<a href="/citizenship">Citizenship</a>'), depth=0),
        snap("/citizenship", doc("Becoming a national", body)),
    ]
    obs = grade(pages, "149")
    assert obs.value == "information" and obs.confidence >= 0.7, obs.note


def test_the_us_nutrition_benefit_for_mothers_and_young_children_is_a_child_and_a_maternity_benefit() -> None:
    """WIC, named in full in a programme list, leads to its page: a child benefit (#185) and a maternity /
    newborn benefit (#190), at the information level."""
    wic = "<p>Participants must be pregnant women, new mothers, infants or children under five.</p>"
    pages = [
        snap("/", doc("Programs", NAV + '<a href="/wic">Women, Infants, and Children</a>'), depth=0),
        snap("/wic", doc("WIC Home Page", NAV + wic + '<a href="/wic/apply">About WIC &amp; How to Apply</a>')),
    ]
    for code in ("185", "190"):
        obs = grade(pages, code)
        assert obs.value == "information" and obs.confidence >= 0.7 and obs.evidence[0].url == BASE + "/wic"
