"""The set of live-page inspectors an audit runs, and the scripts they need in every page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from audits.axe import AxeInspector, find_axe_script
from audits.checks.reflow import ReflowCheck


@dataclass(frozen=True, slots=True)
class AuditSettings:
    axe_script: Path | None = None
    include_best_practice: bool = False
    axe_timeout_s: float = 60.0


@dataclass(frozen=True, slots=True)
class AuditSuite:
    inspectors: tuple[AxeInspector | ReflowCheck, ...]
    init_scripts: tuple[Path, ...]
    engine_versions: dict[str, str]


def build_suite(settings: AuditSettings | None = None) -> AuditSuite:
    settings = settings or AuditSettings()
    axe = AxeInspector(
        script=settings.axe_script or find_axe_script(),
        include_best_practice=settings.include_best_practice,
        timeout_s=settings.axe_timeout_s,
    )
    return AuditSuite(
        inspectors=(axe, ReflowCheck()),
        init_scripts=(axe.script,),
        engine_versions={"axe-core": axe.version, "govaudit": "0.1"},
    )
