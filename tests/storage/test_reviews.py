"""Reviews are append-only: no API to change one, and the database refuses it too."""

from __future__ import annotations

import inspect

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from audits.outcome import Outcome
from crawler.site import SiteConfig
from rules.findings import SuggestedAnswer
from storage import AppendOnlyError, Store, models
from storage.database import Repository

ANSWER = SuggestedAnswer(
    instrument="OSI-2024",
    edition="2024",
    question="OSI-12",
    value="present",
    outcome=Outcome.PASSED,
    confidence=0.9,
    rationale="search form",
)


def _answer(store: Store) -> int:
    site_id = store.registry.ensure(SiteConfig(name="Kenya", start_urls=("https://www.ecitizen.go.ke/",)))
    run_id = store.runs.start(site_id, {})
    [answer_id] = store.answers.record(run_id, site_id, [ANSWER])
    return answer_id


def test_store_has_no_way_to_change_a_review(store: Store) -> None:
    repositories = {name: type(repo) for name, repo in vars(store).items() if isinstance(repo, Repository)}
    public = {
        (name, method)
        for name, cls in repositories.items()
        for method, _ in inspect.getmembers(cls, inspect.isfunction)
        if not method.startswith("_")
    }
    assert {method for name, method in public if name == "reviews"} == {"add", "of_answer"}
    assert not {(name, method) for name, method in public if "review" in method}
    # `registry.remove` deletes a site that never ran; one with runs (and so with reviews) is only unregistered.
    changing = {(n, m) for n, m in public if m.startswith(("update", "delete", "remove", "edit", "set_"))}
    # A run's trend point is written once its report is built; it touches no review.
    allowed = {
        ("registry", "remove"),
        ("runs", "set_settings"),
        ("runs", "set_trend_point"),
        ("batches", "set_run_settings"),
    }
    assert changing <= allowed


def test_reviews_accumulate_in_order(store: Store) -> None:
    answer_id = _answer(store)
    ann = store.users.add("ann", "assessor", "h1", ["KEN"])
    bob = store.users.add("bob", "assessor", "h2", ["KEN"])
    rev = store.users.add("rev", "reviewer", "h3", [])
    ids = [
        store.reviews.add(answer_id, ann, "assessor", "accept"),
        store.reviews.add(answer_id, bob, "assessor", "override", "absent", "form is a site map search"),
        store.reviews.add(answer_id, rev, "reviewer", "reject", None, "both wrong"),
    ]
    reviews = store.reviews.of_answer(answer_id)
    assert [r.id for r in reviews] == ids
    assert [(r.user_name, r.role, r.decision, r.final_value) for r in reviews] == [
        ("ann", "assessor", "accept", "present"),  # accept takes the suggested value
        ("bob", "assessor", "override", "absent"),
        ("rev", "reviewer", "reject", None),
    ]
    assert reviews[1].comment == "form is a site map search"
    assert reviews[0].created_at <= reviews[1].created_at <= reviews[2].created_at
    assert store.reviews.of_answer(answer_id + 1000) == []


def test_review_validation(store: Store) -> None:
    answer_id = _answer(store)
    ann = store.users.add("ann", "assessor", "h", ["KEN"])
    root = store.users.add("root", "admin", "h", [])
    with pytest.raises(ValueError, match="final value"):
        store.reviews.add(answer_id, ann, "assessor", "override", None)
    with pytest.raises(ValueError, match="decision"):
        store.reviews.add(answer_id, ann, "assessor", "maybe")
    with pytest.raises(PermissionError):
        store.reviews.add(answer_id, ann, "reviewer", "accept")
    with pytest.raises(LookupError):
        store.reviews.add(answer_id + 1000, ann, "assessor", "accept")
    with pytest.raises(LookupError):
        store.reviews.add(answer_id, ann + 1000, "assessor", "accept")
    with pytest.raises(ValueError, match="role"):
        store.users.add("eve", "superuser", "h", [])
    store.reviews.add(answer_id, root, "reviewer", "accept")  # an admin may act in any role
    assert len(store.reviews.of_answer(answer_id)) == 1


def test_orm_refuses_to_change_a_review(store: Store) -> None:
    answer_id = _answer(store)
    ann = store.users.add("ann", "assessor", "h", [])
    store.reviews.add(answer_id, ann, "assessor", "accept")
    with pytest.raises(AppendOnlyError), store.transaction() as session:
        review = session.scalars(select(models.ReviewRow)).one()
        review.comment = "rewritten"
    with pytest.raises(AppendOnlyError), store.transaction() as session:
        session.delete(session.scalars(select(models.ReviewRow)).one())
    assert store.reviews.of_answer(answer_id)[0].comment == ""


@pytest.mark.parametrize(
    "statement",
    [
        update(models.ReviewRow).values(comment="rewritten"),
        delete(models.ReviewRow),
        text("UPDATE reviews SET final_value = 'absent'"),
    ],
    ids=["core-update", "core-delete", "raw-sql"],
)
def test_database_refuses_to_change_a_review(store: Store, statement: object) -> None:
    answer_id = _answer(store)
    ann = store.users.add("ann", "assessor", "h", [])
    store.reviews.add(answer_id, ann, "assessor", "accept")
    with pytest.raises(DBAPIError, match="append-only"), store.transaction() as session:
        session.execute(statement)  # type: ignore[call-overload]
    [review] = store.reviews.of_answer(answer_id)
    assert (review.comment, review.final_value) == ("", "present")
