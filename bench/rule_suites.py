"""Per page rule: `failed` precision and recall on IBM Equal Access rule unit tests, Asqatasun's RGAA 3.0
test cases and the W3C ACT Rules cases. One command:

    .venv/bin/python bench/rule_suites.py            # extract the suites from the mirrors, render, score

The suites are read from local git mirrors (fetched with the session's `fetch` tool) and extracted outside
the repository (--work, default govaudit-rule-suites in the system's temporary folder), with the source and
commit printed. Only a small Apache-2.0 subset of IBM's cases is committed, for the fast test
(tests/fixtures/rule_suites).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from audits.act import DEFAULT_CORPUS
from audits.suites import IBM_RULE_SOURCES, IBM_RULES_DIR, RGAA30_DIR, all_cases, format_table, run, score, suite_map
from govaudit.settings import Settings

# Where the `fetch` tool puts repository snapshots; GOVAUDIT_MIRRORS points elsewhere.
MIRROR_ROOT = Path(os.environ.get("GOVAUDIT_MIRRORS", "/work/.mirror"))
MIRRORS = {
    "ibm": (
        MIRROR_ROOT / "IBMa+equal-access/repo",
        "IBMa/equal-access",
        (IBM_RULES_DIR, IBM_RULE_SOURCES),
        "Apache-2.0",
    ),
    "rgaa30": (MIRROR_ROOT / "Asqatasun+Asqatasun/repo", "Asqatasun/Asqatasun", (RGAA30_DIR,), "AGPL-3.0"),
}


def extract(suite: str, mirror: Path, work: Path) -> tuple[Path, str]:
    """`git archive` of the suite's folder into work/suite (rebuilt every run); returns the root and commit."""
    _, _, folders, _ = MIRRORS[suite]
    commit = subprocess.run(
        ["git", "-C", str(mirror), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    root = work / suite
    if root.exists():
        subprocess.run(["rm", "-rf", str(root)], check=True)
    root.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(mirror), "archive", "HEAD", *folders], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive.stdout, check=True)
    return root, commit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "govaudit-rule-suites")
    parser.add_argument("--ibm-mirror", type=Path, default=MIRRORS["ibm"][0])
    parser.add_argument("--rgaa-mirror", type=Path, default=MIRRORS["rgaa30"][0])
    parser.add_argument("--act-corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the scores and false positives here")
    args = parser.parse_args(argv)

    roots: dict[str, Path] = {}
    for suite, mirror in (("ibm", args.ibm_mirror), ("rgaa30", args.rgaa_mirror)):
        if not (mirror / "HEAD").exists() and not (mirror / ".git").exists():
            print(f"{suite}: no git mirror at {mirror}; skipped", file=sys.stderr)
            continue
        roots[suite], commit = extract(suite, mirror, args.work)
        print(f"{suite}: {MIRRORS[suite][1]} @ {commit} ({MIRRORS[suite][3]}), extracted to {roots[suite]}")
    if (args.act_corpus / "manifest.json").is_file():
        roots["act"] = args.act_corpus / "www"
        print(f"act: W3C ACT Rules corpus at {args.act_corpus}")
    cases = all_cases(
        {s: r for s, r in roots.items() if s != "act"} | ({"act": args.act_corpus} if "act" in roots else {})
    )
    start = time.monotonic()
    results = run(cases, roots, Settings.from_env().chromium, args.concurrency)
    wall = time.monotonic() - start
    scores = score(cases, results)
    print(format_table(scores))
    missing = sum(1 for r in results.values() if r is None)
    print(
        f"\n{len(cases)} cases ({len(results)} pages) in {wall:.1f} s; {missing} did not render; "
        f"{len(suite_map())} rules mapped"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    rule: {
                        suite: {
                            **{
                                k: getattr(s, k)
                                for k in (
                                    "tp",
                                    "fp",
                                    "review_hits",
                                    "positives",
                                    "negatives",
                                    "review_cases",
                                    "false_positives",
                                )
                            }
                        }
                        for suite, s in per.items()
                    }
                    for rule, per in scores.items()
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
