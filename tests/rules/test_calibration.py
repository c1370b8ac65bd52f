"""Calibrated confidence: a band's observed accuracy per cue, with the side's band as fallback."""

from __future__ import annotations

from rules.calibration import MIN_ANSWERS, Calibration, cue_of, fit, parse


def test_a_cue_gets_the_accuracy_its_band_showed() -> None:
    right, wrong = MIN_ANSWERS, MIN_ANSWERS  # the link cue was right half the time, the title cue always
    samples = [("present", 0.85, True, "concept:link")] * right + [("present", 0.85, False, "concept:link")] * wrong
    samples += [("present", 0.9, True, "concept:title")] * MIN_ANSWERS
    calibration = fit(samples)
    assert calibration("present", 0.86, "concept:link") == 0.5
    assert calibration("present", 0.92, "concept:title") == 1.0
    # A cue never seen falls back to every present answer of its band; a band never seen keeps its own.
    assert calibration("present", 0.86, "concept:slug") == 0.5
    assert calibration("absent", 0.75, "concept:absent") == 0.75


def test_too_few_answers_keep_the_detectors_confidence() -> None:
    calibration = fit([("absent", 0.75, False, "x")] * (MIN_ANSWERS - 1))
    assert calibration.bands == () and calibration("absent", 0.75, "x") == 0.75


def test_the_file_round_trips() -> None:
    calibration = fit([("present", 0.95, True, "search")] * MIN_ANSWERS)
    assert parse(calibration.to_dict()) == calibration
    assert isinstance(calibration, Calibration)


def test_the_cue_of_a_finding() -> None:
    assert cue_of("concept-org-chart", "Linked as 'Org' (Org chart; cue: nav_link).") == "concept:nav_link"
    assert cue_of("concept-org-chart", "Searched 3 pages …") == "concept:absent"
    assert cue_of("search", "Searching for …") == "search"
