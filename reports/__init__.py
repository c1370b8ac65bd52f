"""Renderers of stored runs: JSON and a self-contained HTML report."""

from reports.model import build_report
from reports.render import render_html, write_reports

__all__ = ["build_report", "render_html", "write_reports"]
