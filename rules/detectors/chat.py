"""Chat on the portal: OSI #009 / LOSI #270a live chat with a person, OSI #09a / LOSI #270b an AI
chatbot. A widget shows in the markup (script and iframe hosts, DOM fingerprints from
rules/signals/chat_widgets.yaml), so pages are read at page level; the site level says "absent"
when no page linked to a chat either (the decider prefers any page's sighting)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar

from crawler.snapshot import PageContent
from rules.detectors.common import concept_links, host_matches, signals
from rules.findings import ABSENT, PRESENT
from rules.lexicon import Lexicons
from rules.module import Observation, PageView, RuleModule, SiteView, evidence_from

_SRC = re.compile(r"""<(?:script|iframe)\b[^>]*\bsrc\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


class _ChatRule(RuleModule):
    kind: ClassVar[str]  # key in chat_widgets.yaml and lexicon concept

    def check_page(self, page: PageView, lexicons: Lexicons) -> Iterable[Observation]:
        snap = page.snapshot
        markup = snap.dom or snap.html
        if not snap.ok or not markup:
            return ()
        data = signals("chat_widgets")[self.kind]
        for src in _SRC.findall(markup):
            if not src.startswith(("http://", "https://", "//")):
                continue  # the portal's own scripts: recognised by their fingerprints below
            if host := host_matches(src if src.startswith("http") else "https:" + src, data["hosts"]):
                return [self._seen(snap, src, f"A {host} chat widget is loaded")]
        for mark in data.get("fingerprints", ()):
            if mark in markup:
                return [self._seen(snap, mark, f"The page carries the chat widget marker '{mark}'")]
        return ()

    def _seen(self, snap: PageContent, quote: str, note: str) -> Observation:
        return Observation(PRESENT, 0.85, (evidence_from(snap, quote=quote),), note + ".")

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        pages = site.ok_pages()
        if not pages:
            return []
        links = concept_links(site, self.concept, limit=1)
        if links:
            found = links[0]
            return [
                Observation(
                    PRESENT,
                    0.75,
                    (evidence_from(found.page, quote=f"{found.link.text} → {found.link.url}"),),
                    f"A link reads '{found.link.text}'.",
                )
            ]
        return [
            Observation(
                ABSENT,
                0.75,
                (evidence_from(pages[0]),),
                f"No chat link on {len(pages)} pages (widgets are looked for in each page's markup).",
            )
        ]

    @property
    def concept(self) -> str:
        return self.kind


class LiveChatRule(_ChatRule):
    id = "live-chat"
    version = "1.0"
    title = "Live chat with a person"
    informs = {"OSI-2024": ("009",), "LOSI-2024": ("270a",)}
    kind = "live_chat"


class ChatbotRule(_ChatRule):
    id = "chatbot"
    version = "1.0"
    title = "AI chatbot"
    informs = {"OSI-2024": ("09a",), "LOSI-2024": ("270b",)}
    kind = "chatbot"
