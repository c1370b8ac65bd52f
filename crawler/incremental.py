"""Recrawl without redoing: conditional GET and content hashes against the previous run."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.snapshot import PageSnapshot


@dataclass(frozen=True, slots=True)
class PreviousVisit:
    """What the last completed run recorded for a URL. `snapshot` is light (no markup) but has
    the links, title, text and forms, so an unchanged page still feeds discovery and the rules."""

    visit_id: int
    content_hash: str
    etag: str
    last_modified: str
    snapshot: PageSnapshot

    def conditional_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers
