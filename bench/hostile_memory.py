"""Peak memory of `govaudit crawl` on hostile sizes (issue 15, item 4).

    .venv/bin/python bench/hostile_memory.py

A: eight 9.9 MB pages with 400,000 links each, crawled at once (--concurrency 8 --per-host 8).
   Target: peak <= 400 MB.
B: a 10 MB robots.txt in front of a small site. Target: peak <= 150 MB.

Peak RSS of the whole `govaudit crawl` process tree (the crawl and its parsing worker), summed and
sampled every 0.05 s from /proc; PSS (smaps_rollup) alongside, which does not count shared pages
twice. The server runs in its own process, outside the measured tree.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawl_common import machine, process_tree, python

HUGE_PAGES = 8
LINKS = 400_000
TARGET_PAGES_MB = 400
TARGET_ROBOTS_MB = 150


@cache
def huge_page() -> bytes:
    links = "".join(f'<a href="/l{i}">{i}</a>\n' for i in range(LINKS))
    body = f'<!doctype html><html lang="en"><head><title>Huge</title></head><body>{links}</body></html>'
    return body.encode()[:9_900_000]


@cache
def robots_txt() -> bytes:
    line = b"Disallow: /" + b"x" * 88 + b"\n"
    return b"User-agent: *\n" + line * (10 * 1024**2 // len(line))


class Handler(BaseHTTPRequestHandler):
    scenario = "pages"

    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            body, kind = (robots_txt(), "text/plain") if self.scenario == "robots" else (b"", "text/plain")
        elif self.path == "/":
            count = HUGE_PAGES if self.scenario == "pages" else 2
            links = "".join(f'<a href="/p{i}">Page {i}</a> ' for i in range(count))
            body, kind = f"<!doctype html><title>Home</title><body>{links}</body>".encode(), "text/html"
        elif self.path.startswith("/p") and self.scenario == "pages":
            body, kind = huge_page(), "text/html; charset=utf-8"
        elif self.path.startswith("/p"):
            body, kind = b"<!doctype html><title>Page</title><p>A page.</p>", "text/html"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # The crawler may read what it wants (the first 500 KiB of robots.txt) and hang up.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def serve(scenario: str) -> None:
    """The site, in this (child) process: prints its URL, serves until killed."""
    Handler.scenario = scenario
    huge_page(), robots_txt()  # built before the crawl starts
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"READY http://127.0.0.1:{server.server_address[1]}/", flush=True)
    server.serve_forever()


def _field_kb(path: str, name: str) -> int:
    try:
        text = Path(path).read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in text.splitlines() if line.startswith(name)), 0)


@dataclass
class Peak:
    rss_mb: float = 0.0
    pss_mb: float = 0.0
    processes: int = 0


def crawl(url: str, concurrency: int, pages: int) -> tuple[float, Peak, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{tmp}/bench.db"}
        command = [python(), "-m", "govaudit", "crawl", url, "--render", "never", "--json", "--quiet"]
        command += ["--concurrency", str(concurrency), "--per-host", str(concurrency), "--max-pages", str(pages)]
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        peak, done = Peak(), threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                tree = process_tree(process.pid)
                rss = sum(_field_kb(f"/proc/{p}/status", "VmRSS:") for p in tree) / 1024
                pss = sum(_field_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in tree) / 1024
                peak.rss_mb, peak.pss_mb = max(peak.rss_mb, rss), max(peak.pss_mb, pss)
                peak.processes = max(peak.processes, len(tree))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out, err = process.communicate()
        done.set()
        sampler.join()
        seconds = time.monotonic() - started
    if process.returncode != 0:
        raise RuntimeError(f"crawl exited {process.returncode}: {err[-2000:]}")
    return seconds, peak, json.loads(out)


def scenario(name: str, concurrency: int, pages: int) -> tuple[float, Peak, dict]:
    server = subprocess.Popen([python(), __file__, "--serve", name], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip().removeprefix("READY ")
        return crawl(url, concurrency, pages)
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", choices=("pages", "robots"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    print(f"machine: {machine()}", flush=True)
    seconds, peak, result = scenario("pages", HUGE_PAGES, HUGE_PAGES + 1)
    reasons = sorted({p["reason"] for p in result["pages"] if p["url"].rstrip("/").split("/")[-1].startswith("p")})
    print(
        f"A: {HUGE_PAGES} pages of {len(huge_page()) / 1e6:.1f} MB with {LINKS:,} links at once: "
        f"{result['pages_by_status']} in {seconds:.1f} s; peak RSS {peak.rss_mb:.0f} MB "
        f"(target <= {TARGET_PAGES_MB}), peak PSS {peak.pss_mb:.0f} MB, {peak.processes} processes; "
        f"reasons: {reasons}",
        flush=True,
    )
    seconds, peak, result = scenario("robots", 2, 3)
    print(
        f"B: robots.txt of {len(robots_txt()) / 1e6:.1f} MB: {result['pages_by_status']} in {seconds:.1f} s; "
        f"peak RSS {peak.rss_mb:.0f} MB (target <= {TARGET_ROBOTS_MB}), peak PSS {peak.pss_mb:.0f} MB",
        flush=True,
    )


if __name__ == "__main__":
    main()
