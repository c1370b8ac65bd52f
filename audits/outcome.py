"""The one vocabulary of outcomes shared by every check in every layer."""

from enum import StrEnum


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NEEDS_REVIEW = "needs_review"  # goes to a human; never collapsed into a pass or a fail
    INAPPLICABLE = "inapplicable"
    NOT_TESTED = "not_tested"
    ERROR = "error"
