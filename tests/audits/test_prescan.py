"""Static pre-scan candidates: each rule with a snippet it flags and one it leaves alone."""

from __future__ import annotations

import pytest

from audits.prescan import CHECKS, label, prescan, rule_of, rules, tier

# rule id → (failing body, passing body). Bodies go inside a page with lang, so only the rule under test fires.
CASES: dict[str, tuple[str, str]] = {
    "image-alt": ('<img src="a.png">', '<img src="a.png" alt=""><img src="b.png" role="presentation">'),
    "input-image-alt": ('<input type="image" src="go.png">', '<input type="image" src="go.png" alt="Go">'),
    "area-alt": (
        '<map name="m"><area href="/x" coords="0,0,1,1"></map>',
        '<map name="m"><area href="/x" alt="North"></map>',
    ),
    "server-side-image-map": ('<a href="/m"><img src="m.png" alt="Map" ismap></a>', '<img src="m.png" alt="Map">'),
    "object-alt": ('<object data="a.png"></object>', '<object data="a.png" title="Chart of costs"></object>'),
    "role-img-alt": ('<svg role="img"><text>x</text></svg>', '<div role="img" aria-label="Chart"></div>'),
    "link-name": (
        '<a href="/x"><span class="icon"></span></a>',
        '<a href="/x">Read</a><a href="/y" aria-label="Share"></a><a href="/z"><img src="i.png" alt="Home"></a>',
    ),
    "button-name": ('<button class="next"></button>', '<button>Next</button><input type="submit" value="Send">'),
    "progressbar-name": (
        '<div role="progressbar" aria-valuenow="4">4</div>',
        '<div role="progressbar" aria-label="Upload" aria-valuenow="4">4</div>',
    ),
    "label": (
        '<input name="postcode">',
        '<label for="p">Postcode</label><input id="p"><label>Town <input name="t"></label>'
        '<input type="hidden" name="h"><input type="text" aria-label="Search">',
    ),
    "select-name": ("<select name='r'><option>N</option></select>", "<label>Region <select></select></label>"),
    "frame-title": ('<iframe src="/v"></iframe>', '<iframe src="/v" title="Video"></iframe>'),
    "video-caption": (
        '<video src="c.mp4"></video>',
        '<video src="c.mp4"><track kind="captions" src="c.vtt"></video>',
    ),
    "heading-order": ("<h1>a</h1><h2>b</h2><h4>c</h4>", "<h1>a</h1><h2>b</h2><h3>c</h3><h2>d</h2>"),
    "html-has-lang": ("", ""),  # the page's html element: see test_html_without_lang
    "valid-lang": ('<p lang="english">x</p>', '<p lang="fr-CA">x</p>'),
    "td-headers-attr": (
        '<table><tr><th id="k">K</th></tr><tr><td headers="missing">v</td></tr></table>',
        '<table><tr><th id="k">K</th></tr><tr><td headers="k">v</td></tr></table>',
    ),
    "aria-valid-idref": (
        '<input aria-label="q" aria-describedby="nowhere">',
        '<p id="h">Help</p><a href="/" aria-describedby="h">x</a>',
    ),
    "th-has-data-cells": (
        "<table><tr><td>a</td><td>1</td></tr><tr><td>b</td><td>2</td></tr></table>",
        "<table><tr><th>k</th><th>v</th></tr><tr><td>b</td><td>2</td></tr></table>",
    ),
    "duplicate-id": ('<p id="x">a</p><p id="x">b</p>', '<p id="x">a</p><p id="y">b</p>'),
    "tabindex": ('<div tabindex="3">x</div>', '<div tabindex="0">x</div><div tabindex="-1">y</div>'),
    "obsolete-element": ("<marquee>news</marquee>", "<p>news</p>"),
    "meta-refresh": ('<meta http-equiv="refresh" content="60">', '<meta name="description" content="x">'),
    "meta-viewport": (
        '<meta name="viewport" content="width=device-width, user-scalable=no">',
        '<meta name="viewport" content="width=device-width">',
    ),
    "aria-hidden-focus": (
        '<p aria-hidden="true"><a href="/x">more</a></p>',
        '<p aria-hidden="true"><a href="/x" tabindex="-1">more</a></p>',
    ),
    "nested-interactive": (
        '<button>Details <a href="/x">more</a></button>',
        '<button>Details</button><a href="/x"><span>more</span></a>',
    ),
    "list": ("<ul><div>a</div></ul>", "<ul><li>a</li></ul><ol><li>b</li></ol>"),
    "aria-required-parent": (
        '<div class="tabs"><div role="tab">A</div></div>',
        '<div role="tablist"><div role="tab">A</div></div><table><tr role="row"><td>x</td></tr></table>',
    ),
    "component": ('<div class="scroll-box">x</div>', "<div>x</div>"),
    "autocomplete-valid": (
        '<label>ID <input autocomplete="national-id"></label>',
        '<label>Mail <input autocomplete="section-a shipping email"></label>',
    ),
}


def page(body: str) -> str:
    return f'<!doctype html><html lang="en"><head><title>t</title></head><body><main>{body}</main></body></html>'


def test_every_rule_has_a_check_and_a_case() -> None:
    assert set(CASES) == set(rules())
    for rule_id, rule in rules().items():
        assert rule["check"] in CHECKS, rule_id
        assert rule["axe"] and rule["why"], rule_id


@pytest.mark.parametrize("rule_id", sorted(r for r in CASES if r != "html-has-lang"))
def test_rule_flags_the_failing_snippet_only(rule_id: str) -> None:
    failing, passing = CASES[rule_id]
    # Component keys (tier 2) come with any class: leave them out unless the rule under test is theirs.
    wanted = tier(rule_id)

    def keys(html: str) -> set[str]:
        return {k for k in prescan(page(html)) if tier(k) == wanted}

    assert {rule_of(k) for k in keys(failing)} == {rule_id}
    assert keys(passing) == set()


def test_html_without_lang() -> None:
    assert {rule_of(k) for k in prescan("<html><body><p>x</p></body></html>")} == {"html-has-lang"}
    assert prescan(page("<p>x</p>")) == frozenset()


def test_key_is_rule_context_and_dedup_shape() -> None:
    html = page('<div class="article-body"><p><img src="a.png" width="4" height="2"></p></div>')
    assert prescan(html, only={"image-alt"}) == {"image-alt|.article-body|img[height,src,width]"}
    # Generated ids lose their numbers as dedup's selectors do: post-17 and post-18 are one shape.
    assert prescan(page('<div id="post-17"><img src="a.png"></div>')) == prescan(
        page('<div id="post-18"><img src="b.png"></div>')
    )


def test_empty_or_odd_html() -> None:
    assert prescan("") == frozenset()
    assert isinstance(prescan("<p>unclosed <img"), frozenset)


def test_components_are_tier_two_keys_one_per_class() -> None:
    keys = prescan(page('<div class="scroll-box wide"><p class="callout css-1x2y3">x</p></div>'))
    components = sorted(k for k in keys if tier(k) == 2)
    assert components == ["component|div.scroll-box|", "component|div.wide|", "component|p.*|", "component|p.callout|"]
    assert label("component|div.scroll-box|") == "component div.scroll-box"
    assert label("image-alt|main|img[src]") == "image-alt" and tier("image-alt|main|img[src]") == 1
