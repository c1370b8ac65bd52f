"""W3C ACT Rules conformance: our outcomes on the ACT test cases, scored the way W3C's implementation reports do.

`python -m audits.act` renders every test case of ../shared/corpora/act-rules (or `--corpus`) and prints,
per ACT rule, how consistent we are next to axe-core 4.10.2's published result (in the manifest).

Scoring, as in act-rules/act-tools (`map-implementation`), which builds the W3C implementation pages:
- Each of our rules mapped to an ACT rule is a *procedure*. Its outcome on a case is ours, translated:
  failed → failed, needs_review → cantTell, passed → passed, inapplicable → inapplicable; a rule that did
  not run (or an error, or a page that did not render) → untested.
- Per case: a failed case is consistent when some procedure fails it; a passed/inapplicable case is
  consistent when no procedure fails it. cantTell is *partially consistent* (it goes to a human: neither
  a miss nor a false alarm). Failing a passed/inapplicable case is a false positive.
- Per ACT rule (a procedure set): any false positive → inconsistent. complete = every failed case failed,
  nothing untested, at least one failed case failed; partial = at least one failed case failed;
  minimal = only cantTell and inapplicable cases all right; otherwise inconsistent. Like W3C, the procedures
  with the best level form the set, and a set of partials is re-scored combined (two rules can together be
  complete). "untested" here means no procedure of ours maps to the ACT rule.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING

from audits.act_cases import TestCase
from audits.checks.page_rules import load_rules
from audits.outcome import Outcome
from audits.result import AuditResult

if TYPE_CHECKING:
    from audits.act_runner import ActRun

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "act-rules"

# Our own checks (audits/checks) that implement an ACT rule, by their rule_id. A check not (yet) in the
# suite simply reports nothing: its procedure is then absent, never counted against us.
OWN_CHECKS: dict[str, tuple[str, ...]] = {
    "2779a5": ("page-title",),  # HTML page has non-empty title
    "c4a8a4": ("page-title",),  # HTML page title is descriptive (generic titles → needs_review)
    "b5c3f8": ("page-language",),  # HTML page has lang attribute
    "bf051a": ("page-language",),  # HTML page lang attribute has valid language tag
    "24afc2": ("text-spacing",),  # letter-spacing in style attribute is not !important
    "9e45ec": ("text-spacing",),  # word-spacing ...
    "78fd32": ("text-spacing",),  # line-height ...
    "oj04fd": ("focus-visible",),  # Element in sequential focus order has visible focus
    "80af7b": ("keyboard-trap",),  # Focusable element has no keyboard trap
    "a1b64e": ("keyboard-trap",),  # ... via standard navigation
    "ebe86a": ("keyboard-trap",),  # ... via non-standard navigation
    "cf77f2": ("bypass-blocks",),  # Bypass Blocks of repeated content
    "3e12e1": ("bypass-blocks",),  # Block of repeated content is collapsible
    "047fe0": ("bypass-blocks",),  # Document has heading for non-repeated content
    "b40fd1": ("bypass-blocks",),  # Document has landmark with non-repeated content
    "ye5d6e": ("bypass-blocks",),  # Document has an instrument to move focus to non-repeated content
    "5effbb": ("link-purpose-generic",),  # Link in context is descriptive
    "aizyf1": ("link-purpose-generic",),  # Link is descriptive
    "eac66b": ("video-captions",),  # Video element auditory content has accessible alternative
    "f51b46": ("video-captions",),  # Video element auditory content has captions
    "c5a4ea": ("video-description",),  # Video element visual content has accessible alternative
    "1ea59c": ("video-description",),  # Video element visual content has audio description
    "1ec09b": ("video-description",),  # Video element visual content has strict accessible alternative
    "1a02b0": ("video-description",),  # Audio and visuals of video element have transcript
    "c3232f": ("video-only-alternative",),  # Video element visual-only content has accessible alternative
    "ee13b5": ("video-only-alternative",),  # Video element visual-only content has transcript
    "d7ba54": ("video-only-alternative",),  # Video element visual-only content has audio track alternative
    "2eb176": ("audio-transcript",),  # Audio element content has transcript
    "e7aa44": ("audio-transcript",),  # Audio element content has text alternative
    "59br37": ("text-clipped-zoom",),  # Zoomed text node is not clipped with CSS overflow
}
# Page rules name the ACT rules they implement in their own metadata (`act:` in audits/data/page_rules).
for _rule in load_rules():
    for _act_id in _rule.act:
        OWN_CHECKS[_act_id] = (*OWN_CHECKS.get(_act_id, ()), _rule.id)

_TO_ACT = {
    Outcome.FAILED: "failed",
    Outcome.NEEDS_REVIEW: "cantTell",
    Outcome.PASSED: "passed",
    Outcome.INAPPLICABLE: "inapplicable",
}


class Level(IntEnum):
    """W3C consistency levels, comparable: `ours >= axe`."""

    UNTESTED = -1  # nothing of ours maps to the rule
    INCONSISTENT = 0  # W3C's `null`
    MINIMAL = 1
    PARTIAL = 2
    COMPLETE = 3

    @classmethod
    def from_manifest(cls, value: str | None) -> Level:
        return {"complete": cls.COMPLETE, "partial": cls.PARTIAL, "minimal": cls.MINIMAL}.get(
            value or "", cls.INCONSISTENT
        )

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def rank(self) -> int:
        """For comparing with the published figures, which know no "minimal": W3C's data publishes a
        minimal procedure set as "partial" (checked: the manifest's axe figures match this scoring on every
        rule but afw4f7, whose published "complete" ignores two reported false positives)."""
        return {Level.UNTESTED: 0, Level.INCONSISTENT: 0, Level.MINIMAL: 2}.get(self, int(self))


def load_manifest(corpus: Path = DEFAULT_CORPUS, *, superseded: bool = False) -> list[TestCase]:
    """The cases W3C's implementation report scores: for an approved rule its approved cases, for a proposed
    rule all of them. The manifest also lists 35 newer, not yet approved versions of cases of approved rules
    (`superseded=True` adds them); W3C's axe figures do not cover them (axe is "untested" there)."""
    data = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    return [
        TestCase.from_row(row)
        for row in data["testcases"]
        if superseded or row["testcase_approved"] or row["rule_status"] == "proposed"
    ]


def procedures_for(rule_id: str, cases: Sequence[TestCase]) -> tuple[str, ...]:
    """The axe rules W3C's report maps to this ACT rule, then our own checks that implement it."""
    axe = sorted({a for c in cases if c.rule_id == rule_id for a in c.axe_rule_ids})
    return (*axe, *OWN_CHECKS.get(rule_id, ()))


def act_outcome(results: Iterable[AuditResult], procedure: str) -> str:
    """Our outcome for one procedure (rule id) on one case; several results for one rule: the worst."""
    outcomes = [_TO_ACT.get(r.outcome, "untested") for r in results if r.rule_id == procedure]
    for act in ("failed", "cantTell", "passed", "inapplicable"):
        if act in outcomes:
            return act
    return "untested"


# ---- W3C scoring (act-tools map-implementation/procedure-sets/get-consistency) ----

Results = Sequence[tuple[str, Sequence[str]]]  # (expected, outcomes) per case


def _false_positive(expected: str, outcomes: Sequence[str]) -> bool:
    return expected in ("passed", "inapplicable") and "failed" in outcomes


def _true_positive(expected: str, outcomes: Sequence[str]) -> bool:
    return expected == "failed" and "failed" in outcomes


def consistency(results: Results) -> Level:
    """One procedure (or a combined set): the W3C level."""
    if not results:
        return Level.UNTESTED
    if any(_false_positive(e, o) for e, o in results):
        return Level.INCONSISTENT
    true_positive = any(_true_positive(e, o) for e, o in results)
    untested = any("untested" in o or not o for _, o in results)
    false_negative = any(
        e == "failed" and all(x in ("passed", "inapplicable", "untested") for x in o) for e, o in results
    )
    if true_positive and not untested and not false_negative:
        return Level.COMPLETE
    if true_positive:
        return Level.PARTIAL
    cant_tell = any("cantTell" in o for _, o in results)
    inapplicable_right = all(e != "inapplicable" or all(x in ("passed", "inapplicable") for x in o) for e, o in results)
    if cant_tell and inapplicable_right:
        return Level.MINIMAL
    return Level.INCONSISTENT


def procedure_set_consistency(per_procedure: Mapping[str, Results]) -> tuple[Level, tuple[str, ...]]:
    """The best-level procedures form the set; partials are re-scored combined (W3C findProcedureSet)."""
    if not per_procedure:
        return Level.UNTESTED, ()
    levels = {name: consistency(results) for name, results in per_procedure.items()}
    best = max(levels.values())
    chosen = tuple(name for name, level in levels.items() if level == best)
    if best == Level.PARTIAL:
        best = consistency(combine([per_procedure[name] for name in chosen]))
    return best, chosen


def combine(procedures: Sequence[Results]) -> list[tuple[str, list[str]]]:
    """Case by case, all outcomes of the procedures together."""
    combined: list[tuple[str, list[str]]] = []
    for index, (expected, _) in enumerate(procedures[0]):
        combined.append((expected, [x for p in procedures for x in p[index][1]]))
    return combined


def case_verdict(expected: str, outcomes: Sequence[str]) -> str:
    """consistent / partial (cantTell) / inconsistent / untested, for one case."""
    if not outcomes or all(o == "untested" for o in outcomes):
        return "untested"
    if expected == "failed":
        if "failed" in outcomes:
            return "consistent"
        return "partial" if "cantTell" in outcomes else "inconsistent"
    if "failed" in outcomes:
        return "inconsistent"
    return "partial" if "cantTell" in outcomes else "consistent"


# ---- a whole report ----


@dataclass(slots=True)
class RuleReport:
    rule_id: str
    rule_name: str
    cases: int
    procedures: tuple[str, ...]
    chosen: tuple[str, ...]
    ours: Level
    axe: Level  # axe-core's level on the same cases, scored from its published outcomes
    axe_published: Level  # the manifest's rule-level figure (all cases)
    verdicts: dict[str, int] = field(default_factory=dict)
    axe_verdicts: dict[str, int] = field(default_factory=dict)
    outside_production: tuple[str, ...] = ()
    # All our procedures combined into one set, as axe's published per-case outcomes are: like-for-like with
    # `axe` when only a subset of cases ran (W3C's set selection can drop a procedure on a subset).
    ours_combined: Level = Level.UNTESTED


def score(
    cases: Sequence[TestCase],
    ours: Mapping[str, Sequence[AuditResult] | None],
    production_rules: frozenset[str] | None = None,
) -> list[RuleReport]:
    """`ours` maps a case's url_path → our results on it (None: the case did not render)."""
    reports = []
    by_rule: dict[str, list[TestCase]] = {}
    for case in cases:
        by_rule.setdefault(case.rule_id, []).append(case)
    for rule_id, rule_cases in by_rule.items():
        procedures = procedures_for(rule_id, rule_cases)
        per_procedure: dict[str, list[tuple[str, list[str]]]] = {}
        for procedure in procedures:
            rows = []
            for case in rule_cases:
                results = ours.get(case.url_path)
                rows.append((case.expected, [act_outcome(results or (), procedure)]))
            # A procedure that never reported anything (a check not in the suite) is no procedure of ours.
            if any(o != ["untested"] for _, o in rows):
                per_procedure[procedure] = rows
        level, chosen = procedure_set_consistency(per_procedure)
        combined = combine([per_procedure[p] for p in chosen]) if chosen else []
        verdicts: dict[str, int] = {}
        for expected, outcomes in combined or [(c.expected, []) for c in rule_cases]:
            verdict = case_verdict(expected, outcomes)
            verdicts[verdict] = verdicts.get(verdict, 0) + 1
        axe_rows = [(c.expected, list(c.axe_outcomes) or ["untested"]) for c in rule_cases]
        has_axe = any(c.axe_rule_ids for c in rule_cases)
        axe_verdicts: dict[str, int] = {}
        for expected, outcomes in axe_rows:
            verdict = case_verdict(expected, outcomes)
            axe_verdicts[verdict] = axe_verdicts.get(verdict, 0) + 1
        axe_level = _axe_level(axe_rows) if has_axe else Level.UNTESTED
        reports.append(
            RuleReport(
                rule_id=rule_id,
                rule_name=rule_cases[0].rule_name,
                cases=len(rule_cases),
                procedures=procedures,
                chosen=chosen,
                ours=level,
                axe=axe_level,
                axe_published=Level.from_manifest(rule_cases[0].axe_consistency) if has_axe else Level.UNTESTED,
                verdicts=verdicts,
                axe_verdicts=axe_verdicts,
                ours_combined=consistency(combine(list(per_procedure.values()))) if per_procedure else Level.UNTESTED,
                outside_production=tuple(
                    p
                    for p in procedures
                    if production_rules is not None
                    and p not in production_rules
                    and p not in OWN_CHECKS.get(rule_id, ())
                ),
            )
        )
    return sorted(reports, key=lambda r: r.rule_id)


def _axe_level(rows: Results) -> Level:
    """axe's published outcomes are already combined over its procedures: score them as one set. Where W3C
    picked a subset of axe's rules the per-procedure split is not in the manifest, so this can be lower
    than the published figure, never higher than a full re-run would give."""
    return consistency(rows)


def format_table(reports: Sequence[RuleReport]) -> str:
    header = (
        f"{'ACT rule':8} {'name':52} {'cases':>5} {'cons':>4} {'part':>4} {'inc':>4} {'unt':>4}  "
        f"{'ours':12} {'axe 4.10.2':12} procedures"
    )
    lines = [header, "-" * len(header)]
    for r in reports:
        v = r.verdicts
        extra = f"  [outside production: {', '.join(r.outside_production)}]" if r.outside_production else ""
        lines.append(
            f"{r.rule_id:8} {r.rule_name[:52]:52} {r.cases:5} {v.get('consistent', 0):4} {v.get('partial', 0):4} "
            f"{v.get('inconsistent', 0):4} {v.get('untested', 0):4}  {r.ours.label:12} "
            f"{r.axe_published.label if r.axe_published != Level.UNTESTED else '-':12} "
            f"{'+'.join(r.chosen) or '-'}{extra}"
        )
    lines.append("")
    lines.append(summary(reports))
    return "\n".join(lines)


def summary(reports: Sequence[RuleReport]) -> str:
    def count(levels: Iterable[Level]) -> str:
        levels = list(levels)
        return ", ".join(f"{lvl.label} {levels.count(lvl)}" for lvl in sorted(set(levels), reverse=True))

    mapped = [r for r in reports if r.axe_published != Level.UNTESTED]
    behind = [r.rule_id for r in mapped if r.ours.rank < r.axe_published.rank]
    ahead = [r.rule_id for r in reports if r.ours.rank > r.axe_published.rank]
    cases = sum(r.cases for r in reports)
    verdicts: dict[str, int] = {}
    for r in reports:
        for k, n in r.verdicts.items():
            verdicts[k] = verdicts.get(k, 0) + n
    kinds = ("consistent", "partial", "inconsistent", "untested")
    return (
        f"{len(reports)} ACT rules, {cases} cases; per case: "
        + ", ".join(f"{k} {verdicts[k]}" for k in kinds if k in verdicts)
        + f"\nours: {count(r.ours for r in reports)}"
        + f"\naxe 4.10.2 published: {count(r.axe_published for r in reports)}"
        + f"\naxe 4.10.2 re-scored from its published outcomes on these cases: {count(r.axe for r in reports)}"
        + f"\nrules axe maps to: {len(mapped)}; ours below axe on {len(behind)} {behind}; "
        + f"ours above axe on {len(ahead)} {ahead}"
    )


def stratified_subset(cases: Sequence[TestCase], per_outcome: int) -> list[TestCase]:
    """Deterministic: per ACT rule, the first `per_outcome` cases of each expected outcome (manifest order,
    which is the W3C order: Passed Example 1, 2, …). Every rule and outcome stays represented."""
    taken: dict[tuple[str, str], int] = {}
    out = []
    for case in cases:
        key = (case.rule_id, case.expected)
        if taken.get(key, 0) < per_outcome:
            taken[key] = taken.get(key, 0) + 1
            out.append(case)
    return out


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m audits.act", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder with manifest.json and www/")
    parser.add_argument("--per-outcome", type=int, default=0, help="stratified subset: N cases per rule and outcome")
    parser.add_argument("--rule", action="append", default=[], help="only these ACT rule ids")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--chromium", help="the Chromium binary (default: Debian's, crawler.render.DEFAULT_CHROMIUM)")
    parser.add_argument(
        "--production-tags", action="store_true", help="axe with the production WCAG A/AA tags only (no AAA/bp)"
    )
    parser.add_argument("--json", type=Path, help="also write per-case outcomes and the per-rule table here")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not (args.corpus / "manifest.json").is_file():
        print(f"ACT corpus not found at {args.corpus} (expected manifest.json and www/)", file=sys.stderr)
        return 2
    from audits.act_runner import run_cases  # the browser part, kept out of the scoring module
    from crawler.render import DEFAULT_CHROMIUM

    cases = load_manifest(args.corpus)
    if args.rule:
        cases = [c for c in cases if c.rule_id in set(args.rule)]
    if args.per_outcome:
        cases = stratified_subset(cases, args.per_outcome)

    def progress(done: int, total: int) -> None:
        if done % 100 == 0 or done == total:
            print(f"  {done}/{total} cases", file=sys.stderr, flush=True)

    run = run_cases(
        cases,
        args.corpus / "www",
        concurrency=args.concurrency,
        production_tags=args.production_tags,
        progress=progress,
        chromium=args.chromium or DEFAULT_CHROMIUM,
    )
    reports = score(cases, run.results, run.production_rules)
    print(format_table(reports))
    print(
        f"\n{len(cases)} cases rendered in {run.wall_s:.1f} s ({len(cases) / run.wall_s:.1f} cases/s, "
        f"concurrency {args.concurrency}); {run.failures} cases did not render; axe {run.axe_version}, "
        f"Chromium {run.browser_version}; own checks: {', '.join(run.own_rules) or 'none'}"
    )
    if args.json:
        _write_json(args.json, run, reports)
    return 0


def _write_json(out: Path, run: ActRun, reports: Sequence[RuleReport]) -> None:
    """Per-case outcomes and the per-rule table, for a comparison script."""
    rules = [
        {
            "rule_id": r.rule_id,
            "name": r.rule_name,
            "cases": r.cases,
            "ours": r.ours.label,
            "axe_same_cases": r.axe.label,
            "axe_published": r.axe_published.label,
            "verdicts": r.verdicts,
            "procedures": r.chosen,
        }
        for r in reports
    ]
    cases = {
        path: [[x.rule_id, str(x.outcome)] for x in res] if res is not None else None
        for path, res in run.results.items()
    }
    out.write_text(
        json.dumps(
            {
                "wall_s": run.wall_s,
                "axe_version": run.axe_version,
                "errors": run.errors,
                "rules": rules,
                "cases": cases,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
