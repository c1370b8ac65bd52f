"""A page as the rules read it, to and from JSON: links, forms, text, meta, measurements.

Stored with each visit so that an unchanged page in a later run, or a resumed run, can be read
again without fetching or rendering it.
"""

from __future__ import annotations

from typing import Any

from crawler.snapshot import FormField, FormSnapshot, Link, PageSnapshot, ScanStatus

MAX_TEXT = 20_000  # enough for every detector's look at a page; bounds the row size


def snapshot_digest(snap: PageSnapshot) -> dict[str, Any]:
    return {
        "title": snap.title,
        "language": snap.language,
        "text": snap.text[:MAX_TEXT],
        "links": [[link.url, link.text, link.rel, link.hreflang, link.region] for link in snap.links],
        "forms": [
            {
                "action": f.action,
                "method": f.method,
                "role": f.role,
                "fields": [[x.name, x.type, x.label] for x in f.fields],
            }
            for f in snap.forms
        ],
        "meta": dict(snap.meta),
        "measurements": dict(snap.measurements),
        "rendered": snap.rendered,
    }


def snapshot_from_digest(digest: dict[str, Any], **fields: Any) -> PageSnapshot:
    """A light snapshot (no markup) from a digest plus the visit's own columns in `fields`."""
    fields.setdefault("status", ScanStatus.OK)
    return PageSnapshot(
        title=digest.get("title", ""),
        language=digest.get("language", ""),
        text=digest.get("text", ""),
        links=tuple(Link(*item) for item in digest.get("links", [])),
        forms=tuple(
            FormSnapshot(
                action=f["action"],
                method=f["method"],
                role=f.get("role", ""),
                fields=tuple(FormField(*x) for x in f["fields"]),
            )
            for f in digest.get("forms", [])
        ),
        meta=dict(digest.get("meta", {})),
        measurements={k: float(v) for k, v in digest.get("measurements", {}).items()},
        **fields,
    )
