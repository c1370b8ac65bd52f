"""Links in the HTML we write (reports, dashboard, the web app): only http(s) URLs become links.

Every URL in a report came from a crawled site or its APIs; a `javascript:` or `data:` URL there
would run in the reader's browser if it became an href, so such URLs are shown as text.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from markupsafe import Markup, escape

# The HTML reports carry no script and load nothing: their inline CSS, inline SVG charts and
# data:/same-folder images are all they need. In a <meta> (the file is opened from disk, no server
# sends headers), so frame-ancestors cannot be set here.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'"


def safe_href(url: str | None) -> str | None:
    """An evidence URL fit for an href (http or https with a host), else None."""
    if not url:
        return None
    text = str(url).strip()
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed IPv6 bracket: not a link
        return None
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def link(url: str | None, text: str | None = None) -> Markup:
    """`<a href=url>text</a>` for an http(s) URL; the text alone (escaped) for anything else."""
    label = escape(text if text else (url or ""))
    href = safe_href(url)
    if href is None:
        return Markup('<span class="url">{}</span>').format(label)
    return Markup('<a href="{}">{}</a>').format(href, label)
