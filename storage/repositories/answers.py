"""Suggested answers: a run's answer to each survey question, with the findings it rests on.

Never updated: a later run adds new rows, so human reviews keep pointing at what they saw."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, insert, or_, select
from sqlalchemy.orm import Session

from rules.findings import Finding, SuggestedAnswer
from storage import models
from storage.database import Repository
from storage.mappers import ANSWER, answer_record, finding_values
from storage.records import AnswerPlace, CountryAnswer, CountryInstrument
from storage.repositories.findings import known_findings
from storage.repositories.reviews import reviews_by_answer
from storage.sql import check_run_site, columns_of, insert_rows, table_of


class AnswerRepository(Repository):
    def record(self, run_id: int, site_id: int, answers: Sequence[SuggestedAnswer]) -> list[int]:
        """Store suggested answers with the findings behind them; return the answer ids.

        A finding identical to one already stored for this run (by `FindingRepository.record` or an
        earlier answer) is linked rather than stored again, so a run's findings are not double-counted.
        """
        with self.db.transaction() as session:
            check_run_site(session, run_id, site_id)
            known = known_findings(session, run_id, [f for a in answers for f in a.findings])
            _store_new_findings(session, run_id, answers, known)
            # One statement for all the answers, one for all their links, not a flush per answer: the rows,
            # their ids and their order are those of storing one answer at a time.
            rows = [{"run_id": run_id, "site_id": site_id, **ANSWER.values(a)} for a in answers]
            ids = insert_rows(session, models.SuggestedAnswerRow, rows)
            links = [
                {"answer_id": answer_id, "position": i, "finding_id": known[finding]}
                for answer_id, answer in zip(ids, answers, strict=True)
                for i, finding in enumerate(answer.findings)
            ]
            if links:
                session.execute(insert(table_of(models.AnswerFindingRow)), links)
            return ids

    def answered_countries(self) -> list[CountryInstrument]:
        """The countries and instruments that have suggested answers, sorted."""
        answer, site = models.SuggestedAnswerRow, models.SiteRow
        stmt = (
            select(site.country, answer.instrument)
            .join(site, site.id == answer.site_id)
            .where(site.country != "")
            .distinct()
            .order_by(site.country, answer.instrument)
        )
        with self.db.transaction(readonly=True) as session:
            return [CountryInstrument(country, instrument) for country, instrument in session.execute(stmt)]

    def of_country(self, country: str, instrument: str) -> list[CountryAnswer]:
        """The suggestions of one country's sites for one instrument that the review queue reads, with
        their reviews, oldest first: for each site and question its two latest (the current one and the
        run before, for what changed) and every one a person reviewed (what they saw). A site crawled
        every night would otherwise bring a year's suggestions to each question page. The findings
        behind each answer are left out: the queue does not show them."""
        answer, site, review = models.SuggestedAnswerRow, models.SiteRow, models.ReviewRow
        recency = (
            func.row_number()
            .over(
                partition_by=(answer.site_id, answer.question),
                order_by=(answer.created_at.desc(), answer.id.desc()),
            )
            .label("recency")
        )
        ranked = (
            select(answer.id, recency)
            .join(site, site.id == answer.site_id)
            .where(site.country == country.upper(), answer.instrument == instrument)
            .subquery()
        )
        reviewed = select(review.answer_id)
        wanted = select(ranked.c.id).where(or_(ranked.c.recency <= 2, ranked.c.id.in_(reviewed)))
        return self._with_reviews(answer.id.in_(wanted))

    def one(self, answer_id: int) -> CountryAnswer | None:
        """One suggestion with its reviews, as `of_country` gives it (an older one the queue no longer reads)."""
        found = self._with_reviews(models.SuggestedAnswerRow.id == answer_id)
        return found[0] if found else None

    def _with_reviews(self, which: ColumnElement[bool]) -> list[CountryAnswer]:
        answer, site = models.SuggestedAnswerRow, models.SiteRow
        # Columns, not ORM objects: each review page reads a whole queue (hundreds of suggestions), and
        # building an ORM object per row cost as much as the rest of the request (measured).
        columns = columns_of(answer, "id", "site_id", "run_id", "created_at", *ANSWER.columns)
        with self.db.transaction(readonly=True) as session:
            rows = session.execute(
                select(*columns, site.name.label("site_name"), site.kind.label("site_kind"))
                .join(site, site.id == answer.site_id)
                .where(which)
                .order_by(answer.created_at, answer.id)
            ).all()
            reviews = reviews_by_answer(session, [row.id for row in rows])
            return [
                CountryAnswer(
                    site_id=row.site_id,
                    site_name=row.site_name,
                    site_kind=row.site_kind,
                    run_id=row.run_id,
                    record=answer_record(row, (), reviews[row.id]),
                )
                for row in rows
            ]

    def place(self, answer_id: int) -> AnswerPlace | None:
        """Where a suggested answer belongs: what a permission check needs."""
        answer, site = models.SuggestedAnswerRow, models.SiteRow
        stmt = (
            select(site.country, answer.instrument, answer.question)
            .join(site, site.id == answer.site_id)
            .where(answer.id == answer_id)
        )
        with self.db.transaction(readonly=True) as session:
            row = session.execute(stmt).first()
            return AnswerPlace(country=row[0], instrument=row[1], question=row[2]) if row else None


def _store_new_findings(
    session: Session, run_id: int, answers: Sequence[SuggestedAnswer], known: dict[Finding, int]
) -> None:
    """Store the answers' findings that are not in `known` yet, in the order the answers first cite
    them (the ids they got when stored one at a time), and add their ids to `known`."""
    new = list(dict.fromkeys(f for a in answers for f in a.findings if f not in known))
    ids = insert_rows(session, models.FindingRow, [finding_values(run_id, f) for f in new])
    known.update(zip(new, ids, strict=True))
