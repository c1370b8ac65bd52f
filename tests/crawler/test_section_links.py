"""Links into a page's own sections ("#faq" to an element id="faq"): kept with their fragment so the
survey detectors see a one-page site's menu or a page's tabs, never followed by the crawler, and stored
and read back with the fragment."""

from __future__ import annotations

from crawler.parse import parse_html
from crawler.snapshot import Link, PageDigest, ScanStatus
from crawler.steps import merge_links
from storage.digest import digest_fields, snapshot_digest
from tests.rules.helpers import snap

PAGE = "https://gov.example/page.html"
HTML = """<html><body><nav>
<a href="#faq">FAQ</a> <a href="#gone">Gone</a> <a href="#">Top</a> <a href="#/route">Route</a>
<a href="#!route">Bang</a> <a href="page.html#contact">Contact</a> <a href="other.html#sec">Other</a>
<a href="page.html#top">Again</a> <a href="#anchor">Anchor</a> <a href="#%C3%A9t%C3%A9">Été</a>
</nav><h2 id="faq">Questions</h2><div id="contact">Write</div><a name="anchor"></a><p id="été">x</p></body></html>"""


def test_a_link_to_a_section_the_page_has_is_kept_with_its_fragment() -> None:
    links = {link.text: link for link in parse_html(HTML, PAGE).links}
    assert links["FAQ"] == Link(PAGE, "FAQ", region="nav", fragment="faq")
    assert links["Contact"].url == PAGE and links["Contact"].fragment == "contact"
    assert links["Anchor"].fragment == "anchor" and links["Été"].fragment == "été"
    # no such section, an empty fragment, a client-side route: nothing to read there
    assert not {"Gone", "Top", "Route", "Bang"} & set(links)
    # a link to another page keeps its fragment; one to the page itself without such a section is as before
    assert links["Other"] == Link("https://gov.example/other.html", "Other", region="nav", fragment="sec")
    assert links["Again"] == Link(PAGE, "Again", region="nav")


def test_section_links_are_not_followed_and_survive_the_store() -> None:
    links = parse_html(HTML, PAGE).links
    page = PageDigest(PAGE, PAGE, 0, ScanStatus.OK, links=links)
    assert {link.text for link in page.section_links} == {"FAQ", "Contact", "Anchor", "Été"}
    assert {link.text for link in page.fetchable_links} == {"Other", "Again"}
    stored = digest_fields(snapshot_digest(snap("/page.html", HTML)))
    assert stored["links"] == links
    assert digest_fields({"links": [[PAGE, "Old", "", "", "nav"]]})["links"] == (Link(PAGE, "Old", region="nav"),)


def test_rendered_and_served_links_merge_by_address_and_section() -> None:
    rendered = (Link(PAGE, "FAQ", fragment="faq"),)
    served = (Link(PAGE, "FAQ", fragment="faq"), Link(PAGE, "Contact", fragment="contact"))
    assert merge_links(rendered, served) == (*rendered, served[1])


def test_the_words_of_a_link_that_leads_nowhere_are_kept_apart_and_survive_the_store() -> None:
    html = HTML.replace(
        '<a name="anchor"></a>', '<a name="anchor"></a><a>Menu</a><a href="javascript:void(0)">Open</a>'
    )
    parsed = parse_html(html, PAGE)
    assert sorted(parsed.placeholder_links) == ["Bang", "Gone", "Menu", "Open", "Route", "Top"]
    assert not set(parsed.placeholder_links) & {link.text for link in parsed.links}
    stored = digest_fields(snapshot_digest(snap("/page.html", html)))
    assert stored["placeholder_links"] == parsed.placeholder_links
    assert "placeholder_links" not in digest_fields({"links": []})  # a digest stored before: the default, ()
