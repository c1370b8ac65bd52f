"""Refuse to connect to private, loopback, link-local or multicast addresses (SSRF guard)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass, field
from urllib.parse import SplitResult


class BlockedAddress(Exception):
    """The host resolves to an address this crawl is not allowed to reach."""


class UnresolvableHost(Exception):
    """DNS has no address for the host."""


def port_of(parts: SplitResult) -> int:
    """The port a URL connects to: the one written, else its scheme's (443 for https, 80 otherwise)."""
    return parts.port or (443 if parts.scheme == "https" else 80)


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


@dataclass
class AddressGuard:
    """Checks a host after DNS resolution. `allowed_hosts` are hosts the user named explicitly
    (a start URL on a dev server) or the site's configuration allows; `allow_private` lifts the
    check for the whole crawl (tests serving fixtures on 127.0.0.1)."""

    allowed_hosts: frozenset[str] = frozenset()
    allow_private: bool = False
    _cache: dict[str, list[str]] = field(default_factory=dict)

    async def check(self, host: str, port: int) -> None:
        if self.allow_private or host in self.allowed_hosts:
            return
        addresses = self._cache.get(host)
        if addresses is None:
            loop = asyncio.get_running_loop()
            try:
                infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except socket.gaierror as exc:
                raise UnresolvableHost(f"cannot resolve {host}: {exc.strerror}") from exc
            addresses = sorted({info[4][0] for info in infos})
            self._cache[host] = addresses
        blocked = [a for a in addresses if not is_public(a)]
        if blocked:
            raise BlockedAddress(f"{host} resolves to non-public address {blocked[0]}")

    def resolved(self, host: str) -> list[str] | None:
        """The addresses `check` resolved `host` to and found public (None if it did not resolve it):
        whoever connects after the check connects to these, not to a second, possibly different, answer."""
        return self._cache.get(host)
