"""Lexicons and dates in the eight languages: every concept of the English lexicon exists in each,
dates are read as each language writes them, Chinese matches without word boundaries."""

from __future__ import annotations

from datetime import date

import pytest

from rules.detectors.dates import dates_in_text, dates_without_year
from rules.lexicon import Lexicons, available_languages, load_lexicon

LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es", "pt", "de")
DATE_ONLY = {"months", "months_short", "months_alt"}  # Chinese dates are numeric; Arabic has no short forms
LEXICONS = Lexicons.load(list(LANGUAGES))


def test_all_eight_languages_have_a_lexicon_for_every_concept() -> None:
    assert set(LANGUAGES) <= set(available_languages())
    english = set(load_lexicon("en").concepts) - DATE_ONLY
    for language in LANGUAGES:
        lexicon = load_lexicon(language)
        missing = english - set(lexicon.concepts)
        assert not missing, (language, sorted(missing))
        assert all(lexicon.terms(c) for c in english), language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Published on 5 March 2026", date(2026, 3, 5)),
        ("publié le 1er mars 2026", date(2026, 3, 1)),
        ("del 5 de marzo de 2026", date(2026, 3, 5)),
        ("em 1º de março de 2026", date(2026, 3, 1)),
        ("vom 5. März 2026", date(2026, 3, 5)),
        ("с 5 марта 2026 г.", date(2026, 3, 5)),
        ("من ٥ مارس ٢٠٢٦", date(2026, 3, 5)),
        ("في 5 آذار 2026", date(2026, 3, 5)),
        ("发布时间：2026年3月5日", date(2026, 3, 5)),
        ("Stand: 05.03.2026", date(2026, 3, 5)),
    ],
)
def test_dates_as_each_language_writes_them(text: str, expected: date) -> None:
    assert dates_in_text(text, LEXICONS) == [expected]


def test_chinese_terms_match_inside_running_text() -> None:
    zh = load_lexicon("zh")
    assert zh.matches("open_data", "欢迎访问市政府开放数据平台") == "开放数据"
    assert zh.matches("svc_birth_certificate", "办理出生医学证明需要哪些材料") == "出生医学证明"


def test_arabic_matches_without_diacritics_or_hamza_forms() -> None:
    ar = load_lexicon("ar")
    assert ar.matches("open_data", "البيانات المفتوحة") is not None
    assert ar.matches("svc_birth_certificate", "طلب شَهادة المِيلاد") is not None  # with harakat


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Last updated: March 2026", [date(2026, 3, 1)]),
        ("Mis à jour en décembre 2019", [date(2019, 12, 1)]),
        ("Actualizado en marzo de 2026", [date(2026, 3, 1)]),
        ("Stand: Mai 2024", [date(2024, 5, 1)]),
        ("Updated 5 March 2026", [date(2026, 3, 5)]),  # a full date is not read again as its month
        ("Plan 2023-2027", []),
    ],
)
def test_a_month_with_its_year_alone_is_the_first_of_that_month(text: str, expected: list[date]) -> None:
    assert dates_in_text(text, LEXICONS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the year from the page's own context: the latest such day not after the reference day
        ("Técnico/a Medio TIC (turno libre 2026) · Cerrado (4 de junio)", [date(2026, 6, 4)]),
        ("Convocatoria 2026: martes 12 de marzo", [date(2026, 3, 12)]),
        ("Bilan 2025 et 2026 : réunion du 20 décembre", [date(2025, 12, 20)]),
        ("Convocatoria 2026, abierto hasta el 6 de julio", []),  # not yet: a deadline to come
        ("Cerrado (4 de junio) · © 2026 Ayuntamiento", []),  # only the template's copyright year
        ("Cerrado (4 de junio)", []),  # no year of its own
        ("Plan 2026: 10 may apply", []),  # "may" is a month only after "de" or "of"
        ("Del 5 de marzo de 2026", []),  # a full date is dates_in_text's
    ],
)
def test_a_day_without_its_year_takes_a_year_the_page_names(text: str, expected: list[date]) -> None:
    assert dates_without_year(text, LEXICONS, date(2026, 6, 8) if "2025" not in text else date(2026, 1, 10)) == expected
