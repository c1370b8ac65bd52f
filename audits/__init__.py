"""Accessibility audits of rendered pages: axe-core plus checks of our own."""

from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult

__all__ = ["AuditNode", "AuditResult", "Outcome"]
