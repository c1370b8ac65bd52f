"""Animated images (WCAG 2.2.2 Pause, Stop, Hide): an `<img>` whose image animates for more than five
seconds (it loops, or its frames add up to more than 5 s) with no way to pause it.

Decided from the image's own bytes, the ones the browser already loaded (read back over the DevTools
protocol, `Page.getResourceContent`, or decoded from a `data:` URI; nothing is requested again): Pillow
counts the frames, adds up their delays (as browsers do, a delay of 10 ms or less plays as 100 ms) and
reads the loop count (GIF's NETSCAPE block, APNG's num_plays, WebP's loop; absent in a GIF: played once).
Browsers give an animated image no pause control, so a long animation fails, unless the page has a
control named like a pause button (then a person checks it pauses this image), or the image is icon-sized
(a loading spinner may be essential to the activity), or a `<picture>` swaps it under prefers-reduced-motion
(a question too: reduced motion is a user setting, not a pause control).
"""

from __future__ import annotations

import base64
import io
import math
import urllib.parse
from dataclasses import dataclass
from typing import Any, ClassVar

from PIL import Image, UnidentifiedImageError
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from audits.checks.common import CSS_PATH_JS, check_meta, load_data
from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult

RULE = "animated-image"
LIMIT_S = 5.0  # 2.2.2: moving content that lasts more than five seconds
MIN_DELAY_MS = 10  # browsers play a frame delay of 10 ms or less as 100 ms
CLAMPED_DELAY_MS = 100
ICON_PX = 32  # rendered no larger than this on both axes: an icon or a spinner
MAX_BYTES = 8_000_000
ANIMATABLE = ("image/gif", "image/png", "image/apng", "image/webp")

_IMAGES = (
    "(words) => {"
    + CSS_PATH_JS
    + """
  const out = [];
  const named = (el) => [el.getAttribute('aria-label'), el.getAttribute('title'), el.value, el.textContent]
    .filter(Boolean).join(' ').toLowerCase();
  const pause = [...document.querySelectorAll('button, [role=button], input[type=button]')]
    .some(el => words.some(w => named(el).includes(w)));
  for (const img of document.images) {
    if (out.length >= 30) break;
    const src = img.currentSrc || img.src;
    if (!src || !img.complete || img.naturalWidth < 2) continue;
    // JPEG and SVG images do not animate as images: no need to read their bytes.
    if (/\\.(jpe?g|svg)([?#]|$)/i.test(src) || /^data:image\\/(jpeg|svg)/i.test(src)) continue;
    const r = img.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    if (img.checkVisibility && !img.checkVisibility({visibilityProperty: true})) continue;
    const picture = img.parentElement && img.parentElement.tagName === 'PICTURE' ? img.parentElement : null;
    const reduced = !!picture && [...picture.querySelectorAll('source[media]')]
      .some(s => /prefers-reduced-motion/.test(s.getAttribute('media')));
    out.push({src, selector: cssPath(img), html: snippet(img), width: Math.round(r.width), height: Math.round(r.height),
              alt: (img.getAttribute('alt') || '').slice(0, 60), reduced});
  }
  return {images: out, pause};
}"""
)


@dataclass(frozen=True, slots=True)
class Animation:
    frames: int
    seconds: float  # one play
    plays: float  # math.inf when it loops forever

    @property
    def runs_s(self) -> float:
        return self.seconds * self.plays

    @property
    def moving_too_long(self) -> bool:
        return self.frames > 1 and self.runs_s > LIMIT_S


def read_animation(data: bytes) -> Animation | None:
    """Frames, length of one play and number of plays of an image; None if Pillow cannot read it."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            frames = int(getattr(im, "n_frames", 1))
            if frames <= 1:
                return Animation(frames=1, seconds=0.0, plays=1)
            total_ms = 0
            for index in range(frames):
                im.seek(index)
                delay = int(im.info.get("duration", 0) or 0)
                total_ms += CLAMPED_DELAY_MS if delay <= MIN_DELAY_MS else delay
            loop = im.info.get("loop")
            fmt = im.format or ""
    except (UnidentifiedImageError, OSError, ValueError, EOFError):
        return None
    if loop is None:
        plays: float = 1
    elif int(loop) == 0:
        plays = math.inf
    else:  # GIF's NETSCAPE count is the repeats after the first play; APNG and WebP count plays
        plays = int(loop) + 1 if fmt == "GIF" else int(loop)
    return Animation(frames=frames, seconds=total_ms / 1000, plays=plays)


def _data_uri_bytes(src: str) -> bytes | None:
    head, _, body = src.partition(",")
    if not head.startswith("data:image/"):
        return None
    try:
        return base64.b64decode(body) if head.endswith(";base64") else urllib.parse.unquote_to_bytes(body)
    except ValueError:
        return None


def _resources(tree: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """url → (frame id, MIME type) of every image the page's main frame loaded that may animate."""
    frame = tree["frameTree"]["frame"]["id"]
    return {
        r["url"]: (frame, r.get("mimeType", ""))
        for r in tree["frameTree"].get("resources", [])
        if r.get("type") == "Image"
        and r.get("mimeType", "") in ANIMATABLE
        and not r.get("failed")
        and int(r.get("contentSize") or 0) <= MAX_BYTES
    }


@dataclass(slots=True)
class AnimatedImageCheck:
    max_images: int = 15  # images whose bytes are read back per page
    name: str = "animated-image"
    rule_ids: ClassVar[tuple[str, ...]] = (RULE,)  # the rules its results are about

    async def inspect(self, page: Page, url: str) -> list[AuditResult]:
        meta = check_meta(RULE)
        words = [str(w).lower() for w in load_data("pause_controls.yaml")["words"]]
        found = await page.evaluate(_IMAGES, words)
        if not found["images"]:
            return [meta.result(url, Outcome.INAPPLICABLE, reason="no image that may animate")]
        session = await page.context.new_cdp_session(page)
        try:
            await session.send("Page.enable")  # getResourceContent needs the agent on
            loaded = _resources(await session.send("Page.getResourceTree"))
            animations = await self._animations(session, found["images"], loaded)
        except PlaywrightError as exc:
            return [meta.result(url, Outcome.ERROR, reason=f"image bytes unreadable: {str(exc).splitlines()[0]}")]
        finally:
            await session.detach()
        if not animations:
            return [meta.result(url, Outcome.INAPPLICABLE, reason="no image that may animate")]
        failed: list[AuditNode] = []
        review: list[AuditNode] = []
        for image, animation in animations:
            if not animation.moving_too_long:
                continue
            length = "loops forever" if math.isinf(animation.plays) else f"moves for {animation.runs_s:.0f} s"
            what = f'This animated image ("{image["alt"]}", {animation.frames} frames) {length}'
            if image["reduced"] or found["pause"] or (image["width"] <= ICON_PX and image["height"] <= ICON_PX):
                why = (
                    "a <picture> swaps it under prefers-reduced-motion"
                    if image["reduced"]
                    else "the page has a pause or stop control"
                    if found["pause"]
                    else "it is icon-sized (a spinner?)"
                )
                review.append(
                    AuditNode(
                        image["selector"], image["html"], f"{what}, and {why}: can users pause or stop this image?"
                    )
                )
            else:
                failed.append(AuditNode(image["selector"], image["html"], f"{what} and nothing on the page pauses it."))
        if failed:
            return [
                meta.result(
                    url,
                    Outcome.FAILED,
                    nodes=failed[:20],
                    reason=f"{len(failed)} image(s) animate for more than 5 s with no pause control",
                )
            ]
        if review:
            return [
                meta.result(
                    url,
                    Outcome.NEEDS_REVIEW,
                    nodes=review[:20],
                    reason=f"{len(review)} image(s) animate for more than 5 s",
                )
            ]
        return [meta.result(url, Outcome.PASSED)]

    async def _animations(
        self, session: Any, images: list[dict[str, Any]], loaded: dict[str, tuple[str, str]]
    ) -> list[tuple[dict[str, Any], Animation]]:
        out: list[tuple[dict[str, Any], Animation]] = []
        cache: dict[str, Animation | None] = {}
        for image in images:
            src = image["src"]
            if src not in cache:
                if len(cache) >= self.max_images:
                    break
                cache[src] = await self._read(session, src, loaded)
            animation = cache[src]
            if animation is not None:
                out.append((image, animation))
        return out

    @staticmethod
    async def _read(session: Any, src: str, loaded: dict[str, tuple[str, str]]) -> Animation | None:
        if src.startswith("data:"):
            data = _data_uri_bytes(src)
            return read_animation(data) if data and len(data) <= MAX_BYTES else None
        if src not in loaded:
            return None
        frame, _ = loaded[src]
        try:
            got = await session.send("Page.getResourceContent", {"frameId": frame, "url": src})
        except PlaywrightError:  # evicted or never stored: nothing to judge
            return None
        data = base64.b64decode(got["content"]) if got.get("base64Encoded") else got["content"].encode("latin-1")
        return read_animation(data) if len(data) <= MAX_BYTES else None
