import pytest

from crawler.urls import BadURL, absolutize, check_start_url, in_scope, url_key


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
