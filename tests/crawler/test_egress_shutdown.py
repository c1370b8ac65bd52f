"""The egress proxy stopped while Chromium still has a connection open through it (the end of every
run: the browser closes after the proxy's last page) ends that connection quietly."""

from __future__ import annotations

import asyncio
import logging
import socket
import struct

import pytest

from crawler.addresses import AddressGuard
from crawler.egress import EgressProxy


def _connect_through(proxy: EgressProxy, port: int) -> socket.socket:
    client = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
    client.sendall(b"\x05\x01\x00")  # SOCKS5, one method: no authentication
    assert client.recv(2) == b"\x05\x00"
    client.sendall(b"\x05\x01\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack("!H", port))
    assert client.recv(10)[1] == 0  # succeeded: the connection is now piped both ways
    return client


def test_stopping_with_a_connection_open_logs_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    with socket.create_server(("127.0.0.1", 0)) as upstream_server:
        proxy = EgressProxy(AddressGuard(allow_private=True)).start()
        client = _connect_through(proxy, upstream_server.getsockname()[1])
        upstream, _ = upstream_server.accept()
        client.sendall(b"ping")
        assert upstream.recv(4) == b"ping"
        with caplog.at_level(logging.DEBUG, logger="asyncio"):
            proxy.stop()
        client.close()
        upstream.close()
    # Python 3.11's stream server reads a cancelled handler task's exception and logs the
    # CancelledError as "Exception in callback … Traceback", which reached the CLI's stderr.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert proxy.connections == 1


def test_stopping_leaves_no_task_pending() -> None:
    """A connection accepted just before the stop starts its handler while the proxy is already
    cancelling the others; left pending, Python prints "Task was destroyed but it is pending!"."""
    proxy = EgressProxy(AddressGuard(allow_private=True)).start()
    loop, thread = proxy._loop, proxy._thread
    assert loop is not None and thread is not None
    started: list[asyncio.Task[None]] = []

    def open_then_stop() -> None:
        started.append(loop.create_task(asyncio.sleep(3600)))  # a connection still open
        # A handler whose start is already queued when the loop stops: it runs during the shutdown.
        loop.call_soon(lambda: started.append(loop.create_task(asyncio.sleep(3600))))
        loop.stop()

    loop.call_soon_threadsafe(open_then_stop)
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert len(started) == 2
    assert all(task.done() for task in started)
