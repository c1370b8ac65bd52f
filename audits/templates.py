"""Template clustering: pages rendered from one template share a DOM shape.

A page's shape is the set of its element paths in the first levels of <body> ("body/header.top/
nav/ul/li"), class names kept and generated ones (with digits) dropped; text, attribute values and
how many times a path repeats (ten news items or twelve) are ignored. Two pages are of one
template when the Jaccard similarity of their path sets reaches a threshold, and so does that of
their main regions (<main> or role=main, its own paths from there down) when both have one: the
header, navigation and footer every page shares can make up most of a page's paths, and on their
own they would make a news listing "similar" to a form. Clustering is greedy against each
cluster's first page: O(pages × clusters), enough for a site's thousands."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

MAX_DEPTH = 6
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "-text", "-comment", "br", "wbr"})
_GENERATED = re.compile(r"\d")
_MAIN = "main, [role=main]"


@dataclass(slots=True)
class Cluster:
    """`urls` in input order; `representative` is the first page, the one a sample audits."""

    id: int
    representative: str
    signature: frozenset[str]
    urls: list[str] = field(default_factory=list)
    main_signature: frozenset[str] | None = None  # its main region's shape, when it has one

    @property
    def size(self) -> int:
        return len(self.urls)


def _label(node: LexborNode) -> str:
    classes = sorted(c for c in (node.attributes.get("class") or "").split() if not _GENERATED.search(c))[:3]
    return (node.tag or "") + "".join("." + c for c in classes)


def _paths(root: LexborNode, label: str, max_depth: int) -> frozenset[str]:
    paths: set[str] = set()
    stack: list[tuple[LexborNode, str, int]] = [(root, label, 0)]
    while stack:
        node, path, depth = stack.pop()
        if depth >= max_depth:
            continue
        for child in node.iter(include_text=False):
            if child.tag in _SKIP:
                continue
            child_path = f"{path}/{_label(child)}"
            paths.add(child_path)
            stack.append((child, child_path, depth + 1))
    return frozenset(paths)


def shape(html: str, max_depth: int = MAX_DEPTH) -> frozenset[str]:
    """The set of element paths under <body>, down to `max_depth` levels."""
    return shapes(html, max_depth)[0]


def shapes(html: str, max_depth: int = MAX_DEPTH) -> tuple[frozenset[str], frozenset[str] | None]:
    """The page's shape, and its main region's (paths under <main> or role=main; None without one)."""
    tree = LexborHTMLParser(html)
    body = tree.body
    if body is None:
        return frozenset(), None
    main = body.css_first(_MAIN)
    return _paths(body, "body", max_depth), (_paths(main, "main", max_depth) if main is not None else None)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def similarity(
    page: frozenset[str], main: frozenset[str] | None, other: frozenset[str], other_main: frozenset[str] | None
) -> float:
    """Of the whole pages, and of their main regions when both have one: the lower of the two."""
    score = jaccard(page, other)
    if main is not None and other_main is not None:
        score = min(score, jaccard(main, other_main))
    return score


def cluster(pages: Sequence[tuple[str, str]], *, threshold: float = 0.6) -> list[Cluster]:
    """Group `(url, html)` pages by template; the largest clusters first."""
    clusters: list[Cluster] = []
    for url, html in pages:
        signature, main = shapes(html)
        best, best_score = None, threshold
        for candidate in clusters:
            score = similarity(signature, main, candidate.signature, candidate.main_signature)
            if score >= best_score:
                best, best_score = candidate, score
        if best is None:
            best = Cluster(id=len(clusters), representative=url, signature=signature, main_signature=main)
            clusters.append(best)
        best.urls.append(url)
    return sorted(clusters, key=lambda c: (-c.size, c.id))


def template_of(clusters: Sequence[Cluster]) -> dict[str, int]:
    """url → cluster id, for storing next to each page."""
    return {url: c.id for c in clusters for url in c.urls}
