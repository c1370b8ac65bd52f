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
same = gc.get_freeze_count() == frozen
store = [[n] for n in range(5000)]  # what opening the store imported: frozen once, in a stage of its own
settle_memory("store", collect_first=True)
with_store = gc.get_freeze_count()
more = [[n] for n in range(5000)]  # what the next command in this process leaves
settle_memory("store", collect_first=True)
print(frozen > 0, same, with_store >= frozen + 5000, gc.get_freeze_count() == with_store,
      gc.get_threshold()[0] == GC_FIRST_GENERATION)
"""


def test_memory_is_settled_once_a_process() -> None:
    """The imports are frozen out of the collector once, and what opening the store imported once more (the
    crawl command): a second command in the same process (as the tests run the CLI) freezes nothing it left."""
    done = subprocess.run([sys.executable, "-c", SETTLE_TWICE], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True"] * 5
