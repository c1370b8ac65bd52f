"""Our page rules scored against other people's rule test suites: per rule, `failed` precision and recall.

Three suites, each a set of small pages with the outcome their authors expect:
- IBM Equal Access rule unit tests (accessibility-checker-engine/test/v2/checker/accessibility/rules/
  <rule>_ruleunit/*.html): the expected results sit in the page (`UnitTest.results`, or the older
  `OpenAjax.a11y.ruleCoverage`). Any FAIL of the IBM rule → failed; POTENTIAL or MANUAL → review; else passed.
- Asqatasun's RGAA 3.0 test cases (rules/rules-rgaa3.0/src/test/resources/testcases/rgaa30/Rgaa30RuleXXYYZZ/):
  the outcome is in the file name (1Passed, 2Failed, 3NMI = review, 4NA = inapplicable).
- W3C ACT Rules test cases (../shared/corpora/act-rules): the manifest's expected outcome.

`SUITE_MAP` (audits/data/rule_suites.yaml) says which suite rules each of our rules answers for. Scoring
is per page: a case is positive when its suite expects a failure of a mapped rule, negative when it
expects a pass or inapplicable; "review" cases count for neither precision nor recall of `failed`.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from audits.act import OWN_CHECKS
from audits.act_runner import StaticServer
from audits.checks.animation import AnimatedImageCheck
from audits.checks.bypass import BypassBlocksCheck
from audits.checks.common import load_data
from audits.checks.dialog import DialogFocusCheck
from audits.checks.hover import HoverOnlyCheck
from audits.checks.language import LanguageCheck
from audits.checks.language_parts import LanguageOfPartsCheck
from audits.checks.link_purpose import LinkPurposeCheck
from audits.checks.media import VideoCaptionsCheck
from audits.checks.page_rules import PageRulesCheck, click_listeners_script, load_rules
from audits.checks.text_spacing import TextSpacingCheck
from audits.checks.title import PageTitleCheck
from audits.checks.zoom_clip import TextClippedZoomCheck
from audits.outcome import Outcome
from audits.result import AuditResult
from crawler.addresses import AddressGuard
from crawler.render import PageInspector, Renderer, RenderSettings

IBM_RULES_DIR = "accessibility-checker-engine/test/v2/checker/accessibility/rules"
IBM_RULE_SOURCES = "accessibility-checker-engine/src/v4/rules"
RGAA30_DIR = "rules/rules-rgaa3.0/src/test/resources/testcases/rgaa30"
EXPECTED = ("failed", "passed", "inapplicable", "review")

_IBM_RESULT = re.compile(
    r"""["']?ruleId["']?\s*:\s*["']([^"']+)["']\s*,\s*["']?value["']?\s*:\s*\[\s*["'](\w+)["']\s*,\s*["'](\w+)["']"""
)
_IBM_COVERAGE_FAILED = re.compile(r"failedXpaths\s*:\s*\[\s*[\"']")
_RGAA_FILE = re.compile(r"-(\d)(Passed|Failed|NMI|NA)-\d+\.html$")
_RGAA_EMPTY = re.compile(r'<div class="testcase">\s*</div>')
_RGAA_OUTCOME = {"Passed": "passed", "Failed": "failed", "NMI": "review", "NA": "inapplicable"}


@dataclass(frozen=True, slots=True)
class SuiteCase:
    suite: str  # ibm, rgaa30, act
    suite_rule: str  # the suite's own rule id
    path: str  # URL path under the suite's server root
    expected: str  # one of EXPECTED


def bench_inspectors() -> list[PageInspector]:
    """Our checks that the benchmark runs: all but the keyboard walk and reflow (slow, and measured by
    the ACT run and the GOV.UK fixtures)."""
    return [
        PageRulesCheck(),
        LanguageOfPartsCheck(),
        TextClippedZoomCheck(),
        LanguageCheck(),
        PageTitleCheck(),
        LinkPurposeCheck(),
        BypassBlocksCheck(),
        VideoCaptionsCheck(),
        TextSpacingCheck(),
        AnimatedImageCheck(),
        HoverOnlyCheck(),
        DialogFocusCheck(),
    ]


BENCH_PYTHON_RULES = frozenset(
    {
        "language-of-parts",
        "text-clipped-zoom",
        "page-language",
        "page-title",
        "link-purpose-generic",
        "bypass-blocks",
        "video-captions",
        "text-spacing",
        "animated-image",
        "hover-only",
        "dialog-focus",
    }
)


def recall_only() -> dict[str, set[str]]:
    """our rule → suite rules that test a narrower or different requirement than ours: their failures
    are ours to find (recall), their passes say nothing about our check (no negatives for precision)."""
    raw: dict[str, dict[str, list[str]]] = load_data("rule_suites.yaml") or {}
    return {rule_id: set(suites.get("recall_only", [])) for rule_id, suites in raw.items()}


def suite_map() -> dict[str, dict[str, list[str]]]:
    """our rule id → {suite: [suite rule ids]}: IBM and RGAA from rule_suites.yaml, ACT from each page
    rule's own `act:` field and from audits.act's table of our checks."""
    raw: dict[str, dict[str, list[str]]] = load_data("rule_suites.yaml") or {}
    out = {
        rule_id: {suite: list(ids) for suite, ids in suites.items() if suite != "recall_only"}
        for rule_id, suites in raw.items()
    }
    ran = BENCH_PYTHON_RULES | {rule.id for rule in load_rules()}
    for act_id, ours in OWN_CHECKS.items():
        for rule_id in ours:
            if rule_id in ran:
                acts = out.setdefault(rule_id, {}).setdefault("act", [])
                if act_id not in acts:
                    acts.append(act_id)
    return out


def ibm_expected(html: str, rule: str, can_fail: bool = True) -> str:
    """`can_fail`: the IBM rule has a definite failure (RuleFail), not only potential/manual findings."""
    levels = {confidence for rule_id, _, confidence in _IBM_RESULT.findall(html) if rule_id == rule}
    if "FAIL" in levels:
        return "failed"
    if levels & {"POTENTIAL", "MANUAL"}:
        return "review"
    if "UnitTest" not in html and _IBM_COVERAGE_FAILED.search(html):
        # The older format names the rule by number (the folder says which) and lists every finding that
        # is not a pass: for a rule that only ever asks a person, those are review items, not failures.
        return "failed" if can_fail else "review"
    return "passed"


def ibm_can_fail(root: Path, rule: str) -> bool:
    source = root / IBM_RULE_SOURCES / f"{rule}.ts"
    return not source.is_file() or "RuleFail" in source.read_text(encoding="utf-8", errors="replace")


def ibm_cases(root: Path, rules: Iterable[str]) -> list[SuiteCase]:
    cases = []
    for rule in sorted(set(rules)):
        folder = root / IBM_RULES_DIR / f"{rule}_ruleunit"
        can_fail = ibm_can_fail(root, rule)
        for page in sorted(folder.glob("*.htm*")) if folder.is_dir() else ():
            if page.suffix not in (".html", ".htm"):
                continue  # *.html_deprecated: cases IBM no longer runs
            text = page.read_text(encoding="utf-8", errors="replace")
            expected = ibm_expected(text, rule, can_fail)
            cases.append(SuiteCase("ibm", rule, "/" + page.relative_to(root).as_posix(), expected))
    return cases


def rgaa30_cases(root: Path, rules: Iterable[str]) -> list[SuiteCase]:
    cases = []
    for rule in sorted(set(rules)):
        folder = root / RGAA30_DIR / f"Rgaa30Rule{rule}"
        for page in sorted(folder.glob("*.html")) if folder.is_dir() else ():
            m = _RGAA_FILE.search(page.name)
            if m is None or ".dist." in page.name:
                continue
            if _RGAA_EMPTY.search(page.read_text(encoding="utf-8", errors="replace")):
                continue  # a placeholder for a test Asqatasun does not automate: no markup to test
            rel = "/" + page.relative_to(root).as_posix()
            cases.append(SuiteCase("rgaa30", rule, rel, _RGAA_OUTCOME[m.group(2)]))
    return cases


def act_cases(corpus: Path, rules: Iterable[str]) -> list[SuiteCase]:
    from audits.act import load_manifest

    wanted = set(rules)
    return [
        SuiteCase("act", c.rule_id, c.url_path, c.expected)
        for c in load_manifest(corpus)
        if c.rule_id in wanted and c.url_path.endswith((".html", ".htm"))
    ]


@dataclass(slots=True)
class Score:
    """One of our rules on one suite (or all suites)."""

    tp: int = 0  # failed on a case expected to fail
    fp: int = 0  # failed on a case expected to pass or be inapplicable
    review_hits: int = 0  # needs_review on a case expected to fail
    positives: int = 0
    negatives: int = 0
    review_cases: int = 0  # cases the suite itself leaves to a human
    false_positives: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.positives if self.positives else None

    @property
    def recall_with_review(self) -> float | None:
        return (self.tp + self.review_hits) / self.positives if self.positives else None

    def add(self, expected: str, outcome: Outcome | None, path: str) -> None:
        if expected == "review":
            self.review_cases += 1
        elif expected == "failed":
            self.positives += 1
            self.tp += outcome is Outcome.FAILED
            self.review_hits += outcome is Outcome.NEEDS_REVIEW
        else:
            self.negatives += 1
            if outcome is Outcome.FAILED:
                self.fp += 1
                self.false_positives.append(path)


def score(
    cases: Sequence[SuiteCase], results: Mapping[tuple[str, str], Sequence[AuditResult] | None]
) -> dict[str, dict[str, Score]]:
    """our rule → suite (and "all") → Score. A case that did not render counts as no outcome."""
    mapping = suite_map()
    narrower = recall_only()
    out: dict[str, dict[str, Score]] = {}
    for rule_id, suites in mapping.items():
        per = out.setdefault(rule_id, {"all": Score()})
        for case in cases:
            if case.suite_rule not in suites.get(case.suite, ()):
                continue
            if case.expected != "failed" and case.suite_rule in narrower.get(rule_id, ()):
                continue
            got = results.get((case.suite, case.path)) or ()
            outcome = next((r.outcome for r in got if r.rule_id == rule_id), None)
            for key in (case.suite, "all"):
                per.setdefault(key, Score()).add(case.expected, outcome, f"{case.suite}:{case.path}")
    return out


def all_cases(roots: Mapping[str, Path]) -> list[SuiteCase]:
    mapping = suite_map()
    wanted: dict[str, set[str]] = {}
    for suites in mapping.values():
        for suite, ids in suites.items():
            wanted.setdefault(suite, set()).update(ids)
    loaders: dict[str, Callable[[Path, Iterable[str]], list[SuiteCase]]] = {
        "ibm": ibm_cases,
        "rgaa30": rgaa30_cases,
        "act": act_cases,
    }
    cases: list[SuiteCase] = []
    for suite, root in roots.items():
        cases += loaders[suite](root, wanted.get(suite, set()))
    # One case page can serve several suite rules (ACT duplicates): render it once, score it for each.
    return cases


def run(
    cases: Sequence[SuiteCase], roots: Mapping[str, Path], chromium: str, concurrency: int = 2
) -> dict[tuple[str, str], list[AuditResult] | None]:
    """Render every distinct case page once with the page rules; (suite, path) → results (None: did not render)."""

    async def go() -> dict[tuple[str, str], list[AuditResult] | None]:
        servers = {suite: StaticServer(root) for suite, root in roots.items()}
        for server in servers.values():
            server.__enter__()
        out: dict[tuple[str, str], list[AuditResult] | None] = {}
        try:
            guard = AddressGuard(allow_private=True)
            settings = RenderSettings(
                executable=chromium, measure_widths=(), timeout_s=30.0, init_scripts=(click_listeners_script(),)
            )
            async with Renderer(guard, settings) as renderer:
                gate = asyncio.Semaphore(concurrency)

                async def one(key: tuple[str, str]) -> None:
                    async with gate:
                        rendered = await renderer.render(servers[key[0]].url(key[1]), bench_inspectors())
                    if rendered.error:
                        out[key] = None
                    else:
                        out[key] = [r for name in rendered.inspections for r in rendered.inspections[name]]

                await asyncio.gather(*(one(key) for key in dict.fromkeys((c.suite, c.path) for c in cases)))
        finally:
            for server in servers.values():
                server.__exit__(None, None, None)
        return out

    return asyncio.run(go())


def format_table(scores: Mapping[str, Mapping[str, Score]]) -> str:
    def pct(x: float | None) -> str:
        return "–" if x is None else f"{x:.2f}"

    lines = [
        "| rule | suite | positives | negatives | suite review | failed TP | failed FP | failed precision | "
        "failed recall | recall incl. needs_review |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for rule_id in sorted(scores):
        for suite in sorted(scores[rule_id], key=lambda s: (s == "all", s)):
            s = scores[rule_id][suite]
            lines.append(
                f"| {rule_id} | {suite} | {s.positives} | {s.negatives} | {s.review_cases} | "
                f"{s.tp} | {s.fp} | {pct(s.precision)} | {pct(s.recall)} | {pct(s.recall_with_review)} |"
            )
    return "\n".join(lines)
