"""What detectors read of a page's structure comes from the crawler's one parse (crawler/parse.py) and
survives the store: the page's own headings, the links under each heading or caption, and the blocks
(table rows, list items, articles) that may carry a date."""

from __future__ import annotations

import pytest

import crawler.parse
from crawler.parse import parse_html
from crawler.snapshot import DatedBlock, HeadedLinks, Heading
from storage.digest import digest_fields, snapshot_digest
from tests.rules.helpers import snap

PAGE = "https://gov.example/help.html"
HTML = """<html><body>
<header><h1>Portal</h1><nav><h2>Menu</h2><a href="/a">A</a></nav></header>
<main><h1>Help <svg><title>icon</title></svg></h1>
<section><h2>FAQ</h2><ul><li><a href="/faq.pdf">Questions</a></li><li><a href="#x"> </a></li></ul></section>
<table><caption>Documents</caption>
<tr><td>Annual report 2019</td><td><a href="r.pdf">Download</a></td></tr></table>
<h3></h3>
</main>
<div><h2>Flat one</h2><h2>Flat two</h2><a href="/flat">Flat</a></div>
<footer role="contentinfo"><h2>Contact</h2></footer>
</body></html>"""


def test_headings_of_the_page_s_own_content_in_document_order() -> None:
    headings = parse_html(HTML, PAGE).headings
    # The header's, nav's and footer's headings and an empty one are left out; a caption is kept with its tag.
    assert headings == (
        Heading("h1", "Help icon"),
        Heading("h2", "FAQ"),
        Heading("caption", "Documents"),
        Heading("h2", "Flat one"),
        Heading("h2", "Flat two"),
    )


def test_links_under_a_heading_are_its_section_s_and_a_table_row_names_its_link() -> None:
    headed = {h.heading: h.links for h in parse_html(HTML, PAGE).headed_links}
    assert headed["Menu"] == (("A", "/a"),)  # a heading anywhere, navigation too
    assert headed["FAQ"] == (("Questions", "/faq.pdf"),)  # a link without words is left out
    assert headed["Documents"] == (("Download", "r.pdf"), ("Annual report 2019", "r.pdf"))
    # Two headings in one element: neither has a section of its own.
    assert "Flat one" not in headed and "Flat two" not in headed
    # The h1 of <main> shares its element with the sections' headings.
    assert "Help icon" not in headed


def test_blocks_that_may_carry_a_date_keep_their_text_and_time_elements() -> None:
    html = """<ul><li>No date here</li><li>Consultation: 3 mars 2019</li>
    <li><time datetime="2020-01-05T10:00">Sunday</time> meeting</li><li>Le ²</li></ul>
    <table><tr><td>Health</td><td>05.03.2026</td></tr></table><article>٢٠٢٠</article>"""
    blocks = parse_html(html, PAGE).dated_blocks
    assert blocks == (
        DatedBlock("Consultation: 3 mars 2019"),
        DatedBlock("Sunday meeting", ("2020-01-05",)),
        DatedBlock("Le ²"),  # NFKD reads it as a 2: kept, as the dates are read from folded text
        DatedBlock("Health 05.03.2026"),
        DatedBlock("٢٠٢٠"),
    )


def test_the_structure_survives_the_store_and_an_older_digest_reads_as_none() -> None:
    html = HTML.replace("</main>", '<ul><li><time datetime="2021-02-03">x</time> 4</li></ul></main>')
    page = snap("/help.html", html)
    parsed = parse_html(html, PAGE)
    assert page.headings and page.headed_links and page.dated_blocks
    stored = digest_fields(snapshot_digest(page))
    assert stored["headings"] == parsed.headings
    assert stored["headed_links"] == parsed.headed_links
    assert stored["dated_blocks"] == parsed.dated_blocks
    assert parsed.dated_blocks == (DatedBlock("Annual report 2019 Download"), DatedBlock("x 4", ("2021-02-03",)))
    older = digest_fields({"links": []})
    assert not {"headings", "headed_links", "dated_blocks"} & set(older)


def test_nested_blocks_are_kept_up_to_a_bound_and_the_page_says_what_was_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(crawler.parse, "MAX_STRUCTURE_CHARS", 40)
    items = "<ul>" + "".join(f"<li>Item {i} of a long list</li>" for i in range(10)) + "</ul>"
    files = "<section><h2>Files</h2>" + "".join(f'<a href="/f{i}">File {i} of many</a>' for i in range(10))
    parsed = parse_html(items + files + "</section>", PAGE)
    assert [b.text for b in parsed.dated_blocks] == ["Item 0 of a long list"]
    assert parsed.headed_links == (HeadedLinks("Files", (("File 0 of many", "/f0"), ("File 1 of many", "/f1"))),)
    assert "the headings' links past 40 characters left out" in parsed.cut
    assert "the dated blocks past 40 characters left out" in parsed.cut
    assert parse_html(items, PAGE).cut == "the dated blocks past 40 characters left out"
