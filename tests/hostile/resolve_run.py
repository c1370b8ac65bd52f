"""`python -m tests.hostile.resolve_run ARGS…` runs `govaudit ARGS…` with a test resolver: names under
`.ssrf.test` resolve to 127.0.0.2, as a hostile DNS zone would answer. Everything else resolves as usual."""

from __future__ import annotations

import runpy
import socket
import sys
from typing import Any

_real_getaddrinfo = socket.getaddrinfo


def ssrf_getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
    name = host.decode() if isinstance(host, bytes) else host
    if isinstance(name, str) and name.lower().rstrip(".").endswith(".ssrf.test"):
        return _real_getaddrinfo("127.0.0.2", port, *args, **kwargs)
    return _real_getaddrinfo(host, port, *args, **kwargs)


if __name__ == "__main__":
    socket.getaddrinfo = ssrf_getaddrinfo
    sys.argv = ["govaudit", *sys.argv[1:]]
    runpy.run_module("govaudit", run_name="__main__", alter_sys=True)
