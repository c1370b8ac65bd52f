"""Start, stop and request times of the demo server: ``python -m tests.demo.timing [rounds]``.

Prints medians in milliseconds: the import of the server module (fresh interpreter); start(), start
to first answer and stop() of each portal; one request per kind over a kept-alive httpx connection
and over a fresh http.client connection, and the CPU time of the process per request; the median
request time of each of six city servers in turn.
"""

from __future__ import annotations

import http.client
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import httpx

from govaudit.demo.server import DemoServer

PATHS = ("/en/", "/assets/css/portal.css", "/en/search?q=licence", "/api/3/action/package_search?q=health")


def _ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.2f}"


def _import_time(rounds: int) -> list[float]:
    module = DemoServer.__module__
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    return [float(subprocess.check_output([sys.executable, "-c", code], text=True)) for _ in range(rounds)]


def _get(server: DemoServer, path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", httpx.URL(server.base_url).port, timeout=10)
    connection.request("GET", path)
    status = connection.getresponse().status
    connection.close()
    assert status == 200, (path, status)


def _life_cycle(factory: Callable[[], DemoServer], rounds: int) -> list[list[float]]:
    starts: list[float] = []
    firsts: list[float] = []
    stops: list[float] = []
    for _ in range(rounds):
        server = factory()
        began = time.perf_counter()
        server.start()
        starts.append(time.perf_counter() - began)
        _get(server, "/robots.txt")
        firsts.append(time.perf_counter() - began)
        began = time.perf_counter()
        server.stop()
        stops.append(time.perf_counter() - began)
    return [starts, firsts, stops]


def _requests(server: DemoServer, path: str, rounds: int) -> tuple[list[float], list[float], float]:
    """Wall times kept-alive and fresh, and the CPU time (client and server threads) per request."""
    kept: list[float] = []
    fresh: list[float] = []
    cpu = time.process_time()
    with httpx.Client(base_url=server.base_url) as client:
        client.get(path)
        for _ in range(rounds):
            began = time.perf_counter()
            client.get(path).raise_for_status()
            kept.append(time.perf_counter() - began)
    for _ in range(rounds):
        began = time.perf_counter()
        _get(server, path)
        fresh.append(time.perf_counter() - began)
    return kept, fresh, (time.process_time() - cpu) / (2 * rounds + 1)


def _per_instance(instances: int, rounds: int) -> list[str]:
    """Median of fresh-connection requests to each of several city servers started one after another."""
    medians: list[str] = []
    for _ in range(instances):
        with DemoServer.city() as server:
            samples: list[float] = []
            for _ in range(rounds):
                began = time.perf_counter()
                _get(server, "/robots.txt")
                samples.append(time.perf_counter() - began)
            medians.append(_ms(samples))
    return medians


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    print(f"import {DemoServer.__module__}: {_ms(_import_time(5))} ms")
    for name, factory in (("national", DemoServer.national), ("city", DemoServer.city)):
        starts, firsts, stops = _life_cycle(factory, rounds)
        print(f"{name}: start {_ms(starts)} ms, start + first answer {_ms(firsts)} ms, stop {_ms(stops)} ms")
    print(f"city, GET /robots.txt, fresh connections, per server: {' '.join(_per_instance(6, rounds * 3))} ms")
    with DemoServer.national() as server:
        for path in PATHS:
            kept, fresh, cpu = _requests(server, path, rounds * 5)
            print(f"GET {path}: kept-alive {_ms(kept)} ms, fresh connection {_ms(fresh)} ms, CPU {cpu * 1000:.2f} ms")


if __name__ == "__main__":
    main()
