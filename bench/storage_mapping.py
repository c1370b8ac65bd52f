"""The generic row mapper against the hand-written dicts it replaced: time per page for a visit's
columns and a finding's evidence, best of five, old code read from a git revision.

    .venv/bin/python bench/storage_mapping.py [REV]   # REV: a commit before the mapper (default d7739fb)
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.snapshot import PageSnapshot, ScanStatus  # noqa: E402
from rules.findings import Evidence  # noqa: E402
from storage.mappers import evidence_to_json, visit_values  # noqa: E402

PAGES = 20_000


def _old_records(rev: str) -> Any:
    source = subprocess.run(
        ["git", "show", f"{rev}:storage/records.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "old_records.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("old_records", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_records"] = module
    spec.loader.exec_module(module)
    return module


def _best(work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main(rev: str) -> None:
    old = _old_records(rev)
    snaps = [
        PageSnapshot(
            requested_url=f"https://x.gov/{i}",
            final_url=f"https://x.gov/{i}",
            depth=2,
            status=ScanStatus.OK,
            status_code=200,
            redirect_chain=("https://x.gov/a",),
            headers={"etag": "x", "content-type": "text/html"},
            title="t",
            language="en",
        )
        for i in range(PAGES)
    ]
    assert [old.visit_values(s, {}) for s in snaps[:3]] == [visit_values(s, {}) for s in snaps[:3]]
    evidence = [(Evidence("https://x.gov/", "a", "quote", "en", 1),) for _ in range(PAGES)]
    for name, before, after in (
        (
            "visit columns",
            lambda: [old.visit_values(s, {}) for s in snaps],
            lambda: [visit_values(s, {}) for s in snaps],
        ),
        (
            "evidence JSON",
            lambda: [old.evidence_to_json(e) for e in evidence],
            lambda: [evidence_to_json(e) for e in evidence],
        ),
    ):
        a, b = _best(before), _best(after)
        print(
            f"{name}, {PAGES} pages: before {a * 1e6 / PAGES:.1f} µs, "
            f"after {b * 1e6 / PAGES:.1f} µs each ({b / a:.2f}×)"
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "d7739fb")
