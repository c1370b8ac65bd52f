"""The CI progress log and the Ctrl-C handling, without a browser."""

from __future__ import annotations

import io
import os
import signal
import time
from collections.abc import Iterator

import pytest

from govaudit.interrupt import StopRequest
from govaudit.progress import LogProgress


def test_log_progress_writes_a_line_per_interval_and_a_last_one() -> None:
    stream = io.StringIO()
    with LogProgress("site", stream=stream, interval_s=0.05) as log:
        log(1, 5)
        log.page("ok")
        log.page("http_error")
        log.page("login_wall")  # reached, not a failure
        time.sleep(0.3)
        log(3, 5)
    lines = stream.getvalue().splitlines()
    assert len(lines) >= 3, lines
    assert lines[0].startswith("site: 1 pages done, 4 queued, 1 failed (")
    assert lines[-1].startswith("site: 3 pages done, 2 queued, 1 failed (")


@pytest.fixture
def python_sigint() -> Iterator[None]:
    """SIGINT as a fresh Python process has it. A test worker's handler is whatever its earlier tests
    left (one of them leaves it ignored, which test order can put before this test)."""
    saved = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, saved)


@pytest.mark.usefixtures("python_sigint")
def test_first_sigint_requests_a_stop_and_the_second_interrupts() -> None:
    stop = StopRequest()
    heard: list[str] = []
    stop.on_stop(lambda: heard.append("crawler"))
    notices: list[str] = []
    with stop.on_sigint(lambda: notices.append("stopping")):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler runs in the main thread between bytecodes
        assert stop.requested and heard == ["crawler"] and notices == ["stopping"]
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    late: list[str] = []
    stop.on_stop(lambda: late.append("late"))  # a listener added after the stop hears it at once
    assert late == ["late"]
