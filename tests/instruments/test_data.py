"""What the instrument files say beyond the code lists: series, grading, crawlability, header."""

from __future__ import annotations

import dataclasses

import pytest

from rules.instruments import GRADED, Instrument, available_instruments

SECTORS = ("health", "education", "employment", "social_protection", "environment", "justice")
GROUPS = ("people_in_poverty", "persons_with_disabilities", "older_persons", "migrants_refugees_displaced",
          "women", "youth")

OSI_SECTOR_SERIES = {
    "links to sector ministries": ("090", "103", "119", "132", "161", "172"),
    "sector policy information": ("091", "104", "120", "133", "162", "173"),
    "list of online services": ("095", "108", "124", "137", "166", "177"),
    "mobile services": ("095a", "108a", "124a", "137a", "166a", "177a"),
    "SMS alerts": ("095b", "108b", "124b", "137b", "166b", "177b"),
    "budget information": ("092", "105", "121", "134", "163", "174"),
    "upcoming consultations": ("096", "109", "125", "138", "167", "178"),
    "consultations held": ("098", "111", "127", "140", "169", "180"),
    "open datasets": ("099", "112", "128", "141", "170", "181"),
    "budget datasets": ("304", "305", "306", "307", "308", "309"),
    "co-created services": ("317", "318", "319", "320", "321", "322"),
}
OSI_GROUP_SERIES = {
    "services for groups": ("143", "144", "145", "146", "147", "148"),
    "input shaped decisions": ("324", "325", "326", "327", "328", "329"),
    "consultations with groups": ("330", "331", "332", "333", "334", "335"),
}


def test_both_editions_are_available() -> None:
    assert {"OSI-2024", "LOSI-2024"} <= set(available_instruments())


@pytest.mark.parametrize("series", OSI_SECTOR_SERIES)
def test_osi_sector_series_follow_the_survey_sector_order(series: str, osi: Instrument) -> None:
    assert tuple(osi.question(c).sector for c in OSI_SECTOR_SERIES[series]) == SECTORS


@pytest.mark.parametrize("series", OSI_GROUP_SERIES)
def test_osi_group_series_follow_the_order_of_143_to_148(series: str, osi: Instrument) -> None:
    assert tuple(osi.question(c).group for c in OSI_GROUP_SERIES[series]) == GROUPS


def test_osi_sectors_and_groups_only_where_the_reference_gives_them(osi: Instrument) -> None:
    in_series = {c for codes in OSI_SECTOR_SERIES.values() for c in codes} | {"183"}  # 183 = justice
    assert {q.code for q in osi.questions if q.sector} == in_series
    assert {q.code for q in osi.questions if q.group} == {c for v in OSI_GROUP_SERIES.values() for c in v}


def test_osi_graded_questions(osi: Instrument) -> None:
    graded = {q.code: q.levels for q in osi.questions if q.answer == GRADED}
    assert graded == {
        "049": ("information", "online"), "050": ("information", "online"),
        "051": ("information", "online"), "052": ("information", "online"),
        "117": ("information", "online"), "118": ("information", "online"),
        "183": ("information", "file_online", "manage_cases"),
    }
    assert all(q.levels == () for q in osi.questions if not q.graded)


def test_losi_is_all_binary(losi: Instrument) -> None:
    assert all(q.answer == "binary" and q.levels == () for q in losi.questions)


def test_not_crawlable_items_have_reasons(osi: Instrument, losi: Instrument) -> None:
    assert {q.code for q in osi.questions if not q.crawlable} == {
        "002", "022", "023", "024", "025", "083", "087"}
    # #250/#252 as published; #202/#246/#247 by analogy with OSI #002/#022–#025 (see the file notes).
    assert {q.code for q in losi.questions if not q.crawlable} == {"250", "252", "202", "246", "247"}
    for question in (*osi.questions, *losi.questions):
        assert bool(question.not_crawlable_reason) == (not question.crawlable), question.code


def test_osi_locus_is_declared_and_marked_assumed(osi: Instrument, losi: Instrument) -> None:
    assert set(osi.loci) == {"N", "G"}
    assert all(q.locus in {"N", "G"} and q.locus_source == "assumed" for q in osi.questions)
    portal_technology = {"003", "004", "005", "008", "071", "074"}  # search, sitemap, contact, HTTPS …
    assert all(osi.question(c).locus == "N" for c in portal_technology)
    assert osi.question("095").locus == "G"
    assert all(q.locus is None for q in losi.questions)  # the N/G rule is OSI's only


@pytest.mark.parametrize("name", ["osi", "losi"])
def test_headers(name: str, request: pytest.FixtureRequest) -> None:
    instrument: Instrument = request.getfixturevalue(name)
    assert instrument.edition == "2024"
    assert instrument.key == f"{instrument.id}-2024"
    assert instrument.source and instrument.title
    # Not published by the UN: every subindex present, every weight unknown.
    assert dict(instrument.weights) == dict.fromkeys(instrument.subindices)


def test_osi_subindices(osi: Instrument) -> None:
    assert list(osi.subindices) == ["IF", "CP", "SP", "TEC", "EP", "EGL"]
    assert osi.subindices["EGL"].counted_under == "HCI"
    assert all(s.counted_under is None for k, s in osi.subindices.items() if k != "EGL")


def test_losi_subindices(losi: Instrument) -> None:
    assert list(losi.subindices) == ["IF", "CP", "SP", "PE", "EGL", "TEC"]
    assert losi.subindices["PE"].name == "Participation and Engagement"


def test_codes_are_kept_as_published(osi: Instrument) -> None:
    assert "09a" in osi and "009a" not in osi
    assert osi.question("#003").code == "003"  # a leading '#' is tolerated in look-ups
    with pytest.raises(KeyError, match="999"):
        osi.question("999")


def test_instrument_is_immutable(osi: Instrument) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        osi.edition = "2026"  # type: ignore[misc]
    with pytest.raises(TypeError):
        osi.weights["IF"] = 1.0  # type: ignore[index]
