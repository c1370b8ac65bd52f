"""Consultations per sector, upcoming and held (rules/detectors/consultations.py): a consultation running
on the day judged is being held; a page about one consultation names its sector in its title."""

from __future__ import annotations

from datetime import date

from rules.detectors.consultations import ConsultationsRule
from rules.lexicon import Lexicons
from rules.module import PageView
from tests.rules.helpers import doc, read_back, snap

LEXICONS = Lexicons.load(["en", "fr"])
AS_OF = date(2019, 12, 12)
ENDED = "<ul><li>Consultation sur la qualité de l'air : du 3 mars 2019 au 30 avril 2019</li></ul>"
DATES = "<ul><li>Objectif : des propositions.</li><li>Durée : d’octobre 2019 à janvier 2020</li></ul>"


def codes(title: str, body: str) -> dict[str, str]:
    page = snap("/usage/convention.html", doc(title, body, "fr"))
    observations = ConsultationsRule().check_page(PageView(page, as_of=AS_OF), LEXICONS)
    return {o.questions["OSI-2024"][0]: o.note for o in observations}


def test_a_consultation_under_way_is_held_and_upcoming_its_sector_from_the_pages_title() -> None:
    found = codes("Convention citoyenne sur le climat", DATES)
    assert set(found) == {"167", "169"}  # environment: upcoming and held
    assert "2019-10-01 – 2020-01-01" in found["169"] and "'climat'" in found["169"]


def test_no_sector_in_the_item_nor_the_title_and_no_consultation_named_give_nothing() -> None:
    assert codes("Consultations publiques", DATES) == {}
    assert codes("Le climat en France", DATES) == {}  # the page does not name a consultation


def test_a_consultation_that_ended_within_the_year_is_held_only() -> None:
    assert set(codes("Consultations publiques", ENDED)) == {"169"}


def test_a_page_read_back_from_the_store_without_its_markup_answers_as_crawled() -> None:
    page = snap("/participer.html", doc("Participer", "<h2>Consultations publiques</h2>" + ENDED, "fr"))
    stored = read_back(page)
    assert not stored.html and stored.dated_blocks == page.dated_blocks
    rule = ConsultationsRule()
    crawled = list(rule.check_page(PageView(page, as_of=AS_OF), LEXICONS))
    assert [o.questions["OSI-2024"] for o in crawled] == [("169",)]  # named by a heading, dated in an item
    assert list(rule.check_page(PageView(stored, as_of=AS_OF), LEXICONS)) == list(crawled)
