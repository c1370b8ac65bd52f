"""The review queue reads a bounded set of a country's suggestions, however many nightly runs there were:
per site and question the two latest and every one a person reviewed (storage.repositories.answers)."""

from __future__ import annotations

from storage import Store
from tests.web.conftest import add_run, suggestion

CODES = ("010", "011", "049")


def test_the_queue_reads_the_two_latest_and_the_reviewed_suggestions(store: Store) -> None:
    runs = [add_run(store, "portal.ken", "KEN", [suggestion(c, f"v{n}") for c in CODES]) for n in range(6)]
    city = add_run(store, "city.ken", "KEN", [suggestion(c, "city") for c in CODES])
    user = store.users.add("ana", "assessor", "x", ["KEN"])
    reviewed = runs[1][CODES.index("011")]  # decided four runs ago
    store.reviews.add(reviewed, user, "assessor", "accept", "v1")

    read = store.answers.of_country("KEN", "OSI-2024")
    ids = [a.record.id for a in read]
    latest_two = {i for run in runs[-2:] for i in run}
    assert set(ids) == latest_two | {reviewed} | set(city)
    assert ids == sorted(ids)  # oldest first, as the states are built
    [seen] = [a for a in read if a.record.id == reviewed]
    assert [r.final_value for r in seen.record.reviews] == ["v1"]

    # One the queue no longer reads is still there to be looked up on its own.
    old = store.answers.one(runs[0][0])
    assert old is not None and old.record.answer.value == "v0" and old.site_name == "portal.ken"
    assert store.answers.one(10**9) is None
