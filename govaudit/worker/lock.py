"""Per-host politeness across workers: a Redis lock per host, with expiry, renewed while a task runs.

The crawler's own per-host limit only holds inside one process; two workers given two sites on one
host (a ministry under the national portal's domain) would double the load on it. Each task holds
the lock of every host its site starts on, all or none, so no two workers crawl one host at once.

`SET key token NX PX ttl` takes a lock; only the holder's token may renew or release it (a Lua
compare-and-act, so a lock that expired and was taken by another worker is never touched). A worker
killed mid-crawl stops renewing: its hosts are free again after at most `ttl`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterable
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

import redis

from crawler.site import SiteConfig

log = logging.getLogger(__name__)

PREFIX = "govaudit:host:"
_DEFAULT_PORTS = {"http": 80, "https": 443}

# Renew only our own lock; 0 when it is gone or someone else's.
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


def host_keys(site: SiteConfig) -> list[str]:
    """The hosts a site's crawl loads, as lock names: host, plus the port when it is not the
    scheme's default (two servers on one address but different ports are two sites; a test's
    127.0.0.1 servers are). Sorted, so that every worker takes a multi-host site's locks in one
    order."""
    keys: set[str] = set()
    start_hosts: set[str] = set()
    for url in site.start_urls:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        start_hosts.add(host)
        port = parts.port
        keys.add(f"{host}:{port}" if port and port != _DEFAULT_PORTS.get(parts.scheme) else host)
    keys.update(d.lower() for d in site.domains if d.lower() not in start_hosts)
    return sorted(k for k in keys if k)


class HostLock:
    """`with HostLock(client, hosts, ttl_s) as lock:` — check `lock.acquired` before working.

    A daemon thread renews every third of the TTL. Losing the lock (Redis unreachable for longer
    than the TTL) is logged and flagged in `lost`; the crawl is not interrupted, because a crawl
    cut short would be marked failed and the politeness lapse is bounded by the TTL anyway.
    """

    def __init__(self, client: redis.Redis, hosts: Iterable[str], ttl_s: float, owner: str = "") -> None:
        self.client = client
        self.keys = [PREFIX + h for h in sorted(set(hosts))]
        self.ttl_ms = max(int(ttl_s * 1000), 1000)
        self.token = f"{owner or default_owner()}:{uuid.uuid4().hex[:8]}"
        self.acquired = False
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)

    def acquire(self) -> bool:
        """Take every key or none. Never blocks: a busy host means "come back later"."""
        taken: list[str] = []
        for key in self.keys:
            if self.client.set(key, self.token, nx=True, px=self.ttl_ms):
                taken.append(key)
            else:
                for k in taken:
                    self._release(keys=[k], args=[self.token])
                return False
        self.acquired = True
        self._renewer = threading.Thread(target=self._keep, name="govaudit-host-lock", daemon=True)
        self._renewer.start()
        return True

    def holders(self) -> dict[str, str]:
        """Who holds each key now (for the log line of a task that must wait)."""
        values = self.client.mget(self.keys)
        return {
            k.removeprefix(PREFIX): (v.decode() if isinstance(v, bytes) else str(v))
            for k, v in zip(self.keys, values, strict=True)
            if v
        }

    def _keep(self) -> None:
        interval = self.ttl_ms / 3000
        while not self._stop.wait(interval):
            try:
                renewed = [self._renew(keys=[k], args=[self.token, self.ttl_ms]) for k in self.keys]
            except redis.RedisError as exc:
                log.warning("host lock %s: renewal failed, will retry: %s", self.keys, exc)
                continue
            if not all(renewed):
                log.error("host lock %s lost (expired and maybe taken by another worker)", self.keys)
                self.lost.set()

    def release(self) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join(timeout=5)
        if self.acquired:
            for key in self.keys:
                try:
                    self._release(keys=[key], args=[self.token])
                except redis.RedisError as exc:  # it expires by itself within the TTL
                    log.warning("host lock %s: release failed: %s", key, exc)
            self.acquired = False

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
