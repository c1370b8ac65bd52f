"""Animated images (2.2.2), decided from the bytes Chromium loaded, on served pages in real Chromium."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from audits.checks.animation import AnimatedImageCheck, read_animation
from audits.outcome import Outcome
from tests.audits.helpers import inspect_pages, only
from tests.localserver import Response


def gif(frames: int, delay_ms: int, loop: int | None, size: int = 120) -> bytes:
    colours = [(200, 30, 30), (30, 200, 30), (30, 30, 200), (200, 200, 30)]
    images = [Image.new("RGB", (size, size), color=colours[i % 4]) for i in range(frames)]
    out = io.BytesIO()
    extra = {} if loop is None else {"loop": loop}
    images[0].save(out, format="GIF", save_all=frames > 1, append_images=images[1:], duration=delay_ms, **extra)
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color=(90, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def doc(body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Council</title></head>'
        f"<body><main><h1>Council</h1>{body}<p>Text.</p></main></body></html>"
    )


def image(data: bytes) -> Response:
    return Response(data, headers={"Content-Type": "image/gif"})


def test_frames_delays_and_loops_are_read_as_browsers_play_them() -> None:
    forever = read_animation(gif(3, 200, loop=0))
    assert forever is not None and forever.frames == 3 and forever.moving_too_long
    once = read_animation(gif(4, 500, loop=None))
    assert once is not None and once.runs_s == pytest.approx(2.0) and not once.moving_too_long
    twice = read_animation(gif(4, 500, loop=2))  # NETSCAPE count 2: played 3 times, 6 s
    assert twice is not None and twice.runs_s == pytest.approx(6.0) and twice.moving_too_long
    fast = read_animation(gif(10, 0, loop=None))  # delay 0 plays as 100 ms: 1 s
    assert fast is not None and fast.runs_s == pytest.approx(1.0)
    still = read_animation(gif(1, 0, loop=None))
    assert still is not None and not still.moving_too_long


@pytest.mark.browser
def test_looping_gif_fails_and_short_or_still_images_pass(chromium: str) -> None:
    looping = gif(3, 300, loop=0)
    inline = "data:image/gif;base64," + base64.b64encode(looping).decode()
    results = inspect_pages(
        chromium,
        {
            "/loops": doc('<img src="/banner.gif" alt="Spring fair" width="300" height="100">'),
            "/loops-inline": doc(f'<img src="{inline}" alt="Spring fair">'),
            "/with-pause": doc('<img src="/banner.gif" alt="Spring fair"><button type="button">Pause</button>'),
            "/short": doc(
                '<img src="/short.gif" alt="Arrow"><img src="/still.gif" alt="Map">'
                '<img src="/photo.jpg?v=2" alt="Hall">'
            ),
            "/banner.gif": image(looping),
            "/short.gif": image(gif(4, 500, loop=None)),
            "/still.gif": image(gif(1, 0, loop=None)),
            "/photo.jpg": Response(jpeg(), headers={"Content-Type": "image/jpeg"}),
        },
        [AnimatedImageCheck()],
    )
    for path in ("/loops", "/loops-inline"):
        bad = only(results[path], "animated-image")
        assert bad.outcome is Outcome.FAILED, (path, bad)
        assert "loops forever" in bad.nodes[0].message and "Spring fair" in bad.nodes[0].message
    review = only(results["/with-pause"], "animated-image")
    assert review.outcome is Outcome.NEEDS_REVIEW and review.nodes[0].message.endswith("?")
    assert only(results["/short"], "animated-image").outcome is Outcome.PASSED
