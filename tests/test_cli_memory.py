"""A `govaudit` command settles the cyclic garbage collector once its modules are imported (cli_support)."""

from __future__ import annotations

import subprocess
import sys

SETTLE_TWICE = """
import gc
from govaudit.cli_support import GC_FIRST_GENERATION, settle_memory
assert gc.get_freeze_count() == 0
settle_memory()
frozen = gc.get_freeze_count()
garbage = [[n] for n in range(5000)]  # what a first command leaves behind
settle_memory()
print(frozen > 0, gc.get_freeze_count() == frozen, gc.get_threshold()[0] == GC_FIRST_GENERATION)
"""


def test_memory_is_settled_once_a_process() -> None:
    """The imports are frozen out of the collector once: a second command in the same process (as the tests
    run the CLI) does not freeze what the first one left."""
    done = subprocess.run([sys.executable, "-c", SETTLE_TWICE], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True"]
