"""The set of live-page inspectors an audit runs, and the scripts they need in every page."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from audits.axe import AxeInspector, find_axe_script
from audits.checks.animation import AnimatedImageCheck
from audits.checks.bypass import BypassBlocksCheck
from audits.checks.dialog import DialogFocusCheck
from audits.checks.hover import HoverOnlyCheck
from audits.checks.keyboard import KeyboardCheck
from audits.checks.language import LanguageCheck
from audits.checks.language_parts import LanguageOfPartsCheck
from audits.checks.link_purpose import LinkPurposeCheck
from audits.checks.media import VideoCaptionsCheck
from audits.checks.page_rules import PageRulesCheck, click_listeners_script
from audits.checks.reflow import ReflowCheck
from audits.checks.text_spacing import TextSpacingCheck
from audits.checks.title import PageTitleCheck
from audits.checks.zoom_clip import TextClippedZoomCheck
from audits.screenshots import ScreenshotTaker, scroll_clock_script
from audits.standards import DEFAULT_STANDARD, Standard, get_standard
from crawler.render import PageInspector


@dataclass(frozen=True, slots=True)
class AuditSettings:
    axe_script: Path | None = None
    include_best_practice: bool = True  # reported as best practice, outside the score and the gate
    axe_timeout_s: float = 60.0
    own_checks: bool = True  # our checks beyond axe; off leaves axe and reflow only
    keyboard_max_tabs: int = 30  # Tab presses per page for focus-visible / keyboard-trap (0: skip them)
    standard: str = DEFAULT_STANDARD  # a key of audits/data/standards.yaml: criteria and axe tags
    screenshots: bool = False  # a highlighted crop of the failing elements and a view of each page


@dataclass(frozen=True, slots=True)
class AuditSuite:
    inspectors: tuple[PageInspector, ...]
    init_scripts: tuple[Path, ...]
    engine_versions: dict[str, str]
    standard: Standard = field(default_factory=get_standard)


@cache
def checks_version() -> str:
    """The version of our checks as the code that makes them: a digest of the audits package's
    sources and data. Any change to a check changes it, so a page audited by older checks is
    audited again rather than carried forward (the version string alone would not move)."""
    digest = hashlib.sha256()
    root = resources.files("audits")
    data = root.joinpath("data")
    # data's sub-folders too: the page rules and check metadata live there (`<id>.yaml`, `<id>.js`).
    folders = [root, root.joinpath("checks"), data, *(f for f in data.iterdir() if f.is_dir())]
    for folder in sorted(folders, key=lambda f: f.name):
        for item in sorted(folder.iterdir(), key=lambda i: i.name):
            if item.is_file() and item.name.endswith((".py", ".yaml", ".txt", ".js")):
                digest.update(item.name.encode() + b"\0" + item.read_bytes())
    return "0.1+" + digest.hexdigest()[:12]


def own_checks(settings: AuditSettings) -> tuple[PageInspector, ...]:
    """Our checks, cheapest first. The keyboard walk goes late: it moves focus and scrolls (it
    restores both); only the dialog check, which opens dialogs, comes after it."""
    checks: list[PageInspector] = [
        PageTitleCheck(),
        LanguageCheck(),
        LanguageOfPartsCheck(),
        BypassBlocksCheck(),
        LinkPurposeCheck(),
        VideoCaptionsCheck(),
        TextSpacingCheck(),
        TextClippedZoomCheck(),
        PageRulesCheck(),
        AnimatedImageCheck(),
        HoverOnlyCheck(),  # moves the mouse (it parks it in a corner after)
    ]
    if settings.keyboard_max_tabs > 0:
        checks.append(KeyboardCheck(max_tabs=settings.keyboard_max_tabs))
    checks.append(DialogFocusCheck())  # after the walk: it opens dialogs (and closes them, if it can)
    return tuple(checks)


def build_suite(settings: AuditSettings | None = None) -> AuditSuite:
    settings = settings or AuditSettings()
    standard = get_standard(settings.standard)
    axe = AxeInspector(
        script=settings.axe_script or find_axe_script(),
        tags=standard.axe_tags,
        include_best_practice=settings.include_best_practice,
        timeout_s=settings.axe_timeout_s,
    )
    extra = own_checks(settings) if settings.own_checks else ()
    # Last: it photographs what every inspector before it found, while the page is still open.
    shots = (ScreenshotTaker(),) if settings.screenshots else ()
    scripts = (axe.script, *((click_listeners_script(),) if settings.own_checks else ()))
    return AuditSuite(
        inspectors=(axe, ReflowCheck(), *extra, *shots),
        init_scripts=(*scripts, scroll_clock_script()) if shots else scripts,
        engine_versions={"axe-core": axe.version, "govaudit": checks_version(), "standard": standard.key},
        standard=standard,
    )
