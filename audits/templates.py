"""Template clustering: pages rendered from one template share a DOM shape.

A page's shape is the set of its element paths in the first levels of <body> ("body/header.top/
nav/ul/li"), class names kept and generated ones (with digits) dropped; text, attribute values and
how many times a path repeats (ten news items or twelve) are ignored. Two pages are of one
template when the Jaccard similarity of their path sets reaches a threshold. Clustering is
greedy against each cluster's first page: O(pages × clusters), enough for a site's thousands."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

MAX_DEPTH = 6
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "-text", "-comment", "br", "wbr"})
_GENERATED = re.compile(r"\d")


@dataclass(slots=True)
class Cluster:
    """`urls` in input order; `representative` is the first page, the one a sample audits."""

    id: int
    representative: str
    signature: frozenset[str]
    urls: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.urls)


def _label(node: LexborNode) -> str:
    classes = sorted(c for c in (node.attributes.get("class") or "").split() if not _GENERATED.search(c))[:3]
    return node.tag + "".join("." + c for c in classes)


def shape(html: str, max_depth: int = MAX_DEPTH) -> frozenset[str]:
    """The set of element paths under <body>, down to `max_depth` levels."""
    body = LexborHTMLParser(html).body
    if body is None:
        return frozenset()
    paths: set[str] = set()
    stack: list[tuple[LexborNode, str, int]] = [(body, "body", 0)]
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


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def cluster(pages: Sequence[tuple[str, str]], *, threshold: float = 0.6) -> list[Cluster]:
    """Group `(url, html)` pages by template; the largest clusters first."""
    clusters: list[Cluster] = []
    for url, html in pages:
        signature = shape(html)
        best, best_score = None, threshold
        for candidate in clusters:
            score = jaccard(signature, candidate.signature)
            if score >= best_score:
                best, best_score = candidate, score
        if best is None:
            best = Cluster(id=len(clusters), representative=url, signature=signature)
            clusters.append(best)
        best.urls.append(url)
    return sorted(clusters, key=lambda c: (-c.size, c.id))


def template_of(clusters: Sequence[Cluster]) -> dict[str, int]:
    """url → cluster id, for storing next to each page."""
    return {url: c.id for c in clusters for url in c.urls}
