"""Time-based media (WCAG 1.2.1, 1.2.2, 1.2.3, 1.2.5): what a page offers to people who cannot hear or see
its audio and video.

Whether a transcript, captions or a description say what the recording says can only be judged by a person,
so almost everything here goes to a human, with one question about one element. Two things are decided:
- `failed` when an `<audio>` or a soundless `<video>` is the only thing on the page: there is no text, link or
  other media in which an alternative could be (ACT 2eb176, ee13b5, d7ba54 fail this way);
- not applicable when nobody can perceive the recording: hidden, an `<audio>` with no controls that does not
  play by itself, a video file that is missing on the site's own server; and a video whose sound track is
  silent (decoded in the page, same-origin files up to `_PROBE_CAP` bytes) is a video-only recording, which
  needs a description of what it shows (1.2.1), not captions.

Rules: `video-captions` (1.2.2), `video-description` (1.2.3, 1.2.5), `video-only-alternative` (1.2.1),
`audio-transcript` (1.2.1), `media-link-transcript` (1.2.1, 1.2.2: links to audio or video files and
recordings on media hosts). Embedded players from known video hosts cannot be inspected and ask for captions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

from playwright.async_api import Page

from audits.checks.common import CSS_PATH_JS, load_data, nodes_from, result
from audits.outcome import Outcome
from audits.result import AuditResult

RULE, WCAG = "video-captions", ("1.2.2",)
DESCRIPTION = "Prerecorded video has captions"
DESCRIPTION_RULE, DESCRIPTION_WCAG = "video-description", ("1.2.3", "1.2.5")
VIDEO_ONLY_RULE, VIDEO_ONLY_WCAG = "video-only-alternative", ("1.2.1",)
AUDIO_RULE, AUDIO_WCAG = "audio-transcript", ("1.2.1",)
LINK_RULE, LINK_WCAG = "media-link-transcript", ("1.2.1", "1.2.2")
RULES = (RULE, DESCRIPTION_RULE, VIDEO_ONLY_RULE, AUDIO_RULE, LINK_RULE)

_PROBE_CAP = 8_000_000  # bytes of a video file decoded to tell a silent sound track; larger ones: unknown
_PROBE_MAX = 4  # videos probed per page (a gallery of videos costs four decodes, not forty)
_PROBE_TIMEOUT_MS = 8000  # for all the probes of one page together
_SILENCE = 1e-3  # peak sample amplitude (of 1.0) under which a decoded sound track is silence

_MEDIA = (
    "async (opts) => {"
    + CSS_PATH_JS
    + """
  const words = opts.words;
  const hasWord = (t) => { t = (t || '').toLowerCase(); return words.some(w => t.includes(w)); };
  const shown = (el) => {
    if (!el.checkVisibility({visibilityProperty: true})) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const abs = (src) => { try { return new URL(src, document.baseURI).href; } catch (e) { return ''; } };
  const srcOf = (m) => m.currentSrc || (m.getAttribute('src') && abs(m.getAttribute('src')))
    || ([...m.querySelectorAll('source[src]')].map(s => abs(s.getAttribute('src')))[0]) || '';
  const textOf = (a) => (a.getAttribute('aria-label') || a.innerText || a.textContent || '')
    .replace(/\\s+/g, ' ').trim();
  // Transcript evidence: a link or a text naming a transcript within three ancestors of the element.
  const evidence = (el) => {
    let anc = el.parentElement;
    for (let depth = 0; anc && depth < 3; depth++, anc = anc.parentElement) {
      const link = [...anc.querySelectorAll('a[href]')].find(a => a !== el && hasWord(textOf(a)));
      if (link) return {kind: 'link', text: textOf(link).slice(0, 80), href: link.href};
      if (hasWord(anc.innerText)) return {kind: 'text'};
      if (anc === document.body) break;
    }
    return null;
  };
  const media = [...document.querySelectorAll('audio, video')];
  const deadline = performance.now() + opts.timeout;
  const probe = async (src) => {
    let url;
    try { url = new URL(src, document.baseURI); } catch (e) { return 'unknown'; }
    if (url.origin !== location.origin) return 'unknown';
    const left = deadline - performance.now();  // one time budget for all the probes of the page
    if (left < 500) return 'unknown';
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), left);
    try {
      const r = await fetch(url.href, {signal: ctrl.signal});
      if (r.status === 404 || r.status === 410) return 'missing';
      if (!r.ok || +(r.headers.get('content-length') || 0) > opts.cap) { ctrl.abort(); return 'unknown'; }
      const reader = r.body.getReader();
      const chunks = [];
      let size = 0;
      for (;;) {
        const {done, value} = await reader.read();
        if (done) break;
        size += value.length;
        if (size > opts.cap) { ctrl.abort(); return 'unknown'; }
        chunks.push(value);
      }
      const bytes = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) { bytes.set(c, at); at += c.length; }
      const decoded = await Promise.race([
        new OfflineAudioContext(1, 1, 8000).decodeAudioData(bytes.buffer),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), deadline - performance.now())),
      ]);
      let peak = 0;
      for (let c = 0; c < decoded.numberOfChannels; c++) {
        const data = decoded.getChannelData(c);
        for (let i = 0; i < data.length; i++) { const a = Math.abs(data[i]); if (a > peak) peak = a; }
      }
      return peak < opts.silence ? 'silent' : 'sound';
    } catch (e) {
      return 'unknown';  // no sound stream, a codec this browser lacks, a stream: nothing to conclude
    } finally {
      clearTimeout(timer);
    }
  };
  // Is there anything on the page besides the media, in which a transcript or alternative could be?
  const other = () => {
    const body = document.body;
    if (!body) return false;
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.data.trim()) continue;
      const el = n.parentElement;
      if (!el || el.closest('audio, video, script, style, noscript, template, [aria-hidden="true"]')) continue;
      if (el.checkVisibility()) return true;
    }
    return [...body.querySelectorAll('a[href], img[alt]:not([alt=""]), iframe, object, embed')]
      .some(e => !e.closest('[aria-hidden="true"]') && e.checkVisibility());
  };
  let probes = 0;
  const elements = [];
  for (const m of media) {
    const video = m.tagName === 'VIDEO';
    const src = srcOf(m);
    const tracks = [...m.querySelectorAll('track[src]')]
      .map(t => (t.getAttribute('kind') || 'subtitles').toLowerCase());
    const item = {
      tag: m.tagName.toLowerCase(), selector: cssPath(m), html: snippet(m), src,
      label: m.getAttribute('aria-label') || m.getAttribute('title') || '',
      controls: m.hasAttribute('controls'), autoplay: m.hasAttribute('autoplay'), muted: m.hasAttribute('muted'),
      shown: shown(m), captions: tracks.some(k => k === 'captions' || k === 'subtitles'),
      descriptions: tracks.includes('descriptions'), evidence: evidence(m), sound: 'unknown',
    };
    if (video && item.shown && src && probes < opts.max) { probes++; item.sound = await probe(src); }
    elements.push(item);
  }
  const frames = [...document.querySelectorAll('iframe[src], embed[src], object[data]')].map(f => ({
    selector: cssPath(f), html: snippet(f), src: f.getAttribute('src') || f.getAttribute('data') }));
  const ext = (path) => {
    const file = path.split('/').pop();
    return file.includes('.') ? file.split('.').pop().toLowerCase() : '';
  };
  const linkKind = (href) => {
    let u;
    try { u = new URL(href); } catch (e) { return null; }
    if (!/^https?:$/.test(u.protocol)) return null;
    const e = ext(u.pathname);
    if (opts.audioExt.includes(e)) return 'audio';
    if (opts.videoExt.includes(e)) return 'video';
    const where = u.hostname.toLowerCase().replace(/^www\\./, '') + u.pathname;
    const hit = opts.linkPatterns.find(p => new RegExp(p.pattern).test(where));
    return hit ? hit.kind : null;
  };
  const links = [];
  for (const a of document.querySelectorAll('a[href]')) {
    const kind = linkKind(a.href);
    if (!kind || hasWord(textOf(a)) || a.closest('[aria-hidden="true"]') || !a.checkVisibility()) continue;
    links.push({selector: cssPath(a), html: snippet(a), href: a.href, text: textOf(a).slice(0, 80), kind,
      evidence: evidence(a)});
    if (links.length >= 200) break;
  }
  return {elements, frames, links, other: elements.length === 1 ? other() : true, base: document.baseURI};
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


def _name(item: Mapping[str, Any]) -> str:
    """How a question names the element: its label, else its file name."""
    if item.get("label"):
        return f"'{item['label'][:60]}'"
    file = unquote(urlsplit(item.get("src") or "").path.rsplit("/", 1)[-1])
    return f"'{file[:60]}'" if file else "(no source)"


def _node(item: Mapping[str, Any], message: str) -> dict[str, Any]:
    return {"selector": item["selector"], "html": item["html"], "message": message}


def _transcript_question(item: Mapping[str, Any], what: str) -> str:
    """One question about one element, worded by what was found next to it."""
    tag, name, ev = item["tag"], _name(item), item.get("evidence")
    if ev and ev["kind"] == "link":
        return f"{tag} {name}: does the linked '{ev['text']}' give {what}?"
    if ev:
        return f"{tag} {name}: does the transcript next to it give {what}?"
    return f"{tag} {name}: no transcript was found near it; does this page give {what}, or link to it?"


def _verdict(
    url: str,
    rule: str,
    wcag: tuple[str, ...],
    description: str,
    applicable: int,
    failed: list[dict[str, Any]],
    review: list[dict[str, Any]],
    *,
    none: str,
    passed: str = "",
    impact: str = "serious",
) -> AuditResult:
    if failed:
        return result(
            url,
            rule,
            Outcome.FAILED,
            wcag,
            description,
            nodes=nodes_from(failed),
            impact=impact,
            reason=f"{len(failed)} element(s) with nothing else on the page to carry an alternative",
        )
    if review:
        return result(
            url,
            rule,
            Outcome.NEEDS_REVIEW,
            wcag,
            description,
            nodes=nodes_from(review),
            impact=impact,
            reason=review[0]["message"] if len(review) == 1 else f"{len(review)} elements to check",
        )
    if applicable:
        return result(url, rule, Outcome.PASSED, wcag, description, reason=passed)
    return result(url, rule, Outcome.INAPPLICABLE, wcag, description, reason=none)


def judge(found: Mapping[str, Any], url: str) -> list[AuditResult]:
    """The page script's findings → one result per media rule (pure: tested without a browser)."""
    elements: list[dict[str, Any]] = found["elements"]
    alone = not found["other"] and len(elements) == 1  # nothing else where an alternative could be
    return [*_judge_videos(found, alone, url), _judge_audio(elements, alone, url), _judge_links(found["links"], url)]


def _judge_videos(found: Mapping[str, Any], alone: bool, url: str) -> list[AuditResult]:
    """Captions, audio description and the soundless-video alternative: a video counts when it is on
    screen or plays by itself."""
    elements: list[dict[str, Any]] = found["elements"]
    videos = [v for v in elements if v["tag"] == "video" and (v["shown"] or v["autoplay"]) and v["sound"] != "missing"]
    silent = [v for v in videos if v["sound"] == "silent" or (v["muted"] and not v["controls"])]
    with_sound = [v for v in videos if v not in silent]
    players = [
        {**f, "message": f"embedded video player ({urlsplit(f['src']).hostname}): does it offer captions?"}
        for f in found["frames"]
        if is_video_host(f["src"], found["base"])
    ]
    captions_review = [
        _node(
            v,
            f"video {_name(v)} has no captions track: are captions burnt into the picture or offered by the "
            "player? If not, add captions.",
        )
        for v in with_sound
        if not v["captions"]
    ] + players
    description_review = [
        _node(v, _transcript_question(v, "what the video shows (or is there an audio-described version?)"))
        for v in with_sound
    ]
    video_only_failed = [
        _node(v, f"video {_name(v)} has no sound and nothing else is on the page: nowhere to describe what it shows")
        for v in silent
        if alone and not v["descriptions"]
    ]
    video_only_review = (
        []
        if video_only_failed
        else [_node(v, _transcript_question(v, "what this soundless video shows")) for v in silent]
    )
    no_video = "no video with sound on the page"
    return [
        _verdict(url, RULE, WCAG, DESCRIPTION, len(with_sound) + len(players), [], captions_review, none=no_video),
        _verdict(
            url,
            DESCRIPTION_RULE,
            DESCRIPTION_WCAG,
            "Prerecorded video has an audio description or a media alternative",
            len(with_sound),
            [],
            description_review,
            none=no_video,
        ),
        _verdict(
            url,
            VIDEO_ONLY_RULE,
            VIDEO_ONLY_WCAG,
            "Prerecorded video without sound has a text or audio alternative",
            len(silent),
            video_only_failed,
            video_only_review,
            none="no soundless video on the page",
        ),
    ]


def _judge_audio(elements: list[dict[str, Any]], alone: bool, url: str) -> AuditResult:
    """An audio player on screen, or one that plays by itself, needs a transcript."""
    audios = [a for a in elements if a["tag"] == "audio" and ((a["controls"] and a["shown"]) or a["autoplay"])]
    failed = [
        _node(a, f"audio {_name(a)} is the only thing on the page: there is nowhere a transcript could be")
        for a in audios
        if alone
    ]
    review = [] if failed else [_node(a, _transcript_question(a, "everything said in it")) for a in audios]
    return _verdict(
        url,
        AUDIO_RULE,
        AUDIO_WCAG,
        "Prerecorded audio has a transcript",
        len(audios),
        failed,
        review,
        none="no audio player on the page",
    )


def _judge_links(links: list[dict[str, Any]], url: str) -> AuditResult:
    """A link to a recording asks whether its transcript is near, unless the page script found one."""
    review = [
        _node(
            link,
            f"link '{link['text'][:60]}' leads to {link['kind']}: "
            "is a transcript of it on this page or linked from it?",
        )
        for link in links
        if link["evidence"] is None
    ]
    return _verdict(
        url,
        LINK_RULE,
        LINK_WCAG,
        "Links to audio or video have a transcript nearby",
        len(links),
        [],
        review,
        none="no link to audio or video on the page",
        passed="every link to audio or video has a transcript next to it",
        impact="moderate",
    )


@dataclass(slots=True)
class MediaCheck:
    name: str = "media"
    rule_ids: ClassVar[tuple[str, ...]] = RULES  # the rules its results are about

    async def inspect(self, page: Page, url: str) -> list[AuditResult]:
        data = load_data("media.yaml")
        options = {
            "words": [w.lower() for w in data["transcript_words"]],
            "audioExt": data["audio_extensions"],
            "videoExt": data["video_extensions"],
            "linkPatterns": data["media_link_patterns"],
            "cap": _PROBE_CAP,
            "max": _PROBE_MAX,
            "timeout": _PROBE_TIMEOUT_MS,
            "silence": _SILENCE,
        }
        return judge(await page.evaluate(_MEDIA, options), url)


VideoCaptionsCheck = MediaCheck  # the name the suite imports
