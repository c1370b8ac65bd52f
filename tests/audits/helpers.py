"""Serve pages on 127.0.0.1 and run live-page inspectors on them in one real Chromium."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from pathlib import Path

from audits.result import AuditResult
from crawler.addresses import AddressGuard
from crawler.render import PageInspector, Renderer, RenderSettings
from tests.localserver import LocalServer, Response


def inspect_pages(
    chromium: str,
    routes: Mapping[str, Response | str],
    inspectors: Sequence[PageInspector],
    timeout_s: float = 300,  # a hang guard, not a speed test: a loaded machine is slow
    init_scripts: tuple[Path, ...] = (),  # axe.min.js for an AxeInspector
    assets: Mapping[str, Response] | None = None,  # served, not rendered (media files, stylesheets)
) -> dict[str, list[AuditResult]]:
    """Render every route once (one browser for the lot: launches are the slow part) and return
    the results of all inspectors per path. A render error fails loudly rather than reading as a pass."""

    async def go(server: LocalServer) -> dict[str, list[AuditResult]]:
        guard = AddressGuard(allow_private=True)
        out: dict[str, list[AuditResult]] = {}
        settings = RenderSettings(executable=chromium, measure_widths=(), init_scripts=init_scripts)
        async with Renderer(guard, settings) as renderer:

            async def one(path: str) -> None:
                outcome = await renderer.render(server.url(path), inspectors)
                assert not outcome.error, f"{path}: {outcome.error}"
                out[path] = [r for name in outcome.inspections for r in outcome.inspections[name]]

            await asyncio.gather(*(one(path) for path in routes))
        return out

    served = {path: Response(r) if isinstance(r, str) else r for path, r in routes.items()}
    served.update(assets or {})
    with LocalServer(served) as server:
        return asyncio.run(asyncio.wait_for(go(server), timeout_s))


def only(results: Sequence[AuditResult], rule_id: str) -> AuditResult:
    matching = [r for r in results if r.rule_id == rule_id]
    assert len(matching) == 1, f"expected one {rule_id} result, got {matching}"
    return matching[0]


def wav(seconds: float = 0.5, *, tone_hz: float = 440.0, rate: int = 8000) -> bytes:
    """A mono 16-bit WAV: a sine tone, or silence with tone_hz=0. A `<video>` plays it too (a video
    whose only track is sound), so media checks are tested without video files."""
    import math
    import struct

    frames = int(seconds * rate)
    samples = (int(12000 * math.sin(2 * math.pi * tone_hz * i / rate)) if tone_hz else 0 for i in range(frames))
    data = b"".join(struct.pack("<h", s) for s in samples)
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(data),
        b"WAVE",
        b"fmt ",
        16,
        1,
        1,
        rate,
        rate * 2,
        2,
        16,
        b"data",
        len(data),
    )
    return header + data
