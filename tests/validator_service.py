"""One Nu Html Checker service for the whole test session (`GOVAUDIT_VALIDATOR_URL`).

Every audit and assessment validates its pages' markup. Without a service each run starts its own JVM,
about a CPU-second before the first page is checked; the suite runs some fifty of them on two cores.
The session's controller starts one checker on 127.0.0.1 and exports its URL before the xdist workers
start, so the workers and the `govaudit` subprocesses they run inherit it. The JVM path stays tested:
tests/audits/test_validity.py calls the validator without a service, and compares both.
"""

from __future__ import annotations

import ctypes
import shutil
import signal
import subprocess
from dataclasses import dataclass

from audits.validity import JVM_OPTIONS, ValidatorUnavailable, vnu_jar
from tests.localserver import free_port

VARIABLE = "GOVAUDIT_VALIDATOR_URL"
PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass(slots=True)
class CheckerService:
    """`java -cp vnu.jar nu.validator.servlet.Main PORT` on 127.0.0.1. It answers a few seconds after
    it starts; the client waits for it (audits.validity.SERVICE_START_S)."""

    process: subprocess.Popen[bytes]
    url: str

    @classmethod
    def start(cls) -> CheckerService | None:
        """None where there is no Java or no vnu.jar: every run then starts its own JVM, as before."""
        java = shutil.which("java")
        try:
            jar = vnu_jar()
        except ValidatorUnavailable:
            return None
        if java is None:
            return None
        port = free_port()
        # The client compiler only, as for a JVM per run: 3.1 CPU-s to start and ~60 ms a page, where the
        # default tiers spend 5.5 to start and compile on through the first pages (bench/RESULTS.md).
        command = [
            java, *JVM_OPTIONS, "-Dnu.validator.servlet.bind-address=127.0.0.1",
            "-cp", str(jar), "nu.validator.servlet.Main", str(port),
        ]  # fmt: skip
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent
        )
        return cls(process, f"http://127.0.0.1:{port}/")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _die_with_parent() -> None:
    """Linux: the checker gets SIGTERM when the pytest process that started it dies, even by SIGKILL
    (then pytest_unconfigure never runs). Elsewhere it is stopped only by `stop()`."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
