"""URL normalisation and scope. De-duplication keys come from w3lib, not hand-written rules."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urldefrag, urljoin, urlsplit

from w3lib.url import canonicalize_url

FETCHABLE_SCHEMES = frozenset({"http", "https"})


class BadURL(ValueError):
    """A URL the crawler cannot use, with a message a person can act on."""


def check_start_url(url: str) -> str:
    """Validate a URL typed by a user; return it without its fragment."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port  # urlsplit checks the port only when asked
    except ValueError as exc:  # an unclosed IPv6 bracket, a port out of 0-65535
        raise BadURL(f"{url!r} is not a valid URL: {exc}.") from None
    if parts.scheme not in FETCHABLE_SCHEMES:
        raise BadURL(f"{url!r} is not an http(s) URL (write it as https://example.gov/).")
    if not parts.hostname:
        raise BadURL(f"{url!r} has no host name.")
    if port == 0:
        raise BadURL(f"{url!r}: port 0 cannot be fetched.")
    if parts.username is not None or parts.password is not None:
        # Refused, not stripped: a URL is stored and reported in many places (run, pages, statement,
        # every report format), and the message must not repeat the secret either.
        redacted = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
        raise BadURL(
            f"{redacted} was given with a user name or password in it: start URLs must not carry credentials "
            "(they would be stored and printed in every report). Give the URL without them."
        )
    return urldefrag(url.strip())[0]


# An absolute http(s) URL that urljoin, urldefrag and urlsplit give back as it is: a lower-case
# scheme, an ASCII authority without brackets, and nothing they split off or clean up (no ? # ;,
# no whitespace or control characters). Most sitemap entries and many links are such URLs, and
# resolving one costs five parses.
_PLAIN_ABSOLUTE = re.compile(r"https?://[A-Za-z0-9.\-_~%!$&'()*+,=:@]+(?:/[A-Za-z0-9.\-_~%!$&'()*+,=:@/]*)?")


def absolutize(href: str, base_url: str) -> str | None:
    """Resolve a link; None for links the crawler never follows (mailto:, javascript:, …)."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    if _PLAIN_ABSOLUTE.fullmatch(href):
        return href
    url = urldefrag(urljoin(base_url, href))[0]
    return url if urlsplit(url).scheme in FETCHABLE_SCHEMES else None


# Bounded: the same URL is keyed again for every page that links to it (a site's navigation is
# on every page), and canonicalisation costs far more than a lookup; ~1 MB at most.
@lru_cache(maxsize=4096)
def url_key(url: str) -> str:
    """The key under which two spellings of one URL count as one page."""
    return canonicalize_url(url)


# The scheme and authority: all that decides a URL's host (urlsplit ends the authority at the
# first / ? or #, as this does), so the host is looked up once per authority, not once per link.
_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")


@lru_cache(maxsize=1024)
def _host_of_authority(authority: str) -> str:
    return (urlsplit(authority).hostname or "").lower()


def host_of(url: str) -> str:
    match = _AUTHORITY.match(url)
    if match is None:
        return (urlsplit(url).hostname or "").lower()
    return _host_of_authority(match.group())


@lru_cache(maxsize=1024)
def _origin_of_authority(authority: str) -> str:
    parts = urlsplit(authority)
    return f"{parts.scheme}://{parts.netloc}"


def origin_of(url: str) -> str:
    """scheme://netloc, as urlsplit reads them: looked up once per authority (robots.txt is asked
    for every URL), like `host_of`."""
    match = _AUTHORITY.match(url)
    if match is None:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"
    return _origin_of_authority(match.group())


def in_scope(url: str, hosts: frozenset[str]) -> bool:
    """A URL is in scope when its host is one of the site's hosts or a subdomain of one."""
    host = host_of(url)
    return any(host == h or host.endswith("." + h) for h in hosts)
