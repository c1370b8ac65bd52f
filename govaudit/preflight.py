"""Checks made before a run starts, so that a missing tool or a host that cannot be reached is said
plainly and at once, not after a browser has started or as a robots.txt failure."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

from audits.axe import AxeNotFound, find_axe_script
from crawler.addresses import port_of
from crawler.render import CHROMIUM_INSTALL, BrowserNotFound

AXE_INSTALL = "Run `npm ci` in the govaudit checkout (or `make setup`), or set GOVAUDIT_AXE to an axe.min.js."


class HostUnreachable(RuntimeError):
    """The start URL's host does not resolve or does not accept a connection."""


def check_tools(chromium: str, axe_script: str | None, *, browser: bool = True) -> None:
    """Raises BrowserNotFound or AxeNotFound, with how to install the missing one."""
    if browser and not Path(chromium).is_file():
        raise BrowserNotFound(f"No Chromium at {chromium}. {CHROMIUM_INSTALL}")
    if axe_script:
        if not Path(axe_script).is_file():
            raise AxeNotFound(f"axe-core not found at {axe_script} (GOVAUDIT_AXE). {AXE_INSTALL}")
    else:
        find_axe_script()


def check_reachable(url: str, timeout_s: float = 5.0) -> None:
    """One DNS lookup and one TCP connection to the start URL's host and port: a typo in the host or
    a server that is down is reported in seconds, with its real cause. Not for a run behind a proxy
    (`Settings.behind_proxy`): the proxy, not this machine, reaches the host."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = port_of(parts)
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise HostUnreachable(f"the host {host} does not resolve (DNS: {exc.strerror})") from None
    last_error = ""
    for family, kind, proto, _, address in addresses:
        with socket.socket(family, kind, proto) as sock:
            sock.settimeout(timeout_s)
            try:
                sock.connect(address)
                return
            except ConnectionRefusedError:
                last_error = f"{host} refused the connection on port {port} (nothing listens there)"
            except TimeoutError:
                last_error = f"{host} did not answer on port {port} within {timeout_s:g} s"
            except OSError as exc:
                last_error = f"cannot connect to {host} on port {port}: {exc.strerror or exc}"
    raise HostUnreachable(last_error or f"the host {host} has no address")
