"""A page read back from the store (`PageDigest`) is its own type: what reads it cannot take it for a
page with its markup, and the type checker says so."""

from __future__ import annotations

import dataclasses
import tempfile
import textwrap
from pathlib import Path

from mypy import api

from crawler.snapshot import Link, PageContent, PageDigest, PageSnapshot, ScanStatus

ROOT = Path(__file__).resolve().parents[2]


def test_a_digest_has_no_markup_and_gets_it_back_only_when_served() -> None:
    digest = PageDigest(
        "https://gov.example/",
        "https://gov.example/en/",
        0,
        ScanStatus.OK,
        headers={"content-type": "text/html"},
        content_type="text/html",
        rendered=True,
        title="Home",
        text="Welcome",
        links=(Link("https://gov.example/a", "A"), Link("mailto:x@gov.example", "mail")),
    )
    assert not hasattr(digest, "html") and not hasattr(digest, "dom")
    assert digest.rendered and digest.ok and digest.readable and digest.is_html
    assert digest.header("Content-Type") == "text/html"
    assert digest.fetchable_links == (Link("https://gov.example/a", "A"),)
    served = digest.served("<p>Welcome</p>")
    assert isinstance(served, PageSnapshot) and served.html == "<p>Welcome</p>" and served.dom is None
    kept = {f.name for f in dataclasses.fields(PageDigest)} - {"rendered"}
    assert {name: getattr(served, name) for name in kept} == {name: getattr(digest, name) for name in kept}
    pages: list[PageContent] = [digest, served]
    assert [p.final_url for p in pages] == ["https://gov.example/en/"] * 2


def test_the_type_checker_refuses_markup_read_from_a_page_that_may_be_a_digest() -> None:
    program = textwrap.dedent(
        """
        from crawler.snapshot import PageContent, PageDigest, PageSnapshot, ScanStatus

        def title(page: PageContent) -> str:
            return page.title

        digest = PageDigest("u", "u", 0, ScanStatus.OK)
        snapshot = PageSnapshot("u", "u", 0, ScanStatus.OK, html="<p></p>")
        title(digest)
        title(snapshot)
        snapshot.html

        def markup(page: PageContent) -> str:
            return page.html
        digest.dom
        """
    )
    with tempfile.TemporaryDirectory() as work:
        source, config = Path(work, "reader.py"), Path(work, "mypy.ini")
        source.write_text(program)
        config.write_text(f"[mypy]\nmypy_path = {ROOT}\n")
        out, _, status = api.run(["--config-file", str(config), "--cache-dir", work, "--no-error-summary", str(source)])
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert status == 1
    assert len(errors) == 2, out
    assert '"PageContent" has no attribute "html"' in errors[0]
    assert '"PageDigest" has no attribute "dom"' in errors[1]
