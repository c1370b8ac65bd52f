"""Fetching, rendering and discovery: turns start URLs into `PageSnapshot`s.

This package imports nothing else of govaudit's.
"""

from crawler.site import SiteConfig, SiteKind
from crawler.snapshot import FormField, FormSnapshot, Link, PageSnapshot, ScanStatus

__all__ = ["FormField", "FormSnapshot", "Link", "PageSnapshot", "ScanStatus", "SiteConfig", "SiteKind"]
