"""Survey instruments as data, rule modules (detectors) and the deciders that suggest answers."""

from rules.findings import ABSENT, PRESENT, Evidence, Finding, SuggestedAnswer

__all__ = ["ABSENT", "PRESENT", "Evidence", "Finding", "SuggestedAnswer"]
