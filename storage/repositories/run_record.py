"""A whole run read back as one detached record: what the report renderers read."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from storage import models
from storage.mappers import ANSWER, AUDIT, FINDING, answer_record, site_record, visit_record
from storage.records import AnswerRecord, FindingRecord, RunRecord, VisitRecord
from storage.repositories.reviews import reviews_by_answer
from storage.sql import columns_of
from storage.status import RunStatus


def read_run(session: Session, run_id: int) -> RunRecord:
    """Everything run `run_id` produced, in insertion order."""
    run = session.get(models.CrawlRunRow, run_id)
    if run is None:
        raise LookupError(f"no run {run_id}")
    findings = _findings(session, run_id)
    return RunRecord(
        id=run.id,
        site=site_record(session.get_one(models.SiteRow, run.site_id)),
        status=RunStatus(run.status),
        started_at=run.started_at,
        finished_at=run.finished_at,
        settings=dict(run.settings),
        stats=dict(run.stats),
        error=run.error,
        as_of=run.as_of,
        visits=_visits(session, run_id),
        findings=tuple(findings.values()),
        answers=_answers(session, run_id, findings),
    )


def _visits(session: Session, run_id: int) -> tuple[VisitRecord, ...]:
    """The run's visits with their audit results; an unchanged page's results are those of the
    visit it carries forward."""
    visit, result = models.PageVisitRow, models.AuditResultRow
    visits = session.scalars(select(visit).where(visit.run_id == run_id).order_by(visit.id)).all()
    audits: dict[int, list[Row[Any]]] = defaultdict(list)
    # Columns, not ORM objects: a page has a hundred results or more.
    results = select(*columns_of(result, "id", "visit_id", *AUDIT.columns))
    own = results.join(visit, visit.id == result.visit_id).where(visit.run_id == run_id)
    for row in session.execute(own.order_by(result.id)):
        audits[row.visit_id].append(row)
    carried = {v.carried_from_id for v in visits if v.carried_from_id is not None}
    if carried:
        for row in session.execute(results.where(result.visit_id.in_(carried)).order_by(result.id)):
            audits[row.visit_id].append(row)
    for v in visits:
        if v.carried_from_id is not None:
            audits[v.id] = audits.get(v.carried_from_id, [])
    return tuple(visit_record(v, audits.get(v.id, ())) for v in visits)


def _findings(session: Session, run_id: int) -> dict[int, FindingRecord]:
    """The run's findings by id, in insertion order: each built once, and shared by the answers citing it.
    Columns, not ORM objects: a run has hundreds, and the ORM objects cost more than the query."""
    finding = models.FindingRow
    rows = session.execute(
        select(*columns_of(finding, "id", *FINDING.columns)).where(finding.run_id == run_id).order_by(finding.id)
    )
    return {row.id: FindingRecord(row.id, FINDING.build(row)) for row in rows}


def _answers(session: Session, run_id: int, findings: dict[int, FindingRecord]) -> tuple[AnswerRecord, ...]:
    """The run's answers, each with the findings it rests on (in the decider's order) and its reviews."""
    answer, link = models.SuggestedAnswerRow, models.AnswerFindingRow
    columns = columns_of(answer, "id", "created_at", *ANSWER.columns)
    answers = session.execute(select(*columns).where(answer.run_id == run_id).order_by(answer.id)).all()
    ids = [a.id for a in answers]
    cited: dict[int, list[FindingRecord]] = defaultdict(list)
    links = select(link.answer_id, link.finding_id).where(link.answer_id.in_(ids))
    for answer_id, finding_id in session.execute(links.order_by(link.answer_id, link.position)):
        cited[answer_id].append(findings[finding_id])
    reviews = reviews_by_answer(session, ids)
    return tuple(answer_record(a, cited[a.id], reviews[a.id]) for a in answers)
