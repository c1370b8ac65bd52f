import random
from collections.abc import Callable
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from crawler.urls import BadURL, absolutize, check_start_url, in_scope, origin_of, url_key


@pytest.mark.parametrize("url", ["ftp://gov.example/", "gov.example", "http://", "javascript:alert(1)", ""])
def test_bad_start_urls_are_refused_with_a_hint(url: str) -> None:
    with pytest.raises(BadURL) as info:
        check_start_url(url)
    assert "http" in str(info.value) or "host" in str(info.value)


def test_start_url_loses_its_fragment() -> None:
    assert check_start_url(" https://gov.example/a#top ") == "https://gov.example/a"


def test_absolutize_skips_what_is_never_fetched() -> None:
    base = "https://gov.example/en/index.html"
    assert absolutize("../fr/", base) == "https://gov.example/fr/"
    assert absolutize("#main", base) is None
    assert absolutize("mailto:info@gov.example", base) is None
    assert absolutize("javascript:void(0)", base) is None


def test_spellings_of_one_url_share_a_key() -> None:
    assert url_key("https://GOV.example/a?b=2&a=1#x") == url_key("https://gov.example/a?a=1&b=2")
    assert url_key("https://gov.example/a") != url_key("https://gov.example/b")


def test_scope_includes_subdomains_but_not_lookalikes() -> None:
    hosts = frozenset({"gov.example"})
    assert in_scope("https://www.gov.example/x", hosts)
    assert in_scope("https://gov.example/x", hosts)
    assert not in_scope("https://evilgov.example/x", hosts)
    assert not in_scope("https://gov.example.evil.test/x", hosts)


def test_absolutize_gives_what_urljoin_gives() -> None:
    """The short cut for plain absolute URLs changes nothing: random hrefs of tricky characters
    resolve exactly as urljoin, urldefrag and urlsplit resolve them."""

    def by_the_book(href: str, base: str) -> str | None:
        href = href.strip()
        if not href or href.startswith("#"):
            return None
        url = urldefrag(urljoin(base, href))[0]
        return url if urlsplit(url).scheme in ("http", "https") else None

    def outcome(resolve: Callable[[str, str], str | None], href: str, base: str) -> str | None:
        try:
            return resolve(href, base)
        except ValueError as exc:  # an unclosed IPv6 bracket, for one
            return f"ValueError: {exc}"

    rnd = random.Random(7)
    alphabet = "abcXYZ019.-_~%!$&'()*+,=:@/;?#[] \t\né"
    for _ in range(20_000):
        scheme = rnd.choice(["http://", "https://", "HTTP://", "ftp://", "http:", "", "//", "https:///"])
        href = scheme + "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 25)))
        for base in ("http://gov.example/a/b.html", "https://gov.example/", ""):
            assert outcome(absolutize, href, base) == outcome(by_the_book, href, base), (href, base)


@pytest.mark.parametrize(
    "url",
    ["https://gov.example/a?b#c", "HTTPS://Gov.Example:443/x", "http://user@h:8080", "http://[::1]:80/p", "http://h?q",
     "http://h\t.gov/x", "mailto:x@y", "http:/x", "//h/p", "", " http://h/x"],
)  # fmt: skip
def test_origin_of_is_urlsplits_scheme_and_netloc(url: str) -> None:
    parts = urlsplit(url)
    assert origin_of(url) == f"{parts.scheme}://{parts.netloc}"
