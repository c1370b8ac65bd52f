"""Sum the lines `tests/cpu_account.py` wrote into CPU seconds per test module, largest first.

GOVAUDIT_CPU_ACCOUNT=cpu.jsonl python -m pytest -q -n 2 --dist loadscope -p tests.cpu_account
python bench/cpu_account.py cpu.jsonl [--top 40] [--tests 20]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path


def _cpu(line: dict[str, object]) -> float:
    return sum(float(str(line[key])) for key in ("user", "system", "child_user", "child_system"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("account", type=Path)
    parser.add_argument("--top", type=int, default=40, help="modules to list")
    parser.add_argument("--tests", type=int, default=20, help="single tests to list")
    args = parser.parse_args()
    lines = [json.loads(text) for text in args.account.read_text(encoding="utf-8").splitlines() if text]
    modules: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for line in lines:
        module = modules[line["test"].split("::")[0]]
        module[0] += float(line["user"]) + float(line["system"])
        module[1] += float(line["child_user"]) + float(line["child_system"])
        module[2] += float(line["wall"])
    total = sum(_cpu(line) for line in lines)
    print(f"{len(lines)} tests, {total:.0f} CPU-s inside tests (process + reaped children)")
    print(f"{'CPU-s':>7} {'self':>7} {'child':>7} {'wall-s':>7}  module")
    ranked = sorted(modules.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))
    for name, (own, child, wall) in ranked[: args.top]:
        print(f"{own + child:7.1f} {own:7.1f} {child:7.1f} {wall:7.1f}  {name}")
    print(f"\n{'CPU-s':>7} {'wall-s':>7}  test")
    for line in sorted(lines, key=lambda item: -_cpu(item))[: args.tests]:
        print(f"{_cpu(line):7.1f} {float(line['wall']):7.1f}  {line['test']}")


if __name__ == "__main__":
    main()
