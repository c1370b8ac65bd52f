"""The constraints GitHub code scanning documents for an uploaded SARIF file (its "SARIF support for
code scanning" page), beyond the 2.1.0 schema, as a check that lists what a file breaks.

Locations: code scanning places each result on a repository file (`physicalLocation.artifactLocation.uri`,
relative to the repository root or to a `uriBaseId`); an absolute http(s) URI names no file of the
repository, so govaudit writes a page as a relative URI against a base id that `originalUriBaseIds`
maps to the site's origin."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

MAX_RUNS = 20
MAX_RESULTS_PER_RUN = 25_000
MAX_RULES_PER_RUN = 25_000
MAX_LOCATIONS_PER_RESULT = 10
MAX_TAGS_PER_RULE = 20
LEVELS = {"none", "note", "warning", "error"}


def code_scanning_problems(sarif: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    if sarif.get("version") != "2.1.0":
        problems.append("version must be 2.1.0")
    runs = sarif.get("runs") or []
    if not 1 <= len(runs) <= MAX_RUNS:
        problems.append(f"{len(runs)} runs (1 to {MAX_RUNS})")
    for r, run in enumerate(runs):
        driver = run.get("tool", {}).get("driver", {})
        if not driver.get("name"):
            problems.append(f"run {r}: tool.driver.name missing")
        rules = driver.get("rules") or []
        ids = [rule.get("id") for rule in rules]
        if len(ids) != len(set(ids)) or len(ids) > MAX_RULES_PER_RUN:
            problems.append(f"run {r}: rule ids must be unique and at most {MAX_RULES_PER_RUN}")
        for rule in rules:
            if len(rule.get("properties", {}).get("tags", [])) > MAX_TAGS_PER_RULE:
                problems.append(f"rule {rule['id']}: more than {MAX_TAGS_PER_RULE} tags")
        results = run.get("results") or []
        if len(results) > MAX_RESULTS_PER_RUN:
            problems.append(f"run {r}: {len(results)} results (at most {MAX_RESULTS_PER_RUN})")
        bases = run.get("originalUriBaseIds") or {}
        for n, result in enumerate(results):
            where = f"run {r} result {n}"
            if not result.get("ruleId") or not result.get("message", {}).get("text"):
                problems.append(f"{where}: ruleId and message.text are required")
            if result.get("level", "warning") not in LEVELS:
                problems.append(f"{where}: level {result.get('level')!r}")
            if not result.get("partialFingerprints"):
                problems.append(f"{where}: no partialFingerprints (code scanning would compute them from a file)")
            locations = result.get("locations") or []
            if not 1 <= len(locations) <= MAX_LOCATIONS_PER_RESULT:
                problems.append(f"{where}: {len(locations)} locations (1 to {MAX_LOCATIONS_PER_RESULT})")
            for location in locations:
                physical = location.get("physicalLocation") or {}
                artifact = physical.get("artifactLocation") or {}
                uri = artifact.get("uri")
                if not isinstance(uri, str) or not uri:
                    problems.append(f"{where}: physicalLocation.artifactLocation.uri must be a non-empty string")
                    continue
                scheme = urlsplit(uri).scheme
                if scheme and scheme != "file":
                    problems.append(f"{where}: {uri!r} is an absolute {scheme} URI, not a repository file")
                if artifact.get("uriBaseId") and artifact["uriBaseId"] not in bases:
                    problems.append(f"{where}: uriBaseId {artifact['uriBaseId']} not in originalUriBaseIds")
                region = physical.get("region")
                if region is not None and not (isinstance(region.get("startLine"), int) and region["startLine"] >= 1):
                    problems.append(f"{where}: region.startLine must be a positive integer")
    return problems
