"""Compare two report.json files apart from what changes on every run: times, database ids, ports, and
the order of list items (it follows the crawl order).

    .venv/bin/python bench/compare_reports.py BEFORE/report.json AFTER/report.json

A refactoring must leave the demo's report unchanged (issue 18): run `govaudit demo --out DIR` on the
commit before and the commit after, then compare `DIR/report.json` and `DIR/city/report.json`. Exit 0
when equal, 1 with the differing paths (at most 40) when not, 2 when a file cannot be read.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

# Keys whose values differ between two runs of the same code on the same site.
VOLATILE_KEYS = re.compile(r"(^|_)(at|id|ids|ms|seconds|duration|elapsed|generated_at|pages_per_s)$")
LOOPBACK_PORT = re.compile(r"(127\.0\.0\.1|localhost|\[::1\]):\d+")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?")


def normalised(value: Any) -> Any:
    """The report with volatile values replaced by placeholders, so equal reports compare equal."""
    if isinstance(value, dict):
        return {k: "<volatile>" if VOLATILE_KEYS.search(k) else normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        # Pages are crawled in a different order on every run, and lists follow it: compare them as sets.
        return sorted((normalised(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, str):
        return TIMESTAMP.sub("<time>", LOOPBACK_PORT.sub(r"\1:<port>", value))
    return value


def differences(before: Any, after: Any, path: str = "$") -> list[str]:
    """Paths where the two normalised documents differ, depth first."""
    if isinstance(before, dict) and isinstance(after, dict):
        found = [f"{path}.{k}: only in {'before' if k in before else 'after'}" for k in before.keys() ^ after.keys()]
        for key in before.keys() & after.keys():
            found += differences(before[key], after[key], f"{path}.{key}")
        return found
    if isinstance(before, list) and isinstance(after, list):
        found = [f"{path}: {len(before)} items before, {len(after)} after"] if len(before) != len(after) else []
        for n, (b, a) in enumerate(zip(before, after, strict=False)):
            found += differences(b, a, f"{path}[{n}]")
        return found
    return [] if before == after else [f"{path}: {json.dumps(before)[:80]} → {json.dumps(after)[:80]}"]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        before, after = (normalised(json.loads(Path(p).read_text(encoding="utf-8"))) for p in argv)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    found = sorted(differences(before, after))
    for line in found[:40]:
        print(line)
    print("equal apart from times, ids and ports" if not found else f"{len(found)} differences")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
