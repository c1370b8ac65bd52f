"""An issue's samples do not depend on the order in which the run's pages finished."""

from __future__ import annotations

from audits.outcome import Outcome
from audits.result import AuditNode
from reports.issues import issues_of
from tests.reports.fixtures import BASE, axe, visit


def _foreign_paragraph(n: int) -> AuditNode:
    text = "Bonjour" if n < 5 else "Au revoir"  # two distinct elements; the first on two pages
    return AuditNode(f"main > p:nth-of-type({n})", f"<p>{text}</p>", "Not in the page's language")


def test_samples_and_their_pages_are_the_same_whatever_order_the_pages_finished_in() -> None:
    visits = [
        visit(n, path, (axe(BASE + path, "valid-lang", Outcome.FAILED, ("3.1.2",), "serious", nodes=(node,)),))
        for n, (path, node) in enumerate(
            (("/a", _foreign_paragraph(2)), ("/b", _foreign_paragraph(2)), ("/c", _foreign_paragraph(5))), start=1
        )
    ]

    def samples(order: list[int]) -> list[tuple[str, ...]]:
        issues = issues_of([visits[i] for i in order], Outcome.FAILED)
        return [tuple(f"{n.page} {n.selector}" for n in issue.nodes) for issue in issues]

    first = samples([0, 1, 2])
    assert first == [(f"{BASE}/a main > p:nth-of-type(2)", f"{BASE}/c main > p:nth-of-type(5)")]
    assert samples([2, 1, 0]) == first
    assert samples([1, 2, 0]) == first
