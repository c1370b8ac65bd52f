"""Reviews: the human decisions on suggested answers. Append-only: a change of mind is a new review."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import models
from storage.database import Repository
from storage.mappers import REVIEW
from storage.records import ReviewRecord
from storage.sql import chunks, columns_of

_REVIEW_CHUNK = 500  # answer ids per IN list: SQLite caps bound parameters per statement


class ReviewRepository(Repository):
    def add(
        self,
        answer_id: int,
        user_id: int,
        role: str,
        decision: str,
        final_value: str | None = None,
        comment: str = "",
    ) -> int:
        """Append a human decision on a suggested answer. There is no way to edit or delete one:
        a change of mind is a new review, and the latest review is the one that counts.

        `accept` without a final value takes the suggested value; `override` needs a final value.
        """
        if decision not in models.DECISIONS:
            raise ValueError(f"decision must be one of {models.DECISIONS}, not {decision!r}")
        if role not in models.ROLES:
            raise ValueError(f"role must be one of {models.ROLES}, not {role!r}")
        if decision == "override" and final_value is None:
            raise ValueError("an override needs a final value")
        with self.db.transaction() as session:
            answer = session.get(models.SuggestedAnswerRow, answer_id)
            if answer is None:
                raise LookupError(f"no suggested answer {answer_id}")
            user = session.get(models.UserRow, user_id)
            if user is None:
                raise LookupError(f"no user {user_id}")
            if role != user.role and user.role != "admin":
                raise PermissionError(f"user {user.name!r} is a {user.role}, cannot review as {role}")
            if decision == "accept" and final_value is None:
                final_value = answer.value
            review = models.ReviewRow(
                answer_id=answer_id,
                user_id=user_id,
                role=role,
                decision=decision,
                final_value=final_value,
                comment=comment,
            )
            session.add(review)
            session.flush()
            return review.id

    def of_answer(self, answer_id: int) -> list[ReviewRecord]:
        """Reviews of one answer, oldest first."""
        with self.db.transaction(readonly=True) as session:
            return reviews_by_answer(session, [answer_id])[answer_id]


def reviews_by_answer(session: Session, answer_ids: Sequence[int]) -> defaultdict[int, list[ReviewRecord]]:
    """The reviews of these answers, oldest first, by answer id (an answer without any maps to [])."""
    review, user = models.ReviewRow, models.UserRow
    # Columns, not ORM objects: every review page reads all the reviews of a country's queue, and an
    # ORM object (with its joined user) per review cost more than the query did.
    stmt = select(*columns_of(review, *REVIEW.columns), user.name.label("user_name")).join(
        user, user.id == review.user_id
    )
    found: defaultdict[int, list[ReviewRecord]] = defaultdict(list)
    for chunk in chunks(answer_ids, _REVIEW_CHUNK):
        for row in session.execute(stmt.where(review.answer_id.in_(chunk)).order_by(review.created_at, review.id)):
            found[row.answer_id].append(REVIEW.build(row, user_name=row.user_name))
    return found
