"""Pages from three templates, with varied text and list lengths, fall into three clusters."""

from __future__ import annotations

import random

from audits.templates import cluster, jaccard, shape, template_of

CHROME_TOP = (
    '<header class="site-header"><a class="logo" href="/">Ministry</a><nav class="main-nav"><ul>'
    '<li><a href="/a">Services</a></li><li><a href="/b">News</a></li>'
    '<li><a href="/c">Contact</a></li></ul></nav></header>'
)
CHROME_BOTTOM = (
    '<footer class="site-footer"><p>© Ministry</p><ul class="legal"><li><a href="/l">Legal</a></li></ul></footer>'
)


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(["permit", "tax", "health", "school", "road", "water", "id", "vote"]) for _ in range(n))


def article(rng: random.Random, i: int) -> str:
    paragraphs = "".join(f"<p>{words(rng, 30)}</p>" for _ in range(rng.randint(2, 8)))
    return (
        '<main class="article"><nav class="breadcrumb"><ol><li><a href="/">Home</a></li>'
        f"<li>{words(rng, 2)}</li></ol></nav>"
        f'<article id="post-{i}"><h1>{words(rng, 4)}</h1><p class="meta"><time>2024</time></p>{paragraphs}'
        f'<figure><img src="/i{i}.jpg" alt="{words(rng, 3)}"><figcaption>{words(rng, 5)}</figcaption></figure>'
        '</article><aside class="related"><h2>Related</h2><ul><li><a href="/r">x</a></li></ul></aside></main>'
    )


def listing(rng: random.Random, i: int) -> str:
    items = "".join(
        f'<li class="result"><h3><a href="/n{k}">{words(rng, 5)}</a></h3>'
        f'<p>{words(rng, 12)}</p><span class="date">d</span></li>'
        for k in range(rng.randint(5, 15))
    )
    return (
        f'<main class="listing"><h1>{words(rng, 2)}</h1><form class="filters" role="search"><label>Q<input name="q">'
        f'</label><select name="s"><option>a</option></select><button>Filter</button></form>'
        f'<ul class="results">{items}</ul><nav class="pagination"><a href="?p={i + 1}">Next</a></nav></main>'
    )


def form(rng: random.Random, i: int) -> str:
    fields = "".join(
        f'<div class="field"><label for="f{k}">{words(rng, 2)}</label><input id="f{k}" name="f{k}">'
        f'<p class="hint">{words(rng, 6)}</p></div>'
        for k in range(rng.randint(3, 9))
    )
    return (
        f'<main class="apply"><h1>{words(rng, 3)}</h1><div class="steps"><ol><li>1</li><li>2</li><li>3</li></ol></div>'
        f'<form method="post"><fieldset><legend>{words(rng, 3)}</legend>{fields}</fieldset>'
        '<div class="actions"><button type="submit">Send</button><a class="cancel" href="/">Cancel</a></div>'
        "</form></main>"
    )


def site(seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    pages = []
    for i in range(10):
        for name, make in (("article", article), ("listing", listing), ("form", form)):
            html = f"<!doctype html><html><body>{CHROME_TOP}{make(rng, i)}{CHROME_BOTTOM}</body></html>"
            pages.append((f"https://gov.example/{name}/{i}", html))
    rng.shuffle(pages)
    return pages


def test_three_templates_make_three_clusters() -> None:
    clusters = cluster(site())
    assert [c.size for c in clusters] == [10, 10, 10]
    for c in clusters:
        kinds = {url.split("/")[3] for url in c.urls}
        assert len(kinds) == 1, kinds  # every cluster is one template
        assert c.representative == c.urls[0]
    assert len(set(template_of(clusters).values())) == 3


def test_text_and_repetition_do_not_change_the_shape() -> None:
    rng = random.Random(1)
    a, b = shape(listing(rng, 1)), shape(listing(rng, 2))
    assert a == b
    assert jaccard(shape(article(rng, 1)), shape(form(rng, 1))) < 0.3


def test_a_strict_threshold_splits_and_a_loose_one_merges() -> None:
    pages = site()
    assert len(cluster(pages, threshold=1.01)) == 30  # nothing is identical enough
    assert len(cluster(pages, threshold=0.0)) == 1


def test_shared_chrome_does_not_merge_templates() -> None:
    """A big header and footer on every page, and a near-empty page (a site map) met first: its shape is mostly
    chrome, and on whole pages alone a listing and a form are "similar" to it. Their main regions are not."""
    rng = random.Random(3)
    menu = "".join(
        f'<li class="menu-item"><a href="/m{k}">{words(rng, 2)}</a><ul class="sub"><li><a>x</a></li></ul></li>'
        for k in range(8)
    )
    top = (
        '<header class="site-header"><div class="brand"><a class="logo" href="/"><img src="/l.png" alt="x"></a>'
        f'<form class="search" role="search"><input name="q"><button>Go</button></form></div><nav class="mega">'
        f'<ul class="menu">{menu}</ul></nav></header>'
        '<nav class="breadcrumb"><ol><li><a href="/">Home</a></li></ol></nav>'
    )
    bottom = (
        '<footer class="site-footer"><div class="cols"><div class="col"><h2>About</h2><ul><li><a>a</a></li></ul></div>'
        '</div><div class="social"><a class="fb"></a></div><p class="legal">©</p></footer>'
    )

    def page(main: str) -> str:
        return f"<!doctype html><html><body>{top}<main>{main}</main>{bottom}</body></html>"

    sitemap = page(f"<h1>Site map</h1><ul><li><a>{words(rng, 3)}</a></li></ul>")
    pages = [("https://gov.example/sitemap", sitemap)]
    for i in range(10):
        for name, make in (("article", article), ("listing", listing), ("form", form)):
            body = make(rng, i).removeprefix('<main class="' + name + '">').removeprefix('<main class="apply">')
            pages.append((f"https://gov.example/{name}/{i}", page(body.removesuffix("</main>"))))
    whole = {url.split("/")[3]: shape(html) for url, html in pages[:4]}
    assert jaccard(whole["sitemap"], whole["form"]) >= 0.6  # the chrome alone makes them look alike
    clusters = cluster(pages)
    assert sorted(c.size for c in clusters) == [1, 10, 10, 10]
    for c in clusters:
        assert len({url.split("/")[3] for url in c.urls}) == 1, [c.urls[:3] for c in clusters]
