"""Sign-in rate limits that slow an attacker without locking out the owner.

Failures are counted per account and address, per address (any account) and per account (from
anywhere). Past a threshold each further try waits twice as long as the last (from one minute up
to the window), never a hard lock. The per-account limit, which an attacker rotating addresses
would otherwise use to lock anyone out, spares the addresses the account has signed in from
before; an administrator can clear the count (`govaudit users unlock NAME`).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage import Store, web_sessions
from storage.models import utcnow

WINDOW = timedelta(minutes=15)
KNOWN_ADDRESS_FOR = timedelta(days=30)
FREE_PER_PAIR = 5  # account and address
FREE_PER_ADDRESS = 20  # an office may share one address
FREE_PER_ACCOUNT = 50  # from every address together
FIRST_WAIT_S = 60.0


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    retry_after_s: int = 0


def _wait(failures: int, free: int, last: datetime | None, now: datetime) -> float:
    """Seconds still to wait in one scope: none below `free` failures, then 1, 2, 4 … minutes after
    the last failure, capped at the window."""
    if failures < free or last is None:
        return 0.0
    backoff = min(FIRST_WAIT_S * 2 ** (failures - free), WINDOW.total_seconds())
    return max(0.0, (last + timedelta(seconds=backoff) - now).total_seconds())


def check(store: Store, name: str, address: str) -> Verdict:
    now = utcnow()
    failures = web_sessions.login_failures(store, name, address, now - WINDOW, now - KNOWN_ADDRESS_FOR)
    waits = [
        _wait(failures.pair, FREE_PER_PAIR, failures.pair_last, now),
        _wait(failures.address, FREE_PER_ADDRESS, failures.address_last, now),
    ]
    if not failures.known_address:
        waits.append(_wait(failures.name, FREE_PER_ACCOUNT, failures.name_last, now))
    longest = max(waits)
    return Verdict(allowed=longest <= 0, retry_after_s=int(longest + 0.999))


# The trusted proxies, as `GOVAUDIT_TRUSTED_PROXIES` lists them.
Networks = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


def parse_proxies(text: str) -> Networks:
    """GOVAUDIT_TRUSTED_PROXIES: comma-separated addresses or networks; raises ValueError."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def client_address(peer: str, forwarded_for: str | None, proxies: Networks) -> str:
    """The client's address: the peer's, unless the peer is a trusted proxy; then the nearest address
    in X-Forwarded-For that is not one of our proxies (what the proxies appended, not what the
    client wrote in front)."""
    if not proxies or not _in(peer, proxies) or not forwarded_for:
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in(hop, proxies):
            return hop
    return hops[0] if hops else peer


def _in(address: str, networks: Networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)
