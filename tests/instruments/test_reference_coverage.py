"""Every code the reference lists is in the YAML, under the same subindices, and nothing else is."""

from __future__ import annotations

from collections import Counter

import pytest

from rules.instruments import Instrument
from tests.instruments.reference import Section, expand_codes


def _by_subindex(sections: list[Section]) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for section in sections:
        result.setdefault(section.subindex, set()).update(section.codes)
    return result


def _listed_twice(sections: list[Section]) -> dict[str, set[str]]:
    homes: dict[str, set[str]] = {}
    for section in sections:
        for code in section.codes:
            homes.setdefault(code, set()).add(section.subindex)
    return {code: subs for code, subs in homes.items() if len(subs) > 1}


def test_parser_expands_the_reference_notation() -> None:
    # Guards the parser itself, so a coverage pass cannot come from a parser that drops codes.
    assert expand_codes("#304–#309") == ["304", "305", "306", "307", "308", "309"]
    assert expand_codes("#095, #108, #124, #137, #166, #177; #095a … #177a")[6:] == [
        "095a", "108a", "124a", "137a", "166a", "177a"]
    assert expand_codes("#022/#024 and #09a") == ["022", "024", "09a"]


@pytest.mark.parametrize("name", ["OSI", "LOSI"])
def test_every_reference_code_is_in_the_yaml_and_no_other(
        name: str, reference: dict[str, list[Section]], osi: Instrument, losi: Instrument) -> None:
    instrument = osi if name == "OSI" else losi
    listed = {code for section in reference[name] for code in section.codes}
    assert set(instrument.codes) == listed, (
        f"missing from YAML: {sorted(listed - set(instrument.codes))}; "
        f"not in reference: {sorted(set(instrument.codes) - listed)}")


@pytest.mark.parametrize("name", ["OSI", "LOSI"])
def test_subindex_membership_matches_the_reference(
        name: str, reference: dict[str, list[Section]], osi: Instrument, losi: Instrument) -> None:
    instrument = osi if name == "OSI" else losi
    for subindex, codes in _by_subindex(reference[name]).items():
        assert {q.code for q in instrument.questions_in(subindex)} == codes, subindex


@pytest.mark.parametrize("name", ["OSI", "LOSI"])
def test_codes_listed_twice_are_one_question_with_also_in(
        name: str, reference: dict[str, list[Section]], osi: Instrument, losi: Instrument) -> None:
    instrument = osi if name == "OSI" else losi
    twice = _listed_twice(reference[name])
    for question in instrument.questions:
        assert set(question.subindices) == twice.get(question.code, {question.subindex}), question.code
    # Primary subindex = the first list the reference names the code in.
    order = [s.subindex for s in reference[name]]
    for code, homes in twice.items():
        assert instrument.question(code).subindex == min(homes, key=order.index), code


def test_osi_known_double_listings(reference: dict[str, list[Section]], osi: Instrument) -> None:
    assert _listed_twice(reference["OSI"]) == {"014": {"IF", "EGL"}, "117": {"CP", "SP"}}
    assert osi.question("014").also_in == ("EGL",)
    assert osi.question("117").also_in == ("SP",)
    # #131, #131a and #131b are three codes, not one code listed three times.
    assert [osi.question(c).subindex for c in ("131", "131a", "131b")] == ["EP", "CP", "SP"]


def test_osi_counts(osi: Instrument) -> None:
    assert len(osi.questions) == 181
    primary = Counter(q.subindex for q in osi.questions)
    assert primary == {"IF": 26, "CP": 8, "SP": 58, "EP": 56, "TEC": 16, "EGL": 17}
    with_also = {s: len(osi.questions_in(s)) for s in osi.subindices}
    assert with_also == {"IF": 26, "CP": 8, "SP": 59, "EP": 56, "TEC": 16, "EGL": 18}


def test_losi_published_counts_and_the_236_discrepancy(
        reference: dict[str, list[Section]], losi: Instrument) -> None:
    """The reference announces 95 and its lists add up to 95, but #236 is listed under IF and PE.

    So 95 listed entries are 94 distinct codes. The YAML keeps 94 questions (codes are unique) and
    every subindex keeps its published size when also_in is counted. The file notes say so.
    """
    sections = reference["LOSI"]
    for section in sections:
        assert len(section.codes) == section.stated_count, section.subindex
    listed = [code for section in sections for code in section.codes]
    assert len(listed) == 95
    assert [code for code, n in Counter(listed).items() if n > 1] == ["236"]
    assert len(set(listed)) == 94

    assert len(losi.questions) == 94
    assert {s.subindex: s.stated_count for s in sections} == {
        s: len(losi.questions_in(s)) for s in losi.subindices}
    assert {s: len(losi.questions_in(s)) for s in losi.subindices} == {
        "IF": 6, "CP": 30, "SP": 22, "PE": 15, "EGL": 10, "TEC": 12}
    assert Counter(q.subindex for q in losi.questions)["PE"] == 14
    assert losi.question("236").subindices == ("IF", "PE")
    assert any("236" in note and "95" in note and "94" in note for note in losi.notes)
