from audits.outcome import Outcome
from rules.decide import decide
from rules.engine import RuleEngine, fan_out, load_modules
from rules.findings import ABSENT, PRESENT, Evidence, Finding
from rules.instruments import load_instrument
from rules.module import Observation


def finding(question: str, value: str, confidence: float, depth: int, rule: str = "r") -> Finding:
    return Finding(
        rule,
        "1",
        "OSI-2024",
        question,
        value,
        confidence,
        (Evidence(url=f"https://gov.example/{rule}/{depth}", depth=depth),),
        note=f"{rule} at {depth}",
    )


def test_every_question_gets_an_answer_or_a_reason() -> None:
    osi = load_instrument("OSI-2024")
    answers = decide(osi, [finding("003", PRESENT, 0.95, 0)], covered={("OSI-2024", "003"), ("OSI-2024", "008")})
    assert [a.question for a in answers] == list(osi.codes)
    by_code = {a.question: a for a in answers}
    assert by_code["003"].outcome is Outcome.PASSED and by_code["003"].value == PRESENT
    assert by_code["008"].outcome is Outcome.NOT_TESTED and "had no page" in by_code["008"].rationale
    assert by_code["002"].outcome is Outcome.NOT_TESTED and "Not visible to a crawler" in by_code["002"].rationale
    assert by_code["010"].outcome is Outcome.NOT_TESTED and "No detector" in by_code["010"].rationale


def test_presence_wins_and_nearest_evidence_comes_first() -> None:
    osi = load_instrument("OSI-2024")
    findings = [
        finding("008", ABSENT, 0.8, 0, "a"),
        finding("008", PRESENT, 0.9, 3, "b"),
        finding("008", PRESENT, 0.9, 1, "c"),
    ]
    answer = next(a for a in decide(osi, findings, set()) if a.question == "008")
    assert answer.value == PRESENT and answer.outcome is Outcome.PASSED
    assert answer.rationale == "c at 1"  # same confidence: the one nearer the home page
    assert [e.depth for e in answer.evidence] == [1, 3]
    assert len(answer.findings) == 3


def test_low_confidence_goes_to_review_not_to_a_verdict() -> None:
    osi = load_instrument("OSI-2024")
    answer = next(a for a in decide(osi, [finding("014", PRESENT, 0.5, 1)], set()) if a.question == "014")
    assert answer.outcome is Outcome.NEEDS_REVIEW and answer.value == PRESENT


def test_modules_are_registered_through_entry_points_and_fan_out_per_instrument() -> None:
    modules = {m.id: m for m in load_modules()}
    assert {"search", "contact-details", "privacy-statement", "sitemap-page", "https", "responsive"} <= set(modules)
    engine = RuleEngine(list(modules.values()), ["OSI-2024"])
    assert {("OSI-2024", c) for c in ("003", "005", "008", "014", "071", "074")} <= engine.covered()
    findings = fan_out(modules["search"], [Observation(PRESENT, 0.9)], ["OSI-2024", "LOSI-2024"])
    assert {(f.instrument, f.question) for f in findings} == {("OSI-2024", "003"), ("LOSI-2024", "206")}


def test_evidence_of_one_depth_is_kept_by_address_not_by_crawl_order() -> None:
    from rules.decide import MAX_EVIDENCE, _nearest_first
    from rules.findings import Evidence

    pages = [Evidence(url=f"https://gov.example/p{i}", quote="updated", depth=1) for i in range(MAX_EVIDENCE + 3)]
    kept = _nearest_first(pages)
    assert kept == _nearest_first(reversed(pages)), "the crawl's order decided which pages were kept"
    assert [e.url for e in kept] == sorted(e.url for e in pages)[:MAX_EVIDENCE]
    assert _nearest_first([Evidence(url="https://gov.example/z", depth=0), *pages])[0].url.endswith("/z")
