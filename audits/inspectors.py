"""The set of live-page inspectors an audit runs, and the scripts they need in every page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from audits.axe import AxeInspector, find_axe_script
from audits.checks.bypass import BypassBlocksCheck
from audits.checks.keyboard import KeyboardCheck
from audits.checks.language import LanguageCheck
from audits.checks.link_purpose import LinkPurposeCheck
from audits.checks.media import VideoCaptionsCheck
from audits.checks.reflow import ReflowCheck
from audits.checks.text_spacing import TextSpacingCheck
from audits.checks.title import PageTitleCheck
from crawler.render import PageInspector


@dataclass(frozen=True, slots=True)
class AuditSettings:
    axe_script: Path | None = None
    include_best_practice: bool = False
    axe_timeout_s: float = 60.0
    own_checks: bool = True  # our checks beyond axe; off leaves axe and reflow only
    keyboard_max_tabs: int = 30  # Tab presses per page for focus-visible / keyboard-trap (0: skip them)


@dataclass(frozen=True, slots=True)
class AuditSuite:
    inspectors: tuple[PageInspector, ...]
    init_scripts: tuple[Path, ...]
    engine_versions: dict[str, str]


def own_checks(settings: AuditSettings) -> tuple[PageInspector, ...]:
    """Our checks, cheapest first. The keyboard walk goes last: it moves focus and scrolls (it
    restores both), and nothing after it should see that state."""
    checks: list[PageInspector] = [
        PageTitleCheck(),
        LanguageCheck(),
        BypassBlocksCheck(),
        LinkPurposeCheck(),
        VideoCaptionsCheck(),
        TextSpacingCheck(),
    ]
    if settings.keyboard_max_tabs > 0:
        checks.append(KeyboardCheck(max_tabs=settings.keyboard_max_tabs))
    return tuple(checks)


def build_suite(settings: AuditSettings | None = None) -> AuditSuite:
    settings = settings or AuditSettings()
    axe = AxeInspector(
        script=settings.axe_script or find_axe_script(),
        include_best_practice=settings.include_best_practice,
        timeout_s=settings.axe_timeout_s,
    )
    extra = own_checks(settings) if settings.own_checks else ()
    return AuditSuite(
        inspectors=(axe, ReflowCheck(), *extra),
        init_scripts=(axe.script,),
        engine_versions={"axe-core": axe.version, "govaudit": "0.1"},
    )
