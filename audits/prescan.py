"""Static pre-scan of served HTML: "problem shapes" a browser audit would likely report, found without a browser.

The sample (audits/sampling.py) uses them the way a human auditor picks pages: besides the structural,
template and random pages, it adds pages until every distinct candidate shape is in the sample, since
per-page content problems (an image without alt, an empty link) sit on 1–3 pages a random share misses.

A key is `rule|context|shape`: the candidate rule (audits/data/prescan_rules.yaml), where the element sits
(its nearest landmark, id or class ancestor, normalised as audits/dedup.py normalises selectors) and its
shape (dedup's `snippet_shape`: tag and sorted attribute names). Keys are candidates, never findings.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from audits.checks.common import load_data
from audits.dedup import normalise_selector, snippet_shape

Rule = Mapping[str, Any]
Check = Callable[[LexborHTMLParser, Rule], Iterator[LexborNode]]
_LANDMARKS = frozenset({"header", "nav", "main", "footer", "aside", "form", "article", "table", "figure", "section"})
_NAMING_ATTRIBUTES = ("aria-label", "aria-labelledby", "title")
_SPACE = re.compile(r"\s+")


@cache
def rules() -> dict[str, Rule]:
    loaded: dict[str, Rule] = load_data("prescan_rules.yaml")
    return loaded


# --- helpers -------------------------------------------------------------------------------------------------


def _has_name_attribute(node: LexborNode) -> bool:
    return any((node.attributes.get(a) or "").strip() for a in _NAMING_ATTRIBUTES)


def _text(node: LexborNode) -> str:
    return _SPACE.sub("", node.text(deep=True) or "")


def _accessible_text(node: LexborNode, *, value_counts: bool = False) -> bool:
    """Text, a named descendant image or a naming attribute: what gives a link or button a name."""
    if _has_name_attribute(node) or _text(node):
        return True
    if value_counts and (node.attributes.get("value") or "").strip():
        return True
    return any((img.attributes.get("alt") or "").strip() for img in node.css("img[alt]"))


def _ids(tree: LexborHTMLParser) -> Counter[str]:
    return Counter(n.attributes.get("id") or "" for n in tree.css("[id]"))


# --- checks (named by `check` in the data file) ---------------------------------------------------------------


def missing_attribute(tree: LexborHTMLParser, rule: Rule) -> Iterator[LexborNode]:
    """Everything the rule's selector matches is a candidate (the selector says what is missing)."""
    yield from tree.css(rule["selector"])


def present(tree: LexborHTMLParser, rule: Rule) -> Iterator[LexborNode]:
    yield from tree.css(rule["selector"])


def no_name(tree: LexborHTMLParser, rule: Rule) -> Iterator[LexborNode]:
    for node in tree.css(rule["selector"]):
        if node.attributes.get("aria-hidden") == "true":
            continue
        if rule.get("text_counts", True):
            named = _accessible_text(node, value_counts=rule.get("value_counts", False))
        else:
            named = _has_name_attribute(node)
        if not named:
            yield node


def unlabelled_field(tree: LexborHTMLParser, rule: Rule) -> Iterator[LexborNode]:
    skip = frozenset(rule.get("skip_types", ()))
    labelled = {n.attributes.get("for") for n in tree.css("label[for]")}
    for node in tree.css(rule["selector"]):
        if (node.attributes.get("type") or "text").lower() in skip or _has_name_attribute(node):
            continue
        if node.attributes.get("id") in labelled or _ancestor(node, lambda a: a.tag == "label") is not None:
            continue
        yield node


def missing_child(tree: LexborHTMLParser, rule: Rule) -> Iterator[LexborNode]:
    for node in tree.css(rule["selector"]):
        if node.css_first(rule["child"]) is None:
            yield node


def skipped_heading(tree: LexborHTMLParser, rule: Rule) -> Iterator[LexborNode]:
    previous = 0
    for node in tree.css("h1, h2, h3, h4, h5, h6"):
        level = int((node.tag or "h0")[1])
        if previous and level > previous + 1:
            yield node
        previous = level


def html_lang(tree: LexborHTMLParser, rule: Rule) -> Iterator[LexborNode]:
    html = tree.css_first("html")
    if html is not None and not (html.attributes.get("lang") or html.attributes.get("xml:lang") or "").strip():
        yield html


def bad_lang(tree: LexborHTMLParser, rule: Rule) -> Iterator[LexborNode]:
    pattern = re.compile(rule["pattern"])
    for node in tree.css(rule["selector"]):
        value = (node.attributes.get("lang") or "").strip()
        if value and not pattern.match(value):
            yield node


def broken_idrefs(tree: LexborHTMLParser, rule: Rule) -> Iterator[LexborNode]:
    ids = _ids(tree)
    names = rule.get("attributes") or [rule["attribute"]]
    for node in tree.css(rule["selector"]):
        refs = [r for name in names for r in (node.attributes.get(name) or "").split()]
        if any(r not in ids for r in refs):
            yield node


def table_without_headers(tree: LexborHTMLParser, rule: Rule) -> Iterator[LexborNode]:
    """A table of data (two rows or more of several cells) with no th and no role: layout or unlabelled data."""
    for node in tree.css(rule["selector"]):
        if node.attributes.get("role") in ("presentation", "none") or node.css_first("th") is not None:
            continue
        rows = [r for r in node.css("tr") if len(r.css("td")) > 1]
        if len(rows) > 1:
            yield node


def duplicate_id(tree: LexborHTMLParser, rule: Rule) -> Iterator[LexborNode]:
    repeated = {i for i, n in _ids(tree).items() if n > 1 and i}
    seen: set[str] = set()
    for node in tree.css("[id]"):
        value = node.attributes.get("id") or ""
        if value in repeated and value not in seen:
            seen.add(value)
            yield node


def positive_tabindex(tree: LexborHTMLParser, rule: Rule) -> Iterator[LexborNode]:
    for node in tree.css(rule["selector"]):
        value = (node.attributes.get("tabindex") or "").strip()
        if value.lstrip("+").isdigit() and int(value) > 0:
            yield node


def hidden_focusable(tree: LexborHTMLParser, rule: Rule) -> Iterator[LexborNode]:
    for node in tree.css(rule["selector"]):
        focusable = [n for n in node.css(rule["focusable"]) if n.attributes.get("tabindex") != "-1"]
        if focusable:
            yield focusable[0]


def nested_interactive(tree: LexborHTMLParser, rule: Rule) -> Iterator[LexborNode]:
    for node in tree.css(rule["selector"]):
        # css() matches the node itself too: only what is inside counts.
        if any(inner.mem_id != node.mem_id for inner in node.css(rule["focusable"])):
            yield node


def bad_list_children(tree: LexborHTMLParser, rule: Rule) -> Iterator[LexborNode]:
    allowed = frozenset(rule["allowed"])
    for node in tree.css(rule["selector"]):
        if node.attributes.get("role"):
            continue  # a role changes what the list may hold; leave it to axe
        if any(child.tag not in allowed for child in node.iter(include_text=False)):
            yield node


def missing_ancestor(tree: LexborHTMLParser, rule: Rule) -> Iterator[LexborNode]:
    parents: Mapping[str, list[str]] = rule["parents"]
    native_parents = {"row": "table", "listitem": "ul"}  # native elements that carry the parent role
    for node in tree.css(rule["selector"]):
        role = node.attributes.get("role") or ""
        wanted, native = frozenset(parents.get(role, ())), native_parents.get(role)

        def is_parent(a: LexborNode, wanted: frozenset[str] = wanted, native: str | None = native) -> bool:
            return a.attributes.get("role") in wanted or a.tag == native

        if _ancestor(node, is_parent) is None:
            yield node


def bad_autocomplete(tree: LexborHTMLParser, rule: Rule) -> Iterator[LexborNode]:
    tokens = frozenset(rule["tokens"])
    for node in tree.css(rule["selector"]):
        words = (node.attributes.get("autocomplete") or "").lower().split()
        if words and any(w not in tokens and not w.startswith("section-") for w in words):
            yield node


CHECKS: dict[str, Check] = {
    f.__name__: f
    for f in (
        missing_attribute, present, no_name, unlabelled_field, missing_child, skipped_heading, html_lang, bad_lang,
        broken_idrefs, table_without_headers, duplicate_id, positive_tabindex, hidden_focusable, nested_interactive,
        bad_list_children, missing_ancestor, bad_autocomplete,
    )
}  # fmt: skip


# --- keys ----------------------------------------------------------------------------------------------------


def _ancestor(node: LexborNode, wanted: Callable[[LexborNode], bool]) -> LexborNode | None:
    parent = node.parent
    while parent is not None and parent.tag not in ("html", "-document"):
        if wanted(parent):
            return parent
        parent = parent.parent
    return None


def _token(node: LexborNode) -> str:
    """How a selector would name this ancestor: #id, else .first-class, else its landmark tag."""
    if node.attributes.get("id"):
        return "#" + (node.attributes.get("id") or "")
    classes = (node.attributes.get("class") or "").split()
    return "." + classes[0] if classes else (node.tag or "")


def context(node: LexborNode) -> str:
    """The nearest ancestor with an id, class or landmark role: where on the page the element is."""
    found = _ancestor(node, lambda a: bool(a.attributes.get("id") or a.attributes.get("class")) or a.tag in _LANDMARKS)
    return normalise_selector(_token(found)) if found is not None else "body"


def shape(node: LexborNode) -> str:
    """dedup's snippet shape, read from the parsed element rather than from its (possibly long) HTML."""
    return snippet_shape("<" + (node.tag or "") + "".join(f" {name}" for name in node.attributes) + ">")


def prescan(html: str, only: Iterable[str] | None = None) -> frozenset[str]:
    """The candidate keys of one page's served HTML (`only`: a subset of rule ids)."""
    if not html:
        return frozenset()
    tree = LexborHTMLParser(html)
    keys: set[str] = set()
    for rule_id, rule in rules().items():
        if only is not None and rule_id not in only:
            continue
        for node in CHECKS[rule["check"]](tree, rule):
            if rule.get("key") == "class":
                # Generated classes (css-1x2y3z) lose their digits, so they do not count as new components.
                classes = (node.attributes.get("class") or "").split()
                keys.update(f"{rule_id}|{normalise_selector((node.tag or '') + '.' + c)}|" for c in classes)
            else:
                keys.add(f"{rule_id}|{context(node)}|{shape(node)}")
    return frozenset(keys)


def rule_of(key: str) -> str:
    return key.split("|", 1)[0]


def tier(key: str) -> int:
    """1: a likely problem; 2: covered only after tier 1 (a component not seen yet)."""
    return int(rules().get(rule_of(key), {}).get("tier", 1))


def label(key: str) -> str:
    """How a sample reason names the key: its rule, and the component for class keys."""
    rule_id, where, _ = key.split("|", 2)
    return f"{rule_id} {where}" if rules().get(rule_id, {}).get("key") == "class" else rule_id
