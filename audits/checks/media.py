"""WCAG 1.2.2 Captions (Prerecorded): a <video> without a captions or subtitles track, and an
embedded player from a known video host, go to a human (captions may be burnt into the picture,
and a host's player cannot be inspected from the page)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.async_api import Page

from audits.checks.common import CSS_PATH_JS, load_data, nodes_from, result
from audits.outcome import Outcome
from audits.result import AuditResult

RULE, WCAG = "video-captions", ("1.2.2",)
DESCRIPTION = "Prerecorded video has captions"

_MEDIA = (
    "() => {"
    + CSS_PATH_JS
    + """
  const videos = [...document.querySelectorAll('video')].map(v => ({
    selector: cssPath(v), html: snippet(v),
    captions: [...v.querySelectorAll('track')].some(t => ['captions', 'subtitles'].includes(
      (t.getAttribute('kind') || 'subtitles').toLowerCase()) && t.getAttribute('src')),
  }));
  const frames = [...document.querySelectorAll('iframe[src], embed[src], object[data]')].map(f => ({
    selector: cssPath(f), html: snippet(f), src: f.getAttribute('src') || f.getAttribute('data') }));
  return {videos, frames, base: document.baseURI};
}"""
)


def is_video_host(src: str, base: str = "") -> bool:
    """Entries are a host (subdomains included) optionally followed by a path prefix."""
    parts = urlsplit(src if "//" in src else base)
    host = (parts.hostname or "").lower()
    for entry in load_data("video_hosts.yaml"):
        entry_host, _, entry_path = entry.partition("/")
        if (host == entry_host or host.endswith("." + entry_host)) and parts.path.startswith("/" + entry_path):
            return True
    return False


@dataclass(slots=True)
class VideoCaptionsCheck:
    name: str = "video-captions"

    async def inspect(self, page: Page, url: str) -> list[AuditResult]:
        found = await page.evaluate(_MEDIA)
        uncaptioned = [
            {**v, "message": "video without a captions or subtitles track"}
            for v in found["videos"]
            if not v["captions"]
        ]
        players = [
            {**f, "message": f"embedded video player ({urlsplit(f['src']).hostname}): check its captions"}
            for f in found["frames"]
            if is_video_host(f["src"], found["base"])
        ]
        if not found["videos"] and not players:
            return [result(url, RULE, Outcome.INAPPLICABLE, WCAG, DESCRIPTION, reason="no video on the page")]
        if not uncaptioned and not players:
            return [result(url, RULE, Outcome.PASSED, WCAG, DESCRIPTION)]
        reasons = []
        if uncaptioned:
            reasons.append(f"{len(uncaptioned)} video(s) without a captions track")
        if players:
            reasons.append(f"{len(players)} embedded player(s) from video hosts")
        return [
            result(
                url,
                RULE,
                Outcome.NEEDS_REVIEW,
                WCAG,
                DESCRIPTION,
                nodes=nodes_from(uncaptioned + players),
                reason="; ".join(reasons) + ": check that captions are available",
                impact="serious",
            )
        ]
