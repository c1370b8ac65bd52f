"""A page as the rules read it, to and from JSON: the `PageDigest` fields a visit's columns do not hold.

Stored with each visit so that an unchanged page in a later run, or a resumed run, can be read
again without fetching or rendering it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from crawler.snapshot import (
    MAX_TEXT,
    DatedBlock,
    FormField,
    FormSnapshot,
    HeadedLinks,
    Heading,
    Link,
    PageSnapshot,
)

# The digest's fields, by their `PageDigest` names. `rendered` is written too, for the readers of
# the JSON alone; a `PageDigest` takes it from its visit's column.
FIELDS = (
    "title",
    "language",
    "text",
    "links",
    "placeholder_links",
    "forms",
    "headings",
    "headed_links",
    "dated_blocks",
    "meta",
    "measurements",
)


def _links_to_json(links: Iterable[Link]) -> list[list[str]]:
    # The fragment only when there is one: most links have none, and a stored row of five reads back the same.
    return [_link_to_json(link) for link in links]


def _link_to_json(link: Link) -> list[str]:
    row = [link.url, link.text, link.rel, link.hreflang, link.region]
    return [*row, link.fragment] if link.fragment else row


def _forms_to_json(forms: Iterable[FormSnapshot]) -> list[dict[str, Any]]:
    return [
        {
            "action": f.action,
            "method": f.method,
            "role": f.role,
            "fields": [[x.name, x.type, x.label] for x in f.fields],
        }
        for f in forms
    ]


def _forms_from_json(items: Iterable[dict[str, Any]]) -> tuple[FormSnapshot, ...]:
    return tuple(
        FormSnapshot(f["action"], f["method"], tuple(FormField(*x) for x in f["fields"]), f.get("role", ""))
        for f in items
    )


def _headed_links_to_json(items: Iterable[HeadedLinks]) -> list[list[Any]]:
    return [[item.heading, [list(link) for link in item.links]] for item in items]


def _headed_links_from_json(items: Iterable[list[Any]]) -> tuple[HeadedLinks, ...]:
    return tuple(HeadedLinks(heading, tuple((text, href) for text, href in links)) for heading, links in items)


def _dated_blocks_to_json(blocks: Iterable[DatedBlock]) -> list[list[Any]]:
    # The datetimes only when there are some: most blocks are dated, if at all, in their text.
    return [[block.text, list(block.datetimes)] if block.datetimes else [block.text] for block in blocks]


def _dated_blocks_from_json(items: Iterable[list[Any]]) -> tuple[DatedBlock, ...]:
    return tuple(DatedBlock(item[0], tuple(item[1]) if len(item) > 1 else ()) for item in items)


Convert = Callable[[Any], Any]
# field → (to JSON, from JSON); a field not listed is stored as it is.
_CODECS: Mapping[str, tuple[Convert, Convert]] = {
    "text": (lambda text: text[:MAX_TEXT], str),
    "links": (_links_to_json, lambda items: tuple(Link(*item) for item in items)),
    "placeholder_links": (list, tuple),
    "forms": (_forms_to_json, _forms_from_json),
    "headings": (lambda items: [[h.tag, h.text] for h in items], lambda items: tuple(Heading(*h) for h in items)),
    "headed_links": (_headed_links_to_json, _headed_links_from_json),
    "dated_blocks": (_dated_blocks_to_json, _dated_blocks_from_json),
    "meta": (dict, dict),
    "measurements": (dict, lambda values: {k: float(v) for k, v in values.items()}),
}
_AS_IS: tuple[Convert, Convert] = (str, str)


def snapshot_digest(page: PageSnapshot) -> dict[str, Any]:
    digest = {name: _CODECS.get(name, _AS_IS)[0](getattr(page, name)) for name in FIELDS}
    digest["rendered"] = page.rendered
    return digest


def digest_fields(digest: Mapping[str, Any]) -> dict[str, Any]:
    """The `PageDigest` fields a stored digest holds (one written before a field was has not that one)."""
    return {name: _CODECS.get(name, _AS_IS)[1](digest[name]) for name in FIELDS if name in digest}
